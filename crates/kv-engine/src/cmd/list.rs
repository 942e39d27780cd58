//! List commands (Redis's t_list.c): pushes and pops at both ends, index and
//! range access, LTRIM/LREM/LINSERT/LPOS, moves between lists, LMPOP, and the
//! blocking variants BLPOP, BRPOP, BLMOVE, BRPOPLPUSH and BLMPOP.
//!
//! Lists are `kv_types::list::List` (a quicklist). Every command that adds
//! elements signals the key ready so that blocked clients are served; a list
//! that becomes empty is deleted at once, as Redis never keeps empty lists.
//!
//! Blocking commands (see `crate::blocking`): the body first does what its
//! non-blocking twin would, over its keys in order; when every key is empty it
//! parks the client with [`Ctx::block_on`] and writes no reply. When the
//! engine runs the command again because a key got data (a "retry"), a key of
//! the wrong type counts as empty — Redis 7.0 leaves such clients blocked —
//! whereas the first run answers WRONGTYPE as usual.
//!
//! Replies stream elements straight from the list into the output buffer
//! (`Elem` views; integers rendered on the stack), so LRANGE allocates nothing
//! per element.

use crate::command::flags::*;
use crate::command::table::*;
use crate::command::{Command, Group, Keys, acl};
use resp_proto::Argv;

use super::{int_arg, is, parse_i64};
use crate::Ctx;
use crate::effects::{Event, events};

/// The event a pop from one end raises.
fn pop_event(front: bool) -> Event {
    if front { events::LPOP } else { events::RPOP }
}
use crate::blocking::parse_timeout;
use crate::db::Value;
use crate::error::{CmdError, CmdResult};
use crate::reply::Reply;
use kv_types::list::List;
use kv_types::listpack::{Elem, OwnedElem};

/// Key-spec flags of a key whose elements are popped.
const RW_ACCESS_DELETE: &[&str] = &["RW", "access", "delete"];
/// Key-spec flags of a key that receives elements.
const RW_INSERT: &[&str] = &["RW", "insert"];
/// Key-spec flags of a key whose elements are removed without being returned.
const RW_DELETE: &[&str] = &["RW", "delete"];

/// Writes one element as a bulk string.
#[inline]
fn reply_elem(reply: &mut Reply<'_>, e: Elem<'_>) {
    match e {
        Elem::Str(s) => reply.bulk(s),
        Elem::Int(v) => reply.bulk_int(v),
    }
}

/// An integer argument that must be >= 0; anything else (not a number
/// included) is answered with `msg`, as getPositiveLongFromObjectOrReply.
fn positive_arg(arg: &[u8], msg: &'static str) -> Result<i64, CmdError> {
    match parse_i64(arg) {
        Some(n) if n >= 0 => Ok(n),
        _ => Err(CmdError::err(msg)),
    }
}

/// An integer argument that must be >= 1; anything else is answered with `msg`.
fn at_least_one_arg(arg: &[u8], msg: &'static str) -> Result<i64, CmdError> {
    match parse_i64(arg) {
        Some(n) if n >= 1 => Ok(n),
        _ => Err(CmdError::err(msg)),
    }
}

/// LEFT or RIGHT (any case): true for LEFT (the head).
fn where_arg(arg: &[u8]) -> Result<bool, CmdError> {
    if is(arg, "left") {
        Ok(true)
    } else if is(arg, "right") {
        Ok(false)
    } else {
        Err(CmdError::Syntax)
    }
}

fn pop_end(list: &mut List, front: bool) -> Option<OwnedElem> {
    if front {
        list.pop_front()
    } else {
        list.pop_back()
    }
}

fn push_end(list: &mut List, e: Elem<'_>, front: bool) {
    if front {
        list.push_front(e);
    } else {
        list.push_back(e);
    }
}

/// Replies with the first `n` elements from the head (or from the tail,
/// tail first) and removes them: the body of LPOP/RPOP with a count, LMPOP
/// and BLMPOP. `n` must not exceed the length.
fn pop_range_reply(list: &mut List, reply: &mut Reply<'_>, n: usize, front: bool) {
    let len = list.len();
    reply.array(n);
    if front {
        for e in list.range(0, n) {
            reply_elem(reply, e);
        }
        list.delete_range(0, n);
    } else {
        for e in list.range(len - n, len).rev() {
            reply_elem(reply, e);
        }
        list.delete_range(len - n, n);
    }
}

/// The current time in ms rounded up, as the base of a blocking deadline:
/// deadlines expire once the (whole-ms) clock reaches them, so a base rounded
/// down could end a wait up to 1 ms early; Redis never answers a timeout
/// before it has fully passed.
fn now_ceil_ms(ctx: &Ctx<'_>) -> u64 {
    ctx.engine.now_us.div_ceil(1000)
}

/// Keys without repeats, in order, for parking (a key named twice must not
/// queue the client twice on it).
fn unique_keys<'k>(keys: impl Iterator<Item = &'k [u8]>) -> Vec<Box<[u8]>> {
    let mut out: Vec<Box<[u8]>> = Vec::new();
    for key in keys {
        if !out.iter().any(|k| **k == *key) {
            out.push(key.into());
        }
    }
    out
}

// ---- pushes -----------------------------------------------------------------

/// LPUSH / RPUSH / LPUSHX / RPUSHX: `existing_only` is the X variants.
fn push_generic(ctx: &mut Ctx<'_>, argv: Argv<'_>, front: bool, existing_only: bool) -> CmdResult {
    let key = argv.arg(1);
    let limits = ctx.engine.list_limits();
    let (list, reply) = if existing_only {
        match ctx.write_typed::<List>(key)? {
            Some(found) => found,
            None => {
                ctx.reply.integer(0);
                return Ok(());
            }
        }
    } else {
        ctx.write_or_create(key, || List::new(&limits))?
    };
    for e in argv.iter().skip(2) {
        push_end(list, Elem::from_bytes(e), front);
    }
    reply.integer(list.len() as i64);
    let event = if front { events::LPUSH } else { events::RPUSH };
    ctx.changed_by(key, event, argv.len().saturating_sub(2) as u64);
    Ok(())
}

/// LPUSH key element [element ...]
pub fn lpush_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    push_generic(ctx, argv, true, false)
}

/// RPUSH key element [element ...]
pub fn rpush_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    push_generic(ctx, argv, false, false)
}

/// LPUSHX key element [element ...]
pub fn lpushx_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    push_generic(ctx, argv, true, true)
}

/// RPUSHX key element [element ...]
pub fn rpushx_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    push_generic(ctx, argv, false, true)
}

// ---- pops -------------------------------------------------------------------

