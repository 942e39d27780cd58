//! Streams side by side with Redis 7.0: XADD, XRANGE, XREVRANGE, XLEN, XDEL,
//! XTRIM, XSETID, XREAD, the consumer-group commands and XINFO,
//! byte-identical in RESP2 and RESP3, errors included. IDs are explicit and
//! idle times avoided (XCLAIM TIME pins delivery times), so no reply depends
//! on the clock.

use crate::oracle::compare;

const SCRIPT: &[&[&str]] = &[
    &["XADD", "s", "1-1", "a", "1"],
    &["XADD", "s", "1-2", "a", "2", "b", "3"],
    &["XADD", "s", "1-*", "a", "4"],
    &["XADD", "s", "5", "a", "5"],
    &["XADD", "s", "5-*", "c", "x"],
    &["XADD", "s", "1-1", "a", "1"],
    &["XADD", "s", "0-0", "a", "1"],
    &["XADD", "s", "0", "a", "1"],
    &["XADD", "s", "x-1", "a", "1"],
    &["XADD", "s", "1-x", "a", "1"],
    &["XADD", "s", "-", "a", "1"],
    &["XADD", "s", "+", "a", "1"],
    &["XADD", "s", "9-9", "a"],
    &["XADD", "s", "9-9"],
    &["XADD", "s", "NOMKSTREAM", "9-9", "a", "1"],
    &["XADD", "nos", "NOMKSTREAM", "1-1", "a", "1"],
    &["EXISTS", "nos"],
    &["XADD", "s", "MAXLEN", "-1", "9-9", "a", "1"],
    &["XADD", "s", "MAXLEN", "x", "9-9", "a", "1"],
    &["XADD", "s", "MAXLEN", "2", "MINID", "1", "9-9", "a", "1"],
    &["XADD", "s", "LIMIT", "2", "9-9", "a", "1"],
    &["XADD", "s", "MAXLEN", "5", "LIMIT", "2", "9-9", "a", "1"],
    &[
        "XADD", "s", "MAXLEN", "~", "5", "LIMIT", "-1", "9-9", "a", "1",
    ],
    &["XLEN", "s"],
    &["XLEN", "nosuch"],
    &["TYPE", "s"],
    &["OBJECT", "ENCODING", "s"],
    &["XRANGE", "s", "-", "+"],
    &["XRANGE", "s", "-", "+", "COUNT", "2"],
    &["XRANGE", "s", "-", "+", "COUNT", "0"],
    &["XRANGE", "s", "-", "+", "COUNT", "-3"],
    &["XRANGE", "s", "(1-1", "+"],
    &["XRANGE", "s", "1", "1"],
    &["XRANGE", "s", "1-2", "(5"],
    &["XRANGE", "s", "(-", "+"],
    &[
        "XRANGE",
        "s",
        "(18446744073709551615-18446744073709551615",
        "+",
    ],
    &["XRANGE", "s", "-", "(0-0"],
    &["XRANGE", "s", "5", "1"],
    &["XRANGE", "s", "-", "+", "COUNT"],
    &["XRANGE", "s", "-", "+", "LIMIT", "1"],
    &["XRANGE", "s", "x", "+"],
    &["XRANGE", "nosuch", "-", "+"],
    &["XREVRANGE", "s", "+", "-"],
    &["XREVRANGE", "s", "+", "-", "COUNT", "1"],
    &["XREVRANGE", "s", "5", "(1-2"],
    &["XDEL", "s", "1-2", "7-7", "1-2"],
    &["XDEL", "s", "bad"],
    &["XDEL", "nosuch", "1-1"],
    &["XRANGE", "s", "-", "+"],
    &["XSETID", "s", "1-1"],
    &["XSETID", "s", "100-0", "ENTRIESADDED", "1"],
    &["XSETID", "s", "100-0", "ENTRIESADDED", "-1"],
    &["XSETID", "s", "100-0", "MAXDELETEDID", "200-0"],
    &[
        "XSETID",
        "s",
        "100-0",
        "ENTRIESADDED",
        "10",
        "MAXDELETEDID",
        "3-0",
    ],
    &["XSETID", "nosuch", "1-1"],
    &["XSETID", "s", "100-0", "BOGUS", "1"],
    &["XINFO", "STREAM", "s"],
    &["XADD", "s", "5-0", "a", "1"],
    &["XADD", "s", "100-*", "a", "1"],
    &["XTRIM", "s", "MAXLEN", "2"],
    &["XRANGE", "s", "-", "+"],
    &["XTRIM", "s", "MINID", "100"],
    &["XTRIM", "s"],
    &["XTRIM", "s", "FOO", "1"],
    &["XTRIM", "s", "MAXLEN", "~", "0", "LIMIT", "0"],
    &["XTRIM", "nosuch", "MAXLEN", "0"],
    &["DEL", "s"],
    // A long stream: approximate trimming removes whole nodes of 100.
    &["CONFIG", "SET", "stream-node-max-entries", "10"],
    &["XADD", "t", "1", "f", "v"],
    &["XADD", "t", "2", "f", "v"],
    &["XADD", "t", "3", "f", "v"],
    &["XADD", "t", "4", "f", "v"],
    &["XADD", "t", "5", "f", "v"],
    &["XADD", "t", "6", "f", "v"],
    &["XADD", "t", "7", "f", "v"],
    &["XADD", "t", "8", "f", "v"],
    &["XADD", "t", "9", "f", "v"],
    &["XADD", "t", "10", "f", "v"],
    &["XADD", "t", "11", "g", "v"],
    &["XADD", "t", "12", "f", "v"],
    &["XADD", "t", "13", "f", "v", "h", "w"],
    &["XADD", "t", "14", "f", "v"],
    &["XADD", "t", "15", "f", "v"],
    &["XADD", "t", "16", "f", "v"],
    &["XADD", "t", "17", "f", "v"],
    &["XADD", "t", "18", "f", "v"],
    &["XADD", "t", "19", "f", "v"],
    &["XADD", "t", "20", "f", "v"],
    &["XADD", "t", "21", "f", "v"],
    &["XADD", "t", "22", "f", "v"],
    &["XADD", "t", "MAXLEN", "~", "5", "23", "f", "v"],
    &["XLEN", "t"],
    &["XINFO", "STREAM", "t"],
    &["XTRIM", "t", "MINID", "~", "22"],
    &["XLEN", "t"],
    &["XTRIM", "t", "MINID", "=", "22"],
    &["XRANGE", "t", "-", "+"],
    &["XINFO", "STREAM", "t", "FULL"],
    &["CONFIG", "SET", "stream-node-max-entries", "100"],
    // XREAD without blocking.
    &["XADD", "r", "1-0", "k", "v1"],
    &["XADD", "r", "2-0", "k", "v2"],
    &["XREAD", "STREAMS", "r", "0"],
    &["XREAD", "COUNT", "1", "STREAMS", "r", "t", "0", "0"],
    &["XREAD", "STREAMS", "r", "$"],
    &["XREAD", "STREAMS", "r", "2-0"],
    &["XREAD", "STREAMS", "r", "nosuch", "0", "0"],
    &["XREAD", "STREAMS", "r"],
    &["XREAD", "STREAMS", "r", ">"],
    &["XREAD", "GROUP", "g", "c", "STREAMS", "r", "0"],
    &["XREAD", "NOACK", "STREAMS", "r", "0"],
    &["XREAD", "COUNT", "x", "STREAMS", "r", "0"],
    &["XREAD", "BLOCK", "x", "STREAMS", "r", "0"],
    &["XREAD", "BLOCK", "-1", "STREAMS", "r", "0"],
    &["XREAD", "BLOCK", "10", "STREAMS", "r", "0"],
    &["XREAD", "FOO", "STREAMS", "r", "0"],
    &["XREAD", "STREAMS", "r", "bad"],
    &["SET", "str", "x"],
    &["XREAD", "STREAMS", "str", "0"],
    &["XADD", "str", "1-1", "a", "b"],
    &["XRANGE", "str", "-", "+"],
    // Consumer groups.
    &["XGROUP", "CREATE", "r", "g", "0"],
    &["XGROUP", "CREATE", "r", "g", "0"],
    &["XGROUP", "CREATE", "r", "g2", "$"],
    &["XGROUP", "CREATE", "nosuch", "g", "0"],
    &["XGROUP", "CREATE", "m", "g", "$", "MKSTREAM"],
    &["XGROUP", "CREATE", "m", "g3", "0", "ENTRIESREAD", "-2"],
    &["XGROUP", "CREATE", "m", "g3", "0", "ENTRIESREAD", "5"],
    &["XGROUP", "CREATE", "m", "g4", "0", "BOGUS"],
    &["XGROUP", "CREATE", "str", "g", "0"],
    &["XGROUP", "CREATE", "r", "g5", "bad"],
    &["XGROUP", "CREATE", "r"],
    &["XLEN", "m"],
    &["XINFO", "GROUPS", "m"],
    &["XGROUP", "SETID", "r", "nosuch", "0"],
    &["XGROUP", "SETID", "r", "g2", "0", "ENTRIESREAD", "0"],
    &["XGROUP", "SETID", "r", "g2", "$"],
    &["XGROUP", "CREATECONSUMER", "r", "g", "alice"],
    &["XGROUP", "CREATECONSUMER", "r", "g", "alice"],
    &["XGROUP", "CREATECONSUMER", "r", "nosuch", "alice"],
    &["XGROUP", "DESTROY", "r", "g2"],
    &["XGROUP", "DESTROY", "r", "g2"],
    &["XGROUP", "FOO", "r", "g"],
    &["XGROUP", "HELP"],
    &["XGROUP", "HELP", "x"],
    &["XREADGROUP", "GROUP", "g", "bob", "STREAMS", "r", ">"],
    &["XREADGROUP", "GROUP", "g", "bob", "STREAMS", "r", ">"],
    &["XREADGROUP", "GROUP", "g", "bob", "STREAMS", "r", "0"],
    &[
        "XREADGROUP",
        "GROUP",
        "g",
        "bob",
        "COUNT",
        "1",
        "STREAMS",
        "r",
        "0",
    ],
    &["XREADGROUP", "GROUP", "g", "bob", "STREAMS", "r", "1-0"],
    &["XREADGROUP", "GROUP", "g", "carol", "STREAMS", "r", "0"],
    &["XREADGROUP", "GROUP", "g", "bob", "STREAMS", "r", "$"],
    &["XREADGROUP", "GROUP", "nosuch", "bob", "STREAMS", "r", ">"],
    &["XREADGROUP", "GROUP", "g", "bob", "STREAMS", "nosuch", ">"],
    &["XREADGROUP", "STREAMS", "r", ">"],
    &["XREADGROUP", "GROUP", "g", "bob", "STREAMS", "r"],
    &[
        "XREADGROUP",
        "GROUP",
        "g",
        "bob",
        "BLOCK",
        "10",
        "STREAMS",
        "r",
        ">",
    ],
    &["XPENDING", "r", "g"],
    &["XPENDING", "r", "g", "-", "+", "10", "nobody"],
    &["XPENDING", "r", "g", "-", "+", "x"],
    &["XPENDING", "r", "g", "IDLE", "x", "-", "+", "10"],
    &["XPENDING", "r", "g", "IDLE", "10", "-", "+"],
    &["XPENDING", "r", "g", "-", "+"],
    &["XPENDING", "r", "nosuch"],
    &["XPENDING", "nosuch", "g"],
    &["XPENDING", "r", "g", "(2-0", "+", "10"],
    &[
        "XCLAIM", "r", "g", "alice", "0", "1-0", "TIME", "1000", "JUSTID",
    ],
    &[
        "XCLAIM",
        "r",
        "g",
        "alice",
        "0",
        "2-0",
        "TIME",
        "2000",
        "RETRYCOUNT",
        "7",
    ],
    &[
        "XCLAIM", "r", "g", "alice", "0", "9-0", "FORCE", "TIME", "1",
    ],
    &["XCLAIM", "r", "g", "alice", "x", "1-0"],
    &["XCLAIM", "r", "g", "alice", "0", "1-0", "IDLE", "x"],
    &["XCLAIM", "r", "g", "alice", "0", "1-0", "BOGUS"],
    &["XCLAIM", "r", "nosuch", "alice", "0", "1-0"],
    &["XCLAIM", "r", "g", "alice", "0", "1-0", "LASTID", "bad"],
    &["XINFO", "STREAM", "r", "FULL", "COUNT"],
    &["XINFO", "STREAM", "r", "BOGUS"],
    &["XINFO", "STREAM", "nosuch"],
    &["XINFO", "GROUPS", "r"],
    &["XINFO", "CONSUMERS", "r", "nosuch"],
    &["XINFO", "HELP"],
    &["XINFO", "FOO", "r"],
    &["XINFO", "STREAM", "str"],
    &["XACK", "r", "g", "1-0", "1-0", "9-0"],
    &["XACK", "r", "g", "bad"],
    &["XACK", "r", "nosuch", "1-0"],
    &["XACK", "nosuch", "g", "1-0"],
    &["XDEL", "r", "2-0"],
    &["XAUTOCLAIM", "r", "g", "bob", "0", "0", "COUNT", "10"],
    &["XAUTOCLAIM", "r", "g", "bob", "0", "0", "COUNT", "0"],
    &["XAUTOCLAIM", "r", "g", "bob", "0", "0", "BOGUS"],
    &["XAUTOCLAIM", "r", "g", "bob", "x", "0"],
    &["XAUTOCLAIM", "r", "nosuch", "bob", "0", "0"],
    &["XADD", "r", "3-0", "k", "v3"],
    &["XADD", "r", "4-0", "k", "v4"],
    &["XADD", "r", "5-0", "k", "v5"],
    &[
        "XREADGROUP",
        "GROUP",
        "g",
        "dave",
        "NOACK",
        "COUNT",
        "1",
        "STREAMS",
        "r",
        ">",
    ],
    &["XREADGROUP", "GROUP", "g", "dave", "STREAMS", "r", ">"],
    &[
        "XAUTOCLAIM",
        "r",
        "g",
        "erin",
        "0",
        "0",
        "COUNT",
        "1",
        "JUSTID",
    ],
    &["XAUTOCLAIM", "r", "g", "erin", "0", "(4-0", "JUSTID"],
    &["XINFO", "GROUPS", "r"],
    &["XGROUP", "DELCONSUMER", "r", "g", "erin"],
    &["XGROUP", "DELCONSUMER", "r", "g", "erin"],
    &["XPENDING", "r", "g"],
    &["XDEL", "r", "3-0", "4-0", "5-0"],
    &["XLEN", "r"],
    &["XINFO", "GROUPS", "r"],
    &["XINFO", "STREAM", "r"],
    // IDs as strtoull reads them, and the edges of the ID space.
    &["XADD", "w", "+5", "a", "1"],
    &["XADD", "w", " 6", "a", "1"],
    &["XADD", "w", "7-+1", "a", "1"],
    &["XADD", "w", "8--0", "a", "1"],
    &["XADD", "w", "-0", "a", "1"],
    &["XADD", "w", "9-*", "a", "1", "b", "2"],
    &["XADD", "w", "9-*", "a", "1", "b", "2"],
    &[
        "XADD",
        "w",
        "18446744073709551615-18446744073709551615",
        "a",
        "1",
    ],
    &["XADD", "w", "*", "a", "1"],
    &["XADD", "w", "18446744073709551615-*", "a", "1"],
    &["XRANGE", "w", "-", "+"],
    &["XDEL", "w", "9-0"],
    &["XINFO", "STREAM", "w"],
    &["XSETID", "w", "5"],
    &["XTRIM", "w", "MINID", "~", "9"],
    &["XTRIM", "w", "MAXLEN", "=", "1"],
    &["XINFO", "STREAM", "w"],
    &[
        "XGROUP",
        "CREATE",
        "w3",
        "g",
        "0",
        "MKSTREAM",
        "ENTRIESREAD",
        "3",
    ],
    &["XINFO", "GROUPS", "w3"],
    &["XGROUP", "SETID", "w3", "g", "0", "MKSTREAM"],
    &["XINFO", "STREAM", "w3", "FULL", "COUNT", "-5"],
    &[
        "XAUTOCLAIM",
        "w3",
        "g",
        "c",
        "0",
        "0",
        "COUNT",
        "576460752303423487",
    ],
    &[
        "XAUTOCLAIM",
        "w3",
        "g",
        "c",
        "0",
        "(18446744073709551615-18446744073709551615",
    ],
    &[
        "XREADGROUP",
        "GROUP",
        "g",
        "c",
        "STREAMS",
        "w3",
        "18446744073709551615-18446744073709551615",
    ],
    &["XADD", "w4", "MAXLEN", "1", "MAXLEN", "2", "3", "a", "1"],
    &["XTRIM", "w4", "LIMIT", "1", "MAXLEN", "~", "1"],
    &[
        "COMMAND", "GETKEYS", "XREAD", "COUNT", "1", "STREAMS", "a", "b", "0", "0",
    ],
    &[
        "COMMAND",
        "GETKEYS",
        "XREADGROUP",
        "GROUP",
        "streams",
        "c",
        "STREAMS",
        "a",
        "0",
    ],
    &[
        "COMMAND",
        "INFO",
        "XREAD",
        "XREADGROUP",
        "XRANGE",
        "XACK",
        "XCLAIM",
    ],
];

