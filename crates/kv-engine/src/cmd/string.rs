//! String commands (Redis's t_string.c): GET, SET and its variants, counters,
//! APPEND, ranges, LCS.
//!
//! Expiry arguments are turned into absolute Unix milliseconds at once, with
//! Redis's validation and error texts (`invalid expire time in '<cmd>' command`).

use crate::command::flags::*;
use crate::command::table::*;
use crate::command::{Command, Group, Keys, acl};
use resp_proto::Argv;

use super::args::{ExpireUnit, expire_arg};
use super::{int_arg, is};
use crate::db::Value;
use crate::effects::events;
use crate::error::{CmdError, CmdResult};
use crate::{Ctx, Reply};
use kv_types::string::Str;

/// The string at `key` for reading: `Ok(None)` when missing, WRONGTYPE when not
/// a string.
fn read_str<'c>(ctx: &'c mut Ctx<'_>, key: &[u8]) -> Result<Option<&'c Str>, CmdError> {
    let Some(id) = ctx.lookup_read(key) else {
        return Ok(None);
    };
    match &ctx.db().entry(id).value {
        Value::Str(s) => Ok(Some(s)),
        _ => Err(CmdError::WrongType),
    }
}

fn reply_str(ctx: &mut Ctx<'_>, value: Option<&Str>) {
    match value {
        Some(s) => write_str(&mut ctx.reply, s),
        None => ctx.reply.null(),
    }
}

/// Writes a string value as a bulk reply straight from where it is stored.
fn write_str(reply: &mut Reply<'_>, value: &Str) {
    match value {
        Str::Int(n) => reply.bulk_int(*n),
        s => reply.bulk(s.to_bytes(&mut kv_types::string::itoa_buf::Buffer::new())),
    }
}

/// GET key
pub fn get_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    // The reply is written from the stored value, with no copy in between.
    match ctx.read_typed::<Str>(argv.arg(1))? {
        Some((value, reply)) => write_str(reply, value),
        None => ctx.reply.null(),
    }
    Ok(())
}

/// The expiry option SET and GETEX share.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Expiry {
    None,
    At(u64),
    KeepTtl,
    Persist,
}

/// Parses SET's options (parseExtendedStringArgumentsOrReply): conditions,
/// GET, and one kind of expiry; `getex` selects GETEX's option set.
struct SetOptions {
    nx: bool,
    xx: bool,
    get: bool,
    expiry: Expiry,
}

fn parse_set_options(
    ctx: &Ctx<'_>,
    argv: Argv<'_>,
    first: usize,
    getex: bool,
    cmd: &str,
) -> Result<SetOptions, CmdError> {
    let mut o = SetOptions {
        nx: false,
        xx: false,
        get: false,
        expiry: Expiry::None,
    };
    // Which expiry keyword was used: repeating the same one is allowed (the last
    // value wins), mixing two kinds is a syntax error, as in Redis.
    let mut kind: Option<&'static str> = None;
    let mut i = first;
    while let Some(opt) = argv.get(i) {
        let timed = [
            ("ex", ExpireUnit::Seconds, true),
            ("px", ExpireUnit::Millis, true),
            ("exat", ExpireUnit::Seconds, false),
            ("pxat", ExpireUnit::Millis, false),
        ]
        .into_iter()
        .find(|(name, _, _)| is(opt, name));
        if let Some((name, unit, relative)) = timed {
            if kind.is_some_and(|k| k != name) {
                return Err(CmdError::Syntax);
            }
            let Some(arg) = argv.get(i + 1) else {
                return Err(CmdError::Syntax);
            };
            kind = Some(name);
            o.expiry = Expiry::At(expire_arg(ctx, arg, unit, relative, cmd)?);
            i += 2;
            continue;
        }
        if !getex && is(opt, "nx") && !o.xx {
            o.nx = true;
        } else if !getex && is(opt, "xx") && !o.nx {
            o.xx = true;
        } else if !getex && is(opt, "get") {
            o.get = true;
        } else if !getex && is(opt, "keepttl") && kind.is_none_or(|k| k == "keepttl") {
            kind = Some("keepttl");
            o.expiry = Expiry::KeepTtl;
        } else if getex && is(opt, "persist") && kind.is_none_or(|k| k == "persist") {
            kind = Some("persist");
            o.expiry = Expiry::Persist;
        } else {
            return Err(CmdError::Syntax);
        }
        i += 1;
    }
    Ok(o)
}

