//! Side-by-side with Redis 7.0 for the set family (t_set.c): every command and
//! option, errors and their order against the type check and the key lookup,
//! missing keys, integer edge cases, destinations of any type, TTLs, and
//! intset → hashtable conversions (made cheap with `set-max-intset-entries`),
//! including the encoding a *STORE or SPOP leaves behind, in RESP2 and RESP3.
//!
//! Only deterministic requests are compared byte for byte. Redis walks an
//! intset in ascending order, so results held in an intset (and SINTER walking
//! an intset) have a fixed order; hashtable sets are checked with order-free
//! commands (SCARD, SISMEMBER, SMISMEMBER, one-member replies, SSCAN covering
//! the whole table filtered to one member). Random commands (SPOP, SRANDMEMBER)
//! are compared where the answer is forced; elsewhere only the reply's first
//! line — its type and length — must match, and what remains is checked after.

use crate::harness::{Raw, TestServer, show};
use crate::oracle::compare;

const WRONGTYPE_KEY: &str = "str";

const SET_SCRIPT: &[&[&str]] = &[
    // Basics on an intset.
    &["SADD", "s", "3", "1", "2"],
    &["SADD", "s", "2", "4"],
    &["SADD", "s"],
    &["SCARD", "s"],
    &["SCARD", "nosuch"],
    &["SCARD"],
    &["SMEMBERS", "s"],
    &["SMEMBERS", "nosuch"],
    &["SMEMBERS", "s", "x"],
    &["SISMEMBER", "s", "1"],
    &["SISMEMBER", "s", "5"],
    &["SISMEMBER", "s", "01"],
    &["SISMEMBER", "nosuch", "1"],
    &["SISMEMBER", "s"],
    &["SMISMEMBER", "s", "1", "5", "4", "01", "1"],
    &["SMISMEMBER", "nosuch", "a", "b"],
    &["SMISMEMBER", "s"],
    &["TYPE", "s"],
    &["OBJECT", "ENCODING", "s"],
    // Integer edges: canonical i64 only.
    &[
        "SADD",
        "edges",
        "9223372036854775807",
        "-9223372036854775808",
        "0",
        "-1",
    ],
    &["OBJECT", "ENCODING", "edges"],
    &["SMEMBERS", "edges"],
    &["SADD", "edges", "9223372036854775808"],
    &["OBJECT", "ENCODING", "edges"],
    &["SISMEMBER", "edges", "9223372036854775808"],
    &["SISMEMBER", "edges", "9223372036854775807"],
    &["SISMEMBER", "edges", "-0"],
    &["SCARD", "edges"],
    &["SADD", "nc1", "-0"],
    &["OBJECT", "ENCODING", "nc1"],
    &["SADD", "nc2", "+1"],
    &["OBJECT", "ENCODING", "nc2"],
    &["SADD", "nc3", " 1"],
    &["OBJECT", "ENCODING", "nc3"],
    &["SADD", "nc4", "1", "01"],
    &["OBJECT", "ENCODING", "nc4"],
    &["SISMEMBER", "nc4", "1"],
    &["SISMEMBER", "nc4", "01"],
    &["SREM", "nc4", "01"],
    &["OBJECT", "ENCODING", "nc4"],
    &["SMEMBERS", "nc4"],
    // Strings: a hashtable from the first member; one member is ordered.
    &["SADD", "w", "hello"],
    &["OBJECT", "ENCODING", "w"],
    &["SMEMBERS", "w"],
    &["SADD", "w", "", "a b", "hello"],
    &["SCARD", "w"],
    &["SISMEMBER", "w", ""],
    &["SMISMEMBER", "w", "a b", "a", ""],
    // SREM, down to deleting the key.
    &["SREM", "s", "1", "9"],
    &["SREM", "s", "01"],
    &["SREM", "nosuch", "a"],
    &["SREM", "s"],
    &["SREM", "s", "2", "3", "4", "2"],
    &["EXISTS", "s"],
    &["SREM", "w", "hello", "", "a b"],
    &["EXISTS", "w"],
    // Every command against a key of another type.
    &["SET", WRONGTYPE_KEY, "v"],
    &["SADD", WRONGTYPE_KEY, "a"],
    &["SREM", WRONGTYPE_KEY, "a"],
    &["SISMEMBER", WRONGTYPE_KEY, "a"],
    &["SMISMEMBER", WRONGTYPE_KEY, "a"],
    &["SCARD", WRONGTYPE_KEY],
    &["SMEMBERS", WRONGTYPE_KEY],
    &["SRANDMEMBER", WRONGTYPE_KEY],
    &["SRANDMEMBER", WRONGTYPE_KEY, "2"],
    &["SRANDMEMBER", WRONGTYPE_KEY, "0"],
    &["SRANDMEMBER", WRONGTYPE_KEY, "x"],
    &["SPOP", WRONGTYPE_KEY],
    &["SPOP", WRONGTYPE_KEY, "2"],
    &["SPOP", WRONGTYPE_KEY, "0"],
    &["SPOP", WRONGTYPE_KEY, "-1"],
    &["SINTER", WRONGTYPE_KEY],
    &["SUNION", WRONGTYPE_KEY],
    &["SDIFF", WRONGTYPE_KEY],
    &["SINTERCARD", "1", WRONGTYPE_KEY],
    &["SSCAN", WRONGTYPE_KEY, "0"],
    &["SSCAN", WRONGTYPE_KEY, "0", "COUNT", "0"],
    &["SSCAN", WRONGTYPE_KEY, "x"],
    &["GET", WRONGTYPE_KEY],
    // Encoding conversions by count, and a table never shrinks back.
    &["CONFIG", "SET", "set-max-intset-entries", "4"],
    &["SADD", "c", "1", "2", "3", "4"],
    &["OBJECT", "ENCODING", "c"],
    &["SADD", "c", "5"],
    &["OBJECT", "ENCODING", "c"],
    &["SREM", "c", "5"],
    &["OBJECT", "ENCODING", "c"],
    &["SCARD", "c"],
    &["SADD", "c6", "1", "2", "3", "4", "5"],
    &["OBJECT", "ENCODING", "c6"],
    &["CONFIG", "SET", "set-max-intset-entries", "0"],
    &["SADD", "z", "1"],
    &["OBJECT", "ENCODING", "z"],
    &["CONFIG", "SET", "set-max-intset-entries", "512"],
    // SINTER / SUNION / SDIFF on intsets: ascending.
    &["SADD", "a", "1", "2", "3", "4", "5"],
    &["SADD", "b", "4", "5", "6", "7"],
    &["SADD", "c3", "5", "7", "9"],
    &["SINTER", "a", "b"],
    &["SINTER", "a", "b", "c3"],
    &["SINTER", "b", "a"],
    &["SINTER", "a"],
    &["SINTER", "a", "a"],
    &["SINTER", "a", "nosuch"],
    &["SINTER", "nosuch", "a"],
    &["SINTER", "a", WRONGTYPE_KEY],
    &["SINTER", "nosuch", WRONGTYPE_KEY],
    &["SINTER", WRONGTYPE_KEY, "nosuch"],
    &["SINTER"],
    &["SUNION", "a", "b", "c3"],
    &["SUNION", "nosuch"],
    &["SUNION", "a", "nosuch", "b"],
    &["SUNION", "a", WRONGTYPE_KEY],
    &["SUNION", "nosuch", WRONGTYPE_KEY],
    &["SUNION"],
    &["SDIFF", "a", "b"],
    &["SDIFF", "a", "b", "c3"],
    &["SDIFF", "b", "a"],
    &["SDIFF", "a", "a"],
    &["SDIFF", "a", "b", "a"],
    &["SDIFF", "a", "nosuch"],
    &["SDIFF", "nosuch", "a"],
    &["SDIFF", "a"],
    &["SDIFF", "a", WRONGTYPE_KEY],
    &["SDIFF", "nosuch", WRONGTYPE_KEY],
    &["SDIFF"],
    // SINTERCARD: numkeys, LIMIT and their errors.
    &["SINTERCARD", "1", "a"],
    &["SINTERCARD", "2", "a", "b"],
    &["SINTERCARD", "3", "a", "b", "c3"],
    &["SINTERCARD", "2", "a", "nosuch"],
    &["SINTERCARD", "2", "a", "a"],
    &["SINTERCARD", "2", "a", "b", "LIMIT", "1"],
    &["SINTERCARD", "2", "a", "b", "limit", "0"],
    &["SINTERCARD", "2", "a", "b", "LIMIT", "100"],
    &["SINTERCARD", "1", "a", "LIMIT", "1", "LIMIT", "3"],
    &["SINTERCARD", "2", "nosuch", WRONGTYPE_KEY],
    &["SINTERCARD", "2", "nosuch", "a", "LIMIT", "-1"],
    &["SINTERCARD", "0", "a"],
    &["SINTERCARD", "-1", "a"],
    &["SINTERCARD", "x", "a"],
    &["SINTERCARD", "1.5", "a"],
    &["SINTERCARD", "9223372036854775808", "a"],
    &["SINTERCARD", "3", "a", "b"],
    &["SINTERCARD", "1", "a", "LIMIT"],
    &["SINTERCARD", "1", "a", "LIMIT", "-1"],
    &["SINTERCARD", "1", "a", "LIMIT", "x"],
    &["SINTERCARD", "1", "a", "b"],
    &["SINTERCARD", "1", "a", "NOSUCH", "1"],
    &["SINTERCARD", "1"],
    // *STORE: replace any type, clear the TTL, delete on empty results.
    &["SINTERSTORE", "d", "a", "b"],
    &["SMEMBERS", "d"],
    &["OBJECT", "ENCODING", "d"],
    &["SINTERSTORE", "d", "a", "nosuch"],
    &["EXISTS", "d"],
    &["SINTERSTORE", "d", "nosuch"],
    &["SET", "d", "x"],
    &["SINTERSTORE", "d", "a", "b"],
    &["TYPE", "d"],
    &["EXPIRE", "d", "100"],
    &["SUNIONSTORE", "d", "a", "b"],
    &["TTL", "d"],
    &["SMEMBERS", "d"],
    &["SUNIONSTORE", "d", "a", "b", "c3", "nosuch"],
    &["SMEMBERS", "d"],
    &["SDIFFSTORE", "d", "a", "b", "c3"],
    &["SMEMBERS", "d"],
    &["SDIFFSTORE", "d", "a", "a"],
    &["EXISTS", "d"],
    &["SET", "d", "x"],
    &["SUNIONSTORE", "d", "nosuch"],
    &["EXISTS", "d"],
    &["SET", "d", "x"],
    &["SDIFFSTORE", "d", "nosuch", "a"],
    &["EXISTS", "d"],
    &["SET", "d", "x"],
    &["SINTERSTORE", "d", "a", WRONGTYPE_KEY],
    &["SUNIONSTORE", "d", "a", WRONGTYPE_KEY],
    &["SDIFFSTORE", "d", WRONGTYPE_KEY],
    &["GET", "d"],
    &["SINTERSTORE", "d"],
    &["SUNIONSTORE", "d"],
    &["SDIFFSTORE", "d"],
    &["SADD", "u", "10", "20"],
    &["SUNIONSTORE", "u", "u", "a"],
    &["SMEMBERS", "u"],
    &["SDIFFSTORE", "u", "u", "b"],
    &["SMEMBERS", "u"],
    &["SINTERSTORE", "u", "u", "c3"],
    &["SMEMBERS", "u"],
    &["SDIFFSTORE", "u", "a", "a", "u"],
    &["EXISTS", "u"],
    // Hashtable sources with integer results: the result is an intset.
    &["SADD", "hm", "x", "1", "2", "3"],
    &["SADD", "hi", "2", "3", "4"],
    &["SINTER", "hm", "hi"],
    &["SINTERSTORE", "d", "hm", "hi"],
    &["OBJECT", "ENCODING", "d"],
    &["SDIFF", "nosuch", "hm"],
    &["SADD", "w2", "x"],
    &["SDIFF", "hm", "w2"],
    &["SDIFFSTORE", "d", "hm", "w2"],
    &["OBJECT", "ENCODING", "d"],
    &["SUNIONSTORE", "d", "hm", "hi"],
    &["OBJECT", "ENCODING", "d"],
    &["SCARD", "d"],
    &["SMISMEMBER", "d", "x", "1", "2", "3", "4", "5"],
    &["SINTERCARD", "2", "hm", "hi"],
    &["SINTERCARD", "2", "hm", "d", "LIMIT", "2"],
    // Destination encodings at the limit, SDIFF's two algorithms included.
    &["CONFIG", "SET", "set-max-intset-entries", "4"],
    &["SADD", "big", "1", "2", "3", "4", "5", "6"],
    &["SADD", "x1", "1"],
    &["SADD", "x2", "2"],
    &["SADD", "x3", "3"],
    &["SADD", "x12", "1", "2"],
    &["SDIFFSTORE", "d", "big", "x12"],
    &["OBJECT", "ENCODING", "d"],
    &["SMEMBERS", "d"],
    &["SDIFFSTORE", "d", "big", "x1", "x2", "x3"],
    &["OBJECT", "ENCODING", "d"],
    &["SCARD", "d"],
    &["SMISMEMBER", "d", "3", "4", "5", "6"],
    &["SINTERSTORE", "d", "big", "big"],
    &["OBJECT", "ENCODING", "d"],
    &["SUNIONSTORE", "d", "x1", "x2", "x3", "x12"],
    &["OBJECT", "ENCODING", "d"],
    &["SMEMBERS", "d"],
    &["SUNIONSTORE", "d", "x12", "big"],
    &["OBJECT", "ENCODING", "d"],
    &["CONFIG", "SET", "set-max-intset-entries", "512"],
    // SMOVE.
    &["SADD", "m1", "1", "2", "x"],
    &["SMOVE", "m1", "m2", "1"],
    &["OBJECT", "ENCODING", "m2"],
    &["SMEMBERS", "m2"],
    &["SMOVE", "m1", "m2", "x"],
    &["OBJECT", "ENCODING", "m2"],
    &["SMOVE", "m1", "m2", "nope"],
    &["SMOVE", "nosuch", "m2", "1"],
    &["SMOVE", "nosuch", WRONGTYPE_KEY, "1"],
    &["SMOVE", "m1", WRONGTYPE_KEY, "2"],
    &["SMOVE", WRONGTYPE_KEY, "m1", "2"],
    &["SMOVE", "m1", "m1", "2"],
    &["SMOVE", "m1", "m1", "9"],
    &["SADD", "m3", "2"],
    &["SMOVE", "m1", "m3", "2"],
    &["EXISTS", "m1"],
    &["SMEMBERS", "m3"],
    &["SMOVE", "m1", "m3", "2"],
    &["EXPIRE", "m3", "100"],
    &["SMOVE", "m2", "m3", "1"],
    &["TTL", "m3"],
    &["SMOVE", "m2", "m3"],
    // SRANDMEMBER where the answer is forced.
    &["SADD", "r", "5", "3", "1"],
    &["SRANDMEMBER", "r", "3"],
    &["SRANDMEMBER", "r", "10"],
    &["SRANDMEMBER", "r", "9223372036854775807"],
    &["SRANDMEMBER", "r", "0"],
    &["SRANDMEMBER", "r", "x"],
    &["SRANDMEMBER", "r", "1.0"],
    &["SRANDMEMBER", "r", "-9223372036854775808"],
    &["SRANDMEMBER", "r", "9223372036854775808"],
    &["SRANDMEMBER", "r", "1", "2"],
    &["SRANDMEMBER", "nosuch"],
    &["SRANDMEMBER", "nosuch", "3"],
    &["SRANDMEMBER", "nosuch", "-3"],
    &["SRANDMEMBER", "nosuch", "0"],
    &["SRANDMEMBER", "nosuch", "x"],
    &["SRANDMEMBER", "nosuch", "-9223372036854775808"],
    &["SADD", "one", "only"],
    &["SRANDMEMBER", "one"],
    &["SRANDMEMBER", "one", "1"],
    &["SRANDMEMBER", "one", "-3"],
    &["SRANDMEMBER", "one", "5"],
    &["SADD", "onei", "7"],
    &["SRANDMEMBER", "onei", "-2"],
    &["SRANDMEMBER", "onei"],
    &["SRANDMEMBER"],
    // SPOP where the answer is forced.
    &["SPOP", "nosuch"],
    &["SPOP", "nosuch", "2"],
    &["SPOP", "nosuch", "0"],
    &["SPOP", "nosuch", "-1"],
    &["SPOP", "nosuch", "x"],
    &["SPOP", "r", "1", "2"],
    &["SPOP", "r", "-1"],
    &["SPOP", "r", "x"],
    &["SPOP", "r", "9223372036854775808"],
    &["SPOP", "r", "0"],
    &["SCARD", "r"],
    &["SPOP", "onei"],
    &["EXISTS", "onei"],
    &["SPOP", "one", "1"],
    &["EXISTS", "one"],
    &["SADD", "p2", "4", "2", "9"],
    &["EXPIRE", "p2", "100"],
    &["SPOP", "p2", "3"],
    &["EXISTS", "p2"],
    &["SADD", "p3", "1", "2", "3"],
    &["SPOP", "p3", "9223372036854775807"],
    &["EXISTS", "p3"],
    &["SADD", "p4", "word"],
    &["SPOP", "p4", "5"],
    &["SPOP"],
    // SSCAN: an intset answers whole, at any cursor.
    &["SADD", "sc", "1", "2", "3", "10", "20", "100"],
    &["SSCAN", "sc", "0"],
    &["SSCAN", "sc", "0", "MATCH", "1*"],
    &["SSCAN", "sc", "0", "match", "*0", "count", "1"],
    &["SSCAN", "sc", "0", "MATCH", "*", "COUNT", "2"],
    &["SSCAN", "sc", "0", "MATCH", "[12]", "MATCH", "2*"],
    &["SSCAN", "sc", "0", "COUNT", "1", "COUNT", "100"],
    &["SSCAN", "sc", "5"],
    &["SSCAN", "sc", "-1"],
    &["SSCAN", "sc", ""],
    &["SSCAN", "sc", "+0"],
    &["SSCAN", "sc", "18446744073709551615"],
    &["SSCAN", "sc", "18446744073709551616"],
    &["SSCAN", "sc", "-18446744073709551616"],
    &["SSCAN", "sc", "x"],
    &["SSCAN", "sc", "-"],
    &["SSCAN", "sc", " 1"],
    &["SSCAN", "sc", "1 "],
    &["SSCAN", "sc", "0", "COUNT", "0"],
    &["SSCAN", "sc", "0", "COUNT", "-1"],
    &["SSCAN", "sc", "0", "COUNT", "x"],
    &["SSCAN", "sc", "0", "COUNT"],
    &["SSCAN", "sc", "0", "MATCH"],
    &["SSCAN", "sc", "0", "TYPE", "set"],
    &["SSCAN", "sc", "0", "NOSUCH", "x"],
    &["SSCAN", "sc", "x", "COUNT", "0"],
    &["SSCAN", "nosuch", "0"],
    &["SSCAN", "nosuch", "0", "COUNT", "0"],
    &["SSCAN", "nosuch", "0", "TYPE", "x"],
    &["SSCAN", "nosuch", "x"],
    &["SSCAN", "sc"],
    // A hashtable, walked whole in one call and filtered to one member.
    &["SADD", "hs", "a", "b", "c", "d", "e", "1"],
    &["SSCAN", "hs", "0", "MATCH", "a", "COUNT", "1000"],
    &["SSCAN", "hs", "0", "MATCH", "1", "COUNT", "1000"],
    &["SSCAN", "hs", "0", "MATCH", "zz", "COUNT", "1000"],
    &["SADD", "hs1", "solo"],
    &["SSCAN", "hs1", "0", "COUNT", "1000"],
    // Table entries.
    &[
        "COMMAND",
        "INFO",
        "sadd",
        "srem",
        "sismember",
        "smismember",
        "scard",
        "smembers",
        "srandmember",
        "spop",
        "smove",
        "sinter",
        "sunion",
        "sdiff",
        "sscan",
    ],
    &["COMMAND", "GETKEYS", "sinterstore", "d", "a", "b"],
    &["COMMAND", "GETKEYS", "sunion", "a", "b", "c"],
    &["COMMAND", "GETKEYS", "smove", "a", "b", "m"],
    &["COMMAND", "GETKEYSANDFLAGS", "smove", "a", "b", "m"],
    &["COMMAND", "GETKEYSANDFLAGS", "sdiffstore", "d", "a"],
    &["COMMAND", "GETKEYSANDFLAGS", "sadd", "k", "m"],
];

