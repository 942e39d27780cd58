//! Transactions, Pub/Sub, keyspace notifications and client-side caching end
//! to end, with two and three connections. Each deterministic scenario runs
//! against real Redis 7.0 too and its transcript must be byte-identical; the
//! single-connection scripts are compared in RESP2 and RESP3.

use std::time::{Duration, Instant};

use crate::blocking::{client_id, keyspace_events_of, on_both, silent_for};
use crate::harness::{Raw, TestServer, show};
use crate::oracle::compare;

const TRANSACTION_SCRIPT: &[&[&str]] = &[
    &["MULTI"],
    &["SET", "a", "1"],
    &["INCR", "a"],
    &["LPUSH", "a", "x"],
    &["GET", "a"],
    &["EXEC"],
    &["EXEC"],
    &["DISCARD"],
    &["MULTI"],
    &["MULTI"],
    &["WATCH", "a"],
    &["NOSUCH", "x"],
    &["GET"],
    &["SET", "b", "1"],
    &["EXEC"],
    &["GET", "b"],
    &["MULTI"],
    &["BLPOP", "nolist", "0"],
    &["BRPOPLPUSH", "nolist", "dst", "0"],
    &["BLMOVE", "nolist", "dst", "LEFT", "LEFT", "0"],
    &["BZPOPMIN", "nozset", "0"],
    &["SUBSCRIBE", "ch"],
    &["UNSUBSCRIBE"],
    &["PUBLISH", "ch", "m"],
    &["EXEC"],
    &["WATCH", "w"],
    &["SET", "w", "1"],
    &["MULTI"],
    &["PING"],
    &["EXEC"],
    &["WATCH", "w"],
    &["UNWATCH"],
    &["SET", "w", "2"],
    &["MULTI"],
    &["DISCARD"],
    &["MULTI"],
    &["SET", "c", "1"],
    &["DISCARD"],
    &["GET", "c"],
    &["WATCH"],
    &["MULTI", "x"],
    &["EXEC", "x"],
];

#[test]
fn transaction_replies_match_redis() {
    compare(TRANSACTION_SCRIPT, false);
    compare(TRANSACTION_SCRIPT, true);
}

const PUBSUB_SCRIPT: &[&[&str]] = &[
    &["PUBLISH", "ch", "nobody"],
    &["PUBSUB", "NUMPAT"],
    &["PUBSUB", "NUMSUB", "ch", "other"],
    &["PUBSUB", "CHANNELS"],
    &["PUBSUB", "SHARDCHANNELS", "*"],
    &["PUBSUB", "SHARDNUMSUB", "s"],
    &["PUBSUB", "NOSUCH"],
    &["PUBSUB", "CHANNELS", "a", "b"],
    &["SPUBLISH", "s", "m"],
    &["UNSUBSCRIBE"],
    &["PUNSUBSCRIBE", "p*"],
    &["SUNSUBSCRIBE"],
    &["SUBSCRIBE", "ch", "ch", "other"],
    &["PING"],
    &["PING", "hi"],
    &["GET", "k"],
    &["PSUBSCRIBE", "c*"],
    &["PUBLISH", "ch", "to myself"],
    &["PUNSUBSCRIBE"],
    &["UNSUBSCRIBE", "ch", "nosuch"],
    &["UNSUBSCRIBE"],
    &["SSUBSCRIBE", "s1", "s2"],
    &["SPUBLISH", "s1", "shard"],
    &["SUNSUBSCRIBE", "s1"],
    &["SUNSUBSCRIBE"],
    &["CONFIG", "SET", "notify-keyspace-events", "KEA"],
    &["CONFIG", "GET", "notify-keyspace-events"],
    &["CONFIG", "SET", "notify-keyspace-events", "gxn$"],
    &["CONFIG", "GET", "notify-keyspace-events"],
    &["CONFIG", "SET", "notify-keyspace-events", "q"],
    &["CONFIG", "SET", "notify-keyspace-events", ""],
];

#[test]
fn pubsub_replies_match_redis() {
    compare(PUBSUB_SCRIPT, false);
    compare(PUBSUB_SCRIPT, true);
}

