//! `cargo xtask bench`: kv-server against redis-server on the same machine.
//!
//! Throughput comes from redis-benchmark (`-q --csv`), run alternately against
//! the two servers for several rounds; the median per (server, test, pipeline)
//! is reported. Loads redis-benchmark cannot make (a MULTI/EXEC script as one
//! request) and the subscribers a PUBLISH or keyspace-event test needs come
//! from `crate::driver`. Memory comes from loading datasets over a pipelined connection
//! into fresh servers and reading their RSS (/proc/PID/status) and INFO
//! `used_memory` before and after. Tests and datasets are rows of the const
//! tables below: a new one is a new row.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::json::Json;
use crate::proc::{describe, find_in_path, run_captured, run_echoed, version_line};
use crate::report::{self, Align, Table};
use crate::resp::{Conn, Pipeline, Reply, info_field, push_padded};
use crate::server::Server;

/// What a throughput test sends.
pub enum Load {
    /// A redis-benchmark test, `-t <name>`.
    Builtin(&'static str),
    /// A redis-benchmark custom command (its CSV row is the command line).
    Command(&'static [&'static str]),
    /// A custom command whose `__rand_int__` redis-benchmark replaces with a
    /// random number below the given bound (`-r`).
    RandomCommand(&'static [&'static str], u64),
    /// A script of commands counted as one request, run by `crate::driver`.
    Script(&'static [&'static [&'static str]]),
}

/// What must be in place on the server while a throughput test runs.
pub enum Setup {
    None,
    /// This many connections subscribed to `name` (a pattern when `pattern`),
    /// read by the driver for the whole run.
    Subscribers {
        count: usize,
        name: &'static str,
        pattern: bool,
    },
    /// `notify-keyspace-events KEA` and one `__key*__:*` pattern subscriber.
    KeyspaceEvents,
    /// Data the load reads, written by this function before each run (so
    /// it must leave the same state however often it runs).
    Prepare(fn(&mut Conn) -> Result<()>),
}

/// One throughput test.
pub struct ThroughputTest {
    /// The name in our tables.
    pub name: &'static str,
    /// What it sends.
    pub load: Load,
    /// What it needs on the server.
    pub setup: Setup,
    /// redis-benchmark's CSV `test` column for the measured command: equal to
    /// this, or this followed by a space and a note (`"MSET (10 keys)"`).
    /// Preparatory rows (LRANGE's `"LPUSH (needed to benchmark LRANGE)"`) are
    /// skipped this way.
    pub csv_name: &'static str,
    /// Run without `--tests`.
    pub default: bool,
    /// Divides the default `-n` for commands much slower than SET, to keep a run
    /// near 1-2 s (LRANGE_* also run an LPUSH pass of `-n` first).
    pub requests_divisor: u64,
}

const fn test(
    name: &'static str,
    bench_name: &'static str,
    csv_name: &'static str,
    default: bool,
    requests_divisor: u64,
) -> ThroughputTest {
    ThroughputTest {
        name,
        load: Load::Builtin(bench_name),
        setup: Setup::None,
        csv_name,
        default,
        requests_divisor,
    }
}

/// A 64-byte message for the PUBLISH test.
const MESSAGE: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

impl ThroughputTest {
    /// The `-t` name for `--tests`, if it is a redis-benchmark test.
    fn bench_name(&self) -> &'static str {
        match self.load {
            Load::Builtin(name) => name,
            _ => self.name,
        }
    }
}

pub const TESTS: &[ThroughputTest] = &[
    test("PING", "ping_mbulk", "PING_MBULK", true, 1),
    test("SET", "set", "SET", true, 1),
    test("GET", "get", "GET", true, 1),
    test("INCR", "incr", "INCR", true, 1),
    test("MSET", "mset", "MSET", true, 1),
    test("LPUSH", "lpush", "LPUSH", true, 1),
    test("RPOP", "rpop", "RPOP", true, 1),
    test("SADD", "sadd", "SADD", true, 1),
    test("HSET", "hset", "HSET", true, 1),
    test("ZADD", "zadd", "ZADD", true, 1),
    test("LRANGE_100", "lrange_100", "LRANGE_100", true, 4),
    test("LRANGE_600", "lrange_600", "LRANGE_600", true, 10),
    // Each PUBLISH delivers to 100 subscribers: one message encoded, copied
    // into 100 output buffers.
    ThroughputTest {
        name: "PUBLISH_100",
        load: Load::Command(&["PUBLISH", "bench-channel", MESSAGE]),
        setup: Setup::Subscribers {
            count: 100,
            name: "bench-channel",
            pattern: false,
        },
        csv_name: "PUBLISH",
        default: true,
        requests_divisor: 20,
    },
    ThroughputTest {
        name: "MULTI_EXEC_3",
        load: Load::Script(&[
            &["MULTI"],
            &["SET", "key:txn", "value"],
            &["INCR", "counter:txn"],
            &["GET", "key:txn"],
            &["EXEC"],
        ]),
        setup: Setup::None,
        csv_name: "MULTI_EXEC_3",
        default: true,
        requests_divisor: 4,
    },
    // SET with every keyspace event on and a pattern subscriber receiving
    // them (two messages per SET).
    ThroughputTest {
        name: "SET_KEA",
        load: Load::Builtin("set"),
        setup: Setup::KeyspaceEvents,
        csv_name: "SET",
        default: true,
        requests_divisor: 2,
    },
    // Bit 8191 of one of 100,000 1 KB bitmaps (redis-benchmark zero-pads
    // `__rand_int__`, which no offset argument accepts, so the key varies).
    ThroughputTest {
        name: "SETBIT",
        load: Load::RandomCommand(
            &["SETBIT", "bench:bitmap:__rand_int__", "8191", "1"],
            100_000,
        ),
        setup: Setup::None,
        csv_name: "SETBIT",
        default: true,
        requests_divisor: 1,
    },
    // BITCOUNT of a whole 1 MB string: memory speed.
    ThroughputTest {
        name: "BITCOUNT_1MB",
        load: Load::Command(&["BITCOUNT", "bench:bitcount"]),
        setup: Setup::Prepare(|c| {
            send_all(c, &[&[b"SETBIT", b"bench:bitcount", b"8388607", b"1"]])
        }),
        csv_name: "BITCOUNT",
        default: true,
        requests_divisor: 100,
    },
    // The usual producer: XADD with approximate trimming.
    ThroughputTest {
        name: "XADD",
        load: Load::Command(&[
            "XADD",
            "bench:stream",
            "MAXLEN",
            "~",
            "100000",
            "*",
            "field",
            "value",
        ]),
        setup: Setup::None,
        csv_name: "XADD",
        default: true,
        requests_divisor: 1,
    },
    // A consumer re-reading 10 entries of its pending list (the ID 0 form),
    // so the run never drains the group.
    ThroughputTest {
        name: "XREADGROUP_10",
        load: Load::Command(&[
            "XREADGROUP",
            "GROUP",
            "bench:group",
            "reader",
            "COUNT",
            "10",
            "STREAMS",
            "bench:rstream",
            "0",
        ]),
        setup: Setup::Prepare(prepare_consumer_group),
        csv_name: "XREADGROUP",
        default: true,
        requests_divisor: 4,
    },
    // Random elements into one HyperLogLog (dense after the first few
    // thousand).
    ThroughputTest {
        name: "PFADD",
        load: Load::RandomCommand(&["PFADD", "bench:hll", "__rand_int__"], 1_000_000),
        setup: Setup::None,
        csv_name: "PFADD",
        default: true,
        requests_divisor: 1,
    },
    // The 10 nearest of the ~170 points within 2 km, among 100,000.
    ThroughputTest {
        name: "GEOSEARCH",
        load: Load::Command(&[
            "GEOSEARCH",
            "bench:geo",
            "FROMLONLAT",
            "13.5",
            "52.5",
            "BYRADIUS",
            "2",
            "km",
            "ASC",
            "COUNT",
            "10",
        ]),
        setup: Setup::Prepare(prepare_geo),
        csv_name: "GEOSEARCH",
        default: true,
        requests_divisor: 10,
    },
];

