//! Set commands (Redis 7.0's t_set.c): SADD, SREM, SISMEMBER, SMISMEMBER,
//! SCARD, SMEMBERS, SRANDMEMBER, SPOP, SMOVE, SINTER, SINTERCARD, SINTERSTORE,
//! SUNION, SUNIONSTORE, SDIFF, SDIFFSTORE, SSCAN.
//!
//! Values are [`kv_types::set::Set`]s (intset or hashtable, converting as Redis
//! 7.0 does); thresholds come from `set-max-intset-entries` at each call.
//!
//! Invariants and the Redis behaviours kept on purpose:
//! - No empty set is ever stored: a command that empties one deletes the key, and
//!   a *STORE whose result is empty deletes the destination.
//! - Set-algebra results are built by adding members one by one to a fresh set,
//!   as Redis does, so a stored destination gets Redis's encoding (intset while
//!   every member is an integer and there are few) and an unstored SUNION/SDIFF
//!   reply comes out in that fresh set's order — ascending when it is an intset.
//! - Multi-key commands look their keys up in order and stop at the first one of
//!   another type (WRONGTYPE), even after a missing key.
//! - Key ids are stable until their entry is removed, so commands look every key
//!   up first (expiring what is due) and then borrow the sets side by side.
//! - Replies follow 7.0 exactly, including its RESP3 shapes: SMEMBERS, SINTER,
//!   SUNION, SDIFF and SPOP with a count answer a set (`~`), SRANDMEMBER with a
//!   count an array.

use kv_types::glob::glob_match;
use kv_types::listpack::{Elem, IntBuf, OwnedElem};
use kv_types::set::Set;
use resp_proto::Argv;

use super::args::{ScanOptions, parse_cursor};
use super::{is, parse_i64};
use crate::Ctx;
use crate::command::flags::*;
use crate::command::table::*;
use crate::command::{Command, Group, Keys, acl};
use crate::ctx::Parts;
use crate::db::Typed;
use crate::db::{typed, typed_mut};
use crate::effects::{Event, events};
use crate::error::{CmdError, CmdResult};
use crate::reply::Reply;

/// SPOP with a count switches strategy when what stays is this many times
/// smaller than what goes (Redis's SPOP_MOVE_STRATEGY_MUL): it then keeps a few
/// random members in a new set instead of popping one by one.
const SPOP_MOVE_STRATEGY_MUL: u64 = 5;

fn reply_elem(reply: &mut Reply<'_>, e: Elem<'_>) {
    match e {
        Elem::Int(v) => reply.bulk_int(v),
        Elem::Str(s) => reply.bulk(s),
    }
}

/// Membership of an element taken from another set.
fn contains_elem(set: &Set, e: Elem<'_>) -> bool {
    let mut buf = IntBuf::new();
    set.contains(e.as_bytes(&mut buf))
}

fn remove_elem(set: &mut Set, e: Elem<'_>) -> bool {
    let mut buf = IntBuf::new();
    set.remove(e.as_bytes(&mut buf))
}

/// Stores a *STORE result at `dst` (see [`Ctx::store_result`]).
fn store_result(ctx: &mut Ctx<'_>, dst: &[u8], result: Set, event: Event) {
    let len = result.len();
    ctx.store_result(dst, result.into_value(), len, event);
}

/// SADD key member [member ...]
pub fn sadd_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let key = argv.arg(1);
    let limits = ctx.engine.set_limits();
    let (set, reply) = ctx.write_or_create::<Set>(key, Set::new)?;
    let mut added = 0u64;
    for member in argv.iter().skip(2) {
        added += u64::from(set.add(member, &limits));
    }
    reply.integer(added as i64);
    if added > 0 {
        ctx.changed_by(key, events::SADD, added);
    }
    Ok(())
}

/// SREM key member [member ...]
pub fn srem_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let key = argv.arg(1);
    let Some((set, reply)) = ctx.write_typed::<Set>(key)? else {
        ctx.reply.integer(0);
        return Ok(());
    };
    let mut removed = 0u64;
    for member in argv.iter().skip(2) {
        if set.remove(member) {
            removed += 1;
            if set.is_empty() {
                break;
            }
        }
    }
    reply.integer(removed as i64);
    if removed > 0 {
        ctx.changed_by(key, events::SREM, removed);
        ctx.delete_if_empty(key);
    }
    Ok(())
}

/// SISMEMBER key member
pub fn sismember_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let key = argv.arg(1);
    let member = argv.arg(2);
    let found = match ctx.read_typed::<Set>(key)? {
        Some((set, _)) => set.contains(member),
        None => false,
    };
    ctx.reply.integer(i64::from(found));
    Ok(())
}

/// SMISMEMBER key member [member ...]
pub fn smismember_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let key = argv.arg(1);
    let members = argv.len().saturating_sub(2);
    match ctx.read_typed::<Set>(key)? {
        Some((set, reply)) => {
            reply.array(members);
            for member in argv.iter().skip(2) {
                reply.integer(i64::from(set.contains(member)));
            }
        }
        None => {
            ctx.reply.array(members);
            for _ in 0..members {
                ctx.reply.integer(0);
            }
        }
    }
    Ok(())
}

/// SCARD key
pub fn scard_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let key = argv.arg(1);
    let len = match ctx.read_typed::<Set>(key)? {
        Some((set, _)) => set.len(),
        None => 0,
    };
    ctx.reply.integer(len as i64);
    Ok(())
}

/// SMEMBERS key — in 7.0 this is SINTER of one key (same replies, RESP3 set).
pub fn smembers_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let key = argv.arg(1);
    sinter_generic(ctx, &[key], InterOutput::Reply)
}

/// SRANDMEMBER key [count]
pub fn srandmember_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    match argv.len() {
        2 => srandmember_one(ctx, argv.arg(1)),
        3 => srandmember_count(ctx, argv.arg(1), argv.arg(2)),
        _ => Err(CmdError::Syntax),
    }
}

fn srandmember_one(ctx: &mut Ctx<'_>, key: &[u8]) -> CmdResult {
    let Some(id) = ctx.lookup_read_as::<Set>(key)? else {
        ctx.reply.null();
        return Ok(());
    };
    let Parts { db, rng, reply } = ctx.parts();
    let set = typed::<Set>(db, id)?;
    match set.random_member(&mut || rng.next_u64()) {
        Some(e) => reply_elem(reply, e),
        None => reply.null(),
    }
    Ok(())
}

fn srandmember_count(ctx: &mut Ctx<'_>, key: &[u8], count: &[u8]) -> CmdResult {
    let n = parse_i64(count).ok_or(CmdError::NotInteger)?;
    // Redis accepts -LONG_MAX..=LONG_MAX so that the absolute value fits.
    if n == i64::MIN {
        return Err(CmdError::err(
            "value is out of range, value must between -9223372036854775807 and 9223372036854775807",
        ));
    }
    let unique = n >= 0;
    let count = usize::try_from(n.unsigned_abs()).unwrap_or(usize::MAX);
    let Some(id) = ctx.lookup_read_as::<Set>(key)? else {
        ctx.reply.array(0);
        return Ok(());
    };
    if count == 0 {
        ctx.reply.array(0);
        return Ok(());
    }
    let Parts { db, rng, reply } = ctx.parts();
    let set = typed::<Set>(db, id)?;
    if !unique || count == 1 {
        // Independent picks; a negative count may repeat members.
        reply.array(count);
        set.random_members_with_repetition(count, &mut || rng.next_u64(), |e| reply_elem(reply, e));
    } else if count >= set.len() {
        // The whole set, in its own order.
        reply.array(set.len());
        for e in set.iter() {
            reply_elem(reply, e);
        }
    } else {
        let picks = set.random_members_distinct(count, &mut || rng.next_u64());
        reply.array(picks.len());
        for e in picks {
            reply_elem(reply, e);
        }
    }
    Ok(())
}

