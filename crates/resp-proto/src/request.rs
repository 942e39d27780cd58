//! The server's request parser: Redis 7.0's `processInlineBuffer` and
//! `processMultibulkBuffer` (networking.c), reproduced behaviour-for-behaviour
//! but parsing *in place*.
//!
//! Invariants:
//! * Arguments are `Range<usize>` spans into the caller's buffer (multibulk)
//!   or into the parser's reused scratch buffer (inline); no allocation per
//!   argument, and the span vector is reused across commands.
//! * Resumable: between calls the parser remembers where the current element
//!   starts and how far it already searched for a line end, so a command that
//!   arrives in many small reads is scanned once (no O(n^2)). This requires
//!   the caller to pass the same unconsumed bytes again, possibly extended.
//! * Nothing is allocated in proportion to a *claimed* count or length: spans
//!   grow only as arguments actually arrive.
//! * Never panics: every index is checked or follows from a bounds check just
//!   above it (commented where so).
//!
//! Redis quirks reproduced (all checked against redis-server 7.0.15):
//! * Header lines end at the first `\r`; the byte after it is skipped without
//!   being checked, and the two bytes after a bulk payload are not checked.
//! * Redis searches with `strchr`, so a NUL byte before the line end hides the
//!   end forever: the request stays incomplete until it trips a 64 KiB limit.
//! * The multibulk count limit is `i32::MAX` (not 1M as in older Redis);
//!   counts <= 0 (even `*-5`) mean "nothing to run".
//! * The 64 KiB limits count from the start of the element being parsed.

use std::ops::Range;

use crate::error::ProtocolError;
use crate::number::parse_i64;
use crate::split::split_args_into;

/// Redis's `PROTO_INLINE_MAX_SIZE`: the longest line awaited without an end.
pub const PROTO_INLINE_MAX_SIZE: usize = 64 * 1024;
/// Largest multibulk count before authentication.
pub const UNAUTH_MAX_MULTIBULK: i64 = 10;
/// Largest bulk length before authentication.
pub const UNAUTH_MAX_BULK: i64 = 16384;
/// Largest multibulk count at all (Redis 7.0 uses `INT_MAX`).
pub const MAX_MULTIBULK: i64 = i32::MAX as i64;
/// Default `proto-max-bulk-len`.
pub const DEFAULT_MAX_BULK_LEN: u64 = 512 * 1024 * 1024;

/// Per-connection limits the server passes on each call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestLimits {
    /// `proto-max-bulk-len`: larger bulk lengths are a protocol error.
    pub max_bulk_len: u64,
    /// Whether the client is authenticated (or no auth is required). When
    /// false, counts above 10 and bulks above 16384 bytes are refused.
    pub authenticated: bool,
}

impl Default for RequestLimits {
    fn default() -> Self {
        RequestLimits {
            max_bulk_len: DEFAULT_MAX_BULK_LEN,
            authenticated: true,
        }
    }
}

/// Outcome of [`RequestParser::parse`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Parsed {
    /// A full command: run it with [`RequestParser::argv`], then drop
    /// `consumed` bytes from the front of the buffer.
    Command {
        /// Bytes of `buf` the command occupied.
        consumed: usize,
    },
    /// Nothing to run (empty inline line, `*0`, `*-1`); drop `consumed` bytes.
    Skip {
        /// Bytes of `buf` to drop.
        consumed: usize,
    },
    /// Need more bytes: append to the buffer and call again.
    Incomplete,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Nothing parsed for the current request yet.
    Start,
    /// Inline request, waiting for `\n`.
    Inline,
    /// Waiting for the `*<count>\r?` line.
    MultibulkCount,
    /// Waiting for a `$<len>\r?` line at `pos`.
    BulkHeader,
    /// Waiting for `bulk_len + 2` bytes at `pos`.
    BulkData,
    /// Returned `Command`/`Skip`; the next `parse` starts a new request.
    Done,
}

