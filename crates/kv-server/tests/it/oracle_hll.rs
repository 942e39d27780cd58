//! PFADD, PFCOUNT, PFMERGE, PFDEBUG and PFSELFTEST side by side with Redis
//! 7.0, byte-identical in RESP2 and RESP3: the raw HLL bytes (GET after each
//! change), values written by one server and SET into the other, corrupted
//! values of every kind, errors, keyspace events, and the count of one
//! million elements.

use crate::harness::{Raw, TestServer, show};
use crate::oracle::Differences;

type Script = Vec<Vec<Vec<u8>>>;

fn c(args: &[&[u8]]) -> Vec<Vec<u8>> {
    args.iter().map(|a| a.to_vec()).collect()
}

/// A sparse header (cache stale) followed by `body`.
fn sparse(body: &[u8]) -> Vec<u8> {
    let mut v = b"HYLL\x01\0\0\0\0\0\0\0\0\0\0\x80".to_vec();
    v.extend_from_slice(body);
    v
}

/// A small deterministic generator, so both servers get the same inputs.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
}

fn script() -> Script {
    let mut s: Script = vec![
        c(&[b"PFADD", b"h"]),
        c(&[b"GET", b"h"]),
        c(&[b"PFCOUNT", b"h"]),
        c(&[b"GET", b"h"]),
        c(&[b"PFADD", b"h", b"a", b"b", b"c"]),
        c(&[b"GET", b"h"]),
        c(&[b"PFADD", b"h", b"a", b"b", b"c"]),
        c(&[b"PFADD", b"h", b""]),
        c(&[b"PFCOUNT", b"h"]),
        c(&[b"GET", b"h"]),
        c(&[b"PFDEBUG", b"DECODE", b"h"]),
        c(&[b"PFDEBUG", b"ENCODING", b"h"]),
        c(&[b"TYPE", b"h"]),
        c(&[b"OBJECT", b"ENCODING", b"h"]),
        c(&[b"STRLEN", b"h"]),
        c(&[b"PFADD", b"g", b"c", b"d", b"e", b"\x00\xff"]),
        c(&[b"PFCOUNT", b"h", b"g"]),
        c(&[b"PFCOUNT", b"h", b"g", b"nosuch"]),
        c(&[b"PFCOUNT", b"nosuch"]),
        c(&[b"PFCOUNT", b"nosuch", b"nosuch2"]),
        c(&[b"PFMERGE", b"u", b"h", b"g"]),
        c(&[b"GET", b"u"]),
        c(&[b"PFCOUNT", b"u"]),
        c(&[b"PFMERGE", b"u"]),
        c(&[b"PFMERGE", b"fresh"]),
        c(&[b"GET", b"fresh"]),
        c(&[b"PFMERGE", b"fresh2", b"nosuch"]),
        c(&[b"GET", b"fresh2"]),
        c(&[b"PFDEBUG", b"GETREG", b"u"]),
        c(&[b"PFDEBUG", b"ENCODING", b"u"]),
        c(&[b"STRLEN", b"u"]),
        c(&[b"PFDEBUG", b"TODENSE", b"u"]),
        c(&[b"PFDEBUG", b"todense", b"u"]),
        c(&[b"PFDEBUG", b"DECODE", b"u"]),
        c(&[b"PFCOUNT", b"u"]),
        c(&[b"GET", b"u"]),
        c(&[b"PFADD", b"u", b"zz"]),
        c(&[b"PFCOUNT", b"u"]),
        c(&[b"PFMERGE", b"m", b"h", b"u"]),
        c(&[b"PFDEBUG", b"ENCODING", b"m"]),
        c(&[b"PFCOUNT", b"m"]),
        c(&[b"PFMERGE", b"h", b"u"]),
        c(&[b"PFDEBUG", b"ENCODING", b"h"]),
        c(&[b"PFDEBUG", b"TODENSE", b"g"]),
        c(&[b"PFDEBUG", b"GETREG", b"g"]),
        c(&[b"PFDEBUG", b"NOPE", b"g"]),
        c(&[b"PFDEBUG", b"GETREG\x00junk", b"g"]),
        c(&[b"PFDEBUG", b"NOPE", b"nosuch"]),
        c(&[b"PFDEBUG", b"GETREG", b"nosuch"]),
        c(&[b"PFDEBUG", b"GETREG"]),
        c(&[b"PFDEBUG", b"GETREG", b"g", b"x"]),
        c(&[b"PFDEBUG"]),
        c(&[b"PFADD"]),
        c(&[b"PFCOUNT"]),
        c(&[b"PFMERGE"]),
        c(&[b"PFSELFTEST", b"x"]),
        c(&[b"PFSELFTEST"]),
        // Other types and non-HLL strings.
        c(&[b"SET", b"s", b"bar"]),
        c(&[b"SET", b"n", b"12345"]),
        c(&[b"LPUSH", b"l", b"x"]),
        c(&[b"PFADD", b"s", b"1"]),
        c(&[b"PFADD", b"n", b"1"]),
        c(&[b"OBJECT", b"ENCODING", b"n"]),
        c(&[b"PFADD", b"l", b"1"]),
        c(&[b"PFCOUNT", b"s"]),
        c(&[b"PFCOUNT", b"l"]),
        c(&[b"PFCOUNT", b"h", b"s"]),
        c(&[b"PFCOUNT", b"h", b"l"]),
        c(&[b"PFMERGE", b"d", b"s"]),
        c(&[b"PFMERGE", b"s", b"h"]),
        c(&[b"PFMERGE", b"l", b"h"]),
        c(&[b"PFMERGE", b"d", b"h", b"l"]),
        c(&[b"EXISTS", b"d"]),
        c(&[b"PFDEBUG", b"ENCODING", b"s"]),
        c(&[b"PFDEBUG", b"ENCODING", b"l"]),
        // Corruptions the Redis suite makes.
        c(&[b"DEL", b"h"]),
        c(&[b"PFADD", b"h", b"a", b"b", b"c"]),
        c(&[b"APPEND", b"h", b"hello"]),
        c(&[b"PFCOUNT", b"h"]),
        c(&[b"PFCOUNT", b"h", b"h"]),
        c(&[b"PFMERGE", b"d", b"h"]),
        c(&[b"PFDEBUG", b"GETREG", b"h"]),
        c(&[b"PFDEBUG", b"TODENSE", b"h"]),
        c(&[b"PFDEBUG", b"DECODE", b"h"]),
        c(&[b"PFADD", b"h", b"x", b"y"]),
        c(&[b"GET", b"h"]),
        c(&[b"DEL", b"h"]),
        c(&[b"PFADD", b"h", b"a", b"b", b"c"]),
        c(&[b"SETRANGE", b"h", b"0", b"0123"]),
        c(&[b"PFCOUNT", b"h"]),
        c(&[b"DEL", b"h"]),
        c(&[b"PFADD", b"h", b"a", b"b", b"c"]),
        c(&[b"SETRANGE", b"h", b"4", b"x"]),
        c(&[b"PFCOUNT", b"h"]),
        c(&[b"DEL", b"h"]),
        c(&[b"PFADD", b"h", b"a", b"b", b"c"]),
        c(&[b"PFDEBUG", b"TODENSE", b"h"]),
        c(&[b"SETRANGE", b"h", b"4", b"\x01"]),
        c(&[b"PFCOUNT", b"h"]),
        c(&[b"PFDEBUG", b"TODENSE", b"h"]),
        c(&[b"SETRANGE", b"h", b"4", b"\x00"]),
        c(&[b"APPEND", b"h", b"x"]),
        c(&[b"PFCOUNT", b"h"]),
        c(&[b"SET", b"short", b"HYLL\x01"]),
        c(&[b"PFCOUNT", b"short"]),
        // Cache: the MSB of byte 15.
        c(&[b"DEL", b"h"]),
        c(&[b"PFADD", b"h", b"a", b"b", b"c"]),
        c(&[b"PFCOUNT", b"h"]),
        c(&[b"GETRANGE", b"h", b"15", b"15"]),
        c(&[b"PFADD", b"h", b"1", b"2", b"3"]),
        c(&[b"GETRANGE", b"h", b"15", b"15"]),
        c(&[b"SETRANGE", b"h", b"8", b"\x2a\x00\x00\x00\x00\x00\x00\x00"]),
        c(&[b"PFCOUNT", b"h"]),
        c(&[b"SETRANGE", b"h", b"8", b"\xff\xff\xff\xff\xff\xff\xff\x7f"]),
        c(&[b"PFCOUNT", b"h"]),
        c(&[b"PFCOUNT", b"h", b"nosuch"]),
        // Hand-made sparse values: too many registers, too few, huge runs, a
        // cut XZERO, VALs to merge.
        c(&[b"SET", b"x", &sparse(b"\x7f\xff\x7f\xff\xff")]),
        c(&[b"PFCOUNT", b"x"]),
        c(&[b"PFCOUNT", b"x", b"x"]),
        c(&[b"PFDEBUG", b"GETREG", b"x"]),
        c(&[b"PFDEBUG", b"DECODE", b"x"]),
        c(&[b"PFADD", b"x", b"a", b"b"]),
        c(&[b"GET", b"x"]),
        c(&[b"SET", b"x", &sparse(b"\x7f")]),
        c(&[b"PFDEBUG", b"DECODE", b"x"]),
        c(&[b"PFCOUNT", b"x"]),
        c(&[b"PFADD", b"x", b"a", b"b", b"c", b"d", b"e", b"f"]),
        c(&[b"GET", b"x"]),
        c(&[b"SET", b"x", &sparse(b"\x3f")]),
        c(&[b"PFADD", b"x", b"a"]),
        c(&[b"PFADD", b"x", b"a", b"b", b"c"]),
        c(&[b"GET", b"x"]),
        c(&[b"SET", b"x", &sparse(b"")]),
        c(&[b"PFCOUNT", b"x"]),
        c(&[b"PFADD", b"x", b"a"]),
        c(&[b"PFDEBUG", b"DECODE", b"x"]),
        c(&[
            b"SET",
            b"x",
            &sparse(b"\x80\x81\x82\x83\x84\x85\x86\x87\x7f\xe0"),
        ]),
        c(&[b"PFDEBUG", b"DECODE", b"x"]),
        c(&[b"PFCOUNT", b"x"]),
        c(&[b"PFADD", b"x", b"a", b"b"]),
        c(&[b"GET", b"x"]),
        c(&[b"SET", b"x", &sparse(b"\x80\x7f\xfe")]),
        c(&[b"PFCOUNT", b"x"]),
        c(&[b"PFDEBUG", b"GETREG", b"x"]),
        c(&[b"GET", b"x"]),
        c(&[b"SET", b"x", &sparse(b"\xfc\x83\x7f\xfa")]),
        c(&[b"PFCOUNT", b"x"]),
        c(&[b"PFMERGE", b"x2", b"x"]),
        c(&[b"GET", b"x2"]),
        c(&[b"PFADD", b"x", b"a", b"b", b"c", b"d"]),
        c(&[b"GET", b"x"]),
        // Promotion at hll-sparse-max-bytes.
        c(&[b"CONFIG", b"SET", b"hll-sparse-max-bytes", b"30"]),
        c(&[b"CONFIG", b"GET", b"hll-sparse-max-bytes"]),
        c(&[b"DEL", b"p"]),
    ];
    for i in 0..12 {
        let e = format!("e{i}");
        s.push(c(&[b"PFADD", b"p", e.as_bytes()]));
        s.push(c(&[b"PFDEBUG", b"ENCODING", b"p"]));
        s.push(c(&[b"STRLEN", b"p"]));
    }
    s.push(c(&[b"PFCOUNT", b"p"]));
    s.push(c(&[b"GET", b"p"]));
    s.push(c(&[b"CONFIG", b"SET", b"hll-sparse-max-bytes", b"0"]));
    s.push(c(&[b"PFADD", b"q"]));
    s.push(c(&[b"PFADD", b"q", b"one"]));
    s.push(c(&[b"PFDEBUG", b"ENCODING", b"q"]));
    s.push(c(&[b"CONFIG", b"SET", b"hll-sparse-max-bytes", b"3000"]));
    // Growth to dense with many elements, dense and sparse agreeing.
    let mut elements: Vec<Vec<u8>> = Vec::new();
    for i in 0..3000 {
        elements.push(format!("el-{i}").into_bytes());
    }
    for chunk in elements.chunks(250) {
        let mut a: Vec<Vec<u8>> = vec![b"PFADD".to_vec(), b"big".to_vec()];
        a.extend(chunk.iter().cloned());
        s.push(a.clone());
        a[1] = b"bigd".to_vec();
        s.push(c(&[b"PFADD", b"bigd"]));
        s.push(c(&[b"PFDEBUG", b"TODENSE", b"bigd"]));
        s.push(a);
        s.push(c(&[b"PFDEBUG", b"ENCODING", b"big"]));
        s.push(c(&[b"PFCOUNT", b"big"]));
        s.push(c(&[b"PFCOUNT", b"bigd"]));
        s.push(c(&[b"STRLEN", b"big"]));
    }
    s.push(c(&[b"GET", b"big"]));
    s.push(c(&[b"PFCOUNT", b"big", b"h", b"g"]));
    s.push(c(&[b"PFMERGE", b"bigm", b"h", b"big", b"g"]));
    s.push(c(&[b"GET", b"bigm"]));
    // Random corruptions of sparse and dense values.
    let mut rng = Lcg(7);
    for round in 0..150 {
        let n = rng.next() % 400;
        let mut a: Vec<Vec<u8>> = vec![b"PFADD".to_vec(), b"f".to_vec()];
        for _ in 0..n {
            a.push(rng.next().to_string().into_bytes());
        }
        s.push(c(&[b"DEL", b"f"]));
        s.push(a);
        if round % 3 == 0 {
            s.push(c(&[b"PFDEBUG", b"TODENSE", b"f"]));
        }
        s.push(c(&[b"STRLEN", b"f"]));
        let len = if round % 3 == 0 {
            12304
        } else {
            18 + n as usize * 2
        };
        for _ in 0..1 + rng.next() % 4 {
            let at = (16 + rng.next() as usize % len.saturating_sub(16).max(1)).to_string();
            let byte = [(rng.next() & 0xff) as u8];
            s.push(c(&[b"SETRANGE", b"f", at.as_bytes(), &byte]));
        }
        if round % 5 == 1 {
            s.push(c(&[b"APPEND", b"f", &[(rng.next() & 0xff) as u8]]));
        }
        s.push(c(&[b"PFDEBUG", b"DECODE", b"f"]));
        s.push(c(&[b"PFCOUNT", b"f", b"g"]));
        s.push(c(&[b"PFCOUNT", b"f"]));
        s.push(c(&[b"PFADD", b"f", b"a", b"b", b"c", b"d", b"e", b"f"]));
        s.push(c(&[b"GET", b"f"]));
        s.push(c(&[b"PFMERGE", b"fm", b"f"]));
        s.push(c(&[b"PFDEBUG", b"GETREG", b"f"]));
        s.push(c(&[b"GET", b"f"]));
    }
    s.push(c(&[
        b"COMMAND",
        b"INFO",
        b"pfadd",
        b"pfcount",
        b"pfmerge",
        b"pfdebug",
        b"pfselftest",
    ]));
    s.push(c(&[b"COMMAND", b"GETKEYS", b"pfmerge", b"a", b"b", b"c"]));
    s.push(c(&[b"COMMAND", b"GETKEYSANDFLAGS", b"pfcount", b"a", b"b"]));
    s.push(c(&[
        b"COMMAND",
        b"GETKEYSANDFLAGS",
        b"pfdebug",
        b"getreg",
        b"b",
    ]));
    s
}