/// LPOP / RPOP: one element as a bulk string, or with a count an array of up
/// to that many (a missing key is then a null array, a count of 0 an empty
/// one).
fn pop_generic(ctx: &mut Ctx<'_>, argv: Argv<'_>, front: bool, name: &str) -> CmdResult {
    if argv.len() > 3 {
        return Err(CmdError::WrongArity(name.to_owned()));
    }
    // The count is validated before the key is looked at.
    let count = match argv.get(2) {
        Some(arg) => Some(positive_arg(
            arg,
            "value is out of range, must be positive",
        )?),
        None => None,
    };
    let key = argv.arg(1);
    let Some((list, reply)) = ctx.write_typed::<List>(key)? else {
        if count.is_some() {
            ctx.reply.null_array();
        } else {
            ctx.reply.null();
        }
        return Ok(());
    };
    let popped = match count {
        Some(0) => {
            reply.array(0);
            return Ok(());
        }
        None => match pop_end(list, front) {
            Some(e) => {
                reply_elem(reply, e.as_elem());
                1
            }
            // Unreachable: empty lists are deleted. Answer as for a missing key.
            None => {
                reply.null();
                0
            }
        },
        Some(count) => {
            let n = usize::try_from(count).unwrap_or(usize::MAX).min(list.len());
            pop_range_reply(list, reply, n, front);
            n
        }
    };
    if popped > 0 {
        ctx.changed_by(key, pop_event(front), popped as u64);
        ctx.delete_if_empty(key);
    }
    Ok(())
}

/// LPOP key [count]
pub fn lpop_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    pop_generic(ctx, argv, true, "lpop")
}

/// RPOP key [count]
pub fn rpop_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    pop_generic(ctx, argv, false, "rpop")
}

// ---- reads ------------------------------------------------------------------

/// LLEN key
pub fn llen_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let key = argv.arg(1);
    let len = ctx.read_typed::<List>(key)?.map_or(0, |(l, _)| l.len());
    ctx.reply.integer(len as i64);
    Ok(())
}

/// LINDEX key index
pub fn lindex_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let key = argv.arg(1);
    // Redis looks the key up before parsing the index.
    let Some((list, reply)) = ctx.read_typed::<List>(key)? else {
        ctx.reply.null();
        return Ok(());
    };
    let index = int_arg(argv.arg(2))?;
    match list.get(index) {
        Some(e) => reply_elem(reply, e),
        None => reply.null(),
    }
    Ok(())
}

/// Normalises LRANGE/LTRIM indexes (negative from the tail) to the inclusive
/// range `start..=end` inside a list of `len`, or None when it is empty.
fn clamp_range(start: i64, end: i64, len: usize) -> Option<(usize, usize)> {
    // A list length always fits i64, and len + a negative i64 cannot overflow.
    let llen = len as i64;
    let start = if start < 0 { llen + start } else { start }.max(0);
    let end = if end < 0 { llen + end } else { end };
    if start > end || start >= llen {
        return None;
    }
    let end = end.min(llen - 1);
    Some((start as usize, end as usize))
}

/// LRANGE key start stop
pub fn lrange_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let start = int_arg(argv.arg(2))?;
    let end = int_arg(argv.arg(3))?;
    let key = argv.arg(1);
    let Some((list, reply)) = ctx.read_typed::<List>(key)? else {
        ctx.reply.array(0);
        return Ok(());
    };
    match clamp_range(start, end, list.len()) {
        Some((start, end)) => {
            reply.array(end - start + 1);
            for e in list.range(start, end + 1) {
                reply_elem(reply, e);
            }
        }
        None => reply.array(0),
    }
    Ok(())
}

/// LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]
pub fn lpos_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let mut rank: i64 = 1;
    let mut count: Option<usize> = None;
    let mut maxlen: usize = 0;
    let mut i = 3;
    while let Some(opt) = argv.get(i) {
        let value = argv.get(i + 1);
        match value {
            Some(v) if is(opt, "rank") => {
                rank = int_arg(v)?;
                if rank == 0 {
                    return Err(CmdError::err(
                        "RANK can't be zero: use 1 to start from the first match, 2 from the \
                         second ... or use negative to start from the end of the list",
                    ));
                }
            }
            Some(v) if is(opt, "count") => {
                let n = positive_arg(v, "COUNT can't be negative")?;
                count = Some(usize::try_from(n).unwrap_or(usize::MAX));
            }
            Some(v) if is(opt, "maxlen") => {
                let n = positive_arg(v, "MAXLEN can't be negative")?;
                maxlen = usize::try_from(n).unwrap_or(usize::MAX);
            }
            _ => return Err(CmdError::Syntax),
        }
        i += 2;
    }
    let key = argv.arg(1);
    let needle = Elem::from_bytes(argv.arg(2));
    let Some((list, reply)) = ctx.read_typed::<List>(key)? else {
        if count.is_some() {
            ctx.reply.array(0);
        } else {
            ctx.reply.null();
        }
        return Ok(());
    };

    // Redis negates a negative rank to search from the tail; -2^63 stays
    // negative there, so every match passes the rank test and the COUNT
    // limit never trips: reproduce that.
    let backward = rank < 0;
    let quirk = rank == i64::MIN;
    let mut skip = if quirk { 0 } else { rank.unsigned_abs() - 1 };
    // Without COUNT the first reported match ends the search.
    let limit = match count {
        None => 1,
        Some(0) => usize::MAX,
        Some(_) if quirk => usize::MAX,
        Some(n) => n,
    };
    let scan = if maxlen == 0 { usize::MAX } else { maxlen };
    let len = list.len();
    let mut found: Vec<usize> = Vec::new();
    let mut check = |k: usize, e: Elem<'_>| -> bool {
        if e == needle {
            if skip > 0 {
                skip -= 1;
            } else {
                found.push(if backward { len - 1 - k } else { k });
                if found.len() >= limit {
                    return false;
                }
            }
        }
        true
    };
    if backward {
        for (k, e) in list.iter().rev().take(scan).enumerate() {
            if !check(k, e) {
                break;
            }
        }
    } else {
        for (k, e) in list.iter().take(scan).enumerate() {
            if !check(k, e) {
                break;
            }
        }
    }
    if count.is_some() {
        reply.array(found.len());
        for p in found {
            reply.integer(p as i64);
        }
    } else {
        match found.first() {
            Some(&p) => reply.integer(p as i64),
            None => reply.null(),
        }
    }
    Ok(())
}

// ---- in-place modifications --------------------------------------------------

/// LSET key index element
pub fn lset_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let key = argv.arg(1);
    let Some((list, reply)) = ctx.write_typed::<List>(key)? else {
        return Err(CmdError::NoSuchKey);
    };
    let index = int_arg(argv.arg(2))?;
    if !list.set(index, Elem::from_bytes(argv.arg(3))) {
        return Err(CmdError::err("index out of range"));
    }
    reply.ok();
    ctx.changed(key, events::LSET);
    Ok(())
}

