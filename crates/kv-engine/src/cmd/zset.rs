//! Sorted-set commands (Redis 7.0's t_zset.c): ZADD, ZINCRBY, ZREM, ZCARD,
//! ZCOUNT, ZLEXCOUNT, ZSCORE, ZMSCORE, ZRANK, ZREVRANK, the ZRANGE family
//! (ZRANGE, ZRANGESTORE, ZREVRANGE, ZRANGEBYSCORE, ZREVRANGEBYSCORE,
//! ZRANGEBYLEX, ZREVRANGEBYLEX), ZREMRANGEBYRANK/SCORE/LEX, ZPOPMIN, ZPOPMAX,
//! ZMPOP, ZRANDMEMBER, the set algebra (ZUNION, ZINTER, ZDIFF, their STORE
//! forms, ZINTERCARD), ZSCAN, and the blocking BZPOPMIN, BZPOPMAX, BZMPOP.
//!
//! Values are [`kv_types::zset::SortedSet`]s (listpack-like or tree, converting
//! where Redis 7.0 does); scores and range bounds are parsed by
//! [`kv_types::score`] exactly as Redis reads them, and replied with
//! `Reply::double` (Redis 7.0's `%.17g`).
//!
//! Invariants and the Redis behaviours kept on purpose:
//! - No empty sorted set is ever stored: a command that empties one deletes the
//!   key, and a STORE whose result is empty deletes the destination.
//! - Arguments are checked in Redis's order, so the same bad request gets the
//!   same error: ZADD parses every score before looking at the key (a bad score
//!   beats WRONGTYPE), the set algebra checks the keys' types before its options.
//! - Multi-key commands look every key up first and then borrow the values side
//!   by side: key ids stay valid until their entry is removed.
//! - The set algebra accepts plain sets as sorted sets whose scores are all 1,
//!   orders its inputs by size with a stable sort (glibc's qsort is a merge sort,
//!   so equal sizes keep their order, which decides the order scores are summed
//!   in), and turns NaN (`0 * inf`, `inf + -inf`) into 0 as Redis does.
//! - Every command that adds members signals the key, so clients parked in
//!   BZPOPMIN/BZPOPMAX/BZMPOP are served after it.
//! - RESP3 shapes follow 7.0 command by command: WITHSCORES replies (ZRANGE
//!   family, ZUNION/ZINTER/ZDIFF, ZRANDMEMBER) nest each member with its score;
//!   ZPOPMIN/ZPOPMAX nest only when given a count; BZPOPMIN/BZPOPMAX stay flat;
//!   ZMPOP/BZMPOP nest in both protocols; ZSCAN's scores are bulk strings.

use kv_types::glob::glob_match;
use kv_types::listpack::IntBuf;
use kv_types::score::{
    ERR_MIN_MAX_NOT_FLOAT, ERR_MIN_MAX_NOT_STRING, LexRange, ScoreRange, parse_lex_range,
    parse_score, parse_score_range,
};
use kv_types::set::Set;
use kv_types::zset::{AddFlags, AddOutcome, Iter, SortedSet};
use resp_proto::Argv;

use super::args::{ScanOptions, parse_cursor};
use super::{int_arg, is, parse_i64};
use crate::Ctx;
use crate::blocking::parse_timeout;
use crate::command::flags::*;
use crate::command::table::*;
use crate::command::{Command, Group, Keys, acl};
use crate::ctx::Parts;
use crate::db::{Typed, Value};
use crate::db::{typed, typed_mut};
use crate::effects::{Event, events};
use crate::error::{CmdError, CmdResult};
use crate::reply::Reply;

/// A reply cut short past this many bytes (ZRANDMEMBER with a huge negative
/// count) closes the client, when `client-output-buffer-limit` sets no hard
/// limit for it. Redis would keep producing until memory ran out; closing the
/// one client that asked is the bounded version of the same outcome.
const RANDOM_REPLY_CEILING: u64 = 1 << 30;

/// Picks drawn between checks of the reply size (ZRANDMEMBER with repetitions).
const RANDOM_ROUND: u64 = 1000;

fn arg<'a>(argv: Argv<'a>, i: usize) -> &'a [u8] {
    argv.arg(i)
}

/// One of kv-types' complete error texts (`ERR ...`) as a command error.
fn full_err(text: &str) -> CmdError {
    CmdError::err(text.strip_prefix("ERR ").unwrap_or(text))
}

/// The header of a list of elements: with scores, RESP2 flattens the pairs
/// into one array and RESP3 nests each pair in an array of its own.
fn elements_header(reply: &mut Reply<'_>, n: usize, withscores: bool) {
    if withscores && !reply.is_resp3() {
        reply.array(n.saturating_mul(2));
    } else {
        reply.array(n);
    }
}

/// One element under [`elements_header`].
fn element(reply: &mut Reply<'_>, member: &[u8], score: f64, withscores: bool) {
    if withscores && reply.is_resp3() {
        reply.array(2);
    }
    reply.bulk(member);
    if withscores {
        reply.double(score);
    }
}

fn reply_elements(reply: &mut Reply<'_>, elements: Iter<'_>, withscores: bool) {
    elements_header(reply, elements.len(), withscores);
    for (member, score) in elements {
        element(reply, member, score, withscores);
    }
}

/// Stores a computed result at `dst` (see [`Ctx::store_result`]); a stored
/// sorted set may serve clients blocked in BZPOPMIN and friends.
fn store_result(ctx: &mut Ctx<'_>, dst: &[u8], result: SortedSet, event: Event) {
    let len = result.len();
    ctx.store_result(dst, result.into_value(), len, event);
}

// ---- ZADD / ZINCRBY ----

/// ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member [score member ...]
pub fn zadd_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    zadd_generic(ctx, argv, false)
}

/// ZINCRBY key increment member
pub fn zincrby_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    zadd_generic(ctx, argv, true)
}

fn zadd_generic(ctx: &mut Ctx<'_>, argv: Argv<'_>, zincrby: bool) -> CmdResult {
    let key = arg(argv, 1);
    let mut flags = AddFlags {
        incr: zincrby,
        ..AddFlags::default()
    };
    let mut ch = false;
    let mut first = 2;
    if !zincrby {
        while let Some(opt) = argv.get(first) {
            if is(opt, "nx") {
                flags.nx = true;
            } else if is(opt, "xx") {
                flags.xx = true;
            } else if is(opt, "ch") {
                ch = true;
            } else if is(opt, "incr") {
                flags.incr = true;
            } else if is(opt, "gt") {
                flags.gt = true;
            } else if is(opt, "lt") {
                flags.lt = true;
            } else {
                break;
            }
            first += 1;
        }
    }
    let elements = argv.len() - first;
    if elements == 0 || !elements.is_multiple_of(2) {
        return Err(CmdError::Syntax);
    }
    if flags.nx && flags.xx {
        return Err(CmdError::err(
            "XX and NX options at the same time are not compatible",
        ));
    }
    if (flags.nx && (flags.gt || flags.lt)) || (flags.gt && flags.lt) {
        return Err(CmdError::err(
            "GT, LT, and/or NX options at the same time are not compatible",
        ));
    }
    if flags.incr && elements > 2 {
        return Err(CmdError::err(
            "INCR option supports a single increment-element pair",
        ));
    }
    // Every score is checked before anything changes (and before the key's type).
    for j in (first..argv.len()).step_by(2) {
        parse_score(arg(argv, j)).ok_or(CmdError::NotFloat)?;
    }

    let limits = ctx.engine.zset_limits();
    let (id, created) = match ctx.lookup_write_as::<SortedSet>(key)? {
        Some(id) => (id, false),
        None if flags.xx => {
            // Nothing to update, nothing to create.
            if flags.incr {
                ctx.reply.null();
            } else {
                ctx.reply.integer(0);
            }
            return Ok(());
        }
        None => {
            // Redis picks the new key's encoding from its first member only.
            let first_member = arg(argv, first + 1);
            let z = SortedSet::new(&limits, 1, first_member.len());
            let clock = ctx.access_clock();
            (ctx.db().insert(key, z.into_value(), clock), true)
        }
    };

    let z = typed_mut::<SortedSet>(ctx.db(), id)?;
    let (mut added, mut updated, mut processed) = (0i64, 0i64, 0i64);
    let mut last_score = 0.0;
    let mut failed = None;
    for j in (first..argv.len()).step_by(2) {
        // Validated above; the default is never used.
        let score = parse_score(arg(argv, j)).unwrap_or_default();
        match z.add(arg(argv, j + 1), score, flags, &limits) {
            Ok(outcome) => {
                match outcome {
                    AddOutcome::Added(_) => added += 1,
                    AddOutcome::Updated(_) => updated += 1,
                    AddOutcome::Unchanged(_) | AddOutcome::Skipped => {}
                }
                if let Some(s) = outcome.score() {
                    processed += 1;
                    last_score = s;
                }
            }
            Err(e) => {
                failed = Some(full_err(e.message()));
                break;
            }
        }
    }
    let empty = z.is_empty();
    if created && empty {
        // Unreachable (a new key always receives its first member), but an
        // empty sorted set must never stay in the keyspace.
        ctx.delete_if_empty(key);
    }
    if let Some(err) = failed {
        return Err(err);
    }
    if added + updated > 0 {
        let event = if flags.incr {
            events::ZINCR
        } else {
            events::ZADD
        };
        ctx.changed_by(key, event, (added + updated) as u64);
    }
    if flags.incr {
        if processed > 0 {
            ctx.reply.double(last_score);
        } else {
            ctx.reply.null();
        }
    } else {
        ctx.reply.integer(if ch { added + updated } else { added });
    }
    Ok(())
}

// ---- single-key reads and removals ----

/// ZREM key member [member ...]
pub fn zrem_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let key = arg(argv, 1);
    let Some(id) = ctx.lookup_write_as::<SortedSet>(key)? else {
        ctx.reply.integer(0);
        return Ok(());
    };
    let z = typed_mut::<SortedSet>(ctx.db(), id)?;
    let mut deleted = 0i64;
    for member in argv.iter().skip(2) {
        if z.remove(member).is_some() {
            deleted += 1;
            if z.is_empty() {
                break;
            }
        }
    }
    if deleted > 0 {
        ctx.changed_by(key, events::ZREM, deleted as u64);
        ctx.delete_if_empty(key);
    }
    ctx.reply.integer(deleted);
    Ok(())
}

/// ZCARD key
pub fn zcard_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    match ctx.read_typed::<SortedSet>(arg(argv, 1))? {
        Some((z, reply)) => reply.integer(z.len() as i64),
        None => ctx.reply.integer(0),
    }
    Ok(())
}

/// ZSCORE key member
pub fn zscore_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    match ctx.read_typed::<SortedSet>(arg(argv, 1))? {
        Some((z, reply)) => match z.score(arg(argv, 2)) {
            Some(s) => reply.double(s),
            None => reply.null(),
        },
        None => ctx.reply.null(),
    }
    Ok(())
}

