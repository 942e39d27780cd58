//! kv-engine: the single-threaded heart of kv — databases, the command table and
//! its dispatcher (`dispatch.rs`), what a command body sees (`ctx.rs`), clients'
//! logical state, statistics; transactions (`multi.rs`), Pub/Sub (`pubsub.rs`),
//! client-side caching (`tracking.rs`), blocking commands (`blocking.rs`), and
//! the write-effects seam that feeds them and the propagation streams
//! (`effects.rs`).
//!
//! # API boundary
//! The server hands the engine complete requests (`Argv`, views into its read
//! buffer) with [`Engine::execute`] and writes out whatever the engine appended to
//! each client's output buffer. Everything that needs the outside world — socket
//! details, memory and CPU figures, shutting down, writing the config file — goes
//! through the [`Host`] trait the server implements. What writes propagate is
//! taken with [`Engine::take_propagated`], for the AOF and replicas, once asked
//! for with [`Engine::set_propagation`].
//!
//! # Invariants
//! - No I/O and no clock: wall time arrives as `now_ms` ([`Engine::set_time`]); the
//!   monotonic microseconds used for command timings come from [`Host::monotonic_us`].
//! - Every cross-cutting rule (unknown command, arity, authentication, MULTI
//!   queuing, subscriber mode, pause, stats, CLIENT REPLY, propagation) is
//!   applied once, in [`Engine::execute`]; command bodies never repeat them.
//! - Every write reports itself through `Ctx::changed` (see `effects`).
//! - Crate edges: depends on resp-proto, kv-types and kv-config only.

pub mod blocking;
pub mod client;
#[cfg(test)]
mod clients_tests;
pub mod cmd;
pub mod command;
pub mod cron;
mod ctx;
pub mod db;
mod dispatch;
pub mod effects;
pub mod error;
pub mod longdouble;
mod monitor;
mod multi;
pub mod pubsub;
pub mod random;
#[cfg(test)]
mod replay_tests;
pub mod reply;
pub mod slowlog;
pub mod stats;
#[doc(hidden)]
pub mod testing;
#[cfg(test)]
mod tests;
mod tracking;

use std::collections::BTreeMap;