#[test]
fn streams_match_redis() {
    compare(SCRIPT, false);
    compare(SCRIPT, true);
}

use crate::blocking::{on_both, wait_blocked};
use crate::harness::{Raw, show};

/// XREADGROUP `>` BLOCK 0 on two connections, woken in the order they
/// blocked by XADDs from a third; `XREAD $` waits for what comes after the
/// ID at the time it blocked; a destroyed group and a deleted key wake their
/// readers with Redis's errors.
fn stream_blocking(port: u16) -> Vec<Vec<u8>> {
    let mut ctl = Raw::connect(port);
    let mut a = Raw::connect(port);
    let mut b = Raw::connect(port);
    let mut t = vec![ctl.call(&["XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"])];
    a.cmd(&[
        b"XREADGROUP",
        b"GROUP",
        b"g",
        b"alice",
        b"BLOCK",
        b"0",
        b"STREAMS",
        b"s",
        b">",
    ]);
    wait_blocked(&mut ctl, 1);
    b.cmd(&[
        b"XREADGROUP",
        b"GROUP",
        b"g",
        b"bob",
        b"BLOCK",
        b"0",
        b"STREAMS",
        b"s",
        b">",
    ]);
    wait_blocked(&mut ctl, 2);
    t.push(ctl.call(&["XADD", "s", "1-0", "f", "v1"]));
    t.push(a.read_raw());
    t.push(ctl.call(&["XADD", "s", "2-0", "f", "v2"]));
    t.push(b.read_raw());
    t.push(ctl.call(&["XPENDING", "s", "g"]));
    // XREAD $: the entry added while it waits, not the older ones.
    a.cmd(&[b"XREAD", b"BLOCK", b"0", b"STREAMS", b"s", b"$"]);
    wait_blocked(&mut ctl, 1);
    t.push(ctl.call(&["XADD", "s", "3-0", "f", "v3"]));
    t.push(a.read_raw());
    // The group goes away under a blocked reader.
    t.push(ctl.call(&["XREADGROUP", "GROUP", "g", "carol", "STREAMS", "s", ">"]));
    a.cmd(&[
        b"XREADGROUP",
        b"GROUP",
        b"g",
        b"alice",
        b"BLOCK",
        b"0",
        b"STREAMS",
        b"s",
        b">",
    ]);
    wait_blocked(&mut ctl, 1);
    t.push(ctl.call(&["XGROUP", "DESTROY", "s", "g"]));
    t.push(a.read_raw());
    // The key goes away under a blocked reader.
    t.push(ctl.call(&["XGROUP", "CREATE", "s", "g", "$"]));
    b.cmd(&[
        b"XREADGROUP",
        b"GROUP",
        b"g",
        b"bob",
        b"BLOCK",
        b"0",
        b"STREAMS",
        b"s",
        b">",
    ]);
    wait_blocked(&mut ctl, 1);
    t.push(ctl.call(&["DEL", "s"]));
    t.push(b.read_raw());
    // A timeout answers a null array; RESP3 a null.
    t.push(a.call(&["XREAD", "BLOCK", "10", "STREAMS", "s", "$"]));
    t.push(a.call(&["HELLO", "3"]).split_at(1).0.to_vec());
    t.push(a.call(&["XREAD", "BLOCK", "10", "STREAMS", "s", "$"]));
    t.push(ctl.call(&["XADD", "s", "5-0", "f", "v"]));
    b.cmd(&[b"HELLO", b"3"]);
    b.read_raw();
    b.cmd(&[b"XREAD", b"BLOCK", b"0", b"STREAMS", b"s", b"5-0"]);
    wait_blocked(&mut ctl, 1);
    t.push(ctl.call(&["XADD", "s", "6-0", "f", "v"]));
    t.push(b.read_raw());
    t
}

#[test]
fn blocked_stream_readers_are_woken_as_redis_wakes_them() {
    let t = on_both(stream_blocking);
    assert_eq!(
        show(&t[2]),
        "*1\\r\\n*2\\r\\n$1\\r\\ns\\r\\n*1\\r\\n*2\\r\\n$3\\r\\n1-0\\r\\n*2\\r\\n$1\\r\\nf\\r\\n$2\\r\\nv1\\r\\n"
    );
}