/// SPOP key [count]
pub fn spop_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    match argv.len() {
        2 => spop_one(ctx, argv.arg(1)),
        3 => spop_count(ctx, argv.arg(1), argv.arg(2)),
        _ => Err(CmdError::Syntax),
    }
}

fn spop_one(ctx: &mut Ctx<'_>, key: &[u8]) -> CmdResult {
    let Some(id) = ctx.lookup_write_as::<Set>(key)? else {
        ctx.reply.null();
        return Ok(());
    };
    let Parts { db, rng, reply } = ctx.parts();
    let set = typed_mut::<Set>(db, id)?;
    let Some(popped) = set.pop_random(&mut || rng.next_u64()) else {
        reply.null();
        return Ok(());
    };
    reply_elem(reply, popped.as_elem());
    ctx.changed(key, events::SPOP);
    // A random choice is propagated as what was chosen.
    let mut buf = IntBuf::new();
    ctx.propagate_as(&[b"SREM", key, popped.as_elem().as_bytes(&mut buf)]);
    ctx.delete_if_empty(key);
    Ok(())
}

fn spop_count(ctx: &mut Ctx<'_>, key: &[u8], count: &[u8]) -> CmdResult {
    let count = match parse_i64(count) {
        Some(n) if n >= 0 => n as u64,
        _ => return Err(CmdError::err("value is out of range, must be positive")),
    };
    let Some(id) = ctx.lookup_write_as::<Set>(key)? else {
        ctx.reply.set(0);
        return Ok(());
    };
    if count == 0 {
        ctx.reply.set(0);
        return Ok(());
    }
    let limits = ctx.engine.set_limits();
    let propagating = ctx.propagating();
    let lazy = ctx.engine.config.lazyfree_lazy_server_del;
    let Parts { db, rng, reply } = ctx.parts();
    let set = typed_mut::<Set>(db, id)?;
    let size = set.len() as u64;
    if count >= size {
        // Everything goes: reply in the set's order, then drop the key.
        reply.set(set.len());
        for e in set.iter() {
            reply_elem(reply, e);
        }
        db.remove_id(id);
        ctx.changed_by(key, events::SPOP, size);
        ctx.changed_by(key, events::DEL, 0);
        ctx.propagate_as_del(key, lazy);
        return Ok(());
    }
    // The members taken, for the SREMs replicas get (only when recorded).
    let mut taken: Vec<Vec<u8>> = Vec::new();
    let mut buf = IntBuf::new();
    let remaining = size - count;
    if remaining.saturating_mul(SPOP_MOVE_STRATEGY_MUL) > count {
        // Few go: pop them one by one, in random order.
        let popped = set.pop_random_many(count as usize, &mut || rng.next_u64());
        reply.set(popped.len());
        for e in &popped {
            reply_elem(reply, e.as_elem());
            if propagating {
                taken.push(e.as_elem().as_bytes(&mut buf).to_vec());
            }
        }
    } else {
        // Few stay: pick them into a new set and answer what is left of the old
        // one, in its order. The new set gets a fresh encoding, as in Redis (a
        // hashtable whose survivors are few integers becomes an intset).
        let keep: Vec<OwnedElem> = set
            .random_members_distinct(remaining as usize, &mut || rng.next_u64())
            .into_iter()
            .map(Elem::to_owned_elem)
            .collect();
        let mut fresh = Set::new();
        for e in &keep {
            fresh.add_elem(e.as_elem(), &limits);
        }
        reply.set(count as usize);
        for e in set.iter() {
            if !contains_elem(&fresh, e) {
                reply_elem(reply, e);
                if propagating {
                    taken.push(e.as_bytes(&mut buf).to_vec());
                }
            }
        }
        *set = fresh;
    }
    ctx.changed_by(key, events::SPOP, count);
    if propagating {
        // As Redis 7.0: one SREM per member instead of SPOP (a transaction
        // on the stream, since the unit holds several commands).
        for member in &taken {
            ctx.also_propagate(&[b"SREM", key, member]);
        }
        ctx.no_propagate();
    }
    Ok(())
}

/// SMOVE source destination member
pub fn smove_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let src = argv.arg(1);
    let dst = argv.arg(2);
    let member = argv.arg(3);
    let src_id = ctx.lookup_write(src);
    let dst_id = ctx.lookup_write(dst);
    // A missing source answers 0 before any type check, as in Redis.
    let Some(src_id) = src_id else {
        ctx.reply.integer(0);
        return Ok(());
    };
    let limits = ctx.engine.set_limits();
    let clock = ctx.access_clock();
    let db = ctx.db();
    typed::<Set>(db, src_id)?;
    if let Some(dst_id) = dst_id {
        typed::<Set>(db, dst_id)?;
    }
    if dst_id == Some(src_id) {
        let found = typed::<Set>(db, src_id)?.contains(member);
        ctx.reply.integer(i64::from(found));
        return Ok(());
    }
    let source = typed_mut::<Set>(db, src_id)?;
    if !source.remove(member) {
        ctx.reply.integer(0);
        return Ok(());
    }
    let emptied = source.is_empty();
    if emptied {
        db.remove_id(src_id);
    }
    let dst_id = match dst_id {
        Some(id) => id,
        None => db.insert(dst, Set::new().into_value(), clock),
    };
    let added = typed_mut::<Set>(db, dst_id)?.add(member, &limits);
    ctx.changed(src, events::SREM);
    if emptied {
        ctx.changed_by(src, events::DEL, 0);
    }
    if added {
        ctx.changed(dst, events::SADD);
    }
    ctx.reply.integer(1);
    Ok(())
}

/// What SINTER's common body does with the intersection.
enum InterOutput<'k> {
    /// Reply with the members (SINTER, SMEMBERS).
    Reply,
    /// Store them at this key and reply with their number (SINTERSTORE).
    Store(&'k [u8]),
    /// Reply with their number only, stopping at `limit` (0: no limit).
    Cardinality { limit: u64 },
}

