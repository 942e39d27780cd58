//! The dispatcher (Redis's processCommand and call()): every rule that applies to
//! all commands is applied here, once, from the command's table entry.

use resp_proto::Argv;

use crate::command::{self, Command, CommandIndex, flags};
use crate::effects::OwnArgs;
use crate::{ClientId, CmdError, Ctx, Engine, Host, Outcome, Reply, blocking, client, error};

/// How [`Engine::call`] runs a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CallMode {
    /// A client's request.
    Direct,
    /// A parked client's command run again after one of its keys got data.
    Retry,
    /// A command queued by MULTI, run by EXEC: it must not block.
    InExec,
}

/// The commands that run at once between MULTI and EXEC instead of being
/// queued (Redis's processCommand list).
fn controls_transaction(cmd: &Command) -> bool {
    matches!(
        cmd.name,
        "exec" | "discard" | "multi" | "watch" | "quit" | "reset"
    )
}

/// The commands a RESP2 client may send while subscribed.
fn allowed_while_subscribed(cmd: &Command) -> bool {
    matches!(
        cmd.name,
        "ping"
            | "subscribe"
            | "ssubscribe"
            | "unsubscribe"
            | "sunsubscribe"
            | "psubscribe"
            | "punsubscribe"
            | "quit"
            | "reset"
    )
}

/// The error a refused EXEC answers: Redis's EXECABORT with the refusal's
/// text, which for its formatted refusals carries no ERR code.
fn exec_abort(err: CmdError) -> CmdError {
    let text = err.to_string();
    let reason = text.strip_prefix("ERR ").unwrap_or(&text);
    CmdError::Raw(format!(
        "EXECABORT Transaction discarded because of: {reason}"
    ))
}

impl Engine {
    /// Writes an error reply that did not come from a command (protocol errors,
    /// limits), counting it in INFO errorstats like every other error.
    pub fn reply_error(&mut self, id: ClientId, text: &str) {
        self.count_error(text);
        if let Some(c) = self.clients.get_mut(id) {
            resp_proto::write::error(&mut c.out, text.as_bytes());
        }
        self.mark_pending_write(id);
    }

    /// Replies with a protocol error (exact bytes from resp-proto, which may
    /// include a non-UTF-8 byte Redis echoes back) and counts it.
    pub fn reply_protocol_error(&mut self, id: ClientId, err: &resp_proto::ProtocolError) {
        self.count_error("ERR");
        if let Some(c) = self.clients.get_mut(id) {
            err.write_reply(&mut c.out);
        }
        self.mark_pending_write(id);
    }

    fn count_error(&mut self, text: &str) {
        self.stats.total_error_replies += 1;
        let code = CmdError::code(text);
        match self.error_stats.get_mut(code) {
            Some(n) => *n += 1,
            None => {
                // Redis caps distinct error codes at 128 to bound memory.
                if self.error_stats.len() < 128 {
                    self.error_stats.insert(code.to_owned(), 1);
                }
            }
        }
    }

