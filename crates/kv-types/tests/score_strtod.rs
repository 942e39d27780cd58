//! Differential test: `score::strtod_prefix` against the C library's `strtod`
//! (glibc here, the libc Redis is built with), on strings drawn from the
//! characters strtod's grammar cares about.

use kv_types::score::{parse_score, strtod_prefix};
use proptest::prelude::*;
use std::ffi::CString;

/// C's answer: (value, bytes consumed, errno == ERANGE).
fn c_strtod(s: &[u8]) -> (f64, usize, bool) {
    let c = CString::new(s).expect("generated strings hold no NUL"); // the strategy excludes NUL
    let mut end: *mut libc::c_char = std::ptr::null_mut();
    // SAFETY: `c` is a valid NUL-terminated string that outlives the call, and
    // `end` is a valid out-pointer; errno is thread-local.
    unsafe {
        *libc::__errno_location() = 0;
        let v = libc::strtod(c.as_ptr(), &mut end);
        let erange = *libc::__errno_location() == libc::ERANGE;
        (v, end.offset_from(c.as_ptr()) as usize, erange)
    }
}

/// The exact decimal spelling of a `0x<hex>[.<hex>]p<exp>` literal, or None
/// for any other shape. Every binary fraction has a finite decimal expansion:
/// `m * 2^-k` is `m * 5^k` times `10^-k`.
fn exact_decimal(s: &[u8]) -> Option<String> {
    let s = std::str::from_utf8(s).ok()?;
    let (neg, s) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let (mantissa, exp) = s.strip_prefix("0x")?.split_once('p')?;
    let mut exp: i64 = exp.parse().ok()?;
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    // A little-endian big integer in base 10^9.
    let mut limbs: Vec<u64> = vec![0];
    let mul_add = |limbs: &mut Vec<u64>, m: u64, a: u64| {
        let mut carry = a;
        for limb in limbs.iter_mut() {
            let v = *limb * m + carry;
            *limb = v % 1_000_000_000;
            carry = v / 1_000_000_000;
        }
        while carry > 0 {
            limbs.push(carry % 1_000_000_000);
            carry /= 1_000_000_000;
        }
    };
    for c in int.chars().chain(frac.chars()) {
        mul_add(&mut limbs, 16, u64::from(c.to_digit(16)?));
    }
    exp -= 4 * frac.len() as i64;
    let (factor, times, exp10) = if exp >= 0 {
        (2, exp, 0)
    } else {
        (5, -exp, exp)
    };
    for _ in 0..times {
        mul_add(&mut limbs, factor, 0);
    }
    let mut digits = if neg {
        String::from("-")
    } else {
        String::new()
    };
    let mut iter = limbs.iter().rev();
    digits.push_str(&iter.next().expect("one limb at least").to_string());
    for limb in iter {
        digits.push_str(&format!("{limb:09}"));
    }
    Some(format!("{digits}e{exp10}"))
}

/// glibc 2.36 (Debian 12, the oracle's platform) rounds some values just
/// below the smallest normal one unit too low, from hexadecimal and decimal
/// spellings alike: `0x20000000000003p-1076` is 2^51 + 0.75 units of 2^-1074
/// and comes back as 2^51 units. kv rounds them correctly, as Redis does on a
/// libc without the fault, so a subnormal result is checked against Rust's
/// own correctly rounded parser, given the value's exact decimal spelling.
fn c_reference_value(s: &[u8], c_value: f64) -> f64 {
    if c_value == 0.0 || c_value.abs() >= f64::MIN_POSITIVE {
        return c_value;
    }
    let decimal = exact_decimal(s).or_else(|| Some(std::str::from_utf8(s).ok()?.trim().to_owned()));
    decimal
        .and_then(|d| d.parse::<f64>().ok())
        .unwrap_or(c_value)
}

fn same(s: &[u8]) {
    let (cv, cn, cerange) = c_strtod(s);
    let cv = c_reference_value(&s[..cn], cv);
    let r = strtod_prefix(s);
    assert_eq!(
        r.consumed,
        cn,
        "consumed of {:?}",
        String::from_utf8_lossy(s)
    );
    if cv.is_nan() {
        assert!(r.value.is_nan(), "{:?}", String::from_utf8_lossy(s));
    } else {
        assert_eq!(
            r.value.to_bits(),
            cv.to_bits(),
            "value of {:?}",
            String::from_utf8_lossy(s)
        );
    }
    // glibc also reports ERANGE for inexact subnormals; Redis only looks at
    // ERANGE together with a zero or infinite result, so compare just that.
    let c_reject = cerange && (cv == 0.0 || cv.is_infinite());
    assert_eq!(
        r.range_error,
        c_reject,
        "range of {:?}",
        String::from_utf8_lossy(s)
    );
    // And the string2d rule built on it.
    let c_ok = !s.is_empty()
        && !matches!(s[0], b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
        && cn == s.len()
        && !c_reject
        && !cv.is_nan();
    assert_eq!(
        parse_score(s).is_some(),
        c_ok,
        "{:?}",
        String::from_utf8_lossy(s)
    );
}

#[test]
fn fixed_cases() {
    for s in [
        "",
        " ",
        "1",
        "-1",
        "+.5",
        "1e",
        "1e+",
        "1e+5",
        "0x",
        "0x1",
        "0x1p",
        "0x1p-",
        "0x.1p4",
        "0x1.",
        "inf",
        "infinity",
        "infinit",
        "-INFINITY",
        "nan",
        "nan(",
        "nan()",
        "nan(abc_1)",
        "nan(a-b)",
        "  \t\n12",
        "1e-400",
        "1e400",
        "4.9e-324",
        "2.4703282292062327e-324",
        "2.4703282292062328e-324",
        "1.7976931348623157e308",
        "1.7976931348623159e308",
        "0x1p-1075",
        "0x1.0000000000001p-1075",
        "0x1p1024",
        "0x0.0000000000001p-1022",
        // glibc 2.36 truncates these two (see c_reference_value).
        "0x20aaaaaa0aaaabp-1076",
        "0x20000000000003p-1076",
        "00000000000000000000000000000000000001.5",
        "123456789012345678901234567890e-10",
        "0.000000000000000000000000000000000000000000000000000000000000001e-280",
    ] {
        same(s.as_bytes());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(20_000))]

    #[test]
    fn matches_libc(s in "[ +\\-0-9.eEpPxXa-fA-FinftyINFTY()_]{0,24}") {
        same(s.as_bytes());
    }

    #[test]
    fn matches_libc_numbers(
        mant in "[0-9]{1,25}(\\.[0-9]{0,25})?",
        exp in -400i32..400,
        hex in "0x[0-9a-f]{1,20}(\\.[0-9a-f]{0,20})?",
        hexp in -1200i32..1100,
    ) {
        same(format!("{mant}e{exp}").as_bytes());
        same(format!("{hex}p{hexp}").as_bytes());
    }
}