/// The intersection of the sets at `keys` (sinterGenericCommand): a missing
/// key is an empty set; the smallest set is walked and each member checked in
/// the others.
fn sinter_generic(ctx: &mut Ctx<'_>, keys: &[&[u8]], output: InterOutput<'_>) -> CmdResult {
    let mut ids = Vec::with_capacity(keys.len());
    let mut any_missing = false;
    for key in keys {
        match ctx.lookup_read_as::<Set>(key)? {
            Some(id) => ids.push(id),
            None => any_missing = true,
        }
    }
    let limits = ctx.engine.set_limits();
    let Parts { db, reply, .. } = ctx.parts();
    let mut sets = Vec::with_capacity(ids.len());
    for &id in &ids {
        sets.push((id, typed::<Set>(db, id)?));
    }
    sets.sort_by_key(|(_, set)| set.len());
    let smallest = match sets.first() {
        Some(&first) if !any_missing => Some(first),
        _ => None,
    };
    let Some((first_id, first)) = smallest else {
        match output {
            InterOutput::Reply => reply.set(0),
            InterOutput::Store(dst) => store_result(ctx, dst, Set::new(), events::SINTERSTORE),
            InterOutput::Cardinality { .. } => reply.integer(0),
        }
        return Ok(());
    };
    // A key named twice (or the smallest again) adds no constraint.
    let others: Vec<&Set> = sets[1..]
        .iter()
        .filter(|(id, _)| *id != first_id)
        .map(|(_, set)| *set)
        .collect();
    let in_all = |e: Elem<'_>| others.iter().all(|set| contains_elem(set, e));
    match output {
        InterOutput::Reply if others.is_empty() => {
            reply.set(first.len());
            for e in first.iter() {
                reply_elem(reply, e);
            }
        }
        InterOutput::Reply => {
            let found: Vec<Elem<'_>> = first.iter().filter(|&e| in_all(e)).collect();
            reply.set(found.len());
            for e in found {
                reply_elem(reply, e);
            }
        }
        InterOutput::Cardinality { limit } => {
            let mut n = 0u64;
            for e in first.iter() {
                if in_all(e) {
                    n += 1;
                    if limit != 0 && n >= limit {
                        break;
                    }
                }
            }
            reply.integer(n as i64);
        }
        InterOutput::Store(dst) => {
            let mut result = Set::new();
            for e in first.iter().filter(|&e| in_all(e)) {
                result.add_elem(e, &limits);
            }
            store_result(ctx, dst, result, events::SINTERSTORE);
        }
    }
    Ok(())
}

/// SINTER key [key ...]
pub fn sinter_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let keys: Vec<&[u8]> = argv.iter().skip(1).collect();
    sinter_generic(ctx, &keys, InterOutput::Reply)
}

/// SINTERSTORE destination key [key ...]
pub fn sinterstore_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let dst = argv.arg(1);
    let keys: Vec<&[u8]> = argv.iter().skip(2).collect();
    sinter_generic(ctx, &keys, InterOutput::Store(dst))
}

/// SINTERCARD numkeys key [key ...] [LIMIT limit]
pub fn sintercard_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let numkeys = match parse_i64(argv.arg(1)) {
        Some(n) if n >= 1 => n as u64,
        _ => return Err(CmdError::err("numkeys should be greater than 0")),
    };
    let argc = argv.len();
    if numkeys > argc.saturating_sub(2) as u64 {
        return Err(CmdError::err(
            "Number of keys can't be greater than number of args",
        ));
    }
    let first_opt = 2 + numkeys as usize;
    let mut limit = 0u64;
    let mut j = first_opt;
    while let Some(opt) = argv.get(j) {
        match argv.get(j + 1) {
            Some(value) if is(opt, "limit") => {
                limit = match parse_i64(value) {
                    Some(n) if n >= 0 => n as u64,
                    _ => return Err(CmdError::err("LIMIT can't be negative")),
                };
                j += 2;
            }
            _ => return Err(CmdError::Syntax),
        }
    }
    let keys: Vec<&[u8]> = (2..first_opt).filter_map(|i| argv.get(i)).collect();
    sinter_generic(ctx, &keys, InterOutput::Cardinality { limit })
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum SetOp {
    Union,
    Diff,
}

/// SUNION/SDIFF and their STORE forms (sunionDiffGenericCommand): the result
/// is built in a fresh set, then replied in its order or stored.
fn sunion_diff_generic(
    ctx: &mut Ctx<'_>,
    keys: &[&[u8]],
    dst: Option<&[u8]>,
    op: SetOp,
) -> CmdResult {
    let mut ids = Vec::with_capacity(keys.len());
    for key in keys {
        ids.push(ctx.lookup_read_as::<Set>(key)?);
    }
    let limits = ctx.engine.set_limits();
    let db = ctx.db();
    let mut sets: Vec<Option<&Set>> = Vec::with_capacity(ids.len());
    for id in &ids {
        sets.push(match id {
            Some(id) => Some(typed::<Set>(db, *id)?),
            None => None,
        });
    }
    let mut result = Set::new();
    match op {
        SetOp::Union => {
            for set in sets.iter().flatten() {
                for e in set.iter() {
                    result.add_elem(e, &limits);
                }
            }
        }
        SetOp::Diff => {
            let first_id = ids.first().copied().flatten();
            // The first key named again: nothing survives.
            let same_set = first_id.is_some() && ids.iter().skip(1).any(|id| *id == first_id);
            if let (Some(Some(first)), false) = (sets.first(), same_set) {
                diff_into(&mut result, first, &sets[1..], &limits);
            }
        }
    }
    match dst {
        Some(dst) => {
            let event = match op {
                SetOp::Union => events::SUNIONSTORE,
                SetOp::Diff => events::SDIFFSTORE,
            };
            store_result(ctx, dst, result, event)
        }
        None => {
            ctx.reply.set(result.len());
            for e in result.iter() {
                reply_elem(&mut ctx.reply, e);
            }
        }
    }
    Ok(())
}

/// `first` minus every set of `rest`, added to `result`, with Redis's choice
/// of algorithm (it decides the result's encoding when `first` is big): walk
/// `first` checking the others when that is cheaper (about half of `first`
/// per set), else copy `first` and remove every member of the others.
fn diff_into(
    result: &mut Set,
    first: &Set,
    rest: &[Option<&Set>],
    limits: &kv_types::set::SetLimits,
) {
    let mut others: Vec<&Set> = rest.iter().flatten().copied().collect();
    let present = others.len() as u64 + 1;
    let walk_work = first.len() as u64 * present / 2;
    let remove_work = first.len() as u64 + others.iter().map(|s| s.len() as u64).sum::<u64>();
    if walk_work <= remove_work {
        // Biggest first: a member is more likely to be found early there.
        others.sort_by_key(|set| std::cmp::Reverse(set.len()));
        for e in first.iter() {
            if !others.iter().any(|set| contains_elem(set, e)) {
                result.add_elem(e, limits);
            }
        }
    } else {
        for e in first.iter() {
            result.add_elem(e, limits);
        }
        for set in others {
            for e in set.iter() {
                remove_elem(result, e);
            }
            if result.is_empty() {
                break;
            }
        }
    }
}

/// SUNION key [key ...]
pub fn sunion_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let keys: Vec<&[u8]> = argv.iter().skip(1).collect();
    sunion_diff_generic(ctx, &keys, None, SetOp::Union)
}

/// SUNIONSTORE destination key [key ...]
pub fn sunionstore_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let keys: Vec<&[u8]> = argv.iter().skip(2).collect();
    sunion_diff_generic(ctx, &keys, argv.get(1), SetOp::Union)
}

/// SDIFF key [key ...]
pub fn sdiff_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let keys: Vec<&[u8]> = argv.iter().skip(1).collect();
    sunion_diff_generic(ctx, &keys, None, SetOp::Diff)
}

