//! Streaming decoder for owned [`Frame`]s, built on nom 8's streaming
//! combinators.
//!
//! Invariants:
//! * `Ok(None)` means "need more bytes"; the caller appends and calls again
//!   with the whole unconsumed buffer (the frame is re-parsed from its start:
//!   this decoder serves clients, tests and the AOF reader, not the request
//!   hot path, which is [`crate::RequestParser`]).
//! * Never panics; never allocates in proportion to a *claimed* length: a
//!   vector is pre-sized to at most one slot per 3 bytes actually present,
//!   and bulk payloads are copied only once they have fully arrived.
//! * Nesting is bounded by [`DecodeLimits::max_depth`], so recursion depth
//!   (and stack use) is bounded whatever the input.
//! * Lines (simple strings, errors, numbers) are bounded by
//!   [`DecodeLimits::max_line_len`], so a missing `\r\n` is reported instead of
//!   waiting forever.

use nom::bytes::streaming::{tag, take, take_until};
use nom::error::{ErrorKind, ParseError};
use nom::{IResult, Needed, Parser};

use crate::error::ProtocolError;
use crate::frame::Frame;
use crate::number::parse_i64;

/// Bounds applied by [`decode`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DecodeLimits {
    /// Largest bulk string / bulk error / verbatim payload (default 512 MiB,
    /// Redis's `proto-max-bulk-len`).
    pub max_bulk_len: u64,
    /// Largest element count of an aggregate (default `i32::MAX`, like
    /// Redis's multibulk limit). Pairs count once for maps/attributes.
    pub max_aggregate_len: u64,
    /// Deepest nesting of aggregates (default 64). A top-level array is
    /// depth 1.
    pub max_depth: usize,
    /// Longest simple string / error / double / big number line (default
    /// 1 MiB).
    pub max_line_len: usize,
}

impl Default for DecodeLimits {
    fn default() -> Self {
        DecodeLimits {
            max_bulk_len: 512 * 1024 * 1024,
            max_aggregate_len: i32::MAX as u64,
            max_depth: 64,
            max_line_len: 1024 * 1024,
        }
    }
}

/// nom error carrying our typed error. nom's own errors only arise from a
/// mismatched `\r\n` tag, hence the mapping in `from_error_kind`.
#[derive(Debug)]
struct DecodeError(ProtocolError);

impl<I> ParseError<I> for DecodeError {
    fn from_error_kind(_input: I, _kind: ErrorKind) -> Self {
        DecodeError(ProtocolError::ExpectedCrlf)
    }

    fn append(_input: I, _kind: ErrorKind, other: Self) -> Self {
        other
    }
}

type Res<'a, T> = IResult<&'a [u8], T, DecodeError>;

const CRLF: &[u8] = b"\r\n";

/// Longest length/integer line: 20 bytes is `string2ll`'s maximum.
const MAX_NUMBER_LINE: usize = 20;

fn fail<T>(e: ProtocolError) -> Res<'static, T> {
    Err(nom::Err::Failure(DecodeError(e)))
}

/// Decodes one frame from the start of `buf`.
///
/// Returns the frame and the number of bytes it occupied, `Ok(None)` if
/// `buf` holds only a prefix of a frame, or the first protocol violation.
pub fn decode(buf: &[u8], limits: &DecodeLimits) -> Result<Option<(Frame, usize)>, ProtocolError> {
    match frame(buf, 0, limits) {
        Ok((rest, f)) => Ok(Some((f, buf.len() - rest.len()))),
        Err(nom::Err::Incomplete(_)) => Ok(None),
        Err(nom::Err::Error(e) | nom::Err::Failure(e)) => Err(e.0),
    }
}

/// A `\r\n`-terminated line of at most `max` bytes; `too_long` is reported
/// once more than `max` bytes are buffered without a terminator.
fn line(input: &[u8], max: usize, too_long: ProtocolError) -> Res<'_, &[u8]> {
    match take_until(CRLF).parse(input) {
        Ok((rest, l)) if l.len() <= max => {
            let (rest, _) = tag(CRLF).parse(rest)?;
            Ok((rest, l))
        }
        Ok(_) => fail(too_long),
        // Too long once byte `max` exists and is not the start of "\r\n".
        Err(nom::Err::Incomplete(_))
            if input.len() > max.saturating_add(1)
                || (input.len() > max && input.get(max) != Some(&b'\r')) =>
        {
            fail(too_long)
        }
        Err(e) => Err(e),
    }
}

