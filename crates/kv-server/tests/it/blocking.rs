//! Blocking list commands end to end, with several raw connections: who is
//! served, in which order, when they time out, and what leaves them blocked.
//! Each deterministic scenario runs against real Redis 7.0 too and its
//! transcript (the replies, in order) must be byte-identical.

use std::io::Read;
use std::time::{Duration, Instant};

use crate::harness::{Raw, TestServer, show};

/// A scenario: drives a server on `port` and returns the replies it saw.
pub(crate) type Scenario = fn(u16) -> Vec<Vec<u8>>;

/// Runs `scenario` on kv and, when installed, on Redis; the transcripts must
/// match. Returns kv's transcript for the scenario's own checks.
pub(crate) fn on_both(scenario: Scenario) -> Vec<Vec<u8>> {
    let kv = TestServer::start(&[]);
    let got = scenario(kv.port);
    if let Some(redis) = TestServer::start_redis(&[]) {
        let want = scenario(redis.port);
        let show_all = |t: &[Vec<u8>]| t.iter().map(|r| show(r)).collect::<Vec<_>>();
        assert_eq!(
            show_all(&want),
            show_all(&got),
            "redis (left) vs kv (right)"
        );
    } else {
        eprintln!("redis-server not installed: oracle comparison skipped");
    }
    got
}

/// What a `__key*__:*` pattern subscriber receives while another connection
/// runs `writes` with every keyspace event on: the writes' replies, the
/// `messages` expected, then whether it stayed silent for 100 ms after them.
pub(crate) fn keyspace_events_of(port: u16, writes: &[&[&str]], messages: usize) -> Vec<Vec<u8>> {
    let mut ctl = Raw::connect(port);
    let mut sub = Raw::connect(port);
    let mut t = vec![ctl.call(&["CONFIG", "SET", "notify-keyspace-events", "KEA"])];
    t.push(sub.call(&["PSUBSCRIBE", "__key*__:*"]));
    for write in writes {
        t.push(ctl.call(write));
    }
    for _ in 0..messages {
        t.push(sub.read_raw());
    }
    t.push(silent_for(&mut sub, 100).to_string().into_bytes());
    t
}

/// The value of one `INFO clients` field.
pub(crate) fn info_field(raw: &mut Raw, field: &str) -> i64 {
    let reply = raw.call(&["INFO", "clients"]);
    let text = String::from_utf8_lossy(&reply);
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("{field}:")))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("no {field} in {text}"))
}