/// SDIFFSTORE destination key [key ...]
pub fn sdiffstore_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let keys: Vec<&[u8]> = argv.iter().skip(2).collect();
    sunion_diff_generic(ctx, &keys, argv.get(1), SetOp::Diff)
}

/// SSCAN key cursor [MATCH pattern] [COUNT count]
pub fn sscan_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let key = argv.arg(1);
    let cursor = parse_cursor(argv.arg(2))?;
    // A missing key answers an empty scan before its options are even parsed.
    let Some(id) = ctx.lookup_read_as::<Set>(key)? else {
        ctx.reply.array(2);
        ctx.reply.bulk(b"0");
        ctx.reply.array(0);
        return Ok(());
    };
    let opts = ScanOptions::parse(argv, 3, false)?;
    let set = typed::<Set>(ctx.db(), id)?;
    let mut found: Vec<OwnedElem> = Vec::new();
    // An intset comes back whole with cursor 0. A table is walked bucket by
    // bucket until COUNT members were seen (before MATCH filters them), with at
    // most 10×COUNT extra steps for sparse tables, as Redis does.
    let mut budget = opts.count.saturating_mul(10);
    let mut next = cursor;
    loop {
        next = set.scan(next, |e| found.push(e.to_owned_elem()));
        if next == 0 || budget == 0 || found.len() >= opts.count {
            break;
        }
        budget -= 1;
    }
    if let Some(pattern) = opts.pattern {
        found.retain(|e| {
            let mut buf = IntBuf::new();
            glob_match(pattern, e.as_elem().as_bytes(&mut buf), false)
        });
    }
    ctx.reply.array(2);
    ctx.reply.bulk(next.to_string().as_bytes());
    ctx.reply.array(found.len());
    for e in &found {
        reply_elem(&mut ctx.reply, e.as_elem());
    }
    Ok(())
}

const RW_INSERT: &[&str] = &["RW", "insert"];
const RW_DELETE: &[&str] = &["RW", "delete"];
const RW_ACCESS_DELETE: &[&str] = &["RW", "access", "delete"];

/// A *STORE command's keys: the destination at 1 with `dst_flags`, the sources
/// from 2 to the end, read (COMMAND INFO: 1 -1 1).
const fn store_keys(dst_flags: &'static [&'static str]) -> Keys {
    Keys::store(dst_flags, RO_ACCESS)
}