/// ZMSCORE key member [member ...]
pub fn zmscore_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let members = argv.len() - 2;
    match ctx.read_typed::<SortedSet>(arg(argv, 1))? {
        Some((z, reply)) => {
            reply.array(members);
            for member in argv.iter().skip(2) {
                match z.score(member) {
                    Some(s) => reply.double(s),
                    None => reply.null(),
                }
            }
        }
        None => {
            ctx.reply.array(members);
            for _ in 0..members {
                ctx.reply.null();
            }
        }
    }
    Ok(())
}

/// ZRANK key member
pub fn zrank_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    rank_generic(ctx, argv, false)
}

/// ZREVRANK key member
pub fn zrevrank_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    rank_generic(ctx, argv, true)
}

fn rank_generic(ctx: &mut Ctx<'_>, argv: Argv<'_>, reverse: bool) -> CmdResult {
    match ctx.read_typed::<SortedSet>(arg(argv, 1))? {
        Some((z, reply)) => match z.rank(arg(argv, 2), reverse) {
            Some(rank) => reply.integer(rank as i64),
            None => reply.null(),
        },
        None => ctx.reply.null(),
    }
    Ok(())
}

fn score_range<'a>(min: &'a [u8], max: &'a [u8]) -> Result<ScoreRange, CmdError> {
    parse_score_range(min, max).ok_or_else(|| full_err(ERR_MIN_MAX_NOT_FLOAT))
}

fn lex_range<'a>(min: &'a [u8], max: &'a [u8]) -> Result<LexRange<'a>, CmdError> {
    parse_lex_range(min, max).ok_or_else(|| full_err(ERR_MIN_MAX_NOT_STRING))
}

/// ZCOUNT key min max
pub fn zcount_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let range = score_range(arg(argv, 2), arg(argv, 3))?;
    let count = match ctx.read_typed::<SortedSet>(arg(argv, 1))? {
        Some((z, _)) => z.count_in_score_range(&range),
        None => 0,
    };
    ctx.reply.integer(count as i64);
    Ok(())
}

/// ZLEXCOUNT key min max
pub fn zlexcount_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let range = lex_range(arg(argv, 2), arg(argv, 3))?;
    let count = match ctx.read_typed::<SortedSet>(arg(argv, 1))? {
        Some((z, _)) => z.count_in_lex_range(&range),
        None => 0,
    };
    ctx.reply.integer(count as i64);
    Ok(())
}

// ---- the ZRANGE family ----

/// How a range is given; `Auto` until ZRANGE's options decide.
#[derive(Clone, Copy, PartialEq, Eq)]
enum RangeType {
    Auto,
    Rank,
    Score,
    Lex,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Direction {
    Auto,
    Forward,
    Reverse,
}

/// A parsed range of any kind.
enum Range<'a> {
    Rank(i64, i64),
    Score(ScoreRange),
    Lex(LexRange<'a>),
}

/// The elements of `z` a range selects, in reply order. A negative LIMIT
/// offset selects nothing and a negative count means "no limit", as Redis's
/// element-by-element walk behaves.
fn select<'z>(
    z: &'z SortedSet,
    range: &Range<'_>,
    reverse: bool,
    offset: i64,
    limit: i64,
) -> Iter<'z> {
    let count = usize::try_from(limit).ok();
    match range {
        Range::Rank(start, stop) => z.range_by_index(*start, *stop, reverse),
        _ if offset < 0 => z.range(0, 0, false),
        Range::Score(r) => z.range_by_score(r, reverse, offset as usize, count),
        Range::Lex(r) => z.range_by_lex(r, reverse, offset as usize, count),
    }
}

/// Redis's zrangeGenericCommand: the source key is at `src`, its range
/// arguments follow, then the options; `dst` is ZRANGESTORE's destination.
fn zrange_generic(
    ctx: &mut Ctx<'_>,
    argv: Argv<'_>,
    src: usize,
    dst: Option<&[u8]>,
    mut rangetype: RangeType,
    mut direction: Direction,
) -> CmdResult {
    let key = arg(argv, src);
    let (mut minidx, mut maxidx) = (src + 1, src + 2);
    let mut withscores = false;
    let mut offset = 0i64;
    let mut limit = -1i64;
    let mut j = src + 3;
    while j < argv.len() {
        let opt = arg(argv, j);
        let left = argv.len() - j - 1;
        if dst.is_none() && is(opt, "withscores") {
            withscores = true;
        } else if is(opt, "limit") && left >= 2 {
            offset = int_arg(arg(argv, j + 1))?;
            limit = int_arg(arg(argv, j + 2))?;
            j += 2;
        } else if direction == Direction::Auto && is(opt, "rev") {
            direction = Direction::Reverse;
        } else if rangetype == RangeType::Auto && is(opt, "bylex") {
            rangetype = RangeType::Lex;
        } else if rangetype == RangeType::Auto && is(opt, "byscore") {
            rangetype = RangeType::Score;
        } else {
            return Err(CmdError::Syntax);
        }
        j += 1;
    }
    if rangetype == RangeType::Auto {
        rangetype = RangeType::Rank;
    }
    let reverse = direction == Direction::Reverse;
    // Redis tests the count it was given, not whether LIMIT was: "LIMIT 5 -1"
    // passes with a rank range (and is ignored).
    if limit != -1 && rangetype == RangeType::Rank {
        return Err(CmdError::err(
            "syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX",
        ));
    }
    if withscores && rangetype == RangeType::Lex {
        return Err(CmdError::err(
            "syntax error, WITHSCORES not supported in combination with BYLEX",
        ));
    }
    if reverse && rangetype != RangeType::Rank {
        // Reversed score and lex ranges are given as `max min`.
        std::mem::swap(&mut minidx, &mut maxidx);
    }
    let (min, max) = (arg(argv, minidx), arg(argv, maxidx));
    let range = match rangetype {
        RangeType::Score => Range::Score(score_range(min, max)?),
        RangeType::Lex => Range::Lex(lex_range(min, max)?),
        _ => Range::Rank(int_arg(min)?, int_arg(max)?),
    };

    let Some(dst) = dst else {
        match ctx.read_typed::<SortedSet>(key)? {
            Some((z, reply)) => {
                reply_elements(reply, select(z, &range, reverse, offset, limit), withscores)
            }
            None => ctx.reply.array(0),
        }
        return Ok(());
    };
    let limits = ctx.engine.zset_limits();
    let result = match ctx.lookup_read(key) {
        None => SortedSet::new_small(),
        Some(id) => {
            let z = typed::<SortedSet>(ctx.db(), id)?;
            let elements = select(z, &range, reverse, offset, limit);
            // A rank range knows its length up front; score and lex ranges do
            // not, and start small (Redis's zrangeResultBeginStore).
            let hint = if matches!(range, Range::Rank(..)) {
                elements.len()
            } else {
                0
            };
            let mut out = SortedSet::new(&limits, hint, 0);
            for (member, score) in elements {
                // Scores from a sorted set are never NaN.
                let _ = out.add(member, score, AddFlags::default(), &limits);
            }
            out
        }
    };
    store_result(ctx, dst, result, events::ZRANGESTORE);
    Ok(())
}

/// ZRANGE key start stop [BYSCORE|BYLEX] [REV] [LIMIT offset count] [WITHSCORES]
pub fn zrange_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    zrange_generic(ctx, argv, 1, None, RangeType::Auto, Direction::Auto)
}

/// ZRANGESTORE dst src min max [BYSCORE|BYLEX] [REV] [LIMIT offset count]
pub fn zrangestore_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let dst = arg(argv, 1);
    zrange_generic(ctx, argv, 2, Some(dst), RangeType::Auto, Direction::Auto)
}

/// ZREVRANGE key start stop [WITHSCORES]
pub fn zrevrange_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    zrange_generic(ctx, argv, 1, None, RangeType::Rank, Direction::Reverse)
}

/// ZRANGEBYSCORE key min max [WITHSCORES] [LIMIT offset count]
pub fn zrangebyscore_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    zrange_generic(ctx, argv, 1, None, RangeType::Score, Direction::Forward)
}

/// ZREVRANGEBYSCORE key max min [WITHSCORES] [LIMIT offset count]
pub fn zrevrangebyscore_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    zrange_generic(ctx, argv, 1, None, RangeType::Score, Direction::Reverse)
}

/// ZRANGEBYLEX key min max [LIMIT offset count]
pub fn zrangebylex_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    zrange_generic(ctx, argv, 1, None, RangeType::Lex, Direction::Forward)
}

/// ZREVRANGEBYLEX key max min [LIMIT offset count]
pub fn zrevrangebylex_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    zrange_generic(ctx, argv, 1, None, RangeType::Lex, Direction::Reverse)
}

// ---- ZREMRANGEBY* ----

fn zremrange_generic(ctx: &mut Ctx<'_>, argv: Argv<'_>, rangetype: RangeType) -> CmdResult {
    let key = arg(argv, 1);
    let (min, max) = (arg(argv, 2), arg(argv, 3));
    let range = match rangetype {
        RangeType::Score => Range::Score(score_range(min, max)?),
        RangeType::Lex => Range::Lex(lex_range(min, max)?),
        _ => Range::Rank(int_arg(min)?, int_arg(max)?),
    };
    let Some(id) = ctx.lookup_write_as::<SortedSet>(key)? else {
        ctx.reply.integer(0);
        return Ok(());
    };
    let z = typed_mut::<SortedSet>(ctx.db(), id)?;
    let deleted = match &range {
        Range::Rank(start, stop) => z.remove_range_by_index(*start, *stop),
        Range::Score(r) => z.remove_range_by_score(r),
        Range::Lex(r) => z.remove_range_by_lex(r),
    };
    if deleted > 0 {
        let event = match &range {
            Range::Rank(..) => events::ZREMRANGEBYRANK,
            Range::Score(_) => events::ZREMRANGEBYSCORE,
            Range::Lex(_) => events::ZREMRANGEBYLEX,
        };
        ctx.changed_by(key, event, deleted as u64);
        ctx.delete_if_empty(key);
    }
    ctx.reply.integer(deleted as i64);
    Ok(())
}

/// ZREMRANGEBYRANK key start stop
pub fn zremrangebyrank_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    zremrange_generic(ctx, argv, RangeType::Rank)
}

/// ZREMRANGEBYSCORE key min max
pub fn zremrangebyscore_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    zremrange_generic(ctx, argv, RangeType::Score)
}

/// ZREMRANGEBYLEX key min max
pub fn zremrangebylex_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    zremrange_generic(ctx, argv, RangeType::Lex)
}

// ---- pops ----

/// How a pop lays out its reply (genericZpopCommand's four shapes).
#[derive(Clone, Copy, PartialEq, Eq)]
enum PopShape {
    /// ZPOPMIN/ZPOPMAX: flat pairs; nested in RESP3 when a count was given.
    Plain { count_given: bool },
    /// BZPOPMIN/BZPOPMAX: `[key, member, score]` in both protocols.
    Blocking,
    /// ZMPOP/BZMPOP: `[key, [[member, score], ...]]` in both protocols.
    Multi,
}