/// Sends each command and fails on an error reply.
fn send_all(conn: &mut Conn, commands: &[&[&[u8]]]) -> Result<()> {
    for command in commands {
        if let Reply::Error(e) = conn.command(command)? {
            let words: Vec<String> = command
                .iter()
                .map(|a| String::from_utf8_lossy(a).into_owned())
                .collect();
            bail!("setup `{}` failed: {e}", words.join(" "));
        }
    }
    Ok(())
}

/// A stream of 100 entries all delivered to one consumer of one group.
fn prepare_consumer_group(conn: &mut Conn) -> Result<()> {
    send_all(conn, &[&[b"DEL", b"bench:rstream"]])?;
    for i in 0..100u64 {
        let id = format!("1-{}", i + 1);
        let value = padded(b"value:", i, 10);
        send_all(
            conn,
            &[&[b"XADD", b"bench:rstream", id.as_bytes(), b"field", &value]],
        )?;
    }
    send_all(
        conn,
        &[
            &[b"XGROUP", b"CREATE", b"bench:rstream", b"bench:group", b"0"],
            &[
                b"XREADGROUP",
                b"GROUP",
                b"bench:group",
                b"reader",
                b"COUNT",
                b"100",
                b"STREAMS",
                b"bench:rstream",
                b">",
            ],
        ],
    )
}

/// `GEOADD`s of `n` points spread over one degree square from 13E 52N,
/// the same points every time.
fn geo_points(n: u64, mut batch: impl FnMut(&[&[u8]]) -> Result<()>, key: &[u8]) -> Result<()> {
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let mut start = 0;
    while start < n {
        let end = (start + ELEMENTS_PER_COMMAND).min(n);
        let mut owned: Vec<Vec<u8>> = Vec::new();
        for i in start..end {
            owned.push(format!("{:.6}", 13.0 + next()).into_bytes());
            owned.push(format!("{:.6}", 52.0 + next()).into_bytes());
            owned.push(padded(b"place:", i, 7));
        }
        let mut args: Vec<&[u8]> = vec![b"GEOADD", key];
        args.extend(owned.iter().map(Vec::as_slice));
        batch(&args)?;
        start = end;
    }
    Ok(())
}

fn prepare_geo(conn: &mut Conn) -> Result<()> {
    geo_points(100_000, |args| send_all(conn, &[args]), b"bench:geo")
}

/// One memory dataset.
pub struct Dataset {
    pub name: &'static str,
    pub description: &'static str,
    /// What the per-item figures divide by (keys, or elements of the one key).
    pub items: u64,
    /// What an item is, singular and plural.
    pub item_unit: (&'static str, &'static str),
    /// Expected DBSIZE after loading.
    pub keys: u64,
    /// Run without `--memory`.
    pub default: bool,
    pub load: fn(&mut Pipeline, u64) -> Result<()>,
}

pub const DATASETS: &[Dataset] = &[
    Dataset {
        name: "strings-1M",
        description: "SET key:0000000..key:0999999 to 16-byte values",
        items: 1_000_000,
        item_unit: ("key", "keys"),
        keys: 1_000_000,
        default: true,
        load: |p, n| load_strings(p, n, false),
    },
    Dataset {
        name: "strings-1M-ttl",
        description: "the same keys and values, each SET with EX 100000",
        items: 1_000_000,
        item_unit: ("key", "keys"),
        keys: 1_000_000,
        default: true,
        load: |p, n| load_strings(p, n, true),
    },
    Dataset {
        name: "hashes-100k",
        description: "HSET hash:000000..hash:099999, 10 fields field:0..field:9 with 8-byte values each",
        items: 100_000,
        item_unit: ("hash", "hashes"),
        keys: 100_000,
        default: true,
        load: load_hashes,
    },
    Dataset {
        name: "list-1M",
        description: "RPUSH of 1,000,000 16-byte elements onto one list",
        items: 1_000_000,
        item_unit: ("element", "elements"),
        keys: 1,
        default: true,
        load: load_list,
    },
    Dataset {
        name: "stream-1M",
        description: "XADD of 1,000,000 entries with two fields (8-byte names, 10-byte values) to one stream",
        items: 1_000_000,
        item_unit: ("entry", "entries"),
        keys: 1,
        default: true,
        load: load_stream,
    },
    Dataset {
        name: "geo-1M",
        description: "GEOADD of 1,000,000 points (12-byte members) to one key",
        items: 1_000_000,
        item_unit: ("member", "members"),
        keys: 1,
        default: true,
        load: |p, n| geo_points(n, |args| p.push(args), b"geo:big"),
    },
    Dataset {
        name: "zset-1M",
        description: "ZADD of 1,000,000 16-byte members with integer scores into one sorted set",
        items: 1_000_000,
        item_unit: ("member", "members"),
        keys: 1,
        default: true,
        load: load_zset,
    },
];

/// Commands per pipelined batch when loading.
const LOAD_BATCH: usize = 1000;
/// Elements per RPUSH/ZADD command for the single-key datasets.
const ELEMENTS_PER_COMMAND: u64 = 100;

/// `prefix` followed by `n` zero-padded to `width` digits, in `buf`.
fn fill(buf: &mut Vec<u8>, prefix: &[u8], n: u64, width: usize) {
    buf.clear();
    buf.extend_from_slice(prefix);
    push_padded(buf, n, width);
}

fn padded(prefix: &[u8], n: u64, width: usize) -> Vec<u8> {
    let mut buf = Vec::with_capacity(prefix.len() + width);
    fill(&mut buf, prefix, n, width);
    buf
}

fn load_strings(p: &mut Pipeline, n: u64, ttl: bool) -> Result<()> {
    let (mut key, mut value) = (Vec::new(), Vec::new());
    for i in 0..n {
        fill(&mut key, b"key:", i, 7);
        fill(&mut value, b"value:", i, 10);
        if ttl {
            p.push(&[b"SET", &key, &value, b"EX", b"100000"])?;
        } else {
            p.push(&[b"SET", &key, &value])?;
        }
    }
    Ok(())
}