fn integer_line(input: &[u8]) -> Res<'_, i64> {
    let (rest, l) = line(input, MAX_NUMBER_LINE, ProtocolError::InvalidInteger)?;
    match parse_i64(l) {
        Some(n) => Ok((rest, n)),
        None => fail(ProtocolError::InvalidInteger),
    }
}

/// A non-negative length no larger than `max`.
fn length(input: &[u8], max: u64) -> Res<'_, usize> {
    let (rest, n) = integer_line(input)?;
    match u64::try_from(n) {
        Ok(n) if n <= max => match usize::try_from(n) {
            Ok(n) => Ok((rest, n)),
            Err(_) => fail(ProtocolError::InvalidLength),
        },
        _ => fail(ProtocolError::InvalidLength),
    }
}

/// `<n bytes>\r\n`: the payload of a bulk string, bulk error or verbatim.
fn blob(input: &[u8], n: usize) -> Res<'_, &[u8]> {
    let (rest, data) = take(n).parse(input)?;
    match tag::<_, _, DecodeError>(CRLF).parse(rest) {
        Ok((rest, _)) => Ok((rest, data)),
        Err(nom::Err::Incomplete(need)) => Err(nom::Err::Incomplete(need)),
        Err(_) => fail(ProtocolError::ExpectedCrlf),
    }
}

/// Capacity to reserve for `n` claimed elements: never more than the bytes
/// present could hold (every frame is at least 3 bytes).
fn capacity(n: usize, input: &[u8]) -> usize {
    n.min(input.len() / 3)
}

fn frames<'a>(
    mut input: &'a [u8],
    n: usize,
    depth: usize,
    lim: &DecodeLimits,
) -> Res<'a, Vec<Frame>> {
    let mut items = Vec::with_capacity(capacity(n, input));
    for _ in 0..n {
        let (rest, f) = frame(input, depth, lim)?;
        items.push(f);
        input = rest;
    }
    Ok((input, items))
}

fn pairs<'a>(
    mut input: &'a [u8],
    n: usize,
    depth: usize,
    lim: &DecodeLimits,
) -> Res<'a, Vec<(Frame, Frame)>> {
    let mut items = Vec::with_capacity(capacity(n, input) / 2);
    for _ in 0..n {
        let (rest, k) = frame(input, depth, lim)?;
        let (rest, v) = frame(rest, depth, lim)?;
        items.push((k, v));
        input = rest;
    }
    Ok((input, items))
}

fn is_big_number(s: &[u8]) -> bool {
    let digits = match s.split_first() {
        Some((b'-' | b'+', rest)) => rest,
        _ => s,
    };
    !digits.is_empty() && digits.iter().all(u8::is_ascii_digit)
}

fn parse_double(s: &[u8]) -> Option<f64> {
    // Rust's parser accepts exactly the forms %.17g produces (plus a few more
    // such as "infinity"), and rejects whitespace and garbage.
    std::str::from_utf8(s).ok()?.parse::<f64>().ok()
}

