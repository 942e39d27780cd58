//! Sorted-set scores and range bounds, parsed exactly as Redis 7.0 parses them
//! (util.c `string2d`, t_zset.c `zslParseRange` / `zslParseLexRangeItem`).
//!
//! Redis reads every score with C's `strtod`, so this module carries a faithful
//! model of glibc's `strtod` grammar ([`strtod_prefix`]): optional leading
//! whitespace, a sign, then decimal (`1e3`, `.5`, `5.`), hexadecimal (`0x10`,
//! `0x1.8p1`), `inf`/`infinity` or `nan[(chars)]`, case-insensitively. What
//! differs between callers is how much of that Redis accepts:
//!
//! - **Scores and increments** (`ZADD`, `ZINCRBY`, `WEIGHTS`) — [`parse_score`]:
//!   the whole argument must be consumed, no leading whitespace, not empty, no
//!   NaN, and no range error (`1e400` overflows, `1e-400` underflows to zero:
//!   both rejected; a subnormal result such as `4.9e-324` is accepted).
//! - **Score range bounds** (`ZRANGEBYSCORE`, `ZCOUNT`...) — [`parse_score_bound`]:
//!   an optional `(` for an exclusive bound, then the parse must stop at the end
//!   *or at the first NUL byte* (Redis checks `eptr[0] == '\0'`); leading
//!   whitespace, range errors and even the empty string (→ 0) are accepted; only
//!   NaN is refused. So `"( 1"`, `"1e400"` (= inf) and `""` are valid bounds.
//! - **Lex bounds** (`ZRANGEBYLEX`...) — [`parse_lex_bound`]: `-`, `+`, `[x`, `(x`;
//!   `-`/`+` must be alone, except that a NUL right after them is accepted
//!   (again `c[1] != '\0'` in C).
//!
//! Formatting is left to the command layer: Redis 7.0 replies scores with
//! `%.17g` (`1.1` → `1.1000000000000001`, `17` → `17`, `inf`, `-inf`, `-0`),
//! which `resp_proto::format_double` implements; kv-types must not depend on
//! resp-proto. The one rendering quirk that is a property of the data structure
//! — a small (listpack) sorted set stores `-0` as the integer `0` — is handled
//! in `zset.rs`.
//!
//! The error texts Redis replies with are here as constants, verified against
//! redis-server 7.0.15.

/// `ZADD`/`ZINCRBY` score or increment that [`parse_score`] refused.
pub const ERR_NOT_A_FLOAT: &str = "ERR value is not a valid float";
/// A score range bound that [`parse_score_range`] refused.
pub const ERR_MIN_MAX_NOT_FLOAT: &str = "ERR min or max is not a float";
/// A lex range bound that [`parse_lex_range`] refused.
pub const ERR_MIN_MAX_NOT_STRING: &str = "ERR min or max not valid string range item";
/// `ZADD ... INCR` / `ZINCRBY` whose result is NaN (`inf` + `-inf`).
pub const ERR_NAN_RESULT: &str = "ERR resulting score is not a number (NaN)";

/// What glibc's `strtod` makes of the longest valid prefix of `s`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Strtod {
    /// The converted value (0 when nothing was converted).
    pub value: f64,
    /// Bytes consumed, leading whitespace included; 0 when nothing converted
    /// (`strtod` then sets `endptr` to the start of the input).
    pub consumed: usize,
    /// `errno == ERANGE`, as far as Redis looks at it: the result overflowed to
    /// ±inf, or a non-zero number rounded to zero.
    pub range_error: bool,
}

/// C's `isspace` in the C locale.
fn is_c_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

fn starts_with_ignore_case(s: &[u8], prefix: &[u8]) -> bool {
    s.len() >= prefix.len() && s[..prefix.len()].eq_ignore_ascii_case(prefix)
}

fn hex_digit(b: u8) -> Option<u32> {
    (b as char).to_digit(16)
}

