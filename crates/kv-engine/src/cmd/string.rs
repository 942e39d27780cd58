//! String commands (Redis's t_string.c): GET, SET and its variants, counters,
//! APPEND, ranges, LCS.
//!
//! Expiry arguments are turned into absolute Unix milliseconds at once, with
//! Redis's validation and error texts (`invalid expire time in '<cmd>' command`).

use resp_proto::Argv;

use super::{int_arg, is};
use crate::Ctx;
use crate::db::Value;
use crate::error::{CmdError, CmdResult};
use kv_types::string::Str;

/// The string at `key` for reading: `Ok(None)` when missing, WRONGTYPE when not
/// a string.
fn read_str<'c>(ctx: &'c mut Ctx<'_>, key: &[u8]) -> Result<Option<&'c Str>, CmdError> {
    let Some(id) = ctx.lookup_read(key) else {
        return Ok(None);
    };
    match &ctx.db().entry(id).value {
        Value::Str(s) => Ok(Some(s)),
    }
}

fn reply_str(ctx: &mut Ctx<'_>, value: Option<&Str>) {
    match value {
        Some(Str::Int(n)) => ctx.reply.bulk_int(*n),
        Some(s) => ctx.reply.bulk(&s.to_vec()),
        None => ctx.reply.null(),
    }
}

/// GET key
pub fn get_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let key = argv.get(1).unwrap_or_default();
    let value = read_str(ctx, key)?.cloned();
    reply_str(ctx, value.as_ref());
    Ok(())
}

/// Units an expiry argument is given in.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum ExpireUnit {
    Seconds,
    Millis,
}

/// EXPIRE's time argument as absolute Unix ms (may be in the past or negative:
/// the key is then deleted), with expireGenericCommand's overflow checks.
pub fn expire_arg_unchecked(
    ctx: &Ctx<'_>,
    arg: &[u8],
    unit: ExpireUnit,
    relative: bool,
    cmd: &str,
) -> Result<i64, CmdError> {
    let invalid = || CmdError::err(format!("invalid expire time in '{cmd}' command"));
    let mut when = int_arg(arg)?;
    if unit == ExpireUnit::Seconds {
        when = when.checked_mul(1000).ok_or_else(invalid)?;
    }
    if relative {
        when = when.checked_add(ctx.now_ms() as i64).ok_or_else(invalid)?;
    }
    Ok(when)
}

/// Turns an expire argument into absolute Unix ms, as Redis's
/// getExpireMillisecondsOrReply: positive, no overflow once made absolute.
pub fn expire_arg(
    ctx: &Ctx<'_>,
    arg: &[u8],
    unit: ExpireUnit,
    relative: bool,
    cmd: &str,
) -> Result<u64, CmdError> {
    let invalid = || CmdError::err(format!("invalid expire time in '{cmd}' command"));
    let mut ms = int_arg(arg)?;
    if ms <= 0 || (unit == ExpireUnit::Seconds && ms > i64::MAX / 1000) {
        return Err(invalid());
    }
    if unit == ExpireUnit::Seconds {
        ms *= 1000;
    }
    if relative {
        ms = ms.checked_add(ctx.now_ms() as i64).ok_or_else(invalid)?;
    }
    Ok(ms as u64)
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
    let now = ctx.now_ms();
    let clock = ctx.access_clock();
    let db = ctx.db();
    let id = db.set(
        key,
        Value::Str(Str::new(value)),
        expiry == Expiry::KeepTtl,
        now,
        clock,
    );
    if let Expiry::At(at) = expiry {
        db.set_expire(id, at);
    }
    ctx.dirty(1);
}

/// SET key value [NX|XX] [GET] [EX seconds|PX milliseconds|EXAT unix-time-seconds|PXAT unix-time-milliseconds|KEEPTTL]
pub fn set_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let key = argv.get(1).unwrap_or_default();
    let value = argv.get(2).unwrap_or_default();
    let o = parse_set_options(ctx, argv, 3, false, "set")?;
    set_generic(ctx, key, value, o.nx, o.xx, o.get, o.expiry)
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
    let exists = match &old {
        Some(v) => v.is_some(),
        None => ctx.lookup_write(key).is_some(),
    };
    if (nx && exists) || (xx && !exists) {
        match old {
            Some(v) => reply_str(ctx, v.as_ref()),
            None => ctx.reply.null(),
        }
        return Ok(());
    }
    store(ctx, key, value, expiry);
    match old {
        Some(v) => reply_str(ctx, v.as_ref()),
        None => ctx.reply.ok(),
    }
    Ok(())
}

