//! The C library and Redis helper routines whose exact acceptance rules decide
//! what redis-server takes as a number: `strtoll`, Redis's strict `string2ll`,
//! `memtoull` (memory units), `string2d`, plus `sdscatrepr` (how CONFIG REWRITE
//! quotes strings) and `sdssplitlen` (how CONFIG SET splits multi-word values).
//!
//! They are reproduced rather than replaced by Rust's parsers because the
//! differences are visible: Redis's `maxmemory` accepts `1GB` and `""` but not
//! `+1`, `port` refuses `07`, `unixsocketperm` takes ` 0777`, and so on. Every
//! function is total: no input panics.

/// The part of `s` before the first NUL byte: most of Redis's parsers work on C
/// strings and silently stop there.
pub(crate) fn cstr(s: &[u8]) -> &[u8] {
    match s.iter().position(|&b| b == 0) {
        Some(n) => &s[..n],
        None => s,
    }
}

/// Result of [`strtoll`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct StrToLl {
    /// The converted value, clamped to the `i64` range on overflow.
    pub value: i64,
    /// Index of the first byte not used (C's `endptr`); 0 if no digits.
    pub end: usize,
    /// C's `errno == ERANGE`.
    pub overflow: bool,
}

/// C `isspace` in the C locale.
fn is_c_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// C `strtoll(s, &end, base)` for bases 8 and 10: leading whitespace, an
/// optional sign, then digits. The input is treated as a C string.
pub(crate) fn strtoll(s: &[u8], base: u32) -> StrToLl {
    let s = cstr(s);
    let mut i = 0;
    while i < s.len() && is_c_space(s[i]) {
        i += 1;
    }
    let mut negative = false;
    if i < s.len() && (s[i] == b'+' || s[i] == b'-') {
        negative = s[i] == b'-';
        i += 1;
    }
    let digits_start = i;
    // Accumulate the magnitude in u128 so that overflow is detected exactly.
    let mut mag: u128 = 0;
    let mut overflow = false;
    while i < s.len() {
        let d = match s[i] {
            c @ b'0'..=b'9' => u32::from(c - b'0'),
            _ => break,
        };
        if d >= base {
            break;
        }
        if !overflow {
            mag = mag * u128::from(base) + u128::from(d);
            if mag > 1u128 << 64 {
                overflow = true;
            }
        }
        i += 1;
    }
    if i == digits_start {
        return StrToLl {
            value: 0,
            end: 0,
            overflow: false,
        };
    }
    let value = if negative {
        if overflow || mag > 1u128 << 63 {
            overflow = true;
            i64::MIN
        } else {
            // mag <= 2^63, so the negation fits (2^63 itself is i64::MIN).
            (mag as i128).wrapping_neg() as i64
        }
    } else if overflow || mag > i64::MAX as u128 {
        overflow = true;
        i64::MAX
    } else {
        mag as i64
    };
    StrToLl {
        value,
        end: i,
        overflow,
    }
}

/// `strtoll` that must consume the whole C string: Redis's `*eptr == '\0'`
/// checks (save parameters, oom-score-adj-values, soft_seconds). Overflow is
/// not an error there (Redis does not look at errno), the value saturates.
pub(crate) fn strtoll_full(s: &[u8], base: u32) -> Option<i64> {
    let c = cstr(s);
    let r = strtoll(c, base);
    // No digits: C leaves endptr at the start, so only "" (or "\0...") passes.
    if r.end == 0 && !c.is_empty() {
        return None;
    }
    (r.end == c.len()).then_some(r.value)
}

/// Redis's `string2ll`: a strict decimal integer (no sign `+`, no spaces, no
/// leading zeros, no overflow). Works on the whole buffer, NUL bytes included.
pub(crate) fn string2ll(s: &[u8]) -> Option<i64> {
    if s.is_empty() || s.len() >= 21 {
        return None;
    }
    if s == b"0" {
        return Some(0);
    }
    let (negative, digits) = match s.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, s),
    };
    match digits.first() {
        Some(b'1'..=b'9') => {}
        _ => return None,
    }
    let mut v: u64 = 0;
    for &c in digits {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v.checked_mul(10)?.checked_add(u64::from(c - b'0'))?;
    }
    if negative {
        if v > 1u64 << 63 {
            return None;
        }
        Some((v as i128).wrapping_neg() as i64)
    } else {
        i64::try_from(v).ok()
    }
}

