//! Dispatcher and command tests, data-driven through [`crate::testing::check`].

use crate::testing::{TestEngine, check, check_on, shown};

#[test]
fn dispatcher_errors() {
    check(&[
        (
            &["NOSUCH"],
            "-ERR unknown command 'NOSUCH', with args beginning with: |",
        ),
        (
            &["nosuch", "a", "b"],
            "-ERR unknown command 'nosuch', with args beginning with: 'a' 'b' |",
        ),
        (
            &["GET"],
            "-ERR wrong number of arguments for 'get' command|",
        ),
        (
            &["get", "a", "b"],
            "-ERR wrong number of arguments for 'get' command|",
        ),
        (
            &["CLIENT"],
            "-ERR wrong number of arguments for 'client' command|",
        ),
        (
            &["CLIENT", "nosuch"],
            "-ERR unknown subcommand 'nosuch'. Try CLIENT HELP.|",
        ),
        (
            &["client", "kill"],
            "-ERR wrong number of arguments for 'client|kill' command|",
        ),
        (&["PiNg"], "+PONG|"),
    ]);
}

#[test]
fn unknown_command_arguments_are_cut_at_128_bytes() {
    let long = "x".repeat(200);
    let mut t = TestEngine::new();
    let reply = shown(&t.run(&["nosuch", &long, "next"]));
    assert_eq!(
        reply,
        format!(
            "-ERR unknown command 'nosuch', with args beginning with: '{}' |",
            "x".repeat(128)
        )
    );
}

#[test]
fn strings_basics() {
    check(&[
        (&["SET", "k", "v"], "+OK|"),
        (&["GET", "k"], "$1|v|"),
        (&["SET", "k", "w", "NX"], "$-1|"),
        (&["SET", "k", "w", "XX", "GET"], "$1|v|"),
        (&["SET", "k", "w", "NX", "XX"], "-ERR syntax error|"),
        (
            &["INCR", "k"],
            "-ERR value is not an integer or out of range|",
        ),
        (&["SET", "n", "9223372036854775806"], "+OK|"),
        (&["INCR", "n"], ":9223372036854775807|"),
        (
            &["INCR", "n"],
            "-ERR increment or decrement would overflow|",
        ),
        (
            &["MSET", "a", "1", "b"],
            "-ERR wrong number of arguments for 'mset' command|",
        ),
        (&["MSET", "a", "1", "b", "2"], "+OK|"),
        (&["MGET", "a", "nope", "b"], "*3|$1|1|$-1|$1|2|"),
        (&["EXISTS", "a", "a", "nope"], ":2|"),
        (&["DEL", "a", "nope"], ":1|"),
    ]);
}

#[test]
fn auth_and_noauth() {
    let mut config = crate::Config::default();
    config
        .set(&[(b"requirepass".as_slice(), b"pw".as_slice())])
        .expect("requirepass is settable");
    let mut t = TestEngine::with_config(config);
    check_on(
        &mut t,
        &[
            (&["GET", "k"], "-NOAUTH Authentication required.|"),
            (&["PING"], "-NOAUTH Authentication required.|"),
            (
                &["AUTH", "nope"],
                "-WRONGPASS invalid username-password pair or user is disabled.|",
            ),
            (&["AUTH", "default", "pw"], "+OK|"),
            (&["GET", "k"], "$-1|"),
        ],
    );
}

#[test]
fn client_reply_modes() {
    check(&[
        (&["CLIENT", "REPLY", "OFF"], ""),
        (&["PING"], ""),
        (&["NOSUCH"], ""),
        (&["CLIENT", "REPLY", "ON"], "+OK|"),
        (&["CLIENT", "REPLY", "SKIP"], ""),
        (&["PING"], ""),
        (&["PING"], "+PONG|"),
        // ON cancels a pending skip, and its own OK is sent (redis-server 7.0.15).
        (&["CLIENT", "REPLY", "SKIP"], ""),
        (&["CLIENT", "REPLY", "ON"], "+OK|"),
        (&["PING"], "+PONG|"),
        // Two SKIPs in a row: the second is skipped, and silences the command after it.
        (&["CLIENT", "REPLY", "SKIP"], ""),
        (&["CLIENT", "REPLY", "SKIP"], ""),
        (&["PING"], ""),
        (&["PING"], "+PONG|"),
        // A rejected command is skipped too.
        (&["CLIENT", "REPLY", "SKIP"], ""),
        (&["NOSUCH"], ""),
        (&["PING"], "+PONG|"),
    ]);
}

#[test]
fn hello_switches_protocol_and_reset_switches_back() {
    let mut t = TestEngine::new();
    let reply = shown(&t.run(&["HELLO", "3", "SETNAME", "me"]));
    assert!(reply.starts_with("%7|$6|server|$5|redis|"), "{reply}");
    check_on(
        &mut t,
        &[
            (&["GET", "nope"], "_|"),
            (&["CLIENT", "GETNAME"], "$2|me|"),
            (&["RESET"], "+RESET|"),
            (&["GET", "nope"], "$-1|"),
            (&["CLIENT", "GETNAME"], "$-1|"),
        ],
    );
}

#[test]
fn commandstats_count_calls_failures_and_rejections() {
    let mut t = TestEngine::new();
    t.run(&["GET", "a"]);
    t.run(&["GET"]);
    t.run(&["SET", "s", "x"]);
    t.run(&["INCR", "s"]);
    let info = shown(&t.run(&["INFO", "commandstats"]));
    assert!(
        info.contains(
            "cmdstat_get:calls=1,usec=0,usec_per_call=0.00,rejected_calls=1,failed_calls=0"
        ),
        "{info}"
    );
    assert!(
        info.contains(
            "cmdstat_incr:calls=1,usec=0,usec_per_call=0.00,rejected_calls=0,failed_calls=1"
        ),
        "{info}"
    );
}

#[test]
fn command_table_is_consistent() {
    let index = crate::command::index();
    for cmd in &index.all {
        assert_eq!(
            cmd.name,
            cmd.name.to_ascii_lowercase(),
            "names are lowercase"
        );
        assert!(cmd.arity != 0, "{} has an arity", cmd.name);
        assert!(!cmd.summary.is_empty(), "{} has a summary", cmd.name);
        if cmd.subcommands.is_empty() {
            assert!(cmd.handler.is_some(), "{} has a handler", cmd.name);
        }
        for sub in cmd.subcommands {
            assert!(
                sub.name.starts_with(&format!("{}|", cmd.name)),
                "{} under {}",
                sub.name,
                cmd.name
            );
        }
    }
}

#[test]
fn inspecting_a_key_does_not_touch_it() {
    let mut t = TestEngine::new();
    t.set_time_ms(1_000_000);
    t.run(&["SET", "foo", "bar"]);
    t.set_time_ms(1_005_000);
    // As Redis's LOOKUP_NOTOUCH: these look at the key without using it.
    for cmd in ["TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME", "TYPE", "EXISTS"] {
        t.run(&[cmd, "foo"]);
    }
    check_on(&mut t, &[(&["OBJECT", "IDLETIME", "foo"], ":5|")]);
    t.run(&["TOUCH", "foo"]);
    check_on(&mut t, &[(&["OBJECT", "IDLETIME", "foo"], ":0|")]);
}
