//! A minimal RESP client over a std `TcpStream`: single commands for PING,
//! INFO and DBSIZE, and a pipelined bulk loader for the memory datasets.

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpStream};
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

/// Appends a command as a RESP array of bulk strings.
pub fn encode(buf: &mut Vec<u8>, args: &[&[u8]]) {
    write!(buf, "*{}\r\n", args.len()).expect("writing to a Vec");
    for arg in args {
        write!(buf, "${}\r\n", arg.len()).expect("writing to a Vec");
        buf.extend_from_slice(arg);
        buf.extend_from_slice(b"\r\n");
    }
}

/// Sends commands in batches and checks every reply: no error replies, one
/// reply per command.
pub struct Pipeline<'a> {
    conn: &'a mut Conn,
    buf: Vec<u8>,
    pending: usize,
    batch: usize,
    sent: u64,
}

impl<'a> Pipeline<'a> {
    pub fn new(conn: &'a mut Conn, batch: usize) -> Pipeline<'a> {
        Pipeline {
            conn,
            buf: Vec::with_capacity(1 << 20),
            pending: 0,
            batch,
            sent: 0,
        }
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
        self.conn
            .writer
            .write_all(&self.buf)
            .context("sending a batch")?;
        self.buf.clear();
        for i in 0..self.pending {
            let reply = self
                .conn
                .read_reply()
                .with_context(|| format!("reading reply {} of the batch", i + 1))?;
            if let Reply::Error(err) = reply {
                bail!(
                    "command #{} answered with an error: {err}",
                    self.sent + i as u64 + 1
                );
            }
        }
        self.sent += self.pending as u64;
        self.pending = 0;
        Ok(())
    }

    /// Flushes the last batch; returns how many commands were sent.
    pub fn finish(mut self) -> Result<u64> {
        self.flush()?;
        Ok(self.sent)
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
    fn finds_info_fields() {
        let info = "# Memory\r\nused_memory:1234\r\nused_memory_human:1.2K\r\n";
        assert_eq!(info_field(info, "used_memory"), Some("1234"));
        assert_eq!(info_field(info, "used_memory_rss"), None);
    }
}
