//! COMMAND and its subcommands, generated from the command table
//! (Redis's server.c commandCommand family).

use crate::command::Group;
use crate::command::flags::*;
use resp_proto::Argv;

use super::is;
use crate::command::{self, Command, acl, flags};
use crate::error::{CmdError, CmdResult};
use crate::{Ctx, Engine, Reply};

/// The top-level commands COMMAND lists, in table order (not those
/// `rename-command` removed).
fn listed(engine: &Engine) -> Vec<&'static Command> {
    command::index()
        .top_level()
        .filter(|cmd| engine.command_listed(cmd))
        .collect()
}

/// COMMAND — every command's COMMAND INFO entry.
pub fn command_command(ctx: &mut Ctx<'_>, _argv: Argv<'_>) -> CmdResult {
    let commands = listed(ctx.engine);
    ctx.reply.array(commands.len());
    for cmd in commands {
        reply_info(&mut ctx.reply, cmd);
    }
    Ok(())
}

/// COMMAND COUNT
pub fn command_count_command(ctx: &mut Ctx<'_>, _argv: Argv<'_>) -> CmdResult {
    let count = listed(ctx.engine).len();
    ctx.reply.integer(count as i64);
    Ok(())
}

/// Finds a command by its full name: `get`, or `config|get` for a subcommand
/// (the parent as `rename-command` left it).
fn find_by_full_name(engine: &Engine, name: &[u8]) -> Option<&'static Command> {
    match name.iter().position(|&b| b == b'|') {
        None => engine.find_command(name).map(|(c, _)| c),
        Some(bar) => {
            let (parent, _) = engine.find_command(&name[..bar])?;
            parent.subcommand(&name[bar + 1..]).map(|(c, _)| c)
        }
    }
}

/// COMMAND INFO [command-name ...]
pub fn command_info_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    if argv.len() == 2 {
        return command_command(ctx, argv);
    }
    ctx.reply.array(argv.len() - 2);
    for name in argv.iter().skip(2) {
        match find_by_full_name(ctx.engine, name) {
            Some(cmd) => reply_info(&mut ctx.reply, cmd),
            None => ctx.reply.null(),
        }
    }
    Ok(())
}

/// One COMMAND INFO entry: name, arity, flags, first/last/step, ACL categories,
/// tips, key specifications, subcommands.
fn reply_info(reply: &mut Reply<'_>, cmd: &Command) {
    reply.array(10);
    reply.bulk(cmd.name.as_bytes());
    reply.integer(i64::from(cmd.arity));
    let names: Vec<&str> = flags::NAMES
        .iter()
        .filter(|(bit, _)| cmd.flags & bit != 0)
        .map(|(_, name)| *name)
        .collect();
    reply.set(names.len());
    for name in names {
        reply.simple(name.as_bytes());
    }
    reply.integer(i64::from(cmd.keys.first));
    reply.integer(i64::from(cmd.keys.last));
    reply.integer(i64::from(cmd.keys.step));
    let cats = cmd.acl_categories();
    let cat_names: Vec<&str> = acl::NAMES
        .iter()
        .filter(|(bit, _)| cats & bit != 0)
        .map(|(_, n)| *n)
        .collect();
    reply.set(cat_names.len());
    for name in cat_names {
        reply.simple(format!("@{name}").as_bytes());
    }
    reply.set(cmd.tips.len());
    for tip in cmd.tips {
        reply.bulk(tip.as_bytes());
    }
    reply_key_specs(reply, cmd);
    if cmd.subcommands.is_empty() {
        reply.set(0);
    } else {
        reply.array(cmd.subcommands.len());
        for sub in cmd.subcommands {
            reply_info(reply, sub);
        }
    }
}