/// One frame whose aggregates start at nesting `depth`.
fn frame<'a>(input: &'a [u8], depth: usize, lim: &DecodeLimits) -> Res<'a, Frame> {
    let Some((&t, rest)) = input.split_first() else {
        return Err(nom::Err::Incomplete(Needed::new(1)));
    };
    let max_line = lim.max_line_len;
    let aggregate = || -> Res<'a, (usize, usize)> {
        if depth >= lim.max_depth {
            return fail(ProtocolError::TooDeep);
        }
        let (rest, n) = length(rest, lim.max_aggregate_len)?;
        Ok((rest, (n, depth + 1)))
    };
    match t {
        b'+' => {
            let (rest, l) = line(rest, max_line, ProtocolError::LineTooLong)?;
            Ok((rest, Frame::Simple(l.to_vec())))
        }
        b'-' => {
            let (rest, l) = line(rest, max_line, ProtocolError::LineTooLong)?;
            Ok((rest, Frame::Error(l.to_vec())))
        }
        b':' => {
            let (rest, n) = integer_line(rest)?;
            Ok((rest, Frame::Integer(n)))
        }
        b'$' | b'*' if rest.starts_with(b"-1\r") => {
            // RESP2 nulls; anything but exactly "-1\r\n" is an error.
            let (rest, _) = integer_line(rest)?;
            Ok((
                rest,
                if t == b'$' {
                    Frame::NullBulk
                } else {
                    Frame::NullArray
                },
            ))
        }
        b'$' => {
            let (rest, n) = length(rest, lim.max_bulk_len)?;
            let (rest, data) = blob(rest, n)?;
            Ok((rest, Frame::Bulk(data.to_vec())))
        }
        b'!' => {
            let (rest, n) = length(rest, lim.max_bulk_len)?;
            let (rest, data) = blob(rest, n)?;
            Ok((rest, Frame::BulkError(data.to_vec())))
        }
        b'=' => {
            let (rest, n) = length(rest, lim.max_bulk_len)?;
            let (rest, data) = blob(rest, n)?;
            match data {
                [a, b, c, b':', text @ ..] => Ok((
                    rest,
                    Frame::Verbatim {
                        format: [*a, *b, *c],
                        text: text.to_vec(),
                    },
                )),
                _ => fail(ProtocolError::InvalidVerbatim),
            }
        }
        b'_' => {
            let (rest, _) = tag(CRLF).parse(rest)?;
            Ok((rest, Frame::Null))
        }
        b'#' => {
            let (rest, l) = line(rest, 1, ProtocolError::InvalidBoolean)?;
            match l {
                b"t" => Ok((rest, Frame::Boolean(true))),
                b"f" => Ok((rest, Frame::Boolean(false))),
                _ => fail(ProtocolError::InvalidBoolean),
            }
        }
        b',' => {
            let (rest, l) = line(rest, max_line, ProtocolError::InvalidDouble)?;
            match parse_double(l) {
                Some(x) => Ok((rest, Frame::Double(x))),
                None => fail(ProtocolError::InvalidDouble),
            }
        }
        b'(' => {
            let (rest, l) = line(rest, max_line, ProtocolError::InvalidBigNumber)?;
            if is_big_number(l) {
                Ok((rest, Frame::BigNumber(l.to_vec())))
            } else {
                fail(ProtocolError::InvalidBigNumber)
            }
        }
        b'*' => {
            let (rest, (n, d)) = aggregate()?;
            let (rest, items) = frames(rest, n, d, lim)?;
            Ok((rest, Frame::Array(items)))
        }
        b'~' => {
            let (rest, (n, d)) = aggregate()?;
            let (rest, items) = frames(rest, n, d, lim)?;
            Ok((rest, Frame::Set(items)))
        }
        b'>' => {
            let (rest, (n, d)) = aggregate()?;
            let (rest, items) = frames(rest, n, d, lim)?;
            Ok((rest, Frame::Push(items)))
        }
        b'%' => {
            let (rest, (n, d)) = aggregate()?;
            let (rest, items) = pairs(rest, n, d, lim)?;
            Ok((rest, Frame::Map(items)))
        }
        b'|' => {
            let (rest, (n, d)) = aggregate()?;
            let (rest, attrs) = pairs(rest, n, d, lim)?;
            // The annotated frame counts as nested too, so a chain of
            // attributes cannot recurse without bound.
            let (rest, inner) = frame(rest, d, lim)?;
            Ok((
                rest,
                Frame::Attribute {
                    attrs,
                    frame: Box::new(inner),
                },
            ))
        }
        other => fail(ProtocolError::InvalidTypeByte(other)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::encode;

    fn dec(b: &[u8]) -> Result<Option<(Frame, usize)>, ProtocolError> {
        decode(b, &DecodeLimits::default())
    }

    #[test]
    fn table() {
        let ok: &[(&[u8], Frame)] = &[
            (b"+OK\r\n", Frame::Simple(b"OK".to_vec())),
            (b"-ERR x\r\n", Frame::Error(b"ERR x".to_vec())),
            (b":-12\r\n", Frame::Integer(-12)),
            (b"$0\r\n\r\n", Frame::Bulk(vec![])),
            (b"$-1\r\n", Frame::NullBulk),
            (b"*-1\r\n", Frame::NullArray),
            (b"_\r\n", Frame::Null),
            (b"#f\r\n", Frame::Boolean(false)),
            (b",-inf\r\n", Frame::Double(f64::NEG_INFINITY)),
            (b",1e+20\r\n", Frame::Double(1e20)),
            (b"(-123\r\n", Frame::BigNumber(b"-123".to_vec())),
            (b"!3\r\nE x\r\n", Frame::BulkError(b"E x".to_vec())),
            (
                b"=6\r\ntxt:hi\r\n",
                Frame::Verbatim {
                    format: *b"txt",
                    text: b"hi".to_vec(),
                },
            ),
            (
                b"|1\r\n+k\r\n:1\r\n*1\r\n_\r\n",
                Frame::Attribute {
                    attrs: vec![(Frame::Simple(b"k".to_vec()), Frame::Integer(1))],
                    frame: Box::new(Frame::Array(vec![Frame::Null])),
                },
            ),
        ];
        for (wire, want) in ok {
            assert_eq!(dec(wire), Ok(Some((want.clone(), wire.len()))), "{wire:?}");
        }
        let err: &[(&[u8], ProtocolError)] = &[
            (b"?x\r\n", ProtocolError::InvalidTypeByte(b'?')),
            (b":1x\r\n", ProtocolError::InvalidInteger),
            (b":+1\r\n", ProtocolError::InvalidInteger),
            (b"$-2\r\n", ProtocolError::InvalidLength),
            (b"$-1x\r\n", ProtocolError::InvalidInteger),
            (b"%-1\r\n", ProtocolError::InvalidLength),
            (b"$1\r\nabc", ProtocolError::ExpectedCrlf),
            (b"_x\r\n", ProtocolError::ExpectedCrlf),
            (b"#x\r\n", ProtocolError::InvalidBoolean),
            (b"#tt\r\n", ProtocolError::InvalidBoolean),
            (b",abc\r\n", ProtocolError::InvalidDouble),
            (b", 1\r\n", ProtocolError::InvalidDouble),
            (b"(1a\r\n", ProtocolError::InvalidBigNumber),
            (b"(\r\n", ProtocolError::InvalidBigNumber),
            (b"=3\r\ntxt\r\n", ProtocolError::InvalidVerbatim),
            (b"=4\r\ntxtx\r\n", ProtocolError::InvalidVerbatim),
            (b":111111111111111111111111", ProtocolError::InvalidInteger),
        ];
        for (wire, want) in err {
            assert_eq!(dec(wire), Err(*want), "{wire:?}");
        }
        for partial in [
            &b""[..],
            b"+OK",
            b"+OK\r",
            b"$3\r\nab",
            b"$3\r\nabc\r",
            b"*2\r\n:1\r\n",
            b"_",
            b"|1\r\n+a\r\n+b\r\n",
        ] {
            assert_eq!(dec(partial), Ok(None), "{partial:?}");
        }
    }

    #[test]
    fn huge_claims_do_not_allocate() {
        // Would need 2e9 * size_of::<Frame>() bytes if trusted.
        assert_eq!(dec(b"*2000000000\r\n:1\r\n"), Ok(None));
        assert_eq!(dec(b"%2000000000\r\n"), Ok(None));
        assert_eq!(dec(b"$536870912\r\nabc"), Ok(None));
        assert_eq!(dec(b"$536870913\r\n"), Err(ProtocolError::InvalidLength));
        assert_eq!(dec(b"*2147483648\r\n"), Err(ProtocolError::InvalidLength));
    }

    #[test]
    fn depth_is_bounded() {
        let limits = DecodeLimits::default();
        let nest = |n: usize| {
            let mut v = b"*1\r\n".repeat(n);
            v.extend_from_slice(b":1\r\n");
            v
        };
        let ok = nest(limits.max_depth);
        assert!(matches!(decode(&ok, &limits), Ok(Some((_, n))) if n == ok.len()));
        assert_eq!(
            decode(&nest(limits.max_depth + 1), &limits),
            Err(ProtocolError::TooDeep)
        );
        // Far deeper input fails fast instead of overflowing the stack.
        assert_eq!(
            decode(&nest(1_000_000), &limits),
            Err(ProtocolError::TooDeep)
        );
        let attrs = b"|0\r\n".repeat(1000);
        assert_eq!(decode(&attrs, &limits), Err(ProtocolError::TooDeep));
    }

    #[test]
    fn lines_are_bounded() {
        let limits = DecodeLimits {
            max_line_len: 4,
            ..DecodeLimits::default()
        };
        assert_eq!(decode(b"+abcd", &limits), Ok(None));
        assert_eq!(decode(b"+abcd\r", &limits), Ok(None));
        assert_eq!(decode(b"+abcde", &limits), Err(ProtocolError::LineTooLong));
        assert_eq!(
            decode(b"+abcde\r\n", &limits),
            Err(ProtocolError::LineTooLong)
        );
        assert!(matches!(decode(b"+abcd\r\n", &limits), Ok(Some(_))));
    }

    #[test]
    fn encode_matches_wire() {
        let f = Frame::command(["SET", "k", "v"]);
        let mut out = Vec::new();
        encode(&f, &mut out);
        assert_eq!(out, b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n");
    }
}