/// Models glibc `strtod(s, &end)` on the bytes of `s` (the caller truncates at
/// a NUL if it wants C-string behaviour).
pub fn strtod_prefix(s: &[u8]) -> Strtod {
    const NONE: Strtod = Strtod {
        value: 0.0,
        consumed: 0,
        range_error: false,
    };
    let mut i = 0;
    while i < s.len() && is_c_space(s[i]) {
        i += 1;
    }
    let negative = match s.get(i) {
        Some(b'-') => {
            i += 1;
            true
        }
        Some(b'+') => {
            i += 1;
            false
        }
        _ => false,
    };
    let rest = &s[i..];
    let signed = |v: f64| if negative { -v } else { v };

    if starts_with_ignore_case(rest, b"inf") {
        let n = if starts_with_ignore_case(rest, b"infinity") {
            8
        } else {
            3
        };
        return Strtod {
            value: signed(f64::INFINITY),
            consumed: i + n,
            range_error: false,
        };
    }
    if starts_with_ignore_case(rest, b"nan") {
        let mut n = 3;
        // "nan(n-char-sequence)" is consumed only when the parenthesis closes.
        if rest.get(3) == Some(&b'(') {
            let mut j = 4;
            while j < rest.len() && (rest[j].is_ascii_alphanumeric() || rest[j] == b'_') {
                j += 1;
            }
            if rest.get(j) == Some(&b')') {
                n = j + 1;
            }
        }
        return Strtod {
            value: f64::NAN,
            consumed: i + n,
            range_error: false,
        };
    }
    if rest.len() >= 2
        && rest[0] == b'0'
        && (rest[1] | 0x20) == b'x'
        && let Some(hex) = parse_hex(&rest[2..])
    {
        return Strtod {
            value: signed(hex.value),
            consumed: i + 2 + hex.consumed,
            range_error: hex.range_error,
        };
    }
    // Decimal: digits [. digits] with at least one digit, then an optional
    // exponent that is only consumed when it has digits.
    let mut j = 0;
    let mut digits = 0;
    let mut nonzero = false;
    while j < rest.len() && rest[j].is_ascii_digit() {
        nonzero |= rest[j] != b'0';
        j += 1;
        digits += 1;
    }
    if rest.get(j) == Some(&b'.') {
        j += 1;
        while j < rest.len() && rest[j].is_ascii_digit() {
            nonzero |= rest[j] != b'0';
            j += 1;
            digits += 1;
        }
    }
    if digits == 0 {
        return NONE;
    }
    if j < rest.len() && (rest[j] | 0x20) == b'e' {
        let mut k = j + 1;
        if k < rest.len() && (rest[k] == b'+' || rest[k] == b'-') {
            k += 1;
        }
        let exp_start = k;
        while k < rest.len() && rest[k].is_ascii_digit() {
            k += 1;
        }
        if k > exp_start {
            j = k;
        }
    }
    // The scanned text is exactly Rust's float grammar (digits, '.', e, sign),
    // and Rust's conversion is correctly rounded like glibc's.
    let value = std::str::from_utf8(&rest[..j])
        .ok()
        .and_then(|t| t.parse::<f64>().ok())
        .unwrap_or(0.0); // unreachable: the prefix was validated above
    let range_error = value.is_infinite() || (value == 0.0 && nonzero);
    Strtod {
        value: signed(value),
        consumed: i + j,
        range_error,
    }
}

/// Parses the part of a hexadecimal float after `0x`. None when no hex digit
/// follows (then strtod converts just the "0").
fn parse_hex(s: &[u8]) -> Option<Strtod> {
    let mut mant: u64 = 0;
    let mut exp: i64 = 0;
    let mut sticky = false;
    let mut digits = 0;
    let mut j = 0;
    let mut push = |d: u32, fractional: bool, mant: &mut u64, exp: &mut i64| {
        if *mant >> 60 == 0 {
            *mant = (*mant << 4) | u64::from(d);
            if fractional {
                *exp -= 4;
            }
        } else {
            // Beyond 64 bits of mantissa only "was anything non-zero" matters.
            sticky |= d != 0;
            if !fractional {
                *exp += 4;
            }
        }
    };
    while let Some(d) = s.get(j).and_then(|&b| hex_digit(b)) {
        push(d, false, &mut mant, &mut exp);
        j += 1;
        digits += 1;
    }
    if s.get(j) == Some(&b'.') {
        let mut k = j + 1;
        while let Some(d) = s.get(k).and_then(|&b| hex_digit(b)) {
            push(d, true, &mut mant, &mut exp);
            k += 1;
            digits += 1;
        }
        if digits > 0 {
            j = k;
        }
    }
    if digits == 0 {
        return None;
    }
    if j < s.len() && (s[j] | 0x20) == b'p' {
        let mut k = j + 1;
        let mut neg = false;
        if k < s.len() && (s[k] == b'+' || s[k] == b'-') {
            neg = s[k] == b'-';
            k += 1;
        }
        let start = k;
        let mut e: i64 = 0;
        while k < s.len() && s[k].is_ascii_digit() {
            // Saturate: anything past ±100000 is already far out of range.
            e = (e * 10 + i64::from(s[k] - b'0')).min(100_000);
            k += 1;
        }
        if k > start {
            exp += if neg { -e } else { e };
            j = k;
        }
    }
    let (value, range_error) = compose_binary(mant, exp, sticky);
    Some(Strtod {
        value,
        consumed: j,
        range_error,
    })
}

