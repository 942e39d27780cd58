//! The propagation stream's promise, as a property: replaying what an engine
//! propagated, in order and at the same times, on an empty engine gives the
//! same keyspace — for random command sequences over a few keys and three
//! databases, with expiry (lazy and active), transactions, blocking commands
//! served at once, random pops and relative times.
//!
//! A replica here is an engine fed the stream as a client's requests, which is
//! how kv will load its AOF and apply a master's stream. Its clock stays at
//! the start, so that, like a Redis replica, it never expires a key itself:
//! only the DELs the original propagates remove keys whose time came.

use proptest::prelude::*;

use crate::testing::{TestEngine, shown};

const T0: u64 = 1_700_000_000_000;
const KEYS: &[&str] = &["a", "b", "c"];

/// One step of a generated run.
#[derive(Debug, Clone)]
enum Step {
    /// A command made from a template, a key, a second key and a number.
    Run(usize, usize, usize, i64),
    /// Time moves on by this many milliseconds.
    Wait(u64),
    /// One cron tick (active expiry).
    Cron,
    /// The steps inside run between MULTI and EXEC.
    Transaction(Vec<(usize, usize, usize, i64)>),
}

/// Command templates: `K` is the key, `L` the other key, `N` the number.
const TEMPLATES: &[&[&str]] = &[
    &["SET", "K", "N"],
    &["SET", "K", "N", "PX", "N"],
    &["SET", "K", "N", "EX", "N", "GET"],
    &["SETEX", "K", "N", "v"],
    &["GETEX", "K", "PX", "N"],
    &["GETEX", "K", "PERSIST"],
    &["GETDEL", "K"],
    &["GETSET", "K", "N"],
    &["INCRBY", "K", "N"],
    &["INCRBYFLOAT", "K", "1.5"],
    &["APPEND", "K", "N"],
    &["SETRANGE", "K", "2", "N"],
    &["EXPIRE", "K", "N"],
    &["PEXPIRE", "K", "N", "GT"],
    &["PERSIST", "K"],
    &["DEL", "K", "L"],
    &["RENAME", "K", "L"],
    &["MOVE", "K", "1"],
    &["COPY", "K", "L", "DB", "2", "REPLACE"],
    &["SELECT", "N"],
    &["RPUSH", "K", "N", "x"],
    &["LPOP", "K"],
    &["RPOP", "K", "2"],
    &["LMOVE", "K", "L", "LEFT", "RIGHT"],
    &["BLPOP", "K", "L", "0.01"],
    &["BLMOVE", "K", "L", "RIGHT", "LEFT", "0.01"],
    &["LMPOP", "2", "K", "L", "LEFT", "COUNT", "2"],
    &["LTRIM", "K", "1", "-1"],
    &["HSET", "K", "f", "N", "g", "x"],
    &["HDEL", "K", "f"],
    &["HINCRBYFLOAT", "K", "f", "0.5"],
    &["SADD", "K", "N", "m", "x", "y"],
    &["SREM", "K", "m"],
    &["SPOP", "K"],
    &["SPOP", "K", "2"],
    &["SPOP", "K", "9"],
    &["SMOVE", "K", "L", "x"],
    &["SINTERSTORE", "K", "L", "K"],
    &["SUNIONSTORE", "L", "K", "L"],
    &["ZADD", "K", "N", "m", "2", "n"],
    &["ZINCRBY", "K", "N", "m"],
    &["ZPOPMIN", "K"],
    &["BZPOPMAX", "K", "0.01"],
    &["ZMPOP", "1", "K", "MIN", "COUNT", "2"],
    &["ZUNIONSTORE", "L", "2", "K", "L"],
    &["ZRANGESTORE", "L", "K", "0", "-1"],
    &["FLUSHDB"],
    &["SWAPDB", "0", "2"],
];

fn args(template: usize, key: usize, other: usize, n: i64) -> Vec<String> {
    let n = match TEMPLATES[template][0] {
        // SELECT stays within the three databases the test looks at.
        "SELECT" => n.rem_euclid(3),
        _ => n,
    };
    TEMPLATES[template]
        .iter()
        .map(|a| match *a {
            "K" => KEYS[key].to_owned(),
            "L" => KEYS[other].to_owned(),
            "N" => n.to_string(),
            a => a.to_owned(),
        })
        .collect()
}

