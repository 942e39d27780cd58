//! kv-engine: the single-threaded heart of kv — databases, the command table and
//! its dispatcher, clients' logical state, statistics.
//!
//! # API boundary
//! The server hands the engine complete requests (`Argv`, views into its read
//! buffer) with [`Engine::execute`] and writes out whatever the engine appended to
//! each client's output buffer. Everything that needs the outside world — socket
//! details, memory and CPU figures, shutting down, writing the config file — goes
//! through the [`Host`] trait the server implements.
//!
//! # Invariants
//! - No I/O and no clock: wall time arrives as `now_ms` ([`Engine::set_time`]); the
//!   monotonic microseconds used for command timings come from [`Host::monotonic_us`].
//! - Every cross-cutting rule (unknown command, arity, authentication, pause, stats,
//!   CLIENT REPLY) is applied once, in [`Engine::execute`]; command bodies never
//!   repeat them.
//! - Crate edges: depends on resp-proto, kv-types and kv-config only.

pub mod blocking;
pub mod client;
pub mod cmd;
pub mod command;
pub mod cron;
pub mod db;
pub mod error;
pub mod longdouble;
pub mod random;
pub mod reply;
pub mod stats;
#[doc(hidden)]
pub mod testing;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use resp_proto::Argv;

pub use client::{Client, ClientId, ClientKind, Peer};
pub use command::{Command, CommandIndex, index};
pub use error::{CmdError, CmdResult};
pub use kv_config::Config;
pub use reply::Reply;

use command::flags;
use db::Db;
use stats::{CallStats, Stats};

/// Version of kv itself, reported beside the Redis compatibility level.
pub const KV_VERSION: &str = env!("CARGO_PKG_VERSION");
/// The Redis version kv is compatible with; clients and tools check it.
pub const REDIS_VERSION: &str = "7.0.15";

/// I/O-side facts about one client, for CLIENT LIST / CLIENT INFO.
#[derive(Debug, Clone, Copy, Default)]
pub struct ClientIo {
    /// Unparsed bytes in the query buffer and the free space after them.
    pub qbuf: usize,
    pub qbuf_free: usize,
    /// Whether the socket is being watched for writability.
    pub writable_registered: bool,
}

/// Process-wide figures the engine cannot know by itself.
#[derive(Debug, Clone, Copy, Default)]
pub struct ProcessStats {
    pub used_memory: u64,
    pub used_memory_rss: u64,
    pub used_memory_peak: u64,
    pub used_cpu_sys: f64,
    pub used_cpu_user: f64,
}

/// How SHUTDOWN asked to stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SaveMode {
    Default,
    Save,
    NoSave,
}

/// What the engine needs from the server. Implemented by kv-server; tests use a
/// fake. Calls are synchronous: the engine is single-threaded.
pub trait Host {
    /// Microseconds from an arbitrary fixed origin, for command durations only.
    fn monotonic_us(&self) -> u64;
    fn client_io(&self, client: ClientId) -> ClientIo;
    fn process_stats(&self) -> ProcessStats;
    /// SHUTDOWN: Ok means the server will stop after this command; Err is the
    /// reason it will not (the client gets an error).
    fn shutdown(&mut self, mode: SaveMode) -> Result<(), String>;
    /// CONFIG REWRITE: persist the current configuration into the config file.
    /// `force_all`: write directives left at their defaults too.
    fn rewrite_config(&mut self, config: &Config, force_all: bool) -> Result<(), String>;
    /// CONFIG SET changed directives that the server applies (port, bind, ...).
    /// An Err makes CONFIG SET fail and roll back (the host is then called again
    /// with the old values).
    fn apply_config(
        &mut self,
        config: &Config,
        changed: &[&'static str],
    ) -> Result<(), kv_config::ApplyError>;
    /// DEBUG SLEEP: block the whole server, as Redis does.
    fn sleep_us(&mut self, us: u64);
    /// Frees a large value away from the event loop (FLUSHALL ASYNC, UNLINK).
    fn free_later(&mut self, garbage: Box<dyn std::any::Any + Send>);
}

/// Facts fixed at startup that INFO server reports.
#[derive(Debug, Clone, Default)]
pub struct ServerFacts {
    pub process_id: u32,
    pub run_id: String,
    pub executable: String,
    pub config_file: String,
    pub os: String,
    pub tcp_port: u16,
    pub start_ms: u64,
    /// Seed for the engine's random numbers.
    pub seed: u64,
}

/// CLIENT PAUSE state: until when, and whether only writes are held.
#[derive(Debug, Clone, Copy, Default)]
pub struct Pause {
    pub until_ms: u64,
    pub writes_only: bool,
}

/// What the server should do with the client after [`Engine::execute`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Ran (or was rejected with an error reply); go on with the next command.
    Done,
    /// Stop reading from this client; flush its output, then close it.
    Close,
    /// Not run because clients are paused: keep the request and retry it after
    /// [`Engine::pause_until`].
    Paused,
    /// The command parked the client (BLPOP...): it was consumed, but read no
    /// more of this client's input until [`Engine::take_released`] lists it.
    Blocked,
}

