//! The write-effects seam (Redis's `signalModifiedKey`, `notifyKeyspaceEvent`,
//! `server.dirty` and `alsoPropagate`, joined): what a write changed is told
//! once, and every consumer hangs off that one report.
//!
//! A command body that modified `key` calls [`crate::Ctx::changed`] (or one of
//! its variants) with the keyspace [`Event`] Redis names for it. That one call:
//! - adds to the dirty counter (INFO `rdb_changes_since_last_save`; also what
//!   decides whether the command is propagated, as in Redis's `call()`);
//! - invalidates WATCH on that key for every client;
//! - sends client-side-caching invalidations to clients tracking the key;
//! - marks the key ready for clients blocked on it;
//! - publishes the keyspace notification, when `notify-keyspace-events` asks.
//!
//! Deletions the server makes by itself (lazy and active expiry) are reported
//! the same way by the engine: [`crate::db::Db`] logs each expired key it
//! removes, and the engine drains that log through this seam before the next
//! change is recorded and after every command and cron pass, so that the `DEL`
//! it propagates precedes the command that found the key expired.
//!
//! # Propagation
//! While a command runs, what it did is collected as replayable commands in the
//! running *execution unit* (a command, a whole EXEC, a blocked client's
//! retry). By default a command that dirtied the dataset propagates its own
//! arguments; a body that is not deterministic or that used relative times
//! rewrites them ([`crate::Ctx::propagate_as`]) or adds more
//! ([`crate::Ctx::also_propagate`]). When the unit ends, its commands are
//! appended to the propagation streams — RESP commands, one stream for the AOF
//! and one for replicas, since PUBLISH goes to replicas only — with a `SELECT`
//! whenever the database changes, and wrapped in MULTI/EXEC when there is more
//! than one (as Redis 7.0's `propagatePendingCommands`).
//!
//! Invariants:
//! - No command body touches the dirty counter, WATCH, tracking, blocked
//!   clients' readiness, notifications or the stream directly.
//! - The stream is recorded only while a consumer asked for it
//!   ([`crate::Engine::set_propagation`]): with no AOF and no replica, a write
//!   costs one branch here, not a copy of its arguments.
//! - The stream holds whole execution units only; a consumer may cut it at any
//!   point it reads.

use kv_config::notify;
use resp_proto::{Argv, OwnedArgv};

/// A keyspace event: its `notify-keyspace-events` class and Redis's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Event {
    pub class: u32,
    pub name: &'static str,
}

const fn event(class: u32, name: &'static str) -> Event {
    Event { class, name }
}

/// Every event kv raises, by the names Redis 7.0 gives them.
pub mod events {
    use super::{Event, event, notify as n};

    /// A change that Redis reports without a keyspace event.
    pub const NONE: Event = event(0, "");

    pub const DEL: Event = event(n::GENERIC, "del");
    pub const EXPIRE: Event = event(n::GENERIC, "expire");
    pub const PERSIST: Event = event(n::GENERIC, "persist");
    pub const RENAME_FROM: Event = event(n::GENERIC, "rename_from");
    pub const RENAME_TO: Event = event(n::GENERIC, "rename_to");
    pub const MOVE_FROM: Event = event(n::GENERIC, "move_from");
    pub const MOVE_TO: Event = event(n::GENERIC, "move_to");
    pub const COPY_TO: Event = event(n::GENERIC, "copy_to");
    pub const RESTORE: Event = event(n::GENERIC, "restore");
    pub const EXPIRED: Event = event(n::EXPIRED, "expired");
    pub const EVICTED: Event = event(n::EVICTED, "evicted");
    pub const NEW: Event = event(n::NEW, "new");
    pub const KEYMISS: Event = event(n::KEY_MISS, "keymiss");

    pub const SET: Event = event(n::STRING, "set");
    pub const SETRANGE: Event = event(n::STRING, "setrange");
    pub const INCRBY: Event = event(n::STRING, "incrby");
    pub const INCRBYFLOAT: Event = event(n::STRING, "incrbyfloat");
    pub const APPEND: Event = event(n::STRING, "append");
    pub const SETBIT: Event = event(n::STRING, "setbit");
    pub const PFADD: Event = event(n::STRING, "pfadd");

