//! Regression tests for Redis's CVEs of 2020–2025 that concern features kv
//! has (docs/security.md lists them with what Redis did wrong). Each request
//! that crashed, hung or overflowed Redis is sent to kv, and kv must answer
//! as a fixed Redis 7.0.15 answers, byte for byte, and stay up.

use std::time::{Duration, Instant};

use crate::blocking::on_both;
use crate::harness::{Raw, TestServer};
use crate::oracle::{compare, compare_with};

/// Requests from the advisories, answered as a fixed Redis 7.0.15 answers.
const SCRIPT: &[&[&str]] = &[
    // CVE-2022-35977: SETRANGE and SORT offsets that overflowed a size.
    &["SETRANGE", "s", "9223372036854775807", "x"],
    &["SETRANGE", "s", "536870911", ""],
    &["SETRANGE", "s", "536870912", "x"],
    &["EXISTS", "s"],
    &["RPUSH", "l", "3", "1", "2"],
    &[
        "SORT",
        "l",
        "LIMIT",
        "9223372036854775807",
        "9223372036854775807",
    ],
    &[
        "SORT",
        "l",
        "LIMIT",
        "-9223372036854775808",
        "9223372036854775807",
    ],
    &["SORT", "l", "LIMIT", "1", "-9223372036854775808"],
    &["SORT_RO", "l", "LIMIT", "9223372036854775806", "2"],
    // CVE-2023-25155 and CVE-2023-22458: random-member counts near i64::MIN.
    &["SADD", "set", "a", "b", "c"],
    &["SRANDMEMBER", "set", "-9223372036854775808"],
    &["HSET", "h", "f", "1", "g", "2"],
    &["HRANDFIELD", "h", "-9223372036854775808"],
    &["HRANDFIELD", "h", "-9223372036854775808", "WITHVALUES"],
    &["HRANDFIELD", "h", "-4611686018427387904", "WITHVALUES"],
    &["ZADD", "z", "1", "a", "2", "b"],
    &["ZRANDMEMBER", "z", "-9223372036854775808"],
    &["ZRANDMEMBER", "z", "-9223372036854775808", "WITHSCORES"],
    &["ZRANDMEMBER", "z", "-4611686018427387904", "WITHSCORES"],
    // CVE-2023-28856: HINCRBYFLOAT values no hash may hold.
    &["HSET", "hf", "f", "1e308"],
    &["HINCRBYFLOAT", "hf", "f", "1e308"],
    &["HINCRBYFLOAT", "hf", "f", "inf"],
    &["HINCRBYFLOAT", "hf", "new", "nan"],
    &["HGETALL", "hf"],
    &["HINCRBYFLOAT", "nohash", "f", "inf"],
    &["EXISTS", "nohash"],
    // CVE-2023-28425: MSETNX with the same key twice.
    &["MSETNX", "dup", "1", "dup", "2"],
    &["GET", "dup"],
    // CVE-2022-35951 and CVE-2022-31144: XAUTOCLAIM counts, and a pending
    // list whose entries were deleted.
    &["XADD", "st", "1-1", "f", "v"],
    &["XADD", "st", "1-2", "f", "v"],
    &["XADD", "st", "1-3", "f", "v"],
    &["XGROUP", "CREATE", "st", "g", "0"],
    &["XREADGROUP", "GROUP", "g", "c", "STREAMS", "st", ">"],
    &["XDEL", "st", "1-1", "1-2"],
    &[
        "XAUTOCLAIM",
        "st",
        "g",
        "c2",
        "0",
        "0",
        "COUNT",
        "9223372036854775807",
    ],
    &["XAUTOCLAIM", "st", "g", "c2", "0", "0", "COUNT", "0"],
    &["XAUTOCLAIM", "st", "g", "c2", "0", "0", "COUNT", "1"],
    &[
        "XAUTOCLAIM",
        "st",
        "g",
        "c2",
        "0",
        "0",
        "COUNT",
        "1",
        "JUSTID",
    ],
    &["XPENDING", "st", "g"],
    // CVE-2021-32761: BITFIELD offsets at the size limit.
    &["BITFIELD", "bf", "SET", "u8", "4294967296", "1"],
    &["BITFIELD", "bf", "SET", "i64", "#67108864", "1"],
    &["BITFIELD", "bf", "GET", "u8", "#9223372036854775807"],
    &[
        "BITFIELD",
        "bf",
        "INCRBY",
        "u8",
        "#2305843009213693952",
        "1",
    ],
    &["SETBIT", "bf", "4294967296", "1"],
    &["EXISTS", "bf"],
    // CVE-2021-32687: a huge set-max-intset-entries.
    &["CONFIG", "SET", "set-max-intset-entries", "2147483648"],
    &["SADD", "ints", "1", "2", "3"],
    &["OBJECT", "ENCODING", "ints"],
    &["CONFIG", "SET", "set-max-intset-entries", "512"],
    &["PING"],
];

#[test]
fn advisories_requests_get_fixed_redis_replies() {
    compare(SCRIPT, false);
    compare(SCRIPT, true);
}

