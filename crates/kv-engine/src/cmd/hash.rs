//! Hash commands (Redis's t_hash.c): HSET, HSETNX, HGET, HMGET, HMSET, HDEL,
//! HEXISTS, HLEN, HSTRLEN, HKEYS, HVALS, HGETALL, HINCRBY, HINCRBYFLOAT,
//! HRANDFIELD, HSCAN.
//!
//! The value is a [`kv_types::hash::Hash`] (listpack while small, hash table
//! once large); this file only parses arguments, applies Redis's order of checks
//! and writes replies. Invariants kept here:
//! - A hash key never holds an empty hash: every command that removes fields
//!   deletes the key once the last one is gone, and every command that creates
//!   the key stores at least one field before returning.
//! - Conversion thresholds are read from the config on every write
//!   ([`crate::Engine::hash_limits`]), so CONFIG SET applies to the next write.
//! - Checks run in Redis 7.0's order: argument parsing that Redis does before
//!   the lookup (counts, increments, cursors) fails even on a missing key or a
//!   key of another type; the rest fails only once the key is known to be a hash.

use crate::command::flags::*;
use crate::command::table::*;
use crate::command::{Command, Group, Keys, acl};
use resp_proto::Argv;

use super::args::{ScanOptions, parse_cursor};
use super::{int_arg, parse_i64};
use crate::Ctx;
use crate::ctx::Parts;
use crate::db::Typed;
use crate::effects::events;
use crate::error::{CmdError, CmdResult};
use crate::reply::Reply;
use kv_types::glob::glob_match;
use kv_types::hash::Hash;
use kv_types::listpack::{Elem, IntBuf};

/// Argument `i`; the dispatcher checked the arity, so required ones exist.
fn arg(argv: Argv<'_>, i: usize) -> &[u8] {
    argv.arg(i)
}

/// Writes one stored element as a bulk string (integers rendered in decimal).
fn bulk_elem(reply: &mut Reply<'_>, e: Elem<'_>) {
    match e {
        Elem::Int(n) => reply.bulk_int(n),
        Elem::Str(s) => reply.bulk(s),
    }
}

/// HSET key field value [field value ...]
pub fn hset_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    hset_generic(ctx, argv, "hset")
}

/// HMSET key field value [field value ...] — HSET that replies OK.
pub fn hmset_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    hset_generic(ctx, argv, "hmset")
}

fn hset_generic(ctx: &mut Ctx<'_>, argv: Argv<'_>, name: &str) -> CmdResult {
    // Fields and values come in pairs; an unpaired field is an arity error, as
    // Redis reports it.
    if !argv.len().is_multiple_of(2) {
        return Err(CmdError::WrongArity(name.to_owned()));
    }
    let limits = ctx.engine.hash_limits();
    let (h, reply) = ctx.write_or_create::<Hash>(arg(argv, 1), Hash::new)?;
    // One over-long argument makes the hash a table before anything is
    // written (hashTypeTryConversion), sparing listpack inserts that the
    // conversion would redo.
    if argv
        .iter()
        .skip(2)
        .any(|a| a.len() > limits.max_listpack_value)
    {
        h.convert();
    }
    let mut created = 0i64;
    let mut i = 2;
    while let (Some(field), Some(value)) = (argv.get(i), argv.get(i + 1)) {
        created += i64::from(h.set(field, value, &limits));
        i += 2;
    }
    if name == "hset" {
        reply.integer(created);
    } else {
        reply.ok();
    }
    ctx.changed_by(argv.arg(1), events::HSET, (argv.len() as u64 - 2) / 2);
    Ok(())
}

/// HSETNX key field value
pub fn hsetnx_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let limits = ctx.engine.hash_limits();
    let (field, value) = (arg(argv, 2), arg(argv, 3));
    let (h, reply) = ctx.write_or_create::<Hash>(arg(argv, 1), Hash::new)?;
    // Redis 7.0.15 checks for the field before looking at the lengths: an
    // over-long value for an existing field leaves a listpack as it is.
    if h.contains(field) {
        reply.integer(0);
        return Ok(());
    }
    h.set(field, value, &limits);
    reply.integer(1);
    ctx.changed(argv.arg(1), events::HSET);
    Ok(())
}

/// HGET key field
pub fn hget_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let field = arg(argv, 2);
    match ctx.read_typed::<Hash>(arg(argv, 1))? {
        Some((h, reply)) => match h.get(field) {
            Some(v) => bulk_elem(reply, v),
            None => reply.null(),
        },
        None => ctx.reply.null(),
    }
    Ok(())
}

