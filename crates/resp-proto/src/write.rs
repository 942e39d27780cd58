//! Low-level reply writers: the server's hot path for output.
//!
//! Every function appends one complete RESP element (or an aggregate header)
//! to `out`. Invariants: no allocation other than growing `out`; the output
//! is always valid RESP whatever the input bytes (simple strings and errors
//! have `\r`/`\n` replaced, as Redis's `addReplyErrorFormat` does, because
//! those types cannot carry them); never panics.

use std::fmt::Write as _;

/// Size of the buffer [`format_double`] writes into; `%.17g` output is at
/// most 24 bytes (`-1.2345678901234567e-308`).
pub const DOUBLE_BUF_LEN: usize = 32;

#[inline]
fn header(out: &mut Vec<u8>, tag: u8, n: u64) {
    let mut b = itoa::Buffer::new();
    let digits = b.format(n).as_bytes();
    out.reserve(digits.len() + 3);
    out.push(tag);
    out.extend_from_slice(digits);
    out.extend_from_slice(b"\r\n");
}

#[inline]
fn usize_u64(n: usize) -> u64 {
    // usize is at most 64 bits on every supported target.
    n as u64
}

/// Appends `s` with every `\r`/`\n` turned into a space.
fn push_sanitized(out: &mut Vec<u8>, s: &[u8]) {
    if memchr::memchr2(b'\r', b'\n', s).is_none() {
        out.extend_from_slice(s);
    } else {
        out.extend(
            s.iter()
                .map(|&b| if b == b'\r' || b == b'\n' { b' ' } else { b }),
        );
    }
}

/// `+<s>\r\n`. `\r`/`\n` inside `s` become spaces so the reply stays valid.
#[inline]
pub fn simple(out: &mut Vec<u8>, s: &[u8]) {
    out.reserve(s.len() + 3);
    out.push(b'+');
    push_sanitized(out, s);
    out.extend_from_slice(b"\r\n");
}

/// `-<text>\r\n`; `text` includes the code, e.g. `ERR foo` or `WRONGTYPE ...`.
///
/// Like Redis's `addReplyErrorFormat`: leading and trailing `\r`/`\n` are
/// trimmed, remaining ones become spaces.
#[inline]
pub fn error(out: &mut Vec<u8>, text: &[u8]) {
    let is_nl = |b: &u8| *b == b'\r' || *b == b'\n';
    let start = text.iter().position(|b| !is_nl(b)).unwrap_or(text.len());
    let end = text
        .iter()
        .rposition(|b| !is_nl(b))
        .map_or(start, |i| i + 1);
    let text = text.get(start..end).unwrap_or_default();
    out.reserve(text.len() + 3);
    out.push(b'-');
    push_sanitized(out, text);
    out.extend_from_slice(b"\r\n");
}

/// `:<n>\r\n`.
#[inline]
pub fn integer(out: &mut Vec<u8>, n: i64) {
    let mut b = itoa::Buffer::new();
    let digits = b.format(n).as_bytes();
    out.reserve(digits.len() + 3);
    out.push(b':');
    out.extend_from_slice(digits);
    out.extend_from_slice(b"\r\n");
}

/// `$<len>\r\n<data>\r\n`.
#[inline]
pub fn bulk(out: &mut Vec<u8>, data: &[u8]) {
    let mut b = itoa::Buffer::new();
    let digits = b.format(data.len()).as_bytes();
    out.reserve(digits.len() + data.len() + 5);
    out.push(b'$');
    out.extend_from_slice(digits);
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(data);
    out.extend_from_slice(b"\r\n");
}

/// Only the `$<len>\r\n` header of a bulk string, for callers that append the
/// payload in pieces; they must then append exactly `len` bytes and `\r\n`.
#[inline]
pub fn bulk_header(out: &mut Vec<u8>, len: usize) {
    header(out, b'$', usize_u64(len));
}

/// RESP2 null bulk string `$-1\r\n`.
#[inline]
pub fn null_bulk(out: &mut Vec<u8>) {
    out.extend_from_slice(b"$-1\r\n");
}