/// Resumable, allocation-reusing request parser; one per connection.
#[derive(Debug, Clone)]
pub struct RequestParser {
    state: State,
    /// Offset in `buf` where the element being parsed starts (Redis's
    /// `qb_pos` relative to the request start).
    pos: usize,
    /// Offset up to which the current line was searched without finding its
    /// end, so the search resumes there.
    scan: usize,
    /// A NUL was found before the line end: the end can never be seen.
    blocked: bool,
    /// Bulk arguments still expected.
    remaining: u64,
    /// Length of the bulk whose payload is awaited.
    bulk_len: usize,
    /// Spans of the arguments parsed so far.
    spans: Vec<Range<usize>>,
    /// Unescaped inline arguments (inline spans index this, not `buf`).
    scratch: Vec<u8>,
    /// Whether the current command came from the inline protocol.
    inline: bool,
    /// `buf.len()` at the last call, for [`RequestParser::pending_hint`].
    seen: usize,
}

impl Default for RequestParser {
    fn default() -> Self {
        Self::new()
    }
}

/// Where a line search ended.
enum LineEnd {
    /// Offset of the terminating byte.
    Found(usize),
    /// No terminator in the bytes so far.
    NotYet,
    /// A NUL came first: Redis's `strchr` would never see the terminator.
    Blocked,
}

/// Span vectors/scratch larger than this are released after the command so a
/// single huge request does not pin memory for the connection's lifetime.
const KEEP_SPANS: usize = 1024;
const KEEP_SCRATCH: usize = 64 * 1024;

/// Searches `buf[from..]` for `term` (`\r` or `\n`), stopping at NUL.
#[inline]
fn find_line_end(buf: &[u8], from: usize, term: u8) -> LineEnd {
    let Some(hay) = buf.get(from..) else {
        return LineEnd::NotYet;
    };
    // Header lines are a few bytes: a plain loop beats a memchr call there;
    // fall back to memchr2 for long lines.
    const SHORT: usize = 24;
    let short = hay.len().min(SHORT);
    for (i, &b) in hay[..short].iter().enumerate() {
        if b == term {
            return LineEnd::Found(from + i);
        }
        if b == 0 {
            return LineEnd::Blocked;
        }
    }
    match memchr::memchr2(term, 0, &hay[short..]) {
        Some(i) if hay[short + i] == term => LineEnd::Found(from + short + i),
        Some(_) => LineEnd::Blocked,
        None => LineEnd::NotYet,
    }
}

/// Parses `[1-9][0-9]{0,17}` or `0` at `buf[start..]` when followed by `\r`
/// and at least one more byte; returns the value and the `\r` offset. Any
/// other shape (signs, long or malformed numbers, incomplete lines) returns
/// `None` and is left to the general, `string2ll`-exact path. Values it
/// accepts are exactly ones `string2ll` accepts, with the same value.
#[inline]
fn quick_number(buf: &[u8], start: usize) -> Option<(i64, usize)> {
    let s = buf.get(start..)?;
    let (&d0, _) = s.split_first()?;
    let mut v = i64::from(d0.wrapping_sub(b'0'));
    let mut i = 1;
    if d0 != b'0' {
        if !(b'1'..=b'9').contains(&d0) {
            return None;
        }
        // 18 digits cannot overflow i64.
        while i < 18
            && let Some(&d) = s.get(i)
            && d.is_ascii_digit()
        {
            v = v * 10 + i64::from(d - b'0');
            i += 1;
        }
    }
    if s.get(i) == Some(&b'\r') && i + 1 < s.len() {
        Some((v, start + i))
    } else {
        None
    }
}

impl RequestParser {
    /// A parser ready for the first request of a connection.
    pub fn new() -> Self {
        RequestParser {
            state: State::Start,
            pos: 0,
            scan: 0,
            blocked: false,
            remaining: 0,
            bulk_len: 0,
            spans: Vec::new(),
            scratch: Vec::new(),
            inline: false,
            seen: 0,
        }
    }

    /// Forgets any partial request (e.g. when the buffer was discarded).
    pub fn reset(&mut self) {
        self.state = State::Start;
        self.pos = 0;
        self.scan = 0;
        self.blocked = false;
        self.remaining = 0;
        self.bulk_len = 0;
        self.spans.clear();
        if self.spans.capacity() > KEEP_SPANS {
            self.spans.shrink_to(KEEP_SPANS);
        }
        self.scratch.clear();
        if self.scratch.capacity() > KEEP_SCRATCH {
            self.scratch.shrink_to(KEEP_SCRATCH);
        }
        self.inline = false;
        self.seen = 0;
    }

