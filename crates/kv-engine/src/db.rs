//! One logical database (Redis's db.c and expire.c): keys → values, with expiry.
//!
//! Layout, chosen for memory: every key is one [`Entry`] in a [`Dict`] — the key
//! and a string value inline when short (24 bytes each), the absolute expiry time
//! and the access clock beside them. Keys with a TTL are also listed in
//! `volatile` (4 bytes each) so that active expiry samples them uniformly without
//! a second hash table (Redis keeps a whole `expires` dict).
//!
//! Invariants:
//! - `entry.expire_at == 0` ⇔ no TTL ⇔ `entry.volatile_slot == NO_SLOT`;
//!   otherwise `volatile[entry.volatile_slot]` is that entry's id.
//! - Expiry times are absolute Unix milliseconds, so they survive restarts.
//! - A key whose time has come is never returned: every lookup goes through
//!   [`Db::lookup`], which deletes it first (lazy expiry).
//! - Every key deleted by expiry, lazily or actively, is appended to
//!   `expired_log` (the key is moved there, not copied); the engine drains the
//!   log through the write-effects seam (`crate::effects`), so that expiry is
//!   propagated, notified and invalidates WATCH like any other deletion.

use kv_types::dict::{Dict, Id, Keyed};
use kv_types::hash::Hash;
use kv_types::list::List;
use kv_types::set::Set;
use kv_types::stream::Stream;
use kv_types::string::{Bytes, Str};
use kv_types::zset::SortedSet;

use crate::random::Rng;

const NO_SLOT: u32 = u32::MAX;

/// A value of any type. Collections are boxed so that every entry stays small
/// whatever its type.
#[derive(Debug, Clone)]
pub enum Value {
    Str(Str),
    List(Box<List>),
    // Hashes and sets are two words, so they live inline (saving an allocation
    // per key: millions of small hashes are common); lists and sorted sets are
    // larger and boxed, so that every entry stays small.
    Hash(Hash),
    Set(Set),
    ZSet(Box<SortedSet>),
    Stream(Box<Stream>),
}

// Every key's entry holds one `Value`: growing it costs memory per key.
const _: () = assert!(std::mem::size_of::<Value>() == 24);

impl Value {
    /// The name TYPE reports.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Str(_) => "string",
            Value::List(_) => "list",
            Value::Hash(_) => "hash",
            Value::Set(_) => "set",
            Value::ZSet(_) => "zset",
            Value::Stream(_) => "stream",
        }
    }

    /// The name OBJECT ENCODING reports.
    pub fn encoding(&self) -> &'static str {
        match self {
            Value::Str(s) => s.encoding().name(),
            Value::List(l) => l.encoding_name(),
            Value::Hash(h) => h.encoding_name(),
            Value::Set(s) => s.encoding_name(),
            Value::ZSet(z) => z.encoding_name(),
            Value::Stream(_) => "stream",
        }
    }

    /// Heap bytes owned by the value (MEMORY USAGE, eviction).
    pub fn heap_size(&self) -> usize {
        match self {
            Value::Str(s) => s.heap_size(),
            Value::List(l) => l.mem_usage(),
            Value::Hash(h) => h.mem_usage(),
            Value::Set(s) => s.mem_usage(),
            Value::ZSet(z) => z.mem_usage(),
            Value::Stream(s) => s.mem_usage(),
        }
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&Str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }
}

/// A value type commands can ask for by type: its place in [`Value`].
pub trait Typed: Sized {
    fn of(value: &Value) -> Option<&Self>;
    fn of_mut(value: &mut Value) -> Option<&mut Self>;
    fn into_value(self) -> Value;
    /// Whether the collection is empty (such keys are deleted, as in Redis).
    fn is_empty_value(&self) -> bool;
}

/// The value behind a live id as a `T`, or WRONGTYPE.
pub fn typed<T: Typed>(db: &Db, id: Id) -> Result<&T, crate::CmdError> {
    T::of(&db.entry(id).value).ok_or(crate::CmdError::WrongType)
}

/// [`typed`] for modification.
pub fn typed_mut<T: Typed>(db: &mut Db, id: Id) -> Result<&mut T, crate::CmdError> {
    T::of_mut(&mut db.entry_mut(id).value).ok_or(crate::CmdError::WrongType)
}