fn reply_key_specs(reply: &mut Reply<'_>, cmd: &Command) {
    let k = cmd.keys;
    let fixed = usize::from(k.first > 0) + usize::from(k.first > 0 && !k.second_flags.is_empty());
    reply.set(fixed + usize::from(k.keynum_at > 0) + cmd.more_keys.len());
    if k.first > 0 {
        if k.second_flags.is_empty() {
            let lastkey = if k.last < 0 { k.last } else { k.last - k.first };
            reply_key_spec(
                reply,
                cmd.key_notes,
                k.spec_flags,
                k.first,
                FindKeys::Range {
                    lastkey,
                    keystep: k.step,
                },
            );
        } else {
            // The first key alone, then the rest (to the end for SINTERSTORE).
            reply_key_spec(
                reply,
                cmd.key_notes,
                k.spec_flags,
                k.first,
                FindKeys::Range {
                    lastkey: 0,
                    keystep: 1,
                },
            );
            let lastkey = if k.last < 0 { k.last } else { 0 };
            reply_key_spec(
                reply,
                "",
                k.second_flags,
                k.first + 1,
                FindKeys::Range {
                    lastkey,
                    keystep: 1,
                },
            );
        }
    }
    if k.keynum_at > 0 {
        reply_key_spec(reply, "", k.keynum_flags, k.keynum_at, FindKeys::Keynum);
    }
    for spec in cmd.more_keys {
        reply_more_key_spec(reply, spec);
    }
}

/// A keyword or unknown key spec: notes first when it has any, as Redis
/// lists them.
fn reply_more_key_spec(reply: &mut Reply<'_>, spec: &crate::command::KeySpec) {
    let has_notes = !spec.notes.is_empty();
    reply.map(3 + usize::from(has_notes));
    if has_notes {
        reply.bulk(b"notes");
        reply.bulk(spec.notes.as_bytes());
    }
    reply.bulk(b"flags");
    reply.set(spec.flags.len());
    for flag in spec.flags {
        reply.simple(flag.as_bytes());
    }
    reply.bulk(b"begin_search");
    reply.map(2);
    reply.bulk(b"type");
    match spec.keyword {
        Some((keyword, startfrom)) => {
            reply.bulk(b"keyword");
            reply.bulk(b"spec");
            reply.map(2);
            reply.bulk(b"keyword");
            reply.bulk(keyword.as_bytes());
            reply.bulk(b"startfrom");
            reply.integer(i64::from(startfrom));
            reply.bulk(b"find_keys");
            reply.map(2);
            reply.bulk(b"type");
            reply.bulk(b"range");
            reply.bulk(b"spec");
            reply.map(3);
            let r = spec.range;
            for (name, value) in [
                (&b"lastkey"[..], r.lastkey),
                (b"keystep", r.keystep),
                (b"limit", r.limit),
            ] {
                reply.bulk(name);
                reply.integer(i64::from(value));
            }
        }
        None => {
            reply.bulk(b"unknown");
            reply.bulk(b"spec");
            reply.map(0);
            reply.bulk(b"find_keys");
            reply.map(2);
            reply.bulk(b"type");
            reply.bulk(b"unknown");
            reply.bulk(b"spec");
            reply.map(0);
        }
    }
}

/// How a key specification finds its keys after the begin-search index.
enum FindKeys {
    /// A run of keys up to `lastkey` (negative: counted from the end).
    Range { lastkey: i32, keystep: i32 },
    /// A count argument at the index, then that many keys.
    Keynum,
}

/// One key specification: an index-based begin search, then a range or a
/// counted run of keys.
fn reply_key_spec(reply: &mut Reply<'_>, notes: &str, flags: &[&str], index: i32, find: FindKeys) {
    reply.map(3 + usize::from(!notes.is_empty()));
    if !notes.is_empty() {
        reply.bulk(b"notes");
        reply.bulk(notes.as_bytes());
    }
    reply.bulk(b"flags");
    reply.set(flags.len());
    for flag in flags {
        reply.simple(flag.as_bytes());
    }
    reply.bulk(b"begin_search");
    reply.map(2);
    reply.bulk(b"type");
    reply.bulk(b"index");
    reply.bulk(b"spec");
    reply.map(1);
    reply.bulk(b"index");
    reply.integer(i64::from(index));
    reply.bulk(b"find_keys");
    reply.map(2);
    reply.bulk(b"type");
    let fields: [(&[u8], i64); 3] = match find {
        FindKeys::Range { lastkey, keystep } => {
            reply.bulk(b"range");
            [
                (b"lastkey", i64::from(lastkey)),
                (b"keystep", i64::from(keystep)),
                (b"limit", 0),
            ]
        }
        FindKeys::Keynum => {
            reply.bulk(b"keynum");
            [(b"keynumidx", 0), (b"firstkey", 1), (b"keystep", 1)]
        }
    };
    reply.bulk(b"spec");
    reply.map(fields.len());
    for (name, value) in fields {
        reply.bulk(name);
        reply.integer(value);
    }
}