    /// Runs one request for `client`, appending the reply to its output buffer.
    /// This is the dispatcher: every rule that applies to all commands is here.
    pub fn execute(&mut self, client: ClientId, argv: Argv<'_>, host: &mut dyn Host) -> Outcome {
        let Some(name) = argv.get(0) else {
            return Outcome::Done;
        };
        let now = self.now_ms;
        let Some(me) = self.clients.get_mut(client) else {
            return Outcome::Close;
        };
        me.last_interaction_ms = now;
        // A postponed command comes back here when the pause ends.
        me.postponed = false;
        if me.close_after_reply || me.close_asap {
            return Outcome::Close;
        }

        let found = match self.renames.lookup(name) {
            Some(found) => Some(found),
            None => {
                // As Redis's processCommand, which sets lastcmd from the lookup.
                me.last_cmd = "NULL";
                let err = CmdError::unknown_command(name, &mut argv.iter().skip(1));
                self.reject(client, None, &argv, err);
                return self.outcome(client);
            }
        };
        let (mut cmd, mut id) = found.expect("checked above");
        me.last_cmd = cmd.name;
        // A container runs a subcommand; COMMAND alone is also a command of its own.
        if !cmd.subcommands.is_empty() {
            if argv.len() < 2 && cmd.handler.is_none() {
                self.reject(
                    client,
                    Some(id),
                    &argv,
                    CmdError::WrongArity(cmd.name.to_owned()),
                );
                return self.outcome(client);
            }
            if let Some(sub_name) = argv.get(1) {
                let me = self.clients.get_mut(client).expect("looked up above");
                match cmd.subcommand(sub_name) {
                    Some((sub, sub_id)) => {
                        (cmd, id) = (sub, sub_id);
                        me.last_cmd = cmd.name;
                    }
                    None => {
                        me.last_cmd = "NULL";
                        // The container as typed: a renamed one shows its new name.
                        let err = CmdError::UnknownSubcommand {
                            sub: error::lossy_prefix(sub_name, 128),
                            parent: String::from_utf8_lossy(name).to_ascii_uppercase(),
                        };
                        self.reject(client, Some(id), &argv, err);
                        return self.outcome(client);
                    }
                }
            }
        }
        if !cmd.arity_ok(argv.len()) {
            self.reject(
                client,
                Some(id),
                &argv,
                CmdError::WrongArity(cmd.name.to_owned()),
            );
            return self.outcome(client);
        }
        let me = self.clients.get(client).expect("looked up above");
        if !me.authenticated && !cmd.has(flags::NO_AUTH) {
            self.reject(client, Some(id), &argv, CmdError::NoAuth);
            return self.outcome(client);
        }
        if me.in_multi() && cmd.has(flags::NO_MULTI) {
            let err = CmdError::err("Command not allowed inside a transaction");
            self.reject(client, Some(id), &argv, err);
            return self.outcome(client);
        }
        // Before the command runs or is queued, as Redis's processCommand: the
        // invalidations it sends precede this command's reply (or QUEUED).
        if self.tracking.clients() > 0 {
            self.tracking_limit();
        }
        let me = self.clients.get(client).expect("looked up above");
        if me.monitor && cmd.has(flags::WRITE | flags::READONLY | flags::MAY_REPLICATE) {
            let err = CmdError::err("Replica can't interact with the keyspace");
            self.reject(client, Some(id), &argv, err);
            return self.outcome(client);
        }
        if me.is_subscriber() && !me.resp3 && !allowed_while_subscribed(cmd) {
            let err = CmdError::err(format!(
                "Can't execute '{}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context",
                cmd.name
            ));
            self.reject(client, Some(id), &argv, err);
            return self.outcome(client);
        }
        if me.in_multi() && !controls_transaction(cmd) {
            let me = self.clients.get_mut(client).expect("looked up above");
            let multi = me.multi.as_mut().expect("in_multi checked");
            multi.queue(id, cmd.flags, argv.to_owned_argv());
            resp_proto::write::simple(&mut me.out, b"QUEUED");
            self.mark_pending_write(client);
            return self.outcome(client);
        }
        if self.pause_until() != 0 && self.is_paused_for(cmd, client) {
            if let Some(me) = self.clients.get_mut(client) {
                me.postponed = true;
            }
            return Outcome::Paused;
        }

        let parked = self.call(client, cmd, id, argv, host, CallMode::Direct);
        // CLIENT CACHING applies to the one command after it (or to a whole
        // transaction), as Redis's resetClient clears it.
        if self.tracking.clients() > 0
            && let Some(t) = self.clients.get_mut(client).and_then(|c| {
                let keep = c.multi.is_some() || cmd.name == "client|caching";
                if keep { None } else { c.tracking.as_mut() }
            })
        {
            t.caching = false;
        }
        if self.blocking.has_ready() {
            self.serve_ready_keys(host);
        }
        if parked {
            return Outcome::Blocked;
        }
        self.outcome(client)
    }

    /// CLIENT PAUSE holds every command, or with WRITE only those that may write.
    /// An EXEC counts as a write when a queued command is one (as Redis's
    /// processCommand looks at the transaction's `cmd_flags`).
    fn is_paused_for(&self, cmd: &Command, client: ClientId) -> bool {
        let mut flags = cmd.flags;
        if cmd.name == "exec"
            && let Some(multi) = self.clients.get(client).and_then(|c| c.multi.as_ref())
        {
            flags |= multi.flags;
        }
        !self.pause.writes_only || flags & (flags::WRITE | flags::MAY_REPLICATE) != 0
    }

