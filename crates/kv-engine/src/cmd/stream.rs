//! Streams (Redis's t_stream.c, command side): XADD, XRANGE, XREVRANGE, XLEN,
//! XDEL, XTRIM, XSETID, XREAD, the consumer groups (XGROUP, XREADGROUP,
//! XACK, XPENDING, XCLAIM, XAUTOCLAIM) and XINFO. The data structure is
//! `kv_types::stream`.
//!
//! Propagation follows Redis: XADD's `*` and `ms-*` become the ID given,
//! approximate trimming (`~`) becomes exact (`=`) to the length or first ID
//! it left; XREADGROUP, XCLAIM and XAUTOCLAIM propagate as one idempotent
//! `XCLAIM ... FORCE JUSTID LASTID` per entry (plus `XGROUP SETID` when only
//! the group's last ID moved, `XGROUP CREATECONSUMER` for a consumer made by
//! a NOACK read), never as themselves.
//!
//! Blocking: XREAD/XREADGROUP BLOCK park with the IDs resolved (`$` becomes
//! the last ID at that moment, so the retry waits for entries after it); a
//! retry serves only the key that woke it, at most 1000 entries without
//! COUNT, and a blocked XREADGROUP whose group or key disappeared gets
//! Redis's error.

use resp_proto::{Argv, OwnedArgv};

use super::args::{int_arg, is, parse_i64};
use crate::command::flags::*;
use crate::command::table::{RO, RO_ACCESS, RW_UPDATE};
use crate::command::{Command, Group, KeyRange, KeySpec, Keys, acl};
use crate::db::{Typed, Value};
use crate::effects::events;
use crate::error::{CmdError, CmdResult, lossy_prefix};
use crate::{Ctx, Reply};
use kv_types::stream::{
    AddError, AddId, Entry, INVALID_ENTRIES_READ, NodeLimits, Stream, StreamId, Trim,
};

const INVALID_ID: &str = "Invalid stream ID specified as stream command argument";
/// What a blocked XREAD serves when it gave no COUNT (XREAD_BLOCKED_DEFAULT_COUNT).
const BLOCKED_DEFAULT_COUNT: usize = 1000;

const RW_DELETE: &[&str] = &["RW", "delete"];
const RW_INSERT: &[&str] = &["RW", "insert"];

fn invalid_id() -> CmdError {
    CmdError::err(INVALID_ID)
}

fn text(bytes: &[u8]) -> String {
    lossy_prefix(bytes, usize::MAX)
}

/// C's strtoull as Redis's string2ull uses it: leading spaces, a sign (a
/// minus wraps), digits to the end; None on overflow or trailing text.
fn strtoull(s: &[u8]) -> Option<u64> {
    if let Some(v) = parse_i64(s) {
        return (v >= 0).then_some(v as u64);
    }
    let mut i = 0;
    while i < s.len() && matches!(s[i], b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r') {
        i += 1;
    }
    let mut neg = false;
    if i < s.len() && (s[i] == b'+' || s[i] == b'-') {
        neg = s[i] == b'-';
        i += 1;
    }
    let digits = &s[i..];
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut v: u64 = 0;
    for &b in digits {
        v = v.checked_mul(10)?.checked_add(u64::from(b - b'0'))?;
    }
    Some(if neg { v.wrapping_neg() } else { v })
}

/// A stream ID argument (streamGenericParseIDOrReply): `-`/`+` unless
/// `strict`, `ms` (seq = `missing_seq`), `ms-seq`, and with `ms_star` the
/// `ms-*` form. Returns the ID and whether the sequence was given.
fn parse_id_full(
    arg: &[u8],
    missing_seq: u64,
    strict: bool,
    ms_star: bool,
) -> Result<(StreamId, bool), CmdError> {
    if arg.len() > 127 {
        return Err(invalid_id());
    }
    match arg {
        b"-" if !strict => return Ok((StreamId::MIN, true)),
        b"+" if !strict => return Ok((StreamId::MAX, true)),
        b"-" | b"+" => return Err(invalid_id()),
        _ => {}
    }
    // C strings end at a NUL byte.
    let arg = arg.split(|&b| b == 0).next().unwrap_or(arg);
    match arg.iter().position(|&b| b == b'-') {
        Some(dash) => {
            let ms = strtoull(&arg[..dash]).ok_or_else(invalid_id)?;
            let rest = &arg[dash + 1..];
            if ms_star && rest == b"*" {
                return Ok((StreamId::new(ms, 0), false));
            }
            let seq = strtoull(rest).ok_or_else(invalid_id)?;
            Ok((StreamId::new(ms, seq), true))
        }
        None => {
            let ms = strtoull(arg).ok_or_else(invalid_id)?;
            Ok((StreamId::new(ms, missing_seq), true))
        }
    }
}

/// A strict ID (no `-`/`+`), sequence 0 when missing.
fn strict_id(arg: &[u8]) -> Result<StreamId, CmdError> {
    parse_id_full(arg, 0, true, false).map(|(id, _)| id)
}

/// The IDs from argument `from` on (XDEL, XACK), all checked before any is
/// used.
fn strict_ids_from(argv: &Argv<'_>, from: usize) -> Result<Vec<StreamId>, CmdError> {
    argv.iter().skip(from).map(strict_id).collect()
}

/// A range bound (streamParseIntervalIDOrReply): `(` makes it exclusive.
fn interval_id(arg: &[u8], missing_seq: u64) -> Result<(StreamId, bool), CmdError> {
    if arg.len() > 1 && arg[0] == b'(' {
        let id = parse_id_full(&arg[1..], missing_seq, true, false)?.0;
        Ok((id, true))
    } else {
        Ok((parse_id_full(arg, missing_seq, false, false)?.0, false))
    }
}

/// The start of a range, with `(` moving past it.
fn range_start(arg: &[u8]) -> Result<StreamId, CmdError> {
    let (id, ex) = interval_id(arg, 0)?;
    if ex {
        id.incr()
            .ok_or_else(|| CmdError::err("invalid start ID for the interval"))
    } else {
        Ok(id)
    }
}

fn range_end(arg: &[u8]) -> Result<StreamId, CmdError> {
    let (id, ex) = interval_id(arg, u64::MAX)?;
    if ex {
        id.decr()
            .ok_or_else(|| CmdError::err("invalid end ID for the interval"))
    } else {
        Ok(id)
    }
}

fn id_text(id: StreamId) -> Vec<u8> {
    id.format().into_bytes()
}

fn reply_id(reply: &mut Reply<'_>, id: StreamId) {
    reply.bulk(id.format().as_bytes());
}

/// `[id, [field, value, ...]]`.
fn reply_entry(reply: &mut Reply<'_>, entry: &Entry<'_>) {
    reply.array(2);
    reply_id(reply, entry.id);
    reply.array(entry.len() * 2);
    for (f, v) in entry.fields() {
        reply.bulk(f);
        reply.bulk(v);
    }
}

fn reply_entries<'a>(reply: &mut Reply<'_>, entries: impl Iterator<Item = Entry<'a>>) -> usize {
    let list: Vec<Entry<'a>> = entries.collect();
    reply.array(list.len());
    for e in &list {
        reply_entry(reply, e);
    }
    list.len()
}

fn node_limits(ctx: &Ctx<'_>) -> NodeLimits {
    NodeLimits {
        max_entries: ctx.engine.config.stream_node_max_entries,
        max_bytes: ctx.engine.config.stream_node_max_bytes,
    }
}

/// XADD/XTRIM's trimming options (streamAddTrimArgs).
#[derive(Default)]
struct TrimArgs {
    trim: Option<Trim>,
    approx: bool,
    limit: u64,
    /// Argument index of the MAXLEN count / MINID id (for the rewrite).
    arg_at: usize,
    no_mkstream: bool,
    /// XADD's ID and its index.
    id: Option<(AddId, usize)>,
}

/// Parses XADD's (`xadd`) or XTRIM's options from argument 2, as
/// streamParseAddOrTrimArgsOrReply.
fn parse_trim_args(ctx: &Ctx<'_>, argv: Argv<'_>, xadd: bool) -> Result<TrimArgs, CmdError> {
    let mut args = TrimArgs::default();
    let mut limit_given = false;
    let mut limit: i64 = 0;
    let argc = argv.len();
    let mut i = 2;
    while i < argc {
        let more = argc - 1 - i;
        let opt = argv.arg(i);
        if xadd && opt == b"*" {
            args.id = Some((AddId::Auto, i));
            break;
        } else if (is(opt, "maxlen") || is(opt, "minid")) && more > 0 {
            if args.trim.is_some() {
                return Err(CmdError::err(
                    "syntax error, MAXLEN and MINID options at the same time are not compatible",
                ));
            }
            let maxlen = is(opt, "maxlen");
            args.approx = false;
            let next = argv.arg(i + 1);
            if more >= 2 && next == b"~" {
                args.approx = true;
                i += 1;
            } else if more >= 2 && next == b"=" {
                i += 1;
            }
            let value = argv.arg(i + 1);
            args.trim = Some(if maxlen {
                let n = int_arg(value)?;
                if n < 0 {
                    return Err(CmdError::err("The MAXLEN argument must be >= 0."));
                }
                Trim::MaxLen(n as u64)
            } else {
                Trim::MinId(strict_id(value)?)
            });
            i += 1;
            args.arg_at = i;
        } else if is(opt, "limit") && more > 0 {
            limit = int_arg(argv.arg(i + 1))?;
            if limit < 0 {
                return Err(CmdError::err("The LIMIT argument must be >= 0."));
            }
            limit_given = true;
            i += 1;
        } else if xadd && is(opt, "nomkstream") {
            args.no_mkstream = true;
        } else if xadd {
            let (id, seq_given) = parse_id_full(opt, 0, true, true)?;
            let want = if seq_given {
                AddId::Exact(id)
            } else {
                AddId::Ms(id.ms)
            };
            args.id = Some((want, i));
            break;
        } else {
            return Err(CmdError::Syntax);
        }
        i += 1;
    }
    if limit != 0 && args.trim.is_none() {
        return Err(CmdError::err(
            "syntax error, LIMIT cannot be used without specifying a trimming strategy",
        ));
    }
    if !xadd && args.trim.is_none() {
        return Err(CmdError::err(
            "syntax error, XTRIM must be called with a trimming strategy",
        ));
    }
    if limit_given {
        if !args.approx {
            return Err(CmdError::err(
                "syntax error, LIMIT cannot be used without the special ~ option",
            ));
        }
        args.limit = limit as u64;
    } else if args.approx {
        let per = ctx.engine.config.stream_node_max_entries as i64;
        let mut l = per.saturating_mul(100);
        if l <= 0 {
            l = 10000;
        }
        args.limit = l.min(1_000_000) as u64;
    }
    Ok(args)
}