/// HMGET key field [field ...] — a missing key reads as an empty hash.
pub fn hmget_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let fields = argv.iter().skip(2);
    match ctx.read_typed::<Hash>(arg(argv, 1))? {
        Some((h, reply)) => {
            reply.array(fields.len());
            for field in fields {
                match h.get(field) {
                    Some(v) => bulk_elem(reply, v),
                    None => reply.null(),
                }
            }
        }
        None => {
            ctx.reply.array(fields.len());
            for _ in fields {
                ctx.reply.null();
            }
        }
    }
    Ok(())
}

/// HDEL key field [field ...]
pub fn hdel_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let key = arg(argv, 1);
    let Some((h, _)) = ctx.write_typed::<Hash>(key)? else {
        ctx.reply.integer(0);
        return Ok(());
    };
    let mut deleted = 0u64;
    for field in argv.iter().skip(2) {
        if h.remove(field) {
            deleted += 1;
            // Redis stops at the last field: the key is about to go.
            if h.is_empty() {
                break;
            }
        }
    }
    if deleted > 0 {
        ctx.changed_by(key, events::HDEL, deleted);
        ctx.delete_if_empty(key);
    }
    ctx.reply.integer(deleted as i64);
    Ok(())
}

/// HLEN key
pub fn hlen_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let len = match ctx.read_typed::<Hash>(arg(argv, 1))? {
        Some((h, _)) => h.len(),
        None => 0,
    };
    ctx.reply.integer(len as i64);
    Ok(())
}

/// HSTRLEN key field
pub fn hstrlen_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let field = arg(argv, 2);
    let len = match ctx.read_typed::<Hash>(arg(argv, 1))? {
        Some((h, _)) => h.value_len(field).unwrap_or(0),
        None => 0,
    };
    ctx.reply.integer(len as i64);
    Ok(())
}

/// HEXISTS key field — 0 or 1 (an integer in RESP3 too, as Redis sends it).
pub fn hexists_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let field = arg(argv, 2);
    let found = match ctx.read_typed::<Hash>(arg(argv, 1))? {
        Some((h, _)) => h.contains(field),
        None => false,
    };
    ctx.reply.integer(i64::from(found));
    Ok(())
}

/// What HKEYS, HVALS and HGETALL return of each pair.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Part {
    Fields,
    Values,
    Both,
}

/// HKEYS/HVALS/HGETALL: every pair's field, value or both, in the hash's
/// iteration order (insertion order while a listpack). Both is a map in RESP3.
fn getall_generic(ctx: &mut Ctx<'_>, argv: Argv<'_>, part: Part) -> CmdResult {
    let Some((h, reply)) = ctx.read_typed::<Hash>(arg(argv, 1))? else {
        if part == Part::Both {
            ctx.reply.map(0);
        } else {
            ctx.reply.array(0);
        }
        return Ok(());
    };
    match part {
        Part::Both => reply.map(h.len()),
        Part::Fields | Part::Values => reply.array(h.len()),
    }
    for (field, value) in h.iter() {
        if part != Part::Values {
            bulk_elem(reply, field);
        }
        if part != Part::Fields {
            bulk_elem(reply, value);
        }
    }
    Ok(())
}

/// HKEYS key
pub fn hkeys_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    getall_generic(ctx, argv, Part::Fields)
}

/// HVALS key
pub fn hvals_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    getall_generic(ctx, argv, Part::Values)
}

/// HGETALL key
pub fn hgetall_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    getall_generic(ctx, argv, Part::Both)
}

/// HINCRBY key field increment
pub fn hincrby_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let field = arg(argv, 2);
    let by = int_arg(arg(argv, 3))?;
    let limits = ctx.engine.hash_limits();
    // The key is created before the field is read, as in Redis; that cannot
    // leave an empty hash behind, since the errors below need the field to exist.
    let (h, reply) = ctx.write_or_create::<Hash>(arg(argv, 1), Hash::new)?;
    let current = match h.get(field) {
        None => 0,
        Some(Elem::Int(n)) => n,
        Some(Elem::Str(s)) => {
            parse_i64(s).ok_or_else(|| CmdError::err("hash value is not an integer"))?
        }
    };
    let next = current.checked_add(by).ok_or(CmdError::Overflow)?;
    let mut buf = itoa::Buffer::new();
    h.set(field, buf.format(next).as_bytes(), &limits);
    reply.integer(next);
    ctx.changed(argv.arg(1), events::HINCRBY);
    Ok(())
}