/// Pops up to `count` elements from the first of `keys` holding a sorted set.
/// Returns false, having replied nothing, when none does. A key of another
/// type is WRONGTYPE — or, when a parked client's command is retried, skipped
/// like a missing key.
fn pop_first<'a>(
    ctx: &mut Ctx<'_>,
    keys: impl Iterator<Item = &'a [u8]>,
    max: bool,
    count: usize,
    shape: PopShape,
) -> Result<bool, CmdError> {
    let skip_wrong_type = ctx.is_retry();
    let mut found = None;
    for key in ctx.blocking_order(keys) {
        let Some(id) = ctx.lookup_write(key) else {
            continue;
        };
        match typed::<SortedSet>(ctx.db(), id) {
            Ok(_) => {
                found = Some((key, id));
                break;
            }
            Err(_) if skip_wrong_type => continue,
            Err(e) => return Err(e),
        }
    }
    let Some((key, id)) = found else {
        return Ok(false);
    };
    if count == 0 {
        // Only ZPOPMIN/ZPOPMAX accept a count of 0.
        ctx.reply.array(0);
        return Ok(true);
    }
    let z = typed_mut::<SortedSet>(ctx.db(), id)?;
    let popped = if max {
        z.pop_max(count)
    } else {
        z.pop_min(count)
    };
    let reply = &mut ctx.reply;
    let nested = match shape {
        PopShape::Plain { count_given } => {
            let nested = count_given && reply.is_resp3();
            if nested {
                reply.array(popped.len());
            } else {
                reply.array(popped.len() * 2);
            }
            nested
        }
        PopShape::Blocking => {
            reply.array(popped.len() * 2 + 1);
            reply.bulk(key);
            false
        }
        PopShape::Multi => {
            reply.array(2);
            reply.bulk(key);
            reply.array(popped.len());
            true
        }
    };
    for (member, score) in &popped {
        if nested {
            reply.array(2);
        }
        reply.bulk(member.as_bytes());
        reply.double(*score);
    }
    if !popped.is_empty() {
        let event = if max {
            events::ZPOPMAX
        } else {
            events::ZPOPMIN
        };
        ctx.changed_by(key, event, popped.len() as u64);
        // As Redis: BZPOPMIN/BZPOPMAX replay as ZPOPMIN/ZPOPMAX key, the
        // multi-key pops with the count they popped; ZPOPMIN/ZPOPMAX as sent.
        let verb: &[u8] = if max { b"ZPOPMAX" } else { b"ZPOPMIN" };
        match shape {
            PopShape::Plain { .. } => {}
            PopShape::Blocking => ctx.propagate_as(&[verb, key]),
            PopShape::Multi => {
                let mut buf = itoa::Buffer::new();
                ctx.propagate_as(&[verb, key, buf.format(popped.len()).as_bytes()]);
            }
        }
        ctx.delete_if_empty(key);
    }
    Ok(true)
}

fn zpop_command(ctx: &mut Ctx<'_>, argv: Argv<'_>, max: bool) -> CmdResult {
    if argv.len() > 3 {
        return Err(CmdError::Syntax);
    }
    let count = match argv.get(2) {
        Some(c) => Some(
            parse_i64(c)
                .and_then(|n| usize::try_from(n).ok())
                .ok_or_else(|| CmdError::err("value is out of range, must be positive"))?,
        ),
        None => None,
    };
    let shape = PopShape::Plain {
        count_given: count.is_some(),
    };
    let key = arg(argv, 1);
    if !pop_first(ctx, std::iter::once(key), max, count.unwrap_or(1), shape)? {
        ctx.reply.array(0);
    }
    Ok(())
}

/// ZPOPMIN key [count]
pub fn zpopmin_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    zpop_command(ctx, argv, false)
}

/// ZPOPMAX key [count]
pub fn zpopmax_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    zpop_command(ctx, argv, true)
}

/// ZMPOP's and BZMPOP's arguments from `numkeys` on.
struct MpopArgs {
    keys: std::ops::Range<usize>,
    max: bool,
    count: usize,
}

fn parse_mpop(argv: Argv<'_>, numkeys_idx: usize) -> Result<MpopArgs, CmdError> {
    let numkeys = parse_i64(arg(argv, numkeys_idx))
        .and_then(|n| usize::try_from(n).ok())
        .filter(|&n| n >= 1)
        .ok_or_else(|| CmdError::err("numkeys should be greater than 0"))?;
    let where_idx = numkeys
        .checked_add(numkeys_idx + 1)
        .filter(|&i| i < argv.len())
        .ok_or(CmdError::Syntax)?;
    let where_arg = arg(argv, where_idx);
    let max = if is(where_arg, "min") {
        false
    } else if is(where_arg, "max") {
        true
    } else {
        return Err(CmdError::Syntax);
    };
    let mut count = None;
    let mut j = where_idx + 1;
    while j < argv.len() {
        let more = argv.len() - 1 - j;
        if count.is_none() && is(arg(argv, j), "count") && more > 0 {
            j += 1;
            count = Some(
                parse_i64(arg(argv, j))
                    .and_then(|n| usize::try_from(n).ok())
                    .filter(|&n| n >= 1)
                    .ok_or_else(|| CmdError::err("count should be greater than 0"))?,
            );
        } else {
            return Err(CmdError::Syntax);
        }
        j += 1;
    }
    Ok(MpopArgs {
        keys: numkeys_idx + 1..where_idx,
        max,
        count: count.unwrap_or(1),
    })
}

/// ZMPOP numkeys key [key ...] MIN|MAX [COUNT count]
pub fn zmpop_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let a = parse_mpop(argv, 1)?;
    let keys = a.keys.map(|i| arg(argv, i));
    if !pop_first(ctx, keys, a.max, a.count, PopShape::Multi)? {
        ctx.reply.null_array();
    }
    Ok(())
}

/// Parks the client on `keys` (the blocking commands found nothing).
fn block<'a>(ctx: &mut Ctx<'_>, keys: impl Iterator<Item = &'a [u8]>, deadline_ms: u64) {
    let keys = keys.map(Box::from).collect();
    ctx.block_on(keys, deadline_ms);
}

fn bzpop_command(ctx: &mut Ctx<'_>, argv: Argv<'_>, max: bool) -> CmdResult {
    let last = argv.len() - 1;
    let deadline = parse_timeout(arg(argv, last), ctx.now_ms())?;
    let keys = (1..last).map(|i| arg(argv, i));
    if !pop_first(ctx, keys.clone(), max, 1, PopShape::Blocking)? {
        block(ctx, keys, deadline);
    }
    Ok(())
}

/// BZPOPMIN key [key ...] timeout
pub fn bzpopmin_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    bzpop_command(ctx, argv, false)
}

/// BZPOPMAX key [key ...] timeout
pub fn bzpopmax_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    bzpop_command(ctx, argv, true)
}

/// BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count]
pub fn bzmpop_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let a = parse_mpop(argv, 2)?;
    let deadline = parse_timeout(arg(argv, 1), ctx.now_ms())?;
    let keys = a.keys.map(|i| arg(argv, i));
    if !pop_first(ctx, keys.clone(), a.max, a.count, PopShape::Multi)? {
        block(ctx, keys, deadline);
    }
    Ok(())
}

// ---- ZRANDMEMBER ----

/// ZRANDMEMBER key [count [WITHSCORES]]
pub fn zrandmember_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let key = arg(argv, 1);
    if argv.get(2).is_some() {
        // The count and options are checked before the key is looked at.
        let (count, withscores) = super::rand_count_args(argv, "withscores")?;
        return zrandmember_with_count(ctx, key, count, withscores);
    }
    let Some(id) = ctx.lookup_read(key) else {
        ctx.reply.null();
        return Ok(());
    };
    let Parts { db, rng, reply } = ctx.parts();
    let z = typed::<SortedSet>(db, id)?;
    match z.random_member(|| rng.next_u64()) {
        Some((member, _)) => reply.bulk(member),
        // Unreachable while sorted-set keys are never empty.
        None => reply.null(),
    }
    Ok(())
}