    /// Parses the next request from `buf`, which holds all unconsumed bytes.
    ///
    /// Between calls that return `Incomplete`, the caller must pass the same
    /// bytes again (more may be appended). After `Command`/`Skip` it drops
    /// `consumed` bytes; the next call starts a new request.
    ///
    /// An `Err` is final for the connection, as in Redis: reply with
    /// [`ProtocolError::write_reply`] and close. Calling again afterwards is
    /// safe but meaningless until [`RequestParser::reset`].
    pub fn parse(&mut self, buf: &[u8], limits: &RequestLimits) -> Result<Parsed, ProtocolError> {
        // After a finished command a new request starts. A buffer shorter
        // than last time breaks the contract (bytes were dropped mid-request):
        // start over rather than index with stale offsets.
        if self.state == State::Done || buf.len() < self.seen {
            self.reset();
        }
        self.seen = buf.len();
        if self.state == State::Start {
            let Some(&first) = buf.first() else {
                return Ok(Parsed::Incomplete);
            };
            if first == b'*' {
                self.state = State::MultibulkCount;
                self.scan = 1;
            } else {
                self.state = State::Inline;
                self.inline = true;
            }
        }
        match self.state {
            State::Inline => self.parse_inline(buf),
            _ => self.parse_multibulk(buf, limits),
        }
    }

    /// Runs the current line search from the resume point, recording progress.
    #[inline]
    fn line_end(&mut self, buf: &[u8], term: u8) -> Option<usize> {
        if self.blocked {
            return None;
        }
        match find_line_end(buf, self.scan.max(self.pos), term) {
            LineEnd::Found(i) => Some(i),
            LineEnd::NotYet => {
                self.scan = buf.len();
                None
            }
            LineEnd::Blocked => {
                self.blocked = true;
                None
            }
        }
    }

    /// Reads the header line at `pos`: one type byte, a number, `\r` and one
    /// more (unchecked) byte. `Ok(None)`: incomplete. Otherwise the number
    /// (`None` if `string2ll` would reject it) and the offset of the `\r`.
    /// `too_big` is the error for > 64 KiB without a line end.
    #[inline]
    fn header_line(
        &mut self,
        buf: &[u8],
        too_big: ProtocolError,
    ) -> Result<Option<(Option<i64>, usize)>, ProtocolError> {
        // Fast path for the usual case, a short canonical number: one pass
        // that scans and converts at once.
        // Only behind a proper type byte: a NUL there must block the line
        // (strchr semantics) and a '\r' there ends the line at once.
        if matches!(buf.get(self.pos), Some(b'$' | b'*'))
            && let Some(hit) = quick_number(buf, self.pos + 1)
        {
            return Ok(Some((Some(hit.0), hit.1)));
        }
        let Some(cr) = self.line_end(buf, b'\r') else {
            if buf.len().saturating_sub(self.pos) > PROTO_INLINE_MAX_SIZE {
                return Err(too_big);
            }
            return Ok(None);
        };
        // The byte after '\r' must be there (it is skipped unchecked).
        if cr + 1 >= buf.len() {
            self.scan = cr;
            return Ok(None);
        }
        // `get`: when buf[pos] itself is '\r' the range is empty-reversed.
        Ok(Some((buf.get(self.pos + 1..cr).and_then(parse_i64), cr)))
    }

    fn parse_inline(&mut self, buf: &[u8]) -> Result<Parsed, ProtocolError> {
        let Some(nl) = self.line_end(buf, b'\n') else {
            if buf.len() > PROTO_INLINE_MAX_SIZE {
                return Err(ProtocolError::TooBigInlineRequest);
            }
            return Ok(Parsed::Incomplete);
        };
        // `nl` < buf.len() (found in buf), so both slices are in bounds.
        let mut line = &buf[..nl];
        if let [head @ .., b'\r'] = line {
            line = head;
        }
        self.scratch.clear();
        self.spans.clear();
        split_args_into(line, &mut self.scratch, &mut self.spans)?;
        self.state = State::Done;
        let consumed = nl + 1;
        if self.spans.is_empty() {
            Ok(Parsed::Skip { consumed })
        } else {
            Ok(Parsed::Command { consumed })
        }
    }