pub struct Engine {
    pub config: Config,
    pub dbs: Vec<Db>,
    pub clients: client::Clients,
    pub stats: Stats,
    pub facts: ServerFacts,
    pub(crate) call_stats: Vec<CallStats>,
    pub(crate) error_stats: BTreeMap<String, u64>,
    pub(crate) now_ms: u64,
    pub(crate) now_us: u64,
    /// Changes to the dataset since the last save.
    pub dirty: u64,
    /// DEBUG SET-ACTIVE-EXPIRE: whether the cron deletes expired keys.
    pub active_expire_enabled: bool,
    pub expire_stats: cron::ExpireStats,
    pub(crate) pause: Pause,
    pub(crate) rng: random::Rng,
    pub(crate) blocking: blocking::Blocking,
    pending_writes: Vec<ClientId>,
    closing: Vec<ClientId>,
    pub(crate) shutdown_requested: bool,
}

/// What a command body sees: the engine, the calling client, its reply writer and
/// the host.
pub struct Ctx<'a> {
    pub engine: &'a mut Engine,
    pub client: ClientId,
    pub reply: Reply<'a>,
    pub host: &'a mut dyn Host,
    /// Set by a blocking command that found nothing: park on these keys until
    /// this deadline (Unix ms, 0 forever) instead of replying.
    block: Option<(Vec<Box<[u8]>>, u64)>,
    /// This run is a parked client's retry after one of its keys got data.
    retry: bool,
}

impl<'a> Ctx<'a> {
    /// Parks the calling client on `keys` until `deadline_ms` (Unix ms, 0:
    /// forever), instead of replying. The body must not write a reply after
    /// calling this.
    pub fn block_on(&mut self, keys: Vec<Box<[u8]>>, deadline_ms: u64) {
        self.block = Some((keys, deadline_ms));
    }

    /// Whether this run retries a parked client's command after one of its
    /// keys received data. Retries treat keys of the wrong type as empty.
    pub fn is_retry(&self) -> bool {
        self.retry
    }

    /// The calling client. It exists for the whole call (the dispatcher checked).
    pub fn me(&self) -> &Client {
        self.engine
            .clients
            .get(self.client)
            .expect("the calling client stays registered during its command")
    }

    pub fn me_mut(&mut self) -> &mut Client {
        self.engine
            .clients
            .get_mut(self.client)
            .expect("the calling client stays registered during its command")
    }

    /// The calling client's selected database.
    pub fn db(&mut self) -> &mut Db {
        let index = self.me().db;
        &mut self.engine.dbs[index]
    }

    pub fn db_index(&self) -> usize {
        self.me().db
    }

    pub fn now_ms(&self) -> u64 {
        self.engine.now_ms
    }

    /// The access clock stamped on keys (seconds; OBJECT IDLETIME).
    pub fn access_clock(&self) -> u32 {
        (self.engine.now_ms / 1000) as u32
    }