/// HINCRBYFLOAT key field increment — computed and printed as Redis does, in
/// C's `long double` (see [`crate::longdouble`]).
pub fn hincrbyfloat_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    use crate::longdouble::{IncrError, incr};
    let field = arg(argv, 2);
    let increment = arg(argv, 3);
    // The increment is checked before the key is looked at: adding it to
    // nothing reports exactly its own faults.
    match incr(None, increment) {
        Ok(_) => {}
        Err(IncrError::NanOrInfinity) => return Err(CmdError::err("value is NaN or Infinity")),
        Err(_) => return Err(CmdError::NotFloat),
    }
    let limits = ctx.engine.hash_limits();
    let (h, reply) = ctx.write_or_create::<Hash>(arg(argv, 1), Hash::new)?;
    let mut buf = IntBuf::new();
    // An integer stored in binary is rendered; strtold reads every i64 exactly.
    let current = h.get(field).map(|v| v.as_bytes(&mut buf).to_vec());
    let text = incr(current.as_deref(), increment).map_err(|e| match e {
        IncrError::CurrentNotFloat => CmdError::err("hash value is not a float"),
        IncrError::NanOrInfinity => CmdError::err("increment would produce NaN or Infinity"),
        IncrError::IncrementNotFloat => CmdError::NotFloat,
    })?;
    h.set(field, &text, &limits);
    reply.bulk(&text);
    ctx.changed(argv.arg(1), events::HINCRBYFLOAT);
    // Replicas store the printed result, not their own arithmetic's.
    ctx.propagate_as(&[b"HSET", argv.arg(1), field, &text]);
    Ok(())
}

/// Reply size past which a HRANDFIELD with a huge negative count stops and its
/// client is closed, when `client-output-buffer-limit` sets no hard limit for
/// it. Redis would keep producing until memory ran out; closing the one client
/// that asked is the bounded version of the same outcome.
const RANDOM_REPLY_CEILING: u64 = 1 << 30;

/// Picks drawn per round of a HRANDFIELD with repetitions, between checks of
/// the reply size (Redis samples a listpack in rounds of the same size).
const RANDOM_ROUND: u64 = 1000;

/// HRANDFIELD key [count [WITHVALUES]]
pub fn hrandfield_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let key = arg(argv, 1);
    if argv.get(2).is_some() {
        // The count and options are checked before the key is looked at.
        let (count, with_values) = super::rand_count_args(argv, "withvalues")?;
        return hrandfield_with_count(ctx, key, count, with_values);
    }
    let Some(id) = ctx.lookup_read(key) else {
        ctx.reply.null();
        return Ok(());
    };
    let Parts { db, rng, reply } = ctx.parts();
    let h = Hash::of(&db.entry(id).value).ok_or(CmdError::WrongType)?;
    match h.random_pair(&mut || rng.next_u64()) {
        Some((field, _)) => bulk_elem(reply, field),
        // Unreachable while hash keys are never empty; answer as for a missing key.
        None => reply.null(),
    }
    Ok(())
}

fn hrandfield_with_count(
    ctx: &mut Ctx<'_>,
    key: &[u8],
    count: i64,
    with_values: bool,
) -> CmdResult {
    let Some(id) = ctx.lookup_read(key) else {
        ctx.reply.array(0);
        return Ok(());
    };
    let class = ctx.me().kind.limit_class();
    let limit = match ctx.engine.config.client_output_buffer_limit[class].hard_limit_bytes {
        0 => RANDOM_REPLY_CEILING,
        hard => hard,
    };
    let Parts { db, rng, reply } = ctx.parts();
    let h = Hash::of(&db.entry(id).value).ok_or(CmdError::WrongType)?;
    let mut next = || rng.next_u64();
    if count == 0 {
        reply.array(0);
        return Ok(());
    }
    // RESP2 flattens pairs into one array; RESP3 nests each pair in its own.
    let nested = with_values && reply.is_resp3();
    let header = |reply: &mut Reply<'_>, n: u64| {
        let n = usize::try_from(n).unwrap_or(usize::MAX);
        if with_values && !nested {
            reply.array(n.saturating_mul(2));
        } else {
            reply.array(n);
        }
    };
    let pair = |reply: &mut Reply<'_>, field: Elem<'_>, value: Elem<'_>| {
        if nested {
            reply.array(2);
        }
        bulk_elem(reply, field);
        if with_values {
            bulk_elem(reply, value);
        }
    };
    let wanted = count.unsigned_abs();
    let size = h.len() as u64;

    // Repetitions allowed (negative count), or a single pick: independent draws.
    if count < 0 || wanted == 1 {
        header(reply, wanted);
        let start = reply.len();
        let mut left = wanted;
        let mut over = false;
        while left > 0 {
            let round = left.min(RANDOM_ROUND);
            left -= round;
            h.random_pairs_with_repetition(round as usize, &mut next, |f, v| pair(reply, f, v));
            if (reply.len() - start) as u64 > limit {
                over = true;
                break;
            }
        }
        if over {
            // The reply is cut short, so the client cannot stay: close it, as
            // Redis closes a client whose output passed its limit.
            let client = ctx.client;
            ctx.engine.kill(client);
        }
        return Ok(());
    }
    // At least the whole hash asked for: all of it, in iteration order.
    if wanted >= size {
        header(reply, size);
        for (f, v) in h.iter() {
            pair(reply, f, v);
        }
        return Ok(());
    }
    // Fewer distinct pairs than the hash holds.
    let picks = h.random_pairs_distinct(wanted as usize, &mut next);
    header(reply, picks.len() as u64);
    for (f, v) in picks {
        pair(reply, f, v);
    }
    Ok(())
}

