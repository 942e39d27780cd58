//! The engine against a model: random sequences of string, key and expiry
//! commands, with a clock the test moves (never sleeps), checking every reply
//! against a plain map of (value, absolute expiry). Expiry boundaries are hit
//! on purpose: time moves by amounts around the TTLs that were set.

use std::collections::HashMap;

use kv_engine::testing::{TestEngine, shown};
use proptest::prelude::*;

const START_MS: u64 = 1_700_000_000_000;

#[derive(Debug, Clone)]
enum Op {
    Set(u8, u16),
    SetPx(u8, u16, u16),
    Get(u8),
    Del(u8),
    Exists(u8),
    Incr(u8),
    Append(u8, u16),
    PExpire(u8, u16),
    Persist(u8),
    Pttl(u8),
    Advance(u16),
    Dbsize,
    Cron,
}

fn op() -> impl Strategy<Value = Op> {
    let key = 0u8..6;
    prop_oneof![
        3 => (key.clone(), any::<u16>()).prop_map(|(k, v)| Op::Set(k, v)),
        2 => (key.clone(), any::<u16>(), 1u16..200).prop_map(|(k, v, t)| Op::SetPx(k, v, t)),
        3 => key.clone().prop_map(Op::Get),
        1 => key.clone().prop_map(Op::Del),
        1 => key.clone().prop_map(Op::Exists),
        2 => key.clone().prop_map(Op::Incr),
        1 => (key.clone(), any::<u16>()).prop_map(|(k, v)| Op::Append(k, v)),
        2 => (key.clone(), 1u16..200).prop_map(|(k, t)| Op::PExpire(k, t)),
        1 => key.clone().prop_map(Op::Persist),
        2 => key.clone().prop_map(Op::Pttl),
        3 => (0u16..150).prop_map(Op::Advance),
        1 => Just(Op::Dbsize),
        1 => Just(Op::Cron),
    ]
}

/// The model: key → (bytes, absolute expiry).
#[derive(Default)]
struct Model {
    now: u64,
    keys: HashMap<String, (Vec<u8>, Option<u64>)>,
}

impl Model {
    fn live(&mut self, key: &str) -> Option<&mut (Vec<u8>, Option<u64>)> {
        let now = self.now;
        if self
            .keys
            .get(key)
            .is_some_and(|(_, at)| at.is_some_and(|at| at <= now))
        {
            self.keys.remove(key);
        }
        self.keys.get_mut(key)
    }

    fn purge(&mut self) {
        let now = self.now;
        self.keys.retain(|_, (_, at)| at.is_none_or(|at| at > now));
    }
}

fn bulk(v: &[u8]) -> String {
    format!("${}|{}|", v.len(), String::from_utf8_lossy(v))
}