#[test]
fn set_replies_match_redis_resp2() {
    compare(SET_SCRIPT, false);
}

#[test]
fn set_replies_match_redis_resp3() {
    compare(SET_SCRIPT, true);
}

/// Random answers: a request marked `?` only has to agree on its first line
/// (the reply's type and length); the requests after it check what is left.
const RANDOM_SCRIPT: &[&[&str]] = &[
    &["SADD", "r", "1", "2", "3", "4", "5"],
    &["?", "SRANDMEMBER", "r"],
    &["?", "SRANDMEMBER", "r", "2"],
    &["?", "SRANDMEMBER", "r", "4"],
    &["?", "SRANDMEMBER", "r", "-7"],
    &["?", "SRANDMEMBER", "r", "1"],
    &["SCARD", "r"],
    &["?", "SPOP", "r"],
    &["SCARD", "r"],
    &["?", "SPOP", "r", "1"],
    &["?", "SPOP", "r", "2"],
    &["SCARD", "r"],
    &["?", "SPOP", "r"],
    &["EXISTS", "r"],
    // SPOP leaving few members rebuilds the set: a table of few integers
    // becomes an intset; popping one by one keeps the table.
    &["CONFIG", "SET", "set-max-intset-entries", "4"],
    &["SADD", "h", "1", "2", "3", "4", "5", "6"],
    &["EXPIRE", "h", "100"],
    &["OBJECT", "ENCODING", "h"],
    &["?", "SPOP", "h", "5"],
    &["OBJECT", "ENCODING", "h"],
    &["SCARD", "h"],
    &["TTL", "h"],
    &[
        "SADD", "g", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10",
    ],
    &["?", "SPOP", "g", "7"],
    &["OBJECT", "ENCODING", "g"],
    &["SCARD", "g"],
    &["SADD", "t", "a", "b", "c", "d", "e", "f"],
    &["?", "SPOP", "t", "5"],
    &["OBJECT", "ENCODING", "t"],
    &["?", "SPOP", "t", "1"],
    &["EXISTS", "t"],
    &["CONFIG", "SET", "set-max-intset-entries", "512"],
    &[
        "SADD", "i", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10",
    ],
    &["?", "SPOP", "i", "9"],
    &["?", "SPOP", "i", "3"],
    &["EXISTS", "i"],
];