/// Rounds `mant * 2^exp` (plus a non-zero tail below `mant` if `sticky`) to the
/// nearest double, ties to even, with gradual underflow. Returns the value and
/// whether it over- or underflowed.
fn compose_binary(mant: u64, exp: i64, sticky: bool) -> (f64, bool) {
    if mant == 0 {
        return (0.0, false);
    }
    let lz = mant.leading_zeros();
    let mant = mant << lz;
    // value = mant * 2^(exp - lz), mant in [2^63, 2^64): its binary exponent is
    let e = exp - i64::from(lz) + 63;
    if e > 1023 {
        return (f64::INFINITY, true);
    }
    // Significant bits the result can hold: 53 for normals, fewer below 2^-1022.
    let keep = if e >= -1022 { 53 } else { 53 - (-1022 - e) };
    if keep < 0 {
        return (0.0, true);
    }
    let shift = (64 - keep) as u32; // 11..=64
    let (kept, rem, half) = if shift == 64 {
        (0u64, mant, 1u64 << 63)
    } else {
        (
            mant >> shift,
            mant & ((1u64 << shift) - 1),
            1u64 << (shift - 1),
        )
    };
    let round_up = rem > half || (rem == half && (sticky || kept & 1 == 1));
    let kept = kept + u64::from(round_up);
    let bits = if keep == 53 {
        // Normal; a carry out of 53 bits bumps the exponent.
        let (kept, e) = if kept >> 53 != 0 {
            (kept >> 1, e + 1)
        } else {
            (kept, e)
        };
        if e > 1023 {
            return (f64::INFINITY, true);
        }
        (((e + 1023) as u64) << 52) | (kept & ((1u64 << 52) - 1))
    } else {
        // Subnormal: the bits are the mantissa itself; a carry into bit 52 is
        // exactly the smallest normal's encoding.
        kept
    };
    let value = f64::from_bits(bits);
    (value, value == 0.0)
}

/// A score argument (`ZADD`, `ZINCRBY`, `ZUNIONSTORE ... WEIGHTS`), accepted as
/// Redis 7.0's `string2d`: None means [`ERR_NOT_A_FLOAT`].
pub fn parse_score(arg: &[u8]) -> Option<f64> {
    let first = *arg.first()?;
    if is_c_space(first) {
        return None;
    }
    let r = strtod_prefix(arg);
    // strtod stops at a NUL, so an embedded NUL leaves bytes unconsumed.
    if r.consumed != arg.len() || r.range_error || r.value.is_nan() {
        return None;
    }
    Some(r.value)
}

/// One end of a score range: `value`, or `(value` when `exclusive`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScoreBound {
    pub value: f64,
    pub exclusive: bool,
}

impl ScoreBound {
    pub const fn inclusive(value: f64) -> ScoreBound {
        ScoreBound {
            value,
            exclusive: false,
        }
    }

    pub const fn exclusive(value: f64) -> ScoreBound {
        ScoreBound {
            value,
            exclusive: true,
        }
    }
}

/// `min max` of ZRANGEBYSCORE, ZCOUNT, ZREMRANGEBYSCORE (always given in
/// ascending terms: ZREVRANGEBYSCORE's `max min` is swapped by the caller).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScoreRange {
    pub min: ScoreBound,
    pub max: ScoreBound,
}

impl ScoreRange {
    /// Whether `score` lies within the range (Redis's zslValueGteMin/LteMax).
    pub fn contains(&self, score: f64) -> bool {
        self.above_min(score) && self.below_max(score)
    }

    pub fn above_min(&self, score: f64) -> bool {
        if self.min.exclusive {
            score > self.min.value
        } else {
            score >= self.min.value
        }
    }