fn run(port: u16, script: &Script, resp3: bool) -> Vec<Vec<u8>> {
    let mut raw = Raw::connect(port);
    if resp3 {
        raw.call(&["HELLO", "3"]);
    }
    script
        .iter()
        .map(|args| {
            let args: Vec<&[u8]> = args.iter().map(Vec::as_slice).collect();
            raw.cmd(&args);
            raw.read_raw()
        })
        .collect()
}

fn compare(script: &Script, resp3: bool) {
    let Some(redis) = TestServer::start_redis(&[]) else {
        eprintln!("redis-server not installed: oracle comparison skipped");
        return;
    };
    let kv = TestServer::start(&[]);
    let expected = run(redis.port, script, resp3);
    let actual = run(kv.port, script, resp3);
    let mut differences = Differences::default();
    for ((args, want), got) in script.iter().zip(&expected).zip(&actual) {
        let shown: Vec<String> = args
            .iter()
            .take(4)
            .map(|a| String::from_utf8_lossy(a).into_owned())
            .collect();
        differences.check(shown, want, got);
    }
    differences.assert_none();
}

#[test]
fn hyperloglog_matches_redis_resp2() {
    compare(&script(), false);
}

#[test]
fn hyperloglog_matches_redis_resp3() {
    compare(&script(), true);
}

