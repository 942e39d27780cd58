//! MONITOR side by side with Redis 7.0: the lines a monitor receives while
//! another connection runs a script are the same, but for the timestamps and
//! the other connection's port, which are masked.

use crate::harness::{Raw, TestServer};

const SCRIPT: &[&[&str]] = &[
    &["SET", "k", "a\"\n\u{1}b\\ c"],
    &["AUTH", "secret"],
    &["HELLO", "2", "AUTH", "default", "pw", "SETNAME", "n"],
    &["MULTI"],
    &["INCR", "n"],
    &["GET", "n"],
    &["EXEC"],
    &["CONFIG", "GET", "port"],
    &["CONFIG", "SET", "requirepass", ""],
    &["SELECT", "3"],
    &["GET"],
    &["NOSUCH"],
    &["DEL", "k", "j"],
    &["PING"],
];

/// The monitor's lines, with each `+<secs>.<micros> ` and `:<port>]` masked.
fn monitored(port: u16) -> Vec<String> {
    let mut monitor = Raw::connect(port);
    assert_eq!(monitor.call(&["MONITOR"]), b"+OK\r\n");
    let mut other = Raw::connect(port);
    for args in SCRIPT {
        other.call(args);
    }
    // A marker the monitor sees last.
    other.call(&["ECHO", "done"]);
    let mut lines = Vec::new();
    loop {
        let line = String::from_utf8(monitor.read_raw()).expect("monitor lines are text");
        let (_, rest) = line.split_once(' ').expect("a timestamp first");
        let (client, args) = rest.split_once("] ").expect("[db addr] then the arguments");
        let db_and_ip = client.rsplit_once(':').expect("ip:port").0;
        let masked = format!("{db_and_ip}:PORT] {}", args.trim_end());
        if masked.ends_with("\"ECHO\" \"done\"") {
            return lines;
        }
        lines.push(masked);
    }
}

#[test]
fn monitor_lines_match_redis() {
    let Some(redis) = TestServer::start_redis(&[]) else {
        eprintln!("redis-server not installed: oracle comparison skipped");
        return;
    };
    let kv = TestServer::start(&[]);
    let lines = monitored(kv.port);
    assert!(lines.len() >= 10, "{lines:#?}");
    assert_eq!(lines, monitored(redis.port));
}
