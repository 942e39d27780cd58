//! `Reply`: the protocol-aware writer that command bodies use to answer.
//!
//! It appends straight into the client's output buffer (no intermediate frame
//! objects) and picks the RESP2 or RESP3 shape of each reply type from the
//! client's negotiated protocol, as Redis's addReply* family does (networking.c).
//!
//! Invariant: every method appends exactly one complete RESP value (or the header
//! of an aggregate whose elements the caller then appends), so the buffer is always
//! a valid RESP stream once the command returns.

use resp_proto::write;

pub struct Reply<'a> {
    out: &'a mut Vec<u8>,
    resp3: bool,
}

impl<'a> Reply<'a> {
    pub fn new(out: &'a mut Vec<u8>, resp3: bool) -> Self {
        Reply { out, resp3 }
    }

    /// The underlying buffer, for a reply that must be written in a protocol other
    /// than the one this writer was made for (HELLO switching protocols).
    pub fn buffer(&mut self) -> &mut Vec<u8> {
        self.out
    }

    pub fn is_resp3(&self) -> bool {
        self.resp3
    }

    /// Bytes written so far; with [`Reply::truncate`] lets a caller discard a reply
    /// (CLIENT REPLY OFF/SKIP).
    pub fn len(&self) -> usize {
        self.out.len()
    }

    pub fn is_empty(&self) -> bool {
        self.out.is_empty()
    }

    pub fn truncate(&mut self, len: usize) {
        self.out.truncate(len);
    }

    /// A HELP reply: a title line, the given lines, and the HELP entry every
    /// Redis container command ends with (Redis's addReplyHelp).
    pub fn help(&mut self, parent: &str, lines: &[&str]) {
        self.array(lines.len() + 3);
        let title = format!("{parent} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
        self.simple(title.as_bytes());
        for line in lines {
            self.simple(line.as_bytes());
        }
        self.simple(b"HELP");
        self.simple(b"    Prints this help.");
    }

    pub fn ok(&mut self) {
        self.out.extend_from_slice(b"+OK\r\n");
    }

    pub fn simple(&mut self, text: &[u8]) {
        write::simple(self.out, text);
    }

    /// A complete error text such as `ERR syntax error`.
    pub fn error(&mut self, text: &[u8]) {
        write::error(self.out, text);
    }

    pub fn integer(&mut self, value: i64) {
        write::integer(self.out, value);
    }

    pub fn bulk(&mut self, value: &[u8]) {
        write::bulk(self.out, value);
    }

    pub fn bulk_int(&mut self, value: i64) {
        let mut buf = itoa::Buffer::new();
        write::bulk(self.out, buf.format(value).as_bytes());
    }

    pub fn bulk_opt(&mut self, value: Option<&[u8]>) {
        match value {
            Some(v) => self.bulk(v),
            None => self.null(),
        }
    }

    /// The "no value" reply: `$-1` in RESP2, `_` in RESP3.
    pub fn null(&mut self) {
        if self.resp3 {
            write::null(self.out);
        } else {
            write::null_bulk(self.out);
        }
    }

    /// The "no aggregate" reply: `*-1` in RESP2, `_` in RESP3.
    pub fn null_array(&mut self) {
        if self.resp3 {
            write::null(self.out);
        } else {
            write::null_array(self.out);
        }
    }

    pub fn array(&mut self, len: usize) {
        write::array_len(self.out, len);
    }

    /// A map header: `%n` in RESP3, a flat array of 2n elements in RESP2.
    pub fn map(&mut self, pairs: usize) {
        if self.resp3 {
            write::map_len(self.out, pairs);
        } else {
            write::array_len(self.out, pairs * 2);
        }
    }

    /// A push header: `>n` in RESP3, an array in RESP2 (pub/sub messages and
    /// confirmations, which RESP2 sends as plain arrays).
    pub fn push(&mut self, len: usize) {
        if self.resp3 {
            write::push_len(self.out, len);
        } else {
            write::array_len(self.out, len);
        }
    }

    /// A set header: `~n` in RESP3, an array in RESP2.
    pub fn set(&mut self, len: usize) {
        if self.resp3 {
            write::set_len(self.out, len);
        } else {
            write::array_len(self.out, len);
        }
    }

    pub fn boolean(&mut self, value: bool) {
        if self.resp3 {
            write::boolean(self.out, value);
        } else {
            write::integer(self.out, i64::from(value));
        }
    }

    /// A double as Redis 7.0 sends it: `,%.17g` in RESP3, the same text as a bulk
    /// string in RESP2.
    pub fn double(&mut self, value: f64) {
        if self.resp3 {
            write::double(self.out, value);
        } else {
            let mut buf = [0u8; 32];
            let text = write::format_double(value, &mut buf);
            write::bulk(self.out, text);
        }
    }

    /// A verbatim string (`=` with a 3-letter format) in RESP3, a bulk in RESP2.
    pub fn verbatim(&mut self, text: &[u8], format: &[u8; 3]) {
        if self.resp3 {
            write::verbatim(self.out, format, text);
        } else {
            write::bulk(self.out, text);
        }
    }

    pub fn big_number(&mut self, digits: &[u8]) {
        if self.resp3 {
            write::big_number(self.out, digits);
        } else {
            write::bulk(self.out, digits);
        }
    }

    /// Raw protocol bytes the caller guarantees are one complete RESP value.
    pub fn raw(&mut self, bytes: &[u8]) {
        self.out.extend_from_slice(bytes);
    }
}
