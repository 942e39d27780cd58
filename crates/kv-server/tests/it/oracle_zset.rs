//! The sorted-set family side by side with real Redis 7.0: byte-identical
//! replies in RESP2 and RESP3 for every command, option and error, on both
//! encodings (the listpack and skiplist thresholds are lowered to cross them),
//! and blocking scenarios (BZPOPMIN, BZPOPMAX, BZMPOP) over raw connections.
//!
//! Replies that Redis leaves to chance (random members, hash-table scan order)
//! are only compared where they are deterministic: whole-set ZRANDMEMBER, one
//! member repeated, ZSCAN of a listpack.

use crate::blocking::{on_both, silent_for, wait_blocked};
use crate::harness::Raw;
use crate::oracle::{compare, compare_with};

/// Adding, updating and scoring: ZADD's options and every error, ZINCRBY,
/// score syntax (what strtod accepts), reply formatting (%.17g).
const ADD_SCRIPT: &[&[&str]] = &[
    &["SET", "str", "v"],
    &["ZADD", "str", "1", "a"],
    &["ZADD", "str", "x", "a"],
    &["ZADD", "z", "1"],
    &["ZADD", "z", "1", "a", "2"],
    &["ZADD", "z", "NX", "XX", "1"],
    &["ZADD", "z", "NX", "XX", "1", "a"],
    &["ZADD", "z", "GT", "LT", "1", "a"],
    &["ZADD", "z", "NX", "GT", "1", "a"],
    &["ZADD", "z", "NX", "LT", "1", "a"],
    &["ZADD", "z", "INCR", "1", "a", "2", "b"],
    &["ZADD", "z", "nan", "a"],
    &["ZADD", "z", "1", "a", "x", "b"],
    &["ZADD", "z", "1e400", "a"],
    &["ZADD", "z", " 1", "a"],
    &["ZADD", "z", "1 ", "a"],
    &["ZADD", "z", "", "a"],
    &["ZADD", "z", "1\u{0}", "a"],
    &["ZADD", "z", "XX", "1", "a"],
    &["EXISTS", "z"],
    &["ZADD", "z", "XX", "INCR", "1", "a"],
    &["ZADD", "z", "1", "a", "2", "b", "1", "a"],
    &["ZADD", "z", "CH", "5", "a", "2", "b", "3", "c"],
    &["ZADD", "z", "gt", "ch", "1", "a", "9", "b", "0", "d"],
    &["ZADD", "z", "lt", "ch", "10", "a", "1", "b"],
    &["ZADD", "z", "CH", "CH", "1", "a"],
    &["ZADD", "z", "NX", "INCR", "1", "a"],
    &["ZADD", "z", "NX", "INCR", "1", "new"],
    &["ZADD", "z", "XX", "INCR", "1", "missing"],
    &["ZADD", "z", "GT", "INCR", "-1", "a"],
    &["ZADD", "z", "LT", "INCR", "-1", "a"],
    &["ZADD", "z", "GT", "INCR", "5", "fresh"],
    &["ZADD", "z", "INCR", "0", "a"],
    &["ZADD", "z", "INCR", "inf", "a"],
    &["ZADD", "z", "INCR", "-inf", "a"],
    &["ZADD", "z", "INCR", "+inf", "a"],
    &["ZRANGE", "z", "0", "-1", "WITHSCORES"],
    &["ZINCRBY", "z", "1.1", "n"],
    &["ZINCRBY", "z", "abc", "n"],
    &["ZINCRBY", "z", "-inf", "n2"],
    &["ZINCRBY", "str", "1", "a"],
    &["ZINCRBY", "z", "1"],
    &["ZADD", "z", "-0", "negz"],
    &["ZSCORE", "z", "negz"],
    &["ZADD", "z", "INCR", "-0", "negz2"],
    &["ZSCORE", "z", "negz2"],
    &["ZADD", "z", "0x10", "hex"],
    &["ZADD", "z", "0X1.8P1", "hexf"],
    &["ZADD", "z", "Infinity", "infw"],
    &["ZADD", "z", "4.9e-324", "tiny"],
    &["ZADD", "z", ".5", "half"],
    &["ZADD", "z", "5.", "five"],
    &["ZADD", "z", "1e20", "e20"],
    &["ZADD", "z", "123456789.123", "f"],
    &["ZADD", "z", "0.1", "tenth"],
    &["ZADD", "z", "-1e-5", "neg"],
    &["ZADD", "z", "4503599627370497", "big"],
    &["ZRANGE", "z", "0", "-1", "WITHSCORES"],
    &[
        "ZMSCORE", "z", "hex", "hexf", "nope", "tiny", "tenth", "e20",
    ],
    &["ZSCORE", "z", "nope"],
    &["ZSCORE", "nokey", "a"],
    &["ZMSCORE", "nokey", "a", "b"],
    &["ZMSCORE", "str", "a"],
    &["ZSCORE", "str", "a"],
    &["ZCARD", "z"],
    &["ZCARD", "nokey"],
    &["ZCARD", "str"],
    &["TYPE", "z"],
    &["OBJECT", "ENCODING", "z"],
];