fn zrandmember_with_count(
    ctx: &mut Ctx<'_>,
    key: &[u8],
    count: i64,
    withscores: bool,
) -> CmdResult {
    let Some(id) = ctx.lookup_read(key) else {
        ctx.reply.array(0);
        return Ok(());
    };
    let class = ctx.me().kind.limit_class();
    let ceiling = match ctx.engine.config.client_output_buffer_limit[class].hard_limit_bytes {
        0 => RANDOM_REPLY_CEILING,
        hard => hard,
    };
    let Parts { db, rng, reply } = ctx.parts();
    let z = typed::<SortedSet>(db, id)?;
    if count == 0 {
        reply.array(0);
        return Ok(());
    }
    let wanted = count.unsigned_abs();

    // Repetitions allowed (negative count), or a single pick: independent draws.
    if count < 0 || wanted == 1 {
        elements_header(
            reply,
            usize::try_from(wanted).unwrap_or(usize::MAX),
            withscores,
        );
        let start = reply.len();
        let mut sampler = z.sampler();
        let mut left = wanted;
        let mut over = false;
        while left > 0 {
            let round = left.min(RANDOM_ROUND);
            left -= round;
            for _ in 0..round {
                if let Some((member, score)) = sampler.pick(|| rng.next_u64()) {
                    element(reply, member, score, withscores);
                }
            }
            if (reply.len() - start) as u64 > ceiling {
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
    let wanted = usize::try_from(wanted).unwrap_or(usize::MAX);
    let mut picks = z.random_members(wanted, || rng.next_u64());
    if z.is_small() && wanted.saturating_mul(3) <= z.len() {
        // Redis samples a small set in one forward walk (lpRandomPairsUnique),
        // so such picks come out in the set's order.
        picks.sort_by(|a, b| a.1.total_cmp(&b.1).then_with(|| a.0.cmp(b.0)));
    }
    elements_header(reply, picks.len(), withscores);
    for (member, score) in picks {
        element(reply, member, score, withscores);
    }
    Ok(())
}

// ---- set algebra ----

#[derive(Clone, Copy, PartialEq, Eq)]
enum SetOp {
    Union,
    Inter,
    Diff,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Aggregate {
    Sum,
    Min,
    Max,
}

/// Redis's zunionInterAggregate: a sum that is NaN (`inf + -inf`) is 0.
fn aggregate(target: &mut f64, value: f64, how: Aggregate) {
    match how {
        Aggregate::Sum => {
            *target += value;
            if target.is_nan() {
                *target = 0.0;
            }
        }
        Aggregate::Min => {
            if value < *target {
                *target = value;
            }
        }
        Aggregate::Max => {
            if value > *target {
                *target = value;
            }
        }
    }
}

/// An input of the set algebra: a sorted set, a plain set (scores 1), or a
/// missing key (empty).
#[derive(Clone, Copy)]
enum Source<'a> {
    Missing,
    Sorted(&'a SortedSet),
    Plain(&'a Set),
}

impl Source<'_> {
    fn len(&self) -> usize {
        match self {
            Source::Missing => 0,
            Source::Sorted(z) => z.len(),
            Source::Plain(s) => s.len(),
        }
    }

    fn score(&self, member: &[u8]) -> Option<f64> {
        match self {
            Source::Missing => None,
            Source::Sorted(z) => z.score(member),
            Source::Plain(s) => s.contains(member).then_some(1.0),
        }
    }

    /// Calls `f` with each element until it returns false.
    fn each(&self, mut f: impl FnMut(&[u8], f64) -> bool) {
        match self {
            Source::Missing => {}
            Source::Sorted(z) => {
                for (member, score) in z.iter() {
                    if !f(member, score) {
                        return;
                    }
                }
            }
            Source::Plain(s) => {
                let mut buf = IntBuf::new();
                for e in s.iter() {
                    // Intset members are integers: rendered as their text.
                    if !f(e.as_bytes(&mut buf), 1.0) {
                        return;
                    }
                }
            }
        }
    }
}

/// Sorts owned elements as a sorted set orders them: by score, then member.
fn sort_elements(elements: &mut [(Vec<u8>, f64)]) {
    elements.sort_unstable_by(|a, b| {
        a.1.partial_cmp(&b.1)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then_with(|| a.0.cmp(&b.0))
    });
}

/// What a set-algebra command does with its result.
#[derive(Clone, Copy)]
enum Output<'a> {
    Reply,
    Store(&'a [u8]),
    Cardinality,
}

/// Redis's zunionInterDiffGenericCommand. `numkeys_idx` is where numkeys is;
/// `name` is the command's name for the "at least 1 input key" error.
fn setop_generic(
    ctx: &mut Ctx<'_>,
    argv: Argv<'_>,
    numkeys_idx: usize,
    op: SetOp,
    output: Output<'_>,
    name: &str,
) -> CmdResult {
    let setnum = int_arg(arg(argv, numkeys_idx))?;
    if setnum < 1 {
        return Err(CmdError::err(format!(
            "at least 1 input key is needed for '{name}' command"
        )));
    }
    let first_key = numkeys_idx + 1;
    if setnum > (argv.len() - first_key) as i64 {
        return Err(CmdError::Syntax);
    }
    let setnum = setnum as usize;
    let storing = matches!(output, Output::Store(_));
    let card_only = matches!(output, Output::Cardinality);

    // Every input's type is checked before the options are read.
    let mut ids = Vec::with_capacity(setnum);
    for j in first_key..first_key + setnum {
        let key = arg(argv, j);
        let id = if storing {
            ctx.lookup_write(key)
        } else {
            ctx.lookup_read(key)
        };
        if let Some(id) = id
            && !matches!(ctx.db().entry(id).value, Value::ZSet(_) | Value::Set(_))
        {
            return Err(CmdError::WrongType);
        }
        ids.push(id);
    }

    let mut weights = vec![1.0f64; setnum];
    let mut how = Aggregate::Sum;
    let mut withscores = false;
    let mut limit = 0usize;
    let mut j = first_key + setnum;
    while j < argv.len() {
        let remaining = argv.len() - j;
        let opt = arg(argv, j);
        let algebra = op != SetOp::Diff && !card_only;
        if algebra && remaining > setnum && is(opt, "weights") {
            j += 1;
            for w in weights.iter_mut() {
                *w = parse_score(arg(argv, j))
                    .ok_or_else(|| CmdError::err("weight value is not a float"))?;
                j += 1;
            }
        } else if algebra && remaining >= 2 && is(opt, "aggregate") {
            let value = arg(argv, j + 1);
            how = if is(value, "sum") {
                Aggregate::Sum
            } else if is(value, "min") {
                Aggregate::Min
            } else if is(value, "max") {
                Aggregate::Max
            } else {
                return Err(CmdError::Syntax);
            };
            j += 2;
        } else if matches!(output, Output::Reply) && is(opt, "withscores") {
            withscores = true;
            j += 1;
        } else if card_only && remaining >= 2 && is(opt, "limit") {
            limit = parse_i64(arg(argv, j + 1))
                .and_then(|n| usize::try_from(n).ok())
                .ok_or_else(|| CmdError::err("LIMIT can't be negative"))?;
            j += 2;
        } else {
            return Err(CmdError::Syntax);
        }
    }

    let db = ctx.db();
    let mut sources: Vec<(Source<'_>, f64)> = ids
        .iter()
        .zip(weights)
        .map(|(id, weight)| {
            let source = match id.map(|id| &db.entry(id).value) {
                Some(Value::ZSet(z)) => Source::Sorted(z),
                Some(Value::Set(s)) => Source::Plain(s),
                _ => Source::Missing,
            };
            (source, weight)
        })
        .collect();
    if op != SetOp::Diff {
        // Smallest first, equal sizes in argument order (a stable sort, as
        // glibc's qsort is): this decides the order scores are combined in.
        sources.sort_by_key(|(s, _)| s.len());
    }

    let mut elements: Vec<(Vec<u8>, f64)> = Vec::new();
    let mut cardinality = 0usize;
    let (first, first_weight) = sources[0];
    match op {
        SetOp::Inter if first.len() > 0 => {
            first.each(|member, score| {
                let mut total = first_weight * score;
                if total.is_nan() {
                    total = 0.0;
                }
                for (other, weight) in &sources[1..] {
                    match other.score(member) {
                        Some(s) => aggregate(&mut total, s * weight, how),
                        None => return true,
                    }
                }
                if card_only {
                    cardinality += 1;
                    limit == 0 || cardinality < limit
                } else {
                    elements.push((member.to_vec(), total));
                    true
                }
            });
        }
        SetOp::Inter => {}
        SetOp::Union => {
            let mut totals: hashbrown::HashMap<Vec<u8>, f64> =
                hashbrown::HashMap::with_capacity(sources.last().map_or(0, |s| s.0.len()));
            for (source, weight) in &sources {
                source.each(|member, score| {
                    let mut value = weight * score;
                    if value.is_nan() {
                        value = 0.0;
                    }
                    match totals.get_mut(member) {
                        Some(total) => aggregate(total, value, how),
                        None => {
                            totals.insert(member.to_vec(), value);
                        }
                    }
                    true
                });
            }
            elements = totals.into_iter().collect();
        }
        SetOp::Diff => {
            first.each(|member, score| {
                if !sources[1..].iter().any(|(s, _)| s.score(member).is_some()) {
                    elements.push((member.to_vec(), score));
                }
                true
            });
        }
    }

    match output {
        Output::Cardinality => ctx.reply.integer(cardinality as i64),
        Output::Reply => {
            sort_elements(&mut elements);
            elements_header(&mut ctx.reply, elements.len(), withscores);
            for (member, score) in &elements {
                element(&mut ctx.reply, member, *score, withscores);
            }
        }
        Output::Store(dst) => {
            sort_elements(&mut elements);
            let limits = ctx.engine.zset_limits();
            // Redis builds the result as a skiplist and converts it when it fits.
            let mut result = SortedSet::new_large();
            for (member, score) in &elements {
                // Aggregated scores are never NaN (see `aggregate`).
                let _ = result.add(member, *score, AddFlags::default(), &limits);
            }
            result.convert_to_small_if_fits(&limits);
            let event = match op {
                SetOp::Inter => events::ZINTERSTORE,
                SetOp::Union => events::ZUNIONSTORE,
                SetOp::Diff => events::ZDIFFSTORE,
            };
            store_result(ctx, dst, result, event);
        }
    }
    Ok(())
}

/// ZUNION numkeys key [key ...] [WEIGHTS weight [weight ...]] [AGGREGATE SUM|MIN|MAX] [WITHSCORES]
pub fn zunion_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    setop_generic(ctx, argv, 1, SetOp::Union, Output::Reply, "zunion")
}

/// ZINTER numkeys key [key ...] [WEIGHTS weight [weight ...]] [AGGREGATE SUM|MIN|MAX] [WITHSCORES]
pub fn zinter_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    setop_generic(ctx, argv, 1, SetOp::Inter, Output::Reply, "zinter")
}

/// ZDIFF numkeys key [key ...] [WITHSCORES]
pub fn zdiff_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    setop_generic(ctx, argv, 1, SetOp::Diff, Output::Reply, "zdiff")
}

/// ZUNIONSTORE destination numkeys key [key ...] [WEIGHTS weight [weight ...]] [AGGREGATE SUM|MIN|MAX]
pub fn zunionstore_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let dst = arg(argv, 1);
    setop_generic(
        ctx,
        argv,
        2,
        SetOp::Union,
        Output::Store(dst),
        "zunionstore",
    )
}

/// ZINTERSTORE destination numkeys key [key ...] [WEIGHTS weight [weight ...]] [AGGREGATE SUM|MIN|MAX]
pub fn zinterstore_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let dst = arg(argv, 1);
    setop_generic(
        ctx,
        argv,
        2,
        SetOp::Inter,
        Output::Store(dst),
        "zinterstore",
    )
}

/// ZDIFFSTORE destination numkeys key [key ...]
pub fn zdiffstore_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let dst = arg(argv, 1);
    setop_generic(ctx, argv, 2, SetOp::Diff, Output::Store(dst), "zdiffstore")
}

/// ZINTERCARD numkeys key [key ...] [LIMIT limit]
pub fn zintercard_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    setop_generic(
        ctx,
        argv,
        1,
        SetOp::Inter,
        Output::Cardinality,
        "zintercard",
    )
}

// ---- ZSCAN ----

/// ZSCAN key cursor [MATCH pattern] [COUNT count]
pub fn zscan_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let cursor = parse_cursor(arg(argv, 2))?;
    let Some(id) = ctx.lookup_read(arg(argv, 1)) else {
        ctx.reply.array(2);
        ctx.reply.bulk(b"0");
        ctx.reply.array(0);
        return Ok(());
    };
    typed::<SortedSet>(ctx.db(), id)?;
    // As in Redis, the options are read only once the key is known good.
    let opts = ScanOptions::parse(argv, 3, false)?;
    let z = typed::<SortedSet>(ctx.db(), id)?;
    let mut found: Vec<(Vec<u8>, f64)> = Vec::new();
    let mut next = cursor;
    if z.is_small() {
        // A small set is returned whole, as Redis does for a listpack.
        next = z.scan(cursor, |m, s| found.push((m.to_vec(), s)));
    } else {
        // COUNT bounds the work: Redis counts collected members and scores
        // (two per element), with at most ten bucket visits per unit of COUNT.
        let mut visits = opts.count.saturating_mul(10);
        loop {
            next = z.scan(next, |m, s| found.push((m.to_vec(), s)));
            if next == 0 || visits == 0 || found.len() * 2 >= opts.count {
                break;
            }
            visits -= 1;
        }
    }
    if let Some(pattern) = opts.pattern {
        found.retain(|(m, _)| glob_match(pattern, m, false));
    }
    let reply = &mut ctx.reply;
    reply.array(2);
    reply.bulk(next.to_string().as_bytes());
    reply.array(found.len() * 2);
    let mut buf = [0u8; resp_proto::write::DOUBLE_BUF_LEN];
    for (member, score) in &found {
        reply.bulk(member);
        // Scores as text, in both protocols (Redis formats them with %.17g).
        reply.bulk(resp_proto::format_double(*score, &mut buf));
    }
    Ok(())
}