/// Stores a string value, applying the expiry (setGenericCommand's core).
fn store(ctx: &mut Ctx<'_>, key: &[u8], value: &[u8], expiry: Expiry) {
    let found = ctx.lookup_write(key);
    store_found(ctx, key, found, value, expiry);
}

/// [`store`] when the key was already looked up (`found`), so that SET looks
/// its key up once. A timed store propagates as `SET key value PXAT <ms>`.
fn store_found(
    ctx: &mut Ctx<'_>,
    key: &[u8],
    found: Option<kv_types::dict::Id>,
    value: &[u8],
    expiry: Expiry,
) {
    let clock = ctx.access_clock();
    let db = ctx.db();
    let id = db.set_found(
        found,
        key,
        Value::Str(Str::new(value)),
        expiry == Expiry::KeepTtl,
        clock,
    );
    ctx.changed(key, events::SET);
    if let Expiry::At(at) = expiry {
        ctx.db().set_expire(id, at);
        ctx.changed_by(key, events::EXPIRE, 0);
        let mut buf = itoa::Buffer::new();
        ctx.propagate_as(&[b"SET", key, value, b"PXAT", buf.format(at).as_bytes()]);
    }
}

/// SET key value [NX|XX] [GET] [EX seconds|PX milliseconds|EXAT unix-time-seconds|PXAT unix-time-milliseconds|KEEPTTL]
pub fn set_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let key = argv.arg(1);
    let value = argv.arg(2);
    let o = parse_set_options(ctx, argv, 3, false, "set")?;
    set_generic(ctx, key, value, o.nx, o.xx, o.get, o.expiry)?;
    if o.get && !matches!(o.expiry, Expiry::At(_)) && ctx.propagating() {
        // Replicas need no GET (a timed SET was rewritten whole already).
        let args: Vec<&[u8]> = argv
            .iter()
            .enumerate()
            .filter(|(i, a)| *i < 3 || !is(a, "get"))
            .map(|(_, a)| a)
            .collect();
        ctx.propagate_as(&args);
    }
    Ok(())
}

fn set_generic(
    ctx: &mut Ctx<'_>,
    key: &[u8],
    value: &[u8],
    nx: bool,
    xx: bool,
    get: bool,
    expiry: Expiry,
) -> CmdResult {
    let old = if get {
        // GET reads the old value first, so a wrong type fails before writing.
        Some(read_str(ctx, key)?.cloned())
    } else {
        None
    };
    let found = ctx.lookup_write(key);
    let exists = found.is_some();
    if (nx && exists) || (xx && !exists) {
        match old {
            Some(v) => reply_str(ctx, v.as_ref()),
            None => ctx.reply.null(),
        }
        return Ok(());
    }
    store_found(ctx, key, found, value, expiry);
    match old {
        Some(v) => reply_str(ctx, v.as_ref()),
        None => ctx.reply.ok(),
    }
    Ok(())
}

/// SETNX key value
pub fn setnx_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let key = argv.arg(1);
    if ctx.lookup_write(key).is_some() {
        ctx.reply.integer(0);
    } else {
        store(ctx, key, argv.arg(2), Expiry::None);
        ctx.reply.integer(1);
    }
    Ok(())
}

/// SETEX key seconds value
pub fn setex_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    setex_generic(ctx, argv, ExpireUnit::Seconds, "setex")
}

/// PSETEX key milliseconds value
pub fn psetex_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    setex_generic(ctx, argv, ExpireUnit::Millis, "psetex")
}

fn setex_generic(ctx: &mut Ctx<'_>, argv: Argv<'_>, unit: ExpireUnit, cmd: &str) -> CmdResult {
    let at = expire_arg(ctx, argv.arg(2), unit, true, cmd)?;
    let (key, value) = (argv.arg(1), argv.arg(3));
    store(ctx, key, value, Expiry::At(at));
    ctx.reply.ok();
    Ok(())
}

/// GETSET key value
pub fn getset_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let (key, value) = (argv.arg(1), argv.arg(2));
    set_generic(ctx, key, value, false, false, true, Expiry::None)?;
    ctx.propagate_as(&[b"SET", key, value]);
    Ok(())
}