    pub const LPUSH: Event = event(n::LIST, "lpush");
    pub const RPUSH: Event = event(n::LIST, "rpush");
    pub const LPOP: Event = event(n::LIST, "lpop");
    pub const RPOP: Event = event(n::LIST, "rpop");
    pub const LINSERT: Event = event(n::LIST, "linsert");
    pub const LSET: Event = event(n::LIST, "lset");
    pub const LTRIM: Event = event(n::LIST, "ltrim");
    pub const LREM: Event = event(n::LIST, "lrem");
    pub const SORTSTORE: Event = event(n::LIST, "sortstore");

    pub const HSET: Event = event(n::HASH, "hset");
    pub const HDEL: Event = event(n::HASH, "hdel");
    pub const HINCRBY: Event = event(n::HASH, "hincrby");
    pub const HINCRBYFLOAT: Event = event(n::HASH, "hincrbyfloat");

    pub const SADD: Event = event(n::SET, "sadd");
    pub const SREM: Event = event(n::SET, "srem");
    pub const SPOP: Event = event(n::SET, "spop");
    pub const SINTERSTORE: Event = event(n::SET, "sinterstore");
    pub const SUNIONSTORE: Event = event(n::SET, "sunionstore");
    pub const SDIFFSTORE: Event = event(n::SET, "sdiffstore");

    pub const ZADD: Event = event(n::ZSET, "zadd");
    pub const ZINCR: Event = event(n::ZSET, "zincr");
    pub const ZREM: Event = event(n::ZSET, "zrem");
    pub const ZREMRANGEBYSCORE: Event = event(n::ZSET, "zremrangebyscore");
    pub const ZREMRANGEBYRANK: Event = event(n::ZSET, "zremrangebyrank");
    pub const ZREMRANGEBYLEX: Event = event(n::ZSET, "zremrangebylex");
    pub const ZPOPMIN: Event = event(n::ZSET, "zpopmin");
    pub const ZPOPMAX: Event = event(n::ZSET, "zpopmax");
    pub const ZINTERSTORE: Event = event(n::ZSET, "zinterstore");
    pub const ZUNIONSTORE: Event = event(n::ZSET, "zunionstore");
    pub const ZDIFFSTORE: Event = event(n::ZSET, "zdiffstore");
    pub const ZRANGESTORE: Event = event(n::ZSET, "zrangestore");

    pub const XADD: Event = event(n::STREAM, "xadd");
    pub const XTRIM: Event = event(n::STREAM, "xtrim");
    pub const XDEL: Event = event(n::STREAM, "xdel");
    pub const XSETID: Event = event(n::STREAM, "xsetid");
    pub const XGROUP_CREATE: Event = event(n::STREAM, "xgroup-create");
    pub const XGROUP_CREATECONSUMER: Event = event(n::STREAM, "xgroup-createconsumer");
    pub const XGROUP_DELCONSUMER: Event = event(n::STREAM, "xgroup-delconsumer");
    pub const XGROUP_DESTROY: Event = event(n::STREAM, "xgroup-destroy");
    pub const XGROUP_SETID: Event = event(n::STREAM, "xgroup-setid");
    pub const GEORADIUSSTORE: Event = event(n::ZSET, "georadiusstore");
    pub const GEOSEARCHSTORE: Event = event(n::ZSET, "geosearchstore");
}

/// How the running command's own arguments are propagated.
#[derive(Debug, Default)]
pub(crate) enum OwnArgs {
    /// As received, if the command dirtied the dataset.
    #[default]
    AsIs,
    /// Replaced by these arguments (if the command dirtied the dataset).
    Rewritten(OwnedArgv),
    /// Not at all: the body propagated what it did with `also_propagate`, or
    /// it must not reach replicas.
    Suppressed,
}

/// How a deletion replays: UNLINK when the value is freed lazily, else DEL
/// (Redis's `lazyfree-lazy-*` choice of shared.unlink / shared.del).
pub(crate) fn del_verb(lazy: bool) -> &'static [u8] {
    if lazy { b"UNLINK" } else { b"DEL" }
}

/// Where a propagated command goes (Redis's PROPAGATE_AOF and PROPAGATE_REPL).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// The append-only file.
    Aof,
    /// Replicas (and the replication backlog).
    Replicas,
}

impl Target {
    const ALL: [Target; 2] = [Target::Aof, Target::Replicas];

    fn bit(self) -> u8 {
        match self {
            Target::Aof => 1,
            Target::Replicas => 2,
        }
    }
}

/// Both targets: what a write propagates.
pub(crate) const EVERYWHERE: u8 = 3;
/// Replicas only (PUBLISH: messages are not data, an AOF must not replay them).
pub(crate) const REPLICAS_ONLY: u8 = 2;

