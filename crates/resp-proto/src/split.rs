//! Splitting of a text line into arguments, byte-for-byte like Redis's
//! `sdssplitargs` (sds.c). Used for inline commands and by the `redis.conf`
//! parser.
//!
//! Rules (all verified against Redis 7.0.15's inline protocol):
//! * The line ends at its first NUL byte, if any: Redis works on C strings, so
//!   everything after a NUL is invisible to it.
//! * Arguments are separated by C `isspace` bytes (space, `\t`, `\n`, `\v`,
//!   `\f`, `\r`) — but an *unquoted* argument only ends at space, `\t`, `\n`
//!   or `\r`, so `\v` and `\f` inside an argument are kept, as in Redis.
//! * `"double quotes"` understand `\n \r \t \b \a`, `\xHH` (exactly two hex
//!   digits; otherwise `\x` is just `x`) and any other `\c` means `c`.
//! * `'single quotes'` understand only `\'`; any other backslash is literal.
//! * A quote may start in the middle of an argument (`a"b c"` is one argument
//!   `ab c`), but a closing quote must be followed by whitespace or the end of
//!   the line; that and an unterminated quote are [`UnbalancedQuotes`].
//!
//! Invariant: never panics; all indexing is bounds-checked through `get`.

use std::ops::Range;

/// The line had an unterminated quote, or a closing quote not followed by
/// whitespace. Redis reports this as "unbalanced quotes" in both the inline
/// protocol and config files; callers add their own context to the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("unbalanced quotes")]
pub struct UnbalancedQuotes;

/// Splits `line` into arguments exactly like Redis's `sdssplitargs`.
///
/// An empty or all-whitespace line gives an empty vector.
pub fn split_args(line: &[u8]) -> Result<Vec<Vec<u8>>, UnbalancedQuotes> {
    let mut data = Vec::with_capacity(line.len());
    let mut spans = Vec::new();
    split_args_into(line, &mut data, &mut spans)?;
    Ok(spans.into_iter().map(|r| data[r].to_vec()).collect())
}

/// C's `isspace` in the "C" locale.
#[inline]
fn is_c_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