/// The trim argument as the stream now is, for propagating `~` as `=`
/// (streamRewriteTrimArgument): its length, or its first entry's ID,
/// tombstones included.
fn exact_trim_arg(s: &Stream, trim: Trim) -> Vec<u8> {
    match trim {
        Trim::MaxLen(_) => s.len().to_string().into_bytes(),
        Trim::MinId(_) => id_text(s.first_raw_id()),
    }
}

/// XADD key [NOMKSTREAM] [MAXLEN|MINID [=|~] threshold [LIMIT count]] *|id field value [field value ...]
pub fn xadd_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let args = parse_trim_args(ctx, argv, true)?;
    let Some((want, id_at)) = args.id else {
        return Err(CmdError::WrongArity("xadd".into()));
    };
    let fields_at = id_at + 1;
    let nfields = argv.len() - fields_at;
    if nfields < 2 || nfields % 2 == 1 {
        return Err(CmdError::WrongArity("xadd".into()));
    }
    if want == AddId::Exact(StreamId::MIN) {
        return Err(CmdError::err(
            "The ID specified in XADD must be greater than 0-0",
        ));
    }
    let key = argv.arg(1);
    let limits = node_limits(ctx);
    let now = ctx.now_ms();
    let exists = ctx.lookup_write_as::<Stream>(key)?.is_some();
    if !exists && args.no_mkstream {
        ctx.reply.null();
        return Ok(());
    }
    let fields: Vec<&[u8]> = argv.iter().skip(fields_at).collect();
    let (s, reply) = ctx.write_or_create::<Stream>(key, Stream::new)?;
    if s.last_id() == StreamId::MAX {
        let err = CmdError::err(
            "The stream has exhausted the last possible ID, unable to add more items",
        );
        if !exists {
            ctx.db().delete(key, now);
        }
        return Err(err);
    }
    let id = match s.add(want, now, &fields, limits) {
        Ok(id) => id,
        Err(e) => {
            if !exists {
                ctx.db().delete(key, now);
            }
            return Err(CmdError::err(match e {
                AddError::NotGreater => {
                    "The ID specified in XADD is equal or smaller than the target stream top item"
                }
                AddError::TooBig => "Elements are too large to be stored",
            }));
        }
    };
    let id_arg = id_text(id);
    reply.bulk(&id_arg);
    let mut trimmed = 0;
    let mut exact_arg = None;
    if let Some(trim) = args.trim {
        trimmed = s.trim(trim, args.approx, args.limit);
        if args.approx {
            exact_arg = Some(exact_trim_arg(s, trim));
        }
    }
    ctx.changed(key, events::XADD);
    if trimmed > 0 {
        ctx.changed_by(key, events::XTRIM, 0);
    }
    let rewrite_id = !matches!(want, AddId::Exact(_));
    if (rewrite_id || exact_arg.is_some()) && ctx.propagating() {
        let mut out: Vec<&[u8]> = argv.iter().collect();
        if rewrite_id {
            out[id_at] = &id_arg;
        }
        if let Some(arg) = &exact_arg {
            out[args.arg_at - 1] = b"=";
            out[args.arg_at] = arg;
        }
        ctx.propagate_as(&out);
    }
    Ok(())
}

/// XTRIM key MAXLEN|MINID [=|~] threshold [LIMIT count]
pub fn xtrim_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let args = parse_trim_args(ctx, argv, false)?;
    let key = argv.arg(1);
    let trim = args.trim.expect("XTRIM requires a strategy (checked)");
    let Some((s, reply)) = ctx.write_typed::<Stream>(key)? else {
        ctx.reply.integer(0);
        return Ok(());
    };
    let deleted = s.trim(trim, args.approx, args.limit);
    reply.integer(deleted as i64);
    if deleted > 0 {
        let exact = args.approx.then(|| exact_trim_arg(s, trim));
        ctx.changed_by(key, events::XTRIM, deleted);
        if let Some(arg) = exact
            && ctx.propagating()
        {
            let mut out: Vec<&[u8]> = argv.iter().collect();
            out[args.arg_at - 1] = b"=";
            out[args.arg_at] = &arg;
            ctx.propagate_as(&out);
        }
    }
    Ok(())
}

/// XRANGE key start end [COUNT count] / XREVRANGE key end start [COUNT count]
fn xrange_generic(ctx: &mut Ctx<'_>, argv: Argv<'_>, rev: bool) -> CmdResult {
    let (start_arg, end_arg) = if rev {
        (argv.arg(3), argv.arg(2))
    } else {
        (argv.arg(2), argv.arg(3))
    };
    let start = range_start(start_arg)?;
    let end = range_end(end_arg)?;
    let mut count: i64 = -1;
    let mut j = 4;
    while j < argv.len() {
        if is(argv.arg(j), "count") && j + 1 < argv.len() {
            count = int_arg(argv.arg(j + 1))?.max(0);
            j += 2;
        } else {
            return Err(CmdError::Syntax);
        }
    }
    let Some((s, reply)) = ctx.read_typed::<Stream>(argv.arg(1))? else {
        ctx.reply.array(0);
        return Ok(());
    };
    if count == 0 {
        reply.null_array();
        return Ok(());
    }
    let take = if count < 0 {
        usize::MAX
    } else {
        count as usize
    };
    if rev {
        reply_entries(reply, s.rev_range(start, end).take(take));
    } else {
        reply_entries(reply, s.range(start, end).take(take));
    }
    Ok(())
}

pub fn xrange_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    xrange_generic(ctx, argv, false)
}

pub fn xrevrange_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    xrange_generic(ctx, argv, true)
}

/// XLEN key
pub fn xlen_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let len = match ctx.read_typed::<Stream>(argv.arg(1))? {
        Some((s, _)) => s.len(),
        None => 0,
    };
    ctx.reply.integer(len as i64);
    Ok(())
}

/// XDEL key id [id ...]
pub fn xdel_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let key = argv.arg(1);
    if ctx.lookup_write_as::<Stream>(key)?.is_none() {
        ctx.reply.integer(0);
        return Ok(());
    }
    let ids = strict_ids_from(&argv, 2)?;
    let (s, reply) = ctx.write_typed::<Stream>(key)?.expect("looked up above");
    let deleted = ids.into_iter().filter(|id| s.delete(*id)).count();
    reply.integer(deleted as i64);
    if deleted > 0 {
        ctx.changed_by(key, events::XDEL, deleted as u64);
    }
    Ok(())
}

/// XSETID key last-id [ENTRIESADDED entries-added] [MAXDELETEDID max-deleted-id]
pub fn xsetid_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let id = strict_id(argv.arg(2))?;
    let mut entries_added: i64 = -1;
    let mut max_deleted = StreamId::MIN;
    let mut i = 3;
    while i < argv.len() {
        let more = argv.len() - 1 - i;
        let opt = argv.arg(i);
        if is(opt, "entriesadded") && more > 0 {
            entries_added = int_arg(argv.arg(i + 1))?;
            if entries_added < 0 {
                return Err(CmdError::err("entries_added must be positive"));
            }
        } else if is(opt, "maxdeletedid") && more > 0 {
            max_deleted = strict_id(argv.arg(i + 1))?;
            if id < max_deleted {
                return Err(CmdError::err(
                    "The ID specified in XSETID is smaller than the provided max_deleted_entry_id",
                ));
            }
        } else {
            return Err(CmdError::Syntax);
        }
        i += 2;
    }
    let key = argv.arg(1);
    let Some((s, reply)) = ctx.write_typed::<Stream>(key)? else {
        return Err(CmdError::NoSuchKey);
    };
    if !s.is_empty() {
        if id < s.last_valid_id() {
            return Err(CmdError::err(
                "The ID specified in XSETID is smaller than the target stream top item",
            ));
        }
        if entries_added != -1 && s.len() > entries_added as u64 {
            return Err(CmdError::err(
                "The entries_added specified in XSETID is smaller than the target stream length",
            ));
        }
    }
    let added = if entries_added == -1 {
        s.entries_added()
    } else {
        entries_added as u64
    };
    let max = if max_deleted.is_zero() {
        s.max_deleted_id()
    } else {
        max_deleted
    };
    s.set_meta(id, added, max);
    reply.ok();
    ctx.changed_state(key, events::XSETID, 1);
    Ok(())
}

/// The parsed request of XREAD / XREADGROUP.
struct ReadArgs<'a> {
    block: Option<u64>,
    count: usize,
    noack: bool,
    group: Option<(&'a [u8], &'a [u8])>,
    /// Index of the first key.
    keys_at: usize,
    streams: usize,
}