/// COMMAND DOCS [command-name ...]
pub fn command_docs_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let found: Vec<&'static Command> = if argv.len() == 2 {
        listed(ctx.engine)
    } else {
        argv.iter()
            .skip(2)
            .filter_map(|name| find_by_full_name(ctx.engine, name))
            .collect()
    };
    ctx.reply.map(found.len());
    for cmd in found {
        ctx.reply.bulk(cmd.name.as_bytes());
        reply_docs(&mut ctx.reply, cmd);
    }
    Ok(())
}

fn reply_docs(reply: &mut Reply<'_>, cmd: &Command) {
    let has_subs = !cmd.subcommands.is_empty();
    let args = crate::command::syntax::parse(cmd.syntax);
    let doc_flags = !cmd.doc_flags.is_empty();
    reply.map(4 + usize::from(doc_flags) + usize::from(has_subs) + usize::from(!args.is_empty()));
    reply.bulk(b"summary");
    reply.bulk(cmd.summary.as_bytes());
    reply.bulk(b"since");
    reply.bulk(cmd.since.as_bytes());
    reply.bulk(b"group");
    reply.bulk(cmd.group.name().as_bytes());
    reply.bulk(b"complexity");
    reply.bulk(cmd.complexity.as_bytes());
    if doc_flags {
        reply.bulk(b"doc_flags");
        reply.set(cmd.doc_flags.len());
        for flag in cmd.doc_flags {
            reply.simple(flag.as_bytes());
        }
    }
    if !args.is_empty() {
        reply.bulk(b"arguments");
        reply_args(reply, &args);
    }
    if has_subs {
        reply.bulk(b"subcommands");
        reply.map(cmd.subcommands.len());
        for sub in cmd.subcommands {
            reply.bulk(sub.name.as_bytes());
            reply_docs(reply, sub);
        }
    }
}

/// An argument list as COMMAND DOCS shows it: maps of name, type,
/// key_spec_index, token, flags and nested arguments, in Redis's field order.
fn reply_args(reply: &mut Reply<'_>, args: &[crate::command::syntax::Arg]) {
    reply.array(args.len());
    for arg in args {
        let flags: Vec<&str> = [(arg.optional, "optional"), (arg.multiple, "multiple")]
            .into_iter()
            .filter(|(on, _)| *on)
            .map(|(_, name)| name)
            .collect();
        let fields = 2
            + usize::from(arg.key_spec_index.is_some())
            + usize::from(arg.token.is_some())
            + usize::from(!flags.is_empty())
            + usize::from(!arg.args.is_empty());
        reply.map(fields);
        reply.bulk(b"name");
        reply.bulk(arg.name.as_bytes());
        reply.bulk(b"type");
        reply.bulk(arg.kind.as_bytes());
        if let Some(index) = arg.key_spec_index {
            reply.bulk(b"key_spec_index");
            reply.integer(index as i64);
        }
        if let Some(token) = &arg.token {
            reply.bulk(b"token");
            reply.bulk(token.as_bytes());
        }
        if !flags.is_empty() {
            reply.bulk(b"flags");
            reply.set(flags.len());
            for flag in flags {
                reply.simple(flag.as_bytes());
            }
        }
        if !arg.args.is_empty() {
            reply.bulk(b"arguments");
            reply_args(reply, &arg.args);
        }
    }
}