/// Ranks, counts, the ZRANGE family with every option combination and error.
const RANGE_SCRIPT: &[&[&str]] = &[
    &[
        "ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e",
    ],
    &[
        "ZADD", "lex", "0", "a", "0", "b", "0", "c", "0", "d", "0", "e",
    ],
    &["SET", "str", "v"],
    &["ZRANK", "z", "c"],
    &["ZRANK", "z", "x"],
    &["ZREVRANK", "z", "c"],
    &["ZREVRANK", "z", "a"],
    &["ZRANK", "nokey", "c"],
    &["ZRANK", "str", "c"],
    &["ZRANK", "z", "c", "WITHSCORE"],
    &["ZCOUNT", "z", "(1", "3"],
    &["ZCOUNT", "z", "-inf", "+inf"],
    &["ZCOUNT", "z", "3", "1"],
    &["ZCOUNT", "z", "(3", "(3"],
    &["ZCOUNT", "z", "a", "b"],
    &["ZCOUNT", "nokey", "a", "b"],
    &["ZCOUNT", "nokey", "0", "1"],
    &["ZCOUNT", "z", "( 1", "1e400"],
    &["ZCOUNT", "z", "", "("],
    &["ZCOUNT", "z", "((1", "2"],
    &["ZCOUNT", "z", "[1", "2"],
    &["ZCOUNT", "z", "(nan", "2"],
    &["ZCOUNT", "str", "0", "1"],
    &["ZLEXCOUNT", "lex", "-", "+"],
    &["ZLEXCOUNT", "lex", "[b", "(d"],
    &["ZLEXCOUNT", "lex", "(a", "[a"],
    &["ZLEXCOUNT", "lex", "+", "-"],
    &["ZLEXCOUNT", "lex", "a", "+"],
    &["ZLEXCOUNT", "lex", "-x", "+"],
    &["ZLEXCOUNT", "lex", "[", "("],
    &["ZLEXCOUNT", "nokey", "-", "+"],
    &["ZLEXCOUNT", "str", "-", "+"],
    &["ZRANGE", "z", "0", "-1"],
    &["ZRANGE", "z", "0", "-1", "WITHSCORES"],
    &["ZRANGE", "z", "-2", "-1"],
    &["ZRANGE", "z", "-100", "100"],
    &["ZRANGE", "z", "3", "1"],
    &["ZRANGE", "z", "10", "20"],
    &["ZRANGE", "z", "-9223372036854775808", "9223372036854775807"],
    &["ZRANGE", "z", "0", "-1", "REV"],
    &["ZRANGE", "z", "0", "1", "REV", "WITHSCORES"],
    &["ZRANGE", "z", "0", "-1", "LIMIT", "0", "1"],
    &["ZRANGE", "z", "0", "0", "LIMIT", "5", "-1"],
    &["ZRANGE", "z", "a", "b", "LIMIT", "0", "1"],
    &["ZRANGE", "z", "0", "-1", "LIMIT", "0"],
    &["ZRANGE", "z", "0", "-1", "LIMIT", "x", "1"],
    &["ZRANGE", "z", "0", "-1", "BYSCORE", "LIMIT", "0", "x"],
    &["ZRANGE", "z", "x", "y"],
    &["ZRANGE", "z", "x", "y", "BYSCORE"],
    &["ZRANGE", "z", "x", "y", "BYLEX"],
    &["ZRANGE", "z", "0", "-1", "REV", "REV"],
    &["ZRANGE", "z", "0", "-1", "BYSCORE", "BYLEX"],
    &["ZRANGE", "z", "0", "-1", "BYSCORE", "BYSCORE"],
    &["ZRANGE", "z", "0", "-1", "FOO"],
    &["ZRANGE", "z", "0", "-1", "WITHSCORES", "WITHSCORES"],
    &["ZRANGE", "z", "-", "+", "BYLEX", "WITHSCORES"],
    &[
        "ZRANGE",
        "z",
        "-",
        "+",
        "BYLEX",
        "WITHSCORES",
        "LIMIT",
        "0",
        "1",
    ],
    &["ZRANGE", "z", "(1", "5", "BYSCORE"],
    &["ZRANGE", "z", "(1", "(5", "BYSCORE", "REV"],
    &["ZRANGE", "z", "5", "(1", "BYSCORE", "REV", "WITHSCORES"],
    &[
        "ZRANGE", "z", "+inf", "-inf", "BYSCORE", "REV", "LIMIT", "1", "2",
    ],
    &["ZRANGE", "z", "-inf", "+inf", "BYSCORE", "LIMIT", "-1", "2"],
    &["ZRANGE", "z", "-inf", "+inf", "BYSCORE", "LIMIT", "1", "-1"],
    &["ZRANGE", "z", "-inf", "+inf", "BYSCORE", "LIMIT", "1", "0"],
    &["ZRANGE", "z", "-inf", "+inf", "BYSCORE", "LIMIT", "10", "1"],
    &[
        "ZRANGE",
        "z",
        "-inf",
        "+inf",
        "BYSCORE",
        "LIMIT",
        "4",
        "10",
        "WITHSCORES",
    ],
    &[
        "ZRANGE", "z", "1", "1", "BYSCORE", "LIMIT", "0", "1", "LIMIT", "1", "1",
    ],
    &["ZRANGE", "lex", "[b", "[d", "BYLEX"],
    &["ZRANGE", "lex", "[d", "[b", "BYLEX", "REV"],
    &["ZRANGE", "lex", "-", "+", "BYLEX", "LIMIT", "1", "2"],
    &["ZRANGE", "lex", "+", "-", "BYLEX", "REV", "LIMIT", "1", "2"],
    &["ZRANGE", "lex", "-", "+", "BYLEX", "LIMIT", "-1", "2"],
    &["ZRANGE", "lex", "(a", "(a", "BYLEX"],
    &["ZRANGE", "lex", "+", "-", "BYLEX"],
    &["ZRANGE", "nokey", "0", "-1"],
    &["ZRANGE", "nokey", "a", "b"],
    &["ZRANGE", "str", "0", "-1"],
    &["ZREVRANGE", "z", "0", "-1"],
    &["ZREVRANGE", "z", "0", "1", "WITHSCORES"],
    &["ZREVRANGE", "z", "0", "-1", "REV"],
    &["ZREVRANGE", "z", "0", "-1", "BYSCORE"],
    &["ZREVRANGE", "z", "0", "-1", "LIMIT", "0", "1"],
    &["ZRANGEBYSCORE", "z", "1", "2"],
    &[
        "ZRANGEBYSCORE",
        "z",
        "-inf",
        "+inf",
        "WITHSCORES",
        "LIMIT",
        "1",
        "2",
    ],
    &[
        "ZRANGEBYSCORE",
        "z",
        "1",
        "2",
        "LIMIT",
        "0",
        "1",
        "WITHSCORES",
    ],
    &["ZRANGEBYSCORE", "z", "1", "2", "REV"],
    &["ZRANGEBYSCORE", "z", "1", "2", "BYLEX"],
    &["ZRANGEBYSCORE", "z", "a", "2"],
    &["ZRANGEBYSCORE", "z", "1"],
    &["ZREVRANGEBYSCORE", "z", "2", "1"],
    &["ZREVRANGEBYSCORE", "z", "1", "2"],
    &["ZREVRANGEBYSCORE", "z", "+inf", "(3", "WITHSCORES"],
    &["ZREVRANGEBYSCORE", "z", "+inf", "-inf", "LIMIT", "2", "2"],
    &["ZRANGEBYLEX", "lex", "-", "+"],
    &["ZRANGEBYLEX", "lex", "(b", "+", "LIMIT", "0", "2"],
    &["ZRANGEBYLEX", "lex", "-", "+", "WITHSCORES"],
    &["ZRANGEBYLEX", "lex", "a", "b"],
    &["ZREVRANGEBYLEX", "lex", "+", "-", "LIMIT", "1", "2"],
    &["ZREVRANGEBYLEX", "lex", "[c", "-"],
    &["ZREVRANGEBYLEX", "lex", "-", "+"],
    &["ZRANGESTORE", "d", "z", "0", "-1", "WITHSCORES"],
    &["ZRANGESTORE", "d", "z", "0", "1"],
    &["ZRANGE", "d", "0", "-1", "WITHSCORES"],
    &[
        "ZRANGESTORE",
        "d",
        "z",
        "2",
        "4",
        "BYSCORE",
        "LIMIT",
        "1",
        "5",
    ],
    &["ZRANGE", "d", "0", "-1", "WITHSCORES"],
    &["ZRANGESTORE", "d", "z", "4", "2", "BYSCORE", "REV"],
    &["ZRANGE", "d", "0", "-1", "WITHSCORES"],
    &[
        "ZRANGESTORE",
        "d",
        "lex",
        "[b",
        "+",
        "BYLEX",
        "LIMIT",
        "0",
        "2",
    ],
    &["ZRANGE", "d", "0", "-1"],
    &["ZRANGESTORE", "d", "z", "0", "0", "REV"],
    &["ZRANGE", "d", "0", "-1", "WITHSCORES"],
    &["ZRANGESTORE", "d", "z", "1", "2", "BYSCORE", "REV"],
    &["ZRANGESTORE", "d", "z", "(1", "(2", "BYSCORE"],
    &["EXISTS", "d"],
    &["ZRANGESTORE", "d", "str", "0", "-1"],
    &["ZRANGESTORE", "str", "z", "0", "0"],
    &["TYPE", "str"],
    &["SET", "str", "v"],
    &["ZRANGESTORE", "d", "nokey", "0", "-1"],
    &["ZRANGESTORE", "d", "z", "x", "1"],
    &["ZRANGESTORE", "z", "z", "1", "2"],
    &["ZRANGE", "z", "0", "-1", "WITHSCORES"],
];