fn first_line(reply: &[u8]) -> &[u8] {
    let end = reply
        .windows(2)
        .position(|w| w == b"\r\n")
        .unwrap_or(reply.len());
    &reply[..end]
}

fn compare_random(script: &[&[&str]], resp3: bool) {
    let Some(redis) = TestServer::start_redis(&[]) else {
        eprintln!("redis-server not installed: oracle comparison skipped");
        return;
    };
    let kv = TestServer::start(&[]);
    let mut want = Raw::connect(redis.port);
    let mut got = Raw::connect(kv.port);
    if resp3 {
        want.call(&["HELLO", "3"]);
        got.call(&["HELLO", "3"]);
    }
    let mut failures = Vec::new();
    for args in script {
        let (shape_only, args) = match args.split_first() {
            Some((&"?", rest)) => (true, rest),
            _ => (false, *args),
        };
        let a = want.call(args);
        let b = got.call(args);
        let same = if shape_only {
            first_line(&a) == first_line(&b)
        } else {
            a == b
        };
        if !same {
            failures.push(format!(
                "{args:?}\n  redis: {}\n  kv:    {}",
                show(&a),
                show(&b)
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} differences:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn random_set_replies_match_redis_in_shape() {
    compare_random(RANDOM_SCRIPT, false);
    compare_random(RANDOM_SCRIPT, true);
}
