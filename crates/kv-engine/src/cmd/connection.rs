//! Connection commands: PING, ECHO, QUIT, RESET, HELLO, AUTH, SELECT.
//! Mirrors the connection parts of Redis's server.c and networking.c.

use crate::command::flags::*;
use crate::command::{Command, Group, acl};
use resp_proto::Argv;

use super::{int_arg, is};
use crate::client::{ClientKind, ReplyMode};
use crate::error::{CmdError, CmdResult};
use crate::{Ctx, REDIS_VERSION};

/// PING [message]
pub fn ping_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    if argv.len() > 2 {
        return Err(CmdError::WrongArity("ping".into()));
    }
    // A RESP2 subscriber can only read pub/sub-shaped arrays: Redis answers
    // `["pong", message or ""]` instead.
    if ctx.me().is_subscriber() && !ctx.reply.is_resp3() {
        ctx.reply.array(2);
        ctx.reply.bulk(b"pong");
        ctx.reply.bulk(argv.get(1).unwrap_or(b""));
        return Ok(());
    }
    match argv.get(1) {
        Some(message) => ctx.reply.bulk(message),
        None => ctx.reply.simple(b"PONG"),
    }
    Ok(())
}

/// ECHO message
pub fn echo_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    ctx.reply.bulk(argv.arg(1));
    Ok(())
}

/// QUIT
pub fn quit_command(ctx: &mut Ctx<'_>, _argv: Argv<'_>) -> CmdResult {
    ctx.reply.ok();
    ctx.me_mut().close_after_reply = true;
    Ok(())
}

/// RESET — back to a fresh connection's state (RESP2, db 0, no name, reply on,
/// deauthenticated when a password is required), answering `+RESET`.
pub fn reset_command(ctx: &mut Ctx<'_>, _argv: Argv<'_>) -> CmdResult {
    let needs_auth = ctx.engine.config.requirepass.is_some();
    ctx.engine.forget_client_state(ctx.client);
    let me = ctx.me_mut();
    me.resp3 = false;
    me.db = 0;
    me.name = None;
    me.reply_mode = ReplyMode::On;
    me.no_evict = false;
    me.no_touch = false;
    me.kind = ClientKind::Normal;
    me.authenticated = !needs_auth;
    // The reply is written in RESP2: the writer was built before the reset, but
    // a simple string is the same in both protocols.
    ctx.reply.simple(b"RESET");
    Ok(())
}

/// AUTH [username] password
pub fn auth_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    if argv.len() > 3 {
        return Err(CmdError::Syntax);
    }
    let (user, pass) = match argv.len() {
        2 => (None, argv.arg(1)),
        _ => (argv.get(1), argv.arg(2)),
    };
    authenticate(ctx, user, pass)?;
    ctx.reply.ok();
    Ok(())
}

/// Checks credentials for the only user kv has, `default`.
fn authenticate(ctx: &mut Ctx<'_>, user: Option<&[u8]>, pass: &[u8]) -> CmdResult {
    let required = ctx.engine.config.requirepass.clone();
    match (&required, user) {
        (None, None) => Err(CmdError::AuthNotConfigured),
        // With no password the default user is "nopass": any password works.
        (None, Some(u)) if u == b"default" => {
            ctx.me_mut().authenticated = true;
            Ok(())
        }
        (Some(expected), u)
            if u.is_none_or(|u| u == b"default") && constant_time_eq(expected, pass) =>
        {
            ctx.me_mut().authenticated = true;
            Ok(())
        }
        _ => Err(CmdError::WrongPass),
    }
}

/// Password comparison whose time does not depend on where the inputs differ.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    let mut diff = a.len() ^ b.len();
    for i in 0..a.len().max(b.len()) {
        let x = a.get(i).copied().unwrap_or(0);
        let y = b.get(i).copied().unwrap_or(0);
        diff |= usize::from(x ^ y);
    }
    diff == 0
}

/// HELLO [protover [AUTH username password] [SETNAME clientname]]
pub fn hello_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let mut resp3 = ctx.me().resp3;
    let mut i = 1;
    if let Some(ver) = argv.get(1) {
        let ver = super::parse_i64(ver)
            .ok_or_else(|| CmdError::err("Protocol version is not an integer or out of range"))?;
        if !(2..=3).contains(&ver) {
            return Err(CmdError::NoProto);
        }
        resp3 = ver == 3;
        i = 2;
    }
    let mut auth = None;
    let mut setname = None;
    while i < argv.len() {
        let more = argv.len() - i - 1;
        let opt = argv.arg(i);
        if is(opt, "auth") && more >= 2 {
            auth = Some((argv.arg(i + 1), argv.arg(i + 2)));
            i += 3;
        } else if is(opt, "setname") && more >= 1 {
            setname = Some(argv.arg(i + 1));
            i += 2;
        } else {
            return Err(CmdError::err(format!(
                "Syntax error in HELLO option '{}'",
                crate::error::lossy_prefix(opt, 128)
            )));
        }
    }
    if let Some((user, pass)) = auth {
        authenticate(ctx, Some(user), pass)?;
    }
    if !ctx.me().authenticated {
        return Err(CmdError::Raw(
            "NOAUTH HELLO must be called with the client already authenticated, otherwise the \
             HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and \
             select the RESP protocol version at the same time"
                .into(),
        ));
    }
    if let Some(name) = setname {
        super::args::validate_name(name)?;
        ctx.me_mut().name = (!name.is_empty()).then(|| name.into());
    }
    let id = ctx.me().id;
    ctx.me_mut().resp3 = resp3;
    // The reply already uses the protocol just chosen.
    let mut reply = crate::Reply::new(ctx_out(ctx), resp3);
    reply.map(7);
    reply.bulk(b"server");
    reply.bulk(b"redis");
    reply.bulk(b"version");
    reply.bulk(REDIS_VERSION.as_bytes());
    reply.bulk(b"proto");
    reply.integer(if resp3 { 3 } else { 2 });
    reply.bulk(b"id");
    reply.integer(id as i64);
    reply.bulk(b"mode");
    reply.bulk(b"standalone");
    reply.bulk(b"role");
    reply.bulk(b"master");
    reply.bulk(b"modules");
    reply.array(0);
    Ok(())
}