/// The set family's table entries (arity, flags, keys, categories, since,
/// complexity and tips as Redis 7.0.15's COMMAND INFO/DOCS report them).
pub static COMMANDS: &[Command] = &[
    Command {
        name: "sadd",
        arity: -3,
        flags: WRITE | DENYOOM | FAST,
        acl: acl::SET,
        keys: Keys::one(RW_INSERT),
        group: Group::Set,
        summary: "Adds members to a set, creating it if needed; answers how many were new.",
        complexity: "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.",
        syntax: "key member [member ...]",
        handler: Some(sadd_command),
        ..Command::BASE
    },
    Command {
        name: "srem",
        arity: -3,
        flags: WRITE | FAST,
        acl: acl::SET,
        keys: Keys::one(RW_DELETE),
        group: Group::Set,
        summary: "Removes members from a set, deleting it once empty; answers how many were there.",
        complexity: "O(N) where N is the number of members to be removed.",
        syntax: "key member [member ...]",
        handler: Some(srem_command),
        ..Command::BASE
    },
    Command {
        name: "sismember",
        arity: 3,
        flags: READONLY | FAST,
        acl: acl::SET,
        keys: Keys::one(RO),
        group: Group::Set,
        summary: "Tells whether a value belongs to a set.",
        syntax: "key member",
        handler: Some(sismember_command),
        ..Command::BASE
    },
    Command {
        name: "smismember",
        arity: -3,
        flags: READONLY | FAST,
        acl: acl::SET,
        keys: Keys::one(RO_ACCESS),
        group: Group::Set,
        since: "6.2.0",
        summary: "Tells, for each of several values, whether it belongs to a set.",
        complexity: "O(N) where N is the number of elements being checked for membership",
        syntax: "key member [member ...]",
        handler: Some(smismember_command),
        ..Command::BASE
    },
    Command {
        name: "scard",
        arity: 2,
        flags: READONLY | FAST,
        acl: acl::SET,
        keys: Keys::one(RO),
        group: Group::Set,
        summary: "Answers the number of members of a set.",
        syntax: "key",
        handler: Some(scard_command),
        ..Command::BASE
    },
    Command {
        name: "smembers",
        arity: 2,
        flags: READONLY,
        acl: acl::SET,
        keys: Keys::one(RO_ACCESS),
        group: Group::Set,
        summary: "Lists every member of a set.",
        complexity: "O(N) where N is the set cardinality.",
        syntax: "key",
        tips: &["nondeterministic_output_order"],
        handler: Some(smembers_command),
        ..Command::BASE
    },
    Command {
        name: "srandmember",
        arity: -2,
        flags: READONLY,
        acl: acl::SET,
        keys: Keys::one(RO_ACCESS),
        group: Group::Set,
        summary: "Picks random members of a set without removing them; a negative count may repeat them.",
        complexity: "Without the count argument O(1), otherwise O(N) where N is the absolute value of the passed count.",
        syntax: "key [count]",
        tips: &["nondeterministic_output"],
        handler: Some(srandmember_command),
        ..Command::BASE
    },
    Command {
        name: "spop",
        arity: -2,
        flags: WRITE | FAST,
        acl: acl::SET,
        keys: Keys::one(RW_ACCESS_DELETE),
        group: Group::Set,
        summary: "Removes and answers random members of a set.",
        complexity: "Without the count argument O(1), otherwise O(N) where N is the value of the passed count.",
        syntax: "key [count]",
        tips: &["nondeterministic_output"],
        handler: Some(spop_command),
        ..Command::BASE
    },
    Command {
        name: "smove",
        arity: 4,
        flags: WRITE | FAST,
        acl: acl::SET,
        keys: Keys::pair(RW_ACCESS_DELETE, RW_INSERT),
        group: Group::Set,
        summary: "Moves a member from one set to another.",
        syntax: "source destination member",
        handler: Some(smove_command),
        ..Command::BASE
    },
    Command {
        name: "sinter",
        arity: -2,
        flags: READONLY,
        acl: acl::SET,
        keys: Keys::range(1, -1, 1, RO_ACCESS),
        group: Group::Set,
        summary: "Answers the members common to all the given sets.",
        complexity: "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.",
        syntax: "key [key ...]",
        tips: &["nondeterministic_output_order"],
        handler: Some(sinter_command),
        ..Command::BASE
    },
    Command {
        name: "sintercard",
        arity: -3,
        flags: READONLY | MOVABLE_KEYS,
        acl: acl::SET,
        // COMMAND INFO reports 0 0 0: the keys are found through numkeys.
        keys: Keys::numkeys(1, &["RO", "access"]),
        group: Group::Set,
        since: "7.0.0",
        summary: "Counts the members common to all the given sets, optionally stopping at a limit.",
        complexity: "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.",
        syntax: "numkeys key [key ...] [LIMIT limit]",
        handler: Some(sintercard_command),
        ..Command::BASE
    },
    Command {
        name: "sinterstore",
        arity: -3,
        flags: WRITE | DENYOOM,
        acl: acl::SET,
        keys: store_keys(RW_UPDATE),
        group: Group::Set,
        summary: "Stores the members common to all the given sets at a key; answers their number.",
        complexity: "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.",
        syntax: "destination key [key ...]",
        handler: Some(sinterstore_command),
        ..Command::BASE
    },
    Command {
        name: "sunion",
        arity: -2,
        flags: READONLY,
        acl: acl::SET,
        keys: Keys::range(1, -1, 1, RO_ACCESS),
        group: Group::Set,
        summary: "Answers the members of any of the given sets.",
        complexity: "O(N) where N is the total number of elements in all given sets.",
        syntax: "key [key ...]",
        tips: &["nondeterministic_output_order"],
        handler: Some(sunion_command),
        ..Command::BASE
    },
    Command {
        name: "sunionstore",
        arity: -3,
        flags: WRITE | DENYOOM,
        acl: acl::SET,
        keys: store_keys(OW_UPDATE),
        group: Group::Set,
        summary: "Stores the members of any of the given sets at a key; answers their number.",
        complexity: "O(N) where N is the total number of elements in all given sets.",
        syntax: "destination key [key ...]",
        handler: Some(sunionstore_command),
        ..Command::BASE
    },
    Command {
        name: "sdiff",
        arity: -2,
        flags: READONLY,
        acl: acl::SET,
        keys: Keys::range(1, -1, 1, RO_ACCESS),
        group: Group::Set,
        summary: "Answers the members of the first set that are in none of the others.",
        complexity: "O(N) where N is the total number of elements in all given sets.",
        syntax: "key [key ...]",
        tips: &["nondeterministic_output_order"],
        handler: Some(sdiff_command),
        ..Command::BASE
    },
    Command {
        name: "sdiffstore",
        arity: -3,
        flags: WRITE | DENYOOM,
        acl: acl::SET,
        keys: store_keys(OW_UPDATE),
        group: Group::Set,
        summary: "Stores the members of the first set that are in none of the others at a key; answers their number.",
        complexity: "O(N) where N is the total number of elements in all given sets.",
        syntax: "destination key [key ...]",
        handler: Some(sdiffstore_command),
        ..Command::BASE
    },
    Command {
        name: "sscan",
        arity: -3,
        flags: READONLY,
        acl: acl::SET,
        keys: Keys::one(RO_ACCESS),
        group: Group::Set,
        since: "2.8.0",
        summary: "Iterates over the members of a set, a few at a time, with a cursor.",
        complexity: "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..",
        syntax: "key cursor [MATCH pattern] [COUNT count]",
        tips: &["nondeterministic_output"],
        handler: Some(sscan_command),
        ..Command::BASE
    },
];

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use proptest::prelude::*;
    use resp_proto::{DecodeLimits, Frame, decode};

    use crate::testing::{TestEngine, check, check_on, shown};

    /// Runs a request and decodes its single reply.
    fn frame(t: &mut TestEngine, args: &[&str]) -> Frame {
        let out = t.run(args);
        match decode(&out, &DecodeLimits::default()) {
            Ok(Some((f, used))) if used == out.len() => f,
            other => panic!("{args:?}: bad reply {other:?} from {}", shown(&out)),
        }
    }

    /// The members of an array or set reply, in reply order.
    fn items(f: Frame) -> Vec<String> {
        match f {
            Frame::Array(items) | Frame::Set(items) => items
                .into_iter()
                .map(|i| match i {
                    Frame::Bulk(b) => String::from_utf8(b).expect("test members are UTF-8"),
                    other => panic!("not a bulk: {other:?}"),
                })
                .collect(),
            other => panic!("not an aggregate: {other:?}"),
        }
    }

    fn int(f: Frame) -> i64 {
        match f {
            Frame::Integer(n) => n,
            other => panic!("not an integer: {other:?}"),
        }
    }

    fn sorted(v: Vec<String>) -> BTreeSet<String> {
        v.into_iter().collect()
    }

    #[test]
    fn add_remove_and_membership() {
        check(&[
            (&["SADD", "s", "a", "b", "a"], ":2|"),
            (&["SADD", "s", "b", "c"], ":1|"),
            (&["SCARD", "s"], ":3|"),
            (&["SCARD", "nosuch"], ":0|"),
            (&["SISMEMBER", "s", "a"], ":1|"),
            (&["SISMEMBER", "s", "z"], ":0|"),
            (&["SISMEMBER", "nosuch", "a"], ":0|"),
            (&["SMISMEMBER", "s", "a", "z", "c"], "*3|:1|:0|:1|"),
            (&["SMISMEMBER", "nosuch", "a", "b"], "*2|:0|:0|"),
            (&["SREM", "s", "a", "z"], ":1|"),
            (&["SREM", "nosuch", "a"], ":0|"),
            (&["SREM", "s", "b", "c", "b"], ":2|"),
            (&["EXISTS", "s"], ":0|"),
            (&["SET", "str", "x"], "+OK|"),
            (
                &["SADD", "str", "a"],
                "-WRONGTYPE Operation against a key holding the wrong kind of value|",
            ),
            (
                &["SREM", "str", "a"],
                "-WRONGTYPE Operation against a key holding the wrong kind of value|",
            ),
            (
                &["SCARD", "str"],
                "-WRONGTYPE Operation against a key holding the wrong kind of value|",
            ),
            (
                &["SMISMEMBER", "str", "a"],
                "-WRONGTYPE Operation against a key holding the wrong kind of value|",
            ),
            (
                &["SADD", "s"],
                "-ERR wrong number of arguments for 'sadd' command|",
            ),
        ]);
    }

    #[test]
    fn encodings_follow_the_intset_limit() {
        let mut t = TestEngine::new();
        check_on(
            &mut t,
            &[
                (&["CONFIG", "SET", "set-max-intset-entries", "3"], "+OK|"),
                (&["SADD", "i", "3", "1", "2"], ":3|"),
                (&["OBJECT", "ENCODING", "i"], "$6|intset|"),
                (&["SMEMBERS", "i"], "*3|$1|1|$1|2|$1|3|"),
                (&["SADD", "i", "4"], ":1|"),
                (&["OBJECT", "ENCODING", "i"], "$9|hashtable|"),
                (&["SADD", "j", "-5", "07"], ":2|"),
                (&["OBJECT", "ENCODING", "j"], "$9|hashtable|"),
                // Store results are built afresh: few integers make an intset.
                (&["SINTERSTORE", "d", "i", "i"], ":4|"),
                (&["OBJECT", "ENCODING", "d"], "$9|hashtable|"),
                (&["SREM", "i", "4"], ":1|"),
                (&["OBJECT", "ENCODING", "i"], "$9|hashtable|"),
                (&["SUNIONSTORE", "d", "i"], ":3|"),
                (&["OBJECT", "ENCODING", "d"], "$6|intset|"),
                (&["SDIFFSTORE", "d", "j", "i"], ":2|"),
                (&["OBJECT", "ENCODING", "d"], "$9|hashtable|"),
            ],
        );
    }

    #[test]
    fn set_algebra_on_intsets_is_sorted() {
        check(&[
            (&["SADD", "a", "5", "1", "3", "7"], ":4|"),
            (&["SADD", "b", "3", "7", "9"], ":3|"),
            (&["SINTER", "a", "b"], "*2|$1|3|$1|7|"),
            (&["SINTER", "a", "nosuch"], "*0|"),
            (
                &["SUNION", "a", "b", "nosuch"],
                "*5|$1|1|$1|3|$1|5|$1|7|$1|9|",
            ),
            (&["SDIFF", "a", "b"], "*2|$1|1|$1|5|"),
            (&["SDIFF", "a", "a"], "*0|"),
            (&["SDIFF", "nosuch", "a"], "*0|"),
            (&["SINTERCARD", "2", "a", "b"], ":2|"),
            (&["SINTERCARD", "2", "a", "b", "LIMIT", "1"], ":1|"),
            (&["SINTERCARD", "2", "a", "b", "limit", "0"], ":2|"),
            (&["SINTERCARD", "1", "a", "LIMIT", "9", "LIMIT", "3"], ":3|"),
            (&["SINTERSTORE", "d", "a", "b"], ":2|"),
            (&["SMEMBERS", "d"], "*2|$1|3|$1|7|"),
            (&["EXPIRE", "d", "100"], ":1|"),
            (&["SUNIONSTORE", "d", "a", "b"], ":5|"),
            (&["TTL", "d"], ":-1|"),
            (&["SDIFFSTORE", "d", "b", "a"], ":1|"),
            (&["SMEMBERS", "d"], "*1|$1|9|"),
            (&["SINTERSTORE", "d", "a", "nosuch"], ":0|"),
            (&["EXISTS", "d"], ":0|"),
            (&["SET", "d", "string"], "+OK|"),
            (&["SUNIONSTORE", "d", "a"], ":4|"),
            (&["TYPE", "d"], "+set|"),
        ]);
    }

    #[test]
    fn errors_match_redis() {
        let wrongtype = "-WRONGTYPE Operation against a key holding the wrong kind of value|";
        check(&[
            (&["SET", "str", "x"], "+OK|"),
            (&["SADD", "s", "1"], ":1|"),
            (&["SINTER", "nosuch", "str"], wrongtype),
            (&["SUNION", "s", "str"], wrongtype),
            (&["SDIFF", "nosuch", "str"], wrongtype),
            (&["SINTERSTORE", "d", "nosuch", "str"], wrongtype),
            (&["SINTERCARD", "2", "nosuch", "str"], wrongtype),
            (
                &["SINTERCARD", "0", "s"],
                "-ERR numkeys should be greater than 0|",
            ),
            (
                &["SINTERCARD", "x", "s"],
                "-ERR numkeys should be greater than 0|",
            ),
            (
                &["SINTERCARD", "3", "s", "s"],
                "-ERR Number of keys can't be greater than number of args|",
            ),
            (
                &["SINTERCARD", "1", "s", "LIMIT", "-1"],
                "-ERR LIMIT can't be negative|",
            ),
            (
                &["SINTERCARD", "1", "s", "LIMIT", "x"],
                "-ERR LIMIT can't be negative|",
            ),
            (&["SINTERCARD", "1", "s", "LIMIT"], "-ERR syntax error|"),
            (&["SINTERCARD", "1", "s", "s"], "-ERR syntax error|"),
            (&["SRANDMEMBER", "s", "1", "2"], "-ERR syntax error|"),
            (
                &["SRANDMEMBER", "s", "x"],
                "-ERR value is not an integer or out of range|",
            ),
            (
                &["SRANDMEMBER", "s", "-9223372036854775808"],
                "-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807|",
            ),
            (&["SPOP", "s", "1", "2"], "-ERR syntax error|"),
            (
                &["SPOP", "s", "-1"],
                "-ERR value is out of range, must be positive|",
            ),
            (
                &["SPOP", "str", "x"],
                "-ERR value is out of range, must be positive|",
            ),
            (&["SPOP", "str"], wrongtype),
            (&["SMOVE", "nosuch", "str", "1"], ":0|"),
            (&["SMOVE", "s", "str", "1"], wrongtype),
            (&["SMOVE", "str", "s", "1"], wrongtype),
            (&["SSCAN", "s", "x"], "-ERR invalid cursor|"),
            (&["SSCAN", "s", " 1"], "-ERR invalid cursor|"),
            (
                &["SSCAN", "s", "18446744073709551616"],
                "-ERR invalid cursor|",
            ),
            (&["SSCAN", "nosuch", "0", "COUNT", "0"], "*2|$1|0|*0|"),
            (&["SSCAN", "str", "0"], wrongtype),
            (&["SSCAN", "s", "0", "COUNT", "0"], "-ERR syntax error|"),
            (&["SSCAN", "s", "0", "TYPE", "set"], "-ERR syntax error|"),
            (&["SSCAN", "s", "0", "MATCH"], "-ERR syntax error|"),
            (
                &["SSCAN", "s", "0", "COUNT", "x"],
                "-ERR value is not an integer or out of range|",
            ),
        ]);
    }

    #[test]
    fn smove_cases() {
        check(&[
            (&["SADD", "a", "1", "x"], ":2|"),
            (&["SMOVE", "a", "a", "x"], ":1|"),
            (&["SMOVE", "a", "a", "nope"], ":0|"),
            (&["SMOVE", "a", "b", "nope"], ":0|"),
            (&["SMOVE", "a", "b", "x"], ":1|"),
            (&["OBJECT", "ENCODING", "b"], "$9|hashtable|"),
            (&["SMOVE", "a", "b", "1"], ":1|"),
            (&["EXISTS", "a"], ":0|"),
            (&["SCARD", "b"], ":2|"),
            (&["SADD", "c", "1"], ":1|"),
            (&["SMOVE", "c", "b", "1"], ":1|"),
            (&["EXISTS", "c"], ":0|"),
            (&["SCARD", "b"], ":2|"),
        ]);
    }

    #[test]
    fn resp3_shapes() {
        let mut t = TestEngine::new();
        t.run(&["HELLO", "3"]);
        check_on(
            &mut t,
            &[
                (&["SADD", "s", "2", "1"], ":2|"),
                (&["SMEMBERS", "s"], "~2|$1|1|$1|2|"),
                (&["SMEMBERS", "nosuch"], "~0|"),
                (&["SINTER", "s", "nosuch"], "~0|"),
                (&["SUNION", "s"], "~2|$1|1|$1|2|"),
                (&["SDIFF", "nosuch"], "~0|"),
                (&["SRANDMEMBER", "s", "5"], "*2|$1|1|$1|2|"),
                (&["SRANDMEMBER", "nosuch", "5"], "*0|"),
                (&["SRANDMEMBER", "nosuch"], "_|"),
                (&["SPOP", "nosuch"], "_|"),
                (&["SPOP", "nosuch", "2"], "~0|"),
                (&["SPOP", "s", "0"], "~0|"),
                (&["SPOP", "s", "9"], "~2|$1|1|$1|2|"),
                (&["EXISTS", "s"], ":0|"),
            ],
        );
    }

    #[test]
    fn srandmember_counts_and_distinctness() {
        for (name, members) in [
            ("ints", (0..50).map(|i| i.to_string()).collect::<Vec<_>>()),
            ("words", (0..50).map(|i| format!("m{i}")).collect()),
        ] {
            let mut t = TestEngine::new();
            let mut args = vec!["SADD", name];
            args.extend(members.iter().map(String::as_str));
            assert_eq!(int(frame(&mut t, &args)), 50);
            let all: BTreeSet<String> = members.iter().cloned().collect();
            for count in [1usize, 2, 10, 16, 17, 30, 49, 50, 51, 500] {
                let got = items(frame(&mut t, &["SRANDMEMBER", name, &count.to_string()]));
                assert_eq!(got.len(), count.min(50), "{name} {count}");
                let distinct = sorted(got.clone());
                assert_eq!(distinct.len(), got.len(), "{name} {count}: repeats");
                assert!(distinct.is_subset(&all));
            }
            let got = items(frame(&mut t, &["SRANDMEMBER", name, "-300"]));
            assert_eq!(got.len(), 300);
            let distinct = sorted(got);
            assert!(distinct.is_subset(&all));
            // 300 picks among 50 repeat, and almost surely reach most members.
            assert!(
                distinct.len() > 40 && distinct.len() < 300,
                "{}",
                distinct.len()
            );
            let one = frame(&mut t, &["SRANDMEMBER", name]);
            assert!(
                matches!(one, Frame::Bulk(b) if all.contains(&String::from_utf8_lossy(&b).into_owned()))
            );
            assert_eq!(int(frame(&mut t, &["SCARD", name])), 50);
        }
    }

    #[test]
    fn spop_counts_and_strategies() {
        for (name, members) in [
            ("ints", (0..40).map(|i| i.to_string()).collect::<Vec<_>>()),
            ("words", (0..40).map(|i| format!("m{i}")).collect()),
        ] {
            for count in [1usize, 3, 6, 7, 33, 34, 39, 40, 41] {
                let mut t = TestEngine::new();
                let mut args = vec!["SADD", name];
                args.extend(members.iter().map(String::as_str));
                frame(&mut t, &args);
                let popped = items(frame(&mut t, &["SPOP", name, &count.to_string()]));
                let want = count.min(40);
                assert_eq!(popped.len(), want, "{name} {count}");
                let popped = sorted(popped);
                assert_eq!(popped.len(), want, "{name} {count}: repeats");
                let left = sorted(items(frame(&mut t, &["SMEMBERS", name])));
                assert_eq!(left.len(), 40 - want);
                assert!(left.is_disjoint(&popped));
                let union: BTreeSet<String> = left.union(&popped).cloned().collect();
                assert_eq!(union, members.iter().cloned().collect());
                assert_eq!(t.engine.dirty, 40 + want as u64);
            }
        }
    }

    #[test]
    fn spop_few_left_rebuilds_the_encoding() {
        let mut t = TestEngine::new();
        check_on(
            &mut t,
            &[
                (&["CONFIG", "SET", "set-max-intset-entries", "4"], "+OK|"),
                (&["SADD", "h", "1", "2", "3", "4", "5", "6"], ":6|"),
                (&["OBJECT", "ENCODING", "h"], "$9|hashtable|"),
                (&["EXPIRE", "h", "100"], ":1|"),
            ],
        );
        assert_eq!(items(frame(&mut t, &["SPOP", "h", "5"])).len(), 5);
        check_on(
            &mut t,
            &[
                (&["OBJECT", "ENCODING", "h"], "$6|intset|"),
                (&["TTL", "h"], ":100|"),
                (
                    &[
                        "SADD", "g", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10",
                    ],
                    ":10|",
                ),
            ],
        );
        // 3 stay of 10: popped one by one, the table stays.
        assert_eq!(items(frame(&mut t, &["SPOP", "g", "7"])).len(), 7);
        check_on(&mut t, &[(&["OBJECT", "ENCODING", "g"], "$9|hashtable|")]);
        // On an intset the few-left strategy answers in ascending order.
        frame(&mut t, &["CONFIG", "SET", "set-max-intset-entries", "512"]);
        let mut args = vec!["SADD".to_owned(), "i".to_owned()];
        args.extend((1..=20).map(|i| i.to_string()));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        frame(&mut t, &args);
        let popped: Vec<i64> = items(frame(&mut t, &["SPOP", "i", "18"]))
            .iter()
            .map(|m| m.parse().expect("integer members"))
            .collect();
        assert_eq!(popped.len(), 18);
        assert!(popped.windows(2).all(|w| w[0] < w[1]), "{popped:?}");
    }

    #[test]
    fn sscan_walks_a_table_completely() {
        let mut t = TestEngine::new();
        let names: Vec<String> = (0..300).map(|i| format!("member:{i}")).collect();
        let mut args = vec!["SADD", "s"];
        args.extend(names.iter().map(String::as_str));
        frame(&mut t, &args);
        for count in ["1", "7", "1000"] {
            let mut seen = BTreeSet::new();
            let mut cursor = "0".to_owned();
            let mut calls = 0;
            loop {
                let Frame::Array(mut parts) =
                    frame(&mut t, &["SSCAN", "s", &cursor, "COUNT", count])
                else {
                    panic!("SSCAN answers an array");
                };
                let found = parts.pop().expect("two parts");
                let Some(Frame::Bulk(next)) = parts.pop() else {
                    panic!("cursor first");
                };
                seen.extend(items(found));
                cursor = String::from_utf8(next).expect("digits");
                calls += 1;
                if cursor == "0" || calls > 10_000 {
                    break;
                }
            }
            assert_eq!(
                seen,
                names.iter().cloned().collect::<BTreeSet<_>>(),
                "COUNT {count}"
            );
        }
        // MATCH filters after the walk; an intset answers whole at any cursor.
        frame(&mut t, &["SADD", "i", "1", "12", "3"]);
        check_on(
            &mut t,
            &[
                (
                    &["SSCAN", "i", "99", "MATCH", "1*"],
                    "*2|$1|0|*2|$1|1|$2|12|",
                ),
                (
                    &["SSCAN", "i", "-1", "COUNT", "1"],
                    "*2|$1|0|*3|$1|1|$1|3|$2|12|",
                ),
            ],
        );
    }

    #[derive(Debug, Clone)]
    enum Op {
        Add(usize, Vec<usize>),
        Rem(usize, Vec<usize>),
        Move(usize, usize, usize),
        Pop(usize, usize),
        Inter(Vec<usize>),
        Union(Vec<usize>),
        Diff(Vec<usize>),
        Card(Vec<usize>, u64),
        InterStore(usize, Vec<usize>),
        UnionStore(usize, Vec<usize>),
        DiffStore(usize, Vec<usize>),
    }

    const KEYS: [&str; 4] = ["k0", "k1", "k2", "k3"];
    /// Integers and strings, so sets change encoding both ways of a store.
    const POOL: [&str; 12] = [
        "1", "2", "3", "-4", "50", "6", "a", "b", "c", "07", "", "x y",
    ];

    fn op() -> impl Strategy<Value = Op> {
        let key = || 0..KEYS.len();
        let keys = || prop::collection::vec(0..KEYS.len(), 1..4);
        let members = || prop::collection::vec(0..POOL.len(), 1..5);
        prop_oneof![
            4 => (key(), members()).prop_map(|(k, m)| Op::Add(k, m)),
            2 => (key(), members()).prop_map(|(k, m)| Op::Rem(k, m)),
            1 => (key(), key(), 0..POOL.len()).prop_map(|(a, b, m)| Op::Move(a, b, m)),
            1 => (key(), 0usize..5).prop_map(|(k, n)| Op::Pop(k, n)),
            1 => keys().prop_map(Op::Inter),
            1 => keys().prop_map(Op::Union),
            1 => keys().prop_map(Op::Diff),
            1 => (keys(), 0u64..4).prop_map(|(k, l)| Op::Card(k, l)),
            1 => (key(), keys()).prop_map(|(d, k)| Op::InterStore(d, k)),
            1 => (key(), keys()).prop_map(|(d, k)| Op::UnionStore(d, k)),
            1 => (key(), keys()).prop_map(|(d, k)| Op::DiffStore(d, k)),
        ]
    }

    type Model = BTreeMap<usize, BTreeSet<String>>;

    fn get(m: &Model, k: usize) -> BTreeSet<String> {
        m.get(&k).cloned().unwrap_or_default()
    }

    fn inter(m: &Model, keys: &[usize]) -> BTreeSet<String> {
        let mut out = get(m, keys[0]);
        for &k in &keys[1..] {
            out = out.intersection(&get(m, k)).cloned().collect();
        }
        out
    }

    fn union(m: &Model, keys: &[usize]) -> BTreeSet<String> {
        keys.iter().flat_map(|&k| get(m, k)).collect()
    }

    fn diff(m: &Model, keys: &[usize]) -> BTreeSet<String> {
        let mut out = get(m, keys[0]);
        for &k in &keys[1..] {
            out = out.difference(&get(m, k)).cloned().collect();
        }
        out
    }

    fn put(m: &mut Model, k: usize, v: BTreeSet<String>) -> i64 {
        let n = v.len() as i64;
        if v.is_empty() {
            m.remove(&k);
        } else {
            m.insert(k, v);
        }
        n
    }

    fn args<'a>(cmd: &'a str, lead: &[&'a str], keys: &[usize]) -> Vec<&'a str> {
        let mut v = vec![cmd];
        v.extend_from_slice(lead);
        v.extend(keys.iter().map(|&k| KEYS[k]));
        v
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        /// Every command against a map of BTreeSets, with a tiny intset limit
        /// so conversions happen all the time.
        #[test]
        fn commands_match_a_model(limit in 0usize..6, ops in prop::collection::vec(op(), 1..60)) {
            let mut t = TestEngine::new();
            frame(&mut t, &["CONFIG", "SET", "set-max-intset-entries", &limit.to_string()]);
            let mut m: Model = BTreeMap::new();
            for op in ops {
                match op {
                    Op::Add(k, ms) => {
                        let mut a = vec!["SADD", KEYS[k]];
                        a.extend(ms.iter().map(|&i| POOL[i]));
                        let set = m.entry(k).or_default();
                        let added = ms.iter().filter(|&&i| set.insert(POOL[i].to_owned())).count();
                        prop_assert_eq!(int(frame(&mut t, &a)), added as i64);
                    }
                    Op::Rem(k, ms) => {
                        let mut a = vec!["SREM", KEYS[k]];
                        a.extend(ms.iter().map(|&i| POOL[i]));
                        let mut set = get(&m, k);
                        let removed = ms.iter().filter(|&&i| set.remove(POOL[i])).count();
                        put(&mut m, k, set);
                        prop_assert_eq!(int(frame(&mut t, &a)), removed as i64);
                    }
                    Op::Move(a, b, i) => {
                        let member = POOL[i];
                        let moved = get(&m, a).contains(member);
                        if moved && a != b {
                            let mut src = get(&m, a);
                            src.remove(member);
                            put(&mut m, a, src);
                            m.entry(b).or_default().insert(member.to_owned());
                        }
                        prop_assert_eq!(int(frame(&mut t, &["SMOVE", KEYS[a], KEYS[b], member])), i64::from(moved));
                    }
                    Op::Pop(k, n) => {
                        let popped = items(frame(&mut t, &["SPOP", KEYS[k], &n.to_string()]));
                        let mut set = get(&m, k);
                        prop_assert_eq!(popped.len(), n.min(set.len()));
                        for p in popped {
                            prop_assert!(set.remove(&p), "popped {} not in the set", p);
                        }
                        put(&mut m, k, set);
                    }
                    Op::Inter(keys) => {
                        let got = sorted(items(frame(&mut t, &args("SINTER", &[], &keys))));
                        prop_assert_eq!(got, inter(&m, &keys));
                    }
                    Op::Union(keys) => {
                        let got = sorted(items(frame(&mut t, &args("SUNION", &[], &keys))));
                        prop_assert_eq!(got, union(&m, &keys));
                    }
                    Op::Diff(keys) => {
                        let got = sorted(items(frame(&mut t, &args("SDIFF", &[], &keys))));
                        prop_assert_eq!(got, diff(&m, &keys));
                    }
                    Op::Card(keys, limit) => {
                        let n = keys.len().to_string();
                        let l = limit.to_string();
                        let mut a = args("SINTERCARD", &[&n], &keys);
                        a.extend(["LIMIT", &l]);
                        let card = inter(&m, &keys).len() as u64;
                        let want = if limit == 0 { card } else { card.min(limit) };
                        prop_assert_eq!(int(frame(&mut t, &a)), want as i64);
                    }
                    Op::InterStore(d, keys) => {
                        let want = inter(&m, &keys);
                        let n = put(&mut m, d, want);
                        prop_assert_eq!(int(frame(&mut t, &args("SINTERSTORE", &[KEYS[d]], &keys))), n);
                    }
                    Op::UnionStore(d, keys) => {
                        let want = union(&m, &keys);
                        let n = put(&mut m, d, want);
                        prop_assert_eq!(int(frame(&mut t, &args("SUNIONSTORE", &[KEYS[d]], &keys))), n);
                    }
                    Op::DiffStore(d, keys) => {
                        let want = diff(&m, &keys);
                        let n = put(&mut m, d, want);
                        prop_assert_eq!(int(frame(&mut t, &args("SDIFFSTORE", &[KEYS[d]], &keys))), n);
                    }
                }
                for (k, name) in KEYS.iter().enumerate() {
                    let want = get(&m, k);
                    let got = sorted(items(frame(&mut t, &["SMEMBERS", name])));
                    prop_assert_eq!(&got, &want, "key {}", name);
                    prop_assert_eq!(int(frame(&mut t, &["EXISTS", name])), i64::from(!want.is_empty()));
                    if !want.is_empty() {
                        // Redis's rule: intset iff all integers and within the limit
                        // — except that a table never shrinks back by itself, so
                        // only the "must be a table" direction is checked here.
                        let all_ints = want.iter().all(|v| resp_proto::parse_i64(v.as_bytes()).is_some());
                        let enc = frame(&mut t, &["OBJECT", "ENCODING", name]);
                        if !all_ints || want.len() > limit {
                            prop_assert_eq!(enc, Frame::Bulk(b"hashtable".to_vec()));
                        }
                    }
                }
            }
        }
    }
}