/// One target's stream of RESP commands.
#[derive(Debug, Default)]
struct Stream {
    bytes: Vec<u8>,
    /// The database its reader has selected (None: unknown, so the first
    /// command is preceded by a SELECT).
    selected: Option<usize>,
}

impl Stream {
    fn select(&mut self, db: usize) {
        if self.selected != Some(db) {
            let mut buf = itoa::Buffer::new();
            self.write(&[b"SELECT", buf.format(db).as_bytes()]);
            self.selected = Some(db);
        }
    }

    fn write(&mut self, args: &[&[u8]]) {
        resp_proto::write::array_len(&mut self.bytes, args.len());
        for arg in args {
            resp_proto::write::bulk(&mut self.bytes, arg);
        }
    }
}

/// The propagation streams and the execution unit being collected.
#[derive(Debug, Default)]
pub(crate) struct Propagation {
    enabled: bool,
    /// Commands of the running execution unit: database, arguments, targets.
    unit: Vec<(usize, OwnedArgv, u8)>,
    /// Nesting of execution units (EXEC runs commands inside its own unit).
    depth: u32,
    /// Per target (AOF, replicas): RESP commands not yet taken by the server.
    streams: [Stream; 2],
}

impl Propagation {
    pub(crate) fn enabled(&self) -> bool {
        self.enabled
    }

    pub(crate) fn set_enabled(&mut self, on: bool) {
        self.enabled = on;
        if !on {
            self.unit.clear();
            self.streams = Default::default();
        }
    }

    /// Queues one command for both targets in the running unit (nothing when
    /// disabled).
    pub(crate) fn push(&mut self, db: usize, args: &[&[u8]]) {
        if self.enabled {
            self.unit
                .push((db, OwnedArgv::from_slices(args), EVERYWHERE));
        }
    }

    pub(crate) fn push_argv(&mut self, db: usize, argv: Argv<'_>, targets: u8) {
        if self.enabled {
            self.unit.push((db, argv.to_owned_argv(), targets));
        }
    }

    pub(crate) fn push_owned(&mut self, db: usize, argv: OwnedArgv, targets: u8) {
        if self.enabled {
            self.unit.push((db, argv, targets));
        }
    }

    /// Starts an execution unit; units nest, and only the outermost one is
    /// written out when it ends.
    pub(crate) fn begin(&mut self) {
        self.depth += 1;
    }

    /// Ends an execution unit: the outermost writes its commands to the
    /// streams, wrapped in MULTI/EXEC when there are several.
    pub(crate) fn end(&mut self) {
        debug_assert!(self.depth > 0, "end() without begin()");
        self.depth = self.depth.saturating_sub(1);
        if self.depth == 0 {
            self.flush_unit();
        }
    }

    /// Writes out a unit made outside any command (active expiry).
    pub(crate) fn flush_if_idle(&mut self) {
        if self.depth == 0 {
            self.flush_unit();
        }
    }

    fn flush_unit(&mut self) {
        if self.unit.is_empty() {
            return;
        }
        // As Redis's propagatePendingCommands: several commands are one
        // transaction for every target, opened in the first one's database
        // so that its SELECT is not inside the transaction.
        let wrap = self.unit.len() > 1;
        for target in Target::ALL {
            let stream = &mut self.streams[target as usize];
            if wrap {
                stream.select(self.unit[0].0);
                stream.write(&[b"MULTI"]);
            }
            for (db, argv, targets) in &self.unit {
                if targets & target.bit() != 0 {
                    stream.select(*db);
                    let args: Vec<&[u8]> = argv.iter().collect();
                    stream.write(&args);
                }
            }
            if wrap {
                stream.write(&[b"EXEC"]);
            }
        }
        self.unit.clear();
    }

    /// Moves one target's stream out.
    pub(crate) fn take(&mut self, target: Target, into: &mut Vec<u8>) {
        into.append(&mut self.streams[target as usize].bytes);
    }
}

impl crate::Engine {
    /// The engine half of the seam: `key` in `db` was modified, by `by` (a
    /// client's command) or by the server itself (`None`).
    ///
    /// Every write runs this, so each consumer is asked first, inline,
    /// whether it has anything to do (usually none has).
    #[inline]
    pub(crate) fn key_changed(
        &mut self,
        db: usize,
        key: &[u8],
        event: Event,
        dirty: u64,
        by: Option<crate::ClientId>,
    ) {
        // An expired key found by this command's lookups goes first, so that
        // its DEL precedes the command in the stream.
        self.report_db_effects(db);
        self.dirty += dirty;
        self.touch_watched(db, key);
        self.tracking_invalidate(key, by);
        self.blocking.signal(db, key);
        self.notify(event, key, db);
    }

