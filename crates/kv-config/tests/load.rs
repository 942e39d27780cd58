//! Loading redis.conf text and redis-server command lines. Every Redis message
//! here was checked against redis-server 7.0.15.

mod common;

use common::*;
use kv_config::{Config, ConfigError};

#[test]
fn line_syntax() {
    // Comments, blank lines, CRLF, surrounding blanks, case-insensitive names.
    let c = load_ok("# comment\n\n  # indented comment\r\nPORT 1\r\n\t  HZ 50  \t\n");
    assert_eq!(c.port, 1);
    assert_eq!(c.hz, 50);
    // Quotes and escapes (split like redis-server splits lines).
    let c = load_ok("requirepass \"a\\x41\\n\"\nlogfile 'x y'\n");
    assert_eq!(c.requirepass.as_deref(), Some(&b"aA\n"[..]));
    assert_eq!(c.logfile, "x y");
    // Later lines win.
    assert_eq!(load_ok("port 7777\nport 7778\n").port, 7778);
}

#[test]
fn redis_error_messages() {
    let cases: &[(&str, &str)] = &[
        ("hz 5 6", "wrong number of arguments"),
        ("hz", "wrong number of arguments"),
        ("hz 35 # comment", "wrong number of arguments"),
        ("requirepass a b", "wrong number of arguments"),
        ("foo bar", "Bad directive or wrong number of arguments"),
        ("include", "Bad directive or wrong number of arguments"),
        ("user", "Bad directive or wrong number of arguments"),
        ("loadmodule", "Bad directive or wrong number of arguments"),
        (
            "rename-command GET",
            "Bad directive or wrong number of arguments",
        ),
        (
            "list-max-ziplist-entries 5 6",
            "Bad directive or wrong number of arguments",
        ),
        (
            "lua-replicate-commands",
            "Bad directive or wrong number of arguments",
        ),
        ("save 5 \"", "Unbalanced quotes in configuration line"),
        ("hz \"3\"8", "Unbalanced quotes in configuration line"),
        ("save 5", "Invalid save parameters"),
        ("save \"\" 300 10", "Invalid save parameters"),
        (
            "databases 0",
            "argument must be between 1 and 2147483647 inclusive",
        ),
        ("maxmemory 1x", "argument must be a memory value"),
        (
            "loglevel foo",
            "argument(s) must be one of the following: debug, verbose, notice, warning",
        ),
        ("activerehashing maybe", "argument must be 'yes' or 'no'"),
        ("port abc", "argument couldn't be parsed into an integer"),
        (
            "unixsocketperm 778",
            "argument couldn't be parsed as an octal number",
        ),
        (
            "unixsocketperm 1777",
            "argument must be between 0 and 777 inclusive",
        ),
        (
            "maxclients 0",
            "argument must be between 1 and 4294967295 inclusive",
        ),
        (
            "maxmemory-clients 101%",
            "percentage argument must be less or equal to 100",
        ),
        ("replicaof 127.0.0.1", "wrong number of arguments"),
        ("replicaof 127.0.0.1 99999", "Invalid master port"),
        ("notify-keyspace-events", "wrong number of arguments"),
        ("notify-keyspace-events K E", "wrong number of arguments"),
        (
            "notify-keyspace-events q",
            "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.",
        ),
        ("oom-score-adj-values 1 2", "wrong number of arguments"),
        (
            "dbfilename a/b",
            "dbfilename can't be a path, just a filename",
        ),
        ("appendfilename \"\"", "appendfilename can't be empty"),
        (
            "shutdown-on-sigint save nosave",
            "shutdown options SAVE and NOSAVE can't be used simultaneously",
        ),
        (
            "shutdown-on-sigint",
            "argument(s) must be one of the following: default, save, nosave, now, force",
        ),
        (
            "client-output-buffer-limit \"\"",
            "Wrong number of arguments in buffer limit configuration.",
        ),
        (
            "client-output-buffer-limit master 1 2 3",
            "Invalid client class specified in buffer limit configuration.",
        ),
        (
            "bind a b c d e f g h i j k l m n o p q",
            "Too many bind addresses specified.",
        ),
        ("foo.bar", "Module config specified without value"),
    ];
    for (line, msg) in cases {
        assert_eq!(load_err(line), *msg, "{line:?}");
    }
}

