//! CONFIG SET: all or nothing, Redis's error precedence and texts (checked
//! against redis-server 7.0.15), protected directives, apply and rollback.

mod common;

use common::*;
use kv_config::{ApplyError, Config, ConfigSetError, SetOptions};

#[test]
fn error_texts_and_precedence() {
    let mut c = Config::default();
    let cases: &[(&[(&str, &str)], &str)] = &[
        (
            &[("foo", "bar")],
            "ERR Unknown option or number of arguments for CONFIG SET - 'foo'",
        ),
        (
            &[("hz", "x"), ("foo", "1")],
            "ERR Unknown option or number of arguments for CONFIG SET - 'foo'",
        ),
        (
            &[("daemonize", "no"), ("hz", "x")],
            "ERR CONFIG SET failed (possibly related to argument 'daemonize') - can't set immutable config",
        ),
        (
            &[("hz", "x"), ("daemonize", "no")],
            "ERR CONFIG SET failed (possibly related to argument 'daemonize') - can't set immutable config",
        ),
        (
            &[("port", "7778"), ("PORT", "7778")],
            "ERR CONFIG SET failed (possibly related to argument 'PORT') - duplicate parameter",
        ),
        (
            &[("Slave-Priority", "1"), ("slave-priority", "2")],
            "ERR CONFIG SET failed (possibly related to argument 'slave-priority') - duplicate parameter",
        ),
        (
            &[("HZ", "x")],
            "ERR CONFIG SET failed (possibly related to argument 'hz') - argument couldn't be parsed into an integer",
        ),
        (
            &[("SLAVE-PRIORITY", "x")],
            "ERR CONFIG SET failed (possibly related to argument 'slave-priority') - argument couldn't be parsed into an integer",
        ),
        (
            &[("hz", "5"), ("maxmemory", "1x")],
            "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory value",
        ),
        (
            &[("dir", "/tmp")],
            "ERR CONFIG SET failed (possibly related to argument 'dir') - can't set protected config",
        ),
        (
            &[("dbfilename", "a/b")],
            "ERR CONFIG SET failed (possibly related to argument 'dbfilename') - can't set protected config",
        ),
        (
            &[("replicaof", "no one")],
            "ERR CONFIG SET failed (possibly related to argument 'replicaof') - can't set immutable config",
        ),
        (
            &[("appendonly", "yes")],
            "ERR CONFIG SET failed (possibly related to argument 'appendonly') - kv does not support 'appendonly yes' yet (AOF persistence is not implemented)",
        ),
        (
            &[("save", "900 1")],
            "ERR CONFIG SET failed (possibly related to argument 'save') - kv does not support 'save 900 1' yet (RDB snapshots are not implemented)",
        ),
        (
            &[("min-slaves-to-write", "1")],
            "ERR CONFIG SET failed (possibly related to argument 'min-slaves-to-write') - kv does not support 'min-slaves-to-write 1' yet (replication is not implemented, so no replica can acknowledge writes)",
        ),
    ];
    for (pairs, expected) in cases {
        assert_eq!(
            set(&mut c, pairs).err().as_deref(),
            Some(*expected),
            "{pairs:?}"
        );
        assert_eq!(c, Config::default(), "{pairs:?} changed something");
    }
}

#[test]
fn all_or_nothing() {
    let mut c = Config::default();
    // The second value is refused: the first is rolled back.
    assert!(
        set(
            &mut c,
            &[("hz", "20"), ("timeout", "5"), ("maxmemory", "1x")]
        )
        .is_err()
    );
    assert!(set(&mut c, &[("hz", "20"), ("appendonly", "yes")]).is_err());
    assert_eq!((c.hz, c.timeout), (10, 0));
    // Both accepted.
    assert_eq!(
        set(&mut c, &[("hz", "20"), ("timeout", "5")]),
        Ok(vec!["hz", "timeout"])
    );
    assert_eq!((c.hz, c.timeout), (20, 5));
    // Allowed values of Unsupported directives are fine.
    assert_eq!(
        set(
            &mut c,
            &[("appendonly", "no"), ("save", ""), ("maxmemory", "0")]
        ),
        Ok(vec![])
    );
}