/// LTRIM key start stop
pub fn ltrim_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let start = int_arg(argv.arg(2))?;
    let end = int_arg(argv.arg(3))?;
    let key = argv.arg(1);
    let Some((list, reply)) = ctx.write_typed::<List>(key)? else {
        ctx.reply.ok();
        return Ok(());
    };
    let len = list.len();
    let (head, tail) = match clamp_range(start, end, len) {
        Some((start, end)) => (start, len - end - 1),
        None => (len, 0),
    };
    list.delete_range(len - tail, tail);
    list.delete_range(0, head);
    reply.ok();
    ctx.changed_by(key, events::LTRIM, (head + tail) as u64);
    ctx.delete_if_empty(key);
    Ok(())
}

/// LREM key count element
pub fn lrem_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let count = int_arg(argv.arg(2))?;
    let key = argv.arg(1);
    let Some((list, reply)) = ctx.write_typed::<List>(key)? else {
        ctx.reply.integer(0);
        return Ok(());
    };
    let removed = list.remove_matching(Elem::from_bytes(argv.arg(3)), count);
    reply.integer(removed as i64);
    if removed > 0 {
        ctx.changed_by(key, events::LREM, removed as u64);
        ctx.delete_if_empty(key);
    }
    Ok(())
}

/// LINSERT key BEFORE|AFTER pivot element
pub fn linsert_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let place = argv.arg(2);
    let after = if is(place, "after") {
        true
    } else if is(place, "before") {
        false
    } else {
        return Err(CmdError::Syntax);
    };
    let key = argv.arg(1);
    let Some((list, reply)) = ctx.write_typed::<List>(key)? else {
        ctx.reply.integer(0);
        return Ok(());
    };
    let pivot = Elem::from_bytes(argv.arg(3));
    let e = Elem::from_bytes(argv.arg(4));
    if !list.insert_by_pivot(pivot, e, after) {
        reply.integer(-1);
        return Ok(());
    }
    reply.integer(list.len() as i64);
    ctx.changed(key, events::LINSERT);
    Ok(())
}

// ---- moves ------------------------------------------------------------------

/// LMOVE's body: pops from `src` and pushes onto `dst`, replying with the
/// element. Returns false, having replied nothing, when `src` is missing (or,
/// in a retry, holds another type). The destination's type is checked before
/// anything is popped.
fn lmove_generic(
    ctx: &mut Ctx<'_>,
    src: &[u8],
    dst: &[u8],
    from_front: bool,
    to_front: bool,
) -> Result<bool, CmdError> {
    let retry = ctx.is_retry();
    match ctx.write_typed::<List>(src) {
        Ok(Some((list, _))) if !list.is_empty() => {}
        Ok(_) => return Ok(false),
        Err(CmdError::WrongType) if retry => return Ok(false),
        Err(e) => return Err(e),
    }
    if let Some(id) = ctx.lookup_write(dst)
        && !matches!(ctx.db().entry(id).value, Value::List(_))
    {
        return Err(CmdError::WrongType);
    }
    let Some((list, _)) = ctx.write_typed::<List>(src)? else {
        return Ok(false);
    };
    let Some(e) = pop_end(list, from_front) else {
        return Ok(false);
    };
    let limits = ctx.engine.list_limits();
    let (list, reply) = ctx.write_or_create(dst, || List::new(&limits))?;
    push_end(list, e.as_elem(), to_front);
    reply_elem(reply, e.as_elem());
    // Redis reports the push before the pop.
    let event = if to_front {
        events::LPUSH
    } else {
        events::RPUSH
    };
    ctx.changed_by(dst, event, 0);
    ctx.changed(src, pop_event(from_front));
    // After the push: with src == dst the list is not empty again.
    ctx.delete_if_empty(src);
    Ok(true)
}

/// LMOVE source destination LEFT|RIGHT LEFT|RIGHT
pub fn lmove_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let from_front = where_arg(argv.arg(3))?;
    let to_front = where_arg(argv.arg(4))?;
    let src = argv.arg(1);
    let dst = argv.arg(2);
    if !lmove_generic(ctx, src, dst, from_front, to_front)? {
        ctx.reply.null();
    }
    Ok(())
}

/// RPOPLPUSH source destination
pub fn rpoplpush_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let src = argv.arg(1);
    let dst = argv.arg(2);
    if !lmove_generic(ctx, src, dst, false, true)? {
        ctx.reply.null();
    }
    Ok(())
}

/// BLMOVE / BRPOPLPUSH: LMOVE, or park on the source until it has data.
fn blmove_generic(
    ctx: &mut Ctx<'_>,
    src: &[u8],
    dst: &[u8],
    from_front: bool,
    to_front: bool,
    timeout: &[u8],
) -> CmdResult {
    let deadline = parse_timeout(timeout, now_ceil_ms(ctx))?;
    if lmove_generic(ctx, src, dst, from_front, to_front)? {
        // At once or served after blocking, replicas get the non-blocking move.
        let end = |front: bool| -> &'static [u8] { if front { b"LEFT" } else { b"RIGHT" } };
        if !from_front && to_front && ctx.command_name() == "brpoplpush" {
            ctx.propagate_as(&[b"RPOPLPUSH", src, dst]);
        } else {
            ctx.propagate_as(&[b"LMOVE", src, dst, end(from_front), end(to_front)]);
        }
    } else if ctx.may_block() {
        ctx.block_on(vec![src.into()], deadline);
    } else {
        // Inside EXEC BLMOVE answers at once, with a null bulk as Redis does.
        ctx.reply.null();
    }
    Ok(())
}

/// BLMOVE source destination LEFT|RIGHT LEFT|RIGHT timeout
pub fn blmove_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let from_front = where_arg(argv.arg(3))?;
    let to_front = where_arg(argv.arg(4))?;
    let src = argv.arg(1);
    let dst = argv.arg(2);
    blmove_generic(ctx, src, dst, from_front, to_front, argv.arg(5))
}

/// BRPOPLPUSH source destination timeout
pub fn brpoplpush_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let src = argv.arg(1);
    let dst = argv.arg(2);
    blmove_generic(ctx, src, dst, false, true, argv.arg(3))
}

// ---- pops over several keys -------------------------------------------------