/// COMMAND LIST [FILTERBY MODULE module-name | ACLCAT category | PATTERN pattern]
pub fn command_list_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    enum Filter<'a> {
        All,
        Module,
        Category(Option<u64>),
        Pattern(&'a [u8]),
    }
    let filter = match argv.len() {
        2 => Filter::All,
        5 if is(argv.arg(2), "filterby") => {
            let kind = argv.arg(3);
            let value = argv.arg(4);
            if is(kind, "module") {
                Filter::Module
            } else if is(kind, "aclcat") {
                let value = value.to_ascii_lowercase();
                let bit = acl::NAMES
                    .iter()
                    .find(|(_, n)| n.as_bytes() == value)
                    .map(|(b, _)| *b);
                Filter::Category(bit)
            } else if is(kind, "pattern") {
                Filter::Pattern(value)
            } else {
                return Err(CmdError::Syntax);
            }
        }
        _ => return Err(CmdError::Syntax),
    };
    let names: Vec<&'static str> = command::index()
        .all
        .iter()
        .filter(|cmd| ctx.engine.command_listed(cmd))
        .filter(|cmd| match &filter {
            Filter::All => true,
            Filter::Module => false,
            Filter::Category(bit) => bit.is_some_and(|b| cmd.acl_categories() & b != 0),
            Filter::Pattern(p) => kv_types::glob::glob_match(p, cmd.name.as_bytes(), true),
        })
        .map(|cmd| cmd.name)
        .collect();
    ctx.reply.array(names.len());
    for name in names {
        ctx.reply.bulk(name.as_bytes());
    }
    Ok(())
}

/// The command named in `argv[2..]` and its keys' positions and flags, for
/// GETKEYS (positions relative to the named command).
fn keys_of(
    engine: &Engine,
    argv: Argv<'_>,
) -> Result<Vec<(usize, &'static [&'static str])>, CmdError> {
    let call: Vec<&[u8]> = argv.iter().skip(2).collect();
    let (mut cmd, _) = engine
        .find_command(call[0])
        .ok_or_else(|| CmdError::err("Invalid command specified"))?;
    if !cmd.subcommands.is_empty()
        && let Some((sub, _)) = call.get(1).and_then(|s| cmd.subcommand(s))
    {
        cmd = sub;
    }
    if !cmd.arity_ok(call.len()) {
        return Err(CmdError::err(
            "Invalid number of arguments specified for command",
        ));
    }
    // Like Redis's GET_KEYSPEC_DEFAULT: a `not_key` spec (the shard channel
    // of SPUBLISH) names a slot, not a key.
    let mut positions = cmd.key_positions(&call);
    positions.retain(|(_, flags)| !flags.contains(&"not_key"));
    if positions.is_empty() {
        return Err(CmdError::err("The command has no key arguments"));
    }
    Ok(positions)
}

/// COMMAND GETKEYS command [arg ...]
pub fn command_getkeys_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let positions = keys_of(ctx.engine, argv)?;
    ctx.reply.array(positions.len());
    for (p, _) in positions {
        ctx.reply.bulk(argv.arg(p + 2));
    }
    Ok(())
}

/// COMMAND GETKEYSANDFLAGS command [arg ...]
pub fn command_getkeysandflags_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let positions = keys_of(ctx.engine, argv)?;
    ctx.reply.array(positions.len());
    for (p, flags) in positions {
        ctx.reply.array(2);
        ctx.reply.bulk(argv.arg(p + 2));
        ctx.reply.set(flags.len());
        for flag in flags {
            ctx.reply.simple(flag.as_bytes());
        }
    }
    Ok(())
}