    /// Runs a command body for `client`; returns whether the body parked the
    /// client. `retry` marks a parked client's command being run again.
    pub(crate) fn call(
        &mut self,
        client: ClientId,
        cmd: &'static Command,
        id: CommandIndex,
        argv: Argv<'_>,
        host: &mut dyn Host,
        mode: CallMode,
    ) -> bool {
        let retry = mode == CallMode::Retry;
        let dirty_before = self.dirty;
        // Fixed for the call: only the server turns recording on or off.
        let recording = self.propagation.enabled();
        if recording {
            self.propagation.begin();
        }
        let handler = cmd.handler.expect("non-container commands have a handler");
        self.tracking.enter(client);
        let me = self.clients.get_mut(client).expect("caller checked");
        me.last_cmd = cmd.name;
        // CLIENT REPLY SKIP silences the command after it: this one.
        if me.reply_mode == client::ReplyMode::SkipNext {
            me.reply_mode = client::ReplyMode::Skipping;
        }
        let mut out = std::mem::take(&mut me.out);
        let resp3 = me.resp3;
        let start_len = out.len();
        let started = host.monotonic_us();

        let (result, block, block_argv, own_args, dirtied) = {
            let mut ctx = Ctx {
                engine: self,
                client,
                reply: Reply::new(&mut out, resp3),
                host,
                block: None,
                block_argv: None,
                retry,
                deny_blocking: mode == CallMode::InExec,
                own_args: OwnArgs::AsIs,
                force_propagate: false,
                own_targets: crate::effects::EVERYWHERE,
            };
            let result = handler(&mut ctx, argv);
            let dirtied = ctx.force_propagate || ctx.engine.dirty != dirty_before;
            (
                result,
                ctx.block,
                ctx.block_argv,
                (ctx.own_args, ctx.own_targets),
                dirtied,
            )
        };
        // The seam, after the body: keys this command found expired are
        // reported before its own arguments are queued.
        let db = self.clients.get(client).map_or(0, |c| c.db);
        self.report_db_effects(db);
        if recording {
            if dirtied {
                let (own_args, targets) = own_args;
                match own_args {
                    OwnArgs::AsIs => self.propagation.push_argv(db, argv, targets),
                    OwnArgs::Rewritten(args) => self.propagation.push_owned(db, args, targets),
                    OwnArgs::Suppressed => {}
                }
            }
            self.propagation.end();
        }
        if self.tracking.clients() > 0 && cmd.has(flags::READONLY) && !cmd.has(flags::PUBSUB) {
            let args: Vec<&[u8]> = argv.iter().collect();
            let mut keys = cmd.key_positions(&args).into_iter().map(|(p, _)| args[p]);
            self.tracking_remember(client, &mut keys);
        }
        let failed = match result {
            Ok(()) => false,
            Err(err) => {
                let text = err.to_string();
                self.count_error(&text);
                resp_proto::write::error(&mut out, text.as_bytes());
                true
            }
        };
        let elapsed = host.monotonic_us().saturating_sub(started);

        // A blocking command counts once, when it first runs (Redis counts it
        // once too); its retries are not new calls.
        if !retry {
            self.stats.total_commands_processed += 1;
            let stats = &mut self.call_stats[id.0 as usize];
            stats.calls += 1;
            stats.usec += elapsed;
            if failed {
                stats.failed += 1;
            }
        } else if failed {
            // A parked client answered with an error (a stream's group or
            // key gone) counts as a failed call, as updateStatsOnUnblock.
            self.call_stats[id.0 as usize].failed += 1;
        }

        let parked = match block {
            Some((keys, deadline_ms)) if !failed => {
                if !retry {
                    let db = self.clients.get(client).map_or(0, |c| c.db);
                    self.blocking.park(
                        client,
                        blocking::Parked {
                            db,
                            keys,
                            deadline_ms,
                            argv: block_argv.unwrap_or_else(|| argv.to_owned_argv()),
                            command: id,
                        },
                    );
                }
                true
            }
            _ => {
                if retry {
                    self.blocking.unpark(client);
                }
                false
            }
        };
        if !retry {
            self.feed_monitors(client, cmd, &argv);
        }
        if parked {
            if !retry && let Some(me) = self.clients.get_mut(client) {
                me.blocked_run_us = elapsed;
            }
        } else {
            let first_run = if retry {
                self.clients.get(client).map_or(0, |c| c.blocked_run_us)
            } else {
                0
            };
            self.record_slow(client, cmd, &argv, first_run + elapsed);
        }

        // The client may have been removed by its own command (CLIENT KILL SKIPME no).
        if let Some(me) = self.clients.get_mut(client) {
            match me.reply_mode {
                client::ReplyMode::Off => out.truncate(start_len),
                client::ReplyMode::Skipping => {
                    out.truncate(start_len);
                    me.reply_mode = client::ReplyMode::On;
                }
                client::ReplyMode::On | client::ReplyMode::SkipNext => {}
            }
            // A body that replaced the buffer (CLIENT KILL of itself, RESET) keeps
            // what it queued after the old content.
            if me.out.is_empty() {
                me.out = out;
            } else {
                out.extend_from_slice(&me.out);
                me.out = out;
            }
            self.mark_pending_write(client);
        }
        if self.tracking.leave() {
            self.tracking_send_deferred(client);
        }
        parked
    }