fn canonical_int(v: &[u8]) -> Option<i64> {
    let s = std::str::from_utf8(v).ok()?;
    let n: i64 = s.parse().ok()?;
    (n.to_string() == s).then_some(n)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn engine_matches_model(ops in proptest::collection::vec(op(), 1..120)) {
        let mut t = TestEngine::new();
        let mut m = Model { now: START_MS, ..Model::default() };
        t.set_time_ms(START_MS);
        for op in ops {
            let (args, expected): (Vec<String>, String) = match op {
                Op::Set(k, v) => {
                    let (key, val) = (format!("k{k}"), v.to_string());
                    m.keys.insert(key.clone(), (val.clone().into_bytes(), None));
                    (vec!["SET".into(), key, val], "+OK|".into())
                }
                Op::SetPx(k, v, ttl) => {
                    let (key, val) = (format!("k{k}"), format!("v{v}"));
                    m.keys.insert(key.clone(), (val.clone().into_bytes(), Some(m.now + u64::from(ttl))));
                    (vec!["SET".into(), key, val, "PX".into(), ttl.to_string()], "+OK|".into())
                }
                Op::Get(k) => {
                    let key = format!("k{k}");
                    let want = m.live(&key).map_or("$-1|".into(), |(v, _)| bulk(v));
                    (vec!["GET".into(), key], want)
                }
                Op::Del(k) => {
                    let key = format!("k{k}");
                    let existed = m.live(&key).is_some();
                    m.keys.remove(&key);
                    (vec!["DEL".into(), key], format!(":{}|", i32::from(existed)))
                }
                Op::Exists(k) => {
                    let key = format!("k{k}");
                    let existed = m.live(&key).is_some();
                    (vec!["EXISTS".into(), key], format!(":{}|", i32::from(existed)))
                }
                Op::Incr(k) => {
                    let key = format!("k{k}");
                    let want = match m.live(&key) {
                        None => {
                            m.keys.insert(key.clone(), (b"1".to_vec(), None));
                            ":1|".to_string()
                        }
                        Some((v, _)) => match canonical_int(v).and_then(|n| n.checked_add(1)) {
                            Some(n) => {
                                *v = n.to_string().into_bytes();
                                format!(":{n}|")
                            }
                            None if canonical_int(v).is_some() => "-ERR increment or decrement would overflow|".into(),
                            None => "-ERR value is not an integer or out of range|".into(),
                        },
                    };
                    (vec!["INCR".into(), key], want)
                }
                Op::Append(k, v) => {
                    let (key, tail) = (format!("k{k}"), v.to_string());
                    let len = match m.live(&key) {
                        Some((val, _)) => {
                            val.extend_from_slice(tail.as_bytes());
                            val.len()
                        }
                        None => {
                            m.keys.insert(key.clone(), (tail.clone().into_bytes(), None));
                            tail.len()
                        }
                    };
                    (vec!["APPEND".into(), key, tail], format!(":{len}|"))
                }
                Op::PExpire(k, ttl) => {
                    let key = format!("k{k}");
                    let now = m.now;
                    let hit = match m.live(&key) {
                        Some((_, at)) => {
                            *at = Some(now + u64::from(ttl));
                            1
                        }
                        None => 0,
                    };
                    (vec!["PEXPIRE".into(), key, ttl.to_string()], format!(":{hit}|"))
                }
                Op::Persist(k) => {
                    let key = format!("k{k}");
                    let removed = match m.live(&key) {
                        Some((_, at)) => at.take().is_some(),
                        None => false,
                    };
                    (vec!["PERSIST".into(), key], format!(":{}|", i32::from(removed)))
                }
                Op::Pttl(k) => {
                    let key = format!("k{k}");
                    let now = m.now;
                    let want = match m.live(&key) {
                        None => -2,
                        Some((_, None)) => -1,
                        Some((_, Some(at))) => (*at - now) as i64,
                    };
                    (vec!["PTTL".into(), key], format!(":{want}|"))
                }
                Op::Advance(ms) => {
                    m.now += u64::from(ms);
                    t.set_time_ms(m.now);
                    continue;
                }
                Op::Dbsize => {
                    // DBSIZE may count expired keys not yet deleted: compare
                    // after removing what the model would have, via a scan of
                    // every key (lazy expiry) first.
                    for k in 0..6 {
                        t.run(&["EXISTS", &format!("k{k}")]);
                    }
                    m.purge();
                    (vec!["DBSIZE".into()], format!(":{}|", m.keys.len()))
                }
                Op::Cron => {
                    t.engine.cron(&t.host);
                    continue;
                }
            };
            let argv: Vec<&str> = args.iter().map(String::as_str).collect();
            let got = shown(&t.run(&argv));
            prop_assert_eq!(&got, &expected, "{:?} at t+{}", args, m.now - START_MS);
        }
    }
}

/// 2,000 keys with PX 100 that nobody touches are all gone once the cron has
/// run a few times after they expire (issue acceptance: within 2 seconds).
#[test]
fn active_expiry_removes_untouched_keys() {
    let mut t = TestEngine::new();
    t.set_time_ms(START_MS);
    for i in 0..2000 {
        t.run(&["SET", &format!("key:{i}"), "v", "PX", "100"]);
    }
    t.run(&["SET", "forever", "v"]);
    t.set_time_ms(START_MS + 200);
    // 10 cron ticks = one second at hz 10.
    for tick in 0..10 {
        t.host.monotonic_us += 100_000 * tick;
        t.engine.cron(&t.host);
    }
    assert_eq!(shown(&t.run(&["DBSIZE"])), ":1|");
    let info = shown(&t.run(&["INFO", "stats"]));
    assert!(info.contains("expired_keys:2000|"), "{info}");
}