    /// [`Engine::key_changed`] for bookkeeping Redis does not count as
    /// modifying the key (a stream's consumer groups, PELs, last ID): dirty,
    /// the readiness of blocked clients and the event, but neither WATCH nor
    /// client-side caching is touched, as Redis calls no signalModifiedKey.
    pub(crate) fn key_state_changed(&mut self, db: usize, key: &[u8], event: Event, dirty: u64) {
        self.report_db_effects(db);
        self.dirty += dirty;
        self.blocking.signal(db, key);
        self.notify(event, key, db);
    }

    /// Publishes a keyspace notification if `notify-keyspace-events` selects
    /// its class (Redis's notifyKeyspaceEvent). The check is inline: every
    /// write and every read miss asks.
    #[inline]
    pub(crate) fn notify(&mut self, event: Event, key: &[u8], db: usize) {
        if self.config.notify_keyspace_events & event.class != 0 && !self.pubsub.is_empty() {
            self.publish_event(event, key, db);
        }
    }

    /// `__keyspace@<db>__:<key>` gets the event's name and
    /// `__keyevent@<db>__:<event>` the key, as the K and E flags ask.
    #[cold]
    fn publish_event(&mut self, event: Event, key: &[u8], db: usize) {
        let flags = self.config.notify_keyspace_events;
        let name = event.name.as_bytes();
        let mut channel = Vec::with_capacity(24 + key.len().max(name.len()));
        for (flag, space, suffix, message) in [
            (notify::KEYSPACE, &b"keyspace"[..], key, name),
            (notify::KEYEVENT, b"keyevent", name, key),
        ] {
            if flags & flag == 0 {
                continue;
            }
            channel.clear();
            channel.extend_from_slice(b"__");
            channel.extend_from_slice(space);
            channel.push(b'@');
            channel.extend_from_slice(itoa::Buffer::new().format(db).as_bytes());
            channel.extend_from_slice(b"__:");
            channel.extend_from_slice(suffix);
            self.publish(crate::pubsub::Kind::Channel, &channel, message);
        }
    }

    /// Reports what `db` did by itself since the last report: keys expiry
    /// deleted, and (when `notify-keyspace-events` has `n`) keys created.
    #[inline]
    pub(crate) fn report_db_effects(&mut self, db: usize) {
        let want_new = self.config.notify_keyspace_events & notify::NEW != 0;
        if !self.dbs[db].has_unreported(want_new) {
            return;
        }
        self.report_db_effects_now(db, want_new);
    }

    #[cold]
    fn report_db_effects_now(&mut self, db: usize, want_new: bool) {
        if want_new != self.dbs[db].logs_new_keys() {
            // `notify-keyspace-events` changed: every database starts (or
            // stops) logging new keys now, not at its own next report.
            for other in &mut self.dbs {
                other.log_new_keys(want_new);
            }
        }
        if want_new && self.dbs[db].has_new_log() {
            for key in self.dbs[db].take_new_log() {
                self.notify(events::NEW, key.as_bytes(), db);
            }
        }
        if !self.dbs[db].has_expired_log() {
            return;
        }
        let lazy = self.config.lazyfree_lazy_expire;
        for key in self.dbs[db].take_expired_log() {
            self.server_deleted(db, key.as_bytes(), events::EXPIRED, lazy);
        }
    }

    /// [`Engine::report_db_effects`] for every database.
    pub(crate) fn report_all_db_effects(&mut self) {
        for db in 0..self.dbs.len() {
            self.report_db_effects(db);
        }
    }

    /// A deletion the server made by itself (expiry; later eviction): it is
    /// propagated as DEL (UNLINK when freed lazily), invalidates WATCH and
    /// tracking, and raises `event`. It does not count as a change of the
    /// dataset, as in Redis.
    pub(crate) fn server_deleted(&mut self, db: usize, key: &[u8], event: Event, lazy: bool) {
        self.propagation.push(db, &[del_verb(lazy), key]);
        self.propagation.flush_if_idle();
        self.touch_watched(db, key);
        self.tracking_invalidate(key, None);
        self.notify(event, key, db);
    }

