//! The crate's error type for malformed input, shared by the request parser
//! and the general frame decoder.
//!
//! Invariant: for the request-parser variants, `Display` is exactly the text
//! Redis 7.0.15 sends after `-ERR ` before closing the connection (checked
//! against the real server; see `request.rs` tests). The one case `Display`
//! cannot reproduce byte-for-byte is [`ProtocolError::ExpectedDollar`] with a
//! non-ASCII byte (a Rust `String` cannot hold the raw byte):
//! [`ProtocolError::write_reply`] always writes the exact bytes.

use crate::split::UnbalancedQuotes;

/// A protocol violation. After any of these the connection is unusable: the
/// server replies with [`ProtocolError::write_reply`] and closes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProtocolError {
    // ---- request parser (Redis-exact messages) ----
    /// Inline request with no newline in more than 64 KiB.
    #[error("Protocol error: too big inline request")]
    TooBigInlineRequest,
    /// Inline request whose quotes do not balance (see [`crate::split_args`]).
    #[error("Protocol error: unbalanced quotes in request")]
    UnbalancedQuotes,
    /// `*` line with no `\r` in more than 64 KiB.
    #[error("Protocol error: too big mbulk count string")]
    TooBigMultibulkCount,
    /// `*` count not an integer, or above `i32::MAX`.
    #[error("Protocol error: invalid multibulk length")]
    InvalidMultibulkLength,
    /// `*` count above 10 before authentication.
    #[error("Protocol error: unauthenticated multibulk length")]
    UnauthenticatedMultibulkLength,
    /// A bulk header did not start with `$`; holds the byte found. Redis
    /// prints `\r` and `\n` as a space, which `Display` also does.
    #[error("Protocol error: expected '$', got '{}'", display_byte(*.0))]
    ExpectedDollar(u8),
    /// Bulk length not an integer, negative, or above `proto-max-bulk-len`.
    #[error("Protocol error: invalid bulk length")]
    InvalidBulkLength,
    /// Bulk length above 16384 before authentication.
    #[error("Protocol error: unauthenticated bulk length")]
    UnauthenticatedBulkLength,
    /// `$` line with no `\r` in more than 64 KiB.
    #[error("Protocol error: too big bulk count string")]
    TooBigBulkCount,

    // ---- general decoder (no Redis counterpart; same style) ----
    /// A frame started with a byte that is no RESP2/RESP3 type.
    #[error("Protocol error: invalid frame type byte {0:#04x}")]
    InvalidTypeByte(u8),
    /// An integer or length field that is not a valid integer.
    #[error("Protocol error: invalid integer")]
    InvalidInteger,
    /// A negative length other than the RESP2 null `-1`, or one over a limit.
    #[error("Protocol error: invalid length")]
    InvalidLength,
    /// A payload or line not terminated by `\r\n`.
    #[error("Protocol error: expected CRLF")]
    ExpectedCrlf,
    /// A `#` boolean other than `t`/`f`.
    #[error("Protocol error: invalid boolean")]
    InvalidBoolean,
    /// A `,` double that does not parse.
    #[error("Protocol error: invalid double")]
    InvalidDouble,
    /// A `(` big number that is not an optionally signed run of digits.
    #[error("Protocol error: invalid big number")]
    InvalidBigNumber,
    /// A `=` verbatim string without its `xxx:` format prefix.
    #[error("Protocol error: invalid verbatim string")]
    InvalidVerbatim,
    /// Aggregates nested deeper than [`crate::DecodeLimits::max_depth`].
    #[error("Protocol error: nesting too deep")]
    TooDeep,
    /// A line (simple string, error, number) longer than the decoder allows.
    #[error("Protocol error: line too long")]
    LineTooLong,
}

/// How Redis's `addReplyErrorFormat` renders the `%c` byte: `\r`/`\n` become
/// spaces. Bytes >= 0x80 are shown as the Latin-1 char (see module doc).
fn display_byte(b: u8) -> char {
    match b {
        b'\r' | b'\n' => ' ',
        other => char::from(other),
    }
}

impl ProtocolError {
    /// Appends the complete reply Redis sends for this error,
    /// `-ERR <message>\r\n`, with the offending byte of
    /// [`ProtocolError::ExpectedDollar`] written raw as Redis does.
    pub fn write_reply(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(b"-ERR ");
        match *self {
            ProtocolError::ExpectedDollar(b) => {
                out.extend_from_slice(b"Protocol error: expected '$', got '");
                out.push(if b == b'\r' || b == b'\n' { b' ' } else { b });
                out.push(b'\'');
            }
            // Every other message is plain ASCII, so Display is exact.
            other => out.extend_from_slice(other.to_string().as_bytes()),
        }
        out.extend_from_slice(b"\r\n");
    }
}

impl From<UnbalancedQuotes> for ProtocolError {
    fn from(_: UnbalancedQuotes) -> Self {
        ProtocolError::UnbalancedQuotes
    }
}