/// Pops from the first of `keys` holding a non-empty list: `count` None is
/// BLPOP's reply `[key, element]`, Some(n) LMPOP's `[key, [elements...]]` with
/// up to n elements. Returns false, having replied nothing, when every key is
/// empty. A key of another type is WRONGTYPE, or empty in a retry.
fn pop_first_nonempty<'k>(
    ctx: &mut Ctx<'_>,
    keys: impl Iterator<Item = &'k [u8]>,
    front: bool,
    count: Option<usize>,
) -> Result<bool, CmdError> {
    let retry = ctx.is_retry();
    for key in ctx.blocking_order(keys) {
        let (list, reply) = match ctx.write_typed::<List>(key) {
            Ok(Some(found)) => found,
            Ok(None) => continue,
            Err(CmdError::WrongType) if retry => continue,
            Err(e) => return Err(e),
        };
        if list.is_empty() {
            continue;
        }
        reply.array(2);
        reply.bulk(key);
        let popped = match count {
            None => {
                // The list is not empty: a pop always yields an element.
                match pop_end(list, front) {
                    Some(e) => reply_elem(reply, e.as_elem()),
                    None => reply.null(),
                }
                1
            }
            Some(n) => {
                let n = n.min(list.len());
                pop_range_reply(list, reply, n, front);
                n
            }
        };
        ctx.changed_by(key, pop_event(front), popped as u64);
        // Blocking and multi-key pops replay as plain pops of the key served,
        // the multi-key ones with the count they popped (as Redis).
        let verb: &[u8] = if front { b"LPOP" } else { b"RPOP" };
        match count {
            None => ctx.propagate_as(&[verb, key]),
            Some(_) => {
                let mut buf = itoa::Buffer::new();
                ctx.propagate_as(&[verb, key, buf.format(popped).as_bytes()]);
            }
        }
        ctx.delete_if_empty(key);
        return Ok(true);
    }
    Ok(false)
}

/// BLPOP / BRPOP: the timeout is the last argument, the keys before it.
fn blocking_pop(ctx: &mut Ctx<'_>, argv: Argv<'_>, front: bool) -> CmdResult {
    let last = argv.len() - 1;
    let deadline = parse_timeout(argv.arg(last), now_ceil_ms(ctx))?;
    let keys = || argv.iter().skip(1).take(last - 1);
    if !pop_first_nonempty(ctx, keys(), front, None)? {
        ctx.block_on(unique_keys(keys()), deadline);
    }
    Ok(())
}

/// BLPOP key [key ...] timeout
pub fn blpop_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    blocking_pop(ctx, argv, true)
}

/// BRPOP key [key ...] timeout
pub fn brpop_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    blocking_pop(ctx, argv, false)
}

/// LMPOP's and BLMPOP's arguments from `numkeys` on: the argument range of
/// the keys, the end to pop from, and the count (1 when not given).
fn parse_mpop(argv: Argv<'_>, numkeys_at: usize) -> Result<(usize, usize, bool, usize), CmdError> {
    let numkeys = at_least_one_arg(argv.arg(numkeys_at), "numkeys should be greater than 0")?;
    let first = numkeys_at + 1;
    let where_at = usize::try_from(numkeys)
        .ok()
        .and_then(|n| first.checked_add(n))
        .filter(|&w| w < argv.len())
        .ok_or(CmdError::Syntax)?;
    let front = where_arg(argv.arg(where_at))?;
    let mut count = None;
    let mut i = where_at + 1;
    while let Some(opt) = argv.get(i) {
        match argv.get(i + 1) {
            Some(v) if count.is_none() && is(opt, "count") => {
                let n = at_least_one_arg(v, "count should be greater than 0")?;
                count = Some(usize::try_from(n).unwrap_or(usize::MAX));
            }
            _ => return Err(CmdError::Syntax),
        }
        i += 2;
    }
    Ok((first, where_at, front, count.unwrap_or(1)))
}

/// LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count]
pub fn lmpop_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let (first, end, front, count) = parse_mpop(argv, 1)?;
    let keys = argv.iter().skip(first).take(end - first);
    if !pop_first_nonempty(ctx, keys, front, Some(count))? {
        ctx.reply.null_array();
    }
    Ok(())
}

/// BLMPOP timeout numkeys key [key ...] LEFT|RIGHT [COUNT count]
pub fn blmpop_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    // Redis checks the other arguments first, the timeout after them.
    let (first, end, front, count) = parse_mpop(argv, 2)?;
    let deadline = parse_timeout(argv.arg(1), now_ceil_ms(ctx))?;
    let keys = || argv.iter().skip(first).take(end - first);
    if !pop_first_nonempty(ctx, keys(), front, Some(count))? {
        ctx.block_on(unique_keys(keys()), deadline);
    }
    Ok(())
}