    /// Marks every client watching `key` in `db` as failed (Redis's
    /// touchWatchedKey). A key that had already expired when it was watched
    /// is not changed by its deletion: that watch only loses its flag.
    #[inline]
    pub(crate) fn touch_watched(&mut self, db: usize, key: &[u8]) {
        if !self.watches.is_empty() {
            self.touch_watchers(db, key);
        }
    }

    #[cold]
    fn touch_watchers(&mut self, db: usize, key: &[u8]) {
        let present = self.dbs[db].contains(key);
        for &id in self.watches.watchers(db, key) {
            let Some(c) = self.clients.get_mut(id) else {
                continue;
            };
            let already_expired = c
                .watched
                .iter_mut()
                .find(|w| w.expired_at_watch && w.db == db && &*w.key == key);
            if let Some(w) = already_expired
                && !present
            {
                w.expired_at_watch = false;
                continue;
            }
            c.dirty_cas = true;
        }
    }

    /// FLUSHDB/FLUSHALL/SWAPDB: every watched key of `db` that exists there
    /// (or, for SWAPDB, in `other`, whose contents come in) is touched, as
    /// Redis's touchAllWatchedKeysInDb. Expired keys are no logical change: a
    /// key that had expired when watched and is emptied (or replaced by
    /// another expired key) does not fail the watcher, nor does a missing key
    /// replaced by an expired one (which then counts as expired at WATCH).
    pub(crate) fn touch_watched_db(&mut self, db: usize, other: Option<usize>) {
        if self.watches.is_empty() {
            return;
        }
        let now = self.now_ms;
        for (key, watchers) in self.watches.in_db(db) {
            let in_emptied = self.dbs[db].contains(key);
            let in_other = other.is_some_and(|o| self.dbs[o].contains(key));
            if !in_emptied && !in_other {
                continue;
            }
            let other_expired = other.is_some_and(|o| self.dbs[o].is_logically_expired(key, now));
            for &id in watchers {
                let Some(c) = self.clients.get_mut(id) else {
                    continue;
                };
                let watched = c.watched.iter_mut().find(|w| w.db == db && &*w.key == key);
                if let Some(w) = watched {
                    if w.expired_at_watch {
                        if !in_other {
                            w.expired_at_watch = false;
                            continue;
                        }
                        if other_expired {
                            continue;
                        }
                    } else if !in_emptied && other_expired {
                        w.expired_at_watch = true;
                        continue;
                    }
                }
                c.dirty_cas = true;
            }
        }
    }

    /// Asks for the propagation stream (the AOF or a replica reads it) or
    /// stops recording it.
    pub fn set_propagation(&mut self, on: bool) {
        self.propagation.set_enabled(on);
    }

    /// Moves what was propagated to `target` out (RESP, with SELECTs and
    /// MULTI/EXEC as the AOF or replicas need them).
    pub fn take_propagated(&mut self, target: Target, into: &mut Vec<u8>) {
        self.propagation.take(target, into);
    }
}

#[cfg(test)]
mod tests {
    //! The propagated stream of every rewritten command, and the seam's other
    //! consumers (dirty counter, keyspace events).

    use crate::testing::{TestEngine, shown};

    /// Time in the tests: TestEngine starts at this Unix ms.
    const T0: u64 = 1_700_000_000_000;

    /// Runs `steps` on a recording engine and compares what was propagated.
    fn propagates(steps: &[&[&str]], expected: &[&str]) {
        let mut t = TestEngine::new();
        t.record_propagation();
        for args in steps {
            t.run(args);
        }
        assert_eq!(t.propagated(), expected, "after {steps:?}");
    }

    #[test]
    fn writes_propagate_as_received_with_a_select_first() {
        propagates(
            &[
                &["set", "k", "v"],
                &["get", "k"],
                &["SELECT", "2"],
                &["INCR", "n"],
            ],
            &["SELECT 0", "set k v", "SELECT 2", "INCR n"],
        );
    }

    #[test]
    fn commands_that_change_nothing_propagate_nothing() {
        propagates(
            &[
                &["SADD", "s", "a"],
                &["SADD", "s", "a"],
                &["DEL", "nosuch"],
                &["SET", "k", "v", "NX"],
                &["SET", "k", "w", "NX"],
                &["SET", "k", "w", "XX", "GET", "get"],
                &["EXPIRE", "nosuch", "10"],
                &["LPOP", "nolist"],
            ],
            &["SELECT 0", "SADD s a", "SET k v NX", "SET k w XX"],
        );
    }