// ---- the command table ----

const RW_DELETE: &[&str] = &["RW", "delete"];
const RW_ACCESS_DELETE: &[&str] = &["RW", "access", "delete"];
const RANGE_COMPLEXITY: &str = "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned.";
const BY_RANGE_COMPLEXITY: &str = "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).";
const REMRANGE_COMPLEXITY: &str = "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.";
const POP_COMPLEXITY: &str = "O(log(N)*M) with N being the number of elements in the sorted set, and M being the number of elements popped.";
const MPOP_COMPLEXITY: &str = "O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped.";
const UNION_COMPLEXITY: &str = "O(N)+O(M*log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.";
const INTER_COMPLEXITY: &str = "O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number of input sorted sets and M being the number of elements in the resulting sorted set.";
const DIFF_COMPLEXITY: &str = "O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is the size of the first set, and K is the size of the result set.";
const BZPOP_COMPLEXITY: &str = "O(log(N)) with N being the number of elements in the sorted set.";

/// The sorted-set family's table entries. Commands whose keys follow a
/// `numkeys` argument (ZUNION, ZMPOP...) report no fixed key positions, as in
/// Redis (first/last/step 0 with the `movablekeys` flag).
pub static COMMANDS: &[Command] = &[
    Command {
        name: "zadd",
        arity: -4,
        flags: WRITE | DENYOOM | FAST,
        acl: acl::SORTEDSET,
        keys: Keys::one(RW_UPDATE),
        group: Group::SortedSet,
        since: "1.2.0",
        summary: "Adds members to a sorted set, or updates their scores; creates the key if needed.",
        complexity: "O(log(N)) for each item added, where N is the number of elements in the sorted set.",
        syntax: "key [NX|XX] [GT|LT] [CH] [INCR] score member [score member ...]",
        handler: Some(zadd_command),
        ..Command::BASE
    },
    Command {
        name: "zincrby",
        arity: 4,
        flags: WRITE | DENYOOM | FAST,
        acl: acl::SORTEDSET,
        keys: Keys::one(RW_ACCESS_UPDATE),
        group: Group::SortedSet,
        since: "1.2.0",
        summary: "Adds an increment to a member's score; a missing member starts from the increment.",
        complexity: "O(log(N)) where N is the number of elements in the sorted set.",
        syntax: "key increment member",
        handler: Some(zincrby_command),
        ..Command::BASE
    },
    Command {
        name: "zrem",
        arity: -3,
        flags: WRITE | FAST,
        acl: acl::SORTEDSET,
        keys: Keys::one(RW_DELETE),
        group: Group::SortedSet,
        since: "1.2.0",
        summary: "Removes members from a sorted set; the key goes when it empties.",
        complexity: "O(M*log(N)) with N being the number of elements in the sorted set and M the number of elements to be removed.",
        syntax: "key member [member ...]",
        handler: Some(zrem_command),
        ..Command::BASE
    },
    Command {
        name: "zcard",
        arity: 2,
        flags: READONLY | FAST,
        acl: acl::SORTEDSET,
        keys: Keys::one(RO),
        group: Group::SortedSet,
        since: "1.2.0",
        summary: "Returns the number of members of a sorted set.",
        complexity: "O(1)",
        syntax: "key",
        handler: Some(zcard_command),
        ..Command::BASE
    },
    Command {
        name: "zcount",
        arity: 4,
        flags: READONLY | FAST,
        acl: acl::SORTEDSET,
        keys: Keys::one(RO_ACCESS),
        group: Group::SortedSet,
        since: "2.0.0",
        summary: "Counts the members of a sorted set whose scores fall within a range.",
        complexity: "O(log(N)) with N being the number of elements in the sorted set.",
        syntax: "key min max",
        handler: Some(zcount_command),
        ..Command::BASE
    },
    Command {
        name: "zlexcount",
        arity: 4,
        flags: READONLY | FAST,
        acl: acl::SORTEDSET,
        keys: Keys::one(RO_ACCESS),
        group: Group::SortedSet,
        since: "2.8.9",
        summary: "Counts the members of a sorted set within a lexicographical range.",
        complexity: "O(log(N)) with N being the number of elements in the sorted set.",
        syntax: "key min max",
        handler: Some(zlexcount_command),
        ..Command::BASE
    },
    Command {
        name: "zscore",
        arity: 3,
        flags: READONLY | FAST,
        acl: acl::SORTEDSET,
        keys: Keys::one(RO_ACCESS),
        group: Group::SortedSet,
        since: "1.2.0",
        summary: "Returns the score of a member of a sorted set.",
        complexity: "O(1)",
        syntax: "key member",
        handler: Some(zscore_command),
        ..Command::BASE
    },
    Command {
        name: "zmscore",
        arity: -3,
        flags: READONLY | FAST,
        acl: acl::SORTEDSET,
        keys: Keys::one(RO_ACCESS),
        group: Group::SortedSet,
        since: "6.2.0",
        summary: "Returns the scores of several members of a sorted set.",
        complexity: "O(N) where N is the number of members being requested.",
        syntax: "key member [member ...]",
        handler: Some(zmscore_command),
        ..Command::BASE
    },
    Command {
        name: "zrank",
        arity: 3,
        flags: READONLY | FAST,
        acl: acl::SORTEDSET,
        keys: Keys::one(RO_ACCESS),
        group: Group::SortedSet,
        since: "2.0.0",
        summary: "Returns a member's position in a sorted set, lowest score first.",
        complexity: "O(log(N))",
        syntax: "key member",
        handler: Some(zrank_command),
        ..Command::BASE
    },
    Command {
        name: "zrevrank",
        arity: 3,
        flags: READONLY | FAST,
        acl: acl::SORTEDSET,
        keys: Keys::one(RO_ACCESS),
        group: Group::SortedSet,
        since: "2.0.0",
        summary: "Returns a member's position in a sorted set, highest score first.",
        complexity: "O(log(N))",
        syntax: "key member",
        handler: Some(zrevrank_command),
        ..Command::BASE
    },
    Command {
        name: "zrange",
        arity: -4,
        flags: READONLY,
        acl: acl::SORTEDSET,
        keys: Keys::one(RO_ACCESS),
        group: Group::SortedSet,
        since: "1.2.0",
        summary: "Returns members of a sorted set within a range of positions, scores or members.",
        complexity: "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned.",
        syntax: "key start stop [BYSCORE|BYLEX] [REV] [LIMIT offset count] [WITHSCORES]",
        handler: Some(zrange_command),
        ..Command::BASE
    },
    Command {
        name: "zrangestore",
        arity: -5,
        flags: WRITE | DENYOOM,
        acl: acl::SORTEDSET,
        keys: Keys::pair(OW_UPDATE, RO_ACCESS),
        group: Group::SortedSet,
        since: "6.2.0",
        summary: "Stores a range of a sorted set in another key.",
        complexity: "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements stored into the destination key.",
        syntax: "dst src min max [BYSCORE|BYLEX] [REV] [LIMIT offset count]",
        handler: Some(zrangestore_command),
        ..Command::BASE
    },
    Command {
        name: "zrevrange",
        arity: -4,
        flags: READONLY,
        acl: acl::SORTEDSET,
        keys: Keys::one(RO_ACCESS),
        group: Group::SortedSet,
        since: "1.2.0",
        summary: "Returns members of a sorted set within a range of positions, highest score first.",
        complexity: RANGE_COMPLEXITY,
        syntax: "key start stop [WITHSCORES]",
        handler: Some(zrevrange_command),
        ..Command::BASE
    },
    Command {
        name: "zrangebyscore",
        arity: -4,
        flags: READONLY,
        acl: acl::SORTEDSET,
        keys: Keys::one(RO_ACCESS),
        group: Group::SortedSet,
        since: "1.0.5",
        summary: "Returns members of a sorted set within a range of scores.",
        complexity: BY_RANGE_COMPLEXITY,
        syntax: "key min max [WITHSCORES] [LIMIT offset count]",
        handler: Some(zrangebyscore_command),
        ..Command::BASE
    },
    Command {
        name: "zrevrangebyscore",
        arity: -4,
        flags: READONLY,
        acl: acl::SORTEDSET,
        keys: Keys::one(RO_ACCESS),
        group: Group::SortedSet,
        since: "2.2.0",
        summary: "Returns members of a sorted set within a range of scores, highest first.",
        complexity: BY_RANGE_COMPLEXITY,
        syntax: "key max min [WITHSCORES] [LIMIT offset count]",
        handler: Some(zrevrangebyscore_command),
        ..Command::BASE
    },
    Command {
        name: "zrangebylex",
        arity: -4,
        flags: READONLY,
        acl: acl::SORTEDSET,
        keys: Keys::one(RO_ACCESS),
        group: Group::SortedSet,
        since: "2.8.9",
        summary: "Returns members of a sorted set within a lexicographical range.",
        complexity: BY_RANGE_COMPLEXITY,
        syntax: "key min max [LIMIT offset count]",
        handler: Some(zrangebylex_command),
        ..Command::BASE
    },
    Command {
        name: "zrevrangebylex",
        arity: -4,
        flags: READONLY,
        acl: acl::SORTEDSET,
        keys: Keys::one(RO_ACCESS),
        group: Group::SortedSet,
        since: "2.8.9",
        summary: "Returns members of a sorted set within a lexicographical range, highest first.",
        complexity: BY_RANGE_COMPLEXITY,
        syntax: "key max min [LIMIT offset count]",
        handler: Some(zrevrangebylex_command),
        ..Command::BASE
    },
    Command {
        name: "zremrangebyrank",
        arity: 4,
        flags: WRITE,
        acl: acl::SORTEDSET,
        keys: Keys::one(RW_DELETE),
        group: Group::SortedSet,
        since: "2.0.0",
        summary: "Removes the members of a sorted set within a range of positions.",
        complexity: REMRANGE_COMPLEXITY,
        syntax: "key start stop",
        handler: Some(zremrangebyrank_command),
        ..Command::BASE
    },
    Command {
        name: "zremrangebyscore",
        arity: 4,
        flags: WRITE,
        acl: acl::SORTEDSET,
        keys: Keys::one(RW_DELETE),
        group: Group::SortedSet,
        since: "1.2.0",
        summary: "Removes the members of a sorted set within a range of scores.",
        complexity: REMRANGE_COMPLEXITY,
        syntax: "key min max",
        handler: Some(zremrangebyscore_command),
        ..Command::BASE
    },
    Command {
        name: "zremrangebylex",
        arity: 4,
        flags: WRITE,
        acl: acl::SORTEDSET,
        keys: Keys::one(RW_DELETE),
        group: Group::SortedSet,
        since: "2.8.9",
        summary: "Removes the members of a sorted set within a lexicographical range.",
        complexity: REMRANGE_COMPLEXITY,
        syntax: "key min max",
        handler: Some(zremrangebylex_command),
        ..Command::BASE
    },
    Command {
        name: "zpopmin",
        arity: -2,
        flags: WRITE | FAST,
        acl: acl::SORTEDSET,
        keys: Keys::one(RW_ACCESS_DELETE),
        group: Group::SortedSet,
        since: "5.0.0",
        summary: "Removes and returns the members with the lowest scores.",
        complexity: POP_COMPLEXITY,
        syntax: "key [count]",
        handler: Some(zpopmin_command),
        ..Command::BASE
    },
    Command {
        name: "zpopmax",
        arity: -2,
        flags: WRITE | FAST,
        acl: acl::SORTEDSET,
        keys: Keys::one(RW_ACCESS_DELETE),
        group: Group::SortedSet,
        since: "5.0.0",
        summary: "Removes and returns the members with the highest scores.",
        complexity: POP_COMPLEXITY,
        syntax: "key [count]",
        handler: Some(zpopmax_command),
        ..Command::BASE
    },
    Command {
        name: "zmpop",
        arity: -4,
        flags: WRITE | MOVABLE_KEYS,
        acl: acl::SORTEDSET,
        keys: Keys::numkeys(1, &["RW", "access", "delete"]),
        group: Group::SortedSet,
        since: "7.0.0",
        summary: "Removes and returns the lowest or highest scoring members of the first non-empty sorted set.",
        complexity: MPOP_COMPLEXITY,
        syntax: "numkeys key [key ...] MIN|MAX [COUNT count]",
        handler: Some(zmpop_command),
        ..Command::BASE
    },
    Command {
        name: "zrandmember",
        arity: -2,
        flags: READONLY,
        acl: acl::SORTEDSET,
        keys: Keys::one(RO_ACCESS),
        group: Group::SortedSet,
        since: "6.2.0",
        summary: "Returns random members of a sorted set, optionally with their scores.",
        complexity: "O(N) where N is the number of elements returned",
        syntax: "key [count [WITHSCORES]]",
        tips: &["nondeterministic_output"],
        handler: Some(zrandmember_command),
        ..Command::BASE
    },
    Command {
        name: "zunion",
        arity: -3,
        flags: READONLY | MOVABLE_KEYS,
        acl: acl::SORTEDSET,
        keys: Keys::numkeys(1, &["RO", "access"]),
        group: Group::SortedSet,
        since: "6.2.0",
        summary: "Returns the union of sorted sets (plain sets count with score 1).",
        complexity: UNION_COMPLEXITY,
        syntax: "numkeys key [key ...] [WEIGHTS weight [weight ...]] [AGGREGATE SUM|MIN|MAX] [WITHSCORES]",
        handler: Some(zunion_command),
        ..Command::BASE
    },
    Command {
        name: "zinter",
        arity: -3,
        flags: READONLY | MOVABLE_KEYS,
        acl: acl::SORTEDSET,
        keys: Keys::numkeys(1, &["RO", "access"]),
        group: Group::SortedSet,
        since: "6.2.0",
        summary: "Returns the intersection of sorted sets (plain sets count with score 1).",
        complexity: INTER_COMPLEXITY,
        syntax: "numkeys key [key ...] [WEIGHTS weight [weight ...]] [AGGREGATE SUM|MIN|MAX] [WITHSCORES]",
        handler: Some(zinter_command),
        ..Command::BASE
    },
    Command {
        name: "zdiff",
        arity: -3,
        flags: READONLY | MOVABLE_KEYS,
        acl: acl::SORTEDSET,
        keys: Keys::numkeys(1, &["RO", "access"]),
        group: Group::SortedSet,
        since: "6.2.0",
        summary: "Returns the members of the first sorted set that are in none of the others.",
        complexity: DIFF_COMPLEXITY,
        syntax: "numkeys key [key ...] [WITHSCORES]",
        handler: Some(zdiff_command),
        ..Command::BASE
    },
    Command {
        name: "zunionstore",
        arity: -4,
        flags: WRITE | DENYOOM | MOVABLE_KEYS,
        acl: acl::SORTEDSET,
        keys: Keys::store_numkeys(&["OW", "update"], &["RO", "access"]),
        group: Group::SortedSet,
        since: "2.0.0",
        summary: "Stores the union of sorted sets in a key.",
        complexity: "O(N)+O(M log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.",
        syntax: "destination numkeys key [key ...] [WEIGHTS weight [weight ...]] [AGGREGATE SUM|MIN|MAX]",
        handler: Some(zunionstore_command),
        ..Command::BASE
    },
    Command {
        name: "zinterstore",
        arity: -4,
        flags: WRITE | DENYOOM | MOVABLE_KEYS,
        acl: acl::SORTEDSET,
        keys: Keys::store_numkeys(&["OW", "update"], &["RO", "access"]),
        group: Group::SortedSet,
        since: "2.0.0",
        summary: "Stores the intersection of sorted sets in a key.",
        complexity: INTER_COMPLEXITY,
        syntax: "destination numkeys key [key ...] [WEIGHTS weight [weight ...]] [AGGREGATE SUM|MIN|MAX]",
        handler: Some(zinterstore_command),
        ..Command::BASE
    },
    Command {
        name: "zdiffstore",
        arity: -4,
        flags: WRITE | DENYOOM | MOVABLE_KEYS,
        acl: acl::SORTEDSET,
        keys: Keys::store_numkeys(&["OW", "update"], &["RO", "access"]),
        group: Group::SortedSet,
        since: "6.2.0",
        summary: "Stores the difference of sorted sets in a key.",
        complexity: DIFF_COMPLEXITY,
        syntax: "destination numkeys key [key ...]",
        handler: Some(zdiffstore_command),
        ..Command::BASE
    },
    Command {
        name: "zintercard",
        arity: -3,
        flags: READONLY | MOVABLE_KEYS,
        acl: acl::SORTEDSET,
        keys: Keys::numkeys(1, &["RO", "access"]),
        group: Group::SortedSet,
        since: "7.0.0",
        summary: "Counts the members of the intersection of sorted sets, optionally up to a limit.",
        complexity: "O(N*K) worst case with N being the smallest input sorted set, K being the number of input sorted sets.",
        syntax: "numkeys key [key ...] [LIMIT limit]",
        handler: Some(zintercard_command),
        ..Command::BASE
    },
    Command {
        name: "zscan",
        arity: -3,
        flags: READONLY,
        acl: acl::SORTEDSET,
        keys: Keys::one(RO_ACCESS),
        group: Group::SortedSet,
        since: "2.8.0",
        summary: "Iterates over the members and scores of a sorted set.",
        complexity: "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..",
        syntax: "key cursor [MATCH pattern] [COUNT count]",
        tips: &["nondeterministic_output"],
        handler: Some(zscan_command),
        ..Command::BASE
    },
    Command {
        name: "bzpopmin",
        arity: -3,
        flags: WRITE | NOSCRIPT | BLOCKING | FAST,
        acl: acl::SORTEDSET,
        keys: Keys::range(1, -2, 1, RW_ACCESS_DELETE),
        group: Group::SortedSet,
        since: "5.0.0",
        summary: "Removes and returns the member with the lowest score from the first non-empty sorted set, waiting for one if needed.",
        complexity: BZPOP_COMPLEXITY,
        syntax: "key [key ...] timeout",
        handler: Some(bzpopmin_command),
        ..Command::BASE
    },
    Command {
        name: "bzpopmax",
        arity: -3,
        flags: WRITE | NOSCRIPT | BLOCKING | FAST,
        acl: acl::SORTEDSET,
        keys: Keys::range(1, -2, 1, RW_ACCESS_DELETE),
        group: Group::SortedSet,
        since: "5.0.0",
        summary: "Removes and returns the member with the highest score from the first non-empty sorted set, waiting for one if needed.",
        complexity: BZPOP_COMPLEXITY,
        syntax: "key [key ...] timeout",
        handler: Some(bzpopmax_command),
        ..Command::BASE
    },
    Command {
        name: "bzmpop",
        arity: -5,
        flags: WRITE | BLOCKING | MOVABLE_KEYS,
        acl: acl::SORTEDSET,
        keys: Keys::numkeys(2, &["RW", "access", "delete"]),
        group: Group::SortedSet,
        since: "7.0.0",
        summary: "Removes and returns the lowest or highest scoring members of the first non-empty sorted set, waiting for one if needed.",
        complexity: MPOP_COMPLEXITY,
        syntax: "timeout numkeys key [key ...] MIN|MAX [COUNT count]",
        handler: Some(bzmpop_command),
        ..Command::BASE
    },
];