/// Redis 7.0.15's `memtoull`: digits then an optional unit (`b`, `k`, `kb`,
/// `m`, `mb`, `g`, `gb`, any case; `k` is 1000 and `kb` 1024). No sign, no
/// spaces. An empty number counts as 0 (`""`, `"kb"`). Too many digits
/// saturate and the unit multiplication wraps, both as in Redis.
pub(crate) fn memtoull(s: &[u8]) -> Option<u64> {
    let s = cstr(s);
    if s.first() == Some(&b'-') {
        return None;
    }
    let split = s
        .iter()
        .position(|b| !b.is_ascii_digit())
        .unwrap_or(s.len());
    let (digits, unit) = s.split_at(split);
    let mul: u64 = match unit.to_ascii_lowercase().as_slice() {
        b"" | b"b" => 1,
        b"k" => 1000,
        b"kb" => 1024,
        b"m" => 1000 * 1000,
        b"mb" => 1024 * 1024,
        b"g" => 1000 * 1000 * 1000,
        b"gb" => 1024 * 1024 * 1024,
        _ => return None,
    };
    // Redis copies the digits into a 128-byte buffer first.
    if digits.len() >= 128 {
        return None;
    }
    let mut v: u64 = 0;
    for &c in digits {
        v = v.saturating_mul(10).saturating_add(u64::from(c - b'0'));
    }
    Some(v.wrapping_mul(mul))
}

/// Redis's `string2d` (strtod over the whole buffer, no leading space, no NaN,
/// no overflow or underflow to zero). Hexadecimal floats are not accepted.
pub(crate) fn string2d(s: &[u8]) -> Option<f64> {
    let first = *s.first()?;
    if is_c_space(first) {
        return None;
    }
    let text = std::str::from_utf8(s).ok()?;
    let v: f64 = match text.parse() {
        Ok(v) => v,
        Err(_) => parse_hex_float(text)?,
    };
    if v.is_nan() {
        return None;
    }
    let unsigned = text.trim_start_matches(['+', '-']).to_ascii_lowercase();
    if v.is_infinite() && !unsigned.starts_with("inf") {
        return None; // ERANGE overflow in C
    }
    if v == 0.0 {
        let mantissa = unsigned.split('e').next().unwrap_or("");
        if mantissa.bytes().any(|b| (b'1'..=b'9').contains(&b)) {
            return None; // ERANGE underflow to zero in C
        }
    }
    Some(v)
}

/// strtod's hexadecimal form: `[+-]0x<hex>[.<hex>][p[+-]<dec>]`.
fn parse_hex_float(text: &str) -> Option<f64> {
    let (negative, rest) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let rest = rest
        .strip_prefix("0x")
        .or_else(|| rest.strip_prefix("0X"))?;
    let (mantissa, exp) = match rest.find(['p', 'P']) {
        Some(i) => (&rest[..i], Some(&rest[i + 1..])),
        None => (rest, None),
    };
    let (int_part, frac_part) = match mantissa.find('.') {
        Some(i) => (&mantissa[..i], &mantissa[i + 1..]),
        None => (mantissa, ""),
    };
    if int_part.is_empty() && frac_part.is_empty() {
        return None;
    }
    let mut v = 0f64;
    for c in int_part.chars() {
        v = v * 16.0 + f64::from(c.to_digit(16)?);
    }
    let mut scale = 1.0 / 16.0;
    for c in frac_part.chars() {
        v += f64::from(c.to_digit(16)?) * scale;
        scale /= 16.0;
    }
    if let Some(e) = exp {
        let e: i32 = e.parse().ok()?;
        v *= 2f64.powi(e);
    }
    Some(if negative { -v } else { v })
}

/// `printf("%f")` followed by Redis's `trimDoubleString` (drop trailing zeros
/// and a trailing dot).
pub(crate) fn format_f(v: f64) -> String {
    let mut s = format!("{v:.6}");
    if s.contains('.') {
        while s.ends_with('0') {
            s.pop();
        }
        if s.ends_with('.') {
            s.pop();
        }
    }
    s
}

/// Redis's `sdssplitlen(s, " ")` as CONFIG SET uses it for multi-word values:
/// every single space separates, so empty words are kept, and an empty value
/// has no words at all.
pub(crate) fn split_spaces(s: &[u8]) -> Vec<&[u8]> {
    if s.is_empty() {
        return Vec::new();
    }
    s.split(|&b| b == b' ').collect()
}