fn step() -> impl Strategy<Value = Step> {
    let command = (0..TEMPLATES.len(), 0..KEYS.len(), 0..KEYS.len(), -2i64..300);
    prop_oneof![
        8 => command.clone().prop_map(|(t, k, l, n)| Step::Run(t, k, l, n)),
        2 => (1u64..400).prop_map(Step::Wait),
        1 => Just(Step::Cron),
        1 => prop::collection::vec(command, 1..5).prop_map(Step::Transaction),
    ]
}

/// Every live key of the three databases with its type, value and expiry, in
/// a canonical form (sorted members), read through commands.
fn snapshot(t: &mut TestEngine) -> Vec<String> {
    let mut out = Vec::new();
    for db in 0..3 {
        t.run(&["SELECT", &db.to_string()]);
        let keys = shown(&t.run(&["KEYS", "*"]));
        let mut keys: Vec<String> = keys
            .split('|')
            .skip(2)
            .step_by(2)
            .map(str::to_owned)
            .collect();
        keys.retain(|k| !k.is_empty());
        keys.sort();
        for key in keys {
            let kind = shown(&t.run(&["TYPE", &key]));
            let value = match kind.as_str() {
                "+string|" => shown(&t.run(&["GET", &key])),
                "+list|" => shown(&t.run(&["LRANGE", &key, "0", "-1"])),
                "+zset|" => shown(&t.run(&["ZRANGE", &key, "0", "-1", "WITHSCORES"])),
                "+hash|" | "+set|" => {
                    let cmd = if kind == "+hash|" {
                        "HGETALL"
                    } else {
                        "SMEMBERS"
                    };
                    let reply = shown(&t.run(&[cmd, &key]));
                    let mut items: Vec<&str> = reply.split('|').skip(1).collect();
                    if kind == "+hash|" {
                        let mut pairs: Vec<String> = items.chunks(4).map(|c| c.join("|")).collect();
                        pairs.sort();
                        pairs.join("|")
                    } else {
                        items.sort();
                        items.join("|")
                    }
                }
                other => panic!("unexpected type {other}"),
            };
            let expiry = shown(&t.run(&["PEXPIRETIME", &key]));
            out.push(format!("{db} {key} {kind} {value} {expiry}"));
        }
    }
    out
}

/// Runs one request on the original, at the current time, and applies what
/// it propagated to the replica at that same time.
fn run_both(original: &mut TestEngine, replica: &mut TestEngine, args: &[String]) {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    if args[0].starts_with('B')
        && !original
            .engine
            .client(original.client)
            .is_some_and(|c| c.in_multi())
    {
        // A blocking command comes from a client of its own, which may stay
        // parked until a later push serves it (its retry propagates then).
        let blocker = original.connect();
        original.run_as(blocker, &args);
    } else {
        original.run(&args);
    }
    forward(original, replica);
}

fn forward(original: &mut TestEngine, replica: &mut TestEngine) {
    for command in original.propagated_argvs() {
        let text: Vec<String> = command
            .iter()
            .map(|a| String::from_utf8(a.clone()).expect("the test uses text"))
            .collect();
        let text: Vec<&str> = text.iter().map(String::as_str).collect();
        let reply = shown(&replica.run(&text));
        assert!(
            !reply.starts_with('-') || text[0] == "EXEC",
            "the replica refused {text:?}: {reply}"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn replaying_the_stream_rebuilds_the_keyspace(steps in prop::collection::vec(step(), 1..60)) {
        let mut original = TestEngine::new();
        original.record_propagation();
        let mut replica = TestEngine::new();
        let mut now = T0;
        for step in &steps {
            match step {
                Step::Run(t, k, l, n) => run_both(&mut original, &mut replica, &args(*t, *k, *l, *n)),
                Step::Wait(ms) => {
                    now += ms;
                    original.set_time_ms(now);
                    original.engine.expire_blocked();
                }
                Step::Cron => {
                    original.engine.cron(&original.host);
                    forward(&mut original, &mut replica);
                }
                Step::Transaction(commands) => {
                    run_both(&mut original, &mut replica, &["MULTI".to_owned()]);
                    for (t, k, l, n) in commands {
                        run_both(&mut original, &mut replica, &args(*t, *k, *l, *n));
                    }
                    run_both(&mut original, &mut replica, &["EXEC".to_owned()]);
                }
            }
        }
        // Keys past their time that nothing touched yet: the original deletes
        // them now, as a lookup or the cron eventually would, and propagates it.
        for db in &mut original.engine.dbs {
            db.expire_all_due(now);
        }
        original.engine.report_all_db_effects();
        forward(&mut original, &mut replica);
        prop_assert_eq!(snapshot(&mut original), snapshot(&mut replica));
    }
}
