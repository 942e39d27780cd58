//! Expiry commands (Redis's expire.c): EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT with
//! NX|XX|GT|LT; TTL, PTTL, EXPIRETIME, PEXPIRETIME; PERSIST.
//!
//! Times are stored absolute (Unix ms). A new time already in the past deletes
//! the key at once, as Redis does.

use crate::command::flags::*;
use crate::command::table::*;
use crate::command::{Command, Group, Keys, acl};
use resp_proto::Argv;

use super::args::{ExpireUnit, expire_arg_unchecked};
use super::is;
use crate::Ctx;
use crate::effects::events;
use crate::error::{CmdError, CmdResult};

/// EXPIRE/PEXPIRE/EXPIREAT/PEXPIREAT key time [NX|XX|GT|LT]
fn expire_generic(
    ctx: &mut Ctx<'_>,
    argv: Argv<'_>,
    unit: ExpireUnit,
    relative: bool,
    cmd: &str,
) -> CmdResult {
    let key = argv.arg(1);
    let (mut nx, mut xx, mut gt, mut lt) = (false, false, false, false);
    for opt in argv.iter().skip(3) {
        if is(opt, "nx") {
            nx = true;
        } else if is(opt, "xx") {
            xx = true;
        } else if is(opt, "gt") {
            gt = true;
        } else if is(opt, "lt") {
            lt = true;
        } else {
            return Err(CmdError::err(format!(
                "Unsupported option {}",
                crate::error::lossy_prefix(opt, 128)
            )));
        }
    }
    if nx && (xx || gt || lt) {
        return Err(CmdError::err(
            "NX and XX, GT or LT options at the same time are not compatible",
        ));
    }
    if gt && lt {
        return Err(CmdError::err(
            "GT and LT options at the same time are not compatible",
        ));
    }
    let at = expire_arg_unchecked(ctx, argv.arg(2), unit, relative, cmd)?;
    let Some(id) = ctx.lookup_write(key) else {
        ctx.reply.integer(0);
        return Ok(());
    };
    let current = ctx.db().entry(id).expire_at();
    // With no TTL the current expiry counts as infinite for GT and LT.
    let refused = (nx && current.is_some())
        || (xx && current.is_none())
        || (gt && current.is_none_or(|c| at <= c as i64))
        || (lt && current.is_some_and(|c| at >= c as i64));
    if refused {
        ctx.reply.integer(0);
        return Ok(());
    }
    let now = ctx.now_ms();
    let db = ctx.db();
    if at <= now as i64 {
        // A time already past deletes the key; Redis counts this as a DEL, not
        // as an expiry.
        db.remove_id(id);
        ctx.changed(key, events::DEL);
        let lazy = ctx.engine.config.lazyfree_lazy_expire;
        ctx.propagate_as_del(key, lazy);
    } else {
        db.set_expire(id, at as u64);
        ctx.changed(key, events::EXPIRE);
        if cmd != "pexpireat" {
            // Relative and second-based times replay as an absolute
            // PEXPIREAT, with the options as given (Redis rewrites only the
            // name and the time).
            if ctx.propagating() {
                let mut buf = itoa::Buffer::new();
                let mut args: Vec<&[u8]> = vec![b"PEXPIREAT", key, buf.format(at).as_bytes()];
                args.extend(argv.iter().skip(3));
                ctx.propagate_as(&args);
            }
        }
    }
    ctx.reply.integer(1);
    Ok(())
}

/// EXPIRE key seconds [NX|XX|GT|LT]
pub fn expire_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    expire_generic(ctx, argv, ExpireUnit::Seconds, true, "expire")
}

/// PEXPIRE key milliseconds [NX|XX|GT|LT]
pub fn pexpire_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    expire_generic(ctx, argv, ExpireUnit::Millis, true, "pexpire")
}

/// EXPIREAT key unix-time-seconds [NX|XX|GT|LT]
pub fn expireat_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    expire_generic(ctx, argv, ExpireUnit::Seconds, false, "expireat")
}

/// PEXPIREAT key unix-time-milliseconds [NX|XX|GT|LT]
pub fn pexpireat_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    expire_generic(ctx, argv, ExpireUnit::Millis, false, "pexpireat")
}

/// TTL/PTTL/EXPIRETIME/PEXPIRETIME: -2 without the key, -1 without a TTL.
fn ttl_generic(ctx: &mut Ctx<'_>, argv: Argv<'_>, millis: bool, absolute: bool) -> CmdResult {
    let key = argv.arg(1);
    let Some(id) = ctx.lookup_read_no_touch(key) else {
        ctx.reply.integer(-2);
        return Ok(());
    };
    let Some(at) = ctx.db().entry(id).expire_at() else {
        ctx.reply.integer(-1);
        return Ok(());
    };
    let value = if absolute {
        if millis {
            at as i64
        } else {
            (at / 1000) as i64
        }
    } else {
        let left = at.saturating_sub(ctx.now_ms()) as i64;
        // TTL rounds to the nearest second, as Redis's ttlGenericCommand.
        if millis { left } else { (left + 500) / 1000 }
    };
    ctx.reply.integer(value);
    Ok(())
}

/// TTL key
pub fn ttl_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    ttl_generic(ctx, argv, false, false)
}

/// PTTL key
pub fn pttl_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    ttl_generic(ctx, argv, true, false)
}

/// EXPIRETIME key
pub fn expiretime_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    ttl_generic(ctx, argv, false, true)
}

/// PEXPIRETIME key
pub fn pexpiretime_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    ttl_generic(ctx, argv, true, true)
}