    /// Looks a key up for reading: counts a keyspace hit or miss and marks the
    /// key accessed (unless the client asked CLIENT NO-TOUCH), as lookupKeyRead.
    pub fn lookup_read(&mut self, key: &[u8]) -> Option<kv_types::dict::Id> {
        let touch = !self.me().no_touch;
        self.lookup_read_touching(key, touch)
    }

    /// [`Ctx::lookup_read`] that leaves the key's access time alone, for
    /// commands that inspect keys rather than use them (EXISTS, TYPE, TTL...),
    /// as Redis's LOOKUP_NOTOUCH.
    pub fn lookup_read_no_touch(&mut self, key: &[u8]) -> Option<kv_types::dict::Id> {
        self.lookup_read_touching(key, false)
    }

    fn lookup_read_touching(&mut self, key: &[u8], touch: bool) -> Option<kv_types::dict::Id> {
        let now = self.engine.now_ms;
        let clock = self.access_clock();
        let db = self.me().db;
        let db = &mut self.engine.dbs[db];
        match db.lookup(key, now) {
            Some(id) => {
                if touch {
                    db.entry_mut(id).access = clock;
                }
                self.engine.stats.keyspace_hits += 1;
                Some(id)
            }
            None => {
                self.engine.stats.keyspace_misses += 1;
                None
            }
        }
    }

    /// Looks a key up for writing (no hit/miss counting), as lookupKeyWrite.
    pub fn lookup_write(&mut self, key: &[u8]) -> Option<kv_types::dict::Id> {
        let now = self.engine.now_ms;
        let clock = self.access_clock();
        let db = self.db();
        let id = db.lookup(key, now)?;
        db.entry_mut(id).access = clock;
        Some(id)
    }

    /// Counts a change to the dataset (INFO rdb_changes_since_last_save).
    pub fn dirty(&mut self, changes: u64) {
        self.engine.dirty += changes;
    }

    /// Looks `key` up for reading (a keyspace hit or miss) and checks it holds
    /// a `T`: `Ok(None)` when missing, WRONGTYPE when it holds something else.
    pub fn lookup_read_as<T: db::Typed>(
        &mut self,
        key: &[u8],
    ) -> Result<Option<kv_types::dict::Id>, CmdError> {
        let Some(id) = self.lookup_read(key) else {
            return Ok(None);
        };
        db::typed::<T>(self.db(), id)?;
        Ok(Some(id))
    }

    /// [`Ctx::lookup_read_as`] for writing (no hit/miss counting).
    pub fn lookup_write_as<T: db::Typed>(
        &mut self,
        key: &[u8],
    ) -> Result<Option<kv_types::dict::Id>, CmdError> {
        let Some(id) = self.lookup_write(key) else {
            return Ok(None);
        };
        db::typed::<T>(self.db(), id)?;
        Ok(Some(id))
    }

    /// The value at `key` as a `T` for reading, with the reply writer borrowed
    /// alongside: `Ok(None)` when the key is missing, WRONGTYPE when it holds
    /// another type. Counts a keyspace hit or miss.
    pub fn read_typed<T: db::Typed>(
        &mut self,
        key: &[u8],
    ) -> Result<Option<(&T, &mut Reply<'a>)>, CmdError> {
        let Some(id) = self.lookup_read(key) else {
            return Ok(None);
        };
        let index = self.db_index();
        let value = &self.engine.dbs[index].entry(id).value;
        let typed = T::of(value).ok_or(CmdError::WrongType)?;
        Ok(Some((typed, &mut self.reply)))
    }

    /// The value at `key` as a `T` for modification (see [`Ctx::read_typed`]).
    pub fn write_typed<T: db::Typed>(
        &mut self,
        key: &[u8],
    ) -> Result<Option<(&mut T, &mut Reply<'a>)>, CmdError> {
        let Some(id) = self.lookup_write(key) else {
            return Ok(None);
        };
        let index = self.db_index();
        let value = &mut self.engine.dbs[index].entry_mut(id).value;
        let typed = T::of_mut(value).ok_or(CmdError::WrongType)?;
        Ok(Some((typed, &mut self.reply)))
    }