/// This family's entries of the command table (see `command::table`).
pub static COMMANDS: &[Command] = &[
    Command {
        name: "lpush",
        arity: -3,
        flags: WRITE | DENYOOM | FAST,
        acl: acl::LIST,
        keys: Keys::one(RW_INSERT),
        group: Group::List,
        summary: "Prepends one or more elements to a list, creating it if needed.",
        complexity: "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.",
        syntax: "key element [element ...]",
        handler: Some(lpush_command),
        ..Command::BASE
    },
    Command {
        name: "rpush",
        arity: -3,
        flags: WRITE | DENYOOM | FAST,
        acl: acl::LIST,
        keys: Keys::one(RW_INSERT),
        group: Group::List,
        summary: "Appends one or more elements to a list, creating it if needed.",
        complexity: "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.",
        syntax: "key element [element ...]",
        handler: Some(rpush_command),
        ..Command::BASE
    },
    Command {
        name: "lpushx",
        arity: -3,
        flags: WRITE | DENYOOM | FAST,
        acl: acl::LIST,
        keys: Keys::one(RW_INSERT),
        group: Group::List,
        since: "2.2.0",
        summary: "Prepends one or more elements to a list only when the list exists.",
        complexity: "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.",
        syntax: "key element [element ...]",
        handler: Some(lpushx_command),
        ..Command::BASE
    },
    Command {
        name: "rpushx",
        arity: -3,
        flags: WRITE | DENYOOM | FAST,
        acl: acl::LIST,
        keys: Keys::one(RW_INSERT),
        group: Group::List,
        since: "2.2.0",
        summary: "Appends one or more elements to a list only when the list exists.",
        complexity: "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.",
        syntax: "key element [element ...]",
        handler: Some(rpushx_command),
        ..Command::BASE
    },
    Command {
        name: "lpop",
        arity: -2,
        flags: WRITE | FAST,
        acl: acl::LIST,
        keys: Keys::one(RW_ACCESS_DELETE),
        group: Group::List,
        summary: "Removes and returns the first elements of a list; deletes the list when it empties.",
        complexity: "O(N) where N is the number of elements returned",
        syntax: "key [count]",
        handler: Some(lpop_command),
        ..Command::BASE
    },
    Command {
        name: "rpop",
        arity: -2,
        flags: WRITE | FAST,
        acl: acl::LIST,
        keys: Keys::one(RW_ACCESS_DELETE),
        group: Group::List,
        summary: "Removes and returns the last elements of a list; deletes the list when it empties.",
        complexity: "O(N) where N is the number of elements returned",
        syntax: "key [count]",
        handler: Some(rpop_command),
        ..Command::BASE
    },
    Command {
        name: "llen",
        arity: 2,
        flags: READONLY | FAST,
        acl: acl::LIST,
        keys: Keys::one(RO),
        group: Group::List,
        summary: "Returns the number of elements in a list.",
        syntax: "key",
        handler: Some(llen_command),
        ..Command::BASE
    },
    Command {
        name: "lindex",
        arity: 3,
        flags: READONLY,
        acl: acl::LIST,
        keys: Keys::one(RO_ACCESS),
        group: Group::List,
        summary: "Returns the element at a position of a list.",
        complexity: "O(N) where N is the number of elements to traverse to get to the element at index. This makes asking for the first or the last element of the list O(1).",
        syntax: "key index",
        handler: Some(lindex_command),
        ..Command::BASE
    },
    Command {
        name: "lset",
        arity: 4,
        flags: WRITE | DENYOOM,
        acl: acl::LIST,
        keys: Keys::one(RW_UPDATE),
        group: Group::List,
        summary: "Replaces the element at a position of a list.",
        complexity: "O(N) where N is the length of the list. Setting either the first or the last element of the list is O(1).",
        syntax: "key index element",
        handler: Some(lset_command),
        ..Command::BASE
    },
    Command {
        name: "lrange",
        arity: 4,
        flags: READONLY,
        acl: acl::LIST,
        keys: Keys::one(RO_ACCESS),
        group: Group::List,
        summary: "Returns a range of elements of a list.",
        complexity: "O(S+N) where S is the distance of start offset from HEAD for small lists, from nearest end (HEAD or TAIL) for large lists; and N is the number of elements in the specified range.",
        syntax: "key start stop",
        handler: Some(lrange_command),
        ..Command::BASE
    },
    Command {
        name: "ltrim",
        arity: 4,
        flags: WRITE,
        acl: acl::LIST,
        keys: Keys::one(RW_DELETE),
        group: Group::List,
        summary: "Keeps only a range of elements of a list, deleting the others.",
        complexity: "O(N) where N is the number of elements to be removed by the operation.",
        syntax: "key start stop",
        handler: Some(ltrim_command),
        ..Command::BASE
    },
    Command {
        name: "lrem",
        arity: 4,
        flags: WRITE,
        acl: acl::LIST,
        keys: Keys::one(RW_DELETE),
        group: Group::List,
        summary: "Removes elements equal to a value from a list, from the head or the tail.",
        complexity: "O(N+M) where N is the length of the list and M is the number of elements removed.",
        syntax: "key count element",
        handler: Some(lrem_command),
        ..Command::BASE
    },
    Command {
        name: "linsert",
        arity: 5,
        flags: WRITE | DENYOOM,
        acl: acl::LIST,
        keys: Keys::one(RW_INSERT),
        group: Group::List,
        since: "2.2.0",
        summary: "Inserts an element before or after the first occurrence of another in a list.",
        complexity: "O(N) where N is the number of elements to traverse before seeing the value pivot. This means that inserting somewhere on the left end on the list (head) can be considered O(1) and inserting somewhere on the right end (tail) is O(N).",
        syntax: "key BEFORE|AFTER pivot element",
        handler: Some(linsert_command),
        ..Command::BASE
    },
    Command {
        name: "lpos",
        arity: -3,
        flags: READONLY,
        acl: acl::LIST,
        keys: Keys::one(RO_ACCESS),
        group: Group::List,
        since: "6.0.6",
        summary: "Returns the positions of elements equal to a value in a list.",
        complexity: "O(N) where N is the number of elements in the list, for the average case. When searching for elements near the head or the tail of the list, or when the MAXLEN option is provided, the command may run in constant time.",
        syntax: "key element [RANK rank] [COUNT num-matches] [MAXLEN len]",
        handler: Some(lpos_command),
        ..Command::BASE
    },
    Command {
        name: "lmove",
        arity: 5,
        flags: WRITE | DENYOOM,
        acl: acl::LIST,
        keys: Keys::pair(RW_ACCESS_DELETE, RW_INSERT),
        group: Group::List,
        since: "6.2.0",
        summary: "Pops an element from one end of a list and pushes it onto an end of another; returns it.",
        syntax: "source destination LEFT|RIGHT LEFT|RIGHT",
        handler: Some(lmove_command),
        ..Command::BASE
    },
    Command {
        name: "rpoplpush",
        arity: 3,
        flags: WRITE | DENYOOM,
        acl: acl::LIST,
        keys: Keys::pair(RW_ACCESS_DELETE, RW_INSERT),
        group: Group::List,
        since: "1.2.0",
        summary: "Pops the last element of a list and prepends it to another; returns it (LMOVE RIGHT LEFT).",
        syntax: "source destination",
        handler: Some(rpoplpush_command),
        ..Command::BASE
    },
    Command {
        name: "lmpop",
        arity: -4,
        flags: WRITE | MOVABLE_KEYS,
        acl: acl::LIST,
        // The keys follow a count argument, which the range form of key
        // positions cannot describe: COMMAND INFO reports 0 0 0 as Redis does.
        keys: Keys::numkeys(1, &["RW", "access", "delete"]),
        group: Group::List,
        since: "7.0.0",
        summary: "Pops elements from the first non-empty list among several keys.",
        complexity: "O(N+M) where N is the number of provided keys and M is the number of elements returned.",
        syntax: "numkeys key [key ...] LEFT|RIGHT [COUNT count]",
        handler: Some(lmpop_command),
        ..Command::BASE
    },
    Command {
        name: "blpop",
        arity: -3,
        flags: WRITE | NOSCRIPT | BLOCKING,
        acl: acl::LIST,
        keys: Keys::range(1, -2, 1, RW_ACCESS_DELETE),
        group: Group::List,
        since: "2.0.0",
        summary: "Pops the first element of the first non-empty list, waiting for one when all are empty.",
        complexity: "O(N) where N is the number of provided keys.",
        syntax: "key [key ...] timeout",
        handler: Some(blpop_command),
        ..Command::BASE
    },
    Command {
        name: "brpop",
        arity: -3,
        flags: WRITE | NOSCRIPT | BLOCKING,
        acl: acl::LIST,
        keys: Keys::range(1, -2, 1, RW_ACCESS_DELETE),
        group: Group::List,
        since: "2.0.0",
        summary: "Pops the last element of the first non-empty list, waiting for one when all are empty.",
        complexity: "O(N) where N is the number of provided keys.",
        syntax: "key [key ...] timeout",
        handler: Some(brpop_command),
        ..Command::BASE
    },
    Command {
        name: "blmove",
        arity: 6,
        flags: WRITE | DENYOOM | NOSCRIPT | BLOCKING,
        acl: acl::LIST,
        keys: Keys::pair(RW_ACCESS_DELETE, RW_INSERT),
        group: Group::List,
        since: "6.2.0",
        summary: "LMOVE that waits for the source list to have an element.",
        syntax: "source destination LEFT|RIGHT LEFT|RIGHT timeout",
        handler: Some(blmove_command),
        ..Command::BASE
    },
    Command {
        name: "brpoplpush",
        arity: 4,
        flags: WRITE | DENYOOM | NOSCRIPT | BLOCKING,
        acl: acl::LIST,
        keys: Keys::pair(RW_ACCESS_DELETE, RW_INSERT),
        group: Group::List,
        since: "2.2.0",
        summary: "RPOPLPUSH that waits for the source list to have an element.",
        syntax: "source destination timeout",
        handler: Some(brpoplpush_command),
        ..Command::BASE
    },
    Command {
        name: "blmpop",
        arity: -5,
        flags: WRITE | BLOCKING | MOVABLE_KEYS,
        acl: acl::LIST,
        // See LMPOP.
        keys: Keys::numkeys(2, &["RW", "access", "delete"]),
        group: Group::List,
        since: "7.0.0",
        summary: "LMPOP that waits for one of the lists to have elements.",
        complexity: "O(N+M) where N is the number of provided keys and M is the number of elements returned.",
        syntax: "timeout numkeys key [key ...] LEFT|RIGHT [COUNT count]",
        handler: Some(blmpop_command),
        ..Command::BASE
    },
];