/// PERSIST key
pub fn persist_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let key = argv.arg(1);
    let removed = match ctx.lookup_write(key) {
        Some(id) => ctx.db().persist(id),
        None => false,
    };
    if removed {
        ctx.changed(key, events::PERSIST);
    }
    ctx.reply.integer(i64::from(removed));
    Ok(())
}

/// WAIT numreplicas timeout — kv has no replicas: 0 at once.
pub fn wait_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    super::int_arg(argv.arg(1))?;
    let timeout = super::parse_i64(argv.arg(2))
        .ok_or_else(|| CmdError::err("timeout is not an integer or out of range"))?;
    if timeout < 0 {
        return Err(CmdError::err("timeout is negative"));
    }
    ctx.reply.integer(0);
    Ok(())
}

/// This family's entries of the command table (see `command::table`).
pub static COMMANDS: &[Command] = &[
    Command {
        name: "expire",
        arity: -3,
        flags: WRITE | FAST,
        acl: acl::KEYSPACE,
        keys: Keys::one(RW_UPDATE),
        group: Group::Generic,
        since: "1.0.0",
        summary: "Sets the expiration time of a key in seconds.",
        complexity: "O(1)",
        syntax: "key seconds [NX|XX|GT|LT]",
        handler: Some(expire_command),
        ..Command::BASE
    },
    Command {
        name: "pexpire",
        arity: -3,
        flags: WRITE | FAST,
        acl: acl::KEYSPACE,
        keys: Keys::one(RW_UPDATE),
        group: Group::Generic,
        since: "2.6.0",
        summary: "Sets the expiration time of a key in milliseconds.",
        complexity: "O(1)",
        syntax: "key milliseconds [NX|XX|GT|LT]",
        handler: Some(pexpire_command),
        ..Command::BASE
    },
    Command {
        name: "expireat",
        arity: -3,
        flags: WRITE | FAST,
        acl: acl::KEYSPACE,
        keys: Keys::one(RW_UPDATE),
        group: Group::Generic,
        since: "1.2.0",
        summary: "Sets the expiration time of a key to a Unix timestamp.",
        complexity: "O(1)",
        syntax: "key unix-time-seconds [NX|XX|GT|LT]",
        handler: Some(expireat_command),
        ..Command::BASE
    },
    Command {
        name: "pexpireat",
        arity: -3,
        flags: WRITE | FAST,
        acl: acl::KEYSPACE,
        keys: Keys::one(RW_UPDATE),
        group: Group::Generic,
        since: "2.6.0",
        summary: "Sets the expiration time of a key to a Unix milliseconds timestamp.",
        complexity: "O(1)",
        syntax: "key unix-time-milliseconds [NX|XX|GT|LT]",
        handler: Some(pexpireat_command),
        ..Command::BASE
    },
    Command {
        name: "ttl",
        arity: 2,
        flags: READONLY | FAST,
        acl: acl::KEYSPACE,
        keys: Keys::one(RO_ACCESS),
        group: Group::Generic,
        since: "1.0.0",
        summary: "Returns the expiration time in seconds of a key.",
        complexity: "O(1)",
        syntax: "key",
        tips: &["nondeterministic_output"],
        handler: Some(ttl_command),
        ..Command::BASE
    },
    Command {
        name: "pttl",
        arity: 2,
        flags: READONLY | FAST,
        acl: acl::KEYSPACE,
        keys: Keys::one(RO_ACCESS),
        group: Group::Generic,
        since: "2.6.0",
        summary: "Returns the expiration time in milliseconds of a key.",
        complexity: "O(1)",
        syntax: "key",
        tips: &["nondeterministic_output"],
        handler: Some(pttl_command),
        ..Command::BASE
    },
    Command {
        name: "expiretime",
        arity: 2,
        flags: READONLY | FAST,
        acl: acl::KEYSPACE,
        keys: Keys::one(RO_ACCESS),
        group: Group::Generic,
        since: "7.0.0",
        summary: "Returns the expiration time of a key as a Unix timestamp.",
        complexity: "O(1)",
        syntax: "key",
        handler: Some(expiretime_command),
        ..Command::BASE
    },
    Command {
        name: "pexpiretime",
        arity: 2,
        flags: READONLY | FAST,
        acl: acl::KEYSPACE,
        keys: Keys::one(RO_ACCESS),
        group: Group::Generic,
        since: "7.0.0",
        summary: "Returns the expiration time of a key as a Unix milliseconds timestamp.",
        complexity: "O(1)",
        syntax: "key",
        handler: Some(pexpiretime_command),
        ..Command::BASE
    },
    Command {
        name: "persist",
        arity: 2,
        flags: WRITE | FAST,
        acl: acl::KEYSPACE,
        keys: Keys::one(RW_UPDATE),
        group: Group::Generic,
        since: "2.2.0",
        summary: "Removes the expiration time of a key.",
        complexity: "O(1)",
        syntax: "key",
        handler: Some(persist_command),
        ..Command::BASE
    },
    Command {
        name: "wait",
        arity: 3,
        flags: NOSCRIPT,
        acl: acl::CONNECTION,
        keys: Keys::NONE,
        group: Group::Generic,
        since: "3.0.0",
        summary: "Blocks until the writes of the connection reach a number of replicas.",
        complexity: "O(1)",
        syntax: "numreplicas timeout",
        tips: &["request_policy:all_shards", "response_policy:agg_min"],
        handler: Some(wait_command),
        ..Command::BASE
    },
];