/// HSCAN key cursor [MATCH pattern] [COUNT count]
pub fn hscan_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    // Redis parses the cursor first, then looks the key up, and only then the
    // options: a missing key answers an empty scan whatever options follow.
    let cursor = parse_cursor(arg(argv, 2))?;
    let Some((h, reply)) = ctx.read_typed::<Hash>(arg(argv, 1))? else {
        ctx.reply.array(2);
        ctx.reply.bulk(b"0");
        ctx.reply.array(0);
        return Ok(());
    };
    let opts = ScanOptions::parse(argv, 3, false)?;
    let mut found: Vec<(Vec<u8>, Vec<u8>)> = Vec::new();
    let mut visited = 0usize;
    // COUNT is work, not results: visit buckets until that many pairs were
    // seen (matching or not), with Redis's bound of ten bucket visits per
    // element asked for (its count is doubled for hashes: fields and values).
    let mut budget = opts.count.saturating_mul(20);
    let mut next = cursor;
    loop {
        // A listpack hash comes back whole with cursor 0 (see `Hash::scan`).
        next = h.scan(next, |field, value| {
            visited += 1;
            let mut buf = IntBuf::new();
            let field = field.as_bytes(&mut buf);
            if opts.pattern.is_none_or(|p| glob_match(p, field, false)) {
                found.push((field.to_vec(), value.to_vec()));
            }
        });
        if next == 0 || budget == 0 || visited >= opts.count {
            break;
        }
        budget -= 1;
    }
    reply.array(2);
    // Redis prints the unsigned cursor through a signed conversion; cursors
    // returned here are below the table size, so this is plain decimal.
    reply.bulk_int(next as i64);
    reply.array(found.len() * 2);
    for (field, value) in &found {
        reply.bulk(field);
        reply.bulk(value);
    }
    Ok(())
}

