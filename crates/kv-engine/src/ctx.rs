//! `Ctx`: what a command body sees — the engine, the calling client, its reply
//! writer and the host — and the keyspace access every body goes through.
//!
//! Invariant: a body changes the dataset only through `Ctx` methods that report
//! the change ([`Ctx::changed`] and the helpers built on it), so that the dirty
//! counter, WATCH, keyspace events, tracking, blocked clients and the
//! propagation stream all see every write.

use crate::db::Db;
use crate::effects::{Event, OwnArgs, events};
use crate::reply::Reply;
use crate::{Client, ClientId, CmdError, Engine, Host, db};

/// What a command body sees: the engine, the calling client, its reply writer and
/// the host.
pub struct Ctx<'a> {
    pub(crate) engine: &'a mut Engine,
    pub(crate) client: ClientId,
    pub(crate) reply: Reply<'a>,
    pub(crate) host: &'a mut dyn Host,
    /// Set by a blocking command that found nothing: park on these keys until
    /// this deadline (Unix ms, 0 forever) instead of replying.
    pub(crate) block: Option<(Vec<Box<[u8]>>, u64)>,
    /// The request to park instead of the one received (see [`Ctx::block_on_as`]).
    pub(crate) block_argv: Option<resp_proto::OwnedArgv>,
    /// This run is a parked client's retry after one of its keys got data.
    pub(crate) retry: bool,
    /// The command runs inside EXEC (or, later, a script): it must not block.
    pub(crate) deny_blocking: bool,
    /// How the command's own arguments are propagated.
    pub(crate) own_args: OwnArgs,
    /// Propagate even if the dataset did not change.
    pub(crate) force_propagate: bool,
    /// Where the command's own arguments go (`effects::EVERYWHERE` unless
    /// the body said otherwise).
    pub(crate) own_targets: u8,
}

/// The calling client's database, the engine's random numbers and the reply
/// writer, borrowed side by side (see [`Ctx::parts`]).
pub struct Parts<'c, 'a> {
    pub db: &'c mut Db,
    pub rng: &'c mut crate::random::Rng,
    pub reply: &'c mut Reply<'a>,
}

impl<'a> Ctx<'a> {
    /// Parks the calling client on `keys` until `deadline_ms` (Unix ms, 0:
    /// forever), instead of replying. The body must not write a reply after
    /// calling this.
    ///
    /// Inside EXEC a command cannot block: it replies as if it had timed out
    /// at once (a null array), as Redis does for CLIENT_DENY_BLOCKING.
    pub fn block_on(&mut self, keys: Vec<Box<[u8]>>, deadline_ms: u64) {
        if self.deny_blocking {
            self.reply.null_array();
            return;
        }
        self.block = Some((keys, deadline_ms));
    }

    /// [`Ctx::block_on`], parking `argv` instead of the request received: the
    /// retry runs it, so a body whose arguments meant something at the time
    /// it blocked (XREAD's `$`, the last ID then) parks them resolved, as
    /// Redis keeps the resolved IDs of a blocked XREAD.
    pub fn block_on_as(
        &mut self,
        keys: Vec<Box<[u8]>>,
        deadline_ms: u64,
        argv: resp_proto::OwnedArgv,
    ) {
        self.block_on(keys, deadline_ms);
        if self.block.is_some() {
            self.block_argv = Some(argv);
        }
    }

    /// Whether the command may block (false inside EXEC), for the bodies whose
    /// immediate answer differs from [`Ctx::block_on`]'s null array.
    pub fn may_block(&self) -> bool {
        !self.deny_blocking
    }

    /// Whether this run retries a parked client's command after one of its
    /// keys received data. Retries treat keys of the wrong type as empty.
    pub fn is_retry(&self) -> bool {
        self.retry
    }