fn load_hashes(p: &mut Pipeline, n: u64) -> Result<()> {
    const FIELDS: [&[u8]; 10] = [
        b"field:0", b"field:1", b"field:2", b"field:3", b"field:4", b"field:5", b"field:6",
        b"field:7", b"field:8", b"field:9",
    ];
    let mut key = Vec::new();
    let mut values: Vec<Vec<u8>> = vec![Vec::new(); FIELDS.len()];
    for i in 0..n {
        fill(&mut key, b"hash:", i, 6);
        for (f, value) in values.iter_mut().enumerate() {
            fill(value, b"v", (i * 10 + f as u64) % 10_000_000, 7);
        }
        let mut args: Vec<&[u8]> = vec![b"HSET", &key];
        for (field, value) in FIELDS.iter().zip(&values) {
            args.push(field);
            args.push(value);
        }
        p.push(&args)?;
    }
    Ok(())
}

/// Loads `0..n` in chunks of [`ELEMENTS_PER_COMMAND`] elements, each chunk one
/// `cmd key <arguments of each element...>`.
fn load_chunked(
    p: &mut Pipeline,
    n: u64,
    cmd: &[u8],
    key: &[u8],
    element: impl Fn(u64, &mut Vec<Vec<u8>>),
) -> Result<()> {
    let mut start = 0;
    while start < n {
        let end = (start + ELEMENTS_PER_COMMAND).min(n);
        let mut owned = Vec::new();
        for i in start..end {
            element(i, &mut owned);
        }
        let mut args: Vec<&[u8]> = vec![cmd, key];
        args.extend(owned.iter().map(Vec::as_slice));
        p.push(&args)?;
        start = end;
    }
    Ok(())
}

fn load_stream(p: &mut Pipeline, n: u64) -> Result<()> {
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for i in 0..n {
        fill(&mut a, b"a:", i % 10_000_000, 8);
        fill(&mut b, b"b:", (i * 7) % 10_000_000, 8);
        p.push(&[
            b"XADD",
            b"stream:big",
            b"*",
            b"field:01",
            &a,
            b"field:02",
            &b,
        ])?;
    }
    Ok(())
}

fn load_list(p: &mut Pipeline, n: u64) -> Result<()> {
    load_chunked(p, n, b"RPUSH", b"list:big", |i, out| {
        out.push(padded(b"elem:", i, 11));
    })
}

fn load_zset(p: &mut Pipeline, n: u64) -> Result<()> {
    load_chunked(p, n, b"ZADD", b"zset:big", |i, out| {
        out.push(padded(b"", i, 1));
        out.push(padded(b"member:", i, 9));
    })
}

const BENCH_USAGE: &str = "\
usage: cargo xtask bench [flags]

  --kv-bin PATH      server binary for the kv side (also: env KV_BIN); default:
                     cargo build --release -p kv-server and use target/release/kv-server
  --redis-bin PATH   redis-server binary (default: redis-server from PATH)
  --rounds N         rounds per (server, test, pipeline); the median is reported (default 3)
  --requests N       redis-benchmark -n for every run (default 200000 at -P 1,
                     1000000 at deeper pipelines, divided for slow tests like LRANGE)
  --pipelines LIST   pipeline depths, comma separated (default 1,16)
  --clients N        redis-benchmark -c (default 50)
  --tests LIST       default | all | none | comma-separated names
                     (PING SET GET INCR MSET LPUSH RPOP SADD HSET ZADD LRANGE_100 LRANGE_600
                     PUBLISH_100 MULTI_EXEC_3 SET_KEA SETBIT BITCOUNT_1MB XADD
                     XREADGROUP_10 PFADD GEOSEARCH; default: every row)
  --memory LIST      default | all | none | comma-separated datasets
                     (strings-1M strings-1M-ttl hashes-100k list-1M stream-1M geo-1M zset-1M;
                     default: strings-1M,strings-1M-ttl)
  --quick            CI smoke run: -n 10000 (-P 1) / 50000 (deeper), 1 round
  --out DIR          report directory (default: <workspace>/bench-results)

Writes bench-results/bench-<UTC timestamp>.md and bench-results/latest.md.
Exit status 0 even when kv is slower (lines starting SLOWER: say where);
non-zero when a server fails to start or a run or a load fails.
";

pub struct BenchOpts {
    pub kv_bin: Option<PathBuf>,
    pub redis_bin: String,
    pub rounds: usize,
    pub requests: Option<u64>,
    pub pipelines: Vec<u32>,
    pub clients: u32,
    pub tests: Vec<&'static ThroughputTest>,
    pub datasets: Vec<&'static Dataset>,
    pub quick: bool,
    pub out: PathBuf,
}

impl BenchOpts {
    /// The defaults of the flags (the kv binary from `$KV_BIN` if set).
    fn defaults() -> BenchOpts {
        BenchOpts {
            kv_bin: std::env::var_os("KV_BIN")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from),
            redis_bin: "redis-server".into(),
            rounds: 3,
            requests: None,
            pipelines: vec![1, 16],
            clients: 50,
            tests: select_tests("default").expect("the default tests"),
            datasets: select_datasets("default").expect("the default datasets"),
            quick: false,
            out: crate::workspace_root().join("bench-results"),
        }
    }

    /// What `cargo xtask ci` runs: `bench --quick --memory none`.
    pub fn ci_smoke() -> BenchOpts {
        BenchOpts {
            rounds: 1,
            datasets: Vec::new(),
            quick: true,
            ..BenchOpts::defaults()
        }
    }

    /// Parses the flags; `None` after printing `--help`.
    pub fn parse(args: &[String]) -> Result<Option<BenchOpts>> {
        let mut opts = BenchOpts::defaults();
        let mut rounds = None;
        let mut it = args.iter();
        while let Some(arg) = it.next() {
            let (flag, inline) = match arg.split_once('=') {
                Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
                _ => (arg.as_str(), None),
            };
            let mut value = || -> Result<String> {
                match &inline {
                    Some(v) => Ok(v.clone()),
                    None => it
                        .next()
                        .cloned()
                        .with_context(|| format!("{flag} needs a value")),
                }
            };
            match flag {
                "-h" | "--help" => {
                    print!("{BENCH_USAGE}");
                    return Ok(None);
                }
                "--kv-bin" => opts.kv_bin = Some(PathBuf::from(value()?)),
                "--redis-bin" => opts.redis_bin = value()?,
                "--rounds" => rounds = Some(parse_positive(flag, &value()?)? as usize),
                "--requests" => opts.requests = Some(parse_positive(flag, &value()?)?),
                "--clients" => opts.clients = parse_positive(flag, &value()?)? as u32,
                "--pipelines" => {
                    opts.pipelines = value()?
                        .split(',')
                        .map(|p| parse_positive(flag, p.trim()).map(|p| p as u32))
                        .collect::<Result<_>>()?;
                }
                "--tests" => opts.tests = select_tests(&value()?)?,
                "--memory" => opts.datasets = select_datasets(&value()?)?,
                "--quick" => opts.quick = true,
                "--out" => opts.out = PathBuf::from(value()?),
                _ => bail!("unknown bench flag {arg:?} (see cargo xtask bench --help)"),
            }
        }
        opts.rounds = rounds.unwrap_or(if opts.quick { 1 } else { 3 });
        Ok(Some(opts))
    }

    /// `-n` for one test at one pipeline depth.
    fn requests_for(&self, test: &ThroughputTest, pipeline: u32) -> u64 {
        if let Some(n) = self.requests {
            return n;
        }
        let base = match (self.quick, pipeline) {
            (false, 1) => 200_000,
            (false, _) => 1_000_000,
            (true, 1) => 10_000,
            (true, _) => 50_000,
        };
        (base / test.requests_divisor).max(1000)
    }
}

