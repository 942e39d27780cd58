//! `Dict`: the keyspace's hash table — Redis's dict.c design, sized for memory
//! and for an event loop that must never stall.
//!
//! - **Chaining with incremental rehashing.** Buckets hold the id of the first
//!   node of a chain. When the table fills (load factor 1) a table twice the size
//!   is allocated and buckets move over a few at a time, on every write and from
//!   [`Dict::rehash_steps`] (called by the server's cron), so growing from zero to
//!   tens of millions of keys never moves more than a bounded amount of work into
//!   one command. Lookups search both tables while a rehash is in progress.
//! - **Entries live in a chunked slab** and never move: a node's [`Id`] stays valid
//!   until the entry is removed, so other indexes (the expiry sample list) can
//!   refer to entries by id. Chunks are fixed-size, so the slab grows without
//!   copying what it holds.
//! - **Buckets are zero-initialised `u32`s** with 0 meaning "empty" (ids are
//!   1-based): a new table comes from zeroed memory the OS hands out lazily, so
//!   allocating a 64 MB table costs no 64 MB fill.
//! - **SCAN** uses Redis's reverse-binary cursor, which guarantees that an entry
//!   present for the whole iteration is returned at least once even if the table
//!   grows or shrinks meanwhile (it may be returned more than once).
//!
//! Invariants: every live node is in exactly one chain of exactly one table; a
//! bucket index below `rehash_from` in table 0 is empty while rehashing; keys are
//! unique.

use std::hash::BuildHasher;

/// What a dict stores: anything with a byte-string key.
pub trait Keyed {
    fn key(&self) -> &[u8];
}

/// Stable handle of an entry, valid until that entry is removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Id(u32);

impl Id {
    /// The handle as a number (for indexes that store ids compactly).
    pub fn get(self) -> u32 {
        self.0
    }

    pub fn from_raw(raw: u32) -> Id {
        Id(raw)
    }
}

const EMPTY: u32 = 0;
const CHUNK_BITS: u32 = 12;
const CHUNK: usize = 1 << CHUNK_BITS;
/// Buckets moved per write while rehashing; Redis moves one, we move a few more
/// because our buckets are cheaper to move (ids, not pointers to chase).
const STEPS_PER_WRITE: usize = 4;
/// A rehash step visits at most this many empty buckets before yielding.
const EMPTY_VISITS_PER_STEP: usize = 10;
const MIN_TABLE: usize = 4;

struct Node<E> {
    entry: E,
    next: u32,
}

struct Table {
    buckets: Vec<u32>,
    used: usize,
}

impl Table {
    fn empty() -> Table {
        Table {
            buckets: Vec::new(),
            used: 0,
        }
    }

    fn with_size(size: usize) -> Table {
        Table {
            // vec![0; n] is allocated zeroed (calloc): no page is touched up front.
            buckets: vec![EMPTY; size],
            used: 0,
        }
    }

    fn mask(&self) -> usize {
        self.buckets.len().wrapping_sub(1)
    }
}

pub struct Dict<E, S = hashbrown::DefaultHashBuilder> {
    chunks: Vec<Vec<Option<Node<E>>>>,
    free: Vec<u32>,
    tables: [Table; 2],
    /// Next bucket of table 0 to move while rehashing into table 1.
    rehash_from: Option<usize>,
    len: usize,
    hasher: S,
}

impl<E: Keyed> Default for Dict<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E: Keyed> Dict<E> {
    pub fn new() -> Self {
        Self::with_hasher(hashbrown::DefaultHashBuilder::default())
    }
}