#[cfg(test)]
mod tests {
    use crate::Peer;
    use crate::testing::{TestEngine, check, check_on, shown};

    fn resp3() -> TestEngine {
        let mut t = TestEngine::new();
        t.run(&["HELLO", "3"]);
        t
    }

    fn second_client(t: &mut TestEngine) -> crate::ClientId {
        t.engine.add_client(Peer {
            addr: "127.0.0.1:50001".into(),
            laddr: "127.0.0.1:6379".into(),
            fd: 9,
            is_unix: false,
            is_local: true,
        })
    }

    /// What a client has been sent since the last look (replies to parked clients).
    fn pending(t: &mut TestEngine, id: crate::ClientId) -> String {
        let c = t.engine.client_mut(id).expect("client exists");
        let out = c.out.split_off(c.out_sent);
        c.out.clear();
        c.out_sent = 0;
        shown(&out)
    }

    #[test]
    fn zadd_options_and_errors() {
        check(&[
            (&["SET", "s", "x"], "+OK|"),
            // A bad score is reported before the key's type.
            (&["ZADD", "s", "x", "a"], "-ERR value is not a valid float|"),
            (
                &["ZADD", "s", "1", "a"],
                "-WRONGTYPE Operation against a key holding the wrong kind of value|",
            ),
            (&["ZADD", "z", "1", "a", "2"], "-ERR syntax error|"),
            (&["ZADD", "z", "NX", "XX", "1"], "-ERR syntax error|"),
            (
                &["ZADD", "z", "NX", "XX", "1", "a"],
                "-ERR XX and NX options at the same time are not compatible|",
            ),
            (
                &["ZADD", "z", "GT", "LT", "1", "a"],
                "-ERR GT, LT, and/or NX options at the same time are not compatible|",
            ),
            (
                &["ZADD", "z", "NX", "GT", "1", "a"],
                "-ERR GT, LT, and/or NX options at the same time are not compatible|",
            ),
            (
                &["ZADD", "z", "INCR", "1", "a", "2", "b"],
                "-ERR INCR option supports a single increment-element pair|",
            ),
            (
                &["ZADD", "z", "nan", "a"],
                "-ERR value is not a valid float|",
            ),
            (&["ZADD", "z", "XX", "1", "a"], ":0|"),
            (&["EXISTS", "z"], ":0|"),
            (&["ZADD", "z", "XX", "INCR", "1", "a"], "$-1|"),
            (&["ZADD", "z", "1", "a", "2", "b", "1", "a"], ":2|"),
            (&["ZADD", "z", "CH", "5", "a", "2", "b", "3", "c"], ":2|"),
            (&["ZADD", "z", "GT", "CH", "1", "a", "9", "b"], ":1|"),
            (&["ZADD", "z", "LT", "CH", "10", "a", "1", "b"], ":1|"),
            (&["ZADD", "z", "NX", "INCR", "1", "a"], "$-1|"),
            (&["ZADD", "z", "GT", "INCR", "-1", "a"], "$-1|"),
            (&["ZADD", "z", "INCR", "0", "a"], "$1|5|"),
            (&["ZADD", "z", "INCR", "inf", "a"], "$3|inf|"),
            (
                &["ZADD", "z", "INCR", "-inf", "a"],
                "-ERR resulting score is not a number (NaN)|",
            ),
            (&["ZINCRBY", "z", "1.1", "n"], "$18|1.1000000000000001|"),
            (
                &["ZINCRBY", "z", "x", "n"],
                "-ERR value is not a valid float|",
            ),
            (
                &["ZRANGE", "z", "0", "-1", "WITHSCORES"],
                "*8|$1|b|$1|1|$1|n|$18|1.1000000000000001|$1|c|$1|3|$1|a|$3|inf|",
            ),
            (&["ZADD", "z", "-0", "neg"], ":1|"),
            // A listpack keeps -0 as the integer 0; INCR still answers -0.
            (&["ZSCORE", "z", "neg"], "$1|0|"),
            (&["ZADD", "z", "INCR", "-0", "neg2"], "$2|-0|"),
        ]);
    }

