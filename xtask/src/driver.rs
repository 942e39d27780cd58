//! What redis-benchmark cannot do, for `cargo xtask bench`: a load of whole
//! scripts (MULTI ... EXEC as one request), and subscribers that keep
//! draining what a PUBLISH or a keyspace event sends them while a test runs.
//!
//! The driver is deliberately plain — one thread and one blocking connection
//! per client, `pipeline` scripts written at once, replies counted by a
//! scanner that allocates nothing — and it drives kv and Redis alike, so the
//! ratio between them is what it measures.

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::resp::encode;

const TIMEOUT: Duration = Duration::from_secs(30);

fn connect(port: u16) -> Result<TcpStream> {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let stream = TcpStream::connect_timeout(&addr, TIMEOUT)?;
    stream.set_nodelay(true)?;
    stream.set_read_timeout(Some(TIMEOUT))?;
    stream.set_write_timeout(Some(TIMEOUT))?;
    Ok(stream)
}

/// The end of the RESP reply starting at `buf[at..]`, or None if incomplete.
/// An error reply is reported as `Err` with its text.
fn skip_reply(buf: &[u8], at: usize) -> Result<Option<usize>> {
    let Some(nl) = buf[at..].iter().position(|&b| b == b'\n') else {
        return Ok(None);
    };
    let line = &buf[at + 1..at + nl.saturating_sub(1)];
    let next = at + nl + 1;
    let number = || -> Result<i64> {
        std::str::from_utf8(line)
            .ok()
            .and_then(|t| t.parse().ok())
            .with_context(|| format!("bad length {:?}", String::from_utf8_lossy(line)))
    };
    match buf[at] {
        b'+' | b':' | b'_' | b',' | b'#' | b'(' => Ok(Some(next)),
        b'-' => bail!("error reply: {}", String::from_utf8_lossy(line)),
        b'$' | b'=' | b'!' => {
            let len = number()?;
            if len < 0 {
                return Ok(Some(next));
            }
            let end = next + len as usize + 2;
            Ok((end <= buf.len()).then_some(end))
        }
        b'*' | b'~' | b'>' | b'%' => {
            let mut n = number()?;
            if buf[at] == b'%' {
                n *= 2;
            }
            let mut pos = next;
            for _ in 0..n.max(0) {
                match skip_reply(buf, pos)? {
                    Some(end) => pos = end,
                    None => return Ok(None),
                }
            }
            Ok(Some(pos))
        }
        other => bail!("unexpected reply type byte {other:#x}"),
    }
}

/// Runs `script` (several commands, counted as one request) `requests` times
/// over `clients` connections, `pipeline` scripts in flight on each; returns
/// scripts per second.
pub fn run_scripts(
    port: u16,
    clients: u32,
    pipeline: u32,
    requests: u64,
    script: &[&[&str]],
) -> Result<f64> {
    let mut batch = Vec::new();
    for _ in 0..pipeline {
        for command in script {
            let args: Vec<&[u8]> = command.iter().map(|a| a.as_bytes()).collect();
            encode(&mut batch, &args);
        }
    }
    let replies_per_batch = script.len() * pipeline as usize;
    let batch = Arc::new(batch);
    let left = Arc::new(AtomicU64::new(requests.div_ceil(u64::from(pipeline))));
    let streams: Vec<TcpStream> = (0..clients).map(|_| connect(port)).collect::<Result<_>>()?;
    let started = Instant::now();
    let workers: Vec<_> = streams
        .into_iter()
        .map(|mut stream| {
            let (batch, left) = (batch.clone(), left.clone());
            thread::spawn(move || -> Result<u64> {
                let mut done = 0u64;
                let mut buf = vec![0u8; 1 << 16];
                while left
                    .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1))
                    .is_ok()
                {
                    stream.write_all(&batch)?;
                    let (mut filled, mut pos, mut seen) = (0usize, 0usize, 0usize);
                    while seen < replies_per_batch {
                        match skip_reply(&buf[..filled], pos)? {
                            Some(end) => {
                                pos = end;
                                seen += 1;
                            }
                            None => {
                                if filled == buf.len() {
                                    buf.resize(buf.len() * 2, 0);
                                }
                                let n = stream.read(&mut buf[filled..])?;
                                if n == 0 {
                                    bail!("the server closed the connection");
                                }
                                filled += n;
                            }
                        }
                    }
                    done += 1;
                }
                Ok(done)
            })
        })
        .collect();
    let mut batches = 0;
    for worker in workers {
        batches += worker
            .join()
            .map_err(|_| anyhow::anyhow!("a driver thread panicked"))??;
    }
    let elapsed = started.elapsed().as_secs_f64();
    Ok((batches * u64::from(pipeline)) as f64 / elapsed)
}

/// Connections subscribed to a channel (or a pattern) whose messages are read
/// and dropped by one thread until the value is dropped.
pub struct Subscribers {
    stop: Arc<AtomicBool>,
    thread: Option<thread::JoinHandle<()>>,
}

impl Subscribers {
    /// `count` connections, each `SUBSCRIBE name` (`PSUBSCRIBE` when
    /// `pattern`); returns once every subscription is confirmed.
    pub fn start(port: u16, count: usize, name: &str, pattern: bool) -> Result<Subscribers> {
        let verb: &[u8] = if pattern { b"PSUBSCRIBE" } else { b"SUBSCRIBE" };
        let mut streams = Vec::with_capacity(count);
        for _ in 0..count {
            let mut stream = connect(port)?;
            let mut request = Vec::new();
            encode(&mut request, &[verb, name.as_bytes()]);
            stream.write_all(&request)?;
            let mut confirmation = vec![0u8; 256];
            let mut filled = 0;
            while skip_reply(&confirmation[..filled], 0)?.is_none() {
                let n = stream.read(&mut confirmation[filled..])?;
                if n == 0 {
                    bail!("the server closed a subscriber");
                }
                filled += n;
            }
            // Short reads so that the drain thread checks `stop` regularly.
            stream.set_read_timeout(Some(Duration::from_millis(20)))?;
            streams.push(stream);
        }
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = thread::spawn(move || {
            // One thread reads every subscriber in turn: a blocked read on an
            // idle one ends after 20 ms; a busy one is read until it is empty.
            let mut buf = vec![0u8; 1 << 16];
            while !flag.load(Ordering::Relaxed) {
                for stream in &mut streams {
                    while let Ok(n) = stream.read(&mut buf) {
                        if n < buf.len() {
                            break;
                        }
                    }
                }
            }
            for stream in &streams {
                let _ = stream.shutdown(Shutdown::Both);
            }
        });
        Ok(Subscribers {
            stop,
            thread: Some(thread),
        })
    }
}

impl Drop for Subscribers {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::skip_reply;

    #[test]
    fn skips_whole_replies_only() {
        let exec = b"*3\r\n+OK\r\n:2\r\n$1\r\nx\r\n";
        assert_eq!(skip_reply(exec, 0).unwrap(), Some(exec.len()));
        for cut in 0..exec.len() {
            assert_eq!(skip_reply(&exec[..cut], 0).unwrap(), None, "cut at {cut}");
        }
        assert_eq!(skip_reply(b"$-1\r\n*-1\r\n", 5).unwrap(), Some(10));
        assert!(skip_reply(b"-ERR no\r\n", 0).is_err());
    }
}