fn parse_read_args<'a>(
    ctx: &Ctx<'_>,
    argv: Argv<'a>,
    xreadgroup: bool,
) -> Result<ReadArgs<'a>, CmdError> {
    let mut out = ReadArgs {
        block: None,
        count: 0,
        noack: false,
        group: None,
        keys_at: 0,
        streams: 0,
    };
    let argc = argv.len();
    let mut i = 1;
    while i < argc {
        let more = argc - i - 1;
        let o = argv.arg(i);
        if is(o, "block") && more > 0 {
            i += 1;
            let ms = parse_i64(argv.arg(i))
                .ok_or_else(|| CmdError::err("timeout is not an integer or out of range"))?;
            if ms < 0 {
                return Err(CmdError::err("timeout is negative"));
            }
            out.block = Some(if ms == 0 {
                0
            } else {
                ctx.now_ms().saturating_add(ms as u64)
            });
        } else if is(o, "count") && more > 0 {
            i += 1;
            out.count = int_arg(argv.arg(i))?.max(0) as usize;
        } else if is(o, "streams") && more > 0 {
            out.keys_at = i + 1;
            let n = argc - out.keys_at;
            if !n.is_multiple_of(2) {
                return Err(CmdError::err(
                    "Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.",
                ));
            }
            out.streams = n / 2;
            break;
        } else if is(o, "group") && more >= 2 {
            if !xreadgroup {
                return Err(CmdError::err(
                    "The GROUP option is only supported by XREADGROUP. You called XREAD instead.",
                ));
            }
            out.group = Some((argv.arg(i + 1), argv.arg(i + 2)));
            i += 2;
        } else if is(o, "noack") {
            if !xreadgroup {
                return Err(CmdError::err(
                    "The NOACK option is only supported by XREADGROUP. You called XREAD instead.",
                ));
            }
            out.noack = true;
        } else {
            return Err(CmdError::Syntax);
        }
        i += 1;
    }
    if out.keys_at == 0 {
        return Err(CmdError::Syntax);
    }
    if xreadgroup && out.group.is_none() {
        return Err(CmdError::err("Missing GROUP option for XREADGROUP"));
    }
    Ok(out)
}

/// What an XREAD/XREADGROUP asks of one stream.
#[derive(Clone, Copy, PartialEq)]
enum Want {
    /// Entries after this ID.
    After(StreamId),
    /// XREADGROUP `>`: entries never delivered to the group.
    New,
}

/// XREAD [COUNT count] [BLOCK milliseconds] STREAMS key [key ...] id [id ...]
pub fn xread_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    xread_generic(ctx, argv, false)
}

/// XREADGROUP GROUP group consumer [COUNT count] [BLOCK milliseconds] [NOACK] STREAMS key [key ...] id [id ...]
pub fn xreadgroup_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    xread_generic(ctx, argv, true)
}

fn xread_generic(ctx: &mut Ctx<'_>, argv: Argv<'_>, xreadgroup: bool) -> CmdResult {
    let args = parse_read_args(ctx, argv, xreadgroup)?;
    let retry = ctx.is_retry();
    let n = args.streams;
    let key_at = |i: usize| args.keys_at + i;
    let id_at = |i: usize| args.keys_at + n + i;

    if retry {
        return xread_retry(ctx, argv, &args);
    }

    // Resolve every ID (and check every key and group) before serving.
    let mut wants: Vec<Want> = Vec::with_capacity(n);
    let mut resolved_dollar = false;
    for i in 0..n {
        let key = argv.arg(key_at(i));
        let id_arg = argv.arg(id_at(i));
        let stream = ctx.read_typed::<Stream>(key)?.map(|(s, _)| s);
        if let Some((group, _)) = args.group
            && stream.is_none_or(|s| s.group(group).is_none())
        {
            return Err(CmdError::Raw(format!(
                "NOGROUP No such key '{}' or consumer group '{}' in XREADGROUP with GROUP option",
                text(key),
                text(group)
            )));
        }
        let last = stream.map_or(StreamId::MIN, Stream::last_id);
        if id_arg == b"$" {
            if xreadgroup {
                return Err(CmdError::err(
                    "The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.",
                ));
            }
            resolved_dollar = true;
            wants.push(Want::After(last));
        } else if id_arg == b">" {
            if !xreadgroup {
                return Err(CmdError::err(
                    "The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.",
                ));
            }
            wants.push(Want::New);
        } else {
            let id = strict_id(id_arg)?;
            // Redis marks `>` with the largest ID, so that ID reads as `>`.
            wants.push(if xreadgroup && id == StreamId::MAX {
                Want::New
            } else {
                Want::After(id)
            });
        }
    }

    // Serve what can be served now.
    let mut served: Vec<usize> = Vec::new();
    for (i, want) in wants.iter().enumerate() {
        let key = argv.arg(key_at(i));
        let Some(id) = ctx.lookup_read(key) else {
            continue;
        };
        let Value::Stream(s) = &ctx.db().entry(id).value else {
            continue;
        };
        let ready = match (want, args.group) {
            (Want::After(_), Some(_)) => true,
            (Want::New, Some((group, _))) => {
                !s.is_empty()
                    && s.group(group)
                        .is_some_and(|g| s.last_valid_id() > g.last_id)
            }
            (Want::After(gt), None) => !s.is_empty() && s.last_valid_id() > *gt,
            (Want::New, None) => false,
        };
        if ready {
            served.push(i);
        }
    }
    if !served.is_empty() {
        if ctx.reply.is_resp3() {
            ctx.reply.map(served.len());
        } else {
            ctx.reply.array(served.len());
        }
        for &i in &served {
            let key = argv.arg(key_at(i));
            if !ctx.reply.is_resp3() {
                ctx.reply.array(2);
            }
            ctx.reply.bulk(key);
            serve_stream(ctx, key, wants[i], &args, args.count)?;
        }
        if args.group.is_none() {
            ctx.no_propagate();
        }
        return finish_group_read(ctx, &args);
    }

    match args.block {
        Some(deadline) if ctx.may_block() => {
            let keys: Vec<Box<[u8]>> = {
                let mut keys: Vec<Box<[u8]>> = Vec::new();
                for i in 0..n {
                    let k = argv.arg(key_at(i));
                    if !keys.iter().any(|x| **x == *k) {
                        keys.push(k.into());
                    }
                }
                keys
            };
            if resolved_dollar {
                // Park with `$` replaced by the ID it meant now.
                let mut parked: Vec<Vec<u8>> = argv.iter().map(<[u8]>::to_vec).collect();
                for (i, want) in wants.iter().enumerate() {
                    if let Want::After(id) = want
                        && argv.arg(id_at(i)) == b"$"
                    {
                        parked[id_at(i)] = id_text(*id);
                    }
                }
                let refs: Vec<&[u8]> = parked.iter().map(Vec::as_slice).collect();
                ctx.block_on_as(keys, deadline, OwnedArgv::from_slices(&refs));
            } else {
                ctx.block_on(keys, deadline);
            }
        }
        _ => ctx.reply.null_array(),
    }
    ctx.no_propagate();
    Ok(())
}

/// A parked XREAD/XREADGROUP run again after its key got data: serve the
/// key that woke it (as Redis's serveClientsBlockedOnStreamKey) or stay
/// parked.
fn xread_retry(ctx: &mut Ctx<'_>, argv: Argv<'_>, args: &ReadArgs<'_>) -> CmdResult {
    let n = args.streams;
    let keys = argv.iter().skip(args.keys_at).take(n);
    let Some(&key) = ctx.blocking_order(keys).first() else {
        ctx.no_propagate();
        return Ok(());
    };
    let i = argv
        .iter()
        .skip(args.keys_at)
        .take(n)
        .position(|k| k == key)
        .expect("the key is one of the keys");
    let id_arg = argv.arg(args.keys_at + n + i);
    let deadline = args.block.unwrap_or(0);
    let stay = |ctx: &mut Ctx<'_>| {
        ctx.block_on(Vec::new(), deadline);
        ctx.no_propagate();
        Ok(())
    };
    let stream = match ctx.lookup_write(key) {
        Some(id) => match &ctx.db().entry(id).value {
            Value::Stream(s) => Some(s),
            _ => None,
        },
        None => None,
    };
    let want = match args.group {
        Some((group, _)) => {
            let Some(s) = stream else {
                ctx.no_propagate();
                return Err(CmdError::Raw(
                    "UNBLOCKED the stream key no longer exists".into(),
                ));
            };
            let Some(g) = s.group(group) else {
                ctx.no_propagate();
                return Err(CmdError::Raw(
                    "NOGROUP the consumer group this client was blocked on no longer exists".into(),
                ));
            };
            if s.last_id() <= g.last_id {
                return stay(ctx);
            }
            Want::New
        }
        None => {
            let gt = strict_id(id_arg)?;
            match stream {
                Some(s) if s.last_id() > gt => Want::After(gt),
                _ => return stay(ctx),
            }
        }
    };
    let count = if args.count == 0 {
        BLOCKED_DEFAULT_COUNT
    } else {
        args.count
    };
    if ctx.reply.is_resp3() {
        ctx.reply.map(1);
    } else {
        ctx.reply.array(1);
        ctx.reply.array(2);
    }
    ctx.reply.bulk(key);
    serve_stream(ctx, key, want, args, count)?;
    if args.group.is_none() {
        ctx.no_propagate();
    }
    finish_group_read(ctx, args)
}

/// XREADGROUP propagates what it did through also_propagate, never itself.
fn finish_group_read(ctx: &mut Ctx<'_>, args: &ReadArgs<'_>) -> CmdResult {
    if args.group.is_some() {
        ctx.no_propagate();
    }
    Ok(())
}