/// Waits until the server reports `n` blocked clients, so that a scenario
/// goes on only once a blocking command has really parked its client.
pub(crate) fn wait_blocked(ctl: &mut Raw, n: i64) {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let now = info_field(ctl, "blocked_clients");
        if now == n {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "blocked_clients stayed {now}, expected {n}"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Whether nothing arrives on `raw` within `ms` milliseconds.
pub(crate) fn silent_for(raw: &mut Raw, ms: u64) -> bool {
    raw.stream
        .set_read_timeout(Some(Duration::from_millis(ms)))
        .expect("timeout set");
    let mut byte = [0u8; 1];
    let silent = matches!(
        raw.stream.read(&mut byte),
        Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut)
    );
    raw.stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout set");
    silent
}

/// The numeric client id of a connection.
pub(crate) fn client_id(raw: &mut Raw) -> String {
    let reply = raw.call(&["CLIENT", "ID"]);
    String::from_utf8_lossy(&reply)
        .trim_start_matches(':')
        .trim()
        .to_owned()
}

fn fifo_order(port: u16) -> Vec<Vec<u8>> {
    let mut ctl = Raw::connect(port);
    let mut waiters: Vec<Raw> = (0..3).map(|_| Raw::connect(port)).collect();
    for (i, w) in waiters.iter_mut().enumerate() {
        w.cmd(&[b"BLPOP", b"k", b"0"]);
        wait_blocked(&mut ctl, i as i64 + 1);
    }
    let mut t = vec![ctl.call(&["RPUSH", "k", "a", "b", "c"])];
    t.extend(waiters.iter_mut().map(Raw::read_raw));
    t.push(ctl.call(&["EXISTS", "k"]));
    t.push(
        info_field(&mut ctl, "blocked_clients")
            .to_string()
            .into_bytes(),
    );
    t
}

#[test]
fn clients_are_served_in_the_order_they_blocked() {
    let t = on_both(fifo_order);
    assert_eq!(show(&t[1]), "*2\\r\\n$1\\r\\nk\\r\\n$1\\r\\na\\r\\n");
    assert_eq!(show(&t[2]), "*2\\r\\n$1\\r\\nk\\r\\n$1\\r\\nb\\r\\n");
    assert_eq!(show(&t[3]), "*2\\r\\n$1\\r\\nk\\r\\n$1\\r\\nc\\r\\n");
    assert_eq!(t[5], b"0");
}

fn two_keys(port: u16) -> Vec<Vec<u8>> {
    let mut ctl = Raw::connect(port);
    let mut w = Raw::connect(port);
    w.cmd(&[b"BRPOP", b"k1", b"k2", b"0"]);
    wait_blocked(&mut ctl, 1);
    let mut t = vec![ctl.call(&["RPUSH", "k2", "x", "y"])];
    t.push(w.read_raw());
    t.push(ctl.call(&["LRANGE", "k2", "0", "-1"]));
    // BLMPOP over two keys, served with a count.
    w.cmd(&[b"BLMPOP", b"0", b"2", b"m1", b"m2", b"LEFT", b"COUNT", b"2"]);
    wait_blocked(&mut ctl, 1);
    t.push(ctl.call(&["RPUSH", "m2", "a", "b", "c"]));
    t.push(w.read_raw());
    t.push(ctl.call(&["LRANGE", "m2", "0", "-1"]));
    t
}

#[test]
fn a_client_blocked_on_two_keys_is_served_from_the_one_with_data() {
    let t = on_both(two_keys);
    assert_eq!(show(&t[1]), "*2\\r\\n$2\\r\\nk2\\r\\n$1\\r\\ny\\r\\n");
    assert_eq!(
        show(&t[4]),
        "*2\\r\\n$2\\r\\nm2\\r\\n*2\\r\\n$1\\r\\na\\r\\n$1\\r\\nb\\r\\n"
    );
}

fn fractional_timeout(port: u16) -> Vec<Vec<u8>> {
    let mut w = Raw::connect(port);
    let started = Instant::now();
    let mut t = vec![w.call(&["BLPOP", "k", "0.1"])];
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(100) && waited < Duration::from_secs(2),
        "timed out after {waited:?}"
    );
    t.push(w.call(&["BRPOPLPUSH", "k", "d", "0.05"]));
    t.push(w.call(&["BLMOVE", "k", "d", "LEFT", "LEFT", "0.05"]));
    t.push(w.call(&["BLMPOP", "0.05", "1", "k", "LEFT"]));
    // RESP3 answers a timeout with a null.
    w.call(&["HELLO", "3"]);
    t.push(w.call(&["BRPOP", "k", "0.05"]));
    t.push(w.call(&["PING"]));
    t
}

#[test]
fn fractional_timeouts_answer_a_null_array() {
    let t = on_both(fractional_timeout);
    assert_eq!(t[0], b"*-1\r\n");
    assert_eq!(t[4], b"_\r\n");
}

fn zero_is_forever(port: u16) -> Vec<Vec<u8>> {
    let mut ctl = Raw::connect(port);
    let mut w = Raw::connect(port);
    w.cmd(&[b"BLPOP", b"k", b"0"]);
    wait_blocked(&mut ctl, 1);
    assert!(silent_for(&mut w, 300), "a zero timeout is forever");
    let mut t = vec![
        info_field(&mut ctl, "blocked_clients")
            .to_string()
            .into_bytes(),
    ];
    t.push(ctl.call(&["LPUSH", "k", "v"]));
    t.push(w.read_raw());
    t
}

#[test]
fn a_zero_timeout_waits_forever() {
    let t = on_both(zero_is_forever);
    assert_eq!(t[0], b"1");
    assert_eq!(show(&t[2]), "*2\\r\\n$1\\r\\nk\\r\\n$1\\r\\nv\\r\\n");
}