/// The keyspace events both servers publish for a sequence of HLL commands,
/// as one subscriber receives them.
fn events(port: u16) -> Vec<u8> {
    let mut sub = Raw::connect(port);
    let mut raw = Raw::connect(port);
    raw.call(&["CONFIG", "SET", "notify-keyspace-events", "KEA"]);
    sub.call(&["PSUBSCRIBE", "*"]);
    for args in [
        &["PFADD", "e"][..],
        &["PFADD", "e", "a"],
        &["PFADD", "e", "a"],
        &["PFCOUNT", "e"],
        &["PFCOUNT", "e"],
        &["PFCOUNT", "e", "nosuch"],
        &["PFMERGE", "e2", "e"],
        &["PFMERGE", "e2"],
        &["PFDEBUG", "TODENSE", "e2"],
        &["PFDEBUG", "GETREG", "e"],
        &["SET", "e3", "x"],
        &["PFADD", "e3", "x"],
        &["PUBLISH", "end", "x"],
    ] {
        raw.call(args);
    }
    let mut out = Vec::new();
    loop {
        let msg = sub.read_raw();
        out.extend_from_slice(&msg);
        if msg.windows(3).any(|w| w == b"end") {
            return out;
        }
    }
}

#[test]
fn hyperloglog_events_match_redis() {
    let Some(redis) = TestServer::start_redis(&[]) else {
        return;
    };
    let kv = TestServer::start(&[]);
    let want = events(redis.port);
    let got = events(kv.port);
    assert_eq!(show(&got), show(&want));
}