/// Replies with one stream's entries for XREAD/XREADGROUP and, in a group,
/// delivers them (streamReplyWithRange with a group).
fn serve_stream(
    ctx: &mut Ctx<'_>,
    key: &[u8],
    want: Want,
    args: &ReadArgs<'_>,
    count: usize,
) -> CmdResult {
    let take = if count == 0 { usize::MAX } else { count };
    let Some((group_name, consumer)) = args.group else {
        let Want::After(gt) = want else {
            unreachable!("XREAD has no > ID")
        };
        let (s, reply) = ctx
            .read_typed::<Stream>(key)?
            .expect("served streams exist");
        let start = gt.incr().unwrap_or(StreamId::MIN);
        reply_entries(reply, s.range(start, StreamId::MAX).take(take));
        return Ok(());
    };
    let now = ctx.now_ms();
    let noack = args.noack;
    let (s, reply) = ctx
        .write_typed::<Stream>(key)?
        .expect("served streams exist");
    let entries_added = s.entries_added();
    let created = {
        let g = s.group_mut(group_name).expect("checked");
        let created = g.ensure_consumer(consumer, now);
        if let Some(c) = g.consumers.get_mut(consumer) {
            c.seen_time = now;
        }
        created
    };
    let mut claims: Vec<(StreamId, u64, u64)> = Vec::new();
    let mut moved_last = false;
    match want {
        Want::After(gt) => {
            // History: only this consumer's pending entries after `gt`
            // (past the last ID, the increment wraps to 0-0 as in Redis).
            let start = gt.incr().unwrap_or(StreamId::MIN);
            let (entries, g) = s.entries_and_group(group_name).expect("checked");
            let pending: Vec<StreamId> = g.consumers[consumer]
                .pel
                .range(start..)
                .take(take)
                .copied()
                .collect();
            reply.array(pending.len());
            for id in pending {
                match entries.get(id) {
                    Some(e) => {
                        reply_entry(reply, &e);
                        let nack = g.pel.get_mut(&id).expect("consumer PEL ⊆ group PEL");
                        nack.delivery_time = now;
                        nack.delivery_count += 1;
                    }
                    None => {
                        reply.array(2);
                        reply_id(reply, id);
                        reply.null_array();
                    }
                }
            }
        }
        Want::New => {
            let last = s.group(group_name).expect("checked").last_id;
            let start = last.incr().unwrap_or(StreamId::MAX);
            let ids: Vec<StreamId> = s
                .range(start, StreamId::MAX)
                .take(take)
                .map(|e| e.id)
                .collect();
            // Read counters first (they look at the whole stream).
            let mut reads: Vec<i64> = Vec::with_capacity(ids.len());
            {
                let g = s.group(group_name).expect("checked");
                let mut er = g.entries_read;
                for &id in &ids {
                    if er != INVALID_ENTRIES_READ && !s.range_has_tombstones(id, StreamId::MAX) {
                        er += 1;
                    } else if entries_added > 0 {
                        er = s.estimate_distance(id);
                    }
                    reads.push(er);
                }
            }
            let (entries, g) = s.entries_and_group(group_name).expect("checked");
            reply.array(ids.len());
            for (k, &id) in ids.iter().enumerate() {
                if id > g.last_id {
                    g.entries_read = reads[k];
                    g.last_id = id;
                    moved_last = true;
                }
                let e = entries.get(id).expect("just listed");
                reply_entry(reply, &e);
                if !noack {
                    g.deliver_fresh(id, consumer, now);
                    let nack = &g.pel[&id];
                    claims.push((id, nack.delivery_time, nack.delivery_count));
                }
            }
        }
    }
    let (last_id, entries_read) = {
        let g = s.group(group_name).expect("checked");
        (g.last_id, g.entries_read)
    };
    ctx.changed_state(key, events::NONE, 1);
    if created {
        ctx.changed_state(key, events::XGROUP_CREATECONSUMER, 1);
        if noack {
            ctx.also_propagate(&[b"XGROUP", b"CREATECONSUMER", key, group_name, consumer]);
        }
    }
    if ctx.propagating() {
        let last = id_text(last_id);
        for (id, time, count) in claims {
            propagate_claim(
                ctx,
                key,
                group_name,
                consumer,
                &id_text(id),
                time,
                count,
                &last,
            );
        }
        if noack && moved_last {
            let er = entries_read.to_string();
            ctx.also_propagate(&[
                b"XGROUP",
                b"SETID",
                key,
                group_name,
                &last,
                b"ENTRIESREAD",
                er.as_bytes(),
            ]);
        }
    }
    Ok(())
}

/// streamPropagateXCLAIM: an idempotent XCLAIM of one pending entry.
#[allow(clippy::too_many_arguments)]
fn propagate_claim(
    ctx: &mut Ctx<'_>,
    key: &[u8],
    group: &[u8],
    consumer: &[u8],
    id: &[u8],
    time: u64,
    count: u64,
    last_id: &[u8],
) {
    let time = time.to_string();
    let count = count.to_string();
    ctx.also_propagate(&[
        b"XCLAIM",
        key,
        group,
        consumer,
        b"0",
        id,
        b"TIME",
        time.as_bytes(),
        b"RETRYCOUNT",
        count.as_bytes(),
        b"FORCE",
        b"JUSTID",
        b"LASTID",
        last_id,
    ]);
}

/// The subcommand syntax error Redis gives XGROUP and XINFO.
fn subcommand_error(argv: Argv<'_>) -> CmdError {
    CmdError::err(format!(
        "unknown subcommand or wrong number of arguments for '{}'. Try {} HELP.",
        lossy_prefix(argv.arg(1), 128),
        text(argv.arg(0)).to_ascii_uppercase()
    ))
}

fn nogroup(group: &[u8], key: &[u8]) -> CmdError {
    CmdError::Raw(format!(
        "NOGROUP No such consumer group '{}' for key name '{}'",
        text(group),
        text(key)
    ))
}

/// XGROUP's shared checks (xgroupCommand's prologue): options from 5, the
/// key (which must exist unless MKSTREAM), the group (which must exist for
/// SETID/CREATECONSUMER/DELCONSUMER). Returns (mkstream, entries_read).
fn xgroup_prologue(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> Result<(bool, i64), CmdError> {
    let sub = argv.arg(1);
    let create = is(sub, "create");
    let setid = is(sub, "setid");
    let mut mkstream = false;
    let mut entries_read = INVALID_ENTRIES_READ;
    let mut i = 5;
    while i < argv.len() {
        if create && is(argv.arg(i), "mkstream") {
            mkstream = true;
            i += 1;
        } else if (create || setid) && is(argv.arg(i), "entriesread") && i + 1 < argv.len() {
            entries_read = int_arg(argv.arg(i + 1))?;
            if entries_read < 0 && entries_read != INVALID_ENTRIES_READ {
                return Err(CmdError::err(
                    "value for ENTRIESREAD must be positive or -1",
                ));
            }
            i += 2;
        } else {
            return Err(subcommand_error(argv));
        }
    }
    let key = argv.arg(2);
    let group = argv.arg(3);
    let exists = ctx.lookup_write_as::<Stream>(key)?;
    if !mkstream {
        let Some(id) = exists else {
            return Err(CmdError::err(
                "The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.",
            ));
        };
        let Value::Stream(s) = &ctx.db().entry(id).value else {
            unreachable!("type checked")
        };
        if s.group(group).is_none() && !create && !is(sub, "destroy") {
            return Err(nogroup(group, key));
        }
    }
    Ok((mkstream, entries_read))
}

/// XGROUP CREATE key group id|$ [MKSTREAM] [ENTRIESREAD entries-read]
pub fn xgroup_create_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let (_, entries_read) = xgroup_prologue(ctx, argv)?;
    if argv.len() > 8 {
        return Err(subcommand_error(argv));
    }
    let key = argv.arg(2);
    let group = argv.arg(3);
    let existing = ctx
        .lookup_write_as::<Stream>(key)?
        .map(|id| match &ctx.db().entry(id).value {
            Value::Stream(s) => s.last_id(),
            _ => unreachable!("type checked"),
        });
    let id = if argv.arg(4) == b"$" {
        existing.unwrap_or(StreamId::MIN)
    } else {
        strict_id(argv.arg(4))?
    };
    if existing.is_none() {
        let clock = ctx.access_clock();
        ctx.db()
            .insert(key, Typed::into_value(Stream::new()), clock);
        ctx.changed_by(key, events::NONE, 0);
    }
    let (s, reply) = ctx.write_typed::<Stream>(key)?.expect("exists now");
    if s.create_group(group, id, entries_read) {
        reply.ok();
        ctx.changed_state(key, events::XGROUP_CREATE, 1);
        Ok(())
    } else {
        Err(CmdError::Raw(
            "BUSYGROUP Consumer Group name already exists".into(),
        ))
    }
}

/// XGROUP SETID key group id|$ [ENTRIESREAD entries-read]
pub fn xgroup_setid_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let (_, entries_read) = xgroup_prologue(ctx, argv)?;
    if argv.len() != 5 && argv.len() != 7 {
        return Err(subcommand_error(argv));
    }
    let key = argv.arg(2);
    let (s, reply) = ctx.write_typed::<Stream>(key)?.expect("checked");
    let id = if argv.arg(4) == b"$" {
        s.last_id()
    } else {
        parse_id_full(argv.arg(4), 0, false, false)?.0
    };
    let g = s.group_mut(argv.arg(3)).expect("checked");
    g.last_id = id;
    g.entries_read = entries_read;
    reply.ok();
    ctx.changed_state(key, events::XGROUP_SETID, 1);
    Ok(())
}

/// XGROUP DESTROY key group
pub fn xgroup_destroy_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    xgroup_prologue(ctx, argv)?;
    let key = argv.arg(2);
    let (s, reply) = ctx.write_typed::<Stream>(key)?.expect("checked");
    if s.destroy_group(argv.arg(3)) {
        reply.integer(1);
        // Wakes clients blocked on the group, to tell them.
        ctx.changed_state(key, events::XGROUP_DESTROY, 1);
    } else {
        reply.integer(0);
    }
    Ok(())
}