    /// Serves clients parked on keys that received data, in the order they
    /// blocked, until no ready key is left (serving one may make others ready,
    /// e.g. BLMOVE pushing into a key another client waits on).
    fn serve_ready_keys(&mut self, host: &mut dyn Host) {
        while self.blocking.has_ready() {
            for (db, key) in self.blocking.take_ready() {
                for client in self.blocking.waiters(db, &key) {
                    let Some(parked) = self.blocking.parked(client) else {
                        continue;
                    };
                    let argv = parked.argv.clone();
                    let id = parked.command;
                    let cmd = command::index().all[id.0 as usize];
                    // The retry runs in the database the client blocked in.
                    let saved_db = self.clients.get(client).map(|c| c.db);
                    if let Some(c) = self.clients.get_mut(client) {
                        c.db = db;
                    }
                    // Served from the key that became ready, as Redis does.
                    self.blocking.serving = Some(key.clone());
                    self.call(client, cmd, id, argv.as_argv(), host, CallMode::Retry);
                    self.blocking.serving = None;
                    if let (Some(c), Some(saved)) = (self.clients.get_mut(client), saved_db) {
                        c.db = saved;
                    }
                }
            }
        }
    }

    /// Offers a completed command to SLOWLOG (Redis's slowlogPushCurrentCommand).
    /// Inline: on the hot path this is two comparisons, a fast command with
    /// the log within its length.
    #[inline(always)]
    fn record_slow(&mut self, client: ClientId, cmd: &Command, argv: &Argv<'_>, duration_us: u64) {
        let threshold = self.config.slowlog_log_slower_than;
        let slow = threshold >= 0 && duration_us >= threshold as u64;
        if slow || self.slowlog.len() as u64 > self.config.slowlog_max_len {
            self.record_slow_entry(client, cmd, argv, duration_us);
        }
    }

    #[cold]
    #[inline(never)]
    fn record_slow_entry(
        &mut self,
        client: ClientId,
        cmd: &Command,
        argv: &Argv<'_>,
        duration_us: u64,
    ) {
        if cmd.has(flags::SKIP_SLOWLOG) {
            return;
        }
        let limits = (
            self.config.slowlog_log_slower_than,
            self.config.slowlog_max_len,
        );
        let Some(c) = self.clients.get(client) else {
            return;
        };
        let caller = crate::slowlog::Caller {
            peer: &c.peer.addr,
            name: c.name.as_deref().unwrap_or_default(),
            now_ms: self.now_ms,
        };
        self.slowlog.record(limits, cmd, argv, duration_us, caller);
    }

    /// CLIENT UNBLOCK: [`Engine::unblock_with`], and the command counts as
    /// complete for SLOWLOG, with the time its first run took (Redis 7.0
    /// records it here, and not when a deadline passes).
    pub(crate) fn unblock_by_command(&mut self, client: ClientId, reason: blocking::UnblockReason) {
        let Some(parked) = self.blocking.parked(client) else {
            return;
        };
        let cmd = command::index().all[parked.command.0 as usize];
        let argv = parked.argv.clone();
        let first_run = self.clients.get(client).map_or(0, |c| c.blocked_run_us);
        self.unblock_with(client, reason);
        self.record_slow(client, cmd, &argv.as_argv(), first_run);
    }