#[cfg(test)]
mod tests {
    use crate::testing::{TestEngine, check, check_on, shown};
    use crate::{ClientId, Peer};

    fn second_client(t: &mut TestEngine) -> ClientId {
        t.engine.add_client(Peer {
            addr: "127.0.0.1:50001".into(),
            laddr: "127.0.0.1:6379".into(),
            fd: 9,
            is_unix: false,
            is_local: true,
        })
    }

    /// What `client` has been sent since the last look (a served blocked
    /// client's reply arrives while another client runs a command).
    fn pending(t: &mut TestEngine, client: ClientId) -> String {
        let c = t.engine.client_mut(client).expect("test client exists");
        let out = c.out.split_off(c.out_sent);
        c.out.clear();
        c.out_sent = 0;
        shown(&out)
    }

    #[test]
    fn pushes_and_pops() {
        check(&[
            (&["LPUSH", "l", "a", "b", "c"], ":3|"),
            (&["RPUSH", "l", "1", "2"], ":5|"),
            (&["LRANGE", "l", "0", "-1"], "*5|$1|c|$1|b|$1|a|$1|1|$1|2|"),
            (&["LPUSHX", "nope", "a"], ":0|"),
            (&["RPUSHX", "nope", "a"], ":0|"),
            (&["EXISTS", "nope"], ":0|"),
            (&["LPUSHX", "l", "x"], ":6|"),
            (&["RPUSHX", "l", "y", "z"], ":8|"),
            (&["LPOP", "l"], "$1|x|"),
            (&["RPOP", "l"], "$1|z|"),
            (&["LPOP", "l", "2"], "*2|$1|c|$1|b|"),
            (&["RPOP", "l", "2"], "*2|$1|y|$1|2|"),
            (&["LPOP", "l", "0"], "*0|"),
            (&["RPOP", "l", "100"], "*2|$1|1|$1|a|"),
            (&["EXISTS", "l"], ":0|"),
            (&["LPOP", "l"], "$-1|"),
            (&["LPOP", "l", "1"], "*-1|"),
            (&["LPOP", "l", "0"], "*-1|"),
            (
                &["LPOP", "l", "-1"],
                "-ERR value is out of range, must be positive|",
            ),
            (
                &["LPOP", "l", "x"],
                "-ERR value is out of range, must be positive|",
            ),
            (
                &["LPOP", "l", "1", "2"],
                "-ERR wrong number of arguments for 'lpop' command|",
            ),
            (&["SET", "s", "v"], "+OK|"),
            (
                &["LPUSH", "s", "a"],
                "-WRONGTYPE Operation against a key holding the wrong kind of value|",
            ),
            (
                &["RPOP", "s", "0"],
                "-WRONGTYPE Operation against a key holding the wrong kind of value|",
            ),
            (
                &["LPUSHX", "s", "a"],
                "-WRONGTYPE Operation against a key holding the wrong kind of value|",
            ),
        ]);
    }

    #[test]
    fn index_range_set_trim() {
        check(&[
            (&["RPUSH", "l", "a", "b", "c", "d", "e"], ":5|"),
            (&["LLEN", "l"], ":5|"),
            (&["LLEN", "nope"], ":0|"),
            (&["LINDEX", "l", "0"], "$1|a|"),
            (&["LINDEX", "l", "-1"], "$1|e|"),
            (&["LINDEX", "l", "5"], "$-1|"),
            (&["LINDEX", "l", "-6"], "$-1|"),
            (&["LINDEX", "nope", "x"], "$-1|"),
            (
                &["LINDEX", "l", "x"],
                "-ERR value is not an integer or out of range|",
            ),
            (&["LRANGE", "l", "-2", "100"], "*2|$1|d|$1|e|"),
            (&["LRANGE", "l", "-100", "0"], "*1|$1|a|"),
            (&["LRANGE", "l", "3", "1"], "*0|"),
            (&["LRANGE", "l", "5", "10"], "*0|"),
            (
                &["LRANGE", "l", "-9223372036854775808", "9223372036854775807"],
                "*5|$1|a|$1|b|$1|c|$1|d|$1|e|",
            ),
            (&["LRANGE", "nope", "0", "-1"], "*0|"),
            (&["LSET", "l", "1", "B"], "+OK|"),
            (&["LSET", "l", "-1", "42"], "+OK|"),
            (&["LSET", "l", "5", "x"], "-ERR index out of range|"),
            (&["LSET", "nope", "0", "x"], "-ERR no such key|"),
            (&["LRANGE", "l", "0", "-1"], "*5|$1|a|$1|B|$1|c|$1|d|$2|42|"),
            (&["LTRIM", "l", "1", "-2"], "+OK|"),
            (&["LRANGE", "l", "0", "-1"], "*3|$1|B|$1|c|$1|d|"),
            (&["LTRIM", "nope", "0", "1"], "+OK|"),
            (&["LTRIM", "l", "2", "1"], "+OK|"),
            (&["EXISTS", "l"], ":0|"),
        ]);
    }