/// XGROUP CREATECONSUMER key group consumer
pub fn xgroup_createconsumer_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    xgroup_prologue(ctx, argv)?;
    let key = argv.arg(2);
    let now = ctx.now_ms();
    let (s, reply) = ctx.write_typed::<Stream>(key)?.expect("checked");
    let g = s.group_mut(argv.arg(3)).expect("checked");
    let created = g.ensure_consumer(argv.arg(4), now);
    reply.integer(i64::from(created));
    if created {
        ctx.changed_state(key, events::XGROUP_CREATECONSUMER, 1);
    }
    Ok(())
}

/// XGROUP DELCONSUMER key group consumer
pub fn xgroup_delconsumer_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    xgroup_prologue(ctx, argv)?;
    let key = argv.arg(2);
    let (s, reply) = ctx.write_typed::<Stream>(key)?.expect("checked");
    let g = s.group_mut(argv.arg(3)).expect("checked");
    match g.delete_consumer(argv.arg(4)) {
        Some(pending) => {
            reply.integer(pending as i64);
            ctx.changed_state(key, events::XGROUP_DELCONSUMER, 1);
        }
        None => reply.integer(0),
    }
    Ok(())
}

/// XGROUP HELP
pub fn xgroup_help_command(ctx: &mut Ctx<'_>, _argv: Argv<'_>) -> CmdResult {
    ctx.reply.help(
        "XGROUP",
        &[
            "CREATE <key> <groupname> <id|$> [option]",
            "    Create a new consumer group. Options are:",
            "    * MKSTREAM",
            "      Create the empty stream if it does not exist.",
            "    * ENTRIESREAD entries_read",
            "      Set the group's entries_read counter (internal use).",
            "CREATECONSUMER <key> <groupname> <consumer>",
            "    Create a new consumer in the specified group.",
            "DELCONSUMER <key> <groupname> <consumer>",
            "    Remove the specified consumer.",
            "DESTROY <key> <groupname>",
            "    Remove the specified group.",
            "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
            "    Set the current group ID and entries_read counter.",
        ],
    );
    Ok(())
}

/// XACK key group id [id ...]
pub fn xack_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let key = argv.arg(1);
    let group = argv.arg(2);
    let has_group = match ctx.read_typed::<Stream>(key)? {
        Some((s, _)) => s.group(group).is_some(),
        None => false,
    };
    if !has_group {
        ctx.reply.integer(0);
        return Ok(());
    }
    let ids = strict_ids_from(&argv, 3)?;
    let (s, reply) = ctx.write_typed::<Stream>(key)?.expect("checked");
    let g = s.group_mut(group).expect("checked");
    let acked = ids.into_iter().filter(|id| g.ack(*id)).count();
    reply.integer(acked as i64);
    if acked > 0 {
        ctx.changed_state(key, events::NONE, acked as u64);
    }
    Ok(())
}

/// XPENDING key group [[IDLE min-idle-time] start end count [consumer]]
pub fn xpending_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let argc = argv.len();
    if argc != 3 && !(6..=9).contains(&argc) {
        return Err(CmdError::Syntax);
    }
    let key = argv.arg(1);
    let group = argv.arg(2);
    let mut range = None;
    let mut minidle: i64 = 0;
    let mut consumer = None;
    if argc >= 6 {
        let mut at = 3;
        if is(argv.arg(3), "idle") {
            minidle = int_arg(argv.arg(4))?;
            if argc < 8 {
                return Err(CmdError::Syntax);
            }
            at += 2;
        }
        let count = int_arg(argv.arg(at + 2))?.max(0) as usize;
        let start = range_start(argv.arg(at))?;
        let end = range_end(argv.arg(at + 1))?;
        if at + 3 < argc {
            consumer = Some(argv.arg(at + 3));
        }
        range = Some((start, end, count));
    }
    let now = ctx.now_ms() as i64;
    let Some((s, reply)) = ctx.read_typed::<Stream>(key)? else {
        return Err(CmdError::Raw(format!(
            "NOGROUP No such key '{}' or consumer group '{}'",
            text(key),
            text(group)
        )));
    };
    let Some(g) = s.group(group) else {
        return Err(CmdError::Raw(format!(
            "NOGROUP No such key '{}' or consumer group '{}'",
            text(key),
            text(group)
        )));
    };
    let Some((start, end, count)) = range else {
        reply.array(4);
        reply.integer(g.pel.len() as i64);
        match (g.pel.first_key_value(), g.pel.last_key_value()) {
            (Some((first, _)), Some((last, _))) => {
                reply_id(reply, *first);
                reply_id(reply, *last);
                let busy: Vec<(&[u8], usize)> = g
                    .consumers
                    .iter()
                    .filter(|(_, c)| !c.pel.is_empty())
                    .map(|(n, c)| (&**n, c.pel.len()))
                    .collect();
                reply.array(busy.len());
                for (name, n) in busy {
                    reply.array(2);
                    reply.bulk(name);
                    reply.bulk_int(n as i64);
                }
            }
            _ => {
                reply.null();
                reply.null();
                reply.null_array();
            }
        }
        return Ok(());
    };
    let ids: Vec<StreamId> = match consumer {
        Some(name) => match g.consumers.get(name) {
            Some(c) => c.pel.range(start..).copied().collect(),
            None => {
                reply.array(0);
                return Ok(());
            }
        },
        None => g.pel.range(start..).map(|(id, _)| *id).collect(),
    };
    let mut rows = Vec::new();
    if start <= end {
        for id in ids {
            if rows.len() >= count || id > end {
                break;
            }
            let nack = &g.pel[&id];
            let idle = now - nack.delivery_time as i64;
            if minidle != 0 && idle < minidle {
                continue;
            }
            rows.push((id, nack, idle.max(0)));
        }
    }
    reply.array(rows.len());
    for (id, nack, idle) in rows {
        reply.array(4);
        reply_id(reply, id);
        reply.bulk(&nack.consumer);
        reply.integer(idle);
        reply.integer(nack.delivery_count as i64);
    }
    Ok(())
}

/// XCLAIM key group consumer min-idle-time id [id ...] [IDLE ms] [TIME unix-time-milliseconds] [RETRYCOUNT count] [FORCE] [JUSTID] [LASTID lastid]
pub fn xclaim_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let key = argv.arg(1);
    let group = argv.arg(2);
    let consumer = argv.arg(3);
    let has_group = match ctx.read_typed::<Stream>(key)? {
        Some((s, _)) => s.group(group).is_some(),
        None => false,
    };
    if !has_group {
        return Err(CmdError::Raw(format!(
            "NOGROUP No such key '{}' or consumer group '{}'",
            text(key),
            text(group)
        )));
    }
    let minidle = parse_i64(argv.arg(4))
        .ok_or_else(|| CmdError::err("Invalid min-idle-time argument for XCLAIM"))?
        .max(0);
    let mut j = 5;
    let mut ids: Vec<(StreamId, usize)> = Vec::new();
    while j < argv.len() {
        match strict_id(argv.arg(j)) {
            Ok(id) => ids.push((id, j)),
            Err(_) => break,
        }
        j += 1;
    }
    let now = ctx.now_ms() as i64;
    let mut force = false;
    let mut justid = false;
    let mut delivery: i64 = -1;
    let mut retrycount: i64 = -1;
    let mut last_id = StreamId::MIN;
    while j < argv.len() {
        let more = argv.len() - 1 - j;
        let opt = argv.arg(j);
        let num = |arg: &[u8], what: &str| {
            parse_i64(arg)
                .ok_or_else(|| CmdError::err(format!("Invalid {what} option argument for XCLAIM")))
        };
        if is(opt, "force") {
            force = true;
        } else if is(opt, "justid") {
            justid = true;
        } else if is(opt, "idle") && more > 0 {
            j += 1;
            delivery = now.wrapping_sub(num(argv.arg(j), "IDLE")?);
        } else if is(opt, "time") && more > 0 {
            j += 1;
            delivery = num(argv.arg(j), "TIME")?;
        } else if is(opt, "retrycount") && more > 0 {
            j += 1;
            retrycount = num(argv.arg(j), "RETRYCOUNT")?;
        } else if is(opt, "lastid") && more > 0 {
            j += 1;
            last_id = strict_id(argv.arg(j))?;
        } else {
            return Err(CmdError::err(format!(
                "Unrecognized XCLAIM option '{}'",
                text(opt)
            )));
        }
        j += 1;
    }
    let delivery = if delivery == -1 || delivery < 0 || delivery > now {
        now
    } else {
        delivery
    } as u64;
    let (s, reply) = ctx.write_typed::<Stream>(key)?.expect("checked");
    let mut propagate_last = false;
    {
        let g = s.group_mut(group).expect("checked");
        if last_id > g.last_id {
            g.last_id = last_id;
            propagate_last = true;
        }
    }
    let (entries, g) = s.entries_and_group(group).expect("checked");
    let mut out: Vec<(StreamId, Option<Entry<'_>>)> = Vec::new();
    let mut claims: Vec<(usize, Box<[u8]>, u64, u64)> = Vec::new();
    let mut dirty = 0u64;
    let mut created = false;
    let mut consumer_ready = false;
    for (id, at) in ids {
        let exists = entries.get(id);
        if exists.is_none() {
            if let Some(nack) = g.pel.get(&id) {
                claims.push((
                    at,
                    nack.consumer.clone(),
                    nack.delivery_time,
                    nack.delivery_count,
                ));
                propagate_last = false;
                dirty += 1;
                g.ack(id);
            }
            continue;
        }
        let mut fresh = false;
        if force && !g.pel.contains_key(&id) {
            g.pel.insert(
                id,
                kv_types::stream::Nack {
                    consumer: Box::default(),
                    delivery_time: now as u64,
                    delivery_count: 1,
                },
            );
            fresh = true;
        }
        let Some(nack) = g.pel.get(&id) else { continue };
        if !fresh && minidle != 0 && now - (nack.delivery_time as i64) < minidle {
            continue;
        }
        if !consumer_ready {
            created = g.ensure_consumer(consumer, now as u64);
            if let Some(c) = g.consumers.get_mut(consumer) {
                c.seen_time = now as u64;
            }
            consumer_ready = true;
        }
        g.claim(id, consumer, delivery, retrycount, justid);
        let nack = &g.pel[&id];
        claims.push((at, consumer.into(), nack.delivery_time, nack.delivery_count));
        out.push((id, if justid { None } else { exists }));
        propagate_last = false;
        dirty += 1;
    }
    let group_last = g.last_id;
    let entries_read = g.entries_read;
    reply.array(out.len());
    for (id, entry) in &out {
        match entry {
            Some(e) => reply_entry(reply, e),
            None => reply_id(reply, *id),
        }
    }
    drop(out);
    if created {
        ctx.changed_state(key, events::XGROUP_CREATECONSUMER, 1);
    }
    if dirty > 0 {
        ctx.changed_state(key, events::NONE, dirty);
    }
    let last = id_text(group_last);
    if ctx.propagating() {
        for (at, owner, time, count) in &claims {
            propagate_claim(ctx, key, group, owner, argv.arg(*at), *time, *count, &last);
        }
    }
    if propagate_last {
        ctx.changed_state(key, events::NONE, 1);
        let er = entries_read.to_string();
        ctx.also_propagate(&[
            b"XGROUP",
            b"SETID",
            key,
            group,
            &last,
            b"ENTRIESREAD",
            er.as_bytes(),
        ]);
    }
    ctx.no_propagate();
    Ok(())
}

