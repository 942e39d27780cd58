//! Blocking commands (Redis's blocked.c): BLPOP, BZPOPMIN and friends park a
//! client on keys until data arrives, a timeout passes, or CLIENT UNBLOCK.
//!
//! How it works:
//! - A command body that finds nothing to pop calls [`crate::Ctx::block_on`]
//!   with its keys and deadline instead of replying; the dispatcher then parks
//!   the client (its request is kept as an [`OwnedArgv`]) and returns
//!   `Outcome::Blocked`, and the server reads nothing more from that client.
//! - Commands that add elements call [`crate::Ctx::signal_key_ready`]; a key is
//!   recorded as ready only if some client waits on it.
//! - After the command that signalled (so after a whole transaction or script
//!   once those exist), the engine serves ready keys: the clients waiting on
//!   each key, in the order they blocked, have their command run again in
//!   "retry" mode. A retry that finds data replies and unblocks the client;
//!   one that does not stays parked in its place. Retries treat a key of the
//!   wrong type as empty, so (as in Redis 7.0) a blocked client is not woken by
//!   a key turning into another type, nor by the key being deleted.
//!
//! Invariants: a client is parked at most once; every parked client appears in
//! the queue of each of its keys and, if it has a deadline, in `deadlines`.

use std::collections::{BTreeSet, VecDeque};

use hashbrown::HashMap;
use resp_proto::OwnedArgv;

use crate::client::ClientId;
use crate::command::CommandIndex;

/// Why a parked client stops waiting other than by being served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnblockReason {
    Timeout,
    /// CLIENT UNBLOCK ... ERROR
    Error,
}

/// A parked client.
#[derive(Debug)]
pub struct Parked {
    pub db: usize,
    pub keys: Vec<Box<[u8]>>,
    /// Absolute Unix ms; 0 waits forever.
    pub deadline_ms: u64,
    pub argv: OwnedArgv,
    pub command: CommandIndex,
}

type Key = (usize, Box<[u8]>);

#[derive(Debug, Default)]
pub struct Blocking {
    waiting: HashMap<Key, VecDeque<ClientId>>,
    parked: HashMap<ClientId, Parked>,
    deadlines: BTreeSet<(u64, ClientId)>,
    ready: Vec<Key>,
    /// Clients that stopped waiting since the server last asked: it resumes
    /// reading their input.
    released: Vec<ClientId>,
}

impl Blocking {
    pub fn park(&mut self, client: ClientId, parked: Parked) {
        debug_assert!(
            !self.parked.contains_key(&client),
            "a client is parked once"
        );
        for key in &parked.keys {
            self.waiting
                .entry((parked.db, key.clone()))
                .or_default()
                .push_back(client);
        }
        if parked.deadline_ms != 0 {
            self.deadlines.insert((parked.deadline_ms, client));
        }
        self.parked.insert(client, parked);
    }

    /// Unparks a client (served, timed out, unblocked or disconnected).
    pub fn unpark(&mut self, client: ClientId) -> Option<Parked> {
        let parked = self.parked.remove(&client)?;
        for key in &parked.keys {
            let k = (parked.db, key.clone());
            if let Some(queue) = self.waiting.get_mut(&k) {
                queue.retain(|c| *c != client);
                if queue.is_empty() {
                    self.waiting.remove(&k);
                }
            }
        }
        if parked.deadline_ms != 0 {
            self.deadlines.remove(&(parked.deadline_ms, client));
        }
        self.released.push(client);
        Some(parked)
    }

    pub fn is_parked(&self, client: ClientId) -> bool {
        self.parked.contains_key(&client)
    }

    pub fn parked(&self, client: ClientId) -> Option<&Parked> {
        self.parked.get(&client)
    }

    pub fn len(&self) -> usize {
        self.parked.len()
    }

    pub fn is_empty(&self) -> bool {
        self.parked.is_empty()
    }

    /// Records that `key` in `db` received data, if anyone waits on it.
    pub fn signal(&mut self, db: usize, key: &[u8]) {
        if self.waiting.is_empty() {
            return;
        }
        let k: Key = (db, key.into());
        if self.waiting.contains_key(&k) && !self.ready.contains(&k) {
            self.ready.push(k);
        }
    }

    pub fn take_ready(&mut self) -> Vec<Key> {
        std::mem::take(&mut self.ready)
    }

    pub fn has_ready(&self) -> bool {
        !self.ready.is_empty()
    }

    /// The clients waiting on a key, in the order they blocked.
    pub fn waiters(&self, db: usize, key: &[u8]) -> Vec<ClientId> {
        self.waiting
            .get(&(db, Box::<[u8]>::from(key)))
            .map(|q| q.iter().copied().collect())
            .unwrap_or_default()
    }

    /// The earliest deadline of a parked client (0: none).
    pub fn next_deadline(&self) -> u64 {
        self.deadlines.first().map_or(0, |(at, _)| *at)
    }

    /// Clients whose deadline is at or before `now_ms`.
    pub fn expired(&self, now_ms: u64) -> Vec<ClientId> {
        self.deadlines
            .iter()
            .take_while(|(at, _)| *at <= now_ms)
            .map(|(_, c)| *c)
            .collect()
    }

    pub fn take_released(&mut self, into: &mut Vec<ClientId>) {
        into.append(&mut self.released);
    }

    pub fn has_released(&self) -> bool {
        !self.released.is_empty()
    }

    pub fn forget_released(&mut self, client: ClientId) {
        self.released.retain(|c| *c != client);
    }

    /// SWAPDB: parked clients follow the data, as in Redis.
    pub fn swap_dbs(&mut self, a: usize, b: usize) {
        let swap = |db: usize| {
            if db == a {
                b
            } else if db == b {
                a
            } else {
                db
            }
        };
        let waiting = std::mem::take(&mut self.waiting);
        self.waiting = waiting
            .into_iter()
            .map(|((db, k), q)| ((swap(db), k), q))
            .collect();
        for p in self.parked.values_mut() {
            p.db = swap(p.db);
        }
    }
}

/// A blocking command's timeout argument in seconds (fractions allowed), as
/// Redis's getTimeoutFromObjectOrReply: the milliseconds are truncated (so
/// 0.0001 means "forever"), and the result is the absolute deadline in Unix ms,
/// 0 for "forever".
pub fn parse_timeout(arg: &[u8], now_ms: u64) -> Result<u64, crate::CmdError> {
    let secs = crate::cmd::string::parse_float(arg)
        .filter(|s| s.is_finite())
        .ok_or_else(|| crate::CmdError::err("timeout is not a float or out of range"))?;
    let ms = (secs * 1000.0).trunc();
    if ms < 0.0 {
        return Err(crate::CmdError::err("timeout is negative"));
    }
    if ms >= i64::MAX as f64 - now_ms as f64 {
        return Err(crate::CmdError::err("timeout is out of range"));
    }
    Ok(if ms == 0.0 { 0 } else { now_ms + ms as u64 })
}