/// Removals: ZREM, ZREMRANGEBY*, keys deleted when emptied.
const REMOVE_SCRIPT: &[&[&str]] = &[
    &[
        "ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e",
    ],
    &["SET", "str", "v"],
    &["ZREM", "z", "a", "x", "a"],
    &["ZREM", "nokey", "a"],
    &["ZREM", "str", "a"],
    &["ZREMRANGEBYRANK", "z", "x", "1"],
    &["ZREMRANGEBYRANK", "nokey", "x", "1"],
    &["ZREMRANGEBYRANK", "nokey", "0", "1"],
    &["ZREMRANGEBYRANK", "z", "3", "1"],
    &["ZREMRANGEBYRANK", "z", "10", "20"],
    &["ZREMRANGEBYRANK", "z", "-1", "-1"],
    &["ZREMRANGEBYRANK", "str", "0", "1"],
    &["ZRANGE", "z", "0", "-1"],
    &["ZREMRANGEBYSCORE", "z", "a", "1"],
    &["ZREMRANGEBYSCORE", "z", "(2", "3"],
    &["ZREMRANGEBYSCORE", "z", "5", "1"],
    &["ZREMRANGEBYSCORE", "str", "0", "1"],
    &["ZRANGE", "z", "0", "-1"],
    &["ZADD", "lex", "0", "a", "0", "b", "0", "c", "0", "d"],
    &["ZREMRANGEBYLEX", "lex", "a", "b"],
    &["ZREMRANGEBYLEX", "lex", "(a", "[c"],
    &["ZREMRANGEBYLEX", "lex", "+", "-"],
    &["ZREMRANGEBYLEX", "str", "-", "+"],
    &["ZRANGE", "lex", "0", "-1"],
    &["ZREMRANGEBYLEX", "lex", "-", "+"],
    &["EXISTS", "lex"],
    &["ZREMRANGEBYSCORE", "z", "-inf", "+inf"],
    &["EXISTS", "z"],
    &["ZADD", "z", "1", "a"],
    &["ZREM", "z", "a"],
    &["EXISTS", "z"],
    &["ZADD", "z", "1", "a", "2", "b"],
    &["ZREMRANGEBYRANK", "z", "0", "-1"],
    &["EXISTS", "z"],
];

