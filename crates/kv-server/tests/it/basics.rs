//! Commands through a real client and raw sockets.

use redis::Commands;

use crate::harness::{TestServer, show};

#[test]
fn string_commands_through_the_redis_crate() {
    let server = TestServer::start(&[]);
    let mut con = server.client();
    let _: () = con.set("k", "v").unwrap();
    let v: String = con.get("k").unwrap();
    assert_eq!(v, "v");
    let n: i64 = con.incr("counter", 1).unwrap();
    assert_eq!(n, 1);
    let _: () = redis::cmd("MSET")
        .arg("a")
        .arg("1")
        .arg("b")
        .arg("2")
        .query(&mut con)
        .unwrap();
    let vals: Vec<Option<String>> = con.mget(&["a", "b", "nope"]).unwrap();
    assert_eq!(vals, vec![Some("1".into()), Some("2".into()), None]);
    let deleted: i64 = con.del(&["a", "b", "nope"]).unwrap();
    assert_eq!(deleted, 2);
    let exists: i64 = redis::cmd("EXISTS")
        .arg("k")
        .arg("k")
        .arg("a")
        .query(&mut con)
        .unwrap();
    assert_eq!(exists, 2);
}

#[test]
fn pipelined_requests_in_one_write_all_answer_in_order() {
    let server = TestServer::start(&[]);
    let mut raw = server.raw();
    let mut batch = Vec::new();
    for i in 0..1000 {
        batch.extend_from_slice(&crate::harness::encode_request(&[
            b"SET",
            format!("k{i}").as_bytes(),
            b"x",
        ]));
        batch.extend_from_slice(&crate::harness::encode_request(&[b"INCR", b"n"]));
    }
    raw.send(&batch);
    for i in 0..1000 {
        assert_eq!(raw.read_raw(), b"+OK\r\n");
        assert_eq!(raw.read_raw(), format!(":{}\r\n", i + 1).as_bytes());
    }
}

#[test]
fn a_request_written_byte_by_byte_is_answered_once() {
    let server = TestServer::start(&[]);
    let mut raw = server.raw();
    for b in b"*2\r\n$4\r\nECHO\r\n$5\r\nhello\r\nPING\r\n" {
        raw.send(&[*b]);
    }
    assert_eq!(raw.read_raw(), b"$5\r\nhello\r\n");
    assert_eq!(raw.read_raw(), b"+PONG\r\n");
}

#[test]
fn hello_3_switches_to_resp3_maps() {
    let server = TestServer::start(&[]);
    let mut raw = server.raw();
    let reply = raw.call(&["HELLO", "3"]);
    assert!(
        reply
            .starts_with(b"%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n"),
        "{}",
        show(&reply)
    );
    assert_eq!(raw.call(&["GET", "missing"]), b"_\r\n");
    let reply = raw.call(&["CONFIG", "GET", "port"]);
    assert!(reply.starts_with(b"%1\r\n"), "{}", show(&reply));
    assert_eq!(
        raw.call(&["HELLO", "4"]),
        b"-NOPROTO unsupported protocol version\r\n"
    );
}

#[test]
fn requirepass_demands_auth() {
    let server = TestServer::start(&["--requirepass", "secret"]);
    let mut raw = server.raw();
    assert_eq!(
        raw.call(&["GET", "x"]),
        b"-NOAUTH Authentication required.\r\n"
    );
    assert_eq!(
        raw.call(&["AUTH", "wrong"]),
        b"-WRONGPASS invalid username-password pair or user is disabled.\r\n"
    );
    assert_eq!(raw.call(&["AUTH", "secret"]), b"+OK\r\n");
    assert_eq!(raw.call(&["GET", "x"]), b"$-1\r\n");
    // Before authentication, big requests are refused as Redis refuses them.
    let mut fresh = server.raw();
    fresh.send(b"*20\r\n");
    assert_eq!(
        fresh.read_raw(),
        b"-ERR Protocol error: unauthenticated multibulk length\r\n"
    );
    assert!(fresh.is_closed());
}

#[test]
fn select_keeps_databases_apart() {
    let server = TestServer::start(&[]);
    let mut raw = server.raw();
    raw.call(&["SET", "k", "zero"]);
    assert_eq!(raw.call(&["SELECT", "1"]), b"+OK\r\n");
    assert_eq!(raw.call(&["GET", "k"]), b"$-1\r\n");
    assert_eq!(
        raw.call(&["SELECT", "16"]),
        b"-ERR DB index is out of range\r\n"
    );
    assert_eq!(raw.call(&["SELECT", "0"]), b"+OK\r\n");
    assert_eq!(raw.call(&["GET", "k"]), b"$4\r\nzero\r\n");
}

#[test]
fn client_commands() {
    let server = TestServer::start(&[]);
    let mut a = server.raw();
    let mut b = server.raw();
    assert_eq!(a.call(&["CLIENT", "SETNAME", "alpha"]), b"+OK\r\n");
    assert_eq!(a.call(&["CLIENT", "GETNAME"]), b"$5\r\nalpha\r\n");
    assert_eq!(
        a.call(&["CLIENT", "SETNAME", "has space"]),
        b"-ERR Client names cannot contain spaces, newlines or special characters.\r\n"
    );
    let list = a.call(&["CLIENT", "LIST"]);
    let text = String::from_utf8_lossy(&list);
    assert!(text.contains("name=alpha"), "{text}");
    assert_eq!(text.matches("id=").count(), 2, "two clients: {text}");
    // Kill b by its id; b sees its connection closed.
    let b_id = String::from_utf8(b.call(&["CLIENT", "ID"])).unwrap();
    let b_id = b_id.trim_start_matches(':').trim();
    assert_eq!(a.call(&["CLIENT", "KILL", "ID", b_id]), b":1\r\n");
    assert!(b.is_closed());
    // CLIENT REPLY OFF silences replies until ON.
    a.send(b"CLIENT REPLY OFF\r\nPING\r\nCLIENT REPLY ON\r\nPING\r\n");
    assert_eq!(a.read_raw(), b"+OK\r\n");
    assert_eq!(a.read_raw(), b"+PONG\r\n");
    a.send(b"CLIENT REPLY SKIP\r\nECHO skipped\r\nECHO shown\r\n");
    assert_eq!(a.read_raw(), b"$5\r\nshown\r\n");
}

#[test]
fn client_pause_holds_commands_until_it_ends() {
    let server = TestServer::start(&[]);
    let mut a = server.raw();
    let mut b = server.raw();
    assert_eq!(a.call(&["CLIENT", "PAUSE", "300"]), b"+OK\r\n");
    let started = std::time::Instant::now();
    assert_eq!(b.call(&["PING"]), b"+PONG\r\n");
    assert!(started.elapsed() >= std::time::Duration::from_millis(250));
}

#[test]
fn errors_are_counted_in_info() {
    let server = TestServer::start(&[]);
    let mut raw = server.raw();
    raw.call(&["NOSUCHCOMMAND"]);
    raw.call(&["GET"]);
    let info = String::from_utf8(raw.call(&["INFO", "errorstats", "commandstats"])).unwrap();
    assert!(info.contains("errorstat_ERR:count=2"), "{info}");
    assert!(
        info.contains(
            "cmdstat_get:calls=0,usec=0,usec_per_call=0.00,rejected_calls=1,failed_calls=0"
        ),
        "{info}"
    );
}
