//! One client connection's I/O state: the socket, the query buffer, and the
//! incremental request parser.
//!
//! Invariant: the query buffer is fully initialised (`rbuf.len()` is its size);
//! unparsed bytes are `rbuf[rstart..rend]`. Reads land in `rbuf[rend..]`, so no
//! byte is zeroed or copied per read, and requests are parsed in place.
//!
//! Sizing follows Redis's: the buffer starts at [`IOBUF_LEN`], grows for big
//! requests, and is trimmed by the cron ([`Conn::cron_resize`]): an idle
//! client's empty buffer is freed (it comes back on the next read), and a big
//! buffer is cut down to the peak it recently needed.

use resp_proto::RequestParser;

use crate::net::Stream;

/// Initial and steady-state query buffer size, as Redis's PROTO_IOBUF_LEN.
pub const IOBUF_LEN: usize = 16 * 1024;
/// Buffers above this may be trimmed to their recent peak (PROTO_RESIZE_THRESHOLD).
const RESIZE_THRESHOLD: usize = 32 * 1024;
/// Free space below this is not worth a trim.
const MIN_TRIM: usize = 4 * 1024;

pub struct Conn {
    pub stream: Stream,
    pub rbuf: Vec<u8>,
    pub rstart: usize,
    pub rend: usize,
    /// The most unparsed bytes held since the last cron resize.
    pub peak: usize,
    pub parser: RequestParser,
    /// WRITABLE interest is registered (only while output is pending).
    pub writable: bool,
    /// A command is held by CLIENT PAUSE; input is not processed until it ends.
    pub paused: bool,
    /// Close once the output buffer is flushed (QUIT, protocol errors).
    pub close_when_flushed: bool,
}

impl Conn {
    pub fn new(stream: Stream) -> Conn {
        Conn {
            stream,
            rbuf: vec![0; IOBUF_LEN],
            rstart: 0,
            rend: 0,
            peak: 0,
            parser: RequestParser::new(),
            writable: false,
            paused: false,
            close_when_flushed: false,
        }
    }

    pub fn unparsed(&self) -> usize {
        self.rend - self.rstart
    }

    pub fn free_space(&self) -> usize {
        self.rbuf.len() - self.rend
    }

    /// Makes room for the next read: moves unparsed bytes to the front, and grows
    /// the buffer when it is full of one unfinished request, by what the parser
    /// says it still needs (so a large bulk is read straight into place).
    pub fn make_room(&mut self) {
        if self.rbuf.is_empty() {
            // Freed while idle.
            self.rbuf.resize(IOBUF_LEN, 0);
            return;
        }
        if self.rend < self.rbuf.len() {
            return;
        }
        if self.rstart > 0 {
            self.rbuf.copy_within(self.rstart..self.rend, 0);
            self.rend -= self.rstart;
            self.rstart = 0;
            return;
        }
        let needed = self.rend + self.parser.pending_hint().max(IOBUF_LEN);
        let grown = needed.max(
            self.rbuf
                .len()
                .saturating_mul(2)
                .min(self.rend + (64 << 20)),
        );
        self.rbuf.resize(grown, 0);
    }

    /// After a read: remembers the peak for [`Conn::cron_resize`].
    pub fn note_read(&mut self) {
        self.peak = self.peak.max(self.unparsed());
    }

    /// After parsing: an emptied buffer restarts at offset 0.
    pub fn after_parse(&mut self) {
        if self.rstart == self.rend {
            self.rstart = 0;
            self.rend = 0;
        }
    }

    /// The cron's trim, as Redis's clientsCronResizeQueryBuffer: when more than
    /// a few KiB are free, a client idle for more than 2 seconds keeps only its
    /// unparsed bytes (none: the buffer is freed), and a buffer above the resize
    /// threshold and over twice its recent peak is cut to that peak (never below
    /// what is buffered or what the request being read still needs). Returns
    /// the bytes given back.
    pub fn cron_resize(&mut self, idle_secs: u64) -> usize {
        let size = self.rbuf.len();
        let used = self.unparsed();
        if size - used > MIN_TRIM {
            if idle_secs > 2 {
                self.resize_to(used);
            } else if size > RESIZE_THRESHOLD && size / 2 > self.peak {
                let keep = used.max(self.peak).max(used + self.parser.pending_hint());
                self.resize_to(keep);
            }
        }
        self.peak = self.unparsed();
        size - self.rbuf.len()
    }

    fn resize_to(&mut self, size: usize) {
        if self.rstart > 0 {
            self.rbuf.copy_within(self.rstart..self.rend, 0);
            self.rend -= self.rstart;
            self.rstart = 0;
        }
        let size = size.max(self.rend);
        if size < self.rbuf.len() {
            self.rbuf.truncate(size);
            self.rbuf.shrink_to_fit();
        }
    }
}