fn parse_positive(flag: &str, text: &str) -> Result<u64> {
    match text.parse::<u64>() {
        Ok(n) if n > 0 => Ok(n),
        _ => bail!("{flag} wants a positive integer, got {text:?}"),
    }
}

/// `default`, `all`, `none` or a comma-separated list of rows, by name.
fn select_rows<T>(
    spec: &str,
    rows: &'static [T],
    what: &str,
    default: fn(&T) -> bool,
    names: fn(&T) -> [&'static str; 2],
) -> Result<Vec<&'static T>> {
    match spec.trim() {
        "default" => return Ok(rows.iter().filter(|r| default(r)).collect()),
        "all" => return Ok(rows.iter().collect()),
        "none" | "" => return Ok(Vec::new()),
        _ => {}
    }
    let mut picked: Vec<&'static T> = Vec::new();
    for wanted in spec.split(',').map(str::trim).filter(|w| !w.is_empty()) {
        let row = rows
            .iter()
            .find(|r| names(r).iter().any(|n| n.eq_ignore_ascii_case(wanted)))
            .with_context(|| {
                let known: Vec<&str> = rows.iter().map(|r| names(r)[0]).collect();
                format!("unknown {what} {wanted:?}; known: {}", known.join(", "))
            })?;
        if !picked.iter().any(|p| std::ptr::eq(*p, row)) {
            picked.push(row);
        }
    }
    Ok(picked)
}

fn select_tests(spec: &str) -> Result<Vec<&'static ThroughputTest>> {
    select_rows(
        spec,
        TESTS,
        "test",
        |t| t.default,
        |t| [t.name, t.bench_name()],
    )
}

fn select_datasets(spec: &str) -> Result<Vec<&'static Dataset>> {
    select_rows(
        spec,
        DATASETS,
        "dataset",
        |d| d.default,
        |d| [d.name, d.name],
    )
}

/// Index into per-server arrays.
const KV: usize = 0;
const REDIS: usize = 1;
const LABELS: [&str; 2] = ["kv", "redis"];

/// The binaries under test and the client.
struct Tools {
    servers: [PathBuf; 2],
    benchmark: PathBuf,
}

/// Measurements of one (test, pipeline) cell.
struct Cell {
    test: &'static ThroughputTest,
    pipeline: u32,
    requests: u64,
    runs: [Vec<f64>; 2],
    errors: [Vec<String>; 2],
}

impl Cell {
    fn median(&self, server: usize) -> Option<f64> {
        if !self.errors[server].is_empty() {
            return None;
        }
        median(&self.runs[server])
    }

    /// Rounds in which kv's run beat redis's run next to it, and rounds with both
    /// runs: a count that slow drifts of a noisy machine cannot skew, unlike
    /// medians taken over the whole session.
    fn kv_ahead(&self) -> (usize, usize) {
        let pairs = self.runs[KV].iter().zip(&self.runs[REDIS]);
        let ahead = pairs.clone().filter(|(kv, redis)| kv > redis).count();
        (ahead, pairs.count())
    }
}

fn median(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let mid = v.len() / 2;
    Some(if v.len() % 2 == 1 {
        v[mid]
    } else {
        (v[mid - 1] + v[mid]) / 2.0
    })
}

/// One server's figures for one dataset.
struct MemFigures {
    rss_before: u64,
    rss_after: u64,
    used_before: Option<u64>,
    used_after: Option<u64>,
    load_secs: f64,
    /// CPU seconds spent loading by the server and by us (the client).
    cpu_secs: [f64; 2],
    dbsize: Option<i64>,
}

struct MemResult {
    dataset: &'static Dataset,
    servers: [Result<MemFigures, String>; 2],
}

pub fn run(opts: &BenchOpts) -> Result<i32> {
    let started = report::now();
    let stamp = report::utc_compact(started);
    let tools = prepare(opts)?;
    let facts = machine_facts(&tools, started);
    for line in &facts {
        eprintln!("{line}");
    }
    let scratch = std::env::temp_dir().join(format!("kv-bench-{stamp}-{}", std::process::id()));

    let cells = if opts.tests.is_empty() {
        Vec::new()
    } else {
        throughput(opts, &tools, &scratch)?
    };
    let mut memory = Vec::new();
    for dataset in &opts.datasets {
        memory.push(memory_dataset(dataset, &tools, &scratch)?);
    }

    let (text, failures) = render(opts, &facts, &cells, &memory);
    print!("\n{text}");
    std::fs::create_dir_all(&opts.out)
        .with_context(|| format!("cannot create {}", opts.out.display()))?;
    let file = opts.out.join(format!("bench-{stamp}.md"));
    std::fs::write(&file, &text).with_context(|| format!("cannot write {}", file.display()))?;
    std::fs::write(opts.out.join("latest.md"), &text)
        .with_context(|| format!("cannot write {}/latest.md", opts.out.display()))?;
    eprintln!("\nwrote {} and latest.md", file.display());
    if failures > 0 {
        eprintln!(
            "{failures} measurement(s) failed; server logs kept in {}",
            scratch.display()
        );
        return Ok(1);
    }
    let _ = std::fs::remove_dir_all(&scratch);
    Ok(0)
}

/// Installs the redis tools if needed and builds kv-server unless given.
fn prepare(opts: &BenchOpts) -> Result<Tools> {
    let mut redis = find_in_path(&opts.redis_bin);
    let mut benchmark = find_in_path("redis-benchmark");
    if redis.is_none() || benchmark.is_none() {
        if opts.redis_bin.contains('/') && redis.is_none() {
            bail!("--redis-bin {} is not an executable file", opts.redis_bin);
        }
        install_redis()?;
        redis = find_in_path(&opts.redis_bin);
        benchmark = find_in_path("redis-benchmark");
    }
    let redis = redis.with_context(|| format!("{} not found after installing", opts.redis_bin))?;
    // Absolute (servers run in a scratch directory), but symlinks kept:
    // redis-server is a link to redis-check-rdb and acts on its argv[0].
    let redis = std::path::absolute(&redis).unwrap_or(redis);
    let benchmark = benchmark.context("redis-benchmark not found after installing")?;

    let kv = match &opts.kv_bin {
        Some(path) => {
            let found = find_in_path(&path.to_string_lossy()).with_context(|| {
                format!("--kv-bin {} is not an executable file", path.display())
            })?;
            std::path::absolute(&found).unwrap_or(found)
        }
        None => {
            let mut build = crate::cargo();
            build.args(["build", "--release", "-p", "kv-server"]);
            run_echoed(&mut build)?;
            let kv = target_dir()?.join("release").join("kv-server");
            if !kv.is_file() {
                bail!("the build succeeded but {} does not exist", kv.display());
            }
            kv
        }
    };
    Ok(Tools {
        servers: [kv, redis],
        benchmark,
    })
}