/// COMMAND HELP
pub fn command_help_command(ctx: &mut Ctx<'_>, _argv: Argv<'_>) -> CmdResult {
    ctx.reply.help(
        "COMMAND",
        &[
            "(no subcommand)",
            "    Return details about all commands.",
            "COUNT",
            "    Return the total number of commands.",
            "LIST [FILTERBY (MODULE <module-name>|ACLCAT <category>|PATTERN <pattern>)]",
            "    Return the names of the commands, optionally filtered.",
            "INFO [<command-name> ...]",
            "    Return details about the given commands, or all of them.",
            "DOCS [<command-name> ...]",
            "    Return documentation of the given commands, or all of them.",
            "GETKEYS <full-command>",
            "    Return the keys in a full command.",
            "GETKEYSANDFLAGS <full-command>",
            "    Return the keys and their access flags in a full command.",
        ],
    );
    Ok(())
}

/// COMMAND's subcommands (entries of the command table).
static SUBCOMMANDS: &[Command] = &[
    Command {
        name: "command|count",
        arity: 2,
        flags: LOADING | STALE,
        acl: acl::CONNECTION,
        group: Group::Server,
        since: "2.8.13",
        summary: "Returns the number of commands.",
        handler: Some(command_count_command),
        ..Command::BASE
    },
    Command {
        name: "command|info",
        arity: -2,
        flags: LOADING | STALE,
        acl: acl::CONNECTION,
        group: Group::Server,
        since: "2.8.13",
        summary: "Returns information about the given commands, or all of them.",
        complexity: "O(N) where N is the number of commands to look up",
        syntax: "[command-name [command-name ...]]",
        tips: &["nondeterministic_output_order"],
        handler: Some(command_info_command),
        ..Command::BASE
    },
    Command {
        name: "command|docs",
        arity: -2,
        flags: LOADING | STALE,
        acl: acl::CONNECTION,
        group: Group::Server,
        since: "7.0.0",
        summary: "Returns documentation about the given commands, or all of them.",
        complexity: "O(N) where N is the number of commands to look up",
        syntax: "[command-name [command-name ...]]",
        tips: &["nondeterministic_output_order"],
        handler: Some(command_docs_command),
        ..Command::BASE
    },
    Command {
        name: "command|list",
        arity: -2,
        flags: LOADING | STALE,
        acl: acl::CONNECTION,
        group: Group::Server,
        since: "7.0.0",
        summary: "Returns the names of the commands, optionally filtered.",
        complexity: "O(N) where N is the total number of Redis commands",
        syntax: "[FILTERBY MODULE module-name|ACLCAT category|PATTERN pattern]",
        tips: &["nondeterministic_output_order"],
        handler: Some(command_list_command),
        ..Command::BASE
    },
    Command {
        name: "command|getkeys",
        arity: -4,
        flags: LOADING | STALE,
        acl: acl::CONNECTION,
        group: Group::Server,
        since: "2.8.13",
        summary: "Extracts the key names from a complete command.",
        complexity: "O(N) where N is the number of arguments to the command",
        syntax: "command [arg [arg ...]]",
        handler: Some(command_getkeys_command),
        ..Command::BASE
    },
    Command {
        name: "command|getkeysandflags",
        arity: -4,
        flags: LOADING | STALE,
        acl: acl::CONNECTION,
        group: Group::Server,
        since: "7.0.0",
        summary: "Extracts the key names and their access flags from a complete command.",
        complexity: "O(N) where N is the number of arguments to the command",
        syntax: "command [arg [arg ...]]",
        handler: Some(command_getkeysandflags_command),
        ..Command::BASE
    },
    Command {
        name: "command|help",
        arity: 2,
        flags: LOADING | STALE,
        acl: acl::CONNECTION,
        group: Group::Server,
        since: "5.0.0",
        summary: "Describes the COMMAND subcommands.",
        handler: Some(command_help_command),
        ..Command::BASE
    },
];

pub static COMMANDS: &[Command] = &[Command {
    name: "command",
    arity: -1,
    flags: LOADING | STALE,
    acl: acl::CONNECTION,
    group: Group::Server,
    since: "2.8.13",
    summary: "Returns detailed information about all commands.",
    complexity: "O(N) where N is the total number of Redis commands",
    handler: Some(command_command),
    subcommands: SUBCOMMANDS,
    ..Command::BASE
}];