/// GETEX key [EX seconds|PX milliseconds|EXAT unix-time-seconds|PXAT unix-time-milliseconds|PERSIST]
pub fn getex_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let key = argv.arg(1);
    let o = parse_set_options(ctx, argv, 2, true, "getex")?;
    let Some(value) = read_str(ctx, key)?.cloned() else {
        ctx.reply.null();
        return Ok(());
    };
    reply_str(ctx, Some(&value));
    let now = ctx.now_ms();
    let db = ctx.db();
    let id = db.lookup(key, now).expect("read above");
    match o.expiry {
        Expiry::At(at) if at <= now => {
            db.remove_id(id);
            ctx.changed(key, events::DEL);
            let lazy = ctx.engine.config.lazyfree_lazy_expire;
            ctx.propagate_as_del(key, lazy);
        }
        Expiry::At(at) => {
            db.set_expire(id, at);
            ctx.changed(key, events::EXPIRE);
            let mut buf = itoa::Buffer::new();
            ctx.propagate_as(&[b"PEXPIREAT", key, buf.format(at).as_bytes()]);
        }
        Expiry::Persist => {
            if db.persist(id) {
                ctx.changed(key, events::PERSIST);
                ctx.propagate_as(&[b"PERSIST", key]);
            }
        }
        Expiry::None | Expiry::KeepTtl => {}
    }
    Ok(())
}

/// GETDEL key
pub fn getdel_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let key = argv.arg(1);
    let value = read_str(ctx, key)?.cloned();
    reply_str(ctx, value.as_ref());
    if value.is_some() {
        let now = ctx.now_ms();
        ctx.db().delete(key, now);
        ctx.changed(key, events::DEL);
        let lazy = ctx.engine.config.lazyfree_lazy_user_del;
        ctx.propagate_as_del(key, lazy);
    }
    Ok(())
}

/// MGET key [key ...] — a key of another type reads as nil.
pub fn mget_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    ctx.reply.array(argv.len() - 1);
    for key in argv.iter().skip(1) {
        let value = match ctx.lookup_read(key) {
            Some(id) => ctx.db().entry(id).value.as_str().cloned(),
            None => None,
        };
        reply_str(ctx, value.as_ref());
    }
    Ok(())
}

/// MSET key value [key value ...]
pub fn mset_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    if argv.len().is_multiple_of(2) {
        return Err(CmdError::WrongArity("mset".into()));
    }
    mset_generic(ctx, argv);
    ctx.reply.ok();
    Ok(())
}

fn mset_generic(ctx: &mut Ctx<'_>, argv: Argv<'_>) {
    let mut i = 1;
    while let (Some(key), Some(value)) = (argv.get(i), argv.get(i + 1)) {
        store(ctx, key, value, Expiry::None);
        i += 2;
    }
}

/// MSETNX key value [key value ...] — all or nothing.
pub fn msetnx_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    if argv.len().is_multiple_of(2) {
        return Err(CmdError::WrongArity("msetnx".into()));
    }
    let any_exists = (1..argv.len())
        .step_by(2)
        .any(|i| ctx.lookup_write(argv.arg(i)).is_some());
    if any_exists {
        ctx.reply.integer(0);
    } else {
        mset_generic(ctx, argv);
        ctx.reply.integer(1);
    }
    Ok(())
}

/// INCR/DECR/INCRBY/DECRBY: adds `by` to the integer at `key`.
fn incr_generic(ctx: &mut Ctx<'_>, key: &[u8], by: i64) -> CmdResult {
    let now = ctx.now_ms();
    let clock = ctx.access_clock();
    let db = ctx.db();
    let id = db.lookup(key, now);
    let current = match id {
        None => 0,
        Some(id) => match &db.entry(id).value {
            Value::Str(s) => s.as_i64().ok_or(CmdError::NotInteger)?,
            _ => return Err(CmdError::WrongType),
        },
    };
    let next = current.checked_add(by).ok_or(CmdError::Overflow)?;
    match id {
        Some(id) => {
            let entry = db.entry_mut(id);
            entry.value = Value::Str(Str::from_i64(next));
            entry.access = clock;
        }
        None => {
            db.insert(key, Value::Str(Str::from_i64(next)), clock);
        }
    }
    ctx.changed(key, events::INCRBY);
    ctx.reply.integer(next);
    Ok(())
}

/// INCR key
pub fn incr_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    incr_generic(ctx, argv.arg(1), 1)
}

/// DECR key
pub fn decr_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    incr_generic(ctx, argv.arg(1), -1)
}

/// INCRBY key increment
pub fn incrby_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let by = int_arg(argv.arg(2))?;
    incr_generic(ctx, argv.arg(1), by)
}

