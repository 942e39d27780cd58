//! One client connection's I/O state: the socket, the query buffer, and the
//! incremental request parser.
//!
//! Invariant: the query buffer is fully initialised (`rbuf.len()` is its size);
//! unparsed bytes are `rbuf[rstart..rend]`. Reads land in `rbuf[rend..]`, so no
//! byte is zeroed or copied per read, and requests are parsed in place.

use resp_proto::RequestParser;

use crate::net::Stream;

/// Initial and steady-state query buffer size, as Redis's PROTO_IOBUF_LEN.
pub const IOBUF_LEN: usize = 16 * 1024;

pub struct Conn {
    pub stream: Stream,
    pub rbuf: Vec<u8>,
    pub rstart: usize,
    pub rend: usize,
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

    /// After parsing: an emptied buffer restarts at offset 0, and a large one that
    /// served a big request shrinks back to the usual size.
    pub fn after_parse(&mut self) {
        if self.rstart == self.rend {
            self.rstart = 0;
            self.rend = 0;
            if self.rbuf.len() > 4 * IOBUF_LEN {
                self.rbuf.truncate(IOBUF_LEN);
                self.rbuf.shrink_to_fit();
            }
        }
    }
}
