//! Server commands: TIME, CONFIG, DEBUG, SHUTDOWN (Redis's server.c, config.c,
//! debug.c).

use crate::command::flags::*;
use crate::command::table::*;
use crate::command::{Command, Group};
use resp_proto::Argv;

use super::args::subcommand_syntax_error;
use super::is;
use crate::error::{CmdError, CmdResult};
use crate::{Ctx, SaveMode};

/// TIME
pub fn time_command(ctx: &mut Ctx<'_>, _argv: Argv<'_>) -> CmdResult {
    let now_us = ctx.engine.now_us;
    ctx.reply.array(2);
    ctx.reply.bulk_int((now_us / 1_000_000) as i64);
    ctx.reply.bulk_int((now_us % 1_000_000) as i64);
    Ok(())
}

/// CONFIG GET parameter [parameter ...]
pub fn config_get_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let patterns: Vec<&[u8]> = argv.iter().skip(2).collect();
    let pairs = ctx.engine.config.get_many(&patterns);
    ctx.reply.map(pairs.len());
    for (name, value) in &pairs {
        ctx.reply.bulk(name.as_bytes());
        ctx.reply.bulk(value);
    }
    Ok(())
}

/// CONFIG SET parameter value [parameter value ...] — all or nothing; the
/// server applies what it owns (listeners, log level...) and a failure there
/// rolls every change back.
pub fn config_set_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    if !argv.len().is_multiple_of(2) {
        return Err(CmdError::Syntax);
    }
    let pairs: Vec<(&[u8], &[u8])> = (2..argv.len())
        .step_by(2)
        .map(|i| (argv.arg(i), argv.arg(i + 1)))
        .collect();
    let opts = kv_config::SetOptions {
        local_client: ctx.me().peer.is_local,
        loading: false,
    };
    let host = &mut *ctx.host;
    ctx.engine
        .config
        .set_with(&pairs, opts, &mut |config, changed| {
            host.apply_config(config, changed)
        })
        .map_err(|e| CmdError::Raw(e.to_string()))?;
    ctx.reply.ok();
    Ok(())
}

/// CONFIG RESETSTAT
pub fn config_resetstat_command(ctx: &mut Ctx<'_>, _argv: Argv<'_>) -> CmdResult {
    ctx.engine.reset_stats();
    ctx.reply.ok();
    Ok(())
}

/// CONFIG REWRITE
pub fn config_rewrite_command(ctx: &mut Ctx<'_>, _argv: Argv<'_>) -> CmdResult {
    if ctx.engine.facts.config_file.is_empty() {
        return Err(CmdError::err("The server is running without a config file"));
    }
    ctx.host
        .rewrite_config(&ctx.engine.config, false)
        .map_err(|reason| CmdError::err(format!("Rewriting config file: {reason}")))?;
    ctx.reply.ok();
    Ok(())
}

/// CONFIG HELP
pub fn config_help_command(ctx: &mut Ctx<'_>, _argv: Argv<'_>) -> CmdResult {
    ctx.reply.help(
        "CONFIG",
        &[
            "GET <pattern> [<pattern> ...]",
            "    Return the parameters matching the glob-like patterns, with their values.",
            "SET <directive> <value> [<directive> <value> ...]",
            "    Set parameters; either all of them change or none does.",
            "RESETSTAT",
            "    Reset the statistics INFO reports.",
            "REWRITE",
            "    Rewrite the configuration file with the running configuration.",
        ],
    );
    Ok(())
}

/// Whether DEBUG may run for this client under `enable-debug-command`.
fn debug_allowed(ctx: &Ctx<'_>) -> bool {
    match ctx.engine.config.enable_debug_command.as_str() {
        "yes" => true,
        "local" => ctx.me().peer.is_local,
        _ => false,
    }
}