/// Makes sure Debian's redis-server and redis-tools are installed (the tests
/// compare kv's replies with the real server's, and the bench runs both),
/// installing them when missing.
pub fn ensure_redis_installed() -> Result<()> {
    if find_in_path("redis-server").is_some() && find_in_path("redis-benchmark").is_some() {
        return Ok(());
    }
    install_redis()
}

/// `apt-get update && apt-get install -y redis-server redis-tools`, as root.
fn install_redis() -> Result<()> {
    eprintln!(
        "redis-server or redis-benchmark is missing: installing Debian's redis-server and redis-tools"
    );
    apt_get(&["update"])?;
    apt_get(&["install", "-y", "redis-server", "redis-tools"])
}

/// `apt-get ARGS`, non-interactive, as root or through sudo.
pub(crate) fn apt_get(args: &[&str]) -> Result<()> {
    let root = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .and_then(|l| l.split_whitespace().nth(1).map(|uid| uid == "0"))
        })
        .unwrap_or(false);
    let apt = |args: &[&str]| -> Command {
        let mut cmd = if root {
            Command::new("apt-get")
        } else {
            let mut sudo = Command::new("sudo");
            sudo.arg("apt-get");
            sudo
        };
        cmd.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        cmd
    };
    if !root && find_in_path("sudo").is_none() {
        bail!(
            "not root and no sudo: run `apt-get {}` as root",
            args.join(" ")
        );
    }
    run_echoed(&mut apt(args))
}

/// Cargo's target directory, from `cargo metadata`.
pub(crate) fn target_dir() -> Result<PathBuf> {
    let mut cmd = crate::cargo();
    cmd.args(["metadata", "--format-version", "1", "--no-deps"]);
    let out = run_captured(&mut cmd, Duration::from_secs(120))?;
    if !out.status.success() {
        bail!("cargo metadata failed: {}", out.stderr.trim());
    }
    let meta = Json::parse(&out.stdout).context("parsing cargo metadata")?;
    let dir = meta
        .get("target_directory")
        .as_str()
        .context("no target_directory in cargo metadata")?;
    Ok(PathBuf::from(dir))
}

/// Lines for the report's machine section.
fn machine_facts(tools: &Tools, started: u64) -> Vec<String> {
    let read = |path: &str| std::fs::read_to_string(path).unwrap_or_default();
    let cpuinfo = read("/proc/cpuinfo");
    let cpu = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .map(|rest| rest.trim_start_matches([' ', '\t', ':']).to_string())
        .unwrap_or_else(|| "unknown".into());
    let nproc = std::thread::available_parallelism()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "unknown".into());
    let mem_total = read("/proc/meminfo")
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:").map(|v| v.trim().to_string()))
        .unwrap_or_else(|| "unknown".into());
    let git = {
        let mut cmd = Command::new("git");
        cmd.args(["rev-parse", "--short", "HEAD"])
            .current_dir(crate::workspace_root());
        match run_captured(&mut cmd, Duration::from_secs(10)) {
            Ok(out) if out.status.success() => out.stdout.trim().to_string(),
            _ => "unknown".into(),
        }
    };
    let busy = read("/proc/loadavg")
        .split_whitespace()
        .next()
        .and_then(|l| l.parse::<f64>().ok())
        .zip(std::thread::available_parallelism().ok())
        .filter(|(load, cpus)| *load > cpus.get() as f64 / 2.0)
        .map(|(load, cpus)| {
            format!(
                "- NOTE: the machine was busy (1-minute load {load:.2} on {cpus} CPUs): expect noise; \
                 see how far apart the raw rounds are"
            )
        });
    let mut facts = vec![
        format!("- date: {}", report::utc_human(started)),
        format!("- nproc: {nproc}"),
        format!("- cpu: {cpu}"),
        format!("- memory: {mem_total}"),
        format!("- kernel: {}", read("/proc/sys/kernel/osrelease").trim()),
        format!(
            "- load average at start: {}",
            read("/proc/loadavg")
                .split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ")
        ),
        format!("- git HEAD: {git} (the working tree may hold uncommitted changes)"),
        format!(
            "- kv: {} — {}",
            tools.servers[KV].display(),
            version_line(&tools.servers[KV], "--version")
        ),
        format!(
            "- redis: {} — {}",
            tools.servers[REDIS].display(),
            version_line(&tools.servers[REDIS], "--version")
        ),
        format!(
            "- client: {} — {}",
            tools.benchmark.display(),
            version_line(&tools.benchmark, "--version")
        ),
    ];
    facts.extend(busy);
    facts
}

/// Starts one server; redis-server also gets `--daemonize no`.
fn start_server(which: usize, tools: &Tools, scratch: &Path) -> Result<Server> {
    let extra: &[&str] = if which == REDIS {
        &["--daemonize", "no"]
    } else {
        &[]
    };
    let server = Server::start(LABELS[which], &tools.servers[which], extra, scratch)?;
    eprintln!(
        "{} server on port {} (pid {})",
        server.label,
        server.port,
        server.pid()
    );
    Ok(server)
}

fn start_servers(tools: &Tools, scratch: &Path) -> Result<[Server; 2]> {
    Ok([
        start_server(KV, tools, scratch)?,
        start_server(REDIS, tools, scratch)?,
    ])
}

/// After a failure: if the server died, says so (the log's end goes to
/// stderr) and starts a fresh one in its place.
fn restart_if_dead(
    servers: &mut [Server; 2],
    which: usize,
    tools: &Tools,
    scratch: &Path,
) -> Result<Option<String>> {
    let Some(exit) = servers[which].exited() else {
        return Ok(None);
    };
    eprintln!("{exit}; its last lines:\n{}", servers[which].log_tail());
    eprintln!("starting a fresh {} server", LABELS[which]);
    servers[which] = start_server(which, tools, scratch)?;
    Ok(Some(exit))
}