pub use client::{Client, ClientId, ClientKind, Peer};
pub use command::{Command, CommandIndex, index};
pub use ctx::{Ctx, Parts};
pub use error::{CmdError, CmdResult};
pub use kv_config::Config;
pub use reply::Reply;

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
    pub(crate) config: Config,
    pub(crate) dbs: Vec<Db>,
    pub(crate) clients: client::Clients,
    pub(crate) stats: Stats,
    pub(crate) facts: ServerFacts,
    pub(crate) call_stats: Vec<CallStats>,
    pub(crate) error_stats: BTreeMap<String, u64>,
    pub(crate) now_ms: u64,
    pub(crate) now_us: u64,
    /// Changes to the dataset since the last save.
    pub(crate) dirty: u64,
    /// DEBUG SET-ACTIVE-EXPIRE: whether the cron deletes expired keys.
    pub(crate) active_expire_enabled: bool,
    /// DEBUG PAUSE-CRON: [`Engine::cron`] does nothing.
    pub(crate) cron_paused: bool,
    pub(crate) expire_stats: cron::ExpireStats,
    pub(crate) pause: Pause,
    pub(crate) rng: random::Rng,
    pub(crate) blocking: blocking::Blocking,
    pub(crate) pending_writes: Vec<ClientId>,
    closing: Vec<ClientId>,
    pub(crate) shutdown_requested: bool,
    /// WATCHed keys and their watchers.
    pub(crate) watches: multi::Watches,
    /// Pub/Sub subscriber lists.
    pub(crate) pubsub: pubsub::PubSub,
    /// Client-side caching: keys clients read, prefixes they follow.
    pub(crate) tracking: tracking::Tracking,
    /// What writes propagate, for the AOF and replicas.
    pub(crate) propagation: effects::Propagation,
    pub(crate) slowlog: slowlog::SlowLog,
    /// MONITOR clients, in the order they asked.
    pub(crate) monitors: Vec<ClientId>,
    /// `rename-command`: usually none.
    pub(crate) renames: command::rename::Renames,
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
            cron_paused: false,
            expire_stats: cron::ExpireStats::default(),
            config,
            pause: Pause::default(),
            rng: random::Rng::new(facts.seed),
            blocking: blocking::Blocking::default(),
            facts,
            pending_writes: Vec::new(),
            closing: Vec::new(),
            shutdown_requested: false,
            watches: multi::Watches::default(),
            pubsub: pubsub::PubSub::default(),
            tracking: tracking::Tracking::default(),
            propagation: effects::Propagation::default(),
            slowlog: slowlog::SlowLog::default(),
            monitors: Vec::new(),
            renames: command::rename::Renames::default(),
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
        self.forget_client_state(id);
        if self.blocking.unpark(id).is_some() {
            // Nobody resumes a closed client: drop it from the released list.
            self.blocking.forget_released(id);
        }
        self.clients.remove(id)
    }

    /// Drops what other parts of the engine hold for a client: its
    /// transaction and watches, subscriptions, tracking and MONITOR
    /// (disconnect, RESET).
    pub(crate) fn forget_client_state(&mut self, id: ClientId) {
        self.discard_transaction(id);
        self.unsubscribe_all(id);
        self.tracking_off(id);
        self.remove_monitor(id);
    }

    /// Applies the configuration's `rename-command` lines (the server checks
    /// them with [`command::rename::Renames::build`] before it starts).
    pub fn set_command_renames(&mut self, renames: command::rename::Renames) {
        self.renames = renames;
    }

    /// The top-level command answering to `name`, `rename-command` applied.
    #[inline]
    pub(crate) fn find_command(&self, name: &[u8]) -> Option<(&'static Command, CommandIndex)> {
        self.renames.lookup(name)
    }

    /// Whether COMMAND lists `cmd`: not once it, or the container of a
    /// subcommand, was renamed to "".
    pub(crate) fn command_listed(&self, cmd: &Command) -> bool {
        let top = cmd.name.split('|').next().unwrap_or(cmd.name);
        self.renames.is_empty()
            || command::index()
                .find(top.as_bytes())
                .is_some_and(|(_, id)| self.renames.listed(id))
    }

    /// The configuration in force (CONFIG SET changes it through commands).
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Every connected client.
    pub fn clients(&self) -> &client::Clients {
        &self.clients
    }

    /// Counts a connection refused before it became a client (maxclients,
    /// protected mode): INFO rejected_connections.
    pub fn count_rejected_connection(&mut self) {
        self.stats.rejected_connections += 1;
    }

    /// Counts one read of `bytes` from a socket (INFO total_net_input_bytes).
    pub fn count_read(&mut self, bytes: usize) {
        self.stats.total_net_input_bytes += bytes as u64;
        self.stats.total_reads_processed += 1;
    }

    /// Counts one write of `bytes` to a socket (INFO total_net_output_bytes).
    pub fn count_write(&mut self, bytes: usize) {
        self.stats.total_net_output_bytes += bytes as u64;
        self.stats.total_writes_processed += 1;
    }

    /// Changes to the dataset since the last save (rdb_changes_since_last_save).
    pub fn dirty(&self) -> u64 {
        self.dirty
    }

    /// A client for modification with the configuration beside it (the
    /// server checks output buffer limits while writing).
    pub fn client_mut_with_config(&mut self, id: ClientId) -> Option<(&mut Client, &Config)> {
        let client = self.clients.get_mut(id)?;
        Some((client, &self.config))
    }

    pub fn client(&self, id: ClientId) -> Option<&Client> {
        self.clients.get(id)
    }

    pub fn client_mut(&mut self, id: ClientId) -> Option<&mut Client> {
        self.clients.get_mut(id)
    }

    /// Work done once per event-loop turn, before the server writes replies
    /// and sleeps (Redis's beforeSleep): BCAST tracking messages go out.
    pub fn before_sleep(&mut self) {
        self.tracking_broadcast();
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

    /// CONFIG RESETSTAT: every counter INFO shows goes back to zero.
    pub fn reset_stats(&mut self) {
        self.stats.reset();
        // The expiry counters live beside the keys they count.
        self.expire_stats = cron::ExpireStats::default();
        self.dbs.iter_mut().for_each(|db| db.expired_keys = 0);
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