/// This family's entries of the command table (see `command::table`).
pub static COMMANDS: &[Command] = &[
    Command {
        name: "hset",
        arity: -4,
        flags: WRITE | DENYOOM | FAST,
        acl: acl::HASH,
        keys: Keys::one(RW_UPDATE),
        group: Group::Hash,
        since: "2.0.0",
        summary: "Sets one or more fields of a hash, creating the key if needed; returns how many fields are new.",
        complexity: "O(1) for each field/value pair added, so O(N) to add N field/value pairs when the command is called with multiple field/value pairs.",
        syntax: "key field value [field value ...]",
        handler: Some(hset_command),
        ..Command::BASE
    },
    Command {
        name: "hsetnx",
        arity: 4,
        flags: WRITE | DENYOOM | FAST,
        acl: acl::HASH,
        keys: Keys::one(&["RW", "insert"]),
        group: Group::Hash,
        since: "2.0.0",
        summary: "Sets a field of a hash only when the field does not exist yet.",
        complexity: "O(1)",
        syntax: "key field value",
        handler: Some(hsetnx_command),
        ..Command::BASE
    },
    Command {
        name: "hget",
        arity: 3,
        flags: READONLY | FAST,
        acl: acl::HASH,
        keys: Keys::one(RO_ACCESS),
        group: Group::Hash,
        since: "2.0.0",
        summary: "Returns the value of one field of a hash.",
        complexity: "O(1)",
        syntax: "key field",
        handler: Some(hget_command),
        ..Command::BASE
    },
    Command {
        name: "hmget",
        arity: -3,
        flags: READONLY | FAST,
        acl: acl::HASH,
        keys: Keys::one(RO_ACCESS),
        group: Group::Hash,
        since: "2.0.0",
        summary: "Returns the values of several fields of a hash, nil for missing ones.",
        complexity: "O(N) where N is the number of fields being requested.",
        syntax: "key field [field ...]",
        handler: Some(hmget_command),
        ..Command::BASE
    },
    Command {
        name: "hmset",
        arity: -4,
        flags: WRITE | DENYOOM | FAST,
        acl: acl::HASH,
        keys: Keys::one(RW_UPDATE),
        group: Group::Hash,
        since: "2.0.0",
        summary: "Sets one or more fields of a hash (superseded by HSET, which also counts new fields).",
        complexity: "O(N) where N is the number of fields being set.",
        syntax: "key field value [field value ...]",
        handler: Some(hmset_command),
        ..Command::BASE
    },
    Command {
        name: "hdel",
        arity: -3,
        flags: WRITE | FAST,
        acl: acl::HASH,
        keys: Keys::one(&["RW", "delete"]),
        group: Group::Hash,
        since: "2.0.0",
        summary: "Removes fields from a hash, deleting the key when none is left.",
        complexity: "O(N) where N is the number of fields to be removed.",
        syntax: "key field [field ...]",
        handler: Some(hdel_command),
        ..Command::BASE
    },
    Command {
        name: "hexists",
        arity: 3,
        flags: READONLY | FAST,
        acl: acl::HASH,
        keys: Keys::one(RO),
        group: Group::Hash,
        since: "2.0.0",
        summary: "Tells whether a field exists in a hash.",
        complexity: "O(1)",
        syntax: "key field",
        handler: Some(hexists_command),
        ..Command::BASE
    },
    Command {
        name: "hlen",
        arity: 2,
        flags: READONLY | FAST,
        acl: acl::HASH,
        keys: Keys::one(RO),
        group: Group::Hash,
        since: "2.0.0",
        summary: "Returns the number of fields of a hash.",
        complexity: "O(1)",
        syntax: "key",
        handler: Some(hlen_command),
        ..Command::BASE
    },
    Command {
        name: "hstrlen",
        arity: 3,
        flags: READONLY | FAST,
        acl: acl::HASH,
        keys: Keys::one(RO),
        group: Group::Hash,
        since: "3.2.0",
        summary: "Returns the length in bytes of the value of a hash field.",
        complexity: "O(1)",
        syntax: "key field",
        handler: Some(hstrlen_command),
        ..Command::BASE
    },
    Command {
        name: "hkeys",
        arity: 2,
        flags: READONLY,
        acl: acl::HASH,
        keys: Keys::one(RO_ACCESS),
        group: Group::Hash,
        since: "2.0.0",
        summary: "Returns every field name of a hash.",
        complexity: "O(N) where N is the size of the hash.",
        syntax: "key",
        tips: &["nondeterministic_output_order"],
        handler: Some(hkeys_command),
        ..Command::BASE
    },
    Command {
        name: "hvals",
        arity: 2,
        flags: READONLY,
        acl: acl::HASH,
        keys: Keys::one(RO_ACCESS),
        group: Group::Hash,
        since: "2.0.0",
        summary: "Returns every value of a hash.",
        complexity: "O(N) where N is the size of the hash.",
        syntax: "key",
        tips: &["nondeterministic_output_order"],
        handler: Some(hvals_command),
        ..Command::BASE
    },
    Command {
        name: "hgetall",
        arity: 2,
        flags: READONLY,
        acl: acl::HASH,
        keys: Keys::one(RO_ACCESS),
        group: Group::Hash,
        since: "2.0.0",
        summary: "Returns every field of a hash with its value.",
        complexity: "O(N) where N is the size of the hash.",
        syntax: "key",
        tips: &["nondeterministic_output_order"],
        handler: Some(hgetall_command),
        ..Command::BASE
    },
    Command {
        name: "hincrby",
        arity: 4,
        flags: WRITE | DENYOOM | FAST,
        acl: acl::HASH,
        keys: Keys::one(RW_ACCESS_UPDATE),
        group: Group::Hash,
        since: "2.0.0",
        summary: "Adds an integer to the value of a hash field; a missing field counts as 0.",
        complexity: "O(1)",
        syntax: "key field increment",
        handler: Some(hincrby_command),
        ..Command::BASE
    },
    Command {
        name: "hincrbyfloat",
        arity: 4,
        flags: WRITE | DENYOOM | FAST,
        acl: acl::HASH,
        keys: Keys::one(RW_ACCESS_UPDATE),
        group: Group::Hash,
        since: "2.6.0",
        summary: "Adds a floating point number to the value of a hash field; a missing field counts as 0.",
        complexity: "O(1)",
        syntax: "key field increment",
        handler: Some(hincrbyfloat_command),
        ..Command::BASE
    },
    Command {
        name: "hrandfield",
        arity: -2,
        flags: READONLY,
        acl: acl::HASH,
        keys: Keys::one(RO_ACCESS),
        group: Group::Hash,
        since: "6.2.0",
        summary: "Returns random fields of a hash, optionally with their values; a negative count allows repeats.",
        complexity: "O(N) where N is the number of fields returned",
        syntax: "key [count [WITHVALUES]]",
        tips: &["nondeterministic_output"],
        handler: Some(hrandfield_command),
        ..Command::BASE
    },
    Command {
        name: "hscan",
        arity: -3,
        flags: READONLY,
        acl: acl::HASH,
        keys: Keys::one(RO_ACCESS),
        group: Group::Hash,
        since: "2.8.0",
        summary: "Iterates over the fields and values of a hash with a cursor.",
        complexity: "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..",
        syntax: "key cursor [MATCH pattern] [COUNT count]",
        tips: &["nondeterministic_output"],
        handler: Some(hscan_command),
        ..Command::BASE
    },
];