/// SETNX key value
pub fn setnx_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let key = argv.get(1).unwrap_or_default();
    if ctx.lookup_write(key).is_some() {
        ctx.reply.integer(0);
    } else {
        store(ctx, key, argv.get(2).unwrap_or_default(), Expiry::None);
        ctx.reply.integer(1);
    }
    Ok(())
}

/// SETEX key seconds value
pub fn setex_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let at = expire_arg(
        ctx,
        argv.get(2).unwrap_or_default(),
        ExpireUnit::Seconds,
        true,
        "setex",
    )?;
    store(
        ctx,
        argv.get(1).unwrap_or_default(),
        argv.get(3).unwrap_or_default(),
        Expiry::At(at),
    );
    ctx.reply.ok();
    Ok(())
}

/// PSETEX key milliseconds value
pub fn psetex_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let at = expire_arg(
        ctx,
        argv.get(2).unwrap_or_default(),
        ExpireUnit::Millis,
        true,
        "psetex",
    )?;
    store(
        ctx,
        argv.get(1).unwrap_or_default(),
        argv.get(3).unwrap_or_default(),
        Expiry::At(at),
    );
    ctx.reply.ok();
    Ok(())
}

/// GETSET key value
pub fn getset_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let key = argv.get(1).unwrap_or_default();
    set_generic(
        ctx,
        key,
        argv.get(2).unwrap_or_default(),
        false,
        false,
        true,
        Expiry::None,
    )
}

/// GETEX key [EX seconds|PX milliseconds|EXAT unix-time-seconds|PXAT unix-time-milliseconds|PERSIST]
pub fn getex_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let key = argv.get(1).unwrap_or_default();
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
            ctx.dirty(1);
        }
        Expiry::At(at) => {
            db.set_expire(id, at);
            ctx.dirty(1);
        }
        Expiry::Persist => {
            if db.persist(id) {
                ctx.dirty(1);
            }
        }
        Expiry::None | Expiry::KeepTtl => {}
    }
    Ok(())
}

/// GETDEL key
pub fn getdel_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let key = argv.get(1).unwrap_or_default();
    let value = read_str(ctx, key)?.cloned();
    reply_str(ctx, value.as_ref());
    if value.is_some() {
        let now = ctx.now_ms();
        ctx.db().delete(key, now);
        ctx.dirty(1);
    }
    Ok(())
}

/// MGET key [key ...] — a key of another type reads as nil.
pub fn mget_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    ctx.reply.array(argv.len() - 1);
    for key in argv.iter().skip(1) {
        let value = match ctx.lookup_read(key) {
            Some(id) => match &ctx.db().entry(id).value {
                Value::Str(s) => Some(s.clone()),
            },
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
        .any(|i| ctx.lookup_write(argv.get(i).unwrap_or_default()).is_some());
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
    ctx.dirty(1);
    ctx.reply.integer(next);
    Ok(())
}

/// INCR key
pub fn incr_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    incr_generic(ctx, argv.get(1).unwrap_or_default(), 1)
}

/// DECR key
pub fn decr_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    incr_generic(ctx, argv.get(1).unwrap_or_default(), -1)
}

/// INCRBY key increment
pub fn incrby_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let by = int_arg(argv.get(2).unwrap_or_default())?;
    incr_generic(ctx, argv.get(1).unwrap_or_default(), by)
}

/// DECRBY key decrement
pub fn decrby_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let by = int_arg(argv.get(2).unwrap_or_default())?;
    if by == i64::MIN {
        return Err(CmdError::err("decrement would overflow"));
    }
    incr_generic(ctx, argv.get(1).unwrap_or_default(), -by)
}

/// Parses a float argument as Redis's string2ld: no spaces, no NaN, finite or
/// `inf` spellings strtold accepts.
pub fn parse_float(bytes: &[u8]) -> Option<f64> {
    if bytes.is_empty()
        || bytes.len() > 5120
        || bytes[0].is_ascii_whitespace()
        || bytes[bytes.len() - 1].is_ascii_whitespace()
    {
        return None;
    }
    let text = std::str::from_utf8(bytes).ok()?;
    let lower = text.to_ascii_lowercase();
    let value: f64 = match lower.trim_start_matches(['+', '-']) {
        "inf" | "infinity" => {
            if lower.starts_with('-') {
                f64::NEG_INFINITY
            } else {
                f64::INFINITY
            }
        }
        _ => {
            // Rust's parser accepts a few spellings strtold does not ("inf" was
            // handled above; "nan" is refused below), and strtold accepts hex
            // floats, which Redis users do not rely on.
            if lower.contains("nan") {
                return None;
            }
            text.parse().ok()?
        }
    };
    (!value.is_nan()).then_some(value)
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
    let key = argv.get(1).unwrap_or_default();
    let by = parse_float(argv.get(2).unwrap_or_default()).ok_or(CmdError::NotFloat)?;
    let now = ctx.now_ms();
    let clock = ctx.access_clock();
    let db = ctx.db();
    let id = db.lookup(key, now);
    let current = match id {
        None => 0.0,
        Some(id) => match &db.entry(id).value {
            Value::Str(s) => parse_float(&s.to_vec()).ok_or(CmdError::NotFloat)?,
        },
    };
    let next = current + by;
    if !next.is_finite() {
        return Err(CmdError::err("increment would produce NaN or Infinity"));
    }
    let text = format_float_human(next);
    let value = Value::Str(Str::bytes(text.as_bytes(), false));
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
    ctx.dirty(1);
    ctx.reply.bulk(text.as_bytes());
    Ok(())
}