impl<E: Keyed, S: BuildHasher> Dict<E, S> {
    pub fn with_hasher(hasher: S) -> Self {
        Dict {
            chunks: Vec::new(),
            free: Vec::new(),
            tables: [Table::empty(), Table::empty()],
            rehash_from: None,
            len: 0,
            hasher,
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn is_rehashing(&self) -> bool {
        self.rehash_from.is_some()
    }

    /// Number of buckets (both tables), for memory accounting and tests.
    pub fn buckets(&self) -> usize {
        self.tables[0].buckets.len() + self.tables[1].buckets.len()
    }

    fn hash(&self, key: &[u8]) -> u64 {
        self.hasher.hash_one(key)
    }

    fn node(&self, id: u32) -> &Node<E> {
        let i = (id - 1) as usize;
        self.chunks[i >> CHUNK_BITS][i & (CHUNK - 1)]
            .as_ref()
            .expect("ids in chains refer to live nodes")
    }

    fn node_mut(&mut self, id: u32) -> &mut Node<E> {
        let i = (id - 1) as usize;
        self.chunks[i >> CHUNK_BITS][i & (CHUNK - 1)]
            .as_mut()
            .expect("ids in chains refer to live nodes")
    }

    /// The entry behind a live id.
    pub fn at(&self, id: Id) -> &E {
        &self.node(id.0).entry
    }

    pub fn at_mut(&mut self, id: Id) -> &mut E {
        &mut self.node_mut(id.0).entry
    }

    /// The id of the entry with `key`, if present.
    pub fn find(&self, key: &[u8]) -> Option<Id> {
        if self.len == 0 {
            return None;
        }
        let hash = self.hash(key) as usize;
        for t in 0..2 {
            let table = &self.tables[t];
            if table.buckets.is_empty() {
                continue;
            }
            let mut id = table.buckets[hash & table.mask()];
            while id != EMPTY {
                let node = self.node(id);
                if node.entry.key() == key {
                    return Some(Id(id));
                }
                id = node.next;
            }
            if self.rehash_from.is_none() {
                break;
            }
        }
        None
    }

    pub fn get(&self, key: &[u8]) -> Option<&E> {
        self.find(key).map(|id| self.at(id))
    }

    pub fn get_mut(&mut self, key: &[u8]) -> Option<&mut E> {
        self.find(key).map(|id| self.at_mut(id))
    }

    pub fn contains(&self, key: &[u8]) -> bool {
        self.find(key).is_some()
    }

    /// Inserts an entry whose key must not be present (check with [`Dict::find`]
    /// first; the keyspace always does). Returns its id.
    pub fn insert_new(&mut self, entry: E) -> Id {
        debug_assert!(
            self.find(entry.key()).is_none(),
            "insert_new of a present key"
        );
        self.rehash_steps(STEPS_PER_WRITE);
        self.grow_if_needed();
        let hash = self.hash(entry.key()) as usize;
        let id = self.alloc(entry);
        // While rehashing, new entries go straight to the new table.
        let t = usize::from(self.rehash_from.is_some());
        let table = &mut self.tables[t];
        let bucket = hash & table.mask();
        let head = table.buckets[bucket];
        table.buckets[bucket] = id;
        table.used += 1;
        self.node_mut(id).next = head;
        self.len += 1;
        Id(id)
    }

    /// Removes the entry with `key` and returns it.
    pub fn remove(&mut self, key: &[u8]) -> Option<E> {
        if self.len == 0 {
            return None;
        }
        self.rehash_steps(STEPS_PER_WRITE);
        let hash = self.hash(key) as usize;
        for t in 0..2 {
            if self.tables[t].buckets.is_empty() {
                continue;
            }
            let bucket = hash & self.tables[t].mask();
            let mut prev = EMPTY;
            let mut id = self.tables[t].buckets[bucket];
            while id != EMPTY {
                let node = self.node(id);
                let next = node.next;
                if node.entry.key() == key {
                    if prev == EMPTY {
                        self.tables[t].buckets[bucket] = next;
                    } else {
                        self.node_mut(prev).next = next;
                    }
                    self.tables[t].used -= 1;
                    self.len -= 1;
                    return Some(self.release(id));
                }
                prev = id;
                id = next;
            }
            if self.rehash_from.is_none() {
                break;
            }
        }
        None
    }

    /// Removes the entry behind a live id.
    pub fn remove_id(&mut self, id: Id) -> E {
        // Unlinking needs the chain, found through the key's hash; the key is
        // borrowed from the entry itself, so copy it out first.
        let key: Vec<u8> = self.at(id).key().to_vec();
        self.remove(&key).expect("a live id's key is in the dict")
    }

    fn alloc(&mut self, entry: E) -> u32 {
        let node = Some(Node { entry, next: EMPTY });
        if let Some(id) = self.free.pop() {
            let i = (id - 1) as usize;
            self.chunks[i >> CHUNK_BITS][i & (CHUNK - 1)] = node;
            return id;
        }
        if self.chunks.last().is_none_or(|c| c.len() == CHUNK) {
            // The first chunk grows like any vector (a small dict stays small);
            // later ones are allocated whole, so no full chunk is ever copied.
            let capacity = if self.chunks.is_empty() { 0 } else { CHUNK };
            self.chunks.push(Vec::with_capacity(capacity));
        }
        let chunk_index = self.chunks.len() - 1;
        let chunk = self.chunks.last_mut().expect("pushed above when missing");
        chunk.push(node);
        let id = (chunk_index << CHUNK_BITS) + chunk.len();
        u32::try_from(id).expect("fewer than 4 billion entries in one dict")
    }

    fn release(&mut self, id: u32) -> E {
        let i = (id - 1) as usize;
        let node = self.chunks[i >> CHUNK_BITS][i & (CHUNK - 1)]
            .take()
            .expect("released ids are live");
        self.free.push(id);
        node.entry
    }

    /// Starts a rehash into a table twice the size once every bucket is used on
    /// average (Redis's dict_can_resize policy, load factor 1).
    fn grow_if_needed(&mut self) {
        if self.rehash_from.is_some() {
            return;
        }
        let size = self.tables[0].buckets.len();
        if size == 0 {
            self.tables[0] = Table::with_size(MIN_TABLE);
            return;
        }
        if self.len >= size {
            self.start_rehash((self.len + 1).next_power_of_two().max(size * 2));
        }
    }

    /// Shrinks the table when under 10% full (Redis's HASHTABLE_MIN_FILL), as a
    /// rehash into a smaller table. Called from the cron, not from deletes, so a
    /// burst of deletes does not trigger work inside a command.
    pub fn shrink_if_needed(&mut self) {
        if self.rehash_from.is_some() {
            return;
        }
        let size = self.tables[0].buckets.len();
        if size > MIN_TABLE && self.len * 10 < size {
            self.start_rehash(self.len.next_power_of_two().max(MIN_TABLE));
        }
    }

    fn start_rehash(&mut self, size: usize) {
        debug_assert!(size.is_power_of_two());
        self.tables[1] = Table::with_size(size);
        self.rehash_from = Some(0);
    }

    /// Moves up to `steps` buckets of a rehash in progress; returns whether one is
    /// still in progress.
    pub fn rehash_steps(&mut self, steps: usize) -> bool {
        let Some(mut from) = self.rehash_from else {
            return false;
        };
        let mut empty_visits = steps * EMPTY_VISITS_PER_STEP;
        let mut moved = 0;
        while moved < steps && self.tables[0].used > 0 {
            while self.tables[0].buckets[from] == EMPTY {
                from += 1;
                empty_visits -= 1;
                if empty_visits == 0 {
                    self.rehash_from = Some(from);
                    return true;
                }
            }
            let mut id = std::mem::replace(&mut self.tables[0].buckets[from], EMPTY);
            while id != EMPTY {
                let next = self.node(id).next;
                let hash = self.hash(self.node(id).entry.key()) as usize;
                let dest = &mut self.tables[1];
                let bucket = hash & dest.mask();
                let head = dest.buckets[bucket];
                dest.buckets[bucket] = id;
                dest.used += 1;
                self.tables[0].used -= 1;
                self.node_mut(id).next = head;
                id = next;
            }
            from += 1;
            moved += 1;
        }
        if self.tables[0].used == 0 {
            self.tables.swap(0, 1);
            self.tables[1] = Table::empty();
            self.rehash_from = None;
            return false;
        }
        self.rehash_from = Some(from);
        true
    }

    /// One SCAN step: calls `f` for every entry of the bucket(s) under `cursor`
    /// and returns the next cursor (0 when the iteration is complete).
    pub fn scan(&self, cursor: u64, mut f: impl FnMut(&E)) -> u64 {
        if self.len == 0 {
            return 0;
        }
        let mut v = cursor;
        let mut visit = |table: &Table, bucket: usize| {
            let mut id = table.buckets[bucket];
            while id != EMPTY {
                let node = self.node(id);
                f(&node.entry);
                id = node.next;
            }
        };
        if self.rehash_from.is_none() {
            let t = &self.tables[0];
            let m = t.mask() as u64;
            visit(t, (v & m) as usize);
            return next_cursor(v, m);
        }
        let (small, large) = if self.tables[0].buckets.len() <= self.tables[1].buckets.len() {
            (&self.tables[0], &self.tables[1])
        } else {
            (&self.tables[1], &self.tables[0])
        };
        let m0 = small.mask() as u64;
        let m1 = large.mask() as u64;
        visit(small, (v & m0) as usize);
        // Then every bucket of the larger table that the small bucket expands to.
        loop {
            visit(large, (v & m1) as usize);
            v = next_cursor(v, m1);
            if v & (m0 ^ m1) == 0 {
                break;
            }
        }
        v
    }

    /// A uniformly chosen random entry; `random` supplies random numbers. None
    /// when empty.
    ///
    /// Redis picks a random bucket, then a random entry of its chain
    /// (dictGetRandomKey), or one of the entries near a random bucket
    /// (dictGetFairRandomKey); both favour some entries (those in short chains,
    /// or after empty buckets), which the test suites' chi-square checks of
    /// RANDOMKEY, SRANDMEMBER and HRANDFIELD can see. Here a draw is a random
    /// bucket and a random slot `0..CHAIN_SLOTS`, accepted when the chain has an
    /// entry in that slot, so every entry has the same chance (rejection
    /// sampling; a chain longer than the slots, rare at load factor 1, has its
    /// entries drawn among themselves). Expected draws: slots / load factor.
    pub fn random_id(&self, mut random: impl FnMut() -> u64) -> Option<Id> {
        if self.len == 0 {
            return None;
        }
        const CHAIN_SLOTS: u64 = 8;
        const MAX_DRAWS: u32 = 100_000;
        // The live buckets, as one index space: table 0 from `from`, then table 1.
        let from = self.rehash_from.unwrap_or(0);
        let live0 = self.tables[0].buckets.len() - from;
        let live1 = if self.rehash_from.is_some() {
            self.tables[1].buckets.len()
        } else {
            0
        };
        let total = (live0 + live1) as u64;
        for _ in 0..MAX_DRAWS {
            let i = (random() % total) as usize;
            let head = if i < live0 {
                self.tables[0].buckets[from + i]
            } else {
                self.tables[1].buckets[i - live0]
            };
            if head == EMPTY {
                continue;
            }
            let mut chain_len = 0u64;
            let mut id = head;
            while id != EMPTY {
                chain_len += 1;
                id = self.node(id).next;
            }
            let slot = random() % CHAIN_SLOTS.max(chain_len);
            if slot >= chain_len {
                continue;
            }
            let mut id = head;
            for _ in 0..slot {
                id = self.node(id).next;
            }
            return Some(Id(id));
        }
        // Only a degenerate random source gets here.
        self.first_id()
    }

    /// Some entry, found by walking the buckets (None when empty).
    fn first_id(&self) -> Option<Id> {
        self.tables
            .iter()
            .flat_map(|t| t.buckets.iter())
            .find(|&&b| b != EMPTY)
            .map(|&b| Id(b))
    }

    /// Every entry, in slab order (not bucket order).
    pub fn iter(&self) -> impl Iterator<Item = &E> {
        self.chunks
            .iter()
            .flat_map(|c| c.iter())
            .filter_map(|slot| slot.as_ref().map(|n| &n.entry))
    }

    /// Every entry with its id.
    pub fn iter_ids(&self) -> impl Iterator<Item = (Id, &E)> {
        self.chunks.iter().enumerate().flat_map(|(ci, c)| {
            c.iter().enumerate().filter_map(move |(i, slot)| {
                slot.as_ref()
                    .map(|n| (Id(((ci << CHUNK_BITS) + i + 1) as u32), &n.entry))
            })
        })
    }

    /// Removes everything and releases the memory (the hasher's seed stays).
    pub fn clear(&mut self) {
        self.chunks = Vec::new();
        self.free = Vec::new();
        self.tables = [Table::empty(), Table::empty()];
        self.rehash_from = None;
        self.len = 0;
    }

    /// Approximate heap bytes of the table itself (not what entries own).
    pub fn overhead_bytes(&self) -> usize {
        let slots: usize = self.chunks.iter().map(Vec::capacity).sum();
        self.buckets() * 4
            + slots * std::mem::size_of::<Option<Node<E>>>()
            + self.free.capacity() * 4
    }
}

/// Advances a reverse-binary cursor over a table with mask `mask`: increments
/// the bits above the mask's reach in reversed order, so that buckets are
/// visited in an order stable under table doubling and halving.
fn next_cursor(cursor: u64, mask: u64) -> u64 {
    let mut v = cursor | !mask;
    v = v.reverse_bits();
    v = v.wrapping_add(1);
    v.reverse_bits()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::{HashMap, HashSet};

    #[derive(Debug, Clone, PartialEq)]
    struct E(Vec<u8>, u32);

    impl Keyed for E {
        fn key(&self) -> &[u8] {
            &self.0
        }
    }

    fn key(n: u32) -> Vec<u8> {
        format!("key:{n}").into_bytes()
    }

    #[test]
    fn grows_incrementally_and_finds_everything() {
        let mut d: Dict<E> = Dict::new();
        for i in 0..100_000 {
            d.insert_new(E(key(i), i));
        }
        assert_eq!(d.len(), 100_000);
        for i in 0..100_000 {
            assert_eq!(d.get(&key(i)).map(|e| e.1), Some(i));
        }
        assert!(d.get(b"nope").is_none());
        while d.rehash_steps(100) {}
        assert_eq!(d.buckets(), 131_072);
    }

    #[test]
    fn ids_stay_valid_across_rehashing() {
        let mut d: Dict<E> = Dict::new();
        let ids: Vec<Id> = (0..10_000).map(|i| d.insert_new(E(key(i), i))).collect();
        for (i, id) in ids.iter().enumerate() {
            assert_eq!(d.at(*id).1, i as u32);
        }
        let removed = d.remove_id(ids[5]);
        assert_eq!(removed.1, 5);
        assert!(d.find(&key(5)).is_none());
    }

    #[test]
    fn shrinks_when_mostly_empty() {
        let mut d: Dict<E> = Dict::new();
        for i in 0..10_000 {
            d.insert_new(E(key(i), i));
        }
        for i in 0..9_990 {
            assert!(d.remove(&key(i)).is_some());
        }
        while d.rehash_steps(100) {}
        d.shrink_if_needed();
        while d.rehash_steps(100) {}
        assert!(d.buckets() <= 16, "{}", d.buckets());
        for i in 9_990..10_000 {
            assert!(d.contains(&key(i)));
        }
    }

    /// SCAN's guarantee: entries present for the whole iteration are returned,
    /// even though the table grows and shrinks in the middle of it.
    #[test]
    fn scan_returns_every_stable_entry_while_resizing() {
        let mut d: Dict<E> = Dict::new();
        for i in 0..1_000 {
            d.insert_new(E(key(i), i));
        }
        let mut seen = HashSet::new();
        let mut cursor = 0;
        let mut step = 0u32;
        loop {
            cursor = d.scan(cursor, |e| {
                seen.insert(e.1);
            });
            // Churn: add many (growth), later remove them (shrink).
            step += 1;
            if step < 50 {
                for j in 0..200 {
                    d.insert_new(E(key(1_000_000 + step * 1000 + j), 0));
                }
            } else if step < 100 {
                for j in 0..200 {
                    d.remove(&key(1_000_000 + (step - 49) * 1000 + j));
                }
                d.shrink_if_needed();
            }
            d.rehash_steps(3);
            if cursor == 0 {
                break;
            }
        }
        for i in 0..1_000 {
            assert!(seen.contains(&i), "entry {i} missed");
        }
    }

    #[test]
    fn small_dicts_reserve_little_and_constant_rng_terminates() {
        let mut d: Dict<E> = Dict::new();
        for i in 0..10 {
            d.insert_new(E(key(i), i));
        }
        assert!(d.overhead_bytes() < 4096, "{}", d.overhead_bytes());
        assert!(d.random_id(|| 0).is_some());
    }

    /// Pearson's chi-square of `counts` against an even spread.
    fn chi_square(counts: &[u32]) -> f64 {
        let expected = counts.iter().sum::<u32>() as f64 / counts.len() as f64;
        counts
            .iter()
            .map(|&c| (c as f64 - expected).powi(2) / expected)
            .sum()
    }

    #[test]
    fn random_ids_are_evenly_spread_in_small_and_rehashing_tables() {
        let mut r = crate::listpack::SplitMix64::new(0x1234_5678);
        let mut rnd = move || r.next_u64();
        let mut rehashing_seen = false;
        for n in [10usize, 17, 100] {
            let mut d: Dict<E> = Dict::new();
            for i in 0..n {
                d.insert_new(E(key(i as u32), i as u32));
            }
            rehashing_seen |= d.is_rehashing();
            let mut counts = vec![0u32; n];
            for _ in 0..200 * n {
                let id = d.random_id(&mut rnd).expect("non-empty");
                counts[d.at(id).1 as usize] += 1;
            }
            // Redis's test suite allows 40 for 9 degrees of freedom
            // (p = 0.00001); scale the bound with the degrees of freedom.
            let bound = 40.0 * (n as f64 - 1.0) / 9.0;
            let x2 = chi_square(&counts);
            assert!(x2 < bound, "n={n}: chi-square {x2} (counts {counts:?})");
        }
        assert!(rehashing_seen, "one of the tables was mid-rehash");
    }

    #[test]
    fn random_ids_are_live_entries() {
        let mut d: Dict<E> = Dict::new();
        for i in 0..1000 {
            d.insert_new(E(key(i), i));
        }
        let mut r = crate::listpack::SplitMix64::new(0);
        let mut rnd = move || r.next_u64();
        let mut seen = HashSet::new();
        for _ in 0..5000 {
            let id = d.random_id(&mut rnd).expect("non-empty");
            seen.insert(d.at(id).1);
        }
        assert!(
            seen.len() > 900,
            "random picks cover the dict: {}",
            seen.len()
        );
    }

    #[derive(Debug, Clone)]
    enum Op {
        Insert(u16),
        Remove(u16),
        Rehash(u8),
        Shrink,
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            4 => any::<u16>().prop_map(|k| Op::Insert(k % 512)),
            3 => any::<u16>().prop_map(|k| Op::Remove(k % 512)),
            1 => any::<u8>().prop_map(Op::Rehash),
            1 => Just(Op::Shrink),
        ]
    }

    proptest! {
        #[test]
        fn behaves_like_a_hashmap(ops in proptest::collection::vec(op(), 1..400)) {
            let mut d: Dict<E> = Dict::new();
            let mut model: HashMap<Vec<u8>, u32> = HashMap::new();
            for (n, op) in ops.into_iter().enumerate() {
                match op {
                    Op::Insert(k) => {
                        let k = key(u32::from(k));
                        if let Some(id) = d.find(&k) {
                            d.at_mut(id).1 = n as u32;
                        } else {
                            d.insert_new(E(k.clone(), n as u32));
                        }
                        model.insert(k, n as u32);
                    }
                    Op::Remove(k) => {
                        let k = key(u32::from(k));
                        prop_assert_eq!(d.remove(&k).map(|e| e.1), model.remove(&k));
                    }
                    Op::Rehash(n) => { d.rehash_steps(usize::from(n)); }
                    Op::Shrink => d.shrink_if_needed(),
                }
                prop_assert_eq!(d.len(), model.len());
            }
            for (k, v) in &model {
                prop_assert_eq!(d.get(k).map(|e| e.1), Some(*v));
            }
            let mut all: Vec<u32> = d.iter().map(|e| e.1).collect();
            let mut want: Vec<u32> = model.values().copied().collect();
            all.sort_unstable();
            want.sort_unstable();
            prop_assert_eq!(all, want);
            // A full scan without changes returns every entry.
            let mut scanned = HashSet::new();
            let mut cursor = 0;
            loop {
                cursor = d.scan(cursor, |e| { scanned.insert(e.0.clone()); });
                if cursor == 0 { break; }
            }
            prop_assert_eq!(scanned.len(), model.len());
        }
    }
}
