//! Argument parsing every command family shares, so that numbers, times,
//! cursors and names are read the same way everywhere and family files never
//! borrow from one another.

use resp_proto::Argv;

use crate::Ctx;
use crate::error::{CmdError, CmdResult};

/// Redis's string2ll rules, shared with the protocol parser.
pub use resp_proto::parse_i64;

/// An integer argument, or Redis's "not an integer" error.
pub fn int_arg(bytes: &[u8]) -> Result<i64, CmdError> {
    parse_i64(bytes).ok_or(CmdError::NotInteger)
}

/// A non-negative integer argument with a custom error text, for options such as
/// `COUNT` whose errors Redis words differently.
pub fn uint_arg(bytes: &[u8], err: &'static str) -> Result<u64, CmdError> {
    match parse_i64(bytes) {
        Some(n) if n >= 0 => Ok(n as u64),
        Some(_) => Err(CmdError::Generic(err.to_owned())),
        None => Err(CmdError::NotInteger),
    }
}

/// The `count [WITHVALUES|WITHSCORES]` arguments of HRANDFIELD and
/// ZRANDMEMBER (at 2 and 3), checked as Redis checks them before looking at
/// the key: the count must not be i64::MIN, and with pairs, which double the
/// reply, its range is halved.
pub fn rand_count_args(
    argv: resp_proto::Argv<'_>,
    pairs_keyword: &str,
) -> Result<(i64, bool), CmdError> {
    let count = int_arg(argv.arg(2))?;
    if count == i64::MIN {
        return Err(CmdError::err(format!(
            "value is out of range, value must between {} and {}",
            -i64::MAX,
            i64::MAX
        )));
    }
    let pairs = match argv.get(3) {
        None => false,
        Some(opt) if argv.len() == 4 && is(opt, pairs_keyword) => true,
        Some(_) => return Err(CmdError::Syntax),
    };
    if pairs && !(-(i64::MAX / 2)..=i64::MAX / 2).contains(&count) {
        return Err(CmdError::err("value is out of range"));
    }
    Ok((count, pairs))
}

/// Case-insensitive comparison of an argument with a keyword.
pub fn is(arg: &[u8], keyword: &str) -> bool {
    arg.eq_ignore_ascii_case(keyword.as_bytes())
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

/// A SCAN-family cursor, read as Redis reads it with strtoul: base 10, no
/// leading space, no trailing bytes, no overflow; but an empty string is 0, a
/// `+` sign is allowed, a `-` sign negates modulo 2^64 (`-1` is the largest
/// cursor), and the C string ends at a NUL byte.
pub fn parse_cursor(arg: &[u8]) -> Result<u64, CmdError> {
    let invalid = || CmdError::err("invalid cursor");
    let arg = arg.split(|&b| b == 0).next().unwrap_or_default();
    if arg.is_empty() {
        return Ok(0);
    }
    let (negative, digits) = match arg[0] {
        b'-' => (true, &arg[1..]),
        b'+' => (false, &arg[1..]),
        _ => (false, arg),
    };
    if digits.is_empty() {
        return Err(invalid());
    }
    let mut value = 0u64;
    for &d in digits {
        if !d.is_ascii_digit() {
            return Err(invalid());
        }
        value = value
            .checked_mul(10)
            .and_then(|v| v.checked_add(u64::from(d - b'0')))
            .ok_or_else(invalid)?;
    }
    Ok(if negative {
        value.wrapping_neg()
    } else {
        value
    })
}

/// MATCH / COUNT / TYPE options of the SCAN family.
pub struct ScanOptions<'a> {
    pub pattern: Option<&'a [u8]>,
    pub count: usize,
    pub type_name: Option<Vec<u8>>,
}

impl<'a> ScanOptions<'a> {
    pub fn parse(
        argv: Argv<'a>,
        first: usize,
        allow_type: bool,
    ) -> Result<ScanOptions<'a>, CmdError> {
        let mut o = ScanOptions {
            pattern: None,
            count: 10,
            type_name: None,
        };
        let mut i = first;
        while let Some(opt) = argv.get(i) {
            let Some(value) = argv.get(i + 1) else {
                return Err(CmdError::Syntax);
            };
            if is(opt, "count") {
                let n = int_arg(value)?;
                if n < 1 {
                    return Err(CmdError::Syntax);
                }
                o.count = n as usize;
            } else if is(opt, "match") {
                // "*" matches everything: skip the matcher entirely.
                o.pattern = (value != b"*").then_some(value);
            } else if allow_type && is(opt, "type") {
                o.type_name = Some(value.to_vec());
            } else {
                return Err(CmdError::Syntax);
            }
            i += 2;
        }
        Ok(o)
    }
}

/// Client and library names: printable ASCII without spaces, as Redis requires so
/// that CLIENT LIST stays parseable.
pub fn validate_name(name: &[u8]) -> CmdResult {
    if name.iter().any(|&b| !(b'!'..=b'~').contains(&b)) {
        return Err(CmdError::err(
            "Client names cannot contain spaces, newlines or special characters.",
        ));
    }
    Ok(())
}

/// Redis's addReplySubcommandSyntaxError: a known subcommand called with
/// arguments it does not take (`parent` is the container, as HELP names it).
pub fn subcommand_syntax_error(sub: &[u8], parent: &str) -> CmdError {
    CmdError::err(format!(
        "unknown subcommand or wrong number of arguments for '{}'. Try {parent} HELP.",
        crate::error::lossy_prefix(sub, 128)
    ))
}