/// XAUTOCLAIM key group consumer min-idle-time start [COUNT count] [JUSTID]
pub fn xautoclaim_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let key = argv.arg(1);
    let group = argv.arg(2);
    let consumer = argv.arg(3);
    let minidle = parse_i64(argv.arg(4))
        .ok_or_else(|| CmdError::err("Invalid min-idle-time argument for XAUTOCLAIM"))?
        .max(0);
    let start = range_start(argv.arg(5))?;
    let mut count: i64 = 100;
    let mut justid = false;
    let mut j = 6;
    while j < argv.len() {
        let more = argv.len() - 1 - j;
        let opt = argv.arg(j);
        if is(opt, "count") && more > 0 {
            let max = i64::MAX / 16;
            count = match parse_i64(argv.arg(j + 1)) {
                Some(n) if (1..=max).contains(&n) => n,
                _ => return Err(CmdError::err("COUNT must be > 0")),
            };
            j += 1;
        } else if is(opt, "justid") {
            justid = true;
        } else {
            return Err(CmdError::Syntax);
        }
        j += 1;
    }
    let has_group = match ctx.read_typed::<Stream>(key)? {
        Some((s, _)) => s.group(group).is_some(),
        None => false,
    };
    if !has_group {
        return Err(CmdError::Raw(format!(
            "NOGROUP No such key '{}' or consumer group '{}'",
            text(key),
            text(group)
        )));
    }
    // Redis allocates COUNT IDs up front and fails when it cannot; kv
    // allocates nothing in proportion to COUNT, and refuses where no
    // machine could (over 64 TiB).
    if count.saturating_mul(16) > 1 << 46 {
        return Err(CmdError::err(
            "Insufficient memory, failed allocating transient memory, COUNT too high.",
        ));
    }
    let now = ctx.now_ms();
    let (s, reply) = ctx.write_typed::<Stream>(key)?.expect("checked");
    let (entries, g) = s.entries_and_group(group).expect("checked");
    let mut attempts = count.saturating_mul(10);
    let mut claimed: Vec<Entry<'_>> = Vec::new();
    let mut deleted: Vec<StreamId> = Vec::new();
    let mut claims: Vec<(StreamId, Box<[u8]>, u64, u64)> = Vec::new();
    let mut created = false;
    let mut consumer_ready = false;
    let mut cursor = start;
    let mut next: Option<StreamId> = None;
    loop {
        let candidate = g.pel.range(cursor..).next().map(|(id, _)| *id);
        if attempts == 0 || count == 0 {
            next = candidate;
            break;
        }
        attempts -= 1;
        let Some(id) = candidate else { break };
        cursor = match id.incr() {
            Some(n) => n,
            None => StreamId::MAX,
        };
        let nack = &g.pel[&id];
        match entries.get(id) {
            None => {
                claims.push((
                    id,
                    nack.consumer.clone(),
                    nack.delivery_time,
                    nack.delivery_count,
                ));
                g.ack(id);
                deleted.push(id);
                count -= 1;
            }
            Some(e) => {
                if minidle != 0 && (now as i64) - (nack.delivery_time as i64) < minidle {
                    if id == StreamId::MAX {
                        break;
                    }
                    continue;
                }
                if !consumer_ready {
                    created = g.ensure_consumer(consumer, now);
                    if let Some(c) = g.consumers.get_mut(consumer) {
                        c.seen_time = now;
                    }
                    consumer_ready = true;
                }
                g.claim(id, consumer, now, -1, justid);
                let nack = &g.pel[&id];
                claims.push((id, consumer.into(), nack.delivery_time, nack.delivery_count));
                claimed.push(e);
                count -= 1;
            }
        }
        if id == StreamId::MAX {
            break;
        }
    }
    let group_last = g.last_id;
    reply.array(3);
    reply_id(reply, next.unwrap_or(StreamId::MIN));
    reply.array(claimed.len());
    for e in &claimed {
        if justid {
            reply_id(reply, e.id);
        } else {
            reply_entry(reply, e);
        }
    }
    reply.array(deleted.len());
    for id in &deleted {
        reply_id(reply, *id);
    }
    drop(claimed);
    if created {
        ctx.changed_state(key, events::XGROUP_CREATECONSUMER, 1);
    }
    if !claims.is_empty() {
        ctx.changed_state(key, events::NONE, claims.len() as u64);
        if ctx.propagating() {
            let last = id_text(group_last);
            for (id, owner, time, count) in &claims {
                propagate_claim(ctx, key, group, owner, &id_text(*id), *time, *count, &last);
            }
        }
    }
    ctx.no_propagate();
    Ok(())
}

/// The group's `lag` (null when it cannot be known).
fn reply_lag(reply: &mut Reply<'_>, s: &Stream, g: &kv_types::stream::Group) {
    match s.lag(g) {
        Some(lag) => reply.integer(lag),
        None => reply.null(),
    }
}

fn reply_entries_read(reply: &mut Reply<'_>, g: &kv_types::stream::Group) {
    if g.entries_read != INVALID_ENTRIES_READ {
        reply.integer(g.entries_read);
    } else {
        reply.null();
    }
}

/// The stream at XINFO's key, or "no such key".
fn xinfo_stream<'c, 'a>(
    ctx: &'c mut Ctx<'a>,
    key: &[u8],
) -> Result<(&'c Stream, &'c mut Reply<'a>), CmdError> {
    ctx.read_typed::<Stream>(key)?.ok_or(CmdError::NoSuchKey)
}

/// XINFO STREAM key [FULL [COUNT count]]
pub fn xinfo_stream_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let opts = argv.len() - 3;
    let mut full = false;
    let mut count: i64 = 10;
    if opts > 0 {
        if (opts != 1 && opts != 3) || !is(argv.arg(3), "full") {
            return Err(subcommand_error(argv));
        }
        full = true;
        if opts == 3 {
            if !is(argv.arg(4), "count") {
                return Err(subcommand_error(argv));
            }
            count = int_arg(argv.arg(5))?;
            if count < 0 {
                count = 10;
            }
        }
    }
    let (s, reply) = xinfo_stream(ctx, argv.arg(2))?;
    reply.map(if full { 9 } else { 10 });
    reply.bulk(b"length");
    reply.integer(s.len() as i64);
    reply.bulk(b"radix-tree-keys");
    reply.integer(s.node_count() as i64);
    reply.bulk(b"radix-tree-nodes");
    reply.integer(s.radix_tree_nodes() as i64);
    reply.bulk(b"last-generated-id");
    reply_id(reply, s.last_id());
    reply.bulk(b"max-deleted-entry-id");
    reply_id(reply, s.max_deleted_id());
    reply.bulk(b"entries-added");
    reply.integer(s.entries_added() as i64);
    reply.bulk(b"recorded-first-entry-id");
    reply_id(reply, s.first_id());
    if !full {
        reply.bulk(b"groups");
        reply.integer(s.groups().len() as i64);
        reply.bulk(b"first-entry");
        match s.first_entry() {
            Some(e) => reply_entry(reply, &e),
            None => reply.null(),
        }
        reply.bulk(b"last-entry");
        match s.last_entry() {
            Some(e) => reply_entry(reply, &e),
            None => reply.null(),
        }
        return Ok(());
    }
    let take = if count == 0 {
        usize::MAX
    } else {
        count as usize
    };
    reply.bulk(b"entries");
    reply_entries(reply, s.range(StreamId::MIN, StreamId::MAX).take(take));
    reply.bulk(b"groups");
    reply.array(s.groups().len());
    for (name, g) in s.groups() {
        reply.map(7);
        reply.bulk(b"name");
        reply.bulk(name);
        reply.bulk(b"last-delivered-id");
        reply_id(reply, g.last_id);
        reply.bulk(b"entries-read");
        reply_entries_read(reply, g);
        reply.bulk(b"lag");
        reply_lag(reply, s, g);
        reply.bulk(b"pel-count");
        reply.integer(g.pel.len() as i64);
        reply.bulk(b"pending");
        let pel: Vec<_> = g.pel.iter().take(take).collect();
        reply.array(pel.len());
        for (id, nack) in pel {
            reply.array(4);
            reply_id(reply, *id);
            reply.bulk(&nack.consumer);
            reply.integer(nack.delivery_time as i64);
            reply.integer(nack.delivery_count as i64);
        }
        reply.bulk(b"consumers");
        reply.array(g.consumers.len());
        for (cname, c) in &g.consumers {
            reply.map(4);
            reply.bulk(b"name");
            reply.bulk(cname);
            reply.bulk(b"seen-time");
            reply.integer(c.seen_time as i64);
            reply.bulk(b"pel-count");
            reply.integer(c.pel.len() as i64);
            reply.bulk(b"pending");
            let ids: Vec<_> = c.pel.iter().take(take).collect();
            reply.array(ids.len());
            for id in ids {
                let nack = &g.pel[id];
                reply.array(3);
                reply_id(reply, *id);
                reply.integer(nack.delivery_time as i64);
                reply.integer(nack.delivery_count as i64);
            }
        }
    }
    Ok(())
}