/// The string at `key` for modification in place, or None when missing.
fn modify_str(ctx: &mut Ctx<'_>, key: &[u8]) -> Result<Option<Vec<u8>>, CmdError> {
    let Some(id) = ctx.lookup_write(key) else {
        return Ok(None);
    };
    match &ctx.db().entry(id).value {
        Value::Str(s) => Ok(Some(s.to_vec())),
    }
}

fn check_size(ctx: &Ctx<'_>, len: u64) -> CmdResult {
    if len > ctx.engine.config.proto_max_bulk_len {
        return Err(CmdError::StringTooLong);
    }
    Ok(())
}

/// Writes back a string changed in place: Redis makes such strings `raw`.
fn store_raw(ctx: &mut Ctx<'_>, key: &[u8], bytes: &[u8]) {
    let now = ctx.now_ms();
    let clock = ctx.access_clock();
    ctx.db()
        .set(key, Value::Str(Str::bytes(bytes, true)), true, now, clock);
    ctx.dirty(1);
}

/// APPEND key value
pub fn append_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let key = argv.get(1).unwrap_or_default();
    let tail = argv.get(2).unwrap_or_default();
    let new = match modify_str(ctx, key)? {
        None => {
            store(ctx, key, tail, Expiry::None);
            // A fresh key is created like SET would, not as a raw string.
            ctx.reply.integer(tail.len() as i64);
            return Ok(());
        }
        Some(mut bytes) => {
            check_size(ctx, (bytes.len() + tail.len()) as u64)?;
            bytes.extend_from_slice(tail);
            bytes
        }
    };
    store_raw(ctx, key, &new);
    ctx.reply.integer(new.len() as i64);
    Ok(())
}

/// STRLEN key
pub fn strlen_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let len = read_str(ctx, argv.get(1).unwrap_or_default())?.map_or(0, Str::len);
    ctx.reply.integer(len as i64);
    Ok(())
}

/// GETRANGE key start end (and SUBSTR)
pub fn getrange_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let mut start = int_arg(argv.get(2).unwrap_or_default())?;
    let mut end = int_arg(argv.get(3).unwrap_or_default())?;
    let Some(value) = read_str(ctx, argv.get(1).unwrap_or_default())?.map(Str::to_vec) else {
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
    let key = argv.get(1).unwrap_or_default();
    let offset = int_arg(argv.get(2).unwrap_or_default())?;
    let patch = argv.get(3).unwrap_or_default();
    if offset < 0 {
        return Err(CmdError::err("offset is out of range"));
    }
    let offset = offset as u64;
    let current = modify_str(ctx, key)?;
    if patch.is_empty() {
        // Nothing to write: report the length, create nothing.
        let len = current.map_or(0, |v| v.len());
        ctx.reply.integer(len as i64);
        return Ok(());
    }
    check_size(ctx, offset + patch.len() as u64)?;
    let mut bytes = current.unwrap_or_default();
    let offset = offset as usize;
    if bytes.len() < offset + patch.len() {
        bytes.resize(offset + patch.len(), 0);
    }
    bytes[offset..offset + patch.len()].copy_from_slice(patch);
    store_raw(ctx, key, &bytes);
    ctx.reply.integer(bytes.len() as i64);
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
            min_match_len = int_arg(argv.get(i + 1).unwrap_or_default())?.max(0);
            i += 1;
        } else {
            return Err(CmdError::Syntax);
        }
        i += 1;
    }
    // Both keys are read before the option check, as Redis does.
    let a = read_lcs_operand(ctx, argv.get(1).unwrap_or_default())?;
    let b = read_lcs_operand(ctx, argv.get(2).unwrap_or_default())?;
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
