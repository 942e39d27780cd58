//! Differential test against a live redis-server (ignored by default; it
//! needs one). Sends pseudo-random RESP-shaped byte strings over TCP and
//! checks that the server's behaviour — how many commands it answered,
//! whether it then sent a protocol error (which one, byte for byte) and
//! closed — matches what `RequestParser` decides for the same bytes.
//!
//! Run: `redis-server --port 7777 --save '' --daemonize yes`, then
//! `REDIS_ORACLE_ADDR=127.0.0.1:7777 cargo test -p resp-proto --test
//! redis_oracle -- --ignored`. For the unauthenticated limits start a server
//! with `--requirepass x` and also set `REDIS_ORACLE_NOAUTH=1`.
//! The byte alphabet has no letters but `x` and no backslash, so no input
//! can spell a real command: every command gets one error reply.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use common::{Ev, run_whole};
use resp_proto::{DecodeLimits, RequestLimits, decode};

const TOKENS: &[&[u8]] = &[
    b"*",
    b"$",
    b"\r\n",
    b"\r",
    b"\n",
    b"0",
    b"1",
    b"2",
    b"3",
    b"-",
    b"11",
    b"16385",
    b"\0",
    b"x",
    b" ",
    b"\"",
    b"'",
    b"*1\r\n",
    b"*2\r\n",
    b"$1\r\n",
    b"$3\r\nxxx\r\n",
    b"\xff",
    b"99999999999999999999",
    b"2147483648",
];

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*: deterministic, good enough to pick tokens.
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

/// Sends `input`, then reads until the server closes or is quiet for a while.
fn exchange(addr: &str, input: &[u8]) -> (Vec<u8>, bool) {
    let mut s = TcpStream::connect(addr).unwrap_or_else(|e| panic!("connect {addr}: {e}"));
    s.set_read_timeout(Some(Duration::from_millis(60)))
        .unwrap_or_else(|e| panic!("{e}"));
    s.write_all(input).unwrap_or_else(|e| panic!("{e}"));
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match s.read(&mut buf) {
            Ok(0) => return (out, true),
            Ok(n) => out.extend_from_slice(&buf[..n]),
            Err(_) => return (out, false),
        }
    }
}

#[test]
#[ignore = "needs a running redis-server; set REDIS_ORACLE_ADDR"]
fn matches_live_redis() {
    let Ok(addr) = std::env::var("REDIS_ORACLE_ADDR") else {
        eprintln!("REDIS_ORACLE_ADDR not set; skipping");
        return;
    };
    let limits = RequestLimits {
        authenticated: std::env::var_os("REDIS_ORACLE_NOAUTH").is_none(),
        ..RequestLimits::default()
    };
    let cases: usize = std::env::var("REDIS_ORACLE_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for case in 0..cases {
        let n = (rng.next() % 24) as usize;
        let input: Vec<u8> = (0..n)
            .flat_map(|_| {
                TOKENS[(rng.next() % TOKENS.len() as u64) as usize]
                    .iter()
                    .copied()
            })
            .collect();
        let ours = run_whole(&input, &limits);
        let (reply, closed) = exchange(&addr, &input);
        let commands = ours
            .events
            .iter()
            .filter(|e| matches!(e, Ev::Cmd(_)))
            .count();
        let mut off = 0;
        let mut replies = 0;
        while let Ok(Some((_, used))) = decode(&reply[off..], &DecodeLimits::default()) {
            off += used;
            replies += 1;
        }
        let ctx = format!("case {case}: input {input:?} ours {ours:?} redis {reply:?}");
        match ours.events.last() {
            Some(Ev::Err(e)) => {
                let mut want = Vec::new();
                e.write_reply(&mut want);
                assert!(closed, "{ctx}: redis did not close");
                assert!(reply.ends_with(&want), "{ctx}");
                assert_eq!(replies, commands + 1, "{ctx}");
            }
            _ => {
                assert!(!closed, "{ctx}: redis closed");
                assert_eq!(replies, commands, "{ctx}");
                assert_eq!(off, reply.len(), "{ctx}");
            }
        }
    }
}