    /// The `T` at `key`, created with `make` when the key is missing.
    pub fn write_or_create<T: db::Typed>(
        &mut self,
        key: &[u8],
        make: impl FnOnce() -> T,
    ) -> Result<(&mut T, &mut Reply<'a>), CmdError> {
        let id = match self.lookup_write(key) {
            Some(id) => id,
            None => {
                let clock = self.access_clock();
                self.db().insert(key, make().into_value(), clock)
            }
        };
        let index = self.db_index();
        let value = &mut self.engine.dbs[index].entry_mut(id).value;
        let typed = T::of_mut(value).ok_or(CmdError::WrongType)?;
        Ok((typed, &mut self.reply))
    }

    /// Stores a *STORE command's result (`len` elements) at `dst`, replacing
    /// whatever was there (any type, TTL cleared), or deletes `dst` when the
    /// result is empty; replies with the size. Returns whether it stored.
    pub fn store_result(&mut self, dst: &[u8], result: db::Value, len: usize) -> bool {
        let now = self.engine.now_ms;
        if len == 0 {
            if self.db().delete(dst, now) {
                self.dirty(1);
            }
            self.reply.integer(0);
            return false;
        }
        let clock = self.access_clock();
        self.db().set(dst, result, false, now, clock);
        self.dirty(1);
        self.reply.integer(i64::try_from(len).unwrap_or(i64::MAX));
        true
    }

    /// Deletes `key` if it holds an empty collection (Redis never keeps empty
    /// collections); true if it did.
    pub fn delete_if_empty(&mut self, key: &[u8]) -> bool {
        let now = self.engine.now_ms;
        let db = self.db();
        let Some(id) = db.lookup(key, now) else {
            return false;
        };
        let empty = match &db.entry(id).value {
            db::Value::Str(_) => false,
            db::Value::List(l) => l.is_empty(),
            db::Value::Hash(h) => h.is_empty(),
            db::Value::Set(s) => s.is_empty(),
            db::Value::ZSet(z) => z.is_empty(),
        };
        if empty {
            db.remove_id(id);
        }
        empty
    }

    /// Notes that `key` received elements, so clients blocked on it (BLPOP,
    /// BZPOPMIN...) are served once the current command finishes.
    pub fn signal_key_ready(&mut self, key: &[u8]) {
        let db = self.db_index();
        self.engine.signal_key_ready(db, key);
    }
}

impl Engine {
    pub fn new(config: Config, facts: ServerFacts) -> Engine {
        let databases = config.databases.max(1);
        Engine {
            dbs: (0..databases).map(|_| Db::default()).collect(),
            clients: client::Clients::default(),
            stats: Stats::default(),
            call_stats: vec![CallStats::default(); command::index().all.len()],
            error_stats: BTreeMap::new(),
            now_ms: facts.start_ms,
            now_us: facts.start_ms * 1000,
            dirty: 0,
            active_expire_enabled: true,
            expire_stats: cron::ExpireStats::default(),
            config,
            pause: Pause::default(),
            rng: random::Rng::new(facts.seed),
            blocking: blocking::Blocking::default(),
            facts,
            pending_writes: Vec::new(),
            closing: Vec::new(),
            shutdown_requested: false,
        }
    }

    /// Sets the wall-clock time (Unix milliseconds) used by everything until the
    /// next call.
    pub fn set_time(&mut self, now_ms: u64) {
        self.set_time_us(now_ms.saturating_mul(1000));
    }

    /// [`Engine::set_time`] with microsecond precision (TIME, INFO server_time_usec).
    pub fn set_time_us(&mut self, now_us: u64) {
        self.now_us = now_us;
        self.now_ms = now_us / 1000;
    }

    pub fn now_ms(&self) -> u64 {
        self.now_ms
    }

    /// Registers a new connection. Clients start authenticated unless a password
    /// is required.
    pub fn add_client(&mut self, peer: Peer) -> ClientId {
        self.stats.total_connections_received += 1;
        let needs_auth = self.config.requirepass.is_some();
        self.clients.insert(peer, self.now_ms, !needs_auth)
    }