    #[test]
    fn encodings_follow_the_limits() {
        let mut t = TestEngine::new();
        let long = "x".repeat(65);
        check_on(
            &mut t,
            &[
                (&["ZADD", "z", "1", "a", "2", "b"], ":2|"),
                (&["OBJECT", "ENCODING", "z"], "$8|listpack|"),
                (&["ZADD", "long", "1", &long], ":1|"),
                (&["OBJECT", "ENCODING", "long"], "$8|skiplist|"),
                (&["CONFIG", "SET", "zset-max-listpack-entries", "2"], "+OK|"),
                (&["ZADD", "z", "3", "c"], ":1|"),
                (&["OBJECT", "ENCODING", "z"], "$8|skiplist|"),
                (&["ZREM", "z", "c"], ":1|"),
                (&["OBJECT", "ENCODING", "z"], "$8|skiplist|"),
                // Store results convert back when they fit.
                (&["ZUNIONSTORE", "u", "1", "z"], ":2|"),
                (&["OBJECT", "ENCODING", "u"], "$8|listpack|"),
                (&["ZRANGESTORE", "r", "z", "0", "-1"], ":2|"),
                (&["OBJECT", "ENCODING", "r"], "$8|listpack|"),
                (&["CONFIG", "SET", "zset-max-listpack-entries", "0"], "+OK|"),
                (&["ZADD", "zero", "1", "a"], ":1|"),
                (&["OBJECT", "ENCODING", "zero"], "$8|skiplist|"),
                (&["TYPE", "zero"], "+zset|"),
            ],
        );
    }

    #[test]
    fn reads_and_removals() {
        check(&[
            (&["ZADD", "z", "1", "a", "2", "b", "3", "c"], ":3|"),
            (&["ZCARD", "z"], ":3|"),
            (&["ZCARD", "nokey"], ":0|"),
            (&["ZSCORE", "z", "b"], "$1|2|"),
            (&["ZSCORE", "z", "x"], "$-1|"),
            (&["ZMSCORE", "z", "a", "x"], "*2|$1|1|$-1|"),
            (&["ZMSCORE", "nokey", "a"], "*1|$-1|"),
            (&["ZRANK", "z", "c"], ":2|"),
            (&["ZREVRANK", "z", "c"], ":0|"),
            (&["ZRANK", "z", "x"], "$-1|"),
            (&["ZCOUNT", "z", "(1", "+inf"], ":2|"),
            (
                &["ZCOUNT", "nokey", "x", "1"],
                "-ERR min or max is not a float|",
            ),
            (&["ZLEXCOUNT", "z", "-", "+"], ":3|"),
            (
                &["ZLEXCOUNT", "z", "a", "+"],
                "-ERR min or max not valid string range item|",
            ),
            (&["ZREM", "z", "a", "x"], ":1|"),
            (
                &["ZREMRANGEBYSCORE", "z", "x", "1"],
                "-ERR min or max is not a float|",
            ),
            (&["ZREMRANGEBYRANK", "z", "5", "1"], ":0|"),
            (&["ZREMRANGEBYLEX", "z", "[b", "[b"], ":1|"),
            (&["ZREMRANGEBYRANK", "z", "0", "-1"], ":1|"),
            (&["EXISTS", "z"], ":0|"),
        ]);
    }

    #[test]
    fn ranges_and_their_errors() {
        check(&[
            (
                &["ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d"],
                ":4|",
            ),
            (
                &["ZRANGE", "z", "0", "-1", "LIMIT", "0", "1"],
                "-ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX|",
            ),
            // Redis checks the count, not the keyword: this LIMIT passes, ignored.
            (&["ZRANGE", "z", "0", "0", "LIMIT", "5", "-1"], "*1|$1|a|"),
            (
                &["ZRANGE", "z", "-", "+", "BYLEX", "WITHSCORES"],
                "-ERR syntax error, WITHSCORES not supported in combination with BYLEX|",
            ),
            (
                &["ZRANGEBYLEX", "z", "-", "+", "WITHSCORES"],
                "-ERR syntax error, WITHSCORES not supported in combination with BYLEX|",
            ),
            (
                &["ZRANGE", "z", "0", "-1", "REV", "REV"],
                "-ERR syntax error|",
            ),
            (
                &["ZRANGEBYSCORE", "z", "1", "2", "REV"],
                "-ERR syntax error|",
            ),
            (&["ZRANGE", "z", "(1", "3", "BYSCORE"], "*2|$1|b|$1|c|"),
            (
                &[
                    "ZRANGE", "z", "+inf", "-inf", "BYSCORE", "REV", "LIMIT", "1", "2",
                ],
                "*2|$1|c|$1|b|",
            ),
            (
                &["ZRANGE", "z", "-inf", "+inf", "BYSCORE", "LIMIT", "-1", "2"],
                "*0|",
            ),
            (
                &["ZRANGE", "z", "-inf", "+inf", "BYSCORE", "LIMIT", "2", "-5"],
                "*2|$1|c|$1|d|",
            ),
            (
                &["ZREVRANGE", "z", "0", "1", "WITHSCORES"],
                "*4|$1|d|$1|4|$1|c|$1|3|",
            ),
            (&["ZREVRANGEBYSCORE", "z", "3", "(1"], "*2|$1|c|$1|b|"),
            (&["ZREVRANGEBYLEX", "z", "+", "(b"], "*2|$1|d|$1|c|"),
            (
                &["ZRANGE", "z", "x", "1"],
                "-ERR value is not an integer or out of range|",
            ),
            (&["ZRANGE", "nokey", "0", "-1"], "*0|"),
            (
                &["ZRANGESTORE", "d", "z", "0", "-1", "WITHSCORES"],
                "-ERR syntax error|",
            ),
            (&["ZRANGESTORE", "d", "z", "1", "2", "BYSCORE"], ":2|"),
            (&["ZRANGE", "d", "0", "-1"], "*2|$1|a|$1|b|"),
            (&["ZRANGESTORE", "d", "nokey", "0", "-1"], ":0|"),
            (&["EXISTS", "d"], ":0|"),
        ]);
        let mut t = resp3();
        check_on(
            &mut t,
            &[
                (&["ZADD", "z", "1", "a", "2.5", "b"], ":2|"),
                (
                    &["ZRANGE", "z", "0", "-1", "WITHSCORES"],
                    "*2|*2|$1|a|,1|*2|$1|b|,2.5|",
                ),
                (
                    &["ZRANGEBYSCORE", "z", "2", "3", "WITHSCORES"],
                    "*1|*2|$1|b|,2.5|",
                ),
            ],
        );
    }

    #[test]
    fn pops_in_both_protocols() {
        check(&[
            (&["ZADD", "z", "1", "a", "2", "b", "3", "c"], ":3|"),
            (&["ZPOPMIN", "z"], "*2|$1|a|$1|1|"),
            (&["ZPOPMAX", "z", "5"], "*4|$1|c|$1|3|$1|b|$1|2|"),
            (&["EXISTS", "z"], ":0|"),
            (&["ZPOPMIN", "z"], "*0|"),
            (
                &["ZPOPMIN", "z", "-1"],
                "-ERR value is out of range, must be positive|",
            ),
            (&["ZPOPMIN", "z", "1", "2"], "-ERR syntax error|"),
            (&["ZMPOP", "1", "z", "MIN"], "*-1|"),
            (
                &["ZMPOP", "0", "z", "MIN"],
                "-ERR numkeys should be greater than 0|",
            ),
            (&["ZMPOP", "2", "z", "MIN"], "-ERR syntax error|"),
            (
                &["ZMPOP", "1", "z", "MIN", "COUNT", "0"],
                "-ERR count should be greater than 0|",
            ),
            (&["ZADD", "y", "1", "a", "2", "b"], ":2|"),
            (
                &["ZMPOP", "2", "z", "y", "MAX", "COUNT", "5"],
                "*2|$1|y|*2|*2|$1|b|$1|2|*2|$1|a|$1|1|",
            ),
        ]);
        let mut t = resp3();
        check_on(
            &mut t,
            &[
                (&["ZADD", "z", "1", "a", "2", "b", "3", "c"], ":3|"),
                (&["ZPOPMIN", "z"], "*2|$1|a|,1|"),
                (&["ZPOPMIN", "z", "1"], "*1|*2|$1|b|,2|"),
                (&["ZPOPMIN", "z", "0"], "*0|"),
                (&["BZPOPMAX", "z", "0"], "*3|$1|z|$1|c|,3|"),
                (&["ZMPOP", "1", "z", "MIN"], "_|"),
            ],
        );
    }