fn client_unblock(port: u16) -> Vec<Vec<u8>> {
    let mut ctl = Raw::connect(port);
    let mut w = Raw::connect(port);
    let id = client_id(&mut w);
    let mut t = vec![ctl.call(&["CLIENT", "UNBLOCK", &id])];
    w.cmd(&[b"BLPOP", b"k", b"0"]);
    wait_blocked(&mut ctl, 1);
    t.push(ctl.call(&["CLIENT", "UNBLOCK", &id, "TIMEOUT"]));
    t.push(w.read_raw());
    w.cmd(&[b"BLMOVE", b"k", b"d", b"LEFT", b"LEFT", b"0"]);
    wait_blocked(&mut ctl, 1);
    t.push(ctl.call(&["CLIENT", "UNBLOCK", &id, "ERROR"]));
    t.push(w.read_raw());
    w.cmd(&[b"BLMPOP", b"0", b"1", b"k", b"LEFT"]);
    wait_blocked(&mut ctl, 1);
    t.push(ctl.call(&["CLIENT", "UNBLOCK", &id, "MAYBE"]));
    t.push(ctl.call(&["CLIENT", "UNBLOCK", &id]));
    t.push(w.read_raw());
    t.push(w.call(&["PING"]));
    t.push(
        info_field(&mut ctl, "blocked_clients")
            .to_string()
            .into_bytes(),
    );
    t
}

#[test]
fn client_unblock_with_timeout_and_error() {
    let t = on_both(client_unblock);
    assert_eq!(t[0], b":0\r\n");
    assert_eq!(t[1], b":1\r\n");
    assert_eq!(t[2], b"*-1\r\n");
    assert_eq!(
        t[4],
        b"-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n".to_vec()
    );
}

fn pipeline_after_serving(port: u16) -> Vec<Vec<u8>> {
    let mut ctl = Raw::connect(port);
    let mut w = Raw::connect(port);
    let mut batch = Vec::new();
    for args in [
        &[&b"BLPOP"[..], b"k", b"0"][..],
        &[b"PING"],
        &[b"SET", b"after", b"1"],
        &[b"LPOP", b"k"],
        &[b"GET", b"after"],
    ] {
        batch.extend(crate::harness::encode_request(args));
    }
    w.send(&batch);
    wait_blocked(&mut ctl, 1);
    // The commands behind the blocked one have not run.
    let mut t = vec![ctl.call(&["GET", "after"])];
    t.push(ctl.call(&["RPUSH", "k", "v1", "v2"]));
    for _ in 0..5 {
        t.push(w.read_raw());
    }
    t.push(ctl.call(&["EXISTS", "k"]));
    t
}

#[test]
fn pipelined_commands_run_after_the_blocked_one_is_served() {
    let t = on_both(pipeline_after_serving);
    assert_eq!(t[0], b"$-1\r\n");
    assert_eq!(t[3], b"+PONG\r\n");
    assert_eq!(t[5], b"$2\r\nv2\r\n");
    assert_eq!(t[6], b"$1\r\n1\r\n");
}

fn del_and_set_keep_blocked(port: u16) -> Vec<Vec<u8>> {
    let mut ctl = Raw::connect(port);
    let mut w = Raw::connect(port);
    w.cmd(&[b"BLPOP", b"k", b"0"]);
    wait_blocked(&mut ctl, 1);
    let mut t = vec![ctl.call(&["DEL", "k"])];
    t.push(ctl.call(&["SET", "k", "string"]));
    t.push(ctl.call(&["APPEND", "k", "more"]));
    assert!(silent_for(&mut w, 100), "still blocked");
    t.push(ctl.call(&["RPUSH", "k", "x"]));
    t.push(ctl.call(&["DEL", "k"]));
    t.push(
        info_field(&mut ctl, "blocked_clients")
            .to_string()
            .into_bytes(),
    );
    t.push(ctl.call(&["RPUSH", "k", "v"]));
    t.push(w.read_raw());
    t.push(ctl.call(&["EXISTS", "k"]));
    t
}

#[test]
fn del_and_a_string_keep_the_client_blocked() {
    let t = on_both(del_and_set_keep_blocked);
    assert_eq!(t[5], b"1");
    assert_eq!(show(&t[7]), "*2\\r\\n$1\\r\\nk\\r\\n$1\\r\\nv\\r\\n");
}

