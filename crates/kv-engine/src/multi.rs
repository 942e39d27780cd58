//! Transactions' state (Redis's multi.c): the commands a client queued after
//! MULTI, and the table of WATCHed keys.
//!
//! Invariants:
//! - A client is listed under `(db, key)` in [`Watches`] exactly when that
//!   pair is in its own `watched` list; both are dropped together (UNWATCH,
//!   EXEC, DISCARD, RESET, disconnect).
//! - Once a watched key is touched, the watcher's `dirty_cas` stays set until
//!   its watches are dropped; EXEC then fails with a null reply.

use hashbrown::{Equivalent, HashMap};
use resp_proto::OwnedArgv;

use crate::client::ClientId;
use crate::command::CommandIndex;

/// A `(db, key)` pair looked up without allocating a boxed key.
#[derive(Hash)]
pub(crate) struct DbKey<'a>(pub usize, pub &'a [u8]);

impl Equivalent<(usize, Box<[u8]>)> for DbKey<'_> {
    fn equivalent(&self, key: &(usize, Box<[u8]>)) -> bool {
        self.0 == key.0 && self.1 == &*key.1
    }
}

/// One command queued inside MULTI.
#[derive(Debug)]
pub(crate) struct Queued {
    pub(crate) command: CommandIndex,
    pub(crate) argv: OwnedArgv,
}

/// A client between MULTI and EXEC/DISCARD.
#[derive(Debug, Default)]
pub(crate) struct MultiState {
    pub(crate) queued: Vec<Queued>,
    /// A command was refused while queuing: EXEC answers EXECABORT.
    pub(crate) aborted: bool,
    /// Bytes of the queued arguments (CLIENT LIST `multi-mem`).
    pub(crate) mem: usize,
    /// The queued commands' flags together (an EXEC of writes is a write for
    /// CLIENT PAUSE WRITE).
    pub(crate) flags: u32,
}

impl MultiState {
    pub(crate) fn queue(&mut self, command: CommandIndex, flags: u32, argv: OwnedArgv) {
        self.flags |= flags;
        // As Redis counts it: the arguments' bytes and a pointer per argument.
        self.mem += argv
            .iter()
            .map(|a| a.len() + std::mem::size_of::<usize>())
            .sum::<usize>();
        self.queued.push(Queued { command, argv });
    }
}

/// A key one client watches.
#[derive(Debug)]
pub(crate) struct Watched {
    pub(crate) db: usize,
    pub(crate) key: Box<[u8]>,
    /// The key was already past its expiry time when WATCHed, so its deletion
    /// by expiry does not count as a change (Redis's `expired` flag).
    pub(crate) expired_at_watch: bool,
}

/// Every watched key and who watches it (Redis's `db->watched_keys`).
#[derive(Debug, Default)]
pub(crate) struct Watches {
    by_key: HashMap<(usize, Box<[u8]>), Vec<ClientId>>,
}

impl Watches {
    pub(crate) fn is_empty(&self) -> bool {
        self.by_key.is_empty()
    }

    /// Adds `client` as a watcher; false if it already watched the key.
    pub(crate) fn add(&mut self, db: usize, key: &[u8], client: ClientId) -> bool {
        let watchers = match self.by_key.get_mut(&DbKey(db, key)) {
            Some(w) => w,
            None => self.by_key.entry((db, key.into())).or_default(),
        };
        if watchers.contains(&client) {
            return false;
        }
        watchers.push(client);
        true
    }

    pub(crate) fn remove(&mut self, db: usize, key: &[u8], client: ClientId) {
        if let Some(watchers) = self.by_key.get_mut(&DbKey(db, key)) {
            watchers.retain(|c| *c != client);
            if watchers.is_empty() {
                self.by_key.remove(&DbKey(db, key));
            }
        }
    }

    /// The clients watching `key` in `db`.
    pub(crate) fn watchers(&self, db: usize, key: &[u8]) -> &[ClientId] {
        self.by_key
            .get(&DbKey(db, key))
            .map_or(&[], |w| w.as_slice())
    }

    /// Every watched key of `db`, with its watchers (FLUSHDB, SWAPDB).
    pub(crate) fn in_db(&self, db: usize) -> impl Iterator<Item = (&[u8], &[ClientId])> {
        self.by_key
            .iter()
            .filter(move |((d, _), _)| *d == db)
            .map(|((_, k), w)| (&**k, w.as_slice()))
    }
}

impl crate::Engine {
    /// WATCH: `client` watches `key` in `db` (again: nothing changes). A key
    /// already past its time counts as expired at WATCH (see [`Watched`]).
    pub(crate) fn watch(&mut self, client: ClientId, db: usize, key: &[u8]) {
        if !self.watches.add(db, key, client) {
            return;
        }
        let expired_at_watch = self.dbs[db].is_logically_expired(key, self.now_ms);
        if let Some(c) = self.clients.get_mut(client) {
            c.watched.push(Watched {
                db,
                key: key.into(),
                expired_at_watch,
            });
        }
    }

    /// Drops every watch of `client` and its failed flag.
    pub(crate) fn unwatch_all(&mut self, client: ClientId) {
        let Some(c) = self.clients.get_mut(client) else {
            return;
        };
        c.dirty_cas = false;
        for w in std::mem::take(&mut c.watched) {
            self.watches.remove(w.db, &w.key, client);
        }
    }

    /// Whether EXEC must fail: a watched key was touched, or has expired
    /// since it was watched (Redis's isWatchedKeyExpired).
    pub(crate) fn watch_failed(&self, client: ClientId) -> bool {
        let Some(c) = self.clients.get(client) else {
            return true;
        };
        c.dirty_cas
            || c.watched.iter().any(|w| {
                !w.expired_at_watch && self.dbs[w.db].is_logically_expired(&w.key, self.now_ms)
            })
    }

    /// Forgets a client's transaction state (RESET, disconnect).
    pub(crate) fn discard_transaction(&mut self, client: ClientId) {
        if let Some(c) = self.clients.get_mut(client) {
            c.multi = None;
        }
        self.unwatch_all(client);
    }
}