    #[test]
    fn blocking_pops_wait_for_data_and_time_out() {
        let mut t = TestEngine::new();
        let other = second_client(&mut t);
        let me = t.client;
        check_on(
            &mut t,
            &[
                (&["SET", "s", "x"], "+OK|"),
                (
                    &["BZPOPMIN", "s", "0"],
                    "-WRONGTYPE Operation against a key holding the wrong kind of value|",
                ),
                (&["BZPOPMIN", "k", "-1"], "-ERR timeout is negative|"),
                (
                    &["BZPOPMIN", "k", "x"],
                    "-ERR timeout is not a float or out of range|",
                ),
                // Nothing to pop: no reply, the client waits.
                (&["BZPOPMIN", "k", "s2", "0"], ""),
            ],
        );
        assert_eq!(
            shown(&t.run_as(other, &["ZADD", "k", "2", "b", "1", "a"])),
            ":2|"
        );
        assert_eq!(pending(&mut t, me), "*3|$1|k|$1|a|$1|1|");
        // A key turning into another type does not wake a waiter.
        assert_eq!(
            shown(&t.run(&["BZMPOP", "0", "2", "s2", "k2", "MAX", "COUNT", "2"])),
            ""
        );
        assert_eq!(shown(&t.run_as(other, &["SET", "s2", "x"])), "+OK|");
        assert_eq!(pending(&mut t, me), "");
        assert_eq!(
            shown(&t.run_as(other, &["ZUNIONSTORE", "k2", "1", "k"])),
            ":1|"
        );
        assert_eq!(pending(&mut t, me), "*2|$2|k2|*1|*2|$1|b|$1|2|");
        // Timeouts answer a null array.
        let now = t.engine.now_ms();
        assert_eq!(shown(&t.run(&["BZPOPMAX", "k2", "1.5"])), "");
        // Deadlines pass strictly after their millisecond, as in Redis.
        t.set_time_ms(now + 1501);
        t.engine.expire_blocked();
        assert_eq!(pending(&mut t, me), "*-1|");
    }

    #[test]
    fn set_algebra() {
        let mut t = TestEngine::new();
        // A plain set as an input, built directly so this test does not depend
        // on the set family's commands.
        let mut plain = kv_types::set::Set::new();
        for m in ["a", "b", "x"] {
            plain.add(m.as_bytes(), &kv_types::set::SetLimits::default());
        }
        t.engine.dbs[0].insert(b"s", crate::db::Value::Set(plain), 0);
        check_on(
            &mut t,
            &[
                (&["ZADD", "z1", "1", "a", "2", "b", "3", "c"], ":3|"),
                (&["ZADD", "z2", "10", "b", "20", "c", "30", "d"], ":3|"),
                (&["SET", "str", "v"], "+OK|"),
                (
                    &["ZUNION", "0", "z1"],
                    "-ERR at least 1 input key is needed for 'zunion' command|",
                ),
                (
                    &["ZUNIONSTORE", "d", "0", "z1"],
                    "-ERR at least 1 input key is needed for 'zunionstore' command|",
                ),
                (&["ZUNION", "3", "z1", "z2"], "-ERR syntax error|"),
                // Types are checked before the options.
                (
                    &["ZUNION", "2", "z1", "str", "WEIGHTS", "x"],
                    "-WRONGTYPE Operation against a key holding the wrong kind of value|",
                ),
                (
                    &["ZUNION", "2", "z1", "z2", "WEIGHTS", "x", "1"],
                    "-ERR weight value is not a float|",
                ),
                (
                    &["ZUNION", "2", "z1", "z2", "WEIGHTS", "1"],
                    "-ERR syntax error|",
                ),
                (
                    &["ZUNION", "2", "z1", "z2", "WITHSCORES"],
                    "*8|$1|a|$1|1|$1|b|$2|12|$1|c|$2|23|$1|d|$2|30|",
                ),
                (
                    &["ZUNION", "2", "z1", "s", "AGGREGATE", "MAX", "WITHSCORES"],
                    "*8|$1|a|$1|1|$1|x|$1|1|$1|b|$1|2|$1|c|$1|3|",
                ),
                (
                    &[
                        "ZINTER",
                        "2",
                        "z1",
                        "z2",
                        "WEIGHTS",
                        "2",
                        "1",
                        "AGGREGATE",
                        "MIN",
                        "WITHSCORES",
                    ],
                    "*4|$1|b|$1|4|$1|c|$1|6|",
                ),
                (&["ZINTER", "2", "z1", "s"], "*2|$1|a|$1|b|"),
                (&["ZDIFF", "2", "z1", "s", "WITHSCORES"], "*2|$1|c|$1|3|"),
                (
                    &["ZDIFF", "2", "z1", "s", "AGGREGATE", "SUM"],
                    "-ERR syntax error|",
                ),
                (&["ZINTERCARD", "2", "z1", "z2"], ":2|"),
                (&["ZINTERCARD", "2", "z1", "z2", "LIMIT", "1"], ":1|"),
                (
                    &["ZINTERCARD", "2", "z1", "z2", "LIMIT", "-1"],
                    "-ERR LIMIT can't be negative|",
                ),
                (
                    &["ZINTERCARD", "1", "z1", "WITHSCORES"],
                    "-ERR syntax error|",
                ),
                (&["ZINTERSTORE", "d", "2", "z1", "z2"], ":2|"),
                (
                    &["ZRANGE", "d", "0", "-1", "WITHSCORES"],
                    "*4|$1|b|$2|12|$1|c|$2|23|",
                ),
                (&["ZDIFFSTORE", "d", "2", "z1", "z1"], ":0|"),
                (&["EXISTS", "d"], ":0|"),
                (&["ZADD", "inf", "1", "a", "inf", "b", "-inf", "c"], ":3|"),
                // 0 * inf and inf + -inf count as 0.
                (
                    &[
                        "ZUNION",
                        "2",
                        "inf",
                        "inf",
                        "WEIGHTS",
                        "1",
                        "-1",
                        "WITHSCORES",
                    ],
                    "*6|$1|a|$1|0|$1|b|$1|0|$1|c|$1|0|",
                ),
                (
                    &["ZINTER", "1", "inf", "WEIGHTS", "0", "WITHSCORES"],
                    "*6|$1|a|$1|0|$1|b|$1|0|$1|c|$1|0|",
                ),
            ],
        );
    }

    #[test]
    fn randmember_shapes() {
        check(&[
            (&["ZRANDMEMBER", "nokey"], "$-1|"),
            (&["ZRANDMEMBER", "nokey", "3"], "*0|"),
            (&["ZADD", "z", "1", "a", "2", "b", "3", "c"], ":3|"),
            (
                &["ZRANDMEMBER", "z", "x"],
                "-ERR value is not an integer or out of range|",
            ),
            (
                &["ZRANDMEMBER", "z", "-9223372036854775808"],
                "-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807|",
            ),
            (
                &["ZRANDMEMBER", "z", "9223372036854775807", "WITHSCORES"],
                "-ERR value is out of range|",
            ),
            (&["ZRANDMEMBER", "z", "1", "x"], "-ERR syntax error|"),
            (&["ZRANDMEMBER", "z", "0"], "*0|"),
            // The whole set, highest first.
            (
                &["ZRANDMEMBER", "z", "5", "WITHSCORES"],
                "*6|$1|c|$1|3|$1|b|$1|2|$1|a|$1|1|",
            ),
        ]);
        let mut t = resp3();
        check_on(
            &mut t,
            &[
                (&["ZADD", "one", "7", "m"], ":1|"),
                (
                    &["ZRANDMEMBER", "one", "-2", "WITHSCORES"],
                    "*2|*2|$1|m|,7|*2|$1|m|,7|",
                ),
                (&["ZRANDMEMBER", "one", "-2"], "*2|$1|m|$1|m|"),
                (&["ZRANDMEMBER", "one"], "$1|m|"),
            ],
        );
        // Small subsets come out in the set's order.
        let mut t = TestEngine::new();
        let members: Vec<String> = (0..30).map(|i| format!("m{i:02}")).collect();
        let mut args = vec!["ZADD".to_owned(), "big".to_owned()];
        for (i, m) in members.iter().enumerate() {
            args.push(i.to_string());
            args.push(m.clone());
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        t.run(&args);
        for _ in 0..20 {
            let reply = shown(&t.run(&["ZRANDMEMBER", "big", "5"]));
            let picked: Vec<&str> = reply.split('|').filter(|s| s.starts_with('m')).collect();
            assert_eq!(picked.len(), 5, "{reply}");
            assert!(picked.windows(2).all(|w| w[0] < w[1]), "{reply}");
        }
    }

    #[test]
    fn scan_small_and_large() {
        check(&[
            (&["ZSCAN", "nokey", "0", "COUNT", "0"], "*2|$1|0|*0|"),
            (&["ZADD", "z", "1.5", "a", "2", "b"], ":2|"),
            (&["ZSCAN", "z", "x"], "-ERR invalid cursor|"),
            (&["ZSCAN", "z", "0", "COUNT", "0"], "-ERR syntax error|"),
            (&["ZSCAN", "z", "0"], "*2|$1|0|*4|$1|a|$3|1.5|$1|b|$1|2|"),
            (&["ZSCAN", "z", "0", "MATCH", "b*"], "*2|$1|0|*2|$1|b|$1|2|"),
        ]);
        // A large set is walked by cursor; every member comes back once.
        let mut t = resp3();
        let mut args = vec!["ZADD".to_owned(), "big".to_owned()];
        for i in 0..500 {
            args.push(i.to_string());
            args.push(format!("m{i}"));
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        t.run(&args);
        let mut cursor = "0".to_owned();
        let mut seen = std::collections::HashSet::new();
        loop {
            let reply = shown(&t.run(&["ZSCAN", "big", &cursor, "COUNT", "50"]));
            let parts: Vec<&str> = reply.split('|').collect();
            cursor = parts[2].to_owned();
            for p in parts.iter().filter(|p| p.starts_with('m')) {
                seen.insert(p.to_string());
            }
            if cursor == "0" {
                break;
            }
        }
        assert_eq!(seen.len(), 500);
    }

    #[test]
    fn wrong_types_everywhere() {
        let wrong = "-WRONGTYPE Operation against a key holding the wrong kind of value|";
        let mut t = TestEngine::new();
        t.run(&["SET", "s", "x"]);
        for cmd in [
            &["ZADD", "s", "1", "a"][..],
            &["ZINCRBY", "s", "1", "a"],
            &["ZREM", "s", "a"],
            &["ZCARD", "s"],
            &["ZCOUNT", "s", "0", "1"],
            &["ZLEXCOUNT", "s", "-", "+"],
            &["ZSCORE", "s", "a"],
            &["ZMSCORE", "s", "a"],
            &["ZRANK", "s", "a"],
            &["ZRANGE", "s", "0", "1"],
            &["ZRANGESTORE", "d", "s", "0", "1"],
            &["ZREMRANGEBYRANK", "s", "0", "1"],
            &["ZPOPMIN", "s", "0"],
            &["ZMPOP", "1", "s", "MIN"],
            &["ZRANDMEMBER", "s"],
            &["ZRANDMEMBER", "s", "2"],
            &["ZUNION", "1", "s"],
            &["ZINTERCARD", "1", "s"],
            &["ZSCAN", "s", "0"],
            &["BZMPOP", "0", "1", "s", "MIN"],
        ] {
            assert_eq!(shown(&t.run(cmd)), wrong, "{cmd:?}");
        }
        // A store overwrites a destination of any type.
        check_on(
            &mut t,
            &[
                (&["ZADD", "z", "1", "a"], ":1|"),
                (&["ZUNIONSTORE", "s", "1", "z"], ":1|"),
                (&["TYPE", "s"], "+zset|"),
            ],
        );
    }
}