fn throughput(opts: &BenchOpts, tools: &Tools, scratch: &Path) -> Result<Vec<Cell>> {
    let mut servers = start_servers(tools, scratch)?;
    let mut cells: Vec<Cell> = opts
        .tests
        .iter()
        .flat_map(|test| {
            opts.pipelines.iter().map(move |&pipeline| Cell {
                test,
                pipeline,
                requests: opts.requests_for(test, pipeline),
                runs: [Vec::new(), Vec::new()],
                errors: [Vec::new(), Vec::new()],
            })
        })
        .collect();
    for round in 0..opts.rounds {
        // Alternate who goes first so neither always runs on a warmer machine.
        let order = if round % 2 == 0 {
            [KV, REDIS]
        } else {
            [REDIS, KV]
        };
        for cell in &mut cells {
            for server in order {
                let port = servers[server].port;
                match run_benchmark(tools, port, cell, opts.clients) {
                    Ok(rps) => {
                        eprintln!(
                            "[round {}/{}] {:<10} -P {:<3} {:<5} {:>10.0} ops/s",
                            round + 1,
                            opts.rounds,
                            cell.test.name,
                            cell.pipeline,
                            LABELS[server],
                            rps
                        );
                        cell.runs[server].push(rps);
                    }
                    Err(err) => {
                        eprintln!(
                            "[round {}/{}] {} -P {} {}: FAILED: {err:#}",
                            round + 1,
                            opts.rounds,
                            cell.test.name,
                            cell.pipeline,
                            LABELS[server]
                        );
                        let mut message = format!("{err:#}");
                        // A dead server would fail every later run.
                        if let Some(exit) = restart_if_dead(&mut servers, server, tools, scratch)? {
                            message = format!("{message} ({exit})");
                        }
                        cell.errors[server].push(message);
                    }
                }
            }
        }
    }
    Ok(cells)
}

/// One run of the cell's test, with its setup in place; requests per second.
fn run_benchmark(tools: &Tools, port: u16, cell: &Cell, clients: u32) -> Result<f64> {
    let mut admin = Conn::connect(port, Duration::from_secs(10))?;
    let _subscribers = match cell.test.setup {
        Setup::None => None,
        Setup::Subscribers {
            count,
            name,
            pattern,
        } => Some(crate::driver::Subscribers::start(
            port, count, name, pattern,
        )?),
        Setup::Prepare(prepare) => {
            prepare(&mut admin)?;
            None
        }
        Setup::KeyspaceEvents => {
            admin.command(&[b"CONFIG", b"SET", b"notify-keyspace-events", b"KEA"])?;
            Some(crate::driver::Subscribers::start(
                port,
                1,
                "__key*__:*",
                true,
            )?)
        }
    };
    let rps = match cell.test.load {
        Load::Script(script) => {
            crate::driver::run_scripts(port, clients, cell.pipeline, cell.requests, script)
        }
        Load::Builtin(_) | Load::Command(_) | Load::RandomCommand(..) => {
            redis_benchmark(tools, port, cell, clients)
        }
    };
    if let Setup::KeyspaceEvents = cell.test.setup {
        admin.command(&[b"CONFIG", b"SET", b"notify-keyspace-events", b""])?;
    }
    rps
}

/// One redis-benchmark run; the requests per second of the cell's test.
fn redis_benchmark(tools: &Tools, port: u16, cell: &Cell, clients: u32) -> Result<f64> {
    let mut cmd = Command::new(&tools.benchmark);
    cmd.args(["-h", "127.0.0.1", "-p", &port.to_string()])
        .args(["-P", &cell.pipeline.to_string()])
        .args(["-c", &clients.to_string()])
        .args(["-n", &cell.requests.to_string()])
        .args(["-q", "--csv"]);
    // A custom command comes after every option.
    match cell.test.load {
        Load::Builtin(name) => cmd.args(["-t", name]),
        Load::Command(args) => cmd.args(args),
        Load::RandomCommand(args, bound) => cmd.args(["-r", &bound.to_string()]).args(args),
        Load::Script(_) => bail!("{} is not a redis-benchmark test", cell.test.name),
    };
    // Generous: only a server below ~2000 ops/s per pipeline slot times out.
    let secs = (cell.requests / (2000 * u64::from(cell.pipeline))).max(60);
    let out = run_captured(&mut cmd, Duration::from_secs(secs))?;
    // The output minus the CSV header, on one line.
    let output = || {
        let text = format!("{}\n{}", out.stdout, out.stderr);
        let lines: Vec<&str> = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with("\"test\","))
            .collect();
        lines.join(" / ")
    };
    if !out.status.success() {
        bail!(
            "`{}` exited with {}: {}",
            describe(&cmd),
            out.status,
            output()
        );
    }
    csv_rps(&out.stdout, cell.test.csv_name).with_context(|| {
        format!(
            "no {:?} row in the output of `{}`: {}",
            cell.test.csv_name,
            describe(&cmd),
            output()
        )
    })
}

/// The `rps` field of the row for `test` in redis-benchmark's `--csv` output:
/// a header line `"test","rps","avg_latency_ms",...` then one line per test.
fn csv_rps(csv: &str, test: &str) -> Option<f64> {
    csv.lines().find_map(|line| {
        let fields = split_csv(line);
        let name = fields.first()?;
        let ours = name == test
            || name
                .strip_prefix(test)
                .is_some_and(|rest| rest.starts_with(' '));
        if ours {
            fields.get(1)?.parse().ok()
        } else {
            None
        }
    })
}

/// Splits one CSV line with double-quoted fields.
fn split_csv(line: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = line.trim_end_matches('\r').chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            ('"', _) => quoted = !quoted,
            (',', false) => fields.push(std::mem::take(&mut field)),
            _ => field.push(c),
        }
    }
    fields.push(field);
    fields
}

/// Fresh servers, the dataset loaded into each, RSS and used_memory around it.
fn memory_dataset(dataset: &'static Dataset, tools: &Tools, scratch: &Path) -> Result<MemResult> {
    eprintln!("memory: {} ({})", dataset.name, dataset.description);
    let mut servers = start_servers(tools, scratch)?;
    let mut results = Vec::new();
    for which in [KV, REDIS] {
        let figures = measure_load(&mut servers[which], dataset);
        let figures = match figures {
            Ok(f) => {
                eprintln!(
                    "  {:<5} loaded in {:.1}s (CPU s: server {:.1}, xtask {:.1}): RSS {} -> {}",
                    LABELS[which],
                    f.load_secs,
                    f.cpu_secs[0],
                    f.cpu_secs[1],
                    report::mib(f.rss_before),
                    report::mib(f.rss_after)
                );
                Ok(f)
            }
            Err(err) => {
                let mut message = format!("{err:#}");
                if let Some(exit) = servers[which].exited() {
                    eprintln!("{exit}; its last lines:\n{}", servers[which].log_tail());
                    message = format!("{message} ({exit})");
                }
                eprintln!("  {:<5} FAILED: {message}", LABELS[which]);
                Err(message)
            }
        };
        results.push(figures);
    }
    let [kv, redis]: [Result<MemFigures, String>; 2] = results
        .try_into()
        .unwrap_or_else(|_| unreachable!("two servers"));
    Ok(MemResult {
        dataset,
        servers: [kv, redis],
    })
}