    pub fn remove_client(&mut self, id: ClientId) -> Option<Client> {
        if self.blocking.unpark(id).is_some() {
            // Nobody resumes a closed client: drop it from the released list.
            self.blocking.forget_released(id);
        }
        self.clients.remove(id)
    }

    pub fn client(&self, id: ClientId) -> Option<&Client> {
        self.clients.get(id)
    }

    pub fn client_mut(&mut self, id: ClientId) -> Option<&mut Client> {
        self.clients.get_mut(id)
    }

    /// Clients with output queued since the last call; each appears once.
    pub fn take_pending_writes(&mut self, into: &mut Vec<ClientId>) {
        into.append(&mut self.pending_writes);
        for id in into.iter() {
            if let Some(c) = self.clients.get_mut(*id) {
                c.pending_write = false;
            }
        }
    }

    pub(crate) fn mark_pending_write(&mut self, id: ClientId) {
        if let Some(c) = self.clients.get_mut(id)
            && !c.pending_write
            && !c.out.is_empty()
        {
            c.pending_write = true;
            self.pending_writes.push(id);
        }
    }

    /// Thresholds for small hash encodings, from the config.
    pub fn hash_limits(&self) -> kv_types::hash::HashLimits {
        kv_types::hash::HashLimits {
            max_listpack_entries: self.config.hash_max_listpack_entries as usize,
            max_listpack_value: self.config.hash_max_listpack_value as usize,
        }
    }

    /// Thresholds for small set encodings, from the config.
    pub fn set_limits(&self) -> kv_types::set::SetLimits {
        kv_types::set::SetLimits {
            max_intset_entries: self.config.set_max_intset_entries as usize,
        }
    }

    /// Thresholds for small sorted-set encodings, from the config.
    pub fn zset_limits(&self) -> kv_types::zset::Limits {
        kv_types::zset::Limits {
            max_listpack_entries: self.config.zset_max_listpack_entries as usize,
            max_listpack_value: self.config.zset_max_listpack_value as usize,
        }
    }

    /// List node sizing, from the config.
    pub fn list_limits(&self) -> kv_types::list::ListLimits {
        kv_types::list::ListLimits {
            fill: self.config.list_max_listpack_size as i32,
            compress_depth: self.config.list_compress_depth as u32,
        }
    }

    /// Records that a key received elements (see [`Ctx::signal_key_ready`]).
    /// Only keys some client is blocked on are recorded.
    pub fn signal_key_ready(&mut self, db: usize, key: &[u8]) {
        self.blocking.signal(db, key);
    }

    /// A fresh 40-hex-digit replication ID (DEBUG CHANGE-REPL-ID).
    pub fn new_replication_id(&mut self) -> String {
        (0..5)
            .map(|_| format!("{:016x}", self.rng.next_u64()))
            .collect::<String>()[..40]
            .to_owned()
    }

    /// Marks a client to be closed without flushing its output (CLIENT KILL, output
    /// buffer limits). The server collects it with [`Engine::take_closing`].
    pub fn kill(&mut self, id: ClientId) {
        if let Some(c) = self.clients.get_mut(id)
            && !c.close_asap
        {
            c.close_asap = true;
            self.closing.push(id);
        }
    }

    /// Clients killed since the last call, for the server to close.
    pub fn take_closing(&mut self, into: &mut Vec<ClientId>) {
        into.append(&mut self.closing);
    }

    /// Until when (Unix ms) CLIENT PAUSE holds commands; 0 when not paused.
    pub fn pause_until(&self) -> u64 {
        if self.pause.until_ms > self.now_ms {
            self.pause.until_ms
        } else {
            0
        }
    }

    /// Whether SHUTDOWN succeeded and the server should stop now.
    pub fn shutdown_requested(&self) -> bool {
        self.shutdown_requested
    }

    /// Proto limits for parsing this client's next request.
    pub fn request_limits(&self, client: ClientId) -> resp_proto::RequestLimits {
        resp_proto::RequestLimits {
            max_bulk_len: self.config.proto_max_bulk_len,
            authenticated: self.clients.get(client).is_none_or(|c| c.authenticated),
        }
    }

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