/// RESP2 null array `*-1\r\n`.
#[inline]
pub fn null_array(out: &mut Vec<u8>) {
    out.extend_from_slice(b"*-1\r\n");
}

/// RESP3 null `_\r\n`.
#[inline]
pub fn null(out: &mut Vec<u8>) {
    out.extend_from_slice(b"_\r\n");
}

/// Array header `*<n>\r\n`; the caller then writes `n` elements.
#[inline]
pub fn array_len(out: &mut Vec<u8>, n: usize) {
    header(out, b'*', usize_u64(n));
}

/// RESP3 map header `%<n>\r\n`; `n` is the number of key/value *pairs*.
#[inline]
pub fn map_len(out: &mut Vec<u8>, n: usize) {
    header(out, b'%', usize_u64(n));
}

/// RESP3 set header `~<n>\r\n`.
#[inline]
pub fn set_len(out: &mut Vec<u8>, n: usize) {
    header(out, b'~', usize_u64(n));
}

/// RESP3 push header `><n>\r\n`.
#[inline]
pub fn push_len(out: &mut Vec<u8>, n: usize) {
    header(out, b'>', usize_u64(n));
}

/// RESP3 attribute header `|<n>\r\n` (`n` pairs, then the annotated frame).
#[inline]
pub fn attribute_len(out: &mut Vec<u8>, n: usize) {
    header(out, b'|', usize_u64(n));
}

/// RESP3 boolean `#t\r\n` / `#f\r\n`.
#[inline]
pub fn boolean(out: &mut Vec<u8>, b: bool) {
    out.extend_from_slice(if b { b"#t\r\n" } else { b"#f\r\n" });
}

/// RESP3 double `,<%.17g>\r\n`, as Redis 7.0 writes it.
#[inline]
pub fn double(out: &mut Vec<u8>, x: f64) {
    let mut buf = [0u8; DOUBLE_BUF_LEN];
    let text = format_double(x, &mut buf);
    out.reserve(text.len() + 3);
    out.push(b',');
    out.extend_from_slice(text);
    out.extend_from_slice(b"\r\n");
}

/// RESP2 form of a double: a bulk string of the same `%.17g` text.
#[inline]
pub fn double_bulk(out: &mut Vec<u8>, x: f64) {
    let mut buf = [0u8; DOUBLE_BUF_LEN];
    bulk(out, format_double(x, &mut buf));
}

/// RESP3 big number `(<digits>\r\n`. The caller passes valid digits;
/// `\r`/`\n` are replaced to keep the stream valid regardless.
#[inline]
pub fn big_number(out: &mut Vec<u8>, digits: &[u8]) {
    out.reserve(digits.len() + 3);
    out.push(b'(');
    push_sanitized(out, digits);
    out.extend_from_slice(b"\r\n");
}

/// RESP3 bulk error `!<len>\r\n<text>\r\n` (binary safe).
#[inline]
pub fn bulk_error(out: &mut Vec<u8>, text: &[u8]) {
    header(out, b'!', usize_u64(text.len()));
    out.extend_from_slice(text);
    out.extend_from_slice(b"\r\n");
}

/// RESP3 verbatim string `=<len>\r\n<fmt>:<text>\r\n`, e.g. `fmt = b"txt"`.
#[inline]
pub fn verbatim(out: &mut Vec<u8>, fmt: &[u8; 3], text: &[u8]) {
    header(out, b'=', usize_u64(text.len()) + 4);
    out.extend_from_slice(fmt);
    out.push(b':');
    out.extend_from_slice(text);
    out.extend_from_slice(b"\r\n");
}

/// Fixed-capacity `fmt::Write` sink so float formatting never allocates.
struct StackBuf {
    buf: [u8; 40],
    len: usize,
}