/// XINFO GROUPS key
pub fn xinfo_groups_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let (s, reply) = xinfo_stream(ctx, argv.arg(2))?;
    reply.array(s.groups().len());
    for (name, g) in s.groups() {
        reply.map(6);
        reply.bulk(b"name");
        reply.bulk(name);
        reply.bulk(b"consumers");
        reply.integer(g.consumers.len() as i64);
        reply.bulk(b"pending");
        reply.integer(g.pel.len() as i64);
        reply.bulk(b"last-delivered-id");
        reply_id(reply, g.last_id);
        reply.bulk(b"entries-read");
        reply_entries_read(reply, g);
        reply.bulk(b"lag");
        reply_lag(reply, s, g);
    }
    Ok(())
}

/// XINFO CONSUMERS key group
pub fn xinfo_consumers_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let key = argv.arg(2);
    let group = argv.arg(3);
    let now = ctx.now_ms() as i64;
    let (s, reply) = xinfo_stream(ctx, key)?;
    let Some(g) = s.group(group) else {
        return Err(nogroup(group, key));
    };
    reply.array(g.consumers.len());
    for (name, c) in &g.consumers {
        reply.map(3);
        reply.bulk(b"name");
        reply.bulk(name);
        reply.bulk(b"pending");
        reply.integer(c.pel.len() as i64);
        reply.bulk(b"idle");
        reply.integer((now - c.seen_time as i64).max(0));
    }
    Ok(())
}

/// XINFO HELP
pub fn xinfo_help_command(ctx: &mut Ctx<'_>, _argv: Argv<'_>) -> CmdResult {
    ctx.reply.help(
        "XINFO",
        &[
            "CONSUMERS <key> <groupname>",
            "    Show consumers of <groupname>.",
            "GROUPS <key>",
            "    Show the stream consumer groups.",
            "STREAM <key> [FULL [COUNT <count>]",
            "    Show information about the stream.",
        ],
    );
    Ok(())
}

const fn one(flags: &'static [&'static str]) -> Keys {
    Keys::one(flags)
}

const fn at2(flags: &'static [&'static str]) -> Keys {
    Keys::range(2, 2, 1, flags)
}

/// XREAD's and XREADGROUP's keys: the first half of what follows `STREAMS`,
/// searched from argument `startfrom`.
const fn streams_keys(startfrom: i32) -> KeySpec {
    KeySpec {
        notes: "",
        flags: RO_ACCESS,
        keyword: Some(("STREAMS", startfrom)),
        range: KeyRange::FIRST_HALF,
    }
}

pub static COMMANDS: &[Command] = &[
    Command {
        name: "xadd",
        arity: -5,
        flags: WRITE | DENYOOM | FAST,
        acl: acl::STREAM,
        keys: one(RW_UPDATE),
        key_notes: "UPDATE instead of INSERT because of the optional trimming feature",
        group: Group::Stream,
        since: "5.0.0",
        summary: "Appends an entry to a stream, creating it if needed.",
        complexity: "O(1) when adding a new entry, O(N) when trimming where N being the number of entries evicted.",
        syntax: "key [NOMKSTREAM] [MAXLEN|MINID [=|~] threshold [LIMIT count]] *|id field value [field value ...]",
        tips: &["nondeterministic_output"],
        handler: Some(xadd_command),
        ..Command::BASE
    },
    Command {
        name: "xrange",
        arity: -4,
        flags: READONLY,
        acl: acl::STREAM,
        keys: one(RO_ACCESS),
        group: Group::Stream,
        since: "5.0.0",
        summary: "Returns the entries of a stream within a range of IDs.",
        complexity: "O(N) with N being the number of elements being returned. If N is constant (e.g. always asking for the first 10 elements with COUNT), you can consider it O(1).",
        syntax: "key start end [COUNT count]",
        handler: Some(xrange_command),
        ..Command::BASE
    },
    Command {
        name: "xrevrange",
        arity: -4,
        flags: READONLY,
        acl: acl::STREAM,
        keys: one(RO_ACCESS),
        group: Group::Stream,
        since: "5.0.0",
        summary: "Returns the entries of a stream within a range of IDs, newest first.",
        complexity: "O(N) with N being the number of elements returned. If N is constant (e.g. always asking for the first 10 elements with COUNT), you can consider it O(1).",
        syntax: "key end start [COUNT count]",
        handler: Some(xrevrange_command),
        ..Command::BASE
    },
    Command {
        name: "xlen",
        arity: 2,
        flags: READONLY | FAST,
        acl: acl::STREAM,
        keys: one(RO),
        group: Group::Stream,
        since: "5.0.0",
        summary: "Returns the number of entries of a stream.",
        syntax: "key",
        handler: Some(xlen_command),
        ..Command::BASE
    },
    Command {
        name: "xdel",
        arity: -3,
        flags: WRITE | FAST,
        acl: acl::STREAM,
        keys: one(RW_DELETE),
        group: Group::Stream,
        since: "5.0.0",
        summary: "Deletes entries of a stream by ID.",
        complexity: "O(1) for each single item to delete in the stream, regardless of the stream size.",
        syntax: "key id [id ...]",
        handler: Some(xdel_command),
        ..Command::BASE
    },
    Command {
        name: "xtrim",
        arity: -4,
        flags: WRITE,
        acl: acl::STREAM,
        keys: one(RW_DELETE),
        group: Group::Stream,
        since: "5.0.0",
        summary: "Deletes the oldest entries of a stream.",
        complexity: "O(N), with N being the number of evicted entries. Constant times are very small however, since entries are organized in macro nodes containing multiple entries that can be released with a single deallocation.",
        syntax: "key MAXLEN|MINID [=|~] threshold [LIMIT count]",
        tips: &["nondeterministic_output"],
        handler: Some(xtrim_command),
        ..Command::BASE
    },
    Command {
        name: "xsetid",
        arity: -3,
        flags: WRITE | DENYOOM | FAST,
        acl: acl::STREAM,
        keys: one(RW_UPDATE),
        group: Group::Stream,
        since: "5.0.0",
        summary: "Sets a stream's last ID and its counters.",
        syntax: "key last-id [ENTRIESADDED entries-added] [MAXDELETEDID max-deleted-id]",
        handler: Some(xsetid_command),
        ..Command::BASE
    },
    Command {
        name: "xread",
        arity: -4,
        flags: READONLY | BLOCKING | MOVABLE_KEYS,
        acl: acl::STREAM,
        more_keys: &[streams_keys(1)],
        group: Group::Stream,
        since: "5.0.0",
        summary: "Returns entries of streams after given IDs, waiting for some if asked.",
        complexity: "For each stream mentioned: O(N) with N being the number of elements being returned, it means that XREAD-ing with a fixed COUNT is O(1). Note that when the BLOCK option is used, XADD will pay O(M) time in order to serve the M clients blocked on the stream getting new data.",
        syntax: "[COUNT count] [BLOCK milliseconds] STREAMS key [key ...] id [id ...]",
        handler: Some(xread_command),
        ..Command::BASE
    },
    Command {
        name: "xreadgroup",
        arity: -7,
        flags: WRITE | BLOCKING | MOVABLE_KEYS,
        acl: acl::STREAM,
        more_keys: &[streams_keys(4)],
        group: Group::Stream,
        since: "5.0.0",
        summary: "Reads entries of streams as a consumer of a group, waiting for some if asked.",
        complexity: "For each stream mentioned: O(M) with M being the number of elements returned. If M is constant (e.g. always asking for the first 10 elements with COUNT), you can consider it O(1). On the other side when XREADGROUP blocks, XADD will pay the O(N) time in order to serve the N clients blocked on the stream getting new data.",
        syntax: "GROUP group consumer [COUNT count] [BLOCK milliseconds] [NOACK] STREAMS key [key ...] id [id ...]",
        handler: Some(xreadgroup_command),
        ..Command::BASE
    },
    Command {
        name: "xack",
        arity: -4,
        flags: WRITE | FAST,
        acl: acl::STREAM,
        keys: one(RW_UPDATE),
        group: Group::Stream,
        since: "5.0.0",
        summary: "Acknowledges pending entries of a consumer group.",
        complexity: "O(1) for each message ID processed.",
        syntax: "key group id [id ...]",
        handler: Some(xack_command),
        ..Command::BASE
    },
    Command {
        name: "xpending",
        arity: -3,
        flags: READONLY,
        acl: acl::STREAM,
        keys: one(RO_ACCESS),
        group: Group::Stream,
        since: "5.0.0",
        summary: "Returns what is pending in a consumer group.",
        complexity: "O(N) with N being the number of elements returned, so asking for a small fixed number of entries per call is O(1). O(M), where M is the total number of entries scanned when used with the IDLE filter. When the command returns just the summary and the list of consumers is small, it runs in O(1) time; otherwise, an additional O(N) time for iterating every consumer.",
        syntax: "key group [[IDLE min-idle-time] start end count [consumer]]",
        tips: &["nondeterministic_output"],
        handler: Some(xpending_command),
        ..Command::BASE
    },
    Command {
        name: "xclaim",
        arity: -6,
        flags: WRITE | FAST,
        acl: acl::STREAM,
        keys: one(RW_UPDATE),
        group: Group::Stream,
        since: "5.0.0",
        summary: "Moves pending entries of a group to another consumer.",
        complexity: "O(log N) with N being the number of messages in the PEL of the consumer group.",
        syntax: "key group consumer min-idle-time id [id ...] [IDLE ms] [TIME unix-time-milliseconds] [RETRYCOUNT count] [FORCE] [JUSTID] [LASTID lastid]",
        tips: &["nondeterministic_output"],
        handler: Some(xclaim_command),
        ..Command::BASE
    },
    Command {
        name: "xautoclaim",
        arity: -6,
        flags: WRITE | FAST,
        acl: acl::STREAM,
        keys: one(RW_DELETE),
        group: Group::Stream,
        since: "6.2.0",
        summary: "Moves the pending entries idle for long enough to another consumer, scanning the group's PEL.",
        complexity: "O(1) if COUNT is small.",
        syntax: "key group consumer min-idle-time start [COUNT count] [JUSTID]",
        tips: &["nondeterministic_output"],
        handler: Some(xautoclaim_command),
        ..Command::BASE
    },
    Command {
        name: "xgroup",
        arity: -2,
        group: Group::Stream,
        since: "5.0.0",
        summary: "A container for consumer group commands.",
        complexity: "Depends on subcommand.",
        subcommands: XGROUP_SUBCOMMANDS,
        ..Command::BASE
    },
    Command {
        name: "xinfo",
        arity: -2,
        group: Group::Stream,
        since: "5.0.0",
        summary: "A container for stream introspection commands.",
        complexity: "Depends on subcommand.",
        subcommands: XINFO_SUBCOMMANDS,
        ..Command::BASE
    },
];