/// CVE-2021-29477: LCS's table of (a+1)*(b+1) cells overflowed a size. Two
/// 30,000-byte strings need 3.6 GB: refused, as in Redis, not attempted.
#[test]
fn lcs_of_long_strings_is_refused() {
    let a = "a".repeat(30_000);
    let b = "b".repeat(30_000);
    let script: &[&[&str]] = &[
        &["SET", "a", &a],
        &["SET", "b", &b],
        &["LCS", "a", "b"],
        &["PING"],
    ];
    compare(script, false);
}

/// CVE-2021-32675: unauthenticated clients could make the server allocate
/// what their multibulk and bulk headers claim. With a password set, such a
/// header is refused and the connection closed, as Redis does.
#[test]
fn unauthenticated_huge_headers_are_refused() {
    let requests: [&[u8]; 3] = [
        b"*1048576\r\n",
        b"*1\r\n$1073741824\r\n",
        b"*2\r\n$4\r\nAUTH\r\n$536870912\r\n",
    ];
    let run = |port: u16| -> Vec<Vec<u8>> {
        requests
            .iter()
            .map(|request| {
                let mut raw = Raw::connect(port);
                raw.send(request);
                let reply = raw.read_raw();
                assert!(raw.is_closed(), "the connection stays open after {reply:?}");
                reply
            })
            .collect()
    };
    let args = ["--requirepass", "secret"];
    let kv = TestServer::start(&args);
    let got = run(kv.port);
    if let Some(redis) = TestServer::start_redis(&args) {
        assert_eq!(got, run(redis.port));
    }
    compare_with(&[&["AUTH", "secret"], &["PING"]], false, &args);
}

/// CVE-2021-41099: with proto-max-bulk-len raised, a claimed bulk length
/// overflowed Redis's buffer arithmetic. kv allocates nothing in proportion
/// to a claim: a client that announces 4 GB and stops leaves the server
/// answering everyone else.
#[test]
fn a_huge_claimed_bulk_allocates_nothing_up_front() {
    let kv = TestServer::start(&["--proto-max-bulk-len", "8589934592"]);
    let mut greedy = Raw::connect(kv.port);
    greedy.send(b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$4294967296\r\nabc");
    let mut other = kv.raw();
    assert_eq!(other.call(&["PING"]), b"+PONG\r\n");
    let info = String::from_utf8(other.call(&["INFO", "memory"])).expect("text");
    let used: u64 = info
        .lines()
        .find_map(|l| l.strip_prefix("used_memory:"))
        .and_then(|v| v.trim().parse().ok())
        .expect("used_memory");
    assert!(used < 64 << 20, "used_memory {used} after a 4 GB claim");
}

/// CVE-2022-36021: a pattern of many stars against a long name made
/// Redis's matcher backtrack exponentially. kv's KEYS, SCAN MATCH and the
/// other glob users answer at once, with Redis's result.
#[test]
fn crafted_glob_patterns_do_not_hang() {
    let key = "a".repeat(200);
    let pattern = format!("{}b", "*a".repeat(60));
    let script: &[&[&str]] = &[
        &["SET", &key, "v"],
        &["KEYS", &pattern],
        &["SCAN", "0", "MATCH", &pattern],
        &["KEYS", "*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*"],
    ];
    let kv = TestServer::start(&[]);
    let mut raw = kv.raw();
    let started = Instant::now();
    for request in script {
        raw.call(request);
    }
    // Exponential backtracking would take years; a linear matcher, microseconds.
    assert!(started.elapsed() < Duration::from_secs(5));
    compare(script, false);
}

/// CVE-2025-32023: a sparse HyperLogLog whose runs cover more registers than
/// exist made Redis write out of bounds. kv answers as a fixed Redis does:
/// counting, merging and reading it say it is corrupt (PFADD edits the first
/// run in place, as Redis's does, and the value stays corrupt).
fn oversized_sparse_hll(port: u16) -> Vec<Vec<u8>> {
    let mut hll = b"HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80".to_vec();
    // Three XZERO opcodes of 16,384 registers each: three times too many.
    for _ in 0..3 {
        hll.extend_from_slice(&[0x7f, 0xff]);
    }
    let mut raw = Raw::connect(port);
    raw.cmd(&[b"SET", b"h", &hll]);
    let mut t = vec![raw.read_raw()];
    for request in [
        &["PFCOUNT", "h"][..],
        &["PFADD", "h", "x", "y", "z"],
        &["PFCOUNT", "h"],
        &["PFMERGE", "d", "h"],
        &["PFCOUNT", "h", "d"],
        &["PFDEBUG", "GETREG", "h"],
        &["STRLEN", "h"],
        &["PING"],
    ] {
        t.push(raw.call(request));
    }
    t
}

#[test]
fn sparse_hll_with_oversized_runs_is_invalid() {
    let t = on_both(oversized_sparse_hll);
    assert!(t[1].starts_with(b"-INVALIDOBJ"));
    assert!(t[3].starts_with(b"-INVALIDOBJ"));
}