        let found = match command::index().find(name) {
            Some(found) => Some(found),
            None => {
                // As Redis's processCommand, which sets lastcmd from the lookup.
                me.last_cmd = "NULL";
                let err = CmdError::unknown_command(name, &mut argv.iter().skip(1));
                self.reject(client, None, err);
                return self.outcome(client);
            }
        };
        let (mut cmd, mut id) = found.expect("checked above");
        me.last_cmd = cmd.name;
        // A container runs a subcommand; COMMAND alone is also a command of its own.
        if !cmd.subcommands.is_empty() {
            if argv.len() < 2 && cmd.handler.is_none() {
                self.reject(client, Some(id), CmdError::WrongArity(cmd.name.to_owned()));
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
                        let err = CmdError::UnknownSubcommand {
                            sub: error::lossy_prefix(sub_name, 128),
                            parent: cmd.name.to_ascii_uppercase(),
                        };
                        self.reject(client, Some(id), err);
                        return self.outcome(client);
                    }
                }
            }
        }
        if !cmd.arity_ok(argv.len()) {
            self.reject(client, Some(id), CmdError::WrongArity(cmd.name.to_owned()));
            return self.outcome(client);
        }
        let me = self.clients.get(client).expect("looked up above");
        if !me.authenticated && !cmd.has(flags::NO_AUTH) {
            self.reject(client, Some(id), CmdError::NoAuth);
            return self.outcome(client);
        }
        if self.pause_until() != 0 && self.is_paused_for(cmd) {
            if let Some(me) = self.clients.get_mut(client) {
                me.postponed = true;
            }
            return Outcome::Paused;
        }

        let parked = self.call(client, cmd, id, argv, host, false);
        if self.blocking.has_ready() {
            self.serve_ready_keys(host);
        }
        if parked {
            return Outcome::Blocked;
        }
        self.outcome(client)
    }

    /// CLIENT PAUSE holds every command, or with WRITE only those that may write.
    fn is_paused_for(&self, cmd: &Command) -> bool {
        !self.pause.writes_only || cmd.has(flags::WRITE) || cmd.has(flags::MAY_REPLICATE)
    }

    /// Runs a command body for `client`; returns whether the body parked the
    /// client. `retry` marks a parked client's command being run again.
    fn call(
        &mut self,
        client: ClientId,
        cmd: &'static Command,
        id: CommandIndex,
        argv: Argv<'_>,
        host: &mut dyn Host,
        retry: bool,
    ) -> bool {
        let handler = cmd.handler.expect("non-container commands have a handler");
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

        let (result, block) = {
            let mut ctx = Ctx {
                engine: self,
                client,
                reply: Reply::new(&mut out, resp3),
                host,
                block: None,
                retry,
            };
            let result = handler(&mut ctx, argv);
            (result, ctx.block)
        };
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
                            argv: argv.to_owned_argv(),
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
                    self.call(client, cmd, id, argv.as_argv(), host, true);
                    if let (Some(c), Some(saved)) = (self.clients.get_mut(client), saved_db) {
                        c.db = saved;
                    }
                }
            }
        }
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

    fn reject(&mut self, client: ClientId, id: Option<CommandIndex>, err: CmdError) {
        if let Some(id) = id {
            self.call_stats[id.0 as usize].rejected += 1;
        }
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

    /// CONFIG RESETSTAT: every counter INFO shows goes back to zero.
    pub fn reset_stats(&mut self) {
        self.stats.reset();
        self.call_stats
            .iter_mut()
            .for_each(|s| *s = CallStats::default());
        self.error_stats.clear();
    }

    /// Clients idle for longer than `timeout` seconds (0: never), for the server
    /// to close.
    pub fn idle_clients(&self, out: &mut Vec<ClientId>) {
        let timeout_ms = self.config.timeout.saturating_mul(1000);
        if timeout_ms == 0 {
            return;
        }
        for (id, c) in self.clients.iter() {
            if c.kind == ClientKind::Normal
                && self.now_ms.saturating_sub(c.last_interaction_ms) > timeout_ms
            {
                out.push(id);
            }
        }
    }
}