macro_rules! typed_collection {
    ($ty:ty, $variant:ident) => {
        impl Typed for $ty {
            fn of(value: &Value) -> Option<&Self> {
                match value {
                    Value::$variant(v) => Some(v),
                    _ => None,
                }
            }
            fn of_mut(value: &mut Value) -> Option<&mut Self> {
                match value {
                    Value::$variant(v) => Some(v),
                    _ => None,
                }
            }
            fn into_value(self) -> Value {
                Value::$variant(self.into())
            }
            fn is_empty_value(&self) -> bool {
                self.is_empty()
            }
        }
    };
}

typed_collection!(List, List);
typed_collection!(Hash, Hash);
typed_collection!(Set, Set);
typed_collection!(SortedSet, ZSet);

impl Typed for Stream {
    fn of(value: &Value) -> Option<&Self> {
        match value {
            Value::Stream(v) => Some(v),
            _ => None,
        }
    }
    fn of_mut(value: &mut Value) -> Option<&mut Self> {
        match value {
            Value::Stream(v) => Some(v),
            _ => None,
        }
    }
    fn into_value(self) -> Value {
        Value::Stream(self.into())
    }
    /// An empty stream is kept, as Redis keeps it (its IDs and groups live on).
    fn is_empty_value(&self) -> bool {
        false
    }
}

impl Typed for Str {
    fn of(value: &Value) -> Option<&Self> {
        value.as_str()
    }
    fn of_mut(value: &mut Value) -> Option<&mut Self> {
        match value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }
    fn into_value(self) -> Value {
        Value::Str(self)
    }
    fn is_empty_value(&self) -> bool {
        false
    }
}

#[derive(Debug)]
pub struct Entry {
    key: Bytes,
    pub value: Value,
    expire_at: u64,
    /// Seconds clock of the last access (OBJECT IDLETIME).
    pub access: u32,
    volatile_slot: u32,
}

impl Keyed for Entry {
    fn key(&self) -> &[u8] {
        self.key.as_bytes()
    }
}

impl Entry {
    pub fn key(&self) -> &[u8] {
        self.key.as_bytes()
    }

    /// Absolute expiry in Unix ms, if the key has a TTL.
    pub fn expire_at(&self) -> Option<u64> {
        (self.expire_at != 0).then_some(self.expire_at)
    }

    fn is_expired(&self, now_ms: u64) -> bool {
        self.expire_at != 0 && self.expire_at <= now_ms
    }
}

/// Outcome of one active expiry pass over a database.
#[derive(Debug, Default, Clone, Copy)]
pub struct ExpirePass {
    pub sampled: u64,
    pub expired: u64,
}

#[derive(Default)]
pub struct Db {
    dict: Dict<Entry>,
    volatile: Vec<u32>,
    /// Running estimate of the average remaining TTL of volatile keys, in ms,
    /// updated by active expiry as Redis does (INFO keyspace `avg_ttl`).
    pub avg_ttl: u64,
    /// Keys deleted because their time came (lazily or actively).
    pub expired_keys: u64,
    /// Keys expiry deleted that the engine has not reported yet.
    expired_log: Vec<Bytes>,
    /// Whether [`Db::insert`] logs new keys (for the `new` keyspace event,
    /// off unless `notify-keyspace-events` asks, since it copies each key).
    log_new: bool,
    /// Keys created that the engine has not reported yet.
    new_log: Vec<Bytes>,
}

impl Db {
    pub fn len(&self) -> usize {
        self.dict.len()
    }

    pub fn is_empty(&self) -> bool {
        self.dict.is_empty()
    }

    /// Number of keys with a TTL (INFO keyspace `expires`).
    pub fn volatile_len(&self) -> usize {
        self.volatile.len()
    }

    /// Finds a live key, deleting it first if its time has come.
    pub fn lookup(&mut self, key: &[u8], now_ms: u64) -> Option<Id> {
        let id = self.dict.find(key)?;
        if self.dict.at(id).is_expired(now_ms) {
            self.expire_id(id);
            return None;
        }
        Some(id)
    }

    /// Deletes an entry whose time has come and logs its key for the engine.
    fn expire_id(&mut self, id: Id) {
        let entry = self.remove_id(id);
        self.expired_keys += 1;
        self.expired_log.push(entry.key);
    }

    pub fn logs_new_keys(&self) -> bool {
        self.log_new
    }

    /// Starts or stops logging created keys (see `new_log`).
    pub fn log_new_keys(&mut self, on: bool) {
        self.log_new = on;
        if !on {
            self.new_log = Vec::new();
        }
    }

    /// Whether anything waits to be reported, or the new-key log must be
    /// turned on or off (`want_new`): the one check every command pays.
    #[inline]
    pub fn has_unreported(&self, want_new: bool) -> bool {
        self.log_new != want_new || !self.expired_log.is_empty() || !self.new_log.is_empty()
    }