impl std::fmt::Write for StackBuf {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let end = self.len.checked_add(s.len()).ok_or(std::fmt::Error)?;
        let dst = self.buf.get_mut(self.len..end).ok_or(std::fmt::Error)?;
        dst.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// Formats `x` exactly like C's `printf("%.17g", x)` with glibc, which is how
/// Redis 7.0 renders doubles: `inf`, `-inf`, `nan`, `-nan` (sign bit set),
/// `3`, `-0`, `0.10000000000000001`, `1e+20`, `1.0000000000000001e-05`.
///
/// Digits come from Rust's exact float formatting (`{:.16e}`: 17 significant
/// digits, correctly rounded, ties to even — the same as glibc in the default
/// rounding mode); this function only rearranges them into `%g` layout.
pub fn format_double(x: f64, buf: &mut [u8; DOUBLE_BUF_LEN]) -> &[u8] {
    let neg = x.is_sign_negative();
    if !x.is_finite() {
        let s: &[u8] = match (x.is_nan(), neg) {
            (true, false) => b"nan",
            (true, true) => b"-nan",
            (false, false) => b"inf",
            (false, true) => b"-inf",
        };
        buf[..s.len()].copy_from_slice(s);
        return &buf[..s.len()];
    }
    // Fast path for integral values below 1e17 (the common case for scores
    // and INCRBYFLOAT results): they are exact integers with at most 17
    // digits, which %.17g prints in full without a fraction.
    if x.fract() == 0.0 && x.abs() < 1e17 {
        let mut ib = itoa::Buffer::new();
        // In range for i64 (|x| < 1e17), and integral, so the cast is exact.
        let digits = ib.format(x.abs() as i64).as_bytes();
        let mut len = 0;
        if neg {
            buf[0] = b'-';
            len = 1;
        }
        // At most 17 digits + sign: fits the 32-byte buffer.
        buf[len..len + digits.len()].copy_from_slice(digits);
        return &buf[..len + digits.len()];
    }
    let mut sci = StackBuf {
        buf: [0; 40],
        len: 0,
    };
    // Cannot fail: the longest `{:.16e}` of a finite f64 is 25 bytes.
    if write!(sci, "{:.16e}", x.abs()).is_err() {
        return &buf[..0];
    }
    let sci = &sci.buf[..sci.len];
    // Layout is `d.dddddddddddddddde[-]X`: 17 digits then the exponent.
    let mut digits = [b'0'; 17];
    let mut nd = 0;
    let mut exp: i32 = 0;
    let mut exp_neg = false;
    let mut in_exp = false;
    for &c in sci {
        match c {
            b'e' => in_exp = true,
            b'-' if in_exp => exp_neg = true,
            b'0'..=b'9' if in_exp => exp = exp * 10 + i32::from(c - b'0'),
            b'0'..=b'9' if nd < digits.len() => {
                digits[nd] = c;
                nd += 1;
            }
            _ => {}
        }
    }
    if exp_neg {
        exp = -exp;
    }

    let mut len = 0;
    let mut put = |buf: &mut [u8; DOUBLE_BUF_LEN], b: u8| {
        if let Some(slot) = buf.get_mut(len) {
            *slot = b;
            len += 1;
        }
    };
    if neg {
        put(buf, b'-');
    }
    // %g drops trailing zeros of the fraction (no '#' flag).
    let last_nonzero = digits.iter().rposition(|&d| d != b'0').unwrap_or(0);
    if (-4..17).contains(&exp) {
        // Fixed notation with precision 16 - exp.
        if exp >= 0 {
            let int_digits = (exp as usize) + 1;
            for &d in &digits[..int_digits] {
                put(buf, d);
            }
            if last_nonzero >= int_digits {
                put(buf, b'.');
                for &d in &digits[int_digits..=last_nonzero] {
                    put(buf, d);
                }
            }
        } else {
            put(buf, b'0');
            put(buf, b'.');
            for _ in 0..(-exp - 1) {
                put(buf, b'0');
            }
            for &d in &digits[..=last_nonzero] {
                put(buf, d);
            }
        }
    } else {
        put(buf, digits[0]);
        if last_nonzero >= 1 {
            put(buf, b'.');
            for &d in &digits[1..=last_nonzero] {
                put(buf, d);
            }
        }
        put(buf, b'e');
        put(buf, if exp < 0 { b'-' } else { b'+' });
        let e = exp.unsigned_abs();
        if e < 10 {
            put(buf, b'0');
        }
        let mut eb = itoa::Buffer::new();
        for &d in eb.format(e).as_bytes() {
            put(buf, d);
        }
    }
    &buf[..len]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(f: impl FnOnce(&mut Vec<u8>)) -> Vec<u8> {
        let mut v = Vec::new();
        f(&mut v);
        v
    }

    #[test]
    fn writers() {
        let cases: Vec<(Vec<u8>, &[u8])> = vec![
            (w(|o| simple(o, b"OK")), b"+OK\r\n"),
            (w(|o| simple(o, b"a\r\nb")), b"+a  b\r\n"),
            (w(|o| error(o, b"ERR foo")), b"-ERR foo\r\n"),
            (w(|o| error(o, b"\r\nERR a\rb\nc\r\n")), b"-ERR a b c\r\n"),
            (w(|o| error(o, b"\r\n")), b"-\r\n"),
            (w(|o| integer(o, 0)), b":0\r\n"),
            (w(|o| integer(o, i64::MIN)), b":-9223372036854775808\r\n"),
            (w(|o| bulk(o, b"")), b"$0\r\n\r\n"),
            (w(|o| bulk(o, b"a\r\nb")), b"$4\r\na\r\nb\r\n"),
            (w(|o| bulk_header(o, 12)), b"$12\r\n"),
            (w(null_bulk), b"$-1\r\n"),
            (w(null_array), b"*-1\r\n"),
            (w(null), b"_\r\n"),
            (w(|o| array_len(o, 3)), b"*3\r\n"),
            (w(|o| map_len(o, 2)), b"%2\r\n"),
            (w(|o| set_len(o, 0)), b"~0\r\n"),
            (w(|o| push_len(o, 4)), b">4\r\n"),
            (w(|o| attribute_len(o, 1)), b"|1\r\n"),
            (w(|o| boolean(o, true)), b"#t\r\n"),
            (w(|o| boolean(o, false)), b"#f\r\n"),
            (w(|o| double(o, 1.1)), b",1.1000000000000001\r\n"),
            (w(|o| double(o, f64::INFINITY)), b",inf\r\n"),
            (w(|o| double_bulk(o, 3.0)), b"$1\r\n3\r\n"),
            (w(|o| double_bulk(o, f64::NEG_INFINITY)), b"$4\r\n-inf\r\n"),
            (w(|o| big_number(o, b"-123")), b"(-123\r\n"),
            (w(|o| bulk_error(o, b"SYNTAX x")), b"!8\r\nSYNTAX x\r\n"),
            (w(|o| verbatim(o, b"txt", b"hi")), b"=6\r\ntxt:hi\r\n"),
        ];
        for (got, want) in cases {
            assert_eq!(String::from_utf8_lossy(&got), String::from_utf8_lossy(want));
        }
    }

    #[test]
    fn doubles() {
        // Expected texts are glibc printf("%.17g") output.
        let cases: &[(f64, &str)] = &[
            (0.0, "0"),
            (-0.0, "-0"),
            (3.0, "3"),
            (1.1, "1.1000000000000001"),
            (0.1, "0.10000000000000001"),
            (1e20, "1e+20"),
            (1e16, "10000000000000000"),
            (1e17, "1e+17"),
            (123456789012345678.0, "1.2345678901234568e+17"),
            (0.0001, "0.0001"),
            (0.00001, "1.0000000000000001e-05"),
            (1e-300, "1e-300"),
            (5e-324, "4.9406564584124654e-324"),
            (f64::MAX, "1.7976931348623157e+308"),
            // Exact ties at the 17th digit: 1234567890123456.25 and .75.
            (4938271560493825.0 / 4.0, "1234567890123456.2"),
            (4938271560493827.0 / 4.0, "1234567890123456.8"),
            (-2.5, "-2.5"),
            (f64::INFINITY, "inf"),
            (f64::NEG_INFINITY, "-inf"),
            (f64::NAN, "nan"),
            (-f64::NAN, "-nan"),
        ];
        for &(x, want) in cases {
            let mut buf = [0u8; DOUBLE_BUF_LEN];
            assert_eq!(
                std::str::from_utf8(format_double(x, &mut buf)),
                Ok(want),
                "{x:e}"
            );
        }
    }
}