/// Pops, ZMPOP, ZRANDMEMBER's deterministic replies, ZSCAN of a listpack, and
/// the blocking pops that find data at once.
const POP_SCRIPT: &[&[&str]] = &[
    &["ZADD", "z", "1", "a", "2", "b", "3", "c"],
    &["SET", "str", "v"],
    &["ZPOPMIN", "z", "0"],
    &["ZPOPMIN", "z", "-1"],
    &["ZPOPMIN", "z", "abc"],
    &["ZPOPMIN", "z", "1", "2"],
    &["ZPOPMIN", "str", "0"],
    &["ZPOPMIN", "nokey"],
    &["ZPOPMIN", "nokey", "0"],
    &["ZPOPMIN", "z"],
    &["ZPOPMAX", "z"],
    &["ZPOPMIN", "z", "1"],
    &["EXISTS", "z"],
    &["ZADD", "z", "1", "a", "2", "b", "3", "c"],
    &["ZPOPMAX", "z", "2"],
    &["ZPOPMAX", "z", "10"],
    &["ZMPOP", "abc", "z", "MIN"],
    &["ZMPOP", "0", "z", "MIN"],
    &["ZMPOP", "-1", "z", "MIN"],
    &["ZMPOP", "9223372036854775807", "z", "MIN"],
    &["ZMPOP", "2", "z", "MIN"],
    &["ZMPOP", "1", "z", "FOO"],
    &["ZMPOP", "1", "z", "MIN", "COUNT", "0"],
    &["ZMPOP", "1", "z", "MIN", "COUNT", "abc"],
    &["ZMPOP", "1", "z", "MIN", "COUNT", "1", "COUNT", "1"],
    &["ZMPOP", "1", "z", "MIN", "COUNT"],
    &["ZMPOP", "1", "z", "MIN", "FOO"],
    &["ZMPOP", "1", "nokey", "MIN"],
    &["ZMPOP", "2", "nokey", "str", "MIN"],
    &["ZADD", "z", "1", "a", "2", "b", "3", "c"],
    &["ZMPOP", "2", "nokey", "z", "max", "COUNT", "2"],
    &["ZMPOP", "1", "z", "min"],
    &["EXISTS", "z"],
    &["ZADD", "z", "1", "a", "2", "b", "3", "c"],
    &["BZPOPMIN", "nokey", "z", "0"],
    &["BZPOPMAX", "z", "0.01"],
    &["BZPOPMIN", "str", "0"],
    &["BZPOPMIN", "nokey", "str", "z", "0"],
    &["BZPOPMIN", "z", "abc"],
    &["BZPOPMIN", "z", "-1"],
    &["BZMPOP", "abc", "1", "z", "MIN"],
    &["BZMPOP", "0", "abc", "z", "MIN"],
    &["BZMPOP", "abc", "abc", "z", "MIN"],
    &["BZMPOP", "-1", "1", "z", "MIN"],
    &["BZMPOP", "0", "1", "z", "FOO"],
    &["BZMPOP", "0", "1", "z", "MIN", "COUNT", "0"],
    &["BZMPOP", "0", "2", "nokey", "str", "MIN"],
    &["ZADD", "z", "1", "a", "2", "b"],
    &["BZMPOP", "0", "2", "nokey", "z", "MIN", "COUNT", "5"],
    &["EXISTS", "z"],
    &["BZPOPMIN", "z", "0.01"],
    &["BZMPOP", "0.01", "1", "z", "MAX"],
    &["ZRANDMEMBER", "nokey"],
    &["ZRANDMEMBER", "nokey", "5"],
    &["ZRANDMEMBER", "nokey", "5", "WITHSCORES"],
    &["ZRANDMEMBER", "str"],
    &["ZRANDMEMBER", "str", "1"],
    &[
        "ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e",
    ],
    &["ZRANDMEMBER", "z", "abc"],
    &["ZRANDMEMBER", "z", "-9223372036854775808"],
    &["ZRANDMEMBER", "z", "9223372036854775807", "WITHSCORES"],
    &["ZRANDMEMBER", "z", "-4611686018427387904", "WITHSCORES"],
    &["ZRANDMEMBER", "z", "1", "foo"],
    &["ZRANDMEMBER", "z", "1", "WITHSCORES", "x"],
    &["ZRANDMEMBER", "z", "0"],
    &["ZRANDMEMBER", "z", "0", "WITHSCORES"],
    &["ZRANDMEMBER", "z", "5"],
    &["ZRANDMEMBER", "z", "10", "WITHSCORES"],
    &["ZRANDMEMBER", "z", "9223372036854775807"],
    &["ZADD", "one", "7.5", "m"],
    &["ZRANDMEMBER", "one"],
    &["ZRANDMEMBER", "one", "1"],
    &["ZRANDMEMBER", "one", "1", "WITHSCORES"],
    &["ZRANDMEMBER", "one", "-3"],
    &["ZRANDMEMBER", "one", "-3", "WITHSCORES"],
    &["ZSCAN", "z", "abc"],
    &["ZSCAN", "z", "-1"],
    &["ZSCAN", "z", ""],
    &["ZSCAN", "z", "18446744073709551616"],
    &["ZSCAN", "z", "0"],
    &["ZSCAN", "z", "5", "COUNT", "1"],
    &["ZSCAN", "z", "0", "COUNT", "0"],
    &["ZSCAN", "z", "0", "COUNT", "x"],
    &["ZSCAN", "z", "0", "MATCH"],
    &["ZSCAN", "z", "0", "MATCH", "[a-c]"],
    &["ZSCAN", "z", "0", "MATCH", "nothing*"],
    &["ZSCAN", "z", "0", "TYPE", "zset"],
    &["ZSCAN", "z", "0", "NOVALUES"],
    &["ZSCAN", "nokey", "0"],
    &["ZSCAN", "nokey", "0", "COUNT", "0"],
    &["ZSCAN", "str", "0"],
    &["ZSCAN", "str", "0", "COUNT", "0"],
    &["ZSCAN", "str", "abc"],
    &[
        "ZADD", "f", "1.1", "a", "-0", "b", "inf", "c", "1e20", "d", "2.5e-320", "e",
    ],
    &["ZSCAN", "f", "0"],
];