    pub fn below_max(&self, score: f64) -> bool {
        if self.max.exclusive {
            score < self.max.value
        } else {
            score <= self.max.value
        }
    }
}

/// One score range bound as Redis 7.0's zslParseRange reads it.
pub fn parse_score_bound(arg: &[u8]) -> Option<ScoreBound> {
    let (text, exclusive) = match arg.split_first() {
        Some((b'(', rest)) => (rest, true),
        _ => (arg, false),
    };
    // C string semantics: the parse must reach the first NUL (or the end).
    let text = match text.iter().position(|&b| b == 0) {
        Some(nul) => &text[..nul],
        None => text,
    };
    let r = strtod_prefix(text);
    if r.consumed != text.len() || r.value.is_nan() {
        return None;
    }
    Some(ScoreBound {
        value: r.value,
        exclusive,
    })
}

/// Both bounds of a score range; None means [`ERR_MIN_MAX_NOT_FLOAT`].
pub fn parse_score_range(min: &[u8], max: &[u8]) -> Option<ScoreRange> {
    Some(ScoreRange {
        min: parse_score_bound(min)?,
        max: parse_score_bound(max)?,
    })
}

/// One end of a lex range. Borrowed from the argument: no copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LexBound<'a> {
    /// `-`: below every member.
    NegInf,
    /// `+`: above every member.
    PosInf,
    /// `[member`
    Inclusive(&'a [u8]),
    /// `(member`
    Exclusive(&'a [u8]),
}

/// `min max` of ZRANGEBYLEX, ZLEXCOUNT, ZREMRANGEBYLEX (ascending terms).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LexRange<'a> {
    pub min: LexBound<'a>,
    pub max: LexBound<'a>,
}

impl LexRange<'_> {
    /// Redis's zslLexValueGteMin.
    pub fn above_min(&self, member: &[u8]) -> bool {
        match self.min {
            LexBound::NegInf => true,
            LexBound::PosInf => false,
            LexBound::Inclusive(m) => member >= m,
            LexBound::Exclusive(m) => member > m,
        }
    }

    /// Redis's zslLexValueLteMax.
    pub fn below_max(&self, member: &[u8]) -> bool {
        match self.max {
            LexBound::NegInf => false,
            LexBound::PosInf => true,
            LexBound::Inclusive(m) => member <= m,
            LexBound::Exclusive(m) => member < m,
        }
    }

    pub fn contains(&self, member: &[u8]) -> bool {
        self.above_min(member) && self.below_max(member)
    }
}

/// One lex bound as Redis 7.0's zslParseLexRangeItem reads it.
pub fn parse_lex_bound(arg: &[u8]) -> Option<LexBound<'_>> {
    let (&first, rest) = arg.split_first()?;
    // `-`/`+` alone; C sees the string end at a NUL, so "+\0junk" is "+".
    let alone = rest.first().is_none_or(|&b| b == 0);
    match first {
        b'+' if alone => Some(LexBound::PosInf),
        b'-' if alone => Some(LexBound::NegInf),
        b'(' => Some(LexBound::Exclusive(rest)),
        b'[' => Some(LexBound::Inclusive(rest)),
        _ => None,
    }
}