fn rename_serves(port: u16) -> Vec<Vec<u8>> {
    let mut ctl = Raw::connect(port);
    let mut w = Raw::connect(port);
    w.cmd(&[b"BLPOP", b"k", b"0"]);
    wait_blocked(&mut ctl, 1);
    let mut t = vec![ctl.call(&["RPUSH", "tmp", "a", "b"])];
    t.push(ctl.call(&["RENAME", "tmp", "k"]));
    t.push(w.read_raw());
    t.push(ctl.call(&["LRANGE", "k", "0", "-1"]));
    // SWAPDB brings a list into the waiter's database: it is served.
    w.cmd(&[b"BLPOP", b"q", b"0"]);
    wait_blocked(&mut ctl, 1);
    t.push(ctl.call(&["SELECT", "1"]));
    t.push(ctl.call(&["RPUSH", "q", "from-db1"]));
    t.push(ctl.call(&["SWAPDB", "0", "1"]));
    t.push(w.read_raw());
    t.push(ctl.call(&["DBSIZE"]));
    t
}

#[test]
fn rename_and_swapdb_of_a_list_onto_the_key_serve_the_client() {
    let t = on_both(rename_serves);
    assert_eq!(show(&t[2]), "*2\\r\\n$1\\r\\nk\\r\\n$1\\r\\na\\r\\n");
    assert_eq!(show(&t[7]), "*2\\r\\n$1\\r\\nq\\r\\n$8\\r\\nfrom-db1\\r\\n");
}

fn blmove_chain(port: u16) -> Vec<Vec<u8>> {
    let mut ctl = Raw::connect(port);
    let mut w1 = Raw::connect(port);
    let mut w2 = Raw::connect(port);
    let mut w3 = Raw::connect(port);
    w1.cmd(&[b"BLMOVE", b"a", b"b", b"LEFT", b"RIGHT", b"0"]);
    wait_blocked(&mut ctl, 1);
    w2.cmd(&[b"BLMOVE", b"b", b"c", b"RIGHT", b"LEFT", b"0"]);
    wait_blocked(&mut ctl, 2);
    w3.cmd(&[b"BRPOPLPUSH", b"c", b"d", b"0"]);
    wait_blocked(&mut ctl, 3);
    let mut t = vec![ctl.call(&["RPUSH", "a", "x"])];
    t.push(w1.read_raw());
    t.push(w2.read_raw());
    t.push(w3.read_raw());
    t.push(ctl.call(&["EXISTS", "a", "b", "c"]));
    t.push(ctl.call(&["LRANGE", "d", "0", "-1"]));
    // A destination of the wrong type when served: WRONGTYPE, and the
    // element stays in the source.
    w1.cmd(&[b"BLMOVE", b"src", b"dst", b"LEFT", b"LEFT", b"0"]);
    wait_blocked(&mut ctl, 1);
    t.push(ctl.call(&["SET", "dst", "string"]));
    t.push(ctl.call(&["RPUSH", "src", "e"]));
    t.push(w1.read_raw());
    t.push(ctl.call(&["LRANGE", "src", "0", "-1"]));
    t.push(
        info_field(&mut ctl, "blocked_clients")
            .to_string()
            .into_bytes(),
    );
    t
}

#[test]
fn blmove_chains_serve_through() {
    let t = on_both(blmove_chain);
    assert_eq!(t[1], b"$1\r\nx\r\n");
    assert_eq!(t[3], b"$1\r\nx\r\n");
    assert_eq!(t[4], b":0\r\n");
    assert_eq!(
        t[8],
        b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n".to_vec()
    );
}