/// ZUNION, ZINTER, ZDIFF, their STORE forms and ZINTERCARD, with plain sets
/// as inputs, weights, aggregates, NaN rules and every error.
const ALGEBRA_SCRIPT: &[&[&str]] = &[
    &["ZADD", "z1", "1", "a", "2", "b", "3", "c"],
    &["ZADD", "z2", "10", "b", "20", "c", "30", "d"],
    &["ZADD", "z3", "5", "c", "6", "d", "7", "e", "8", "f"],
    &["SADD", "s1", "a", "b", "x"],
    &["SADD", "ints", "1", "2", "3"],
    &["ZADD", "zints", "5", "1", "6", "2", "7", "9"],
    &["SET", "str", "v"],
    &["ZUNION", "0", "z1"],
    &["ZUNION", "-1", "z1"],
    &["ZUNION", "abc", "z1"],
    &["ZUNION", "3", "z1", "z2"],
    &["ZUNIONSTORE", "d", "0", "z1"],
    &["ZINTERSTORE", "d", "-5", "z1"],
    &["ZDIFFSTORE", "d", "x", "z1"],
    &["ZINTERCARD", "0", "z1"],
    &["ZINTERCARD", "abc", "z1"],
    &["ZINTERCARD", "3", "z1"],
    &["ZINTERCARD", "1", "z1", "LIMIT", "-1"],
    &["ZINTERCARD", "1", "z1", "LIMIT", "abc"],
    &["ZINTERCARD", "1", "z1", "LIMIT"],
    &["ZINTERCARD", "1", "z1", "LIMIT", "1"],
    &["ZINTERCARD", "2", "z1", "z2"],
    &["ZINTERCARD", "2", "z1", "z2", "LIMIT", "0"],
    &["ZINTERCARD", "2", "z1", "z2", "LIMIT", "1"],
    &["ZINTERCARD", "2", "z1", "s1"],
    &["ZINTERCARD", "2", "z1", "nokey"],
    &["ZINTERCARD", "2", "z1", "str"],
    &["ZINTERCARD", "1", "z1", "WITHSCORES"],
    &["ZINTERCARD", "1", "z1", "WEIGHTS", "1"],
    &["ZINTERCARD", "1", "z1", "AGGREGATE", "SUM"],
    &["ZUNION", "2", "z1", "str", "WEIGHTS", "abc"],
    &["ZUNION", "2", "z1", "z2", "WEIGHTS", "abc", "1"],
    &["ZUNION", "2", "z1", "z2", "WEIGHTS", "1"],
    &["ZUNION", "2", "z1", "z2", "WEIGHTS", "1", "nan"],
    &["ZUNION", "2", "z1", "z2", "WEIGHTS", "1", " 2"],
    &[
        "ZUNION",
        "2",
        "z1",
        "z2",
        "WEIGHTS",
        "1",
        "inf",
        "WITHSCORES",
    ],
    &[
        "ZUNION",
        "2",
        "z1",
        "z2",
        "WEIGHTS",
        "2",
        "0x10",
        "WITHSCORES",
    ],
    &["ZUNION", "2", "z1", "z2", "AGGREGATE", "foo"],
    &["ZUNION", "2", "z1", "z2", "AGGREGATE"],
    &["ZUNION", "2", "z1", "z2", "AGGREGATE", "min", "WITHSCORES"],
    &["ZUNION", "2", "z1", "z2", "AGGREGATE", "MAX", "WITHSCORES"],
    &[
        "ZUNION",
        "2",
        "z1",
        "z2",
        "AGGREGATE",
        "sum",
        "AGGREGATE",
        "max",
    ],
    &["ZUNION", "2", "z1", "s1", "AGGREGATE", "MAX", "WITHSCORES"],
    &["ZUNION", "3", "z1", "z2", "z3", "WITHSCORES"],
    &[
        "ZUNION",
        "3",
        "z3",
        "nokey",
        "z1",
        "WEIGHTS",
        "1",
        "2",
        "3",
        "WITHSCORES",
    ],
    &["ZUNION", "2", "ints", "zints", "WITHSCORES"],
    &["ZUNION", "1", "z1", "WITHSCORES", "WITHSCORES"],
    &["ZUNION", "1", "z1", "WITHSCORES", "WEIGHTS"],
    &["ZUNION", "1", "nokey"],
    &["ZUNION", "1", "z1", "FOO"],
    &["ZINTER", "2", "z1", "s1", "WITHSCORES"],
    &["ZINTER", "2", "z1", "s1", "WEIGHTS", "2", "3", "WITHSCORES"],
    &["ZINTER", "3", "z1", "z2", "z3", "WITHSCORES"],
    &["ZINTER", "2", "z2", "z3", "AGGREGATE", "MIN", "WITHSCORES"],
    &["ZINTER", "2", "z2", "z3", "AGGREGATE", "MAX"],
    &["ZINTER", "2", "z1", "nokey", "WITHSCORES"],
    &["ZINTER", "2", "ints", "zints", "WITHSCORES"],
    &["ZINTER", "2", "s1", "s1", "WITHSCORES"],
    &["ZINTER", "2", "z1", "z1", "WEIGHTS", "2", "3", "WITHSCORES"],
    &["ZUNION", "2", "z1", "z1", "WEIGHTS", "2", "3", "WITHSCORES"],
    &["ZINTER", "2", "z1", "str"],
    &["ZDIFF", "2", "z1", "s1", "WITHSCORES"],
    &["ZDIFF", "3", "z3", "z2", "z1"],
    &["ZDIFF", "2", "nokey", "z1"],
    &["ZDIFF", "1", "z1", "WITHSCORES"],
    &["ZDIFF", "2", "z1", "s1", "WEIGHTS", "1", "1"],
    &["ZDIFF", "2", "z1", "s1", "AGGREGATE", "SUM"],
    &["ZDIFF", "2", "s1", "z1", "WITHSCORES"],
    &["ZDIFFSTORE", "d", "2", "z1", "s1", "WITHSCORES"],
    &["ZUNIONSTORE", "d", "2", "z1", "z2", "WITHSCORES"],
    &["ZUNIONSTORE", "d", "2", "z1", "z2"],
    &["ZRANGE", "d", "0", "-1", "WITHSCORES"],
    &["OBJECT", "ENCODING", "d"],
    &[
        "ZINTERSTORE",
        "d",
        "2",
        "z1",
        "z2",
        "WEIGHTS",
        "1",
        "-1",
        "AGGREGATE",
        "MAX",
    ],
    &["ZRANGE", "d", "0", "-1", "WITHSCORES"],
    &["ZDIFFSTORE", "d", "2", "z3", "z2"],
    &["ZRANGE", "d", "0", "-1", "WITHSCORES"],
    &["ZINTERSTORE", "d", "2", "z1", "nokey"],
    &["EXISTS", "d"],
    &["ZUNIONSTORE", "d", "1", "nokey"],
    &["ZDIFFSTORE", "d", "2", "z1", "z1"],
    &["ZUNIONSTORE", "str", "1", "s1"],
    &["TYPE", "str"],
    &["ZRANGE", "str", "0", "-1", "WITHSCORES"],
    &["ZUNIONSTORE", "z1", "2", "z1", "z1"],
    &["ZRANGE", "z1", "0", "-1", "WITHSCORES"],
    &["ZADD", "zi", "1", "a", "inf", "b", "-inf", "c"],
    &["ZUNION", "2", "zi", "zi", "WEIGHTS", "0", "1", "WITHSCORES"],
    &["ZINTER", "2", "zi", "zi", "WEIGHTS", "0", "1", "WITHSCORES"],
    &[
        "ZUNION",
        "2",
        "zi",
        "zi",
        "WEIGHTS",
        "1",
        "-1",
        "WITHSCORES",
    ],
    &[
        "ZINTER",
        "2",
        "zi",
        "zi",
        "WEIGHTS",
        "1",
        "-1",
        "WITHSCORES",
    ],
    &[
        "ZINTER",
        "2",
        "zi",
        "zi",
        "WEIGHTS",
        "1",
        "-1",
        "AGGREGATE",
        "MIN",
        "WITHSCORES",
    ],
    &["ZUNION", "1", "zi", "WEIGHTS", "0", "WITHSCORES"],
    &["ZADD", "neg", "-0", "a", "0", "b"],
    &[
        "ZUNION",
        "2",
        "neg",
        "neg",
        "AGGREGATE",
        "MIN",
        "WITHSCORES",
    ],
    &["ZUNION", "1", "neg", "WEIGHTS", "-1", "WITHSCORES"],
];