    pub fn has_new_log(&self) -> bool {
        !self.new_log.is_empty()
    }

    /// The keys created since the last call, oldest first.
    pub fn take_new_log(&mut self) -> Vec<Bytes> {
        std::mem::take(&mut self.new_log)
    }

    /// Whether expiry deleted keys not yet reported.
    pub fn has_expired_log(&self) -> bool {
        !self.expired_log.is_empty()
    }

    /// The keys expiry deleted since the last call, oldest first.
    pub fn take_expired_log(&mut self) -> Vec<Bytes> {
        std::mem::take(&mut self.expired_log)
    }

    /// Whether `key` is present but its time has come (WATCH and EXEC ask
    /// this without deleting it).
    pub fn is_logically_expired(&self, key: &[u8], now_ms: u64) -> bool {
        self.dict
            .find(key)
            .is_some_and(|id| self.dict.at(id).is_expired(now_ms))
    }

    /// A live key's entry, marking it accessed at `clock` (seconds).
    pub fn get(&mut self, key: &[u8], now_ms: u64) -> Option<&mut Entry> {
        let id = self.lookup(key, now_ms)?;
        Some(self.dict.at_mut(id))
    }

    pub fn entry(&self, id: Id) -> &Entry {
        self.dict.at(id)
    }

    pub fn entry_mut(&mut self, id: Id) -> &mut Entry {
        self.dict.at_mut(id)
    }

    /// Whether `key` is in the table, expired or not (WATCH bookkeeping asks
    /// without deleting anything).
    pub fn contains(&self, key: &[u8]) -> bool {
        self.dict.find(key).is_some()
    }

    /// Whether a live key exists (deleting it if expired).
    pub fn exists(&mut self, key: &[u8], now_ms: u64) -> bool {
        self.lookup(key, now_ms).is_some()
    }

    /// Adds a key that does not exist (after a failed [`Db::lookup`]).
    pub fn insert(&mut self, key: &[u8], value: Value, access: u32) -> Id {
        if self.log_new {
            self.new_log.push(Bytes::new(key));
        }
        self.dict.insert_new(Entry {
            key: Bytes::new(key),
            value,
            expire_at: 0,
            access,
            volatile_slot: NO_SLOT,
        })
    }

    /// SET semantics: replaces the value (any type) or adds the key; the TTL is
    /// cleared unless `keep_ttl`.
    pub fn set(
        &mut self,
        key: &[u8],
        value: Value,
        keep_ttl: bool,
        now_ms: u64,
        access: u32,
    ) -> Id {
        let found = self.lookup(key, now_ms);
        self.set_found(found, key, value, keep_ttl, access)
    }

    /// [`Db::set`] after the caller's own lookup found `found` (None: the key
    /// is not there), saving the second lookup.
    pub fn set_found(
        &mut self,
        found: Option<Id>,
        key: &[u8],
        value: Value,
        keep_ttl: bool,
        access: u32,
    ) -> Id {
        match found {
            Some(id) => {
                debug_assert!(self.dict.at(id).key() == key, "found is key's entry");
                if !keep_ttl {
                    self.persist(id);
                }
                let entry = self.dict.at_mut(id);
                entry.value = value;
                entry.access = access;
                id
            }
            None => self.insert(key, value, access),
        }
    }

    /// Deletes a live key; false if it did not exist (or had expired).
    pub fn delete(&mut self, key: &[u8], now_ms: u64) -> bool {
        match self.lookup(key, now_ms) {
            Some(id) => {
                self.remove_id(id);
                true
            }
            None => false,
        }
    }

    /// Removes an entry and returns it.
    pub fn remove_id(&mut self, id: Id) -> Entry {
        self.unlist_volatile(id);
        self.dict.remove_id(id)
    }

    /// Sets an absolute expiry time (Unix ms, > 0).
    pub fn set_expire(&mut self, id: Id, at_ms: u64) {
        debug_assert!(at_ms > 0, "0 means no TTL");
        let entry = self.dict.at_mut(id);
        let was_volatile = entry.expire_at != 0;
        entry.expire_at = at_ms;
        if !was_volatile {
            entry.volatile_slot = self.volatile.len() as u32;
            self.volatile.push(id.get());
        }
    }

    /// Removes the TTL; true if there was one.
    pub fn persist(&mut self, id: Id) -> bool {
        if self.dict.at(id).expire_at == 0 {
            return false;
        }
        self.unlist_volatile(id);
        let entry = self.dict.at_mut(id);
        entry.expire_at = 0;
        entry.volatile_slot = NO_SLOT;
        true
    }