/// MONITOR — from now on, every command the server runs is shown to this
/// client (see `crate::monitor`). A second MONITOR answers nothing.
pub fn monitor_command(ctx: &mut Ctx<'_>, _argv: Argv<'_>) -> CmdResult {
    // Inside EXEC a reply per command is expected, which MONITOR would break.
    if !ctx.may_block() {
        return Err(CmdError::err(
            "MONITOR isn't allowed for DENY BLOCKING client",
        ));
    }
    if ctx.engine.add_monitor(ctx.client) {
        ctx.reply.ok();
    }
    Ok(())
}

/// DEBUG <subcommand> ... — the subcommands operators and test suites use:
/// HELP, SLEEP, SET-ACTIVE-EXPIRE, PAUSE-CRON, PROTOCOL, OBJECT, POPULATE,
/// CHANGE-REPL-ID.
pub fn debug_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    if !debug_allowed(ctx) {
        return Err(CmdError::err(
            "DEBUG command not allowed. If the enable-debug-command option is set to \"local\", \
             you can run it from a local connection, otherwise you need to set this option in \
             the configuration file, and then restart the server.",
        ));
    }
    let sub = argv.arg(1);
    let argc = argv.len();
    if is(sub, "help") {
        ctx.reply.help(
            "DEBUG",
            &[
                "CHANGE-REPL-ID",
                "    Change the replication IDs of the instance.",
                "CONFIG-REWRITE-FORCE-ALL",
                "    CONFIG REWRITE that also writes every directive left at its default.",
                "OBJECT <key>",
                "    Show low level info about the value of <key>.",
                "PAUSE-CRON <0|1>",
                "    Stop or resume the periodic work (active expiry, rehashing...).",
                "POPULATE <count> [<prefix>] [<size>]",
                "    Create <count> string keys named key:<num> (or <prefix>:<num>), skipping",
                "    existing ones; values are value:<num>, padded with zero bytes to <size>.",
                "PROTOCOL <type>",
                "    Reply with a sample of a RESP type: string|integer|double|bignum|null|",
                "    array|set|map|attrib|push|verbatim|true|false.",
                "STRINGMATCH-TEST",
                "    Match random patterns against random strings (a crash test of the",
                "    glob matcher used by KEYS, SCAN and CONFIG GET).",
                "SET-ACTIVE-EXPIRE <0|1>",
                "    Turn the deletion of expired keys by the periodic cycle off or on.",
                "SLEEP <seconds>",
                "    Stop the server for <seconds>. Decimals are allowed.",
            ],
        );
    } else if is(sub, "sleep") && argc == 3 {
        let secs = super::args::parse_float(argv.arg(2)).unwrap_or(0.0);
        ctx.host.sleep_us((secs.clamp(0.0, 1e9) * 1e6) as u64);
        ctx.reply.ok();
    } else if is(sub, "set-active-expire") && argc == 3 {
        ctx.engine.active_expire_enabled = super::parse_i64(argv.arg(2)).unwrap_or(0) != 0;
        ctx.reply.ok();
    } else if is(sub, "pause-cron") && argc == 3 {
        ctx.engine.cron_paused = super::parse_i64(argv.arg(2)).unwrap_or(0) != 0;
        ctx.reply.ok();
    } else if is(sub, "protocol") && argc == 3 {
        debug_protocol(ctx, argv.arg(2))?;
    } else if is(sub, "object") && argc == 3 {
        debug_object(ctx, argv.arg(2))?;
    } else if is(sub, "populate") && (3..=5).contains(&argc) {
        debug_populate(ctx, argv)?;
    } else if is(sub, "stringmatch-test") && argc == 2 {
        glob_fuzz(&mut ctx.engine.rng, 10_000_000);
        ctx.reply
            .simple(b"Apparently Redis did not crash: test passed");
    } else if is(sub, "config-rewrite-force-all") && argc == 2 {
        ctx.host
            .rewrite_config(&ctx.engine.config, true)
            .map_err(|reason| {
                CmdError::err(format!("CONFIG-REWRITE-FORCE-ALL failed: {reason}"))
            })?;
        ctx.reply.ok();
    } else if is(sub, "change-repl-id") && argc == 2 {
        let id = ctx.engine.new_replication_id();
        ctx.engine.facts.run_id = id;
        ctx.reply.ok();
    } else {
        return Err(subcommand_syntax_error(sub, "DEBUG"));
    }
    Ok(())
}