#[test]
fn zset_add_replies_match_redis() {
    compare(ADD_SCRIPT, false);
    compare(ADD_SCRIPT, true);
}

#[test]
fn zset_range_replies_match_redis() {
    compare(RANGE_SCRIPT, false);
    compare(RANGE_SCRIPT, true);
}

#[test]
fn zset_remove_replies_match_redis() {
    compare(REMOVE_SCRIPT, false);
    compare(REMOVE_SCRIPT, true);
}

#[test]
fn zset_pop_replies_match_redis() {
    compare(POP_SCRIPT, false);
    compare(POP_SCRIPT, true);
}

#[test]
fn zset_algebra_replies_match_redis() {
    compare(ALGEBRA_SCRIPT, false);
    compare(ALGEBRA_SCRIPT, true);
}

/// Owned requests, for scripts generated in code.
fn as_script(requests: &[Vec<String>]) -> Vec<Vec<&str>> {
    requests
        .iter()
        .map(|r| r.iter().map(String::as_str).collect())
        .collect()
}

fn request(words: &[&str]) -> Vec<String> {
    words.iter().map(|w| (*w).to_owned()).collect()
}

/// `ZADD key` with members `prefix0..prefixN` scored `0..N` (as `score(i)`).
fn zadd_many(key: &str, n: usize, prefix: &str, score: impl Fn(usize) -> String) -> Vec<String> {
    let mut r = request(&["ZADD", key]);
    for i in 0..n {
        r.push(score(i));
        r.push(format!("{prefix}{i:04}"));
    }
    r
}