fn measure_load(server: &mut Server, dataset: &Dataset) -> Result<MemFigures> {
    let mut conn = Conn::connect(server.port, Duration::from_secs(10))?;
    let used_memory = |conn: &mut Conn| -> Result<Option<u64>> {
        Ok(conn
            .info("memory")?
            .and_then(|info| info_field(&info, "used_memory").and_then(|v| v.parse().ok())))
    };
    let rss_before = server.rss_bytes()?;
    let used_before = used_memory(&mut conn)?;
    conn.set_timeout(Duration::from_secs(120))?;
    let server_pid = server.pid().to_string();
    let cpu = || [cpu_secs(&server_pid), cpu_secs("self")];
    let cpu_before = cpu();
    let start = Instant::now();
    let mut pipeline = Pipeline::start(conn, LOAD_BATCH)?;
    (dataset.load)(&mut pipeline, dataset.items)?;
    let (_, mut conn) = pipeline.finish()?;
    let load_secs = start.elapsed().as_secs_f64();
    let cpu_after = cpu();
    let cpu_secs = [0, 1].map(|i| cpu_after[i] - cpu_before[i]);
    let dbsize = match conn.command(&[b"DBSIZE"])? {
        Reply::Integer(n) => Some(n),
        _ => None,
    };
    if let Some(n) = dbsize
        && n != dataset.keys as i64
    {
        bail!("DBSIZE is {n} after loading, expected {}", dataset.keys);
    }
    Ok(MemFigures {
        rss_before,
        rss_after: server.rss_bytes()?,
        used_before,
        used_after: used_memory(&mut conn)?,
        load_secs,
        cpu_secs,
        dbsize,
    })
}

/// User + system CPU seconds of a process (`self` or a pid) so far; 0 if unknown.
fn cpu_secs(pid: &str) -> f64 {
    // Clock ticks per second (USER_HZ) is 100 on every Linux we run on.
    const TICKS: f64 = 100.0;
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return 0.0;
    };
    let Some(close) = stat.rfind(')') else {
        return 0.0;
    };
    // After `pid (comm)`: state is field 3, utime and stime are fields 14, 15.
    let fields: Vec<&str> = stat[close + 1..].split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i - 3)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(14) + ticks(15)) / TICKS
}

