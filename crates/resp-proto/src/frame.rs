//! Owned RESP2/RESP3 frames and their encoder.
//!
//! [`Frame`] is the general, allocation-per-element representation used by
//! clients, tests and the AOF reader; the server's hot paths use
//! [`mod@crate::write`] and [`crate::RequestParser`] instead. Invariant: `encode`
//! always produces bytes that [`fn@crate::decode`] parses back to an equal frame,
//! provided simple strings/errors contain no `\r`/`\n` (those are replaced by
//! spaces, see [`mod@crate::write`]) and big numbers hold valid digits.

use crate::write;

/// One RESP value, covering every RESP2 and RESP3 type.
///
/// `PartialEq` compares doubles with `==`, so a frame holding NaN is not
/// equal to itself.
#[derive(Debug, Clone, PartialEq)]
pub enum Frame {
    /// `+OK` — no `\r`/`\n` allowed.
    Simple(Vec<u8>),
    /// `-ERR message` — the full text including the code.
    Error(Vec<u8>),
    /// `:42`
    Integer(i64),
    /// `$3\r\nfoo` — binary safe.
    Bulk(Vec<u8>),
    /// RESP2 null bulk string `$-1`.
    NullBulk,
    /// RESP2 null array `*-1`.
    NullArray,
    /// RESP3 null `_`.
    Null,
    /// `*n` followed by `n` frames.
    Array(Vec<Frame>),
    /// RESP3 `#t` / `#f`.
    Boolean(bool),
    /// RESP3 `,1.5`, `,inf`, `,nan`.
    Double(f64),
    /// RESP3 `(12345678901234567890` — the digits, optionally signed.
    BigNumber(Vec<u8>),
    /// RESP3 `!len` — binary-safe error text including the code.
    BulkError(Vec<u8>),
    /// RESP3 `=len\r\ntxt:...` — a 3-byte format and the text.
    Verbatim {
        /// Format such as `txt` or `mkd`.
        format: [u8; 3],
        /// The text after the `xxx:` prefix.
        text: Vec<u8>,
    },
    /// RESP3 `%n` followed by `n` key/value pairs.
    Map(Vec<(Frame, Frame)>),
    /// RESP3 `~n` followed by `n` frames.
    Set(Vec<Frame>),
    /// RESP3 `|n` attribute pairs, then the frame they annotate.
    Attribute {
        /// The attribute key/value pairs.
        attrs: Vec<(Frame, Frame)>,
        /// The frame that follows and carries the actual reply.
        frame: Box<Frame>,
    },
    /// RESP3 `>n` out-of-band push.
    Push(Vec<Frame>),
}

impl Frame {
    /// Convenience: a bulk string from anything byte-like.
    pub fn bulk(data: impl AsRef<[u8]>) -> Frame {
        Frame::Bulk(data.as_ref().to_vec())
    }

    /// Convenience: an array of bulk strings, the shape of a client request.
    pub fn command<I, A>(args: I) -> Frame
    where
        I: IntoIterator<Item = A>,
        A: AsRef<[u8]>,
    {
        Frame::Array(args.into_iter().map(Frame::bulk).collect())
    }
}

/// Appends the wire form of `frame` to `out`.
///
/// Recursion depth equals the frame's nesting depth; frames from
/// [`fn@crate::decode`] are bounded by [`crate::DecodeLimits::max_depth`].
pub fn encode(frame: &Frame, out: &mut Vec<u8>) {
    match frame {
        Frame::Simple(s) => write::simple(out, s),
        Frame::Error(s) => write::error(out, s),
        Frame::Integer(n) => write::integer(out, *n),
        Frame::Bulk(b) => write::bulk(out, b),
        Frame::NullBulk => write::null_bulk(out),
        Frame::NullArray => write::null_array(out),
        Frame::Null => write::null(out),
        Frame::Array(items) => {
            write::array_len(out, items.len());
            items.iter().for_each(|f| encode(f, out));
        }
        Frame::Boolean(b) => write::boolean(out, *b),
        Frame::Double(x) => write::double(out, *x),
        Frame::BigNumber(d) => write::big_number(out, d),
        Frame::BulkError(e) => write::bulk_error(out, e),
        Frame::Verbatim { format, text } => write::verbatim(out, format, text),
        Frame::Map(pairs) => {
            write::map_len(out, pairs.len());
            encode_pairs(pairs, out);
        }
        Frame::Set(items) => {
            write::set_len(out, items.len());
            items.iter().for_each(|f| encode(f, out));
        }
        Frame::Attribute { attrs, frame } => {
            write::attribute_len(out, attrs.len());
            encode_pairs(attrs, out);
            encode(frame, out);
        }
        Frame::Push(items) => {
            write::push_len(out, items.len());
            items.iter().for_each(|f| encode(f, out));
        }
    }
}

fn encode_pairs(pairs: &[(Frame, Frame)], out: &mut Vec<u8>) {
    for (k, v) in pairs {
        encode(k, out);
        encode(v, out);
    }
}