/// Encodings across the thresholds (entries and value length, lowered with
/// CONFIG SET), and the operations of a skiplist-encoded set.
fn encoding_script() -> Vec<Vec<String>> {
    let long = "x".repeat(65);
    let mut s = vec![
        request(&["ZADD", "small", "1", "a", "2", "b"]),
        request(&["OBJECT", "ENCODING", "small"]),
        request(&["ZADD", "long", "1", &long]),
        request(&["OBJECT", "ENCODING", "long"]),
        request(&["ZADD", "mixed", "1", "a", "2", &long]),
        request(&["OBJECT", "ENCODING", "mixed"]),
        request(&["ZREM", "mixed", &long]),
        request(&["OBJECT", "ENCODING", "mixed"]),
        request(&["ZUNIONSTORE", "u", "1", "mixed"]),
        request(&["OBJECT", "ENCODING", "u"]),
        request(&["CONFIG", "SET", "zset-max-listpack-entries", "4"]),
        request(&["CONFIG", "SET", "zset-max-listpack-value", "8"]),
        request(&["ZADD", "four", "1", "a", "2", "b", "3", "c", "4", "d"]),
        request(&["OBJECT", "ENCODING", "four"]),
        request(&["ZADD", "four", "5", "a"]),
        request(&["OBJECT", "ENCODING", "four"]),
        request(&["ZADD", "four", "XX", "5", "e"]),
        request(&["OBJECT", "ENCODING", "four"]),
        request(&["ZADD", "four", "5", "e"]),
        request(&["OBJECT", "ENCODING", "four"]),
        request(&["ZPOPMIN", "four", "3"]),
        request(&["OBJECT", "ENCODING", "four"]),
        request(&["ZRANGESTORE", "rs", "four", "0", "-1"]),
        request(&["OBJECT", "ENCODING", "rs"]),
        request(&["ZRANGESTORE", "rs", "four", "-inf", "+inf", "BYSCORE"]),
        request(&["OBJECT", "ENCODING", "rs"]),
        request(&[
            "ZADD", "five", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e",
        ]),
        request(&["OBJECT", "ENCODING", "five"]),
        request(&["ZRANGESTORE", "rs", "five", "0", "-1"]),
        request(&["OBJECT", "ENCODING", "rs"]),
        request(&["ZRANGESTORE", "rs", "five", "0", "3"]),
        request(&["OBJECT", "ENCODING", "rs"]),
        request(&["ZUNIONSTORE", "u", "1", "five"]),
        request(&["OBJECT", "ENCODING", "u"]),
        request(&["ZINTERSTORE", "u", "2", "five", "four"]),
        request(&["OBJECT", "ENCODING", "u"]),
        request(&["ZDIFFSTORE", "u", "2", "five", "four"]),
        request(&["OBJECT", "ENCODING", "u"]),
        request(&["ZADD", "nine", "1", "123456789"]),
        request(&["OBJECT", "ENCODING", "nine"]),
        request(&["ZADD", "eight", "1", "12345678"]),
        request(&["OBJECT", "ENCODING", "eight"]),
        request(&["ZADD", "eight", "2", "123456789"]),
        request(&["OBJECT", "ENCODING", "eight"]),
        request(&[
            "ZADD", "neg", "-0", "a", "1", "b", "2", "c", "3", "d", "4", "e",
        ]),
        request(&["ZSCORE", "neg", "a"]),
        request(&["ZRANGE", "neg", "0", "0", "WITHSCORES"]),
        request(&["ZUNIONSTORE", "negu", "1", "neg"]),
        request(&["ZSCORE", "negu", "a"]),
        request(&["CONFIG", "SET", "zset-max-listpack-entries", "0"]),
        request(&["ZADD", "zero", "1", "a"]),
        request(&["OBJECT", "ENCODING", "zero"]),
        request(&["ZINCRBY", "zero2", "1", "a"]),
        request(&["OBJECT", "ENCODING", "zero2"]),
        request(&["ZRANGESTORE", "rs", "five", "0", "0"]),
        request(&["OBJECT", "ENCODING", "rs"]),
        request(&["ZRANGESTORE", "rs", "five", "1", "1", "BYSCORE"]),
        request(&["OBJECT", "ENCODING", "rs"]),
        request(&["CONFIG", "SET", "zset-max-listpack-entries", "128"]),
        request(&["CONFIG", "SET", "zset-max-listpack-value", "64"]),
    ];
    // A skiplist of 300 members, every range kind over it.
    s.push(zadd_many("big", 300, "m", |i| format!("{}", i / 2)));
    for r in [
        &["OBJECT", "ENCODING", "big"][..],
        &["ZCARD", "big"],
        &["ZRANGE", "big", "100", "105", "WITHSCORES"],
        &["ZRANGE", "big", "-3", "-1", "REV", "WITHSCORES"],
        &["ZRANGE", "big", "(10", "12", "BYSCORE", "WITHSCORES"],
        &[
            "ZRANGE", "big", "12", "(10", "BYSCORE", "REV", "LIMIT", "1", "2",
        ],
        &[
            "ZRANGE", "big", "-inf", "+inf", "BYSCORE", "LIMIT", "290", "50",
        ],
        &[
            "ZRANGE", "big", "+inf", "-inf", "BYSCORE", "REV", "LIMIT", "295", "50",
        ],
        &["ZRANGEBYSCORE", "big", "140", "+inf"],
        &["ZCOUNT", "big", "(10", "20"],
        &["ZRANK", "big", "m0150"],
        &["ZREVRANK", "big", "m0150"],
        &["ZSCORE", "big", "m0151"],
        &["ZMSCORE", "big", "m0000", "m0299", "nope"],
        &["ZRANDMEMBER", "big", "1000", "WITHSCORES"],
        &["ZPOPMIN", "big", "2"],
        &["ZPOPMAX", "big"],
        &["ZMPOP", "1", "big", "MAX", "COUNT", "3"],
        &["ZREMRANGEBYRANK", "big", "0", "9"],
        &["ZREMRANGEBYSCORE", "big", "(100", "110"],
        &["ZRANGE", "big", "85", "95", "WITHSCORES"],
        &[
            "ZUNIONSTORE",
            "bigu",
            "2",
            "big",
            "five",
            "WEIGHTS",
            "2",
            "1",
        ],
        &["OBJECT", "ENCODING", "bigu"],
        &["ZRANGE", "bigu", "0", "9", "WITHSCORES"],
        &[
            "ZINTER",
            "2",
            "big",
            "big",
            "WITHSCORES",
            "AGGREGATE",
            "MAX",
        ],
        &["ZDIFF", "2", "big", "bigu"],
        &["ZINTERCARD", "2", "big", "bigu", "LIMIT", "7"],
        &["ZRANGESTORE", "bigr", "big", "0", "199"],
        &["OBJECT", "ENCODING", "bigr"],
        &["ZRANGESTORE", "bigr", "big", "0", "1"],
        &["OBJECT", "ENCODING", "bigr"],
    ] {
        s.push(request(r));
    }
    // Lex ranges over a skiplist of equal scores.
    s.push(zadd_many("biglex", 200, "w", |_| "0".to_owned()));
    for r in [
        &["ZRANGEBYLEX", "biglex", "[w0100", "(w0105"][..],
        &["ZREVRANGEBYLEX", "biglex", "+", "[w0195"],
        &[
            "ZRANGE", "biglex", "(w0010", "+", "BYLEX", "LIMIT", "5", "3",
        ],
        &["ZLEXCOUNT", "biglex", "(w0010", "[w0020"],
        &["ZREMRANGEBYLEX", "biglex", "-", "(w0100"],
        &["ZCARD", "biglex"],
        &["ZRANGESTORE", "biglexr", "biglex", "[w0150", "+", "BYLEX"],
        &["OBJECT", "ENCODING", "biglexr"],
        &["ZREMRANGEBYLEX", "biglex", "-", "+"],
        &["EXISTS", "biglex"],
    ] {
        s.push(request(r));
    }
    s
}

