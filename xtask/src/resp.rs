//! A minimal RESP client over a std `TcpStream`: single commands for PING,
//! INFO and DBSIZE, and a pipelined bulk loader for the memory datasets.

use std::io::{BufRead, BufReader, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};

/// A reply, RESP2 or RESP3 (we never send HELLO, but a server could still push).
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    Status(String),
    Error(String),
    Integer(i64),
    Bulk(Option<Vec<u8>>),
    Array(Option<Vec<Reply>>),
}

pub struct Conn {
    writer: TcpStream,
    reader: BufReader<TcpStream>,
}

impl Conn {
    pub fn connect(port: u16, timeout: Duration) -> Result<Conn> {
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let stream = TcpStream::connect_timeout(&addr, timeout)?;
        stream.set_nodelay(true)?;
        stream.set_read_timeout(Some(timeout))?;
        stream.set_write_timeout(Some(timeout))?;
        Ok(Conn {
            reader: BufReader::with_capacity(1 << 16, stream.try_clone()?),
            writer: stream,
        })
    }

    pub fn set_timeout(&self, timeout: Duration) -> Result<()> {
        self.writer.set_read_timeout(Some(timeout))?;
        self.writer.set_write_timeout(Some(timeout))?;
        Ok(())
    }

    /// Sends one command and reads its reply.
    pub fn command(&mut self, args: &[&[u8]]) -> Result<Reply> {
        let mut buf = Vec::new();
        encode(&mut buf, args);
        self.writer.write_all(&buf)?;
        self.read_reply()
    }

    /// `INFO <section>` as text; `None` when the server answers with an error.
    pub fn info(&mut self, section: &str) -> Result<Option<String>> {
        match self.command(&[b"INFO", section.as_bytes()])? {
            Reply::Bulk(Some(body)) => Ok(Some(String::from_utf8_lossy(&body).into_owned())),
            _ => Ok(None),
        }
    }

    pub fn read_reply(&mut self) -> Result<Reply> {
        let line = self.line()?;
        let (kind, rest) = line.split_at(1);
        let int = |text: &str| -> Result<i64> {
            text.parse()
                .map_err(|_| anyhow!("bad length/integer {text:?} in reply"))
        };
        Ok(match kind {
            "+" => Reply::Status(rest.to_string()),
            "-" => Reply::Error(rest.to_string()),
            ":" => Reply::Integer(int(rest)?),
            "$" | "=" | "!" => {
                let len = int(rest)?;
                if len < 0 {
                    Reply::Bulk(None)
                } else {
                    let mut body = vec![0; len as usize + 2];
                    std::io::Read::read_exact(&mut self.reader, &mut body)?;
                    body.truncate(len as usize);
                    if kind == "!" {
                        Reply::Error(String::from_utf8_lossy(&body).into_owned())
                    } else {
                        Reply::Bulk(Some(body))
                    }
                }
            }
            "*" | "~" | ">" | "%" => {
                let len = int(rest)?;
                if len < 0 {
                    Reply::Array(None)
                } else {
                    let len = if kind == "%" { len * 2 } else { len };
                    let items = (0..len)
                        .map(|_| self.read_reply())
                        .collect::<Result<Vec<_>>>()?;
                    Reply::Array(Some(items))
                }
            }
            "_" => Reply::Bulk(None),
            "," | "#" | "(" => Reply::Status(rest.to_string()),
            "|" => {
                // An attribute map precedes the real reply: skip it.
                let len = int(rest)?;
                for _ in 0..len * 2 {
                    self.read_reply()?;
                }
                return self.read_reply();
            }
            _ => bail!("unexpected reply line {line:?}"),
        })
    }

    /// Reads one reply, returning the message of an error reply. The common
    /// replies of a bulk load (`+OK`, `:<n>`) are skipped without allocating.
    pub fn skip_reply(&mut self) -> Result<Option<String>> {
        let buf = self.reader.fill_buf()?;
        let simple = match buf.first() {
            Some(b'+' | b':') => memchr_crlf(buf).map(|end| end + 2),
            _ => None,
        };
        if let Some(len) = simple {
            self.reader.consume(len);
            return Ok(None);
        }
        match self.read_reply()? {
            Reply::Error(err) => Ok(Some(err)),
            _ => Ok(None),
        }
    }

    fn line(&mut self) -> Result<String> {
        let mut line = Vec::new();
        let n = self.reader.read_until(b'\n', &mut line)?;
        if n == 0 {
            bail!("connection closed by the server");
        }
        if !line.ends_with(b"\r\n") || line.len() < 3 {
            bail!("malformed reply line {:?}", String::from_utf8_lossy(&line));
        }
        line.truncate(line.len() - 2);
        Ok(String::from_utf8_lossy(&line).into_owned())
    }
}

/// Where `\r\n` starts in `buf`, if it holds one.
fn memchr_crlf(buf: &[u8]) -> Option<usize> {
    buf.windows(2).position(|w| w == b"\r\n")
}