/// DEBUG STRINGMATCH-TEST: `cycles` matches of random patterns against random
/// strings (both under 32 bytes of 7-bit characters, as Redis draws them);
/// returns how many matched. Its point is surviving adversarial patterns.
fn glob_fuzz(rng: &mut crate::random::Rng, cycles: u32) -> u32 {
    let mut string = [0u8; 32];
    let mut pattern = [0u8; 32];
    let mut matches = 0;
    for _ in 0..cycles {
        let string_len = rng.below(32) as usize;
        let pattern_len = rng.below(32) as usize;
        for b in &mut string[..string_len] {
            *b = rng.below(128) as u8;
        }
        for b in &mut pattern[..pattern_len] {
            *b = rng.below(128) as u8;
        }
        matches += u32::from(kv_types::glob::glob_match(
            &pattern[..pattern_len],
            &string[..string_len],
            false,
        ));
    }
    matches
}

/// DEBUG PROTOCOL <type>: one sample reply of each RESP type, shaped for the
/// client's protocol (RESP2 clients get the RESP2 equivalents).
fn debug_protocol(ctx: &mut Ctx<'_>, name: &[u8]) -> CmdResult {
    let r = &mut ctx.reply;
    let name = name.to_ascii_lowercase();
    match name.as_slice() {
        b"string" => r.bulk(b"Hello World"),
        b"integer" => r.integer(12345),
        // The sample value Redis sends, not an approximation of pi.
        #[allow(clippy::approx_constant)]
        b"double" => r.double(3.141),
        b"bignum" => r.big_number(b"1234567999999999999999999999999999999"),
        b"null" => r.null(),
        b"array" | b"set" => {
            if name == b"array" {
                r.array(3);
            } else {
                r.set(3);
            }
            for i in 0..3 {
                r.integer(i);
            }
        }
        b"map" => {
            r.map(3);
            for i in 0..3 {
                r.integer(i);
                r.boolean(i == 1);
            }
        }
        b"attrib" => {
            if r.is_resp3() {
                r.raw(b"|1\r\n");
                r.bulk(b"key-popularity");
                r.array(2);
                r.bulk(b"key:123");
                r.integer(90);
            }
            r.bulk(b"Some real reply following the attribute");
        }
        b"push" => {
            if !r.is_resp3() {
                return Err(CmdError::err("RESP2 is not supported by this command"));
            }
            r.raw(b">2\r\n");
            r.bulk(b"server-cpu-usage");
            r.integer(42);
            r.bulk(b"Some real reply following the push reply");
        }
        b"verbatim" => r.verbatim(b"This is a verbatim\nstring", b"txt"),
        b"true" => r.boolean(true),
        b"false" => r.boolean(false),
        _ => {
            return Err(CmdError::err(
                "Wrong protocol type name. Please use one of the following: \
                 string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false",
            ));
        }
    }
    Ok(())
}

/// DEBUG OBJECT <key>: Redis's one-line description of a value.
fn debug_object(ctx: &mut Ctx<'_>, key: &[u8]) -> CmdResult {
    let now = ctx.now_ms();
    let clock = ctx.access_clock();
    let db = ctx.db();
    let id = db.lookup(key, now).ok_or(CmdError::NoSuchKey)?;
    let entry = db.entry(id);
    let serialized = match &entry.value {
        crate::db::Value::Str(s) => rdb_string_len(s),
        // Collections: their in-memory size stands in until kv writes RDB.
        other => other.heap_size(),
    };
    let line = format!(
        "Value at:{:p} refcount:1 encoding:{} serializedlength:{} lru:{} lru_seconds_idle:{}",
        entry as *const _,
        entry.value.encoding(),
        serialized,
        entry.access & 0xFF_FFFF,
        clock.saturating_sub(entry.access)
    );
    ctx.reply.simple(line.as_bytes());
    Ok(())
}