#[test]
fn zset_encodings_match_redis() {
    let script = encoding_script();
    let owned = as_script(&script);
    let refs: Vec<&[&str]> = owned.iter().map(Vec::as_slice).collect();
    compare_with(&refs, false, &[]);
    compare_with(&refs, true, &[]);
}

// ---- blocking scenarios ----

fn send(raw: &mut Raw, args: &[&str]) {
    let args: Vec<&[u8]> = args.iter().map(|a| a.as_bytes()).collect();
    raw.cmd(&args);
}

/// BZPOPMIN on two keys, served by a ZADD from another connection; two
/// waiters on one key are served in the order they blocked.
fn served_by_zadd(port: u16) -> Vec<Vec<u8>> {
    let mut a = Raw::connect(port);
    let mut b = Raw::connect(port);
    let mut ctl = Raw::connect(port);
    let mut out = Vec::new();
    send(&mut a, &["BZPOPMIN", "k1", "k2", "0"]);
    wait_blocked(&mut ctl, 1);
    send(&mut b, &["BZPOPMAX", "k2", "0"]);
    wait_blocked(&mut ctl, 2);
    out.push(ctl.call(&["ZADD", "k2", "1", "x", "2", "y", "3", "z"]));
    out.push(a.read_raw());
    out.push(b.read_raw());
    wait_blocked(&mut ctl, 0);
    out.push(ctl.call(&["ZRANGE", "k2", "0", "-1", "WITHSCORES"]));
    out
}

/// Timeouts answer a null array (RESP3: null); a fractional timeout works.
fn times_out(port: u16) -> Vec<Vec<u8>> {
    let mut a = Raw::connect(port);
    let mut out = vec![
        a.call(&["BZPOPMIN", "nokey", "0.1"]),
        a.call(&["BZMPOP", "0.1", "2", "n1", "n2", "MIN", "COUNT", "2"]),
    ];
    // HELLO's reply names the server and the connection: not compared.
    a.call(&["HELLO", "3"]);
    out.push(a.call(&["BZPOPMAX", "nokey", "0.1"]));
    out.push(a.call(&["BZMPOP", "0.1", "1", "nokey", "MAX"]));
    out
}

/// BZMPOP served by the STORE commands and by ZINCRBY; RESP3 shapes of the
/// served replies.
fn served_by_stores(port: u16) -> Vec<Vec<u8>> {
    let mut a = Raw::connect(port);
    let mut ctl = Raw::connect(port);
    let mut out = vec![ctl.call(&["ZADD", "src", "1", "a", "2", "b", "3", "c"])];
    send(
        &mut a,
        &["BZMPOP", "0", "2", "d1", "d2", "MAX", "COUNT", "2"],
    );
    wait_blocked(&mut ctl, 1);
    out.push(ctl.call(&["ZUNIONSTORE", "d2", "1", "src"]));
    out.push(a.read_raw());
    // HELLO's reply names the server and the connection: not compared.
    a.call(&["HELLO", "3"]);
    send(&mut a, &["BZPOPMIN", "d3", "0"]);
    wait_blocked(&mut ctl, 1);
    out.push(ctl.call(&["ZRANGESTORE", "d3", "src", "1", "2"]));
    out.push(a.read_raw());
    send(&mut a, &["BZMPOP", "0", "1", "d4", "MIN"]);
    wait_blocked(&mut ctl, 1);
    out.push(ctl.call(&["ZINCRBY", "d4", "2.5", "q"]));
    out.push(a.read_raw());
    send(&mut a, &["BZPOPMAX", "d5", "0"]);
    wait_blocked(&mut ctl, 1);
    out.push(ctl.call(&["ZINTERSTORE", "d5", "2", "src", "d3"]));
    out.push(a.read_raw());
    out
}

/// A key that becomes another type, or is deleted, leaves the waiter blocked;
/// a sorted set at that key later serves it.
fn wrong_type_keeps_waiting(port: u16) -> Vec<Vec<u8>> {
    let mut a = Raw::connect(port);
    let mut ctl = Raw::connect(port);
    let mut out = Vec::new();
    send(&mut a, &["BZPOPMIN", "k", "0"]);
    wait_blocked(&mut ctl, 1);
    out.push(ctl.call(&["SET", "k", "v"]));
    out.push(ctl.call(&["DEL", "k"]));
    out.push(ctl.call(&["LPUSH", "k", "v"]));
    assert!(silent_for(&mut a, 100), "the waiter was woken by a list");
    out.push(ctl.call(&["DEL", "k"]));
    out.push(ctl.call(&["ZADD", "k", "NX", "4", "m"]));
    out.push(a.read_raw());
    out.push(ctl.call(&["EXISTS", "k"]));
    out
}

#[test]
fn bzpopmin_served_by_zadd_from_another_connection() {
    on_both(served_by_zadd);
}

#[test]
fn blocking_pops_time_out_like_redis() {
    on_both(times_out);
}

#[test]
fn blocking_pops_served_by_store_commands() {
    on_both(served_by_stores);
}

#[test]
fn blocking_pops_ignore_keys_of_another_type() {
    on_both(wrong_type_keeps_waiting);
}