fn blocked_clients_count(port: u16) -> Vec<Vec<u8>> {
    let mut ctl = Raw::connect(port);
    let mut w1 = Raw::connect(port);
    let mut w2 = Raw::connect(port);
    let mut t = vec![
        info_field(&mut ctl, "blocked_clients")
            .to_string()
            .into_bytes(),
    ];
    w1.cmd(&[b"BLPOP", b"k", b"0"]);
    w2.cmd(&[b"SELECT", b"2"]);
    t.push(w2.read_raw());
    w2.cmd(&[b"BLPOP", b"k", b"0"]);
    wait_blocked(&mut ctl, 2);
    t.push(
        info_field(&mut ctl, "blocked_clients")
            .to_string()
            .into_bytes(),
    );
    // Only the waiter in database 0 is served by a push there.
    t.push(ctl.call(&["RPUSH", "k", "v"]));
    t.push(w1.read_raw());
    t.push(
        info_field(&mut ctl, "blocked_clients")
            .to_string()
            .into_bytes(),
    );
    t.push(ctl.call(&["SELECT", "2"]));
    t.push(ctl.call(&["RPUSH", "k", "w"]));
    t.push(w2.read_raw());
    t.push(
        info_field(&mut ctl, "blocked_clients")
            .to_string()
            .into_bytes(),
    );
    t
}

#[test]
fn info_counts_blocked_clients() {
    let t = on_both(blocked_clients_count);
    assert_eq!(t[0], b"0");
    assert_eq!(t[2], b"2");
    assert_eq!(t[5], b"1");
    assert_eq!(t[9], b"0");
}

fn killed_while_blocked(port: u16) -> Vec<Vec<u8>> {
    let mut ctl = Raw::connect(port);
    let mut w = Raw::connect(port);
    let id = client_id(&mut w);
    w.cmd(&[b"BLPOP", b"k", b"0"]);
    wait_blocked(&mut ctl, 1);
    let mut t = vec![ctl.call(&["CLIENT", "KILL", "ID", &id])];
    wait_blocked(&mut ctl, 0);
    assert!(w.is_closed(), "the killed client is disconnected");
    t.push(ctl.call(&["RPUSH", "k", "v"]));
    t.push(ctl.call(&["LRANGE", "k", "0", "-1"]));
    // A client that goes away by itself while blocked leaves no trace either.
    let mut gone = Raw::connect(port);
    gone.cmd(&[b"BLPOP", b"j", b"0"]);
    wait_blocked(&mut ctl, 1);
    drop(gone);
    wait_blocked(&mut ctl, 0);
    t.push(ctl.call(&["RPUSH", "j", "kept"]));
    t.push(ctl.call(&["LRANGE", "j", "0", "-1"]));
    t.push(
        info_field(&mut ctl, "connected_clients")
            .to_string()
            .into_bytes(),
    );
    t
}

#[test]
fn a_killed_blocked_client_leaves_no_trace() {
    let t = on_both(killed_while_blocked);
    assert_eq!(t[0], b":1\r\n");
    assert_eq!(t[2], b"*1\r\n$1\r\nv\r\n");
    assert_eq!(t[4], b"*1\r\n$4\r\nkept\r\n");
    assert_eq!(t[5], b"1");
}

fn input_while_blocked(port: u16) -> Vec<Vec<u8>> {
    let mut ctl = Raw::connect(port);
    let mut w = Raw::connect(port);
    w.cmd(&[b"BLPOP", b"k", b"0"]);
    wait_blocked(&mut ctl, 1);
    // Requests sent while blocked wait their turn, whatever their size.
    let big = vec![b'x'; 100_000];
    let mut batch = crate::harness::encode_request(&[b"SET", b"big", &big]);
    batch.extend(crate::harness::encode_request(&[b"STRLEN", b"big"]));
    batch.extend(crate::harness::encode_request(&[b"PING"]));
    w.send(&batch);
    assert!(silent_for(&mut w, 100), "still blocked");
    let mut t = vec![ctl.call(&["EXISTS", "big"])];
    t.push(ctl.call(&["RPUSH", "k", "v"]));
    for _ in 0..4 {
        t.push(w.read_raw());
    }
    // A timeout releases the pipeline behind it too.
    let mut batch = crate::harness::encode_request(&[b"BRPOP", b"k", b"0.05"]);
    batch.extend(crate::harness::encode_request(&[b"ECHO", b"after"]));
    w.send(&batch);
    t.push(w.read_raw());
    t.push(w.read_raw());
    t
}

#[test]
fn input_sent_while_blocked_runs_once_released() {
    let t = on_both(input_while_blocked);
    assert_eq!(t[0], b":0\r\n");
    assert_eq!(t[4], b":100000\r\n");
    assert_eq!(t[6], b"*-1\r\n");
    assert_eq!(t[7], b"$5\r\nafter\r\n");
}