/// PFADDs `elements` to `key` in pipelined batches of 1000.
fn pfadd_all(raw: &mut Raw, key: &[u8], elements: &[Vec<u8>]) {
    for window in elements.chunks(20_000) {
        let batches: Vec<&[Vec<u8>]> = window.chunks(1000).collect();
        for batch in &batches {
            let mut args: Vec<&[u8]> = vec![b"PFADD", key];
            args.extend(batch.iter().map(Vec::as_slice));
            raw.cmd(&args);
        }
        for _ in &batches {
            raw.read_raw();
        }
    }
}

fn million(port: u16) -> Vec<Vec<u8>> {
    let mut raw = Raw::connect(port);
    let elements: Vec<Vec<u8>> = (0..1_000_000u32)
        .map(|i| format!("element:{i}").into_bytes())
        .collect();
    let (a, b) = elements.split_at(600_000);
    pfadd_all(&mut raw, b"m1", &elements);
    pfadd_all(&mut raw, b"ma", a);
    pfadd_all(&mut raw, b"mb", b);
    let binary: Vec<Vec<u8>> = (0..200_000u32).map(|i| i.to_le_bytes().to_vec()).collect();
    pfadd_all(&mut raw, b"mbin", &binary);
    [
        &["PFCOUNT", "m1"][..],
        &["PFCOUNT", "ma", "mb"],
        &["PFCOUNT", "ma", "mb", "mbin"],
        &["PFCOUNT", "mbin"],
        &["PFMERGE", "mm", "ma", "mb"],
        &["PFCOUNT", "mm"],
        &["GET", "m1"],
        &["GET", "mm"],
        &["GET", "mbin"],
    ]
    .iter()
    .map(|args| raw.call(args))
    .collect()
}