#[inline]
fn hex_val(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Allocation-free core of [`split_args`]: appends the unescaped bytes of
/// every argument to `data` and one range per argument (indexing `data`) to
/// `spans`. Neither vector is cleared first, so a caller can reuse them; on
/// error their contents are unspecified (partially filled) and should be
/// cleared.
pub fn split_args_into(
    line: &[u8],
    data: &mut Vec<u8>,
    spans: &mut Vec<Range<usize>>,
) -> Result<(), UnbalancedQuotes> {
    // Redis sees a C string: cut at the first NUL.
    let line = match memchr::memchr(0, line) {
        Some(nul) => &line[..nul],
        None => line,
    };
    let n = line.len();
    // `at(i)` mirrors C's `*(p+i)`: past the end reads the terminating NUL.
    let at = |i: usize| -> u8 { line.get(i).copied().unwrap_or(0) };
    let mut p = 0usize;
    loop {
        while p < n && is_c_space(line[p]) {
            p += 1;
        }
        if p >= n {
            return Ok(());
        }
        let start = data.len();
        let mut in_dq = false;
        let mut in_sq = false;
        loop {
            let c = at(p);
            if in_dq {
                if c == b'\\'
                    && at(p + 1) == b'x'
                    && let (Some(hi), Some(lo)) = (hex_val(at(p + 2)), hex_val(at(p + 3)))
                {
                    data.push(hi * 16 + lo);
                    p += 4;
                } else if c == b'\\' && at(p + 1) != 0 {
                    data.push(match at(p + 1) {
                        b'n' => b'\n',
                        b'r' => b'\r',
                        b't' => b'\t',
                        b'b' => 0x08,
                        b'a' => 0x07,
                        other => other,
                    });
                    p += 2;
                } else if c == b'"' {
                    let next = at(p + 1);
                    if next != 0 && !is_c_space(next) {
                        return Err(UnbalancedQuotes);
                    }
                    p += 1;
                    break;
                } else if c == 0 {
                    return Err(UnbalancedQuotes);
                } else {
                    data.push(c);
                    p += 1;
                }
            } else if in_sq {
                if c == b'\\' && at(p + 1) == b'\'' {
                    data.push(b'\'');
                    p += 2;
                } else if c == b'\'' {
                    let next = at(p + 1);
                    if next != 0 && !is_c_space(next) {
                        return Err(UnbalancedQuotes);
                    }
                    p += 1;
                    break;
                } else if c == 0 {
                    return Err(UnbalancedQuotes);
                } else {
                    data.push(c);
                    p += 1;
                }
            } else {
                match c {
                    // End of line: the token ends without consuming anything.
                    0 => break,
                    // Deliberately not `\v`/`\f`: Redis keeps those inside
                    // unquoted arguments even though they separate arguments.
                    b' ' | b'\n' | b'\r' | b'\t' => {
                        p += 1;
                        break;
                    }
                    b'"' => {
                        in_dq = true;
                        p += 1;
                    }
                    b'\'' => {
                        in_sq = true;
                        p += 1;
                    }
                    other => {
                        data.push(other);
                        p += 1;
                    }
                }
            }
        }
        spans.push(start..data.len());
    }
}

/// Redis's `sdscatrepr`, the inverse of [`split_args`]: `s` double-quoted
/// and escaped so that `split_args` turns it back into the same bytes. CONFIG
/// REWRITE and MONITOR write arguments this way.
pub fn repr(out: &mut Vec<u8>, s: &[u8]) {
    out.push(b'"');
    for &b in s {
        match b {
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'"' => out.extend_from_slice(b"\\\""),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            0x07 => out.extend_from_slice(b"\\a"),
            0x08 => out.extend_from_slice(b"\\b"),
            0x20..=0x7e => out.push(b),
            _ => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.extend_from_slice(&[
                    b'\\',
                    b'x',
                    HEX[usize::from(b >> 4)],
                    HEX[usize::from(b & 15)],
                ]);
            }
        }
    }
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repr_escapes_what_split_args_unescapes() {
        let raw = b"a \"b\"\\\n\r\t\x07\x08\x01\xff ~";
        let mut out = Vec::new();
        repr(&mut out, raw);
        assert_eq!(out, b"\"a \\\"b\\\"\\\\\\n\\r\\t\\a\\b\\x01\\xff ~\"");
        assert_eq!(split_args(&out).unwrap(), vec![raw.to_vec()]);
    }

    fn ok(line: &[u8], want: &[&[u8]]) {
        let got = split_args(line).unwrap_or_else(|e| panic!("{line:?}: {e}"));
        let want: Vec<Vec<u8>> = want.iter().map(|s| s.to_vec()).collect();
        assert_eq!(got, want, "line {:?}", String::from_utf8_lossy(line));
    }

    #[test]
    fn table() {
        let cases: &[(&[u8], &[&[u8]])] = &[
            (b"", &[]),
            (b"   \t  ", &[]),
            (b"\x0b\x0c", &[]),
            (b"set a b", &[b"set", b"a", b"b"]),
            (b"  set   a\tb  ", &[b"set", b"a", b"b"]),
            (b"a\x0bb", &[b"a\x0bb"]),
            (b"a\x0cb c", &[b"a\x0cb", b"c"]),
            (b"a\rb\nc", &[b"a", b"b", b"c"]),
            (b"\"\"", &[b""]),
            (b"''", &[b""]),
            (b"\"a b\" c", &[b"a b", b"c"]),
            (b"\"\\n\\r\\t\\b\\a\\\\\\\"\"", &[b"\n\r\t\x08\x07\\\""]),
            (b"\"\\x41\\x6a\\xFf\"", &[b"Aj\xff"]),
            (b"\"\\x4\"", &[b"x4"]),
            (b"\"\\xZZ\"", &[b"xZZ"]),
            (b"\"\\q\"", &[b"q"]),
            (b"'a\\'b'", &[b"a'b"]),
            (b"'a\\nb'", &[b"a\\nb"]),
            (b"'a\"b'", &[b"a\"b"]),
            (b"\"a'b\"", &[b"a'b"]),
            (b"a\"b c\"", &[b"ab c"]),
            (b"a'b c' d", &[b"ab c", b"d"]),
            (b"\"a\"\x0bb", &[b"a", b"b"]),
            (b"\"a\"\tb", &[b"a", b"b"]),
            (b"a\0b c", &[b"a"]),
            (b"\0abc", &[]),
            (b"\xff\xfe x", &[b"\xff\xfe", b"x"]),
        ];
        for (line, want) in cases {
            ok(line, want);
        }
    }

    #[test]
    fn errors() {
        let cases: &[&[u8]] = &[
            b"\"abc",
            b"'abc",
            b"\"abc\"d",
            b"'abc'd",
            b"\"a\"\"b\"",
            b"\"a\\\"",
            b"\"a\0\" b",
            b"x \"a\\",
            b"'a\\'",
        ];
        for line in cases {
            assert_eq!(split_args(line), Err(UnbalancedQuotes), "{line:?}");
        }
    }

    #[test]
    fn into_appends() {
        let mut data = b"xx".to_vec();
        let mut spans: Vec<Range<usize>> = Vec::new();
        spans.push(0..2);
        split_args_into(b"a bc", &mut data, &mut spans).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(data, b"xxabc");
        assert_eq!(spans, vec![0..2, 2..3, 3..5]);
    }
}