const TRACKING_SCRIPT: &[&[&str]] = &[
    &["CLIENT", "TRACKINGINFO"],
    &["CLIENT", "GETREDIR"],
    &["CLIENT", "CACHING", "yes"],
    &["CLIENT", "TRACKING", "maybe"],
    &["CLIENT", "TRACKING", "on", "PREFIX", "a"],
    &["CLIENT", "TRACKING", "on", "REDIRECT", "abc"],
    &["CLIENT", "TRACKING", "on", "REDIRECT", "999999"],
    &["CLIENT", "TRACKING", "on", "OPTIN", "OPTOUT"],
    &["CLIENT", "TRACKING", "on", "BCAST", "OPTIN"],
    &[
        "CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "a", "PREFIX", "ab",
    ],
    &["CLIENT", "TRACKING", "on", "NOSUCH"],
    &["CLIENT", "TRACKING", "on", "OPTIN"],
    &["CLIENT", "TRACKINGINFO"],
    &["CLIENT", "CACHING", "no"],
    &["CLIENT", "CACHING", "maybe"],
    &["CLIENT", "CACHING", "yes"],
    &["CLIENT", "TRACKINGINFO"],
    &["GET", "k"],
    &["CLIENT", "TRACKINGINFO"],
    &["CLIENT", "TRACKING", "on", "OPTOUT"],
    &["CLIENT", "TRACKING", "on", "BCAST"],
    &["CLIENT", "TRACKING", "off"],
    &["CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "a", "NOLOOP"],
    &["CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "ab"],
    &["CLIENT", "TRACKINGINFO"],
    &["CLIENT", "GETREDIR"],
    &["CLIENT", "TRACKING", "off"],
    &["CLIENT", "TRACKINGINFO"],
];

#[test]
fn tracking_replies_match_redis() {
    compare(TRACKING_SCRIPT, false);
    compare(TRACKING_SCRIPT, true);
}

/// WATCH against writes from other connections: the watcher's EXEC fails
/// only when its key changed, in its own database.
fn watch_races(port: u16) -> Vec<Vec<u8>> {
    let mut a = Raw::connect(port);
    let mut b = Raw::connect(port);
    let mut other_db = Raw::connect(port);
    let mut t = vec![a.call(&["WATCH", "k", "j"])];
    t.push(other_db.call(&["SELECT", "1"]));
    // The same name in another database, and another key: no effect.
    t.push(other_db.call(&["SET", "k", "x"]));
    t.push(b.call(&["SET", "unrelated", "1"]));
    t.push(a.call(&["MULTI"]));
    t.push(a.call(&["INCR", "counter"]));
    t.push(a.call(&["EXEC"]));
    // A write to a watched key by another client.
    t.push(a.call(&["WATCH", "k"]));
    t.push(b.call(&["SET", "k", "1"]));
    t.push(a.call(&["MULTI"]));
    t.push(a.call(&["INCR", "counter"]));
    t.push(a.call(&["EXEC"]));
    t.push(a.call(&["GET", "counter"]));
    // Two watchers, one writer between their MULTI and EXEC: both fail.
    t.push(a.call(&["WATCH", "k"]));
    t.push(other_db.call(&["SELECT", "0"]));
    t.push(other_db.call(&["WATCH", "k"]));
    t.push(a.call(&["MULTI"]));
    t.push(other_db.call(&["MULTI"]));
    t.push(b.call(&["DEL", "k"]));
    t.push(a.call(&["EXEC"]));
    t.push(other_db.call(&["EXEC"]));
    // FLUSHALL, SWAPDB and RENAME touch watched keys too.
    for write in [
        &["FLUSHALL"][..],
        &["SWAPDB", "0", "1"][..],
        &["RENAME", "src", "k"][..],
    ] {
        t.push(b.call(&["SET", "k", "v"]));
        t.push(b.call(&["SET", "src", "v"]));
        t.push(a.call(&["WATCH", "k"]));
        t.push(b.call(write));
        t.push(a.call(&["MULTI"]));
        t.push(a.call(&["PING"]));
        t.push(a.call(&["EXEC"]));
        t.push(b.call(&["SELECT", "0"]));
    }
    t
}

#[test]
fn watch_is_invalidated_by_other_clients_writes() {
    let t = on_both(watch_races);
    assert_eq!(show(&t[6]), "*1\\r\\n:1\\r\\n");
    assert_eq!(show(&t[11]), "*-1\\r\\n");
    assert_eq!(show(&t[19]), "*-1\\r\\n");
    assert_eq!(show(&t[20]), "*-1\\r\\n");
}

/// WATCH on a stream: a consumer group's bookkeeping (XREADGROUP, XACK,
/// XCLAIM, XAUTOCLAIM, XGROUP, XSETID) does not count as modifying the key,
/// as in Redis; XADD does.
fn watch_a_stream(port: u16) -> Vec<Vec<u8>> {
    let mut a = Raw::connect(port);
    let mut b = Raw::connect(port);
    let mut t = Vec::new();
    let writes: &[&[&str]] = &[
        &["XGROUP", "CREATE", "s", "g2", "0"],
        &[
            "XREADGROUP",
            "GROUP",
            "g",
            "c",
            "COUNT",
            "1",
            "STREAMS",
            "s",
            ">",
        ],
        &["XACK", "s", "g", "1-1"],
        &["XSETID", "s", "5-0"],
        &["XGROUP", "CREATECONSUMER", "s", "g", "c9"],
        &["XCLAIM", "s", "g", "c2", "0", "1-1"],
        &["XAUTOCLAIM", "s", "g", "c3", "0", "0"],
        &["XGROUP", "SETID", "s", "g", "0"],
        &["XGROUP", "DELCONSUMER", "s", "g", "c"],
        &["XGROUP", "DESTROY", "s", "g"],
        &["XADD", "s", "9-1", "f", "v"],
    ];
    for write in writes {
        a.call(&["DEL", "s"]);
        a.call(&["XADD", "s", "1-1", "f", "v"]);
        a.call(&["XGROUP", "CREATE", "s", "g", "0"]);
        a.call(&["XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">"]);
        t.push(a.call(&["WATCH", "s"]));
        t.push(b.call(write));
        t.push(a.call(&["MULTI"]));
        t.push(a.call(&["PING"]));
        t.push(a.call(&["EXEC"]));
    }
    t
}

#[test]
fn stream_group_bookkeeping_leaves_watch_alone() {
    let t = on_both(watch_a_stream);
    let execs: Vec<String> = t.chunks(5).map(|c| show(&c[4])).collect();
    let mut want = vec!["*1\\r\\n+PONG\\r\\n".to_string(); 10];
    want.push("*-1\\r\\n".into());
    assert_eq!(execs, want);
}

/// A transaction fills two keys a client waits on: it is served from the
/// one filled first.
fn exec_wakes_blocked_clients(port: u16) -> Vec<Vec<u8>> {
    let mut ctl = Raw::connect(port);
    let mut waiter = Raw::connect(port);
    waiter.cmd(&[b"BLPOP", b"a", b"b", b"0"]);
    crate::blocking::wait_blocked(&mut ctl, 1);
    let mut t = vec![ctl.call(&["MULTI"])];
    t.push(ctl.call(&["RPUSH", "b", "x"]));
    t.push(ctl.call(&["RPUSH", "a", "y"]));
    t.push(ctl.call(&["EXEC"]));
    t.push(waiter.read_raw());
    t.push(ctl.call(&["LRANGE", "a", "0", "-1"]));
    t
}

#[test]
fn a_transaction_serves_blocked_clients_from_the_key_filled_first() {
    let t = on_both(exec_wakes_blocked_clients);
    assert_eq!(show(&t[4]), "*2\\r\\n$1\\r\\nb\\r\\n$1\\r\\nx\\r\\n");
}

/// Two subscribers (a channel in RESP2, a pattern in RESP3) and a publisher.
fn publish_and_receive(port: u16) -> Vec<Vec<u8>> {
    let mut channel = Raw::connect(port);
    let mut pattern = Raw::connect(port);
    let mut publisher = Raw::connect(port);
    let mut t = vec![channel.call(&["SUBSCRIBE", "news", "sport"])];
    t.push(channel.read_raw());
    t.push(pattern.call(&["HELLO", "3"]).len().to_string().into_bytes());
    t.push(pattern.call(&["PSUBSCRIBE", "n*"]));
    t.push(publisher.call(&["PUBLISH", "news", "hello"]));
    t.push(channel.read_raw());
    t.push(pattern.read_raw());
    t.push(publisher.call(&["PUBLISH", "sport", "goal"]));
    t.push(channel.read_raw());
    t.push(publisher.call(&["PUBLISH", "nothing", "x"]));
    t.push(pattern.read_raw());
    // RESP3 subscribers may go on issuing commands.
    t.push(pattern.call(&["SET", "k", "v"]));
    t.push(publisher.call(&["PUBSUB", "NUMSUB", "news", "sport"]));
    t.push(publisher.call(&["PUBSUB", "NUMPAT"]));
    t.push(channel.call(&["UNSUBSCRIBE", "news"]));
    t.push(publisher.call(&["PUBLISH", "news", "again"]));
    t.push(pattern.read_raw());
    t.push(silent_for(&mut channel, 100).to_string().into_bytes());
    t
}

#[test]
fn subscribers_receive_what_publishers_send() {
    let t = on_both(publish_and_receive);
    assert_eq!(show(&t[4]), ":2\\r\\n");
    assert_eq!(show(&t[7]), ":1\\r\\n");
}

/// Keyspace notifications of a few writes, as a pattern subscriber sees them.
fn keyspace_events(port: u16) -> Vec<Vec<u8>> {
    // set, expire, rpush, lpop, del, hset, rename_from, rename_to, del, del:
    // each once on __keyspace@0__ and once on __keyevent@0__.
    let writes: &[&[&str]] = &[
        &["SET", "k", "v", "EX", "100"][..],
        &["RPUSH", "l", "a"][..],
        &["LPOP", "l"][..],
        &["HSET", "h", "f", "v"][..],
        &["RENAME", "k", "k2"][..],
        &["DEL", "k2", "h"][..],
    ];
    keyspace_events_of(port, writes, 20)
}

#[test]
fn keyspace_events_match_redis() {
    on_both(keyspace_events);
}

/// Tracking with a RESP2 redirect to a subscriber of __redis__:invalidate.
fn tracking_redirect(port: u16) -> Vec<Vec<u8>> {
    let mut listener = Raw::connect(port);
    let mut reader = Raw::connect(port);
    let mut writer = Raw::connect(port);
    let id = client_id(&mut listener);
    let mut t = vec![listener.call(&["SUBSCRIBE", "__redis__:invalidate"])];
    t.push(reader.call(&["CLIENT", "TRACKING", "on", "REDIRECT", &id]));
    t.push(reader.call(&["MGET", "a", "b"]));
    t.push(writer.call(&["SET", "a", "1"]));
    t.push(listener.read_raw());
    // An invalidated key is forgotten until it is read again.
    t.push(writer.call(&["SET", "a", "2"]));
    t.push(writer.call(&["SET", "b", "2"]));
    t.push(listener.read_raw());
    t.push(silent_for(&mut listener, 100).to_string().into_bytes());
    t.push(reader.call(&["GET", "a"]));
    t.push(writer.call(&["FLUSHALL"]));
    t.push(listener.read_raw());
    // Client IDs differ between servers: show the redirect's as ID.
    let info = |raw: &mut Raw| {
        show(&raw.call(&["CLIENT", "TRACKINGINFO"])).replace(&format!(":{id}\\r\\n"), ":ID\\r\\n")
    };
    t.push(info(&mut reader).into_bytes());
    // The redirect target goes away: the redirect is broken.
    drop(listener);
    std::thread::sleep(Duration::from_millis(100));
    t.push(reader.call(&["GET", "c"]));
    t.push(writer.call(&["SET", "c", "1"]));
    t.push(info(&mut reader).into_bytes());
    t
}

#[test]
fn tracking_invalidations_reach_the_redirect_client() {
    on_both(tracking_redirect);
}

/// A RESP3 client tracking its own reads, in OPTIN mode and in BCAST mode.
fn tracking_resp3(port: u16) -> Vec<Vec<u8>> {
    let mut me = Raw::connect(port);
    let mut writer = Raw::connect(port);
    me.call(&["HELLO", "3"]);
    let mut t = vec![me.call(&["CLIENT", "TRACKING", "on", "OPTIN"])];
    t.push(me.call(&["GET", "x"]));
    t.push(writer.call(&["SET", "x", "1"]));
    t.push(silent_for(&mut me, 100).to_string().into_bytes());
    t.push(me.call(&["CLIENT", "CACHING", "yes"]));
    t.push(me.call(&["GET", "x"]));
    t.push(writer.call(&["SET", "x", "2"]));
    t.push(me.read_raw());
    t.push(me.call(&["CLIENT", "TRACKING", "off"]));
    t.push(me.call(&["CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "user:"]));
    t.push(writer.call(&["MSET", "user:1", "a", "item:1", "b", "user:2", "c"]));
    t.push(me.read_raw());
    t
}

#[test]
fn tracking_pushes_invalidations_in_resp3() {
    on_both(tracking_resp3);
}

/// A subscriber that never reads is disconnected by the pubsub output buffer
/// limit instead of growing the server's memory.
#[test]
fn a_slow_subscriber_is_disconnected_by_its_output_limit() {
    let kv = TestServer::start(&["--client-output-buffer-limit", "pubsub 256kb 0 0"]);
    let mut slow = Raw::connect(kv.port);
    slow.call(&["SUBSCRIBE", "firehose"]);
    // A small receive buffer so that the kernel does not hold it all.
    let mut publisher = Raw::connect(kv.port);
    let payload = "x".repeat(64 * 1024);
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let reply = publisher.call(&["PUBLISH", "firehose", &payload]);
        if reply == b":0\r\n" {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the subscriber was never disconnected"
        );
    }
    let list = publisher.call(&["CLIENT", "LIST", "TYPE", "pubsub"]);
    assert!(!show(&list).contains("cmd=subscribe"), "{}", show(&list));
    assert!(
        kv.log()
            .contains("scheduled to be closed ASAP for overcoming of output buffer limits")
    );
}

/// Over the soft limit for longer than its seconds, a subscriber is closed too;
/// a burst that drains in time is forgiven.
#[test]
fn a_subscriber_over_its_soft_limit_for_too_long_is_disconnected() {
    let kv = TestServer::start(&["--client-output-buffer-limit", "pubsub 0 128kb 1"]);
    let mut slow = Raw::connect(kv.port);
    slow.call(&["SUBSCRIBE", "firehose"]);
    let mut publisher = Raw::connect(kv.port);
    let payload = "x".repeat(64 * 1024);
    // Fill the socket's kernel buffers and then kv's own beyond 128 KB.
    for _ in 0..128 {
        assert_eq!(
            publisher.call(&["PUBLISH", "firehose", &payload]),
            b":1\r\n"
        );
    }
    // Still connected: over the soft limit, but not yet for a second.
    let list = show(&publisher.call(&["CLIENT", "LIST", "TYPE", "pubsub"]));
    assert!(list.contains("cmd=subscribe"), "{list}");
    std::thread::sleep(Duration::from_millis(1300));
    let deadline = Instant::now() + Duration::from_secs(10);
    while publisher.call(&["PUBLISH", "firehose", &payload]) != b":0\r\n" {
        assert!(
            Instant::now() < deadline,
            "the subscriber was never disconnected"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(
        kv.log()
            .contains("scheduled to be closed ASAP for overcoming of output buffer limits")
    );
}

/// The `redis` crate's own transaction helper: WATCH, MULTI, EXEC and the
/// retry after a conflicting write.
#[test]
fn the_redis_crate_transaction_helper_retries_on_conflict() {
    let kv = TestServer::start(&[]);
    let mut con = kv.client();
    let mut rival = kv.client();
    let _: () = redis::cmd("SET")
        .arg("balance")
        .arg(10)
        .query(&mut con)
        .expect("set");
    let mut attempts = 0;
    let (new,): (i64,) = redis::transaction(&mut con, &["balance"], |con, pipe| {
        attempts += 1;
        let old: i64 = redis::cmd("GET").arg("balance").query(con)?;
        if attempts == 1 {
            // A conflicting write between WATCH and EXEC: the first EXEC fails.
            let _: () = redis::cmd("INCRBY")
                .arg("balance")
                .arg(5)
                .query(&mut rival)?;
        }
        pipe.set("balance", old * 2)
            .ignore()
            .get("balance")
            .query(con)
    })
    .expect("transaction");
    assert_eq!(attempts, 2);
    assert_eq!(new, 30);
    let (a, b): (i64, i64) = redis::pipe()
        .atomic()
        .incr("n", 1)
        .incr("n", 2)
        .query(&mut con)
        .expect("atomic pipeline");
    assert_eq!((a, b), (1, 3));
}

/// redis-py, as applications use it: `pipeline(transaction=True)`, the WATCH
/// retry loop, `pubsub()` with `get_message` and `listen`, keyspace events and
/// tracking with a redirect, in RESP2 and RESP3 (tests/clients/redis_py.py).
/// `cargo xtask test` installs redis-py; without it the test says so and skips.
#[test]
fn redis_py_works_unchanged() {
    run_redis_py("redis_py.py");
}

/// The consumer-group worker pattern through redis-py: XADD ~ MAXLEN,
/// XGROUP CREATE MKSTREAM and BUSYGROUP, XREADGROUP BLOCK woken by another
/// connection, XACK, XPENDING, XAUTOCLAIM (tests/clients/redis_py_streams.py).
#[test]
fn redis_py_stream_workers_work_unchanged() {
    run_redis_py("redis_py_streams.py");
}

/// Runs a script of tests/clients against a fresh kv in RESP2 and RESP3; it
/// must print "ok". Skipped, with a note, without redis-py.
fn run_redis_py(script: &str) {
    let importable = std::process::Command::new("python3")
        .args(["-c", "import redis"])
        .status()
        .is_ok_and(|s| s.success());
    if !importable {
        eprintln!("redis-py not installed: its client test skipped");
        return;
    }
    let script = format!("{}/tests/clients/{script}", env!("CARGO_MANIFEST_DIR"));
    let kv = TestServer::start(&[]);
    for protocol in ["2", "3"] {
        let out = std::process::Command::new("python3")
            .args([&script, &kv.port.to_string(), protocol])
            .output()
            .expect("python3 runs");
        assert!(
            out.status.success() && out.stdout == b"ok\n",
            "{script} (RESP{protocol}) failed:\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
