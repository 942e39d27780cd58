//! Bad input and resource limits: the server answers as Redis does, closes only
//! the offending connection, and keeps serving everyone else.

use std::io::Write;
use std::time::{Duration, Instant};

use crate::harness::{Raw, TestServer};

#[test]
fn protocol_errors_reply_then_close_only_that_client() {
    let server = TestServer::start(&[]);
    let mut healthy = server.raw();
    let cases: &[(&[u8], &[u8])] = &[
        (
            b"*abc\r\n",
            b"-ERR Protocol error: invalid multibulk length\r\n",
        ),
        (
            b"*1\r\n$-5\r\n",
            b"-ERR Protocol error: invalid bulk length\r\n",
        ),
        (
            b"*1\r\n$2000000000\r\n",
            b"-ERR Protocol error: invalid bulk length\r\n",
        ),
        (
            b"*1\r\nfoo\r\n",
            b"-ERR Protocol error: expected '$', got 'f'\r\n",
        ),
        (
            b"SET \"unbalanced\r\n",
            b"-ERR Protocol error: unbalanced quotes in request\r\n",
        ),
    ];
    for (input, expected) in cases {
        let mut raw = server.raw();
        raw.send(input);
        assert_eq!(raw.read_raw(), *expected);
        assert!(raw.is_closed());
        assert_eq!(healthy.call(&["PING"]), b"+PONG\r\n");
    }
}

#[test]
fn a_huge_inline_request_is_refused() {
    let server = TestServer::start(&[]);
    let mut raw = server.raw();
    raw.send(&vec![b'a'; 70 * 1024]);
    assert_eq!(
        raw.read_raw(),
        b"-ERR Protocol error: too big inline request\r\n"
    );
    assert!(raw.is_closed());
}

#[test]
fn maxclients_refuses_the_extra_client() {
    let server = TestServer::start(&["--maxclients", "2"]);
    let mut a = server.raw();
    let mut b = server.raw();
    assert_eq!(a.call(&["PING"]), b"+PONG\r\n");
    assert_eq!(b.call(&["PING"]), b"+PONG\r\n");
    let mut c = server.raw();
    assert_eq!(c.read_raw(), b"-ERR max number of clients reached\r\n");
    assert!(c.is_closed());
}

#[test]
fn query_buffer_limit_closes_the_client() {
    let server = TestServer::start(&["--client-query-buffer-limit", "1mb"]);
    let mut raw = server.raw();
    // A bulk that claims 10 MB and keeps sending: over 1 MB unparsed, closed.
    raw.send(b"*2\r\n$3\r\nSET\r\n$10000000\r\n");
    let chunk = vec![b'x'; 64 * 1024];
    let mut closed = false;
    for _ in 0..64 {
        if raw.stream.write_all(&chunk).is_err() {
            closed = true;
            break;
        }
    }
    assert!(closed || raw.is_closed());
    assert_eq!(server.raw().call(&["PING"]), b"+PONG\r\n");
}

#[test]
fn idle_clients_are_closed_after_timeout() {
    let server = TestServer::start(&["--timeout", "1"]);
    let mut raw = server.raw();
    assert_eq!(raw.call(&["PING"]), b"+PONG\r\n");
    raw.stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    assert!(raw.is_closed());
}

#[test]
fn a_client_that_never_reads_does_not_stall_others() {
    let server = TestServer::start(&[]);
    let mut setup = server.raw();
    let big = "x".repeat(1 << 20);
    setup.call(&["SET", "big", &big]);
    // The hog asks for 64 MB of replies and reads none of them.
    let mut hog = server.raw();
    let mut batch = Vec::new();
    for _ in 0..64 {
        batch.extend_from_slice(b"GET big\r\n");
    }
    hog.send(&batch);
    let mut other = server.raw();
    for _ in 0..100 {
        assert_eq!(other.call(&["PING"]), b"+PONG\r\n");
    }
}

#[test]
fn output_buffer_hard_limit_closes_a_slow_reader() {
    // One quoted argument, split into the class's fields as redis-server does.
    let server = TestServer::start(&["--client-output-buffer-limit", "normal 4mb 0 0"]);
    let mut setup = server.raw();
    setup.call(&["SET", "big", &"x".repeat(1 << 20)]);
    let mut hog = Raw::connect(server.port);
    let mut batch = Vec::new();
    for _ in 0..64 {
        batch.extend_from_slice(b"GET big\r\n");
    }
    hog.send(&batch);
    std::thread::sleep(Duration::from_millis(500));
    let log = server.log();
    assert!(log.contains("overcoming of output buffer limits"), "{log}");
    assert_eq!(setup.call(&["PING"]), b"+PONG\r\n");
}

#[test]
fn ten_thousand_concurrent_connections() {
    let server = TestServer::start(&["--maxclients", "10050"]);
    let mut conns: Vec<Raw> = (0..10_000).map(|_| server.raw()).collect();
    for conn in conns.iter_mut().step_by(500) {
        assert_eq!(conn.call(&["PING"]), b"+PONG\r\n");
    }
    let info = String::from_utf8(server.raw().call(&["INFO", "clients"])).unwrap();
    assert!(info.contains("connected_clients:10001"), "{info}");
}

/// `qbuf + qbuf-free` of the client named `name`, from CLIENT LIST.
fn query_buffer_size(watcher: &mut Raw, name: &str) -> usize {
    let list = String::from_utf8_lossy(&watcher.call(&["CLIENT", "LIST"])).into_owned();
    let line = list
        .lines()
        .find(|l| l.contains(&format!(" name={name} ")))
        .expect("client listed");
    line.split_whitespace()
        .filter_map(|f| {
            f.strip_prefix("qbuf=")
                .or_else(|| f.strip_prefix("qbuf-free="))
        })
        .map(|v| v.parse::<usize>().expect("number"))
        .sum()
}

#[test]
fn query_buffers_are_trimmed_as_redis_trims_them() {
    let server = TestServer::start(&[]);
    let mut watcher = server.raw();
    let mut idle = server.raw();
    idle.call(&["CLIENT", "SETNAME", "idle"]);
    let start = query_buffer_size(&mut watcher, "idle");
    assert!((16384..32768).contains(&start), "{start}");

    // A big request leaves a big buffer, which shrinks to the recent peak
    // (not to nothing) while the client keeps sending small requests.
    let mut busy = server.raw();
    busy.call(&["CLIENT", "SETNAME", "busy"]);
    let big = "A".repeat(400_000);
    busy.call(&["SET", "x", &big]);
    let grown = query_buffer_size(&mut watcher, "busy");
    assert!(grown > 32768, "{grown}");
    let deadline = Instant::now() + Duration::from_secs(3);
    let mut now = grown;
    while now >= grown && Instant::now() < deadline {
        busy.call(&["SET", "x", "small"]);
        now = query_buffer_size(&mut watcher, "busy");
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(now > 0 && now < grown, "{now} vs {grown}");

    // An idle client's empty buffer is freed after 2 seconds...
    let deadline = Instant::now() + Duration::from_secs(6);
    while query_buffer_size(&mut watcher, "idle") != 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(query_buffer_size(&mut watcher, "idle"), 0);
    // ...and comes back when it sends again.
    assert_eq!(idle.call(&["PING"]), b"+PONG\r\n");
}