/// XGROUP's subcommands, in Redis's order.
static XGROUP_SUBCOMMANDS: &[Command] = &[
    Command {
        name: "xgroup|create",
        arity: -5,
        flags: WRITE | DENYOOM,
        acl: acl::STREAM,
        keys: at2(RW_INSERT),
        group: Group::Stream,
        since: "5.0.0",
        summary: "Creates a consumer group.",
        syntax: "key group id|$ [MKSTREAM] [ENTRIESREAD entries-read]",
        handler: Some(xgroup_create_command),
        ..Command::BASE
    },
    Command {
        name: "xgroup|setid",
        arity: -5,
        flags: WRITE,
        acl: acl::STREAM,
        keys: at2(RW_UPDATE),
        group: Group::Stream,
        since: "5.0.0",
        summary: "Sets the last-delivered ID of a consumer group.",
        syntax: "key group id|$ [ENTRIESREAD entries-read]",
        handler: Some(xgroup_setid_command),
        ..Command::BASE
    },
    Command {
        name: "xgroup|delconsumer",
        arity: 5,
        flags: WRITE,
        acl: acl::STREAM,
        keys: at2(RW_DELETE),
        group: Group::Stream,
        since: "5.0.0",
        summary: "Deletes a consumer from a consumer group.",
        syntax: "key group consumer",
        handler: Some(xgroup_delconsumer_command),
        ..Command::BASE
    },
    Command {
        name: "xgroup|destroy",
        arity: 4,
        flags: WRITE,
        acl: acl::STREAM,
        keys: at2(RW_DELETE),
        group: Group::Stream,
        since: "5.0.0",
        summary: "Destroys a consumer group.",
        complexity: "O(N) where N is the number of entries in the group's pending entries list (PEL).",
        syntax: "key group",
        handler: Some(xgroup_destroy_command),
        ..Command::BASE
    },
    Command {
        name: "xgroup|help",
        arity: 2,
        flags: LOADING | STALE,
        acl: acl::STREAM,
        group: Group::Stream,
        since: "5.0.0",
        summary: "Shows the XGROUP subcommands.",
        handler: Some(xgroup_help_command),
        ..Command::BASE
    },
    Command {
        name: "xgroup|createconsumer",
        arity: 5,
        flags: WRITE | DENYOOM,
        acl: acl::STREAM,
        keys: at2(RW_INSERT),
        group: Group::Stream,
        since: "6.2.0",
        summary: "Creates a consumer in a consumer group.",
        syntax: "key group consumer",
        handler: Some(xgroup_createconsumer_command),
        ..Command::BASE
    },
];

/// XINFO's subcommands, in Redis's order.
static XINFO_SUBCOMMANDS: &[Command] = &[
    Command {
        name: "xinfo|consumers",
        arity: 4,
        flags: READONLY,
        acl: acl::STREAM,
        keys: at2(RO_ACCESS),
        group: Group::Stream,
        since: "5.0.0",
        summary: "Lists the consumers of a consumer group.",
        syntax: "key group",
        tips: &["nondeterministic_output"],
        handler: Some(xinfo_consumers_command),
        ..Command::BASE
    },
    Command {
        name: "xinfo|stream",
        arity: -3,
        flags: READONLY,
        acl: acl::STREAM,
        keys: at2(RO_ACCESS),
        group: Group::Stream,
        since: "5.0.0",
        summary: "Returns information about a stream.",
        syntax: "key [FULL [COUNT count]]",
        handler: Some(xinfo_stream_command),
        ..Command::BASE
    },
    Command {
        name: "xinfo|help",
        arity: 2,
        flags: LOADING | STALE,
        acl: acl::STREAM,
        group: Group::Stream,
        since: "5.0.0",
        summary: "Shows the XINFO subcommands.",
        handler: Some(xinfo_help_command),
        ..Command::BASE
    },
    Command {
        name: "xinfo|groups",
        arity: 3,
        flags: READONLY,
        acl: acl::STREAM,
        keys: at2(RO_ACCESS),
        group: Group::Stream,
        since: "5.0.0",
        summary: "Lists the consumer groups of a stream.",
        syntax: "key",
        handler: Some(xinfo_groups_command),
        ..Command::BASE
    },
];

#[cfg(test)]
mod tests {
    use crate::testing::{TestEngine, check};

    #[test]
    fn stream_basics() {
        check(&[
            (&["XADD", "s", "1-1", "a", "1"], "$3|1-1|"),
            (&["XADD", "s", "1-*", "b", "2"], "$3|1-2|"),
            (
                &["XADD", "s", "1-1", "a", "1"],
                "-ERR The ID specified in XADD is equal or smaller than the target stream top item|",
            ),
            (
                &["XADD", "s", "0-0", "a", "1"],
                "-ERR The ID specified in XADD must be greater than 0-0|",
            ),
            (&["XLEN", "s"], ":2|"),
            (&["TYPE", "s"], "+stream|"),
            (&["OBJECT", "ENCODING", "s"], "$6|stream|"),
            (&["XRANGE", "s", "(1-1", "+"], "*1|*2|$3|1-2|*2|$1|b|$1|2|"),
            (&["XDEL", "s", "1-1", "1-2"], ":2|"),
            // An empty stream stays.
            (&["EXISTS", "s"], ":1|"),
            (&["XADD", "s", "NOMKSTREAM", "2-0", "a", "1"], "$3|2-0|"),
            (&["XADD", "n", "NOMKSTREAM", "2-0", "a", "1"], "$-1|"),
            (&["XINFO", "GROUPS", "nosuch"], "-ERR no such key|"),
        ]);
    }

    #[test]
    fn stream_writes_propagate_as_redis_writes_its_aof() {
        let mut t = TestEngine::new();
        t.set_time_ms(1796317728225);
        t.record_propagation();
        for args in [
            &["XADD", "s", "5-*", "a", "1"][..],
            &["XADD", "s", "5-*", "a", "2"],
            &[
                "XADD", "s", "MAXLEN", "~", "10", "LIMIT", "5", "6-0", "a", "2",
            ],
            &["XGROUP", "CREATE", "s", "g", "0"],
            &[
                "XREADGROUP",
                "GROUP",
                "g",
                "c",
                "COUNT",
                "1",
                "STREAMS",
                "s",
                ">",
            ],
            &[
                "XREADGROUP",
                "GROUP",
                "g",
                "d",
                "NOACK",
                "STREAMS",
                "s",
                ">",
            ],
            &[
                "XCLAIM", "s", "g", "e", "0", "5-0", "JUSTID", "TIME", "1000",
            ],
            &["XCLAIM", "s", "g", "e", "0", "9-0", "LASTID", "9-0"],
            &["XTRIM", "s", "MINID", "~", "0"],
            &["XTRIM", "s", "MAXLEN", "~", "0"],
            &["XADD", "s", "MINID", "~", "0", "7-0", "a", "3"],
            &["XAUTOCLAIM", "s", "g", "f", "0", "0"],
            &["XDEL", "s", "5-0"],
            &["XAUTOCLAIM", "s", "g", "f", "0", "0"],
            &["XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "0"],
            &["XSETID", "s", "10-0"],
            &["XACK", "s", "g", "5-1"],
        ] {
            t.run(args);
        }
        assert_eq!(
            t.propagated(),
            [
                "SELECT 0",
                "XADD s 5-0 a 1",
                "XADD s 5-1 a 2",
                "XADD s MAXLEN = 3 LIMIT 5 6-0 a 2",
                "XGROUP CREATE s g 0",
                "XCLAIM s g c 0 5-0 TIME 1796317728225 RETRYCOUNT 1 FORCE JUSTID LASTID 5-0",
                "MULTI",
                "XGROUP CREATECONSUMER s g d",
                "XGROUP SETID s g 6-0 ENTRIESREAD 3",
                "EXEC",
                "XCLAIM s g e 0 5-0 TIME 1000 RETRYCOUNT 1 FORCE JUSTID LASTID 6-0",
                "XGROUP SETID s g 9-0 ENTRIESREAD 3",
                "XTRIM s MAXLEN = 0",
                "XADD s MINID = 7-0 7-0 a 3",
                "XCLAIM s g e 0 5-0 TIME 1000 RETRYCOUNT 1 FORCE JUSTID LASTID 9-0",
                "XSETID s 10-0",
            ]
        );
    }
}
