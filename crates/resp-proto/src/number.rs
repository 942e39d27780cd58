//! Integer parsing with the exact acceptance rules of Redis's `string2ll`
//! (util.c), used for every length and integer on the wire.
//!
//! Accepted: `0`, or an optional `-` followed by a non-zero digit and more
//! digits, fitting in `i64`, at most 20 bytes long. Rejected: empty, `+1`,
//! `-0`, leading zeros, spaces, anything else. Never panics.

/// Redis's `LONG_STR_SIZE`: inputs this long or longer are rejected outright.
const LONG_STR_SIZE: usize = 21;

/// Parses `s` like Redis's `string2ll`; `None` when Redis would reject it.
#[inline]
pub fn parse_i64(s: &[u8]) -> Option<i64> {
    let (&first, rest) = s.split_first()?;
    if s.len() >= LONG_STR_SIZE {
        return None;
    }
    if first == b'0' {
        // "0" alone is the only number that may start with a zero.
        return if rest.is_empty() { Some(0) } else { None };
    }
    let (negative, digits) = if first == b'-' {
        (true, rest)
    } else {
        (false, s)
    };
    let (&lead, tail) = digits.split_first()?;
    if !(b'1'..=b'9').contains(&lead) {
        return None;
    }
    // At most 19 digits here (20 bytes incl. '-'), but 19 digits can still
    // overflow u64 arithmetic only past 1.8e19: checked ops keep it exact.
    let mut v: u64 = u64::from(lead - b'0');
    for &b in tail {
        if !b.is_ascii_digit() {
            return None;
        }
        v = v.checked_mul(10)?.checked_add(u64::from(b - b'0'))?;
    }
    if negative {
        // -(2^63) is the one magnitude that fits only as a negative number.
        if v > (i64::MAX as u64) + 1 {
            None
        } else {
            Some((v as i64).wrapping_neg())
        }
    } else {
        i64::try_from(v).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::parse_i64;

    #[test]
    fn table() {
        let cases: &[(&[u8], Option<i64>)] = &[
            (b"0", Some(0)),
            (b"1", Some(1)),
            (b"-1", Some(-1)),
            (b"10", Some(10)),
            (b"9223372036854775807", Some(i64::MAX)),
            (b"-9223372036854775808", Some(i64::MIN)),
            (b"9223372036854775808", None),
            (b"-9223372036854775809", None),
            (b"99999999999999999999", None),
            (b"-99999999999999999999", None),
            (b"18446744073709551616", None),
            (b"", None),
            (b"-", None),
            (b"-0", None),
            (b"00", None),
            (b"01", None),
            (b"+1", None),
            (b" 1", None),
            (b"1 ", None),
            (b"1a", None),
            (b"0x1", None),
            (b"--1", None),
            (b"000000000000000000001", None),
        ];
        for (s, want) in cases {
            assert_eq!(parse_i64(s), *want, "{:?}", String::from_utf8_lossy(s));
        }
    }
}
