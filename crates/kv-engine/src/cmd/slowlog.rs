//! SLOWLOG GET, LEN, RESET and HELP (Redis's slowlog.c). What is recorded,
//! and when, is in `crate::slowlog`; the dispatcher does the recording.

use resp_proto::Argv;

use super::args::{parse_i64, subcommand_syntax_error};
use crate::Ctx;
use crate::command::flags::*;
use crate::command::{Command, Group};
use crate::error::{CmdError, CmdResult};

/// SLOWLOG GET [count]: the newest `count` entries (10 by default, -1 for all).
pub fn slowlog_get_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    if argv.len() > 3 {
        return Err(subcommand_syntax_error(argv.arg(1), "SLOWLOG"));
    }
    let count = match argv.get(2) {
        None => 10,
        Some(arg) => match parse_i64(arg) {
            Some(-1) => usize::MAX,
            Some(n) if n >= 0 => usize::try_from(n).unwrap_or(usize::MAX),
            _ => {
                return Err(CmdError::err("count should be greater than or equal to -1"));
            }
        },
    };
    let log = &ctx.engine.slowlog;
    let reply = &mut ctx.reply;
    reply.array(count.min(log.len()));
    for entry in log.entries().take(count) {
        reply.array(6);
        reply.integer(entry.id as i64);
        reply.integer(entry.time as i64);
        reply.integer(entry.duration_us as i64);
        reply.array(entry.args.len());
        for arg in &entry.args {
            reply.bulk(arg);
        }
        reply.bulk(entry.peer.as_bytes());
        reply.bulk(&entry.client_name);
    }
    Ok(())
}

/// SLOWLOG LEN
pub fn slowlog_len_command(ctx: &mut Ctx<'_>, _argv: Argv<'_>) -> CmdResult {
    ctx.reply.integer(ctx.engine.slowlog.len() as i64);
    Ok(())
}

/// SLOWLOG RESET
pub fn slowlog_reset_command(ctx: &mut Ctx<'_>, _argv: Argv<'_>) -> CmdResult {
    ctx.engine.slowlog.reset();
    ctx.reply.ok();
    Ok(())
}

/// SLOWLOG HELP
pub fn slowlog_help_command(ctx: &mut Ctx<'_>, _argv: Argv<'_>) -> CmdResult {
    ctx.reply.help(
        "SLOWLOG",
        &[
            "GET [<count>]",
            "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
            "    Entries are made of:",
            "    id, timestamp, time in microseconds, arguments array, client IP and port,",
            "    client name",
            "LEN",
            "    Return the length of the slowlog.",
            "RESET",
            "    Reset the slowlog.",
        ],
    );
    Ok(())
}

pub static COMMANDS: &[Command] = &[Command {
    name: "slowlog",
    arity: -2,
    group: Group::Server,
    since: "2.2.12",
    summary: "A container for slow log commands.",
    complexity: "Depends on subcommand.",
    subcommands: SUBCOMMANDS,
    ..Command::BASE
}];

static SUBCOMMANDS: &[Command] = &[
    Command {
        name: "slowlog|get",
        arity: -2,
        flags: ADMIN | LOADING | STALE,
        group: Group::Server,
        since: "2.2.12",
        summary: "Returns the slow log's entries, newest first.",
        complexity: "O(N) where N is the number of entries returned",
        syntax: "[count]",
        tips: &["request_policy:all_nodes", "nondeterministic_output"],
        handler: Some(slowlog_get_command),
        ..Command::BASE
    },
    Command {
        name: "slowlog|len",
        arity: 2,
        flags: ADMIN | LOADING | STALE,
        group: Group::Server,
        since: "2.2.12",
        summary: "Returns the number of entries in the slow log.",
        tips: &[
            "request_policy:all_nodes",
            "response_policy:agg_sum",
            "nondeterministic_output",
        ],
        handler: Some(slowlog_len_command),
        ..Command::BASE
    },
    Command {
        name: "slowlog|reset",
        arity: 2,
        flags: ADMIN | LOADING | STALE,
        group: Group::Server,
        since: "2.2.12",
        summary: "Clears the slow log.",
        complexity: "O(N) where N is the number of entries in the slowlog",
        tips: &["request_policy:all_nodes", "response_policy:all_succeeded"],
        handler: Some(slowlog_reset_command),
        ..Command::BASE
    },
    Command {
        name: "slowlog|help",
        arity: 2,
        flags: LOADING | STALE,
        group: Group::Server,
        since: "6.2.0",
        summary: "Describes the SLOWLOG subcommands.",
        handler: Some(slowlog_help_command),
        ..Command::BASE
    },
];

#[cfg(test)]
mod tests {
    use crate::testing::{TestEngine, check_on, shown};