    /// Unparks `client` with the reply Redis gives when a blocking command times
    /// out (a null array) or is unblocked with an error.
    pub(crate) fn unblock_with(&mut self, client: ClientId, reason: blocking::UnblockReason) {
        if self.blocking.unpark(client).is_none() {
            return;
        }
        if let Some(c) = self.clients.get_mut(client) {
            match reason {
                blocking::UnblockReason::Timeout => {
                    if c.resp3 {
                        resp_proto::write::null(&mut c.out);
                    } else {
                        resp_proto::write::null_array(&mut c.out);
                    }
                }
                blocking::UnblockReason::Error => {
                    resp_proto::write::error(
                        &mut c.out,
                        b"UNBLOCKED client unblocked via CLIENT UNBLOCK",
                    );
                }
            }
        }
        if reason == blocking::UnblockReason::Error {
            self.count_error("UNBLOCKED");
        }
        self.mark_pending_write(client);
    }

    /// Times out parked clients whose deadline has passed; the server calls
    /// this every loop turn.
    pub fn expire_blocked(&mut self) {
        let next = self.blocking.next_deadline();
        if next == 0 || next >= self.now_ms {
            return;
        }
        for client in self.blocking.expired(self.now_ms) {
            self.unblock_with(client, blocking::UnblockReason::Timeout);
        }
    }

    /// The earliest deadline of a parked client (Unix ms; 0: none), so the
    /// server wakes up in time.
    pub fn next_block_deadline(&self) -> u64 {
        self.blocking.next_deadline()
    }

    /// Clients that stopped waiting since the last call: the server resumes
    /// reading their input.
    pub fn take_released(&mut self, into: &mut Vec<ClientId>) {
        self.blocking.take_released(into);
    }

    /// Whether some client was released and not yet resumed by the server.
    pub fn has_released(&self) -> bool {
        self.blocking.has_released()
    }

    /// Parked clients with a deadline (INFO clients_in_timeout_table).
    pub fn clients_in_timeout_table(&self) -> usize {
        self.blocking.with_deadline()
    }

    /// Clients parked by a blocking command or held by CLIENT PAUSE (INFO
    /// blocked_clients).
    pub fn blocked_clients(&self) -> usize {
        self.blocking.len() + self.clients.iter().filter(|(_, c)| c.postponed).count()
    }

    fn reject(
        &mut self,
        client: ClientId,
        id: Option<CommandIndex>,
        argv: &Argv<'_>,
        err: CmdError,
    ) {
        // An error while queuing dooms the transaction (Redis's flagTransaction).
        if let Some(multi) = self.clients.get_mut(client).and_then(|c| c.multi.as_mut()) {
            multi.aborted = true;
        }
        if let Some(id) = id {
            self.call_stats[id.0 as usize].rejected += 1;
        }
        let err = match id {
            // A refused EXEC ends the transaction (Redis's execCommandAbort),
            // which monitors see end too.
            Some(id) if command::index().all[id.0 as usize].name == "exec" => {
                self.discard_transaction(client);
                let exec = command::index().all[id.0 as usize];
                self.feed_monitors(client, exec, argv);
                exec_abort(err)
            }
            _ => err,
        };
        let suppressed = self
            .clients
            .get(client)
            .is_some_and(|c| c.reply_mode != client::ReplyMode::On);
        if let Some(c) = self.clients.get_mut(client)
            && c.reply_mode == client::ReplyMode::SkipNext
        {
            c.reply_mode = client::ReplyMode::On;
        }
        if suppressed {
            self.count_error(&err.to_string());
            return;
        }
        self.reply_error(client, &err.to_string());
    }

    fn outcome(&self, client: ClientId) -> Outcome {
        match self.clients.get(client) {
            Some(c) if !c.close_after_reply && !c.close_asap => Outcome::Done,
            _ => Outcome::Close,
        }
    }
}