/// Bytes a string takes in an RDB file (uncompressed), as rdbSavedObjectLen:
/// small integers in their compact encodings, else a length prefix and bytes.
fn rdb_string_len(s: &kv_types::string::Str) -> usize {
    let bytes = s.to_vec();
    if bytes.len() <= 11
        && let Some(n) = super::parse_i64(&bytes)
    {
        if i8::try_from(n).is_ok() {
            return 2;
        } else if i16::try_from(n).is_ok() {
            return 3;
        } else if i32::try_from(n).is_ok() {
            return 5;
        }
    }
    let len = bytes.len();
    let prefix = match len {
        0..64 => 1,
        64..16384 => 2,
        _ if len <= u32::MAX as usize => 5,
        _ => 9,
    };
    prefix + len
}

/// A non-negative integer, with getPositiveLongFromObjectOrReply's errors.
fn positive_arg(arg: &[u8]) -> Result<i64, CmdError> {
    match super::parse_i64(arg) {
        Some(n) if n >= 0 => Ok(n),
        Some(_) => Err(CmdError::err("value is out of range, must be positive")),
        None => Err(CmdError::NotInteger),
    }
}

/// DEBUG POPULATE <count> [<prefix>] [<size>]
fn debug_populate(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let count = positive_arg(argv.arg(2))?;
    let prefix = argv.get(3).unwrap_or(b"key");
    let size = match argv.get(4) {
        Some(arg) => positive_arg(arg)? as usize,
        None => 0,
    };
    let now = ctx.now_ms();
    let clock = ctx.access_clock();
    let mut key = Vec::with_capacity(prefix.len() + 21);
    let mut created = 0;
    for j in 0..count {
        key.clear();
        key.extend_from_slice(prefix);
        key.push(b':');
        key.extend_from_slice(j.to_string().as_bytes());
        let db = ctx.db();
        if db.lookup(&key, now).is_some() {
            continue;
        }
        let mut value = format!("value:{j}").into_bytes();
        if size > 0 {
            value.resize(size, 0);
        }
        db.insert(
            &key,
            crate::db::Value::Str(kv_types::string::Str::new(&value)),
            clock,
        );
        created += 1;
    }
    // Counted as changes, but not propagated: DEBUG is not replayed.
    ctx.changed_dataset(created);
    ctx.no_propagate();
    ctx.reply.ok();
    Ok(())
}

/// SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]
pub fn shutdown_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let mut mode = SaveMode::Default;
    let mut abort = false;
    for arg in argv.iter().skip(1) {
        if is(arg, "nosave") && mode != SaveMode::Save {
            mode = SaveMode::NoSave;
        } else if is(arg, "save") && mode != SaveMode::NoSave {
            mode = SaveMode::Save;
        } else if is(arg, "now") || is(arg, "force") {
            // kv has no replicas to wait for and no save that could fail-but-force.
        } else if is(arg, "abort") {
            abort = true;
        } else {
            return Err(CmdError::Syntax);
        }
    }
    if abort {
        if argv.len() > 2 {
            return Err(CmdError::Syntax);
        }
        // Nothing is ever in progress: kv shuts down synchronously.
        return Err(CmdError::err("No shutdown in progress."));
    }
    match ctx.host.shutdown(mode) {
        Ok(()) => {
            ctx.engine.shutdown_requested = true;
            Ok(())
        }
        Err(_) => Err(CmdError::err("Errors trying to SHUTDOWN. Check logs.")),
    }
}