    #[test]
    fn slow_commands_are_logged_newest_first_and_trimmed() {
        let mut config = kv_config::Config::default();
        config.enable_debug_command = "yes".into();
        let mut t = TestEngine::with_config(config);
        t.set_time_ms(1_700_000_000_123);
        check_on(
            &mut t,
            &[
                (&["PING"], "+PONG|"),
                (&["DEBUG", "SLEEP", "0.02"], "+OK|"),
                (&["SLOWLOG", "LEN"], ":1|"),
                (
                    &["SLOWLOG", "GET"],
                    "*1|*6|:0|:1700000000|:20000|*3|$5|DEBUG|$5|SLEEP|$4|0.02|$15|127.0.0.1:50000|$0||",
                ),
                (&["CONFIG", "SET", "slowlog-log-slower-than", "0"], "+OK|"),
                (&["CONFIG", "SET", "slowlog-max-len", "2"], "+OK|"),
                (&["CLIENT", "SETNAME", "me"], "+OK|"),
                (&["SLOWLOG", "LEN"], ":2|"),
                // Each command is logged after it ran: GET sees LEN.
                (
                    &["SLOWLOG", "GET", "1"],
                    "*1|*6|:4|:1700000000|:0|*2|$7|SLOWLOG|$3|LEN|$15|127.0.0.1:50000|$2|me|",
                ),
                (&["SLOWLOG", "GET", "0"], "*0|"),
            ],
        );
        let all = shown(&t.run(&["SLOWLOG", "GET", "-1"]));
        assert!(all.starts_with("*2|*6|:6|"), "{all}");
        check_on(
            &mut t,
            &[
                (
                    &["SLOWLOG", "GET", "-2"],
                    "-ERR count should be greater than or equal to -1|",
                ),
                (
                    &["SLOWLOG", "GET", "x"],
                    "-ERR count should be greater than or equal to -1|",
                ),
                (
                    &["SLOWLOG", "GET", "1", "2"],
                    "-ERR unknown subcommand or wrong number of arguments for 'GET'. Try SLOWLOG HELP.|",
                ),
                (&["SLOWLOG", "RESET"], "+OK|"),
                (&["SLOWLOG", "LEN"], ":1|"),
                (&["CONFIG", "SET", "slowlog-log-slower-than", "-1"], "+OK|"),
                (&["SLOWLOG", "RESET"], "+OK|"),
                (&["PING"], "+PONG|"),
                (&["SLOWLOG", "LEN"], ":0|"),
            ],
        );
    }

    #[test]
    fn entries_bound_their_arguments_and_hide_secrets() {
        let mut t = TestEngine::new();
        t.run(&["CONFIG", "SET", "slowlog-log-slower-than", "0"]);
        let long = "x".repeat(200);
        let mut many = vec!["SADD", "s"];
        let members: Vec<String> = (0..40).map(|i| i.to_string()).collect();
        many.extend(members.iter().map(String::as_str));
        t.run(&many);
        t.run(&["SET", "k", &long]);
        t.run(&["AUTH", "user", "secret"]);
        t.run(&["AUTH", "a", "b", "c"]);
        t.run(&["HELLO", "2", "AUTH", "user", "secret", "SETNAME", "n"]);
        t.run(&["CONFIG", "SET", "requirepass", "", "maxclients", "100"]);
        t.run(&["MULTI"]);
        t.run(&["INCR", "n"]);
        t.run(&["EXEC"]);
        let log = shown(&t.run(&["SLOWLOG", "GET", "-1"]));
        let kept = format!("${}|{}... (72 more bytes)|", 128 + 19, "x".repeat(128));
        assert!(log.contains(&kept), "{log}");
        assert!(log.contains("*32|$4|SADD|$1|s|$1|0|"), "{log}");
        assert!(log.contains("$2|28|$23|... (11 more arguments)|"), "{log}");
        assert!(
            log.contains("*3|$4|AUTH|$10|(redacted)|$10|(redacted)|"),
            "{log}"
        );
        assert!(log.contains("*4|$4|AUTH|$1|a|$1|b|$1|c|"), "{log}");
        assert!(
            log.contains("*7|$5|HELLO|$1|2|$4|AUTH|$10|(redacted)|$10|(redacted)|$7|SETNAME|$1|n|"),
            "{log}"
        );
        assert!(
            log.contains(
                "*6|$6|CONFIG|$3|SET|$11|requirepass|$10|(redacted)|$10|maxclients|$3|100|"
            ),
            "{log}"
        );
        // EXEC is not logged; what it ran is.
        assert!(log.contains("*2|$4|INCR|$1|n|"), "{log}");
        assert!(!log.contains("$4|EXEC|"), "{log}");
        assert!(log.contains("$5|MULTI|"), "{log}");
    }
}