#[cfg(test)]
mod tests {
    use std::collections::{HashMap, HashSet};

    use resp_proto::{DecodeLimits, Frame, decode};

    use crate::testing::{TestEngine, check, shown};

    /// One decoded reply.
    fn frame(bytes: &[u8]) -> Frame {
        let (f, used) = decode(bytes, &DecodeLimits::default())
            .expect("the engine writes valid RESP")
            .expect("the reply is complete");
        assert_eq!(used, bytes.len(), "exactly one reply: {}", shown(bytes));
        f
    }

    fn bulk(f: &Frame) -> Vec<u8> {
        match f {
            Frame::Bulk(b) => b.clone(),
            other => panic!("expected a bulk string, got {other:?}"),
        }
    }

    fn array(f: Frame) -> Vec<Frame> {
        match f {
            Frame::Array(items) => items,
            other => panic!("expected an array, got {other:?}"),
        }
    }

    /// An engine holding `h` with fields f0..f{n-1} → "v<i>", in the encoding
    /// asked for (`table`: hashtable from the first field on).
    fn filled(n: usize, table: bool) -> TestEngine {
        let mut t = TestEngine::new();
        if table {
            t.run(&["CONFIG", "SET", "hash-max-listpack-entries", "0"]);
        }
        for i in 0..n {
            t.run(&["HSET", "h", &format!("f{i}"), &format!("v{i}")]);
        }
        let want = if table { "hashtable" } else { "listpack" };
        assert_eq!(
            shown(&t.run(&["OBJECT", "ENCODING", "h"])),
            format!("${}|{want}|", want.len())
        );
        t
    }

    #[test]
    fn writes_reads_and_deletes() {
        check(&[
            (&["HSET", "h", "a", "1", "b", "x"], ":2|"),
            (&["HSET", "h", "a", "2", "c", "3"], ":1|"),
            (
                &["HSET", "h", "a"],
                "-ERR wrong number of arguments for 'hset' command|",
            ),
            (
                &["HSET", "h", "a", "1", "b"],
                "-ERR wrong number of arguments for 'hset' command|",
            ),
            (&["HMSET", "h", "d", "4"], "+OK|"),
            (&["HGET", "h", "a"], "$1|2|"),
            (&["HGET", "h", "zz"], "$-1|"),
            (&["HMGET", "h", "b", "zz"], "*2|$1|x|$-1|"),
            (&["HMGET", "none", "b"], "*1|$-1|"),
            (&["HLEN", "h"], ":4|"),
            (&["HSTRLEN", "h", "a"], ":1|"),
            (&["HEXISTS", "h", "c"], ":1|"),
            (&["HKEYS", "h"], "*4|$1|a|$1|b|$1|c|$1|d|"),
            (&["HVALS", "h"], "*4|$1|2|$1|x|$1|3|$1|4|"),
            (&["HGETALL", "none"], "*0|"),
            (&["HSETNX", "h", "a", "9"], ":0|"),
            (&["HSETNX", "h", "e", "9"], ":1|"),
            (&["HDEL", "h", "a", "b", "c", "d", "zz"], ":4|"),
            (&["HDEL", "h", "e"], ":1|"),
            (&["EXISTS", "h"], ":0|"),
            (&["HINCRBY", "n", "f", "-3"], ":-3|"),
            (
                &["HINCRBY", "n", "f", "x"],
                "-ERR value is not an integer or out of range|",
            ),
            (&["HINCRBYFLOAT", "n", "f", "0.5"], "$4|-2.5|"),
            (
                &["HINCRBY", "n", "f", "1"],
                "-ERR hash value is not an integer|",
            ),
            (&["HINCRBYFLOAT", "n", "f", "2.5"], "$1|0|"),
            (&["HINCRBY", "n", "f", "1"], ":1|"),
            (
                &["HINCRBYFLOAT", "n", "f", "nan"],
                "-ERR value is not a valid float|",
            ),
            (
                &["HINCRBYFLOAT", "n", "f", "inf"],
                "-ERR value is NaN or Infinity|",
            ),
            (&["SET", "s", "v"], "+OK|"),
            (
                &["HGET", "s", "a"],
                "-WRONGTYPE Operation against a key holding the wrong kind of value|",
            ),
            (
                &["HINCRBY", "s", "a", "x"],
                "-ERR value is not an integer or out of range|",
            ),
            (&["HSCAN", "s", "x"], "-ERR invalid cursor|"),
            (&["HSCAN", "none", "0", "COUNT", "0"], "*2|$1|0|*0|"),
            (&["HRANDFIELD", "none", "1", "x"], "-ERR syntax error|"),
            (&["HRANDFIELD", "none", "-3"], "*0|"),
            (&["HRANDFIELD", "none"], "$-1|"),
        ]);
    }