/// Appends a command as a RESP array of bulk strings.
pub fn encode(buf: &mut Vec<u8>, args: &[&[u8]]) {
    buf.push(b'*');
    push_decimal(buf, args.len());
    buf.extend_from_slice(b"\r\n");
    for arg in args {
        buf.push(b'$');
        push_decimal(buf, arg.len());
        buf.extend_from_slice(b"\r\n");
        buf.extend_from_slice(arg);
        buf.extend_from_slice(b"\r\n");
    }
}

/// Appends `n` in decimal (the loader's hot path: no formatting machinery).
pub fn push_decimal(buf: &mut Vec<u8>, mut n: usize) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    buf.extend_from_slice(&digits[i..]);
}

/// Appends `n` in decimal, zero-padded to `width` digits.
pub fn push_padded(buf: &mut Vec<u8>, n: u64, width: usize) {
    let start = buf.len();
    push_decimal(buf, n as usize);
    let len = buf.len() - start;
    if len < width {
        buf.splice(start..start, std::iter::repeat_n(b'0', width - len));
    }
}

/// Sends commands in batches and checks every reply (one per command, none an
/// error) on a second thread, so that generating commands, the server's work
/// and reading replies overlap; the socket's buffers provide the back-pressure.
pub struct Pipeline {
    stream: TcpStream,
    buf: Vec<u8>,
    pending: usize,
    batch: usize,
    counts: Option<mpsc::Sender<usize>>,
    reader: Option<thread::JoinHandle<(Result<u64>, Conn)>>,
}

impl Pipeline {
    /// Takes over the connection until [`Pipeline::finish`] gives it back.
    pub fn start(conn: Conn, batch: usize) -> Result<Pipeline> {
        let stream = conn.writer.try_clone()?;
        let (counts, batches) = mpsc::channel::<usize>();
        let reader = thread::spawn(move || {
            let mut conn = conn;
            let mut checked = 0u64;
            let check = || -> Result<u64> {
                for count in batches {
                    for _ in 0..count {
                        let reply = conn.skip_reply().with_context(|| {
                            format!("reading the reply to command #{}", checked + 1)
                        })?;
                        checked += 1;
                        if let Some(err) = reply {
                            bail!("command #{checked} answered with an error: {err}");
                        }
                    }
                }
                Ok(checked)
            };
            let result = check();
            if result.is_err() {
                // Unblock the writer, which may be stuck on a full socket.
                let _ = conn.writer.shutdown(Shutdown::Both);
            }
            (result, conn)
        });
        Ok(Pipeline {
            stream,
            buf: Vec::with_capacity(1 << 20),
            pending: 0,
            batch,
            counts: Some(counts),
            reader: Some(reader),
        })
    }

    pub fn push(&mut self, args: &[&[u8]]) -> Result<()> {
        encode(&mut self.buf, args);
        self.pending += 1;
        if self.pending >= self.batch || self.buf.len() >= 4 << 20 {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<()> {
        if self.pending == 0 {
            return Ok(());
        }
        if let Err(err) = self.stream.write_all(&self.buf) {
            // The reader's error (an error reply, say) is the interesting one.
            self.join()?;
            return Err(err).context("sending a batch of commands");
        }
        self.buf.clear();
        if let Some(counts) = &self.counts {
            // A send error means the reader stopped: join() reports why.
            let _ = counts.send(self.pending);
        }
        self.pending = 0;
        Ok(())
    }

    fn join(&mut self) -> Result<(u64, Conn)> {
        self.counts = None;
        let reader = self
            .reader
            .take()
            .context("the pipeline was already finished")?;
        let (result, conn) = reader
            .join()
            .map_err(|_| anyhow!("the reply reader panicked"))?;
        Ok((result?, conn))
    }

    /// Sends the last batch, waits for every reply; returns how many commands
    /// were sent, and the connection.
    pub fn finish(mut self) -> Result<(u64, Conn)> {
        self.flush()?;
        self.join()
    }
}

/// The value of `field:` in INFO text.
pub fn info_field<'t>(info: &'t str, field: &str) -> Option<&'t str> {
    info.lines().find_map(|line| {
        line.strip_prefix(field)
            .and_then(|rest| rest.strip_prefix(':'))
            .map(str::trim)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_commands() {
        let mut buf = Vec::new();
        encode(&mut buf, &[b"SET", b"k", b""]);
        assert_eq!(buf, b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n");
    }

    #[test]
    fn formats_numbers() {
        let mut buf = Vec::new();
        push_decimal(&mut buf, 0);
        buf.push(b' ');
        push_decimal(&mut buf, 18_446_744_073_709_551_615);
        buf.push(b' ');
        push_padded(&mut buf, 42, 7);
        buf.push(b' ');
        push_padded(&mut buf, 12_345_678, 7);
        assert_eq!(buf, b"0 18446744073709551615 0000042 12345678");
    }

    #[test]
    fn finds_info_fields() {
        let info = "# Memory\r\nused_memory:1234\r\nused_memory_human:1.2K\r\n";
        assert_eq!(info_field(info, "used_memory"), Some("1234"));
        assert_eq!(info_field(info, "used_memory_rss"), None);
    }
}