/// Both bounds of a lex range; None means [`ERR_MIN_MAX_NOT_STRING`].
pub fn parse_lex_range<'a>(min: &'a [u8], max: &'a [u8]) -> Option<LexRange<'a>> {
    Some(LexRange {
        min: parse_lex_bound(min)?,
        max: parse_lex_bound(max)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_accepted_like_redis() {
        // Each pair was checked with ZADD + ZSCORE on redis-server 7.0.15.
        let ok: &[(&str, f64)] = &[
            ("1", 1.0),
            ("inf", f64::INFINITY),
            ("+inf", f64::INFINITY),
            ("-inf", f64::NEG_INFINITY),
            ("Infinity", f64::INFINITY),
            ("INF", f64::INFINITY),
            ("1e3", 1000.0),
            (".5", 0.5),
            ("5.", 5.0),
            ("0x10", 16.0),
            ("0x1p3", 8.0),
            ("0X1.8P1", 3.0),
            ("4.9e-324", f64::from_bits(1)),
            ("1e-310", 1e-310),
            ("+1", 1.0),
            ("0e-400", 0.0),
            ("1.1", 1.1),
            ("1e20", 1e20),
        ];
        for &(s, v) in ok {
            assert_eq!(parse_score(s.as_bytes()), Some(v), "{s}");
        }
        assert!(parse_score(b"-0").is_some_and(|v| v == 0.0 && v.is_sign_negative()));
        for s in [
            " 1",
            "1 ",
            "",
            "nan",
            "NaN",
            "1e400",
            "1e-400",
            "-1e-400",
            "1e",
            "0x",
            "infinit",
            "1_0",
            "\u{661}",
            "1\0x",
            "-",
            ".",
            "e5",
            "0x1p99999",
            "nan(1)",
            "--1",
        ] {
            assert_eq!(parse_score(s.as_bytes()), None, "{s:?}");
        }
    }

    #[test]
    fn score_bounds_like_redis() {
        // Checked with ZRANGEBYSCORE on redis-server 7.0.15.
        let b = |s: &[u8]| parse_score_bound(s);
        assert_eq!(b(b"1\0x"), Some(ScoreBound::inclusive(1.0)));
        assert_eq!(b(b" 1"), Some(ScoreBound::inclusive(1.0)));
        assert_eq!(b(b"( 1"), Some(ScoreBound::exclusive(1.0)));
        assert_eq!(b(b""), Some(ScoreBound::inclusive(0.0)));
        assert_eq!(b(b"("), Some(ScoreBound::exclusive(0.0)));
        assert_eq!(b(b"1e400"), Some(ScoreBound::inclusive(f64::INFINITY)));
        assert_eq!(b(b"-1e400"), Some(ScoreBound::inclusive(f64::NEG_INFINITY)));
        assert_eq!(b(b"0x1"), Some(ScoreBound::inclusive(1.0)));
        assert_eq!(b(b"(+inf"), Some(ScoreBound::exclusive(f64::INFINITY)));
        for s in [&b"1 "[..], b"nan", b"(nan", b"abc", b"   ", b"((1", b"[1"] {
            assert_eq!(b(s), None, "{s:?}");
        }
    }

    #[test]
    fn lex_bounds_like_redis() {
        let b = |s: &'static [u8]| parse_lex_bound(s);
        assert_eq!(b(b"-"), Some(LexBound::NegInf));
        assert_eq!(b(b"+"), Some(LexBound::PosInf));
        assert_eq!(b(b"+\0"), Some(LexBound::PosInf));
        assert_eq!(b(b"+\0x"), Some(LexBound::PosInf));
        assert_eq!(b(b"[a"), Some(LexBound::Inclusive(b"a")));
        assert_eq!(b(b"(a"), Some(LexBound::Exclusive(b"a")));
        assert_eq!(b(b"["), Some(LexBound::Inclusive(b"")));
        assert_eq!(b(b"("), Some(LexBound::Exclusive(b"")));
        for s in [&b"a"[..], b"", b"+x", b"-a"] {
            assert_eq!(b(s), None, "{s:?}");
        }
        let r = parse_lex_range(b"(a", b"[c").unwrap(); // test input is valid
        assert!(!r.contains(b"a") && r.contains(b"b") && r.contains(b"c") && !r.contains(b"d"));
    }

    #[test]
    fn hex_rounding_edges() {
        let p = |s: &str| strtod_prefix(s.as_bytes());
        // 2^53 + 1 rounds to even (down); 2^53 + 3 rounds up.
        assert_eq!(p("0x20000000000001").value, 9007199254740992.0);
        assert_eq!(p("0x20000000000003").value, 9007199254740996.0);
        // Smallest subnormal, half of it (tie → even → 0, a range error).
        assert_eq!(p("0x1p-1074").value, 5e-324);
        let half = p("0x1p-1075");
        assert_eq!((half.value, half.range_error), (0.0, true));
        assert_eq!(p("0x1.8p-1075").value, 5e-324);
        assert_eq!(p("0x1.fffffffffffff8p1023").value, f64::INFINITY);
        assert_eq!(p("0x1.fffffffffffffp1023").value, f64::MAX);
        // Long mantissas keep a sticky bit.
        assert_eq!(
            p("0x100000000000008000000000001").value,
            2f64.powi(104) + 2f64.powi(52)
        );
        // "0x" without digits converts only the "0".
        assert_eq!(p("0xg").consumed, 1);
        assert_eq!(p("0x.p1").consumed, 1);
        assert_eq!(p("0x.8").value, 0.5);
        assert_eq!(p("0x1p").consumed, 3);
    }
}