#[test]
fn fatal_report_is_redis_servers() {
    // `redis-server --port 7779 --foo bar` prints exactly this on stderr.
    let args: Vec<String> = ["--port", "7779", "--foo", "bar"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let err = Config::from_args(&args, &mut |_| unreachable!("no file")).err();
    let Some(e) = err else { panic!("accepted") };
    assert_eq!(
        e.to_string(),
        "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 3\n\
         >>> 'foo \"bar\"'\nBad directive or wrong number of arguments"
    );
    let ConfigError::Line {
        file, line, text, ..
    } = e
    else {
        panic!("not a line error")
    };
    assert_eq!(
        (file.as_str(), line, text.as_str()),
        ("(command line)", 3, "foo \"bar\"")
    );
}

#[test]
fn accumulating_and_replacing_directives() {
    // client-output-buffer-limit classes merge across lines.
    let c = load_ok(
        "client-output-buffer-limit normal 1 2 3\nclient-output-buffer-limit pubsub 4 5 6\n",
    );
    assert_eq!(
        get(&c, "client-output-buffer-limit"),
        "normal 1 2 3 slave 268435456 67108864 60 pubsub 4 5 6"
    );
    assert_eq!(c.client_output_buffer_limit[2].soft_limit_seconds, 6);
    // bind: the last line wins; "" means no address.
    assert_eq!(
        load_ok("bind 127.0.0.1\nbind ::1 -::2\n").bind,
        ["::1", "-::2"]
    );
    assert!(load_ok("bind \"\"\n").bind.is_empty());
    // Multi-word values given as one quoted word are split again.
    let c = load_ok("client-output-buffer-limit \"normal 1mb 2mb 3\"\n");
    assert_eq!(c.client_output_buffer_limit[0].hard_limit_bytes, 1 << 20);
    // save "" and replicaof no one promise nothing.
    assert!(load_ok("save \"\"\nsave\nslaveof no one\n").save.is_empty());
    // hz is kept within 1..=500.
    assert_eq!(load_ok("hz 1000").hz, 500);
    assert_eq!(load_ok("hz 0").hz, 1);
}

#[test]
fn include_files() {
    let mut files = |path: &str| -> std::io::Result<String> {
        match path {
            "/a.conf" => Ok("hz 7\nmaxclients 99\n".into()),
            "/bad.conf" => Ok("\nhz x\n".into()),
            "/loop.conf" => Ok("include /loop.conf\n".into()),
            "/conf.d/*.conf" => Ok(String::new()),
            _ => Err(std::io::Error::new(std::io::ErrorKind::NotFound, "gone")),
        }
    };
    let c = Config::load(
        "port 1\ninclude /a.conf\nhz 8\ninclude /conf.d/*.conf\n",
        "main",
        &mut files,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((c.port, c.hz, c.maxclients), (1, 8, 99));

    // An error inside an included file names that file and its own line.
    let e = Config::load("port 1\ninclude /bad.conf\n", "main", &mut files).err();
    let Some(ConfigError::Line {
        file,
        line,
        text,
        message,
    }) = e
    else {
        panic!("{e:?}")
    };
    assert_eq!(
        (file.as_str(), line, text.as_str()),
        ("/bad.conf", 2, "hz x")
    );
    assert_eq!(message, "argument couldn't be parsed into an integer");

    // A missing file, as redis-server words it.
    let e = Config::load("include /nonexistent/x.conf\n", "main", &mut |_| {
        Err(std::io::Error::from_raw_os_error(2))
    })
    .err();
    assert_eq!(
        e.map(|e| e.to_string()).as_deref(),
        Some(
            "Fatal error, can't open config file '/nonexistent/x.conf': No such file or directory"
        )
    );

    // An include loop is stopped instead of recursing forever.
    let e = Config::load("include /loop.conf\n", "main", &mut files).err();
    assert!(e.is_some_and(|e| e.message().contains("include nesting")));
}

#[test]
fn unsupported_values_are_refused_with_a_reason() {
    let cases: &[(&str, &str)] = &[
        (
            "save 900 1",
            "kv does not support 'save 900 1' yet (RDB snapshots are not implemented)",
        ),
        (
            "appendonly yes",
            "kv does not support 'appendonly yes' yet (AOF persistence is not implemented)",
        ),
        (
            "maxmemory 100mb",
            "kv does not support 'maxmemory 100mb' yet (memory limits and eviction are not implemented)",
        ),
        (
            "maxmemory-clients 10%",
            "kv does not support 'maxmemory-clients 10%' yet (client eviction is not implemented)",
        ),
        (
            "replicaof 10.0.0.1 6379",
            "kv does not support 'replicaof 10.0.0.1 6379' yet (replication is not implemented)",
        ),
        (
            "SLAVEOF 10.0.0.1 6379",
            "kv does not support 'slaveof 10.0.0.1 6379' yet (replication is not implemented)",
        ),
        (
            "cluster-enabled yes",
            "kv does not support 'cluster-enabled yes' yet (cluster mode is not implemented)",
        ),
        (
            "tls-port 6380",
            "kv does not support 'tls-port 6380' yet (TLS is not implemented)",
        ),
        (
            "aclfile /etc/redis/users.acl",
            "kv does not support 'aclfile /etc/redis/users.acl' yet (ACL files are not implemented)",
        ),
        (
            "syslog-enabled yes",
            "kv does not support 'syslog-enabled yes' yet (logging to syslog is not implemented)",
        ),
        (
            "min-slaves-to-write 1",
            "kv does not support 'min-slaves-to-write 1' yet (replication is not implemented, so no replica can acknowledge writes)",
        ),
        (
            "supervised systemd",
            "kv does not support 'supervised systemd' yet (readiness notification to upstart or systemd is not implemented)",
        ),
        (
            "shutdown-on-sigterm save",
            "kv does not support 'shutdown-on-sigterm save' yet (saving an RDB snapshot on shutdown is not implemented)",
        ),
        (
            "socket-mark-id 1",
            "kv does not support 'socket-mark-id 1' yet (marking sockets (SO_MARK) is not implemented)",
        ),
        (
            "user bob on >pw ~* +@all",
            "kv does not support 'user bob on >pw ~* +@all' yet (ACL users other than an unrestricted default user are not implemented)",
        ),
        (
            "loadmodule /x.so arg",
            "kv does not support 'loadmodule /x.so arg' yet (modules are not implemented)",
        ),
        (
            "sentinel",
            "kv does not support 'sentinel' yet (sentinel mode is not implemented)",
        ),
        (
            "sentinel monitor m 1 2 3",
            "kv does not support 'sentinel monitor m 1 2 3' yet (sentinel mode is not implemented)",
        ),
        (
            "mymod.opt 1",
            "kv does not support 'mymod.opt 1' yet (modules are not implemented)",
        ),
    ];
    for (line, msg) in cases {
        assert_eq!(load_err(line), *msg, "{line:?}");
    }
    // Keyspace notifications are implemented: every class loads.
    load_ok("notify-keyspace-events KEA\ntracking-table-max-keys 10\n");
    // The values that keep no promise are fine.
    load_ok(
        "save \"\"\nappendonly no\nmaxmemory 0\nmaxmemory-clients 0\nreplicaof no one\ncluster-enabled no\n\
         notify-keyspace-events \"\"\ntls-port 0\naclfile \"\"\nsyslog-enabled no\nmin-replicas-to-write 0\n\
         supervised no\nshutdown-on-sigterm nosave now\nsocket-mark-id 0\n\
         user default on nopass ~* &* +@all\n",
    );
}

#[test]
fn debian_redis_conf_loads() {
    let c = load_ok(include_str!("fixtures/debian-redis.conf"));
    assert_eq!(c.bind, ["127.0.0.1", "-::1"]);
    assert!(c.daemonize);
    assert_eq!(c.pidfile, "/run/redis/redis-server.pid");
    assert_eq!(c.logfile, "/var/log/redis/redis-server.log");
    assert_eq!(c.dir, "/var/lib/redis");
    assert!(c.save.is_empty());
    let ignored = c.ignored_directives();
    for name in [
        "set-proc-title",
        "rdbcompression",
        "jemalloc-bg-thread",
        "appendfsync",
        "oom-score-adj",
    ] {
        assert!(ignored.contains(&name), "{name} not reported: {ignored:?}");
    }
    for name in ["port", "hz", "appendonly", "save", "bind"] {
        assert!(!ignored.contains(&name), "{name} reported as ignored");
    }
}

#[test]
fn ignored_directives_in_order_of_mention() {
    let c = load_ok(
        "io-threads 4\nport 1\nactivedefrag yes\nio-threads 2\nlist-max-ziplist-entries 5\n",
    );
    assert_eq!(
        c.ignored_directives(),
        ["io-threads", "activedefrag", "list-max-ziplist-entries"]
    );
    assert!(Config::default().ignored_directives().is_empty());
}

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

fn from_args(list: &[&str]) -> Result<(Config, Option<String>), ConfigError> {
    Config::from_args(&args(list), &mut |path| match path {
        "/etc/kv.conf" => Ok("port 7000\nhz 5\n".into()),
        "-" => Ok("maxclients 77\n".into()),
        _ => Err(std::io::Error::from_raw_os_error(2)),
    })
}

#[test]
fn command_line_like_redis_server() {
    let ok = |list: &[&str]| from_args(list).unwrap_or_else(|e| panic!("{list:?}:{e}"));
    // A file first, options after it override it.
    let (c, file) = ok(&["/etc/kv.conf", "--hz", "6"]);
    assert_eq!(
        (c.port, c.hz, file.as_deref()),
        (7000, 6, Some("/etc/kv.conf"))
    );
    // `--save` without a value means save "", also before another option.
    assert!(ok(&["--save"]).0.save.is_empty());
    let (c, file) = ok(&["--save", "--hz", "20"]);
    assert_eq!((c.hz, file), (20, None));
    // A name and its value in one argument.
    assert_eq!(ok(&["--hz 21"]).0.hz, 21);
    // Several values.
    let c = ok(&[
        "--client-output-buffer-limit",
        "normal",
        "1",
        "2",
        "3",
        "--bind",
        "a",
        "b",
    ])
    .0;
    assert_eq!(c.client_output_buffer_limit[0].soft_limit_seconds, 3);
    assert_eq!(c.bind, ["a", "b"]);
    // Values are quoted on the way: spaces and quotes survive.
    assert_eq!(
        ok(&["--requirepass", "a b\"c"]).0.requirepass.as_deref(),
        Some(&b"a b\"c"[..])
    );
    assert_eq!(
        ok(&["--requirepass", "a\nb"]).0.requirepass.as_deref(),
        Some(&b"a\nb"[..])
    );
    // "-" reads standard input (through the callback), after the file.
    assert_eq!(ok(&["/etc/kv.conf", "-"]).0.maxclients, 77);
    assert_eq!(ok(&["-", "--port", "1"]).0.maxclients, 77);
}

#[test]
fn command_line_errors_like_redis_server() {
    let err = |list: &[&str]| match from_args(list) {
        Ok(_) => panic!("{list:?} accepted"),
        Err(e) => e,
    };
    // A lone option takes the next arguments as values, even `--port`.
    let e = err(&["--hz", "--port", "7781"]);
    assert!(
        e.to_string()
            .ends_with("at line 2\n>>> 'hz \"--port\" \"7781\"'\nwrong number of arguments"),
        "{e}"
    );
    let e = err(&["--hz"]);
    assert!(
        e.to_string()
            .ends_with("at line 2\n>>> 'hz'\nwrong number of arguments"),
        "{e}"
    );
    // A first argument without dashes is the config file.
    let e = err(&["hz", "23"]);
    assert_eq!(
        e.to_string(),
        "Fatal error, can't open config file 'hz': No such file or directory"
    );
    // Unsupported values from the command line.
    let e = err(&["--appendonly", "yes"]);
    assert_eq!(
        e.message(),
        "kv does not support 'appendonly yes' yet (AOF persistence is not implemented)"
    );
}

#[test]
fn bind_words_that_need_quotes_survive_a_rewrite() {
    // Found by random_configs_never_panic: an empty address was written bare
    // and read back as nothing.
    for text in ["bind \"\" 0\n", "bind \"a b\" 127.0.0.1\n"] {
        let c = load(text).expect("loads");
        let again = load(&c.rewrite(Some(text))).expect("the rewrite loads");
        assert_eq!(again, c, "{text}");
    }
}

#[test]
fn no_input_panics() {
    // Arbitrary bytes through every directive name: errors, never panics.
    let values = [
        "",
        "\"",
        "'",
        "\\",
        "\"\\x\"",
        "\u{0}",
        "99999999999999999999999999",
        "-",
        "%",
        "1%%",
        "{",
        "}",
    ];
    for d in kv_config::DIRECTIVES {
        for v in values {
            let _ = load(&format!("{} {v}\n", d.name));
            let _ = load(&format!("{} {v} {v} {v} {v}\n", d.name));
            let _ = Config::default().set(&[(d.name.as_bytes(), v.as_bytes())]);
        }
    }
}

proptest::proptest! {
    /// Random lines built from directive names and awkward words: loading and
    /// CONFIG SET answer, they never panic, and what loads can be rewritten
    /// and loaded again.
    #[test]
    fn random_configs_never_panic(
        lines in proptest::collection::vec(
            (
                proptest::sample::select(
                    kv_config::DIRECTIVES.iter().map(|d| d.name).chain(["include", "user", "sentinel", "x.y", "bogus"]).collect::<Vec<_>>()
                ),
                proptest::collection::vec(
                    proptest::sample::select(vec![
                        "0", "1", "-1", "yes", "no", "\"\"", "\"a b\"", "'x'", "\\", "\"", "1kb", "5%", "normal", "replica",
                        "99999999999999999999", "{title}", "*", "-::1", "local", "K", "\"\\x00\"",
                    ]),
                    0..5,
                ),
            ),
            0..12,
        )
    ) {
        let text: String = lines.iter().map(|(n, words)| format!("{n} {}\n", words.join(" "))).collect();
        if let Ok(c) = load(&text) {
            let again = load(&c.rewrite(Some(&text)));
            proptest::prop_assert_eq!(again.as_ref().ok(), Some(&c), "{}", text);
        }
        for (n, words) in &lines {
            let _ = Config::default().set(&[(n.as_bytes(), words.join(" ").as_bytes())]);
        }
    }
}

#[test]
fn rename_command_lines_are_kept_in_order_with_their_place() {
    let c = Config::load(
        "port 7000\nrename-command FLUSHALL \"\"\n  rename-command config my-config\n",
        "main.conf",
        &mut |_| Ok(String::new()),
    )
    .expect("loads");
    let renames: Vec<(&[u8], &[u8], usize)> = c
        .command_renames
        .iter()
        .map(|r| (&r.from[..], &r.to[..], r.line))
        .collect();
    assert_eq!(
        renames,
        [
            (&b"FLUSHALL"[..], &b""[..], 2),
            (&b"config"[..], &b"my-config"[..], 3)
        ]
    );
    assert_eq!(
        c.command_renames[1]
            .refused("No such command in rename-command")
            .to_string(),
        "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 3\n\
         >>> 'rename-command config my-config'\nNo such command in rename-command"
    );
}