    #[test]
    fn rem_insert_pos() {
        check(&[
            (&["RPUSH", "l", "a", "b", "a", "c", "a"], ":5|"),
            (&["LPOS", "l", "a"], ":0|"),
            (&["LPOS", "l", "a", "RANK", "2"], ":2|"),
            (&["LPOS", "l", "a", "RANK", "-1"], ":4|"),
            (&["LPOS", "l", "a", "COUNT", "0"], "*3|:0|:2|:4|"),
            (&["LPOS", "l", "a", "COUNT", "2", "RANK", "-1"], "*2|:4|:2|"),
            (
                &["LPOS", "l", "a", "COUNT", "0", "MAXLEN", "3"],
                "*2|:0|:2|",
            ),
            (
                &[
                    "LPOS",
                    "l",
                    "a",
                    "RANK",
                    "-9223372036854775808",
                    "COUNT",
                    "1",
                ],
                "*3|:4|:2|:0|",
            ),
            (&["LPOS", "l", "z"], "$-1|"),
            (&["LPOS", "l", "z", "COUNT", "1"], "*0|"),
            (&["LPOS", "nope", "z"], "$-1|"),
            (&["LPOS", "nope", "z", "COUNT", "1"], "*0|"),
            (
                &["LPOS", "l", "a", "RANK", "0"],
                "-ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list|",
            ),
            (
                &["LPOS", "l", "a", "COUNT", "-1"],
                "-ERR COUNT can't be negative|",
            ),
            (
                &["LPOS", "l", "a", "MAXLEN", "x"],
                "-ERR MAXLEN can't be negative|",
            ),
            (&["LPOS", "l", "a", "RANK"], "-ERR syntax error|"),
            (&["LINSERT", "l", "BEFORE", "c", "X"], ":6|"),
            (&["LINSERT", "l", "after", "c", "Y"], ":7|"),
            (&["LINSERT", "l", "after", "zz", "Y"], ":-1|"),
            (&["LINSERT", "nope", "after", "zz", "Y"], ":0|"),
            (&["LINSERT", "l", "middle", "c", "Y"], "-ERR syntax error|"),
            (
                &["LRANGE", "l", "0", "-1"],
                "*7|$1|a|$1|b|$1|a|$1|X|$1|c|$1|Y|$1|a|",
            ),
            (&["LREM", "l", "-1", "a"], ":1|"),
            (&["LREM", "l", "0", "a"], ":2|"),
            (
                &["LREM", "l", "x", "a"],
                "-ERR value is not an integer or out of range|",
            ),
            (&["LREM", "nope", "1", "a"], ":0|"),
            (&["LRANGE", "l", "0", "-1"], "*4|$1|b|$1|X|$1|c|$1|Y|"),
            (&["LREM", "l", "0", "b"], ":1|"),
            (&["LREM", "l", "0", "X"], ":1|"),
            (&["LREM", "l", "0", "c"], ":1|"),
            (&["LREM", "l", "0", "Y"], ":1|"),
            (&["EXISTS", "l"], ":0|"),
        ]);
    }

    #[test]
    fn moves_and_mpop() {
        check(&[
            (&["RPUSH", "a", "1", "2", "3"], ":3|"),
            (&["LMOVE", "a", "b", "LEFT", "RIGHT"], "$1|1|"),
            (&["RPOPLPUSH", "a", "b"], "$1|3|"),
            (&["LRANGE", "b", "0", "-1"], "*2|$1|3|$1|1|"),
            (&["LMOVE", "a", "a", "LEFT", "RIGHT"], "$1|2|"),
            (&["LMOVE", "a", "b", "UP", "RIGHT"], "-ERR syntax error|"),
            (&["LMOVE", "nope", "b", "LEFT", "RIGHT"], "$-1|"),
            (&["SET", "s", "v"], "+OK|"),
            (&["LMOVE", "nope", "s", "LEFT", "RIGHT"], "$-1|"),
            (
                &["LMOVE", "a", "s", "LEFT", "RIGHT"],
                "-WRONGTYPE Operation against a key holding the wrong kind of value|",
            ),
            (
                &["LMOVE", "s", "a", "LEFT", "RIGHT"],
                "-WRONGTYPE Operation against a key holding the wrong kind of value|",
            ),
            (&["LLEN", "a"], ":1|"),
            (&["LMOVE", "a", "c", "RIGHT", "LEFT"], "$1|2|"),
            (&["EXISTS", "a"], ":0|"),
            (&["LMPOP", "2", "a", "b", "LEFT"], "*2|$1|b|*1|$1|3|"),
            (
                &["LMPOP", "2", "a", "b", "RIGHT", "COUNT", "5"],
                "*2|$1|b|*1|$1|1|",
            ),
            (&["LMPOP", "2", "a", "b", "RIGHT"], "*-1|"),
            (
                &["LMPOP", "0", "a", "LEFT"],
                "-ERR numkeys should be greater than 0|",
            ),
            (&["LMPOP", "3", "a", "LEFT"], "-ERR syntax error|"),
            (
                &["LMPOP", "1", "a", "LEFT", "COUNT", "0"],
                "-ERR count should be greater than 0|",
            ),
            (
                &["LMPOP", "1", "a", "LEFT", "COUNT", "1", "COUNT", "1"],
                "-ERR syntax error|",
            ),
            (
                &["LMPOP", "1", "s", "LEFT"],
                "-WRONGTYPE Operation against a key holding the wrong kind of value|",
            ),
        ]);
    }

    #[test]
    fn blocking_pop_serves_in_order_and_times_out() {
        let mut t = TestEngine::new();
        let b = second_client(&mut t);
        // Data present: no blocking.
        check_on(
            &mut t,
            &[
                (&["RPUSH", "k", "x"], ":1|"),
                (&["BLPOP", "k", "0"], "*2|$1|k|$1|x|"),
            ],
        );
        // Errors come before any blocking, timeout first.
        check_on(
            &mut t,
            &[
                (&["BLPOP", "k", "-1"], "-ERR timeout is negative|"),
                (
                    &["BLPOP", "k", "abc"],
                    "-ERR timeout is not a float or out of range|",
                ),
                (&["SET", "s", "v"], "+OK|"),
                (
                    &["BLPOP", "nope", "s", "0"],
                    "-WRONGTYPE Operation against a key holding the wrong kind of value|",
                ),
            ],
        );
        assert_eq!(shown(&t.run_as(b, &["BLPOP", "k", "other", "0"])), "");
        assert_eq!(t.engine.blocked_clients(), 1);
        // DEL and a string on the key leave it blocked.
        check_on(
            &mut t,
            &[(&["DEL", "k"], ":0|"), (&["SET", "k", "str"], "+OK|")],
        );
        assert_eq!(pending(&mut t, b), "");
        check_on(&mut t, &[(&["RPUSH", "other", "v1", "v2"], ":2|")]);
        assert_eq!(pending(&mut t, b), "*2|$5|other|$2|v1|");
        assert_eq!(t.engine.blocked_clients(), 0);
        check_on(&mut t, &[(&["LRANGE", "other", "0", "-1"], "*1|$2|v2|")]);

        // Timeouts are absolute deadlines, answered with a null array.
        let now = t.engine.now_ms();
        assert_eq!(shown(&t.run_as(b, &["BRPOP", "z", "0.5"])), "");
        t.set_time_ms(now + 499);
        t.engine.expire_blocked();
        assert_eq!(pending(&mut t, b), "");
        t.set_time_ms(now + 502);
        t.engine.expire_blocked();
        assert_eq!(pending(&mut t, b), "*-1|");
        assert_eq!(t.engine.blocked_clients(), 0);
    }