    #[test]
    fn resp3_shapes() {
        let mut t = TestEngine::new();
        t.run(&["HELLO", "3"]);
        t.run(&["HSET", "h", "a", "1", "b", "2"]);
        assert_eq!(shown(&t.run(&["HGETALL", "h"])), "%2|$1|a|$1|1|$1|b|$1|2|");
        assert_eq!(shown(&t.run(&["HGETALL", "none"])), "%0|");
        assert_eq!(shown(&t.run(&["HGET", "h", "zz"])), "_|");
        assert_eq!(shown(&t.run(&["HRANDFIELD", "none"])), "_|");
        assert_eq!(
            shown(&t.run(&["HRANDFIELD", "h", "5", "WITHVALUES"])),
            "*2|*2|$1|a|$1|1|*2|$1|b|$1|2|"
        );
        assert_eq!(
            shown(&t.run(&["HSCAN", "h", "0"])),
            "*2|$1|0|*4|$1|a|$1|1|$1|b|$1|2|"
        );
    }

    #[test]
    fn dirty_counts_writes() {
        let mut t = TestEngine::new();
        let before = t.engine.dirty;
        t.run(&["HSET", "h", "a", "1", "a", "2", "b", "3"]);
        assert_eq!(t.engine.dirty - before, 3);
        t.run(&["HSETNX", "h", "a", "1"]);
        t.run(&["HDEL", "h", "zz"]);
        assert_eq!(t.engine.dirty - before, 3);
        t.run(&["HDEL", "h", "a", "b"]);
        assert_eq!(t.engine.dirty - before, 5);
        t.run(&["HINCRBY", "h", "n", "1"]);
        t.run(&["HINCRBYFLOAT", "h", "n", "1"]);
        assert_eq!(t.engine.dirty - before, 7);
    }