#[test]
fn changed_names_are_canonical_and_only_real_changes() {
    let mut c = Config::default();
    assert_eq!(set(&mut c, &[("hz", "10")]), Ok(vec![]));
    assert_eq!(set(&mut c, &[("hz", "1000")]), Ok(vec!["hz"]));
    assert_eq!(get(&c, "hz"), "500");
    // An alias and its name are different parameters: both apply, in order.
    assert_eq!(
        set(
            &mut c,
            &[("slave-priority", "1"), ("replica-priority", "2")]
        ),
        Ok(vec!["replica-priority"])
    );
    assert_eq!(get(&c, "slave-priority"), "2");
    assert_eq!(
        set(&mut c, &[("hash-max-ziplist-entries", "7")]),
        Ok(vec!["hash-max-listpack-entries"])
    );
    assert_eq!(c.hash_max_listpack_entries, 7);
    // Partial class updates of client-output-buffer-limit.
    assert_eq!(
        set(
            &mut c,
            &[("client-output-buffer-limit", "replica 1mb 2kb 3")]
        ),
        Ok(vec!["client-output-buffer-limit"])
    );
    assert_eq!(
        get(&c, "client-output-buffer-limit"),
        "normal 0 0 0 slave 1048576 2048 3 pubsub 33554432 8388608 60"
    );
}

#[test]
fn binary_values() {
    let mut c = Config::default();
    assert_eq!(c.set(&[(b"requirepass", b"a\0b")]), Ok(vec!["requirepass"]));
    assert_eq!(c.requirepass.as_deref(), Some(&b"a\0b"[..]));
    assert_eq!(
        c.get(b"requirepass"),
        [("requirepass".to_string(), b"a\0b".to_vec())]
    );
    // C-string directives stop at NUL, as in Redis.
    assert!(
        c.set(&[(b"masteruser", b"a\0b"), (b"loglevel", b"warning\0x")])
            .is_ok()
    );
    assert_eq!(get(&c, "masteruser"), "a");
    assert_eq!(c.loglevel, "warning");
    // Typed string fields need UTF-8.
    assert_eq!(
        c.set(&[(b"bind", b"\xff")]).map_err(|e| e.to_string()),
        Err("ERR CONFIG SET failed (possibly related to argument 'bind') - argument must be valid UTF-8 in kv".into())
    );
    assert_eq!(c.set(&[(b"requirepass", b"")]), Ok(vec!["requirepass"]));
    assert_eq!(c.requirepass, None);
}

#[test]
fn protected_directives() {
    let opts = |local_client| SetOptions {
        local_client,
        loading: false,
    };
    let mut none = |_: &Config, _: &[&'static str]| Ok(());
    let mut c = load_ok("enable-protected-configs local\n");
    let dir: &[(&[u8], &[u8])] = &[(b"dir", b"/tmp")];
    assert!(c.set_with(dir, opts(false), &mut none).is_err());
    assert_eq!(c.set_with(dir, opts(true), &mut none), Ok(vec!["dir"]));
    assert_eq!(c.dir, "/tmp");
    let mut c = load_ok("enable-protected-configs yes\n");
    assert_eq!(
        c.set_with(&[(b"dbfilename", b"x/y")], opts(false), &mut none).map_err(|e| e.to_string()),
        Err("ERR CONFIG SET failed (possibly related to argument 'dbfilename') - dbfilename can't be a path, just a filename".into())
    );
    assert_eq!(
        c.set_with(&[(b"dbfilename", b"x.rdb")], opts(false), &mut none),
        Ok(vec!["dbfilename"])
    );
}

#[test]
fn loading_refuses_deny_loading_directives() {
    let mut c = Config::default();
    let opts = SetOptions {
        local_client: false,
        loading: true,
    };
    let r = c.set_with(&[(b"appendonly", b"no")], opts, &mut |_, _| Ok(()));
    assert_eq!(r, Err(ConfigSetError::Loading));
    assert_eq!(
        ConfigSetError::Loading.to_string(),
        "LOADING Redis is loading the dataset in memory"
    );
    assert!(
        c.set_with(&[(b"hz", b"5")], opts, &mut |_, _| Ok(()))
            .is_ok()
    );
}

#[test]
fn apply_failure_rolls_back() {
    let mut c = Config::default();
    let mut calls: Vec<(u16, u32)> = Vec::new();
    let r = c.set_with(
        &[(b"hz", b"20"), (b"port", b"7000")],
        SetOptions::default(),
        &mut |cfg: &Config, changed: &[&'static str]| {
            assert_eq!(changed, ["hz", "port"]);
            calls.push((cfg.port, cfg.hz));
            if cfg.port == 7000 {
                Err(ApplyError {
                    name: "port",
                    message: "Unable to listen on this port. Check server logs.".into(),
                })
            } else {
                Ok(())
            }
        },
    );
    assert_eq!(
        r.map_err(|e| e.to_string()),
        Err("ERR CONFIG SET failed (possibly related to argument 'port') - Unable to listen on this port. Check server logs.".into())
    );
    // Applied with the new values, then again with the old ones.
    assert_eq!(calls, [(7000, 20), (6379, 10)]);
    assert_eq!(c, Config::default());
}