/// DECRBY key decrement
pub fn decrby_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let by = int_arg(argv.arg(2))?;
    if by == i64::MIN {
        return Err(CmdError::err("decrement would overflow"));
    }
    incr_generic(ctx, argv.arg(1), -by)
}

/// Formats an INCRBYFLOAT result as Redis does: plain decimal notation, no
/// exponent, no trailing zeros.
pub fn format_float_human(value: f64) -> String {
    // Rust's `Display` for f64 prints the shortest decimal that reads back
    // exactly, never in exponent form: the same text as Redis's "%.17Lf with
    // trailing zeros removed" for every value that is exact in both precisions.
    let text = format!("{value}");
    if text == "-0" { "0".into() } else { text }
}

/// INCRBYFLOAT key increment
pub fn incrbyfloat_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let key = argv.arg(1);
    let increment = argv.arg(2);
    let now = ctx.now_ms();
    let clock = ctx.access_clock();
    let db = ctx.db();
    let id = db.lookup(key, now);
    let current = match id {
        None => None,
        Some(id) => match &db.entry(id).value {
            Value::Str(s) => Some(s.to_vec()),
            _ => return Err(CmdError::WrongType),
        },
    };
    let text = crate::longdouble::incr(current.as_deref(), increment).map_err(|e| match e {
        crate::longdouble::IncrError::CurrentNotFloat
        | crate::longdouble::IncrError::IncrementNotFloat => CmdError::NotFloat,
        crate::longdouble::IncrError::NanOrInfinity => {
            CmdError::err("increment would produce NaN or Infinity")
        }
    })?;
    let value = Value::Str(Str::bytes(&text, false));
    match id {
        Some(id) => {
            let entry = db.entry_mut(id);
            entry.value = value;
            entry.access = clock;
        }
        None => {
            db.insert(key, value, clock);
        }
    }
    ctx.changed(key, events::INCRBYFLOAT);
    // The float's printed form is what replicas must store, whatever their
    // own arithmetic would give.
    ctx.propagate_as(&[b"SET", key, &text, b"KEEPTTL"]);
    ctx.reply.bulk(&text);
    Ok(())
}

/// The length of the string at `key` for an in-place modification: `None` when
/// missing, WRONGTYPE when not a string.
fn existing_len(
    ctx: &mut Ctx<'_>,
    key: &[u8],
) -> Result<Option<(kv_types::dict::Id, usize)>, CmdError> {
    let Some(id) = ctx.lookup_write(key) else {
        return Ok(None);
    };
    match &ctx.db().entry(id).value {
        Value::Str(s) => Ok(Some((id, s.len()))),
        _ => Err(CmdError::WrongType),
    }
}

fn check_size(ctx: &Ctx<'_>, len: u64) -> CmdResult {
    if len > ctx.engine.config.proto_max_bulk_len {
        return Err(CmdError::StringTooLong);
    }
    Ok(())
}

/// The bytes of an existing string value, made growable (Redis turns strings
/// it modifies in place into raw sds strings with spare room).
fn bytes_mut<'c>(ctx: &'c mut Ctx<'_>, id: kv_types::dict::Id) -> &'c mut Vec<u8> {
    match &mut ctx.db().entry_mut(id).value {
        Value::Str(s) => s.make_mut(),
        _ => unreachable!("callers checked the type with existing_len"),
    }
}

/// APPEND key value
pub fn append_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let key = argv.arg(1);
    let tail = argv.arg(2);
    let Some((id, len)) = existing_len(ctx, key)? else {
        // A fresh key is created like SET would, not as a raw string.
        let clock = ctx.access_clock();
        ctx.db().insert(key, Value::Str(Str::new(tail)), clock);
        ctx.changed(key, events::APPEND);
        ctx.reply.integer(tail.len() as i64);
        return Ok(());
    };
    check_size(ctx, (len + tail.len()) as u64)?;
    let bytes = bytes_mut(ctx, id);
    bytes.extend_from_slice(tail);
    let new_len = bytes.len();
    ctx.changed(key, events::APPEND);
    ctx.reply.integer(new_len as i64);
    Ok(())
}

/// STRLEN key
pub fn strlen_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let len = read_str(ctx, argv.arg(1))?.map_or(0, Str::len);
    ctx.reply.integer(len as i64);
    Ok(())
}