    #[test]
    fn relative_times_become_absolute() {
        let at = (T0 + 10_000).to_string();
        propagates(
            &[
                &["SET", "a", "v", "EX", "10"],
                &["SET", "b", "v", "PX", "10000", "GET"],
                &["SETEX", "c", "10", "v"],
                &["PSETEX", "d", "10000", "v"],
                &["SET", "e", "v", "EXAT", &((T0 + 10_000) / 1000).to_string()],
                &["SET", "f", "v", "NX", "PXAT", &at],
                &["EXPIRE", "a", "10"],
                &["PEXPIRE", "a", "10000", "XX"],
                &["EXPIREAT", "a", &((T0 + 10_000) / 1000).to_string()],
                &["PEXPIREAT", "a", &at, "GT"],
                &["PEXPIREAT", "a", &(T0 + 20_000).to_string(), "GT"],
                &["GETEX", "a", "EX", "10"],
                &["GETEX", "a", "PERSIST"],
                &["GETEX", "a", "PERSIST"],
            ],
            &[
                "SELECT 0",
                &format!("SET a v PXAT {at}"),
                &format!("SET b v PXAT {at}"),
                &format!("SET c v PXAT {at}"),
                &format!("SET d v PXAT {at}"),
                &format!("SET e v PXAT {at}"),
                &format!("SET f v PXAT {at}"),
                &format!("PEXPIREAT a {at}"),
                &format!("PEXPIREAT a {at} XX"),
                &format!("PEXPIREAT a {at}"),
                &format!("PEXPIREAT a {} GT", T0 + 20_000),
                &format!("PEXPIREAT a {at}"),
                "PERSIST a",
            ],
        );
    }

    #[test]
    fn times_in_the_past_delete_and_propagate_del() {
        propagates(
            &[
                &["SET", "a", "v"],
                &["EXPIRE", "a", "-1"],
                &["SET", "b", "v"],
                &["GETEX", "b", "PXAT", "1"],
                &["SET", "c", "v"],
                &["GETDEL", "c"],
            ],
            &[
                "SELECT 0", "SET a v", "DEL a", "SET b v", "DEL b", "SET c v", "DEL c",
            ],
        );
    }

    #[test]
    fn computed_values_propagate_as_their_results() {
        propagates(
            &[
                &["INCRBYFLOAT", "f", "1.5"],
                &["HINCRBYFLOAT", "h", "x", "2.5e1"],
                &["GETSET", "g", "v"],
            ],
            &["SELECT 0", "SET f 1.5 KEEPTTL", "HSET h x 25", "SET g v"],
        );
    }

    #[test]
    fn geoadd_propagates_the_zadd_it_becomes() {
        propagates(
            &[
                &["GEOADD", "g", "CH", "13.361389", "38.115556", "Palermo"],
                &["GEOADD", "g", "NX", "13.361389", "38.115556", "Palermo"],
                &[
                    "GEOSEARCHSTORE",
                    "d",
                    "g",
                    "FROMLONLAT",
                    "13",
                    "38",
                    "BYRADIUS",
                    "90",
                    "km",
                ],
                &["GEORADIUS", "g", "13", "38", "1", "m", "STORE", "d"],
                &["GEORADIUS", "g", "13", "38", "1", "m", "STORE", "d"],
            ],
            &[
                "SELECT 0",
                "zadd g CH 3479099956230698 Palermo",
                "GEOSEARCHSTORE d g FROMLONLAT 13 38 BYRADIUS 90 km",
                "GEORADIUS g 13 38 1 m STORE d",
            ],
        );
    }

    #[test]
    fn sort_store_propagates_as_sent_and_serves_blocked_clients() {
        let mut t = TestEngine::new();
        t.record_propagation();
        let waiter = t.connect();
        t.run_as(waiter, &["BLPOP", "dst", "0"]);
        t.run(&["RPUSH", "l", "2", "1"]);
        t.run(&["SORT", "l", "STORE", "dst"]);
        t.run(&["SORT", "nosuch", "STORE", "other"]);
        assert_eq!(t.received(waiter), "*2|$3|dst|$1|1|");
        assert_eq!(
            t.propagated(),
            ["SELECT 0", "RPUSH l 2 1", "SORT l STORE dst", "LPOP dst"]
        );
    }