    #[test]
    fn blmove_chain_and_wrong_destination() {
        let mut t = TestEngine::new();
        let b = second_client(&mut t);
        let c = second_client(&mut t);
        assert_eq!(
            shown(&t.run_as(b, &["BLMOVE", "a", "b", "LEFT", "RIGHT", "0"])),
            ""
        );
        assert_eq!(shown(&t.run_as(c, &["BRPOPLPUSH", "b", "c", "0"])), "");
        check_on(&mut t, &[(&["RPUSH", "a", "x"], ":1|")]);
        assert_eq!(pending(&mut t, b), "$1|x|");
        assert_eq!(pending(&mut t, c), "$1|x|");
        check_on(
            &mut t,
            &[
                (&["EXISTS", "a", "b"], ":0|"),
                (&["LRANGE", "c", "0", "-1"], "*1|$1|x|"),
            ],
        );
        // A destination of the wrong type when served: WRONGTYPE, unblocked,
        // the element stays in the source.
        assert_eq!(
            shown(&t.run_as(b, &["BLMOVE", "src", "dst", "LEFT", "LEFT", "0"])),
            ""
        );
        check_on(
            &mut t,
            &[
                (&["SET", "dst", "v"], "+OK|"),
                (&["RPUSH", "src", "e"], ":1|"),
            ],
        );
        assert_eq!(
            pending(&mut t, b),
            "-WRONGTYPE Operation against a key holding the wrong kind of value|"
        );
        assert_eq!(t.engine.blocked_clients(), 0);
        check_on(&mut t, &[(&["LLEN", "src"], ":1|")]);
    }

    #[test]
    fn blmpop_blocks_and_serves_with_count() {
        let mut t = TestEngine::new();
        let b = second_client(&mut t);
        check_on(
            &mut t,
            &[
                (
                    &["BLMPOP", "-1", "0", "k", "LEFT"],
                    "-ERR numkeys should be greater than 0|",
                ),
                (
                    &["BLMPOP", "-1", "1", "k", "LEFT"],
                    "-ERR timeout is negative|",
                ),
            ],
        );
        assert_eq!(
            shown(&t.run_as(b, &["BLMPOP", "0", "2", "k1", "k2", "RIGHT", "COUNT", "2"])),
            ""
        );
        check_on(&mut t, &[(&["RPUSH", "k2", "a", "b", "c"], ":3|")]);
        assert_eq!(pending(&mut t, b), "*2|$2|k2|*2|$1|c|$1|b|");
        check_on(&mut t, &[(&["LRANGE", "k2", "0", "-1"], "*1|$1|a|")]);
    }

    #[test]
    fn timeouts_parse_as_redis_7_0() {
        use crate::blocking::parse_timeout;
        let now = 1_000;
        let negative = "ERR timeout is negative";
        let not_float = "ERR timeout is not a float or out of range";
        let cases: &[(&str, Result<u64, &str>)] = &[
            ("0", Ok(0)),
            ("0.0001", Ok(0)),
            ("-0.0001", Ok(0)),
            ("1.5", Ok(2_500)),
            ("+.25", Ok(1_250)),
            ("1e3", Ok(1_001_000)),
            ("0x10", Ok(17_000)),
            ("-0x1p-20", Ok(0)),
            ("0x1p-2", Ok(1_250)),
            ("9223372036854775", Ok(9_223_372_036_854_776_000)),
            ("9223372036854775.808", Err(negative)),
            ("-1", Err(negative)),
            ("inf", Err(negative)),
            ("-Infinity", Err(negative)),
            ("1e400", Err(negative)),
            ("1e5000", Err(not_float)),
            ("nan", Err(not_float)),
            ("0x", Err(not_float)),
            (" 1", Err(not_float)),
            ("1 ", Err(not_float)),
            ("", Err(not_float)),
            ("abc", Err(not_float)),
        ];
        for (arg, want) in cases {
            let got = parse_timeout(arg.as_bytes(), now).map_err(|e| e.to_string());
            assert_eq!(got, want.map_err(str::to_owned), "timeout {arg:?}");
        }
    }

    #[test]
    fn swapdb_serves_waiters_in_their_own_database() {
        let mut t = TestEngine::new();
        let b = second_client(&mut t);
        assert_eq!(shown(&t.run_as(b, &["BLPOP", "k", "0"])), "");
        check_on(
            &mut t,
            &[
                (&["SELECT", "1"], "+OK|"),
                (&["RPUSH", "k", "x", "y"], ":2|"),
                (&["SWAPDB", "0", "1"], "+OK|"),
            ],
        );
        assert_eq!(pending(&mut t, b), "*2|$1|k|$1|x|");
        check_on(
            &mut t,
            &[
                (&["SELECT", "0"], "+OK|"),
                (&["LRANGE", "k", "0", "-1"], "*1|$1|y|"),
            ],
        );
    }

    #[test]
    fn repeated_keys_park_once() {
        let mut t = TestEngine::new();
        let b = second_client(&mut t);
        assert_eq!(shown(&t.run_as(b, &["BLPOP", "k", "k", "0"])), "");
        check_on(&mut t, &[(&["RPUSH", "k", "a", "b"], ":2|")]);
        assert_eq!(pending(&mut t, b), "*2|$1|k|$1|a|");
        check_on(&mut t, &[(&["LLEN", "k"], ":1|")]);
    }

    #[test]
    fn integers_and_large_lists() {
        let mut t = TestEngine::new();
        let many: Vec<String> = (0..2000).map(|i| i.to_string()).collect();
        let mut args = vec!["RPUSH", "l"];
        args.extend(many.iter().map(String::as_str));
        assert_eq!(shown(&t.run(&args)), ":2000|");
        check_on(
            &mut t,
            &[
                (&["LINDEX", "l", "1500"], "$4|1500|"),
                (
                    &["LRANGE", "l", "998", "1001"],
                    "*4|$3|998|$3|999|$4|1000|$4|1001|",
                ),
                (&["LPOS", "l", "1999"], ":1999|"),
                (&["LPOS", "l", "01"], "$-1|"),
                (&["RPOP", "l", "3"], "*3|$4|1999|$4|1998|$4|1997|"),
                (&["LTRIM", "l", "10", "-10"], "+OK|"),
                (&["LLEN", "l"], ":1978|"),
                (&["LINDEX", "l", "0"], "$2|10|"),
                (&["OBJECT", "ENCODING", "l"], "$9|quicklist|"),
            ],
        );
    }
}