/// GETRANGE key start end (and SUBSTR)
pub fn getrange_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let mut start = int_arg(argv.arg(2))?;
    let mut end = int_arg(argv.arg(3))?;
    let Some(value) = read_str(ctx, argv.arg(1))?.map(Str::to_vec) else {
        ctx.reply.bulk(b"");
        return Ok(());
    };
    // getrangeCommand's index arithmetic, including its edge cases.
    if start < 0 && end < 0 && start > end {
        ctx.reply.bulk(b"");
        return Ok(());
    }
    let len = value.len() as i64;
    if start < 0 {
        start += len;
    }
    if end < 0 {
        end += len;
    }
    start = start.max(0);
    end = end.max(0);
    if end >= len {
        end = len - 1;
    }
    if start > end || len == 0 {
        ctx.reply.bulk(b"");
    } else {
        ctx.reply.bulk(&value[start as usize..=end as usize]);
    }
    Ok(())
}

/// SETRANGE key offset value
pub fn setrange_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let key = argv.arg(1);
    let offset = int_arg(argv.arg(2))?;
    let patch = argv.arg(3);
    if offset < 0 {
        return Err(CmdError::err("offset is out of range"));
    }
    let existing = existing_len(ctx, key)?;
    if patch.is_empty() {
        // Nothing to write: report the length, create nothing.
        ctx.reply.integer(existing.map_or(0, |(_, len)| len) as i64);
        return Ok(());
    }
    check_size(ctx, offset as u64 + patch.len() as u64)?;
    let offset = offset as usize;
    let id = match existing {
        Some((id, _)) => id,
        None => {
            let clock = ctx.access_clock();
            ctx.db()
                .insert(key, Value::Str(Str::bytes(b"", true)), clock)
        }
    };
    let bytes = bytes_mut(ctx, id);
    if bytes.len() < offset + patch.len() {
        bytes.resize(offset + patch.len(), 0);
    }
    bytes[offset..offset + patch.len()].copy_from_slice(patch);
    let new_len = bytes.len();
    ctx.changed(key, events::SETRANGE);
    ctx.reply.integer(new_len as i64);
    Ok(())
}

/// LCS key1 key2 [LEN] [IDX] [MINMATCHLEN min-match-len] [WITHMATCHLEN]
pub fn lcs_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let (mut want_len, mut want_idx, mut with_match_len) = (false, false, false);
    let mut min_match_len: i64 = 0;
    let mut i = 3;
    while let Some(opt) = argv.get(i) {
        if is(opt, "idx") {
            want_idx = true;
        } else if is(opt, "len") {
            want_len = true;
        } else if is(opt, "withmatchlen") {
            with_match_len = true;
        } else if is(opt, "minmatchlen") && argv.get(i + 1).is_some() {
            min_match_len = int_arg(argv.arg(i + 1))?.max(0);
            i += 1;
        } else {
            return Err(CmdError::Syntax);
        }
        i += 1;
    }
    // Both keys are read before the option check, as Redis does.
    let a = read_lcs_operand(ctx, argv.arg(1))?;
    let b = read_lcs_operand(ctx, argv.arg(2))?;
    if want_len && want_idx {
        return Err(CmdError::err(
            "If you want both the length and indexes, please just use IDX.",
        ));
    }
    let cells = (a.len() as u64 + 1).saturating_mul(b.len() as u64 + 1);
    if cells.saturating_mul(4) > ctx.engine.config.proto_max_bulk_len || cells >= u32::MAX as u64 {
        return Err(CmdError::err(
            "Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len",
        ));
    }
    let (alen, blen) = (a.len(), b.len());
    let width = blen + 1;
    let mut table = vec![0u32; (alen + 1) * width];
    for i in 1..=alen {
        for j in 1..=blen {
            table[i * width + j] = if a[i - 1] == b[j - 1] {
                table[(i - 1) * width + j - 1] + 1
            } else {
                table[(i - 1) * width + j].max(table[i * width + j - 1])
            };
        }
    }
    let lcs_len = table[alen * width + blen] as usize;
    if want_len && !want_idx {
        ctx.reply.integer(lcs_len as i64);
        return Ok(());
    }
    // Walk back from the end collecting the LCS and, for IDX, the ranges of
    // matching runs (Redis's walk: a run is emitted when a mismatch ends it or
    // when it reaches the start of either string).
    let mut lcs = vec![0u8; lcs_len];
    let mut idx = lcs_len;
    let mut ranges: Vec<LcsMatch> = Vec::new();
    let (mut i, mut j) = (alen, blen);
    let mut run: Option<((usize, usize), (usize, usize))> = None;
    while i > 0 && j > 0 {
        let mut emit = false;
        if a[i - 1] == b[j - 1] {
            idx -= 1;
            lcs[idx] = a[i - 1];
            match &mut run {
                None => run = Some(((i - 1, i - 1), (j - 1, j - 1))),
                Some((ra, rb)) => {
                    // Runs are found backwards: this byte extends the run's start.
                    ra.0 -= 1;
                    rb.0 -= 1;
                }
            }
            if run.is_some_and(|(ra, rb)| ra.0 == 0 || rb.0 == 0) {
                emit = true;
            }
            i -= 1;
            j -= 1;
        } else {
            if table[(i - 1) * width + j] > table[i * width + j - 1] {
                i -= 1;
            } else {
                j -= 1;
            }
            emit = run.is_some();
        }
        if emit && let Some((ra, rb)) = run.take() {
            let match_len = ra.1 - ra.0 + 1;
            if min_match_len == 0 || match_len as i64 >= min_match_len {
                ranges.push((ra, rb, match_len));
            }
        }
    }
    if !want_idx {
        ctx.reply.bulk(&lcs);
        return Ok(());
    }
    ctx.reply.map(2);
    ctx.reply.bulk(b"matches");
    ctx.reply.array(ranges.len());
    for (ra, rb, match_len) in &ranges {
        ctx.reply.array(if with_match_len { 3 } else { 2 });
        ctx.reply.array(2);
        ctx.reply.integer(ra.0 as i64);
        ctx.reply.integer(ra.1 as i64);
        ctx.reply.array(2);
        ctx.reply.integer(rb.0 as i64);
        ctx.reply.integer(rb.1 as i64);
        if with_match_len {
            ctx.reply.integer(*match_len as i64);
        }
    }
    ctx.reply.bulk(b"len");
    ctx.reply.integer(lcs_len as i64);
    Ok(())
}