    #[test]
    fn scan_cursor_parsing_follows_strtoul() {
        use crate::cmd::args::parse_cursor as p;
        assert_eq!(p(b"0"), Ok(0));
        assert_eq!(p(b""), Ok(0));
        assert_eq!(p(b"+7"), Ok(7));
        assert_eq!(p(b"-1"), Ok(u64::MAX));
        assert_eq!(p(b"-18446744073709551615"), Ok(1));
        assert_eq!(p(b"18446744073709551615"), Ok(u64::MAX));
        assert_eq!(p(b"12\0junk"), Ok(12));
        for bad in [
            &b"18446744073709551616"[..],
            b" 1",
            b"1 ",
            b"+",
            b"-",
            b"1x",
            b"0x1",
        ] {
            assert!(p(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn hrandfield_counts_distinctness_and_membership() {
        for table in [false, true] {
            let mut t = filled(50, table);
            for count in [1i64, 2, 10, 16, 17, 49, 50, 51, 1000] {
                let fields = array(frame(&t.run(&["HRANDFIELD", "h", &count.to_string()])));
                assert_eq!(
                    fields.len() as i64,
                    count.min(50),
                    "count {count}, table {table}"
                );
                let distinct: HashSet<Vec<u8>> = fields.iter().map(bulk).collect();
                assert_eq!(distinct.len(), fields.len(), "distinct for count {count}");
                for f in &distinct {
                    assert!(f.starts_with(b"f") && f[1..].iter().all(u8::is_ascii_digit));
                    let i: usize = String::from_utf8_lossy(&f[1..]).parse().expect("digits");
                    assert!(i < 50);
                }
            }
            for count in [-1i64, -7, -50, -3000] {
                let fields = array(frame(&t.run(&["HRANDFIELD", "h", &count.to_string()])));
                assert_eq!(fields.len() as i64, -count);
                let mut hits: HashMap<Vec<u8>, usize> = HashMap::new();
                for f in &fields {
                    *hits.entry(bulk(f)).or_default() += 1;
                }
                assert!(hits.keys().all(|f| f.starts_with(b"f")));
                if count == -3000 {
                    // Uniform picks: every field shows up, none grossly often.
                    assert_eq!(hits.len(), 50, "table {table}");
                    assert!(hits.values().all(|&n| n < 150), "{hits:?}");
                }
            }
            // WITHVALUES: flat pairs in RESP2, each value its field's.
            for (count, pairs) in [("-20", 20), ("-80", 80), ("20", 20), ("60", 50), ("1", 1)] {
                let flat = array(frame(&t.run(&["HRANDFIELD", "h", count, "WITHVALUES"])));
                assert_eq!(flat.len(), 2 * pairs, "count {count}");
                for pair in flat.chunks(2) {
                    assert_eq!(bulk(&pair[0])[1..], bulk(&pair[1])[1..]);
                }
            }
            let one = bulk(&frame(&t.run(&["HRANDFIELD", "h"])));
            assert!(one.starts_with(b"f"));
            // RESP3 nests each pair.
            t.run(&["HELLO", "3"]);
            for count in ["-5", "5", "100"] {
                let nested = array(frame(&t.run(&["HRANDFIELD", "h", count, "WITHVALUES"])));
                assert_eq!(nested.len(), if count == "100" { 50 } else { 5 });
                for pair in nested {
                    let pair = array(pair);
                    assert_eq!(pair.len(), 2);
                    assert_eq!(bulk(&pair[0])[1..], bulk(&pair[1])[1..]);
                }
            }
            t.run(&["HELLO", "2"]);
        }
    }

    #[test]
    fn hrandfield_huge_negative_count_closes_the_client_at_its_limit() {
        let mut t = filled(3, false);
        t.engine.config.client_output_buffer_limit[0].hard_limit_bytes = 100_000;
        let out = t.run(&["HRANDFIELD", "h", "-9223372036854775807"]);
        assert!(out.len() < 200_000, "stopped soon after the limit");
        let me = t.engine.clients.get(t.client).expect("still registered");
        assert!(me.close_asap, "the client is closed");
    }

    #[test]
    fn hscan_of_a_table_visits_every_field_once_per_full_iteration() {
        let mut t = filled(300, true);
        let mut seen: HashMap<Vec<u8>, Vec<u8>> = HashMap::new();
        let mut cursor = "0".to_owned();
        let mut calls = 0;
        loop {
            let reply = array(frame(&t.run(&["HSCAN", "h", &cursor, "COUNT", "7"])));
            cursor = String::from_utf8(bulk(&reply[0])).expect("decimal cursor");
            let items = array(reply[1].clone());
            assert_eq!(items.len() % 2, 0);
            for pair in items.chunks(2) {
                seen.insert(bulk(&pair[0]), bulk(&pair[1]));
            }
            calls += 1;
            if cursor == "0" {
                break;
            }
            assert!(calls < 1000, "the iteration ends");
        }
        assert!(calls > 1, "a table is scanned in steps");
        assert_eq!(seen.len(), 300);
        assert!(seen.iter().all(|(f, v)| f[1..] == v[1..]));
        // MATCH filters fields, keeping their values.
        let reply = array(frame(
            &t.run(&["HSCAN", "h", "0", "MATCH", "f29?", "COUNT", "10000"]),
        ));
        assert_eq!(bulk(&reply[0]), b"0");
        let mut items: Vec<Vec<u8>> = array(reply[1].clone()).iter().map(bulk).collect();
        assert_eq!(items.len(), 20);
        items.sort();
        assert_eq!(items[0], b"f290");
    }

    #[test]
    fn conversions_follow_the_config() {
        let mut t = TestEngine::new();
        t.run(&["CONFIG", "SET", "hash-max-listpack-value", "4"]);
        t.run(&["HSET", "h", "a", "1234"]);
        assert_eq!(shown(&t.run(&["OBJECT", "ENCODING", "h"])), "$8|listpack|");
        // An existing field is not overwritten, so nothing converts.
        assert_eq!(shown(&t.run(&["HSETNX", "h", "a", "12345"])), ":0|");
        assert_eq!(shown(&t.run(&["OBJECT", "ENCODING", "h"])), "$8|listpack|");
        assert_eq!(shown(&t.run(&["HINCRBY", "h", "a", "100000"])), ":101234|");
        assert_eq!(shown(&t.run(&["OBJECT", "ENCODING", "h"])), "$9|hashtable|");
        assert_eq!(shown(&t.run(&["HGET", "h", "a"])), "$6|101234|");
    }
}