/// CONFIG REWRITE's memory notation: `gb`, `mb` or `kb` when the value is an
/// exact multiple, plain bytes otherwise.
pub(crate) fn format_memory(bytes: u64) -> String {
    const KB: u64 = 1024;
    const MB: u64 = 1024 * 1024;
    const GB: u64 = 1024 * 1024 * 1024;
    if bytes != 0 && bytes.is_multiple_of(GB) {
        format!("{}gb", bytes / GB)
    } else if bytes != 0 && bytes.is_multiple_of(MB) {
        format!("{}mb", bytes / MB)
    } else if bytes != 0 && bytes.is_multiple_of(KB) {
        format!("{}kb", bytes / KB)
    } else {
        bytes.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strtoll_like_c() {
        assert_eq!(
            strtoll(b" 12x", 10),
            StrToLl {
                value: 12,
                end: 3,
                overflow: false
            }
        );
        assert_eq!(strtoll(b"+7", 10).value, 7);
        assert_eq!(strtoll(b"-", 10).end, 0);
        assert_eq!(strtoll(b"", 10).end, 0);
        assert_eq!(strtoll(b"0777", 8).value, 511);
        assert_eq!(strtoll(b"8", 8).end, 0);
        let big = strtoll(b"99999999999999999999", 10);
        assert!(big.overflow);
        assert_eq!(big.value, i64::MAX);
        assert_eq!(strtoll(b"-9223372036854775808", 10).value, i64::MIN);
        assert!(strtoll(b"-9223372036854775809", 10).overflow);
        assert_eq!(strtoll_full(b"", 10), Some(0));
        assert_eq!(strtoll_full(b"x", 10), None);
        assert_eq!(strtoll_full(b"5 ", 10), None);
    }

    #[test]
    fn string2ll_is_strict() {
        assert_eq!(string2ll(b"0"), Some(0));
        assert_eq!(string2ll(b"-0"), None);
        assert_eq!(string2ll(b"007"), None);
        assert_eq!(string2ll(b"+1"), None);
        assert_eq!(string2ll(b" 1"), None);
        assert_eq!(string2ll(b"9223372036854775807"), Some(i64::MAX));
        assert_eq!(string2ll(b"9223372036854775808"), None);
        assert_eq!(string2ll(b"-9223372036854775808"), Some(i64::MIN));
        assert_eq!(string2ll(b"1\0"), None);
    }

    #[test]
    fn memtoull_units() {
        assert_eq!(memtoull(b"1k"), Some(1000));
        assert_eq!(memtoull(b"1KB"), Some(1024));
        assert_eq!(memtoull(b"1gB"), Some(1 << 30));
        assert_eq!(memtoull(b"3b"), Some(3));
        assert_eq!(memtoull(b""), Some(0));
        assert_eq!(memtoull(b"kb"), Some(0));
        assert_eq!(memtoull(b"-1"), None);
        assert_eq!(memtoull(b"+1"), None);
        assert_eq!(memtoull(b"1 kb"), None);
        assert_eq!(memtoull(b"1kbb"), None);
        assert_eq!(memtoull(b"18446744073709551616"), Some(u64::MAX));
        assert_eq!(memtoull(b"20000000000gb"), Some(3028092406290448384));
        assert_eq!(memtoull(b"12\0junk"), Some(12));
    }

    #[test]
    fn doubles() {
        assert_eq!(string2d(b"99.9"), Some(99.9));
        assert_eq!(string2d(b"1e2"), Some(100.0));
        assert_eq!(string2d(b" 1"), None);
        assert_eq!(string2d(b"1 "), None);
        assert_eq!(string2d(b"nan"), None);
        assert_eq!(string2d(b"1e999"), None);
        assert_eq!(string2d(b"1e-999"), None);
        assert_eq!(string2d(b"0.0"), Some(0.0));
        assert_eq!(string2d(b"0x10"), Some(16.0));
        assert_eq!(string2d(b"0x1p3"), Some(8.0));
        assert_eq!(string2d(b"0x"), None);
        assert!(string2d(b"inf").is_some_and(f64::is_infinite));
        assert_eq!(format_f(99.9), "99.9");
        assert_eq!(format_f(50.0), "50");
        assert_eq!(format_f(99.999), "99.999");
    }

    #[test]
    fn spaces_and_memory_units() {
        assert_eq!(split_spaces(b""), Vec::<&[u8]>::new());
        assert_eq!(split_spaces(b"a  b "), vec![&b"a"[..], b"", b"b", b""]);
        assert_eq!(format_memory(1024), "1kb");
        assert_eq!(format_memory(1000), "1000");
        assert_eq!(format_memory(0), "0");
        assert_eq!(format_memory(3 << 30), "3gb");
    }
}