/// A matching run: its range in the first string, in the second, its length.
type LcsMatch = ((usize, usize), (usize, usize), usize);

fn read_lcs_operand(ctx: &mut Ctx<'_>, key: &[u8]) -> Result<Vec<u8>, CmdError> {
    match read_str(ctx, key) {
        Ok(v) => Ok(v.map(Str::to_vec).unwrap_or_default()),
        Err(CmdError::WrongType) => Err(CmdError::err(
            "The specified keys must contain string values",
        )),
        Err(e) => Err(e),
    }
}

/// This family's entries of the command table (see `command::table`).
pub static COMMANDS: &[Command] = &[
    Command {
        name: "get",
        arity: 2,
        flags: READONLY | FAST,
        acl: acl::STRING,
        keys: Keys::one(RO_ACCESS),
        group: Group::String,
        summary: "Returns the string value of a key.",
        syntax: "key",
        handler: Some(get_command),
        ..Command::BASE
    },
    Command {
        name: "set",
        arity: -3,
        flags: WRITE | DENYOOM,
        acl: acl::STRING,
        keys: Keys::one(RW_ACCESS_UPDATE_VARIABLE),
        group: Group::String,
        summary: "Sets the string value of a key, optionally only if it exists or not, returning the old value.",
        syntax: "key value [NX|XX] [GET] [EX seconds|PX milliseconds|EXAT unix-time-seconds|PXAT unix-time-milliseconds|KEEPTTL]",
        handler: Some(set_command),
        ..Command::BASE
    },
    Command {
        name: "mget",
        arity: -2,
        flags: READONLY | FAST,
        acl: acl::STRING,
        keys: Keys::range(1, -1, 1, RO_ACCESS),
        group: Group::String,
        summary: "Returns the string values of one or more keys.",
        complexity: "O(N) where N is the number of keys to retrieve.",
        syntax: "key [key ...]",
        tips: &["request_policy:multi_shard"],
        handler: Some(mget_command),
        ..Command::BASE
    },
    Command {
        name: "mset",
        arity: -3,
        flags: WRITE | DENYOOM,
        acl: acl::STRING,
        keys: Keys::range(1, -1, 2, OW_UPDATE),
        group: Group::String,
        since: "1.0.1",
        summary: "Sets the string values of one or more keys.",
        complexity: "O(N) where N is the number of keys to set.",
        syntax: "key value [key value ...]",
        tips: &[
            "request_policy:multi_shard",
            "response_policy:all_succeeded",
        ],
        handler: Some(mset_command),
        ..Command::BASE
    },
    Command {
        name: "incr",
        arity: 2,
        flags: WRITE | DENYOOM | FAST,
        acl: acl::STRING,
        keys: Keys::one(RW_ACCESS_UPDATE),
        group: Group::String,
        summary: "Increments the integer value of a key by one; a missing key counts as 0.",
        syntax: "key",
        handler: Some(incr_command),
        ..Command::BASE
    },
    Command {
        name: "setnx",
        arity: 3,
        flags: WRITE | DENYOOM | FAST,
        acl: acl::STRING,
        keys: Keys::one(&["OW", "insert"]),
        group: Group::String,
        since: "1.0.0",
        summary: "Sets the string value of a key only when the key does not exist.",
        complexity: "O(1)",
        syntax: "key value",
        handler: Some(setnx_command),
        ..Command::BASE
    },
    Command {
        name: "setex",
        arity: 4,
        flags: WRITE | DENYOOM,
        acl: acl::STRING,
        keys: Keys::one(OW_UPDATE),
        group: Group::String,
        since: "2.0.0",
        summary: "Sets the string value and expiration time of a key, in seconds.",
        complexity: "O(1)",
        syntax: "key seconds value",
        handler: Some(setex_command),
        ..Command::BASE
    },
    Command {
        name: "psetex",
        arity: 4,
        flags: WRITE | DENYOOM,
        acl: acl::STRING,
        keys: Keys::one(OW_UPDATE),
        group: Group::String,
        since: "2.6.0",
        summary: "Sets the string value and expiration time of a key, in milliseconds.",
        complexity: "O(1)",
        syntax: "key milliseconds value",
        handler: Some(psetex_command),
        ..Command::BASE
    },
    Command {
        name: "getex",
        arity: -2,
        flags: WRITE | FAST,
        acl: acl::STRING,
        keys: Keys::one(RW_ACCESS_UPDATE),
        group: Group::String,
        since: "6.2.0",
        summary: "Returns the string value of a key after setting or removing its expiration.",
        complexity: "O(1)",
        syntax: "key [EX seconds|PX milliseconds|EXAT unix-time-seconds|PXAT unix-time-milliseconds|PERSIST]",
        handler: Some(getex_command),
        ..Command::BASE
    },
    Command {
        name: "getdel",
        arity: 2,
        flags: WRITE | FAST,
        acl: acl::STRING,
        keys: Keys::one(&["RW", "access", "delete"]),
        group: Group::String,
        since: "6.2.0",
        summary: "Returns the string value of a key and deletes the key.",
        complexity: "O(1)",
        syntax: "key",
        handler: Some(getdel_command),
        ..Command::BASE
    },
    Command {
        name: "getset",
        arity: 3,
        flags: WRITE | DENYOOM | FAST,
        acl: acl::STRING,
        keys: Keys::one(RW_ACCESS_UPDATE),
        group: Group::String,
        since: "1.0.0",
        summary: "Returns the previous string value of a key after setting it to a new value.",
        complexity: "O(1)",
        syntax: "key value",
        handler: Some(getset_command),
        ..Command::BASE
    },
    Command {
        name: "msetnx",
        arity: -3,
        flags: WRITE | DENYOOM,
        acl: acl::STRING,
        keys: Keys::range(1, -1, 2, &["OW", "insert"]),
        group: Group::String,
        since: "1.0.1",
        summary: "Sets the string values of one or more keys, only when none of the keys exist.",
        complexity: "O(N) where N is the number of keys to set.",
        syntax: "key value [key value ...]",
        tips: &["request_policy:multi_shard", "response_policy:agg_min"],
        handler: Some(msetnx_command),
        ..Command::BASE
    },
    Command {
        name: "decr",
        arity: 2,
        flags: WRITE | DENYOOM | FAST,
        acl: acl::STRING,
        keys: Keys::one(RW_ACCESS_UPDATE),
        group: Group::String,
        since: "1.0.0",
        summary: "Decrements the integer value of a key by one; a missing key counts as 0.",
        complexity: "O(1)",
        syntax: "key",
        handler: Some(decr_command),
        ..Command::BASE
    },
    Command {
        name: "incrby",
        arity: 3,
        flags: WRITE | DENYOOM | FAST,
        acl: acl::STRING,
        keys: Keys::one(RW_ACCESS_UPDATE),
        group: Group::String,
        since: "1.0.0",
        summary: "Increments the integer value of a key by a number; a missing key counts as 0.",
        complexity: "O(1)",
        syntax: "key increment",
        handler: Some(incrby_command),
        ..Command::BASE
    },
    Command {
        name: "decrby",
        arity: 3,
        flags: WRITE | DENYOOM | FAST,
        acl: acl::STRING,
        keys: Keys::one(RW_ACCESS_UPDATE),
        group: Group::String,
        since: "1.0.0",
        summary: "Decrements a number from the integer value of a key; a missing key counts as 0.",
        complexity: "O(1)",
        syntax: "key decrement",
        handler: Some(decrby_command),
        ..Command::BASE
    },
    Command {
        name: "incrbyfloat",
        arity: 3,
        flags: WRITE | DENYOOM | FAST,
        acl: acl::STRING,
        keys: Keys::one(RW_ACCESS_UPDATE),
        group: Group::String,
        since: "2.6.0",
        summary: "Increments the floating point value of a key by a number; a missing key counts as 0.",
        complexity: "O(1)",
        syntax: "key increment",
        handler: Some(incrbyfloat_command),
        ..Command::BASE
    },
    Command {
        name: "append",
        arity: 3,
        flags: WRITE | DENYOOM | FAST,
        acl: acl::STRING,
        keys: Keys::one(&["RW", "insert"]),
        group: Group::String,
        since: "2.0.0",
        summary: "Appends a string to the value of a key, creating the key if needed.",
        complexity: "O(1). The amortized time complexity is O(1) assuming the appended value is small and the already present value is of any size, since the dynamic string library used by Redis will double the free space available on every reallocation.",
        syntax: "key value",
        handler: Some(append_command),
        ..Command::BASE
    },
    Command {
        name: "strlen",
        arity: 2,
        flags: READONLY | FAST,
        acl: acl::STRING,
        keys: Keys::one(RO),
        group: Group::String,
        since: "2.2.0",
        summary: "Returns the length of a string value.",
        complexity: "O(1)",
        syntax: "key",
        handler: Some(strlen_command),
        ..Command::BASE
    },
    Command {
        name: "getrange",
        arity: 4,
        flags: READONLY,
        acl: acl::STRING,
        keys: Keys::one(RO_ACCESS),
        group: Group::String,
        since: "2.4.0",
        summary: "Returns a substring of the string stored at a key.",
        complexity: "O(N) where N is the length of the returned string. The complexity is ultimately determined by the returned length, but because creating a substring from an existing string is very cheap, it can be considered O(1) for small strings.",
        syntax: "key start end",
        handler: Some(getrange_command),
        ..Command::BASE
    },
    Command {
        name: "substr",
        arity: 4,
        flags: READONLY,
        acl: acl::STRING,
        keys: Keys::one(RO_ACCESS),
        group: Group::String,
        since: "1.0.0",
        summary: "Returns a substring of a string value (an old name of GETRANGE).",
        complexity: "O(N) where N is the length of the returned string. The complexity is ultimately determined by the returned length, but because creating a substring from an existing string is very cheap, it can be considered O(1) for small strings.",
        syntax: "key start end",
        handler: Some(getrange_command),
        ..Command::BASE
    },
    Command {
        name: "setrange",
        arity: 4,
        flags: WRITE | DENYOOM,
        acl: acl::STRING,
        keys: Keys::one(&["RW", "update"]),
        group: Group::String,
        since: "2.2.0",
        summary: "Overwrites part of a string value from an offset, creating the key if needed.",
        complexity: "O(1), not counting the time taken to copy the new string in place. Usually, this string is very small so the amortized complexity is O(1). Otherwise, complexity is O(M) with M being the length of the value argument.",
        syntax: "key offset value",
        handler: Some(setrange_command),
        ..Command::BASE
    },
    Command {
        name: "lcs",
        arity: -3,
        flags: READONLY,
        acl: acl::STRING,
        keys: Keys::range(1, 2, 1, RO_ACCESS),
        group: Group::String,
        since: "7.0.0",
        summary: "Finds the longest common substring of two strings.",
        complexity: "O(N*M) where N and M are the lengths of s1 and s2, respectively",
        syntax: "key1 key2 [LEN] [IDX] [MINMATCHLEN min-match-len] [WITHMATCHLEN]",
        handler: Some(lcs_command),
        ..Command::BASE
    },
];
