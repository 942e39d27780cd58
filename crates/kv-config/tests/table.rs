//! The directive table against redis-server 7.0.15: the same names, the same
//! defaults, and statuses that hold together.

mod common;

use std::collections::BTreeMap;

use common::*;
use kv_config::{Config, DIRECTIVES, FILE_DIRECTIVES, Support};

/// `CONFIG GET *` of a fresh redis-server 7.0.15: name -> value.
fn redis_config_get_all() -> BTreeMap<String, String> {
    include_str!("fixtures/redis-7.0.15-config-get-all.tsv")
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| {
            let (n, v) = l
                .split_once('\t')
                .unwrap_or_else(|| panic!("bad fixture line {l:?}"));
            (n.to_string(), v.to_string())
        })
        .collect()
}

#[test]
fn config_get_star_lists_exactly_redis_names() {
    let redis = redis_config_get_all();
    let ours: BTreeMap<String, String> = Config::default()
        .get(b"*")
        .into_iter()
        .map(|(n, v)| (n, String::from_utf8_lossy(&v).into_owned()))
        .collect();
    let redis_names: Vec<&String> = redis.keys().collect();
    let our_names: Vec<&String> = ours.keys().collect();
    assert_eq!(our_names, redis_names);
}

#[test]
fn defaults_are_redis_defaults() {
    let redis = redis_config_get_all();
    let ours = Config::default();
    for (name, value) in &redis {
        let mine = get(&ours, name);
        match name.as_str() {
            // The fixture server ran on another port, in its own directory.
            "port" => assert_eq!(mine, "6379"),
            // kv's working directory is filled in by the server.
            "dir" => assert_eq!(mine, ""),
            _ => assert_eq!(&mine, value, "default of {name}"),
        }
    }
    assert_eq!(get(&ours, "save"), "", "kv's deliberate default");
}

#[test]
fn names_are_lowercase_and_unique() {
    let mut seen = std::collections::HashSet::new();
    let all = DIRECTIVES
        .iter()
        .flat_map(|d| std::iter::once(d.name).chain(d.aliases.iter().copied()))
        .chain(FILE_DIRECTIVES.iter().map(|f| f.name));
    for n in all {
        assert_eq!(n, n.to_ascii_lowercase());
        assert!(seen.insert(n), "{n} twice");
    }
}

#[test]
fn defaults_pass_their_own_status() {
    for d in DIRECTIVES {
        if let Support::Unsupported { allowed, .. } = d.support {
            assert!(
                allowed(&d.default_value()),
                "{}: default refused by kv",
                d.name
            );
        }
    }
}

#[test]
fn hidden_directives_answer_exact_names_only() {
    let c = Config::default();
    for name in [
        "use-exit-on-panic",
        "rdb-key-save-delay",
        "key-load-delay",
        "watchdog-period",
        "loading-process-events-interval-bytes",
    ] {
        assert_eq!(c.get(name.as_bytes()).len(), 1, "{name}");
        assert!(c.get(b"*").iter().all(|(n, _)| n != name));
    }
    assert_eq!(get(&c, "loading-process-events-interval-bytes"), "2097152");
}

#[test]
fn config_get_patterns_and_names() {
    let c = Config::default();
    let names = |pats: &[&str]| -> Vec<String> {
        let pats: Vec<&[u8]> = pats.iter().map(|p| p.as_bytes()).collect();
        let mut v: Vec<String> = c.get_many(&pats).into_iter().map(|(n, _)| n).collect();
        v.sort();
        v
    };
    // Exact names answer under the spelling asked, case-insensitively.
    assert_eq!(names(&["Port"]), ["Port"]);
    assert_eq!(names(&["SLAVEOF"]), ["SLAVEOF"]);
    // A name appears once, compared case-insensitively, first spelling kept.
    assert_eq!(names(&["port", "PORT"]), ["port"]);
    assert_eq!(names(&["PORT", "p*rt"]), ["PORT"]);
    assert_eq!(names(&["p*rt", "PORT"]), ["port"]);
    // Patterns match case-insensitively and list aliases too.
    assert_eq!(names(&["P*RT"]), ["port"]);
    assert_eq!(
        names(&["hash-max-*"]),
        [
            "hash-max-listpack-entries",
            "hash-max-listpack-value",
            "hash-max-ziplist-entries",
            "hash-max-ziplist-value"
        ]
    );
    assert_eq!(names(&["*lua*"]), ["lua-time-limit"]);
    assert_eq!(names(&["[pb]o*"]), ["port"]);
    // File-only directives and unknown names are not configs.
    assert!(names(&["include", "user", "rename-command", "foo", ""]).is_empty());
    assert_eq!(
        names(&["slave-priority", "replica-priority"]),
        ["replica-priority", "slave-priority"]
    );
}

#[test]
fn every_directive_is_reachable_by_name_and_alias() {
    let c = Config::default();
    for d in DIRECTIVES {
        for n in std::iter::once(d.name).chain(d.aliases.iter().copied()) {
            assert_eq!(c.get(n.as_bytes()).len(), 1, "{n}");
        }
    }
}