    fn unlist_volatile(&mut self, id: Id) {
        let slot = self.dict.at(id).volatile_slot;
        if slot == NO_SLOT {
            return;
        }
        let slot = slot as usize;
        self.volatile.swap_remove(slot);
        if let Some(&moved) = self.volatile.get(slot) {
            self.dict.at_mut(Id::from_raw(moved)).volatile_slot = slot as u32;
        }
        self.dict.at_mut(id).volatile_slot = NO_SLOT;
    }

    /// RANDOMKEY: a random live key; expired picks are deleted and drawn again.
    pub fn random_key(&mut self, rng: &mut Rng, now_ms: u64) -> Option<Vec<u8>> {
        // Redis gives up after 100 tries when every key is volatile and expired
        // keys keep being drawn; we delete them, so the loop always progresses.
        loop {
            let id = self.dict.random_id(|| rng.next_u64())?;
            let entry = self.dict.at(id);
            if entry.is_expired(now_ms) {
                self.expire_id(id);
                continue;
            }
            return Some(entry.key().to_vec());
        }
    }

    /// One SCAN step: live keys of the cursor's bucket(s) go to `f`.
    pub fn scan(&self, cursor: u64, now_ms: u64, mut f: impl FnMut(&Entry)) -> u64 {
        self.dict.scan(cursor, |e| {
            if !e.is_expired(now_ms) {
                f(e);
            }
        })
    }

    /// Every live entry (KEYS).
    pub fn iter(&self, now_ms: u64) -> impl Iterator<Item = &Entry> {
        self.dict.iter().filter(move |e| !e.is_expired(now_ms))
    }

    pub fn clear(&mut self) {
        self.dict.clear();
        self.volatile = Vec::new();
        self.avg_ttl = 0;
    }

    /// Moves everything out (FLUSHALL ASYNC hands the old contents to be freed
    /// elsewhere) leaving an empty database.
    pub fn take(&mut self) -> Db {
        let expired_keys = self.expired_keys;
        let expired_log = std::mem::take(&mut self.expired_log);
        let new_log = std::mem::take(&mut self.new_log);
        let log_new = self.log_new;
        let old = std::mem::take(self);
        self.expired_keys = expired_keys;
        self.expired_log = expired_log;
        self.new_log = new_log;
        self.log_new = log_new;
        old
    }

    /// Background maintenance from the cron: incremental rehashing and shrinking.
    pub fn rehash_steps(&mut self, steps: usize) {
        self.dict.shrink_if_needed();
        self.dict.rehash_steps(steps);
    }

    /// Samples up to `count` volatile keys and deletes the expired ones (one loop
    /// of Redis's activeExpireCycle).
    pub fn expire_sample(&mut self, rng: &mut Rng, count: usize, now_ms: u64) -> ExpirePass {
        let mut pass = ExpirePass::default();
        let mut ttl_sum = 0u64;
        let mut ttl_samples = 0u64;
        for _ in 0..count {
            if self.volatile.is_empty() {
                break;
            }
            let slot = (rng.next_u64() % self.volatile.len() as u64) as usize;
            let id = Id::from_raw(self.volatile[slot]);
            pass.sampled += 1;
            let at = self.dict.at(id).expire_at;
            if at <= now_ms {
                self.expire_id(id);
                pass.expired += 1;
            } else {
                ttl_sum += at - now_ms;
                ttl_samples += 1;
            }
        }
        if let Some(avg) = ttl_sum.checked_div(ttl_samples) {
            // Redis's running average: mostly the old estimate, a little of the new.
            self.avg_ttl = if self.avg_ttl == 0 {
                avg
            } else {
                (self.avg_ttl / 50) * 49 + avg / 50
            };
        }
        pass
    }

    /// Deletes every key whose time has come (tests: what lookups and the cron
    /// would eventually do), logging them as expiry does.
    #[cfg(test)]
    pub(crate) fn expire_all_due(&mut self, now_ms: u64) {
        let due: Vec<Vec<u8>> = self
            .dict
            .iter()
            .filter(|e| e.is_expired(now_ms))
            .map(|e| e.key().to_vec())
            .collect();
        for key in due {
            self.lookup(&key, now_ms);
        }
    }

    /// Memory the table itself takes (INFO, MEMORY STATS).
    pub fn overhead_bytes(&self) -> usize {
        self.dict.overhead_bytes() + self.volatile.capacity() * 4
    }
}