/// The acceptance check: one million elements, the same count as Redis (and
/// the same registers, byte for byte). Measured: 1010357 on both, in 1.6 s.
#[test]
fn a_million_elements_count_as_redis_counts() {
    let Some(redis) = TestServer::start_redis(&[]) else {
        return;
    };
    let kv = TestServer::start(&[]);
    let want = million(redis.port);
    let got = million(kv.port);
    for (i, (w, g)) in want.iter().zip(&got).enumerate() {
        assert!(
            w == g,
            "reply {i}: redis {} kv {}",
            show(&w[..w.len().min(80)]),
            show(&g[..g.len().min(80)])
        );
    }
    eprintln!("PFCOUNT of 1,000,000 elements: {}", show(&want[0]));
}

/// The bulk payload of a RESP2 bulk reply.
fn bulk_payload(reply: &[u8]) -> Vec<u8> {
    let start = reply.iter().position(|&b| b == b'\n').expect("a header") + 1;
    reply[start..reply.len() - 2].to_vec()
}

/// HLLs written by Redis and SET into kv are read as Redis reads them, and
/// the other way round.
#[test]
fn values_move_between_redis_and_kv() {
    let Some(redis) = TestServer::start_redis(&[]) else {
        return;
    };
    let kv = TestServer::start(&[]);
    let mut r = Raw::connect(redis.port);
    let mut k = Raw::connect(kv.port);
    let small: Vec<String> = (0..150).map(|i| format!("s{i}")).collect();
    let large: Vec<String> = (0..20_000).map(|i| format!("l{i}")).collect();
    for (redis_first, key) in [(true, "from-redis"), (false, "from-kv")] {
        let (server, other) = if redis_first {
            (&mut r, &mut k)
        } else {
            (&mut k, &mut r)
        };
        for (suffix, elements) in [("sparse", &small), ("dense", &large)] {
            let name = format!("{key}-{suffix}");
            let mut args: Vec<&str> = vec!["PFADD", &name];
            args.extend(elements.iter().map(String::as_str));
            server.call(&args);
            let bytes = bulk_payload(&server.call(&["GET", &name]));
            other.cmd(&[b"SET", name.as_bytes(), &bytes]);
            other.read_raw();
            for args in [
                &["PFDEBUG", "ENCODING", &name][..],
                &["PFCOUNT", &name],
                &["PFADD", &name, "x", "y", "z"],
                &["PFCOUNT", &name],
                &["GET", &name],
            ] {
                let mine = server.call(args);
                let theirs = other.call(args);
                assert!(
                    mine == theirs,
                    "{args:?}: {} vs {}",
                    show(&mine[..mine.len().min(60)]),
                    show(&theirs[..theirs.len().min(60)])
                );
            }
        }
    }
}