    /// Name of the running command (`brpoplpush`, `client|list`), from the
    /// table entry the dispatcher looked up.
    pub fn command_name(&self) -> &'static str {
        self.me().last_cmd
    }

    /// A blocking command's keys in the order to try them: as given, except
    /// that a retry tries first the key whose readiness woke it, so that a
    /// client waiting on several keys is served from the one that got data
    /// first, as in Redis (a MULTI can fill several at once).
    pub fn blocking_order<'k>(&self, keys: impl Iterator<Item = &'k [u8]>) -> Vec<&'k [u8]> {
        let mut keys: Vec<&'k [u8]> = keys.collect();
        if let Some(ready) = self.engine.blocking.serving.as_deref()
            && self.retry
            && let Some(at) = keys.iter().position(|k| *k == ready)
        {
            let key = keys.remove(at);
            keys.insert(0, key);
        }
        keys
    }

    /// The calling client's database, the engine's random numbers and the
    /// reply writer, borrowed together: for bodies that read a value while
    /// drawing random members (SRANDMEMBER, SPOP...) or while replying.
    pub fn parts(&mut self) -> Parts<'_, 'a> {
        let index = self.db_index();
        let engine = &mut *self.engine;
        Parts {
            db: &mut engine.dbs[index],
            rng: &mut engine.rng,
            reply: &mut self.reply,
        }
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

    /// Database `index` (< [`Ctx::db_count`]), for the commands that work
    /// across databases (MOVE, COPY DB, FLUSHALL).
    pub fn db_at(&mut self, index: usize) -> &mut Db {
        &mut self.engine.dbs[index]
    }

    pub fn db_count(&self) -> usize {
        self.engine.dbs.len()
    }

    /// SWAPDB: exchanges two databases' contents and reports it to WATCH and
    /// to clients blocked in either (Redis's dbSwapDatabases).
    pub fn swap_dbs(&mut self, a: usize, b: usize) {
        self.engine.touch_watched_db(a, Some(b));
        self.engine.touch_watched_db(b, Some(a));
        self.engine.dbs.swap(a, b);
        self.engine.blocking.swap_dbs(a, b);
        self.engine.tracking_flushed();
        self.changed_dataset(1);
    }

    /// Database `index` is about to be emptied: watchers of its keys fail and
    /// tracking clients get the flush invalidation (Redis's signalFlushedDb).
    pub fn flushing(&mut self, index: usize) {
        self.engine.touch_watched_db(index, None);
        self.engine.blocking.flushed(index);
        self.engine.tracking_flushed();
    }

    /// Propagates the command even if it changed nothing (FLUSHDB of an
    /// empty database, as Redis's forceCommandPropagation).
    pub fn force_propagation(&mut self) {
        self.force_propagate = true;
    }

    /// Propagates the command to replicas only, whether or not it changed
    /// anything (PUBLISH: replicas' subscribers get the message, an AOF
    /// replays data, not messages), as Redis's forceCommandPropagation with
    /// PROPAGATE_REPL.
    pub fn propagate_to_replicas_only(&mut self) {
        self.force_propagate = true;
        self.own_targets = crate::effects::REPLICAS_ONLY;
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
                let db = self.me().db;
                self.engine.notify(events::KEYMISS, key, db);
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

    /// THE write-effects seam (see `crate::effects`): the calling client's
    /// command modified `key` in its database, as Redis names it by `event`.
    /// Counts one change (INFO rdb_changes_since_last_save).
    pub fn changed(&mut self, key: &[u8], event: Event) {
        self.changed_by(key, event, 1);
    }

    /// [`Ctx::changed`] counting `dirty` changes (HSET of three fields counts
    /// three, as in Redis); 0 reports the change without counting it (the
    /// second key of RENAME).
    pub fn changed_by(&mut self, key: &[u8], event: Event, dirty: u64) {
        let db = self.db_index();
        self.changed_in(db, key, event, dirty);
    }

    /// [`Ctx::changed_by`] for a key in another database (MOVE, COPY DB).
    pub fn changed_in(&mut self, db: usize, key: &[u8], event: Event, dirty: u64) {
        self.engine
            .key_changed(db, key, event, dirty, Some(self.client));
    }

    /// Reports a change to `key`'s bookkeeping that Redis does not count as
    /// modifying the key: a stream's consumer groups, pending entries and
    /// XSETID. Dirty, blocked clients and `event` as [`Ctx::changed_by`];
    /// WATCH and client-side caching are left alone.
    pub fn changed_state(&mut self, key: &[u8], event: Event, dirty: u64) {
        let db = self.db_index();
        self.engine.key_state_changed(db, key, event, dirty);
    }

    /// Counts `dirty` changes that touch no key in particular (FLUSHALL's
    /// count; DEBUG's writes).
    pub fn changed_dataset(&mut self, dirty: u64) {
        self.engine.dirty += dirty;
    }

    /// Propagates this command as `args` instead of its own arguments (if it
    /// changed the dataset): relative times become absolute, random choices
    /// become the elements chosen, as Redis's rewriteClientCommandVector.
    pub fn propagate_as(&mut self, args: &[&[u8]]) {
        if self.engine.propagation.enabled() {
            self.own_args = OwnArgs::Rewritten(resp_proto::OwnedArgv::from_slices(args));
        }
    }

    /// Propagates this command as the deletion of `key` (DEL, or UNLINK when
    /// `lazy`): an expiry time in the past, GETDEL, an SPOP of everything.
    pub fn propagate_as_del(&mut self, key: &[u8], lazy: bool) {
        self.propagate_as(&[crate::effects::del_verb(lazy), key]);
    }

    /// Propagates `args` (in the client's database) before the command's own
    /// arguments, as Redis's alsoPropagate; with [`Ctx::no_propagate`], for
    /// commands that propagate as several others.
    pub fn also_propagate(&mut self, args: &[&[u8]]) {
        let db = self.db_index();
        self.engine.report_db_effects(db);
        self.engine.propagation.push(db, args);
    }

    /// Whether what the command propagates is being recorded: a body may skip
    /// building a rewritten form when nobody reads it.
    pub fn propagating(&self) -> bool {
        self.engine.propagation.enabled()
    }

    /// The command's own arguments are not propagated (it propagated what it
    /// did with [`Ctx::also_propagate`], or nothing must reach replicas).
    pub fn no_propagate(&mut self) {
        self.own_args = OwnArgs::Suppressed;
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
    /// Calls `f` with the reply writer and the value at `key` as a `T` (None
    /// when missing), for bodies that answer a missing key the way they
    /// answer a present one; WRONGTYPE for another type.
    pub fn with_typed<T: db::Typed, R>(
        &mut self,
        key: &[u8],
        f: impl FnOnce(&mut Reply<'a>, Option<&T>) -> Result<R, CmdError>,
    ) -> Result<R, CmdError> {
        match self.read_typed::<T>(key)? {
            Some((value, reply)) => f(reply, Some(value)),
            None => f(&mut self.reply, None),
        }
    }

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
    /// `event` is the store's own event (`sinterstore`...); an empty result
    /// that deleted `dst` reports `del` instead, as Redis does.
    pub fn store_result(
        &mut self,
        dst: &[u8],
        result: db::Value,
        len: usize,
        event: Event,
    ) -> bool {
        let now = self.engine.now_ms;
        if len == 0 {
            if self.db().delete(dst, now) {
                self.changed(dst, events::DEL);
            }
            self.reply.integer(0);
            return false;
        }
        let clock = self.access_clock();
        self.db().set(dst, result, false, now, clock);
        self.changed(dst, event);
        self.reply.integer(i64::try_from(len).unwrap_or(i64::MAX));
        true
    }

    /// Deletes `key` if it holds an empty collection (Redis never keeps empty
    /// collections) and reports the `del` event Redis sends then; true if it
    /// did. Call it after reporting the change that emptied the collection.
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
            db::Value::Stream(_) => false,
        };
        if empty {
            db.remove_id(id);
            self.changed_by(key, events::DEL, 0);
        }
        empty
    }
}