/// The output buffer behind `ctx.reply`, for a reply whose protocol differs from
/// the one the call started with (HELLO switching protocols).
fn ctx_out<'a>(ctx: &'a mut Ctx<'_>) -> &'a mut Vec<u8> {
    ctx.reply.buffer()
}

/// SELECT index
pub fn select_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let index = int_arg(argv.arg(1))?;
    if index < 0 || index as usize >= ctx.db_count() {
        return Err(CmdError::DbIndexOutOfRange);
    }
    ctx.me_mut().db = index as usize;
    ctx.reply.ok();
    Ok(())
}

/// This family's entries of the command table (see `command::table`).
/// AUTH's password, and its user name too: Redis hides every argument of a
/// well-formed AUTH.
fn auth_secret(argv: &Argv<'_>, i: usize) -> bool {
    i >= 1 && argv.len() <= 3
}

/// The user and password after each AUTH among HELLO's options, up to the
/// first word that is not an option.
fn hello_secret(argv: &Argv<'_>, i: usize) -> bool {
    let mut j = 2;
    while j < argv.len() {
        let more = argv.len() - j - 1;
        if is(argv.arg(j), "auth") && more >= 2 {
            if i == j + 1 || i == j + 2 {
                return true;
            }
            j += 3;
        } else if is(argv.arg(j), "setname") && more >= 1 {
            j += 2;
        } else {
            break;
        }
    }
    false
}

pub static COMMANDS: &[Command] = &[
    Command {
        name: "ping",
        arity: -1,
        flags: FAST,
        acl: acl::CONNECTION,
        group: Group::Connection,
        summary: "Answers PONG, or echoes the message given.",
        syntax: "[message]",
        tips: &["request_policy:all_shards", "response_policy:all_succeeded"],
        handler: Some(ping_command),
        ..Command::BASE
    },
    Command {
        name: "echo",
        arity: 2,
        flags: LOADING | STALE | FAST,
        acl: acl::CONNECTION,
        group: Group::Connection,
        summary: "Returns the given string.",
        syntax: "message",
        handler: Some(echo_command),
        ..Command::BASE
    },
    Command {
        name: "quit",
        arity: -1,
        flags: NOSCRIPT | LOADING | STALE | FAST | NO_AUTH | ALLOW_BUSY,
        acl: acl::CONNECTION,
        group: Group::Connection,
        summary: "Closes the connection once its pending replies are sent.",
        handler: Some(quit_command),
        ..Command::BASE
    },
    Command {
        name: "reset",
        arity: 1,
        flags: NOSCRIPT | LOADING | STALE | FAST | NO_AUTH | ALLOW_BUSY,
        acl: acl::CONNECTION,
        group: Group::Connection,
        since: "6.2.0",
        summary: "Returns the connection to the state of a new one.",
        handler: Some(reset_command),
        ..Command::BASE
    },
    Command {
        name: "hello",
        arity: -1,
        flags: NOSCRIPT | LOADING | STALE | FAST | NO_AUTH | ALLOW_BUSY,
        acl: acl::CONNECTION,
        group: Group::Connection,
        since: "6.0.0",
        summary: "Chooses the protocol version, optionally authenticating and naming the connection.",
        syntax: "[protover [AUTH username password] [SETNAME clientname]]",
        handler: Some(hello_command),
        redact: Some(hello_secret),
        ..Command::BASE
    },
    Command {
        name: "auth",
        arity: -2,
        flags: NOSCRIPT | LOADING | STALE | FAST | NO_AUTH | ALLOW_BUSY,
        acl: acl::CONNECTION,
        group: Group::Connection,
        summary: "Authenticates the connection.",
        complexity: "O(N) where N is the number of passwords defined for the user",
        syntax: "[username] password",
        handler: Some(auth_command),
        redact: Some(auth_secret),
        ..Command::BASE
    },
    Command {
        name: "select",
        arity: 2,
        flags: LOADING | STALE | FAST,
        acl: acl::CONNECTION,
        group: Group::Connection,
        summary: "Changes the selected database of the connection.",
        syntax: "index",
        handler: Some(select_command),
        ..Command::BASE
    },
];