    fn parse_multibulk(
        &mut self,
        buf: &[u8],
        limits: &RequestLimits,
    ) -> Result<Parsed, ProtocolError> {
        if self.state == State::MultibulkCount {
            let Some((count, cr)) = self.header_line(buf, ProtocolError::TooBigMultibulkCount)?
            else {
                return Ok(Parsed::Incomplete);
            };
            let count = match count {
                Some(n) if n <= MAX_MULTIBULK => n,
                _ => return Err(ProtocolError::InvalidMultibulkLength),
            };
            if count > UNAUTH_MAX_MULTIBULK && !limits.authenticated {
                return Err(ProtocolError::UnauthenticatedMultibulkLength);
            }
            self.pos = cr + 2;
            self.scan = self.pos;
            if count <= 0 {
                self.state = State::Done;
                return Ok(Parsed::Skip { consumed: self.pos });
            }
            // count is in 1..=i32::MAX here.
            self.remaining = count as u64;
            self.spans.clear();
            self.state = State::BulkHeader;
        }

        while self.remaining > 0 {
            if self.state == State::BulkHeader {
                let Some((len, cr)) = self.header_line(buf, ProtocolError::TooBigBulkCount)? else {
                    return Ok(Parsed::Incomplete);
                };
                // A complete line starts at pos (cr >= pos), so this is Some;
                // the fallback only guards against a caller breaking the
                // buffer contract.
                let first = buf.get(self.pos).copied().unwrap_or(0);
                if first != b'$' {
                    return Err(ProtocolError::ExpectedDollar(first));
                }
                let len = match len {
                    Some(n) if n >= 0 && (n as u64) <= limits.max_bulk_len => n,
                    _ => return Err(ProtocolError::InvalidBulkLength),
                };
                if len > UNAUTH_MAX_BULK && !limits.authenticated {
                    return Err(ProtocolError::UnauthenticatedBulkLength);
                }
                let Ok(len) = usize::try_from(len) else {
                    return Err(ProtocolError::InvalidBulkLength);
                };
                self.pos = cr + 2;
                self.bulk_len = len;
                self.state = State::BulkData;
            }
            // State is BulkData here.
            let end = self.pos.saturating_add(self.bulk_len);
            if buf.len() < end.saturating_add(2) {
                return Ok(Parsed::Incomplete);
            }
            self.spans.push(self.pos..end);
            self.pos = end + 2;
            self.scan = self.pos;
            self.remaining -= 1;
            self.state = State::BulkHeader;
        }
        self.state = State::Done;
        Ok(Parsed::Command { consumed: self.pos })
    }

    /// The arguments of the command just returned by `Parsed::Command`; `buf`
    /// must be the buffer that call was given. Empty at any other time.
    pub fn argv<'a>(&'a self, buf: &'a [u8]) -> Argv<'a> {
        if self.state != State::Done {
            return Argv::new(buf, &[]);
        }
        let base = if self.inline { &self.scratch[..] } else { buf };
        Argv::new(base, &self.spans)
    }

    /// Bytes still known to be missing for the current request (the rest of
    /// a pending bulk payload and its `\r\n`), so the caller can reserve
    /// buffer space once for a large value. 0 when unknown.
    pub fn pending_hint(&self) -> usize {
        if self.state != State::BulkData {
            return 0;
        }
        self.pos
            .saturating_add(self.bulk_len)
            .saturating_add(2)
            .saturating_sub(self.seen)
    }
}

/// Borrowed command arguments: spans into a base buffer. Cheap to copy.
#[derive(Clone, Copy)]
pub struct Argv<'a> {
    base: &'a [u8],
    spans: &'a [Range<usize>],
}

impl<'a> Argv<'a> {
    /// Arguments `base[span]` for each span. Spans out of range read as
    /// empty, never panic.
    pub fn new(base: &'a [u8], spans: &'a [Range<usize>]) -> Self {
        Argv { base, spans }
    }

    /// Number of arguments.
    #[inline]
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// True when there are no arguments.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// Argument `i`, or `None` past the end.
    #[inline]
    pub fn get(&self, i: usize) -> Option<&'a [u8]> {
        let span = self.spans.get(i)?;
        Some(self.base.get(span.clone()).unwrap_or_default())
    }

    /// Argument `i`, which the command table's arity guarantees is present.
    /// A missing one is a bug in the table: debug builds stop on it, and
    /// release builds read it as empty rather than crash the server.
    #[inline]
    pub fn arg(&self, i: usize) -> &'a [u8] {
        debug_assert!(
            i < self.len(),
            "argument {i} of a {}-argument request: the arity must guarantee it",
            self.len()
        );
        self.get(i).unwrap_or_default()
    }

    /// The command name (argument 0).
    #[inline]
    pub fn first(&self) -> Option<&'a [u8]> {
        self.get(0)
    }

    /// Iterates over the arguments.
    pub fn iter(&self) -> ArgvIter<'a> {
        ArgvIter {
            base: self.base,
            spans: self.spans.iter(),
        }
    }

    /// Copies the arguments into an [`OwnedArgv`].
    pub fn to_owned_argv(&self) -> OwnedArgv {
        let mut owned = OwnedArgv::default();
        for arg in self.iter() {
            owned.push(arg);
        }
        owned
    }
}