    #[test]
    fn random_pops_propagate_the_members_chosen() {
        let mut t = TestEngine::new();
        t.record_propagation();
        t.run(&["SADD", "s", "a", "b", "c", "d", "e"]);
        let one = shown(&t.run(&["SPOP", "s"]));
        let member = one.split('|').nth(1).expect("a bulk reply").to_owned();
        let two = shown(&t.run(&["SPOP", "s", "2"]));
        let mut chosen: Vec<&str> = two
            .split('|')
            .skip(2)
            .step_by(2)
            .filter(|m| !m.is_empty())
            .collect();
        chosen.sort();
        t.run(&["SPOP", "s", "10"]);
        let got = t.propagated();
        assert_eq!(
            got[..3],
            ["SELECT 0", "SADD s a b c d e", &format!("SREM s {member}")]
        );
        // One SREM per member, as one transaction, as Redis 7.0 does.
        assert_eq!(got[3], "MULTI");
        let mut srem: Vec<&str> = got[4..6]
            .iter()
            .map(|c| c.strip_prefix("SREM s ").expect("an SREM"))
            .collect();
        srem.sort();
        assert_eq!(srem, chosen, "{got:?}");
        assert_eq!(got[6..], ["EXEC", "DEL s"]);
    }

    #[test]
    fn blocking_pops_propagate_their_plain_forms() {
        propagates(
            &[
                &["RPUSH", "l", "a", "b", "c", "d"],
                &["BLPOP", "nosuch", "l", "0"],
                &["BRPOP", "l", "0"],
                &["LMPOP", "2", "x", "l", "RIGHT", "COUNT", "5"],
                &["RPUSH", "l", "a", "b"],
                &["BLMOVE", "l", "m", "LEFT", "RIGHT", "0"],
                &["BRPOPLPUSH", "l", "m", "0"],
                &["ZADD", "z", "1", "a", "2", "b", "3", "c"],
                &["BZPOPMIN", "z", "0"],
                &["ZMPOP", "1", "z", "MAX", "COUNT", "5"],
                &["ZADD", "z", "1", "a"],
                &["ZPOPMIN", "z", "1"],
            ],
            &[
                "SELECT 0",
                "RPUSH l a b c d",
                "LPOP l",
                "RPOP l",
                // The multi-key pops carry the count they popped.
                "RPOP l 2",
                "RPUSH l a b",
                "LMOVE l m LEFT RIGHT",
                "RPOPLPUSH l m",
                "ZADD z 1 a 2 b 3 c",
                "ZPOPMIN z",
                "ZPOPMAX z 2",
                "ZADD z 1 a",
                "ZPOPMIN z 1",
            ],
        );
    }

    #[test]
    fn a_served_blocked_client_propagates_after_the_push() {
        let mut t = TestEngine::new();
        t.record_propagation();
        let waiter = t.connect();
        t.run_as(waiter, &["BLMOVE", "src", "dst", "RIGHT", "LEFT", "0"]);
        let popper = t.connect();
        t.run_as(popper, &["BRPOPLPUSH", "src2", "dst", "0"]);
        t.run(&["RPUSH", "src", "x"]);
        t.run(&["RPUSH", "src2", "y"]);
        assert_eq!(
            t.propagated(),
            [
                "SELECT 0",
                "RPUSH src x",
                "LMOVE src dst RIGHT LEFT",
                "RPUSH src2 y",
                "RPOPLPUSH src2 dst",
            ]
        );
        assert_eq!(t.received(waiter), "$1|x|");
    }

    #[test]
    fn expiry_propagates_del_before_the_command_that_found_it() {
        let mut t = TestEngine::new();
        t.record_propagation();
        t.run(&["SET", "a", "1", "PX", "100"]);
        t.run(&["SET", "b", "1", "PX", "100"]);
        t.set_time_ms(T0 + 200);
        t.run(&["GET", "a"]);
        t.run(&["SET", "b", "2"]);
        let at = T0 + 100;
        assert_eq!(
            t.propagated(),
            [
                "SELECT 0".to_owned(),
                format!("SET a 1 PXAT {at}"),
                format!("SET b 1 PXAT {at}"),
                "DEL a".to_owned(),
                "MULTI".to_owned(),
                "DEL b".to_owned(),
                "SET b 2".to_owned(),
                "EXEC".to_owned(),
            ]
        );
    }