/// The report and the number of failed measurements.
fn render(
    opts: &BenchOpts,
    facts: &[String],
    cells: &[Cell],
    memory: &[MemResult],
) -> (String, usize) {
    let mut out = String::new();
    let mut failures = 0;
    let _ = writeln!(out, "# kv vs Redis benchmark\n");
    let _ = writeln!(out, "## Machine\n");
    for fact in facts {
        let _ = writeln!(out, "{fact}");
    }

    if !cells.is_empty() {
        let _ = writeln!(out, "\n## Throughput\n");
        let _ = writeln!(
            out,
            "`redis-benchmark -h 127.0.0.1 -p PORT -t TEST -P PIPELINE -c {} -n N -q --csv`, \
             kv and redis alternately, {} round(s){}; median requests per second. `kv ahead`: rounds in which kv beat \
             the redis run beside it. PUBLISH_100: `PUBLISH bench-channel <64 bytes>` with 100 subscribers \
             drained by xtask; SET_KEA: SET with `notify-keyspace-events KEA` and one `__key*__:*` subscriber; \
             MULTI_EXEC_3: xtask's own driver, one request = MULTI, SET, INCR, GET, EXEC; \
             SETBIT: `SETBIT bench:bitmap:<random below 100000> 8191 1`; BITCOUNT_1MB: `BITCOUNT` of a 1 MB string; \
             XADD: `XADD bench:stream MAXLEN ~ 100000 * field value`; XREADGROUP_10: COUNT 10 from a consumer's pending \
             entries; PFADD: a random element; GEOSEARCH: 10 nearest within 2 km among 100,000 points.\n",
            opts.clients,
            opts.rounds,
            if opts.quick { ", quick mode" } else { "" }
        );
        let mut table = Table::new(&[
            ("test", Align::Left),
            ("pipeline", Align::Right),
            ("kv ops/s", Align::Right),
            ("redis ops/s", Align::Right),
            ("kv/redis", Align::Right),
            ("kv ahead", Align::Right),
        ]);
        let mut notes = Vec::new();
        for cell in cells {
            let (ahead, pairs) = cell.kv_ahead();
            let [kv, redis] = [cell.median(KV), cell.median(REDIS)];
            let show =
                |v: Option<f64>| v.map_or_else(|| "FAILED".to_string(), |v| format!("{v:.0}"));
            let ratio = match (kv, redis) {
                (Some(kv), Some(redis)) if redis > 0.0 => Some(kv / redis),
                _ => None,
            };
            table.row(vec![
                cell.test.name.into(),
                cell.pipeline.to_string(),
                show(kv),
                show(redis),
                ratio.map_or_else(|| "-".to_string(), |r| format!("{r:.2}")),
                if cell.errors.iter().any(|e| !e.is_empty()) {
                    "-".to_string()
                } else {
                    format!("{ahead}/{pairs}")
                },
            ]);
            if let Some(r) = ratio
                && r < 1.0
            {
                notes.push(format!(
                    "SLOWER: {} -P {}: kv {:.0} ops/s vs redis {:.0} ops/s (kv/redis {r:.2})",
                    cell.test.name,
                    cell.pipeline,
                    kv.unwrap_or_default(),
                    redis.unwrap_or_default()
                ));
            }
            for server in [KV, REDIS] {
                if let Some(err) = cell.errors[server].first() {
                    failures += 1;
                    notes.push(format!(
                        "FAILED: {} -P {} on {}: {}",
                        cell.test.name, cell.pipeline, LABELS[server], err
                    ));
                }
            }
        }
        out.push_str(&table.render());
        if !notes.is_empty() {
            out.push('\n');
            for note in notes {
                let _ = writeln!(out, "{note}");
            }
        }
    }

    if !memory.is_empty() {
        let _ = writeln!(out, "\n## Memory\n");
        let _ = writeln!(
            out,
            "Fresh servers per dataset, loaded over one connection in pipelined batches of {LOAD_BATCH}. \
             RSS from /proc/PID/status (VmRSS); ΔRSS/item = (RSS after − RSS before) / items, the fair \
             per-item cost; used_memory from INFO memory. kv/redis compares ΔRSS/item (lower is better).\n"
        );
        let mut table = Table::new(&[
            ("dataset", Align::Left),
            ("server", Align::Left),
            ("items", Align::Right),
            ("RSS before", Align::Right),
            ("RSS after", Align::Right),
            ("RSS/item", Align::Right),
            ("ΔRSS/item", Align::Right),
            ("Δused_memory/item", Align::Right),
            ("load s", Align::Right),
            ("kv/redis", Align::Right),
        ]);
        let mut notes = Vec::new();
        for result in memory {
            let ds = result.dataset;
            let per_item = |bytes: i128| format!("{:.1}", bytes as f64 / ds.items as f64);
            let delta_rss = |f: &MemFigures| f.rss_after as i128 - f.rss_before as i128;
            let ratio = match &result.servers {
                [Ok(kv), Ok(redis)] if delta_rss(redis) > 0 => {
                    Some(delta_rss(kv) as f64 / delta_rss(redis) as f64)
                }
                _ => None,
            };
            for server in [KV, REDIS] {
                let mut row = vec![
                    ds.name.to_string(),
                    LABELS[server].to_string(),
                    ds.items.to_string(),
                ];
                match &result.servers[server] {
                    Ok(f) => {
                        row.push(report::mib(f.rss_before));
                        row.push(report::mib(f.rss_after));
                        row.push(per_item(f.rss_after as i128));
                        row.push(per_item(delta_rss(f)));
                        row.push(match (f.used_before, f.used_after) {
                            (Some(b), Some(a)) => per_item(a as i128 - b as i128),
                            _ => "n/a".into(),
                        });
                        row.push(format!("{:.1}", f.load_secs));
                    }
                    Err(err) => {
                        failures += 1;
                        notes.push(format!(
                            "FAILED: memory {} on {}: {err}",
                            ds.name, LABELS[server]
                        ));
                        row.push("FAILED".into());
                        row.extend(std::iter::repeat_n("-".to_string(), 5));
                    }
                }
                row.push(match (server, ratio) {
                    (KV, Some(r)) => format!("{r:.2}"),
                    (KV, None) => "-".into(),
                    _ => String::new(),
                });
                table.row(row);
            }
            if let (Some(r), [Ok(kv), Ok(redis)]) = (ratio, &result.servers)
                && r > 1.0
            {
                notes.push(format!(
                    "LARGER: {}: kv {} B/{} vs redis {} B/{} (ΔRSS, kv/redis {r:.2})",
                    ds.name,
                    per_item(delta_rss(kv)),
                    ds.item_unit.0,
                    per_item(delta_rss(redis)),
                    ds.item_unit.0
                ));
            }
        }
        out.push_str(&table.render());
        let _ = writeln!(out);
        for result in memory {
            let ds = result.dataset;
            let dbsizes: Vec<String> = result
                .servers
                .iter()
                .map(|s| match s {
                    Ok(MemFigures {
                        dbsize: Some(n), ..
                    }) => n.to_string(),
                    Ok(_) => "n/a".into(),
                    Err(_) => "-".into(),
                })
                .collect();
            let _ = writeln!(
                out,
                "- {}: {} ({} {}, DBSIZE kv {} / redis {})",
                ds.name, ds.description, ds.items, ds.item_unit.1, dbsizes[KV], dbsizes[REDIS]
            );
        }
        if !notes.is_empty() {
            out.push('\n');
            for note in notes {
                let _ = writeln!(out, "{note}");
            }
        }
    }

    if !cells.is_empty() {
        let _ = writeln!(out, "\n## Raw rounds (ops/s)\n");
        let mut table = Table::new(&[
            ("test", Align::Left),
            ("pipeline", Align::Right),
            ("-n", Align::Right),
            ("kv", Align::Left),
            ("redis", Align::Left),
        ]);
        for cell in cells {
            let runs = |server: usize| {
                let mut parts: Vec<String> = cell.runs[server]
                    .iter()
                    .map(|v| format!("{v:.0}"))
                    .collect();
                parts.extend(cell.errors[server].iter().map(|_| "FAILED".to_string()));
                parts.join(" ")
            };
            table.row(vec![
                cell.test.name.into(),
                cell.pipeline.to_string(),
                cell.requests.to_string(),
                runs(KV),
                runs(REDIS),
            ]);
        }
        out.push_str(&table.render());
    }
    (out, failures)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CSV: &str = "\"test\",\"rps\",\"avg_latency_ms\",\"min_latency_ms\"\n\
        \"LPUSH (needed to benchmark LRANGE)\",\"57306.59\",\"0.489\",\"0.088\"\n\
        \"LRANGE_100 (first 100 elements)\",\"46403.71\",\"0.691\",\"0.208\"\n\
        \"MSET (10 keys)\",\"90497.73\",\"0.349\",\"0.160\"\n\
        \"SET\",\"530504.00\",\"1.289\",\"0.200\"\n";

    #[test]
    fn reads_redis_benchmark_csv() {
        assert_eq!(csv_rps(CSV, "LRANGE_100"), Some(46403.71));
        assert_eq!(csv_rps(CSV, "MSET"), Some(90497.73));
        assert_eq!(csv_rps(CSV, "SET"), Some(530504.0));
        assert_eq!(csv_rps(CSV, "LPUSH"), Some(57306.59));
        assert_eq!(csv_rps(CSV, "GET"), None);
        assert_eq!(csv_rps(CSV, "LRANGE"), None);
    }

    #[test]
    fn medians() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(median(&[]), None);
    }

    #[test]
    fn counts_rounds_kv_won() {
        let cell = Cell {
            test: &TESTS[0],
            pipeline: 1,
            requests: 1,
            runs: [vec![10.0, 5.0, 7.0, 9.0], vec![9.0, 6.0, 7.0, 1.0]],
            errors: [Vec::new(), Vec::new()],
        };
        assert_eq!(cell.kv_ahead(), (2, 4));
    }

    #[test]
    fn selects_rows() {
        let names = |v: Vec<&ThroughputTest>| v.iter().map(|t| t.name).collect::<Vec<_>>();
        assert_eq!(
            names(select_tests("default").unwrap()),
            [
                "PING",
                "SET",
                "GET",
                "INCR",
                "MSET",
                "LPUSH",
                "RPOP",
                "SADD",
                "HSET",
                "ZADD",
                "LRANGE_100",
                "LRANGE_600",
                "PUBLISH_100",
                "MULTI_EXEC_3",
                "SET_KEA",
                "SETBIT",
                "BITCOUNT_1MB",
                "XADD",
                "XREADGROUP_10",
                "PFADD",
                "GEOSEARCH"
            ]
        );
        assert_eq!(select_tests("all").unwrap().len(), TESTS.len());
        assert_eq!(
            names(select_tests("get, ping_mbulk,GET").unwrap()),
            ["GET", "PING"]
        );
        assert!(select_tests("nope").is_err());
        assert!(select_datasets("none").unwrap().is_empty());
        assert_eq!(select_datasets("default").unwrap().len(), DATASETS.len());
        assert_eq!(select_datasets("zset-1M").unwrap()[0].name, "zset-1M");
    }

    #[test]
    fn loaders_build_the_documented_commands() {
        let mut buf = Vec::new();
        crate::resp::encode(
            &mut buf,
            &[
                b"SET",
                &padded(b"key:", 999_999, 7),
                &padded(b"value:", 7, 10),
            ],
        );
        assert_eq!(
            buf,
            b"*3\r\n$3\r\nSET\r\n$11\r\nkey:0999999\r\n$16\r\nvalue:0000000007\r\n"
        );
        assert_eq!(padded(b"elem:", 5, 11), b"elem:00000000005");
        assert_eq!(padded(b"member:", 999_999, 9), b"member:000999999");
        assert_eq!(padded(b"", 12, 1), b"12");
    }
}