impl std::fmt::Debug for Argv<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.iter().map(|a| String::from_utf8_lossy(a)))
            .finish()
    }
}

impl PartialEq for Argv<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl Eq for Argv<'_> {}

/// Iterator over an [`Argv`].
#[derive(Clone, Debug)]
pub struct ArgvIter<'a> {
    base: &'a [u8],
    spans: std::slice::Iter<'a, Range<usize>>,
}

impl<'a> Iterator for ArgvIter<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        let span = self.spans.next()?;
        Some(self.base.get(span.clone()).unwrap_or_default())
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.spans.size_hint()
    }
}

impl ExactSizeIterator for ArgvIter<'_> {}

impl<'a> IntoIterator for Argv<'a> {
    type Item = &'a [u8];
    type IntoIter = ArgvIter<'a>;

    fn into_iter(self) -> ArgvIter<'a> {
        self.iter()
    }
}

/// Owned arguments in one contiguous buffer, for storing commands (MULTI
/// queue, AOF, tests).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct OwnedArgv {
    data: Vec<u8>,
    spans: Vec<Range<usize>>,
}

impl OwnedArgv {
    /// An empty argument list.
    pub fn new() -> Self {
        Self::default()
    }

    /// Copies the given arguments.
    pub fn from_slices(args: &[&[u8]]) -> Self {
        let mut owned = OwnedArgv {
            data: Vec::with_capacity(args.iter().map(|a| a.len()).sum()),
            spans: Vec::with_capacity(args.len()),
        };
        for a in args {
            owned.push(a);
        }
        owned
    }

    /// Appends one argument.
    pub fn push(&mut self, arg: &[u8]) {
        let start = self.data.len();
        self.data.extend_from_slice(arg);
        self.spans.push(start..self.data.len());
    }

    /// Borrowed view.
    pub fn as_argv(&self) -> Argv<'_> {
        Argv::new(&self.data, &self.spans)
    }

    /// Number of arguments.
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// True when there are no arguments.
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// Argument `i`, or `None` past the end.
    pub fn get(&self, i: usize) -> Option<&[u8]> {
        self.as_argv().get(i)
    }

    /// Removes all arguments, keeping capacity.
    pub fn clear(&mut self) {
        self.data.clear();
        self.spans.clear();
    }

    /// Iterates over the arguments.
    pub fn iter(&self) -> ArgvIter<'_> {
        self.as_argv().iter()
    }
}

impl std::fmt::Debug for OwnedArgv {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.as_argv().fmt(f)
    }
}

impl<'a> From<Argv<'a>> for OwnedArgv {
    fn from(argv: Argv<'a>) -> Self {
        argv.to_owned_argv()
    }
}