/// This family's entries of the command table (see `command::table`).
/// The value of a password directive (Redis's SENSITIVE_CONFIG ones).
fn config_set_secret(argv: &Argv<'_>, i: usize) -> bool {
    i >= 3
        && (i - 3).is_multiple_of(2)
        && ["masterauth", "masteruser", "requirepass"]
            .iter()
            .any(|name| is(argv.arg(i - 1), name))
}

pub static COMMANDS: &[Command] = &[
    Command {
        name: "config",
        arity: -2,
        group: Group::Server,
        since: "2.0.0",
        summary: "A container for server configuration commands.",
        complexity: "Depends on subcommand.",
        subcommands: CONFIG_SUBCOMMANDS,
        ..Command::BASE
    },
    Command {
        name: "time",
        arity: 1,
        flags: LOADING | STALE | FAST,
        group: Group::Server,
        since: "2.6.0",
        summary: "Returns the server time.",
        tips: &["nondeterministic_output"],
        handler: Some(time_command),
        ..Command::BASE
    },
    Command {
        name: "monitor",
        arity: 1,
        flags: ADMIN | NOSCRIPT | LOADING | STALE,
        group: Group::Server,
        summary: "Streams every command the server runs to this connection.",
        handler: Some(monitor_command),
        ..Command::BASE
    },
    Command {
        name: "debug",
        arity: -2,
        flags: ADMIN | NOSCRIPT | LOADING | STALE,
        group: Group::Server,
        summary: "A container for debugging commands.",
        complexity: "Depends on subcommand.",
        syntax: "subcommand [argument ...]",
        handler: Some(debug_command),
        ..Command::BASE
    },
    Command {
        name: "shutdown",
        arity: -1,
        flags: ADMIN | NOSCRIPT | LOADING | STALE | NO_MULTI | ALLOW_BUSY,
        group: Group::Server,
        summary: "Stops the server, optionally saving the data first.",
        complexity: "O(N) when saving, where N is the total number of keys in all databases when saving data, otherwise O(1)",
        syntax: "[NOSAVE|SAVE] [NOW] [FORCE] [ABORT]",
        handler: Some(shutdown_command),
        ..Command::BASE
    },
];

static CONFIG_SUBCOMMANDS: &[Command] = &[
    Command {
        name: "config|get",
        arity: -3,
        flags: CONN_ADMIN,
        group: Group::Server,
        since: "2.0.0",
        summary: "Returns the effective values of configuration parameters.",
        complexity: "O(N) when N is the number of configuration parameters provided",
        syntax: "parameter [parameter ...]",
        handler: Some(config_get_command),
        ..Command::BASE
    },
    Command {
        name: "config|set",
        arity: -4,
        flags: CONN_ADMIN,
        group: Group::Server,
        since: "2.0.0",
        summary: "Sets configuration parameters at run time, all or none.",
        complexity: "O(N) when N is the number of configuration parameters provided",
        syntax: "parameter value [parameter value ...]",
        tips: &["request_policy:all_nodes", "response_policy:all_succeeded"],
        handler: Some(config_set_command),
        redact: Some(config_set_secret),
        ..Command::BASE
    },
    Command {
        name: "config|resetstat",
        arity: 2,
        flags: CONN_ADMIN,
        group: Group::Server,
        since: "2.0.0",
        summary: "Resets the server's statistics.",
        tips: &["request_policy:all_nodes", "response_policy:all_succeeded"],
        handler: Some(config_resetstat_command),
        ..Command::BASE
    },
    Command {
        name: "config|rewrite",
        arity: 2,
        flags: CONN_ADMIN,
        group: Group::Server,
        since: "2.8.0",
        summary: "Writes the running configuration back into the configuration file.",
        tips: &["request_policy:all_nodes", "response_policy:all_succeeded"],
        handler: Some(config_rewrite_command),
        ..Command::BASE
    },
    Command {
        name: "config|help",
        arity: 2,
        flags: LOADING | STALE,
        group: Group::Server,
        since: "5.0.0",
        summary: "Describes the CONFIG subcommands.",
        handler: Some(config_help_command),
        ..Command::BASE
    },
];