    #[test]
    fn active_expiry_propagates_del_and_unlink_under_lazyfree() {
        let mut t = TestEngine::new();
        t.record_propagation();
        t.run(&["SET", "a", "1", "PX", "100"]);
        t.run(&["SELECT", "3"]);
        t.run(&["SET", "b", "1", "PX", "100"]);
        t.propagated();
        t.engine.config.lazyfree_lazy_expire = true;
        t.set_time_ms(T0 + 200);
        t.engine.cron(&t.host);
        assert_eq!(
            t.propagated(),
            ["SELECT 0", "UNLINK a", "SELECT 3", "UNLINK b"]
        );
        assert_eq!(t.engine.expired_keys(), 2);
        // CONFIG RESETSTAT zeroes it, as Redis's resetServerStats does.
        t.run(&["CONFIG", "RESETSTAT"]);
        assert_eq!(t.engine.expired_keys(), 0);
    }

    #[test]
    fn a_transaction_propagates_its_writes_in_one_multi_exec() {
        propagates(
            &[
                &["MULTI"],
                &["SET", "a", "1"],
                &["GET", "a"],
                &["INCR", "a"],
                &["SELECT", "1"],
                &["SET", "a", "x", "EX", "1"],
                &["EXEC"],
                &["MULTI"],
                &["SET", "b", "1"],
                &["GET", "b"],
                &["EXEC"],
                &["MULTI"],
                &["GET", "b"],
                &["EXEC"],
            ],
            &[
                "SELECT 0",
                "MULTI",
                "SET a 1",
                "INCR a",
                "SELECT 1",
                "SET a x PXAT 1700000001000",
                "EXEC",
                // The transaction's SELECT stays in effect for the client.
                "SET b 1",
            ],
        );
    }

    #[test]
    fn flushes_propagate_even_when_empty() {
        propagates(
            &[&["FLUSHDB"], &["FLUSHALL"], &["SWAPDB", "0", "1"]],
            &["SELECT 0", "FLUSHDB", "FLUSHALL", "SWAPDB 0 1"],
        );
    }

    #[test]
    fn publish_goes_to_replicas_only() {
        use super::Target;
        let mut t = TestEngine::new();
        t.record_propagation();
        for args in [
            &["PUBLISH", "ch", "m"][..],
            &["SPUBLISH", "sh", "m"],
            &["MULTI"],
            &["SET", "k", "v"],
            &["PUBLISH", "ch", "in a transaction"],
            &["EXEC"],
        ] {
            t.run(args);
        }
        assert_eq!(
            t.propagated_to(Target::Aof),
            ["SELECT 0", "MULTI", "SET k v", "EXEC"]
        );
        assert_eq!(
            t.propagated_to(Target::Replicas),
            [
                "SELECT 0",
                "PUBLISH ch m",
                "SPUBLISH sh m",
                "MULTI",
                "SET k v",
                "PUBLISH ch in a transaction",
                "EXEC"
            ]
        );
    }

    #[test]
    fn new_keys_are_notified_before_what_made_them() {
        let mut t = TestEngine::new();
        let sub = t.connect();
        t.run(&["CONFIG", "SET", "notify-keyspace-events", "Egn"]);
        t.run_as(sub, &["PSUBSCRIBE", "__keyevent@*"]);
        t.run(&["SET", "k", "v"]);
        t.run(&["MOVE", "k", "1"]);
        let got = t.received(sub);
        let events: Vec<&str> = got
            .split('|')
            .filter(|part| part.starts_with("__keyevent@") && part.contains("__:"))
            .collect();
        assert_eq!(
            events,
            [
                "__keyevent@0__:new",
                "__keyevent@1__:new",
                "__keyevent@0__:move_from",
                "__keyevent@1__:move_to"
            ]
        );
    }

    #[test]
    fn nothing_is_recorded_unless_asked() {
        let mut t = TestEngine::new();
        t.run(&["SET", "k", "v"]);
        t.record_propagation();
        assert!(t.propagated().is_empty());
    }

    #[test]
    fn dirty_counts_follow_redis() {
        let mut t = TestEngine::new();
        let steps: &[(&[&str], u64)] = &[
            (&["SET", "k", "v"], 1),
            (&["MSET", "a", "1", "b", "2"], 2),
            (&["HSET", "h", "f", "1", "g", "2"], 2),
            (&["SADD", "s", "a", "b", "a"], 2),
            (&["DEL", "a", "b", "nosuch"], 2),
            (&["RENAME", "k", "k2"], 1),
            (&["GET", "k2"], 0),
            (&["FLUSHALL"], 4),
        ];
        for (args, want) in steps {
            let before = t.engine.dirty;
            t.run(args);
            assert_eq!(t.engine.dirty - before, *want, "{args:?}");
        }
    }
}