impl<A: AsRef<[u8]>> FromIterator<A> for OwnedArgv {
    fn from_iter<I: IntoIterator<Item = A>>(iter: I) -> Self {
        let mut owned = OwnedArgv::default();
        for a in iter {
            owned.push(a.as_ref());
        }
        owned
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIM: RequestLimits = RequestLimits {
        max_bulk_len: DEFAULT_MAX_BULK_LEN,
        authenticated: true,
    };

    #[test]
    fn argv_multibulk_and_inline() {
        let mut p = RequestParser::new();
        let buf = b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\nGET \"k\"\r\n";
        assert_eq!(p.parse(buf, &LIM), Ok(Parsed::Command { consumed: 26 }));
        let argv = p.argv(buf);
        assert_eq!(argv.len(), 3);
        assert_eq!(argv.first(), Some(&b"SET"[..]));
        assert_eq!(argv.get(2), Some(&b""[..]));
        assert_eq!(argv.get(3), None);
        let rest = &buf[26..];
        assert_eq!(p.parse(rest, &LIM), Ok(Parsed::Command { consumed: 9 }));
        let owned = p.argv(rest).to_owned_argv();
        assert_eq!(owned, OwnedArgv::from_slices(&[b"GET", b"k"]));
        assert_eq!(p.parse(b"", &LIM), Ok(Parsed::Incomplete));
        assert!(p.argv(b"").is_empty());
    }

    #[test]
    fn pending_hint_and_resume() {
        let mut p = RequestParser::new();
        let mut buf = b"*2\r\n$3\r\nSET\r\n$100000\r\nabc".to_vec();
        assert_eq!(p.parse(&buf, &LIM), Ok(Parsed::Incomplete));
        assert_eq!(p.pending_hint(), 100_000 - 3 + 2);
        buf.resize(buf.len() + 99_997, b'v');
        assert_eq!(p.parse(&buf, &LIM), Ok(Parsed::Incomplete));
        assert_eq!(p.pending_hint(), 2);
        buf.extend_from_slice(b"\r\n");
        assert_eq!(
            p.parse(&buf, &LIM),
            Ok(Parsed::Command {
                consumed: buf.len()
            })
        );
        assert_eq!(p.argv(&buf).get(1).map(<[u8]>::len), Some(100_000));
        assert_eq!(p.pending_hint(), 0);
    }

    #[test]
    fn many_args_in_small_reads_is_linear() {
        // 200k arguments fed 7 bytes at a time: quadratic re-scanning would
        // take minutes; resumable parsing takes milliseconds.
        let n = 200_000;
        let mut wire = format!("*{n}\r\n").into_bytes();
        for i in 0..n {
            let a = i.to_string();
            wire.extend_from_slice(format!("${}\r\n{a}\r\n", a.len()).as_bytes());
        }
        let mut p = RequestParser::new();
        let mut end = 0;
        let res = loop {
            end = (end + 7).min(wire.len());
            match p.parse(&wire[..end], &LIM) {
                Ok(Parsed::Incomplete) if end < wire.len() => continue,
                other => break other,
            }
        };
        assert_eq!(
            res,
            Ok(Parsed::Command {
                consumed: wire.len()
            })
        );
        let argv = p.argv(&wire);
        assert_eq!(argv.len(), n);
        assert_eq!(argv.get(n - 1), Some((n - 1).to_string().as_bytes()));
        // Memory for the spans is released afterwards.
        assert_eq!(p.parse(b"", &LIM), Ok(Parsed::Incomplete));
        assert!(p.spans.capacity() <= KEEP_SPANS);
    }

    #[test]
    fn argv_never_panics_on_bad_spans() {
        // A reversed range, as a buggy caller might build.
        #[allow(clippy::reversed_empty_ranges)]
        let spans = [0..2, 5..9, 3..1];
        let argv = Argv::new(b"abc", &spans);
        assert_eq!(argv.get(0), Some(&b"ab"[..]));
        assert_eq!(argv.get(1), Some(&b""[..]));
        assert_eq!(argv.get(2), Some(&b""[..]));
        assert_eq!(argv.iter().count(), 3);
    }

    #[test]
    fn contract_violations_do_not_panic() {
        // Unrelated or shrinking buffers between calls: garbage in, but no
        // panic and no out-of-bounds span.
        let bufs: &[&[u8]] = &[
            b"*3\r\n$3\r\nSET\r\n$100\r\nab",
            b"x",
            b"*2\r\n$1\r\na\r\n",
            b"$1\r\nb\r\n",
            b"",
            b"*1\r\n$1\r\nc\r\nzzzzzzzzzzzzzzzzzzzz",
            b"PING \"",
            b"*1\r\n$1\r\nc\r\n",
        ];
        let mut p = RequestParser::new();
        for _ in 0..3 {
            for b in bufs {
                if let Ok(Parsed::Command { consumed }) = p.parse(b, &LIM) {
                    assert!(consumed <= b.len());
                    let _ = p.argv(b).iter().count();
                }
                let _ = p.pending_hint();
            }
        }
    }

    #[test]
    fn owned_argv() {
        let mut o: OwnedArgv = ["a", "bc"].into_iter().collect();
        o.push(b"");
        assert_eq!(o.len(), 3);
        assert_eq!(o.get(1), Some(&b"bc"[..]));
        assert_eq!(format!("{o:?}"), r#"["a", "bc", ""]"#);
        assert_eq!(
            o.as_argv(),
            OwnedArgv::from_slices(&[b"a", b"bc", b""]).as_argv()
        );
        o.clear();
        assert!(o.is_empty());
    }
}
