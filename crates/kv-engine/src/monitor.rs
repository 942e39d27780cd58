//! MONITOR (Redis's replicationFeedMonitors): every command the server runs,
//! shown to the clients that asked, one status line each:
//! `+<unix seconds>.<micros> [<db> <ip:port>] "arg" "arg" ...`.
//!
//! The dispatcher feeds a command after it ran (so SELECT shows its new
//! database), once, in the order commands ran: the commands of a transaction
//! between its MULTI and its EXEC, a blocking command when it first runs.
//! Commands flagged `admin` or `skip_monitor`, and requests refused before
//! running, are not shown; secret arguments read `(redacted)`. A monitor
//! may not touch the keyspace (the dispatcher refuses its reads and writes),
//! but it sees its own other commands.

use resp_proto::Argv;

use crate::Engine;
use crate::client::ClientId;
use crate::command::{Command, flags};

impl Engine {
    /// MONITOR: `client` receives every later command. False if it already
    /// does.
    pub(crate) fn add_monitor(&mut self, client: ClientId) -> bool {
        let Some(c) = self.clients.get_mut(client) else {
            return false;
        };
        if c.monitor {
            return false;
        }
        c.monitor = true;
        self.monitors.push(client);
        true
    }

    /// Disconnect or RESET.
    pub(crate) fn remove_monitor(&mut self, client: ClientId) {
        if let Some(c) = self.clients.get_mut(client)
            && c.monitor
        {
            c.monitor = false;
            self.monitors.retain(|&m| m != client);
        }
    }

    /// Shows a command that ran to the monitors (see the module doc).
    #[inline]
    pub(crate) fn feed_monitors(&mut self, client: ClientId, cmd: &Command, argv: &Argv<'_>) {
        if self.monitors.is_empty() || cmd.has(flags::ADMIN | flags::SKIP_MONITOR) {
            return;
        }
        self.feed_monitors_line(client, cmd, argv);
    }

    #[cold]
    fn feed_monitors_line(&mut self, client: ClientId, cmd: &Command, argv: &Argv<'_>) {
        let Some(c) = self.clients.get(client) else {
            return;
        };
        let mut line = format!(
            "+{}.{:06} [{} {}]",
            self.now_us / 1_000_000,
            self.now_us % 1_000_000,
            c.db,
            if c.peer.is_unix {
                format!("unix:{}", c.peer.addr.trim_end_matches(":0"))
            } else {
                c.peer.addr.clone()
            }
        )
        .into_bytes();
        for i in 0..argv.len() {
            line.push(b' ');
            if cmd.redact.is_some_and(|secret| secret(argv, i)) {
                line.extend_from_slice(b"\"(redacted)\"");
            } else {
                resp_proto::repr(&mut line, argv.arg(i));
            }
        }
        line.extend_from_slice(b"\r\n");
        for i in 0..self.monitors.len() {
            let monitor = self.monitors[i];
            if let Some(m) = self.clients.get_mut(monitor) {
                m.out.extend_from_slice(&line);
            }
            self.mark_pending_write(monitor);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::{TestEngine, shown};

    #[test]
    fn monitors_see_what_ran_in_order() {
        let mut t = TestEngine::new();
        let other = t.connect();
        t.engine.set_time_us(1_700_000_000_000_042);
        assert_eq!(shown(&t.run(&["MONITOR"])), "+OK|");
        // A monitor may not touch the keyspace; it sees its other commands.
        assert_eq!(
            shown(&t.run(&["GET", "k"])),
            "-ERR Replica can't interact with the keyspace|"
        );
        assert_eq!(
            shown(&t.run(&["PING"])),
            "+PONG|+1700000000.000042 [0 127.0.0.1:50000] \"PING\"|"
        );
        assert_eq!(shown(&t.run(&["MONITOR"])), "");
        for args in [
            &["SET", "k", "a\"\n\u{1}b"][..],
            &["AUTH", "secret"],
            &["MULTI"],
            &["INCR", "n"],
            &["EXEC"],
            &["CONFIG", "GET", "port"],
            &["SELECT", "3"],
            &["GET"],
            &["NOSUCH"],
            &["BLPOP", "list", "0"],
        ] {
            t.run_as(other, args);
        }
        let at = "+1700000000.000042 [";
        let want = [
            "0 127.0.0.1:50001] \"SET\" \"k\" \"a\\\"\\n\\x01b\"",
            "0 127.0.0.1:50001] \"AUTH\" \"(redacted)\"",
            "0 127.0.0.1:50001] \"MULTI\"",
            "0 127.0.0.1:50001] \"INCR\" \"n\"",
            "0 127.0.0.1:50001] \"EXEC\"",
            "3 127.0.0.1:50001] \"SELECT\" \"3\"",
            "3 127.0.0.1:50001] \"BLPOP\" \"list\" \"0\"",
        ]
        .map(|line| format!("{at}{line}|"))
        .concat();
        assert_eq!(t.received(t.client), want);
        // A blocked command is shown once, when it first runs.
        t.run(&["RESET"]);
        let third = t.connect();
        t.run_as(third, &["SELECT", "3"]);
        t.run_as(third, &["RPUSH", "list", "x"]);
        assert_eq!(t.received(t.client), "");
        assert!(t.engine.monitors.is_empty());
    }
}
