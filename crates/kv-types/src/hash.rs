//! `Hash`: the hash type's value — a listpack of field/value pairs while small,
//! a hash table once large, as Redis 7.0's `t_hash.c` decides.
//!
//! Encodings (OBJECT ENCODING):
//! - `listpack`: a [`ForwardListpack`] of alternating field, value entries in
//!   insertion order (new fields are appended; updates stay in place). Hashes
//!   never walk backwards, so the entries carry no backlen — one byte per
//!   field and per value less than Redis's listpack, on top of the denser
//!   integer and header encodings.
//! - `hashtable`: a [`Dict`] (chained, incrementally rehashed, SCAN-able with
//!   Redis's reverse-binary cursor) of entries that each hold field and value in
//!   one compact [`Bytes`] (`[varint field length][field][value]`, inline when
//!   at most 22 bytes in all, so typical small pairs need no allocation).
//!
//! Conversion, as in Redis 7.0: a hash starts as a listpack and becomes a hash
//! table — once, never back — when a field or value longer than
//! `hash-max-listpack-value` (64) is written, or when it would hold more than
//! `hash-max-listpack-entries` (512 in 7.0) fields. The thresholds come in a
//! [`HashLimits`] argument; the config lives elsewhere.
//!
//! Invariants: a listpack hash has an even number of entries, fields unique, at
//! most `max_listpack_entries` pairs and no element longer than
//! `max_listpack_value` *as of the limits passed when they were written*;
//! `Table::heap` is the sum of the entries' heap bytes. Values handed out are
//! [`Elem`]s (canonical integers come back as [`Elem::Int`] in both encodings).

use std::hash::BuildHasher;

use crate::dict::{Dict, Keyed};
use crate::listpack::{Elem, ForwardListpack, IntBuf, Pos, random_index, sample_indexes, shuffle};
use crate::string::{Bytes, INLINE};

/// Conversion thresholds (Redis 7.0 defaults: 512 entries, 64 bytes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HashLimits {
    /// `hash-max-listpack-entries`.
    pub max_listpack_entries: usize,
    /// `hash-max-listpack-value`.
    pub max_listpack_value: usize,
}

impl Default for HashLimits {
    fn default() -> Self {
        HashLimits {
            max_listpack_entries: 512,
            max_listpack_value: 64,
        }
    }
}

/// One hash-table entry: `[LEB128 field length][field][value]` in one string.
#[derive(Clone)]
struct Entry(Bytes);

impl Entry {
    fn new(field: &[u8], value: &[u8]) -> Entry {
        let mut head = [0u8; 10];
        let hl = leb128(field.len(), &mut head);
        let total = hl + field.len() + value.len();
        if total <= INLINE {
            let mut tmp = [0u8; INLINE];
            tmp[..hl].copy_from_slice(&head[..hl]);
            tmp[hl..hl + field.len()].copy_from_slice(field);
            tmp[hl + field.len()..total].copy_from_slice(value);
            Entry(Bytes::new(&tmp[..total]))
        } else {
            let mut v = Vec::with_capacity(total);
            v.extend_from_slice(&head[..hl]);
            v.extend_from_slice(field);
            v.extend_from_slice(value);
            Entry(Bytes::Heap(v.into_boxed_slice()))
        }
    }

    fn split(&self) -> (&[u8], &[u8]) {
        let b = self.0.as_bytes();
        let mut flen = 0usize;
        let mut i = 0;
        // The prefix was written by `leb128`, so it terminates within 10 bytes;
        // bounds are still checked so a bad entry reads as empty, not a panic.
        while let Some(&byte) = b.get(i) {
            flen |= usize::from(byte & 0x7F) << (7 * i);
            i += 1;
            if byte & 0x80 == 0 || i >= 10 {
                break;
            }
        }
        let rest = b.get(i..).unwrap_or(&[]);
        rest.split_at(flen.min(rest.len()))
    }

    fn heap(&self) -> usize {
        self.0.heap_size()
    }
}

fn leb128(mut n: usize, out: &mut [u8; 10]) -> usize {
    let mut i = 0;
    loop {
        let byte = (n & 0x7F) as u8;
        n >>= 7;
        if n == 0 {
            out[i] = byte;
            return i + 1;
        }
        out[i] = byte | 0x80;
        i += 1;
    }
}

impl Keyed for Entry {
    fn key(&self) -> &[u8] {
        self.split().0
    }
}

struct Table {
    dict: Dict<Entry>,
    /// Heap bytes owned by entries (kept up to date so MEMORY USAGE is O(1)).
    heap: usize,
}

enum Repr {
    Listpack(ForwardListpack),
    Table(Box<Table>),
}

/// A hash value: field → value.
pub struct Hash {
    repr: Repr,
}

impl Default for Hash {
    fn default() -> Self {
        Hash::new()
    }
}

fn too_long(limits: &HashLimits, field: &[u8], value: &[u8]) -> bool {
    field.len() > limits.max_listpack_value || value.len() > limits.max_listpack_value
}

impl Hash {
    /// An empty hash, listpack-encoded (no allocation).
    pub fn new() -> Self {
        Hash {
            repr: Repr::Listpack(ForwardListpack::new()),
        }
    }

    /// OBJECT ENCODING: "listpack" or "hashtable".
    pub fn encoding_name(&self) -> &'static str {
        match self.repr {
            Repr::Listpack(_) => "listpack",
            Repr::Table(_) => "hashtable",
        }
    }

    /// Number of fields. O(1).
    pub fn len(&self) -> usize {
        match &self.repr {
            Repr::Listpack(lp) => lp.len() / 2,
            Repr::Table(t) => t.dict.len(),
        }
    }

    /// Whether there are no fields.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Approximate heap bytes owned (MEMORY USAGE, eviction accounting).
    pub fn mem_usage(&self) -> usize {
        match &self.repr {
            Repr::Listpack(lp) => lp.mem_usage(),
            Repr::Table(t) => std::mem::size_of::<Table>() + t.dict.overhead_bytes() + t.heap,
        }
    }

    /// Position of `field`'s value in a listpack hash.
    fn lp_value_pos(lp: &ForwardListpack, field: &[u8]) -> Option<Pos> {
        let first = lp.first_pos()?;
        let key = lp.find_from(Elem::from_bytes(field), first, 1)?;
        lp.next_pos(key)
    }

    /// The value of `field` (HGET).
    pub fn get(&self, field: &[u8]) -> Option<Elem<'_>> {
        match &self.repr {
            Repr::Listpack(lp) => lp.get_at(Self::lp_value_pos(lp, field)?),
            Repr::Table(t) => t.dict.get(field).map(|e| Elem::from_bytes(e.split().1)),
        }
    }

    /// Whether `field` exists (HEXISTS).
    pub fn contains(&self, field: &[u8]) -> bool {
        match &self.repr {
            Repr::Listpack(lp) => Self::lp_value_pos(lp, field).is_some(),
            Repr::Table(t) => t.dict.contains(field),
        }
    }

    /// Length of `field`'s value (HSTRLEN), without rendering integers.
    pub fn value_len(&self, field: &[u8]) -> Option<usize> {
        self.get(field).map(Elem::rendered_len)
    }

    /// Sets `field` to `value` (HSET); returns true if the field is new.
    pub fn set(&mut self, field: &[u8], value: &[u8], limits: &HashLimits) -> bool {
        if too_long(limits, field, value) {
            self.convert();
        }
        let new = match &mut self.repr {
            Repr::Listpack(lp) => match Self::lp_value_pos(lp, field) {
                Some(p) => {
                    lp.replace_at(p, Elem::from_bytes(value));
                    false
                }
                None => {
                    lp.push_back_many(&[Elem::from_bytes(field), Elem::from_bytes(value)]);
                    true
                }
            },
            Repr::Table(t) => {
                let entry = Entry::new(field, value);
                let added = entry.heap();
                match t.dict.get_mut(field) {
                    Some(old) => {
                        t.heap -= old.heap();
                        *old = entry;
                        t.heap += added;
                        false
                    }
                    None => {
                        t.dict.insert_new(entry);
                        t.heap += added;
                        true
                    }
                }
            }
        };
        if new && self.len() > limits.max_listpack_entries {
            self.convert();
        }
        new
    }

    /// Sets `field` only if absent (HSETNX); returns whether it was set. As in
    /// Redis 7.0.15 (checked against the real server), an over-long value for
    /// an existing field converts nothing: only a real insertion can convert.
    pub fn set_if_absent(&mut self, field: &[u8], value: &[u8], limits: &HashLimits) -> bool {
        if self.contains(field) {
            return false;
        }
        self.set(field, value, limits)
    }

    /// Deletes `field` (HDEL); returns whether it existed.
    pub fn remove(&mut self, field: &[u8]) -> bool {
        match &mut self.repr {
            Repr::Listpack(lp) => {
                let Some(first) = lp.first_pos() else {
                    return false;
                };
                match lp.find_from(Elem::from_bytes(field), first, 1) {
                    Some(p) => lp.delete_at(p, 2) == 2,
                    None => false,
                }
            }
            Repr::Table(t) => match t.dict.remove(field) {
                Some(e) => {
                    t.heap -= e.heap();
                    // Redis resizes a hash's table on delete when it is
                    // mostly empty; this starts an incremental shrink.
                    t.dict.shrink_if_needed();
                    true
                }
                None => false,
            },
        }
    }

    /// Converts to the hash-table encoding (no-op if already there).
    pub fn convert(&mut self) {
        let Repr::Listpack(lp) = &self.repr else {
            return;
        };
        let mut dict = Dict::new();
        let mut heap = 0;
        let (mut fb, mut vb) = (IntBuf::new(), IntBuf::new());
        let mut it = lp.iter();
        while let (Some(f), Some(v)) = (it.next(), it.next()) {
            let e = Entry::new(f.as_bytes(&mut fb), v.as_bytes(&mut vb));
            heap += e.heap();
            dict.insert_new(e);
        }
        self.repr = Repr::Table(Box::new(Table { dict, heap }));
    }

    /// Iterates (field, value) pairs: insertion order for a listpack, table
    /// order for a hash table (HGETALL, HKEYS, HVALS).
    pub fn iter(&self) -> Iter<'_> {
        match &self.repr {
            Repr::Listpack(lp) => Iter::Lp(lp.iter()),
            Repr::Table(t) => Iter::Table(Box::new(t.dict.iter().map(|e| {
                let (f, v) = e.split();
                (Elem::from_bytes(f), Elem::from_bytes(v))
            }))),
        }
    }

    /// One step of HSCAN: calls `f` for some pairs and returns the next cursor
    /// (0 = done). A listpack hash is returned whole with cursor 0, as Redis
    /// does; a table is walked with Redis's reverse-binary cursor, so a field
    /// present for the whole scan is returned at least once.
    pub fn scan(&self, cursor: u64, mut f: impl FnMut(Elem<'_>, Elem<'_>)) -> u64 {
        match &self.repr {
            Repr::Listpack(lp) => {
                let mut it = lp.iter();
                while let (Some(k), Some(v)) = (it.next(), it.next()) {
                    f(k, v);
                }
                0
            }
            Repr::Table(t) => t.dict.scan(cursor, |e| {
                let (k, v) = e.split();
                f(Elem::from_bytes(k), Elem::from_bytes(v));
            }),
        }
    }

    /// Moves a few buckets of a table rehash in progress (for a cron); returns
    /// whether one is still in progress.
    pub fn rehash_steps(&mut self, steps: usize) -> bool {
        match &mut self.repr {
            Repr::Listpack(_) => false,
            Repr::Table(t) => t.dict.rehash_steps(steps),
        }
    }

    fn table_pair(e: &Entry) -> (Elem<'_>, Elem<'_>) {
        let (f, v) = e.split();
        (Elem::from_bytes(f), Elem::from_bytes(v))
    }

    /// One random (field, value) pair (HRANDFIELD without count).
    pub fn random_pair(&self, rng: &mut impl FnMut() -> u64) -> Option<(Elem<'_>, Elem<'_>)> {
        match &self.repr {
            Repr::Listpack(lp) => {
                let n = lp.len() / 2;
                if n == 0 {
                    return None;
                }
                let k = lp.pos(2 * random_index(rng, n) as i64)?;
                Some((lp.get_at(k)?, lp.get_at(lp.next_pos(k)?)?))
            }
            Repr::Table(t) => fair_random(&t.dict, rng).map(Self::table_pair),
        }
    }

    /// HRANDFIELD with a negative count: `count` picks, each uniform and
    /// independent (repetitions allowed), handed to `f` in pick order. A
    /// listpack is indexed once, so this is O(len + count), not O(len * count).
    pub fn random_pairs_with_repetition(
        &self,
        count: usize,
        rng: &mut impl FnMut() -> u64,
        mut f: impl FnMut(Elem<'_>, Elem<'_>),
    ) {
        match &self.repr {
            Repr::Listpack(lp) => {
                let mut index: Vec<(Elem<'_>, Elem<'_>)> = Vec::with_capacity(lp.len() / 2);
                let mut it = lp.iter();
                while let (Some(k), Some(v)) = (it.next(), it.next()) {
                    index.push((k, v));
                }
                if index.is_empty() {
                    return;
                }
                for _ in 0..count {
                    if let Some(&(k, v)) = index.get(random_index(rng, index.len())) {
                        f(k, v);
                    }
                }
            }
            Repr::Table(t) => {
                for _ in 0..count {
                    match fair_random(&t.dict, rng) {
                        Some(e) => {
                            let (k, v) = Self::table_pair(e);
                            f(k, v);
                        }
                        None => return,
                    }
                }
            }
        }
    }

    /// HRANDFIELD with a positive count: `min(count, len)` distinct pairs, in
    /// random order. Uniform for a listpack and for large counts; for small
    /// counts on a table it draws random entries until enough distinct ones
    /// are found.
    pub fn random_pairs_distinct(
        &self,
        count: usize,
        rng: &mut impl FnMut() -> u64,
    ) -> Vec<(Elem<'_>, Elem<'_>)> {
        let len = self.len();
        let mut out: Vec<(Elem<'_>, Elem<'_>)>;
        match &self.repr {
            Repr::Listpack(lp) => {
                let picks = sample_indexes(len, count, rng);
                out = Vec::with_capacity(picks.len());
                let mut it = lp.iter();
                let mut i = 0;
                for want in picks {
                    while let (Some(k), Some(v)) = (it.next(), it.next()) {
                        i += 1;
                        if i - 1 == want {
                            out.push((k, v));
                            break;
                        }
                    }
                }
            }
            Repr::Table(t) => {
                out = distinct_from_dict(&t.dict, count, rng)
                    .into_iter()
                    .map(Self::table_pair)
                    .collect();
            }
        }
        shuffle(&mut out, rng);
        out
    }
}

/// A uniformly chosen random entry of a dict (see [`Dict::random_id`]).
pub(crate) fn fair_random<'a, E: Keyed, S: BuildHasher>(
    dict: &'a Dict<E, S>,
    rng: &mut impl FnMut() -> u64,
) -> Option<&'a E> {
    dict.random_id(&mut *rng).map(|id| dict.at(id))
}

/// `min(count, len)` distinct entries of a dict. Small counts: random draws
/// deduplicated by key (Redis's CASE 4); otherwise (or if draws stall) a partial
/// Fisher–Yates over all entries, which is exactly uniform (Redis's CASE 3).
pub(crate) fn distinct_from_dict<'a, E: Keyed, S: BuildHasher>(
    dict: &'a Dict<E, S>,
    count: usize,
    rng: &mut impl FnMut() -> u64,
) -> Vec<&'a E> {
    let len = dict.len();
    let count = count.min(len);
    if count == 0 {
        return Vec::new();
    }
    if count * 3 <= len {
        let mut seen = hashbrown::HashSet::with_capacity(count);
        let mut out = Vec::with_capacity(count);
        let mut budget = count * 32 + 64;
        while out.len() < count && budget > 0 {
            budget -= 1;
            let Some(e) = fair_random(dict, rng) else {
                break;
            };
            if seen.insert(e.key()) {
                out.push(e);
            }
        }
        if out.len() == count {
            return out;
        }
    }
    let mut all: Vec<&E> = dict.iter().collect();
    for i in 0..count {
        let j = i + random_index(rng, all.len() - i);
        all.swap(i, j);
    }
    all.truncate(count);
    all
}

impl Clone for Hash {
    fn clone(&self) -> Self {
        let repr = match &self.repr {
            Repr::Listpack(lp) => Repr::Listpack(lp.clone()),
            Repr::Table(t) => {
                let mut dict = Dict::new();
                for e in t.dict.iter() {
                    dict.insert_new(e.clone());
                }
                Repr::Table(Box::new(Table { dict, heap: t.heap }))
            }
        };
        Hash { repr }
    }
}

impl std::fmt::Debug for Hash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

/// Iterator over a [`Hash`](struct@Hash)'s (field, value) pairs.
pub enum Iter<'a> {
    #[doc(hidden)]
    Lp(crate::listpack::Iter<'a, false>),
    #[doc(hidden)]
    Table(Box<dyn Iterator<Item = (Elem<'a>, Elem<'a>)> + 'a>),
}

impl<'a> Iterator for Iter<'a> {
    type Item = (Elem<'a>, Elem<'a>);

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        match self {
            Iter::Lp(it) => Some((it.next()?, it.next()?)),
            Iter::Table(it) => it.next(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::listpack::SplitMix64;
    use proptest::prelude::*;
    use std::collections::HashMap;

    fn lim(entries: usize, value: usize) -> HashLimits {
        HashLimits {
            max_listpack_entries: entries,
            max_listpack_value: value,
        }
    }

    #[test]
    fn sizes() {
        assert_eq!(std::mem::size_of::<Hash>(), 16);
        assert_eq!(std::mem::size_of::<Entry>(), 24);
    }

    #[test]
    fn basic_and_conversion_by_count() {
        let l = lim(4, 64);
        let mut h = Hash::new();
        assert_eq!(h.encoding_name(), "listpack");
        assert!(h.set(b"a", b"1", &l));
        assert!(!h.set(b"a", b"2", &l));
        assert!(h.set(b"b", b"x", &l));
        assert_eq!(h.get(b"a"), Some(Elem::Int(2)));
        assert_eq!(h.get(b"b"), Some(Elem::Str(b"x")));
        assert_eq!(h.value_len(b"a"), Some(1));
        assert!(!h.set_if_absent(b"a", b"9", &l));
        assert!(h.set_if_absent(b"c", b"-12", &l));
        assert!(h.set(b"d", b"d", &l));
        assert_eq!(h.encoding_name(), "listpack");
        assert!(h.set(b"e", b"e", &l));
        assert_eq!(h.encoding_name(), "hashtable");
        assert_eq!(h.len(), 5);
        assert_eq!(h.get(b"c"), Some(Elem::Int(-12)));
        assert!(h.remove(b"a"));
        assert!(!h.remove(b"a"));
        // Never converts back.
        for k in [&b"b"[..], b"c", b"d", b"e"] {
            assert!(h.remove(k));
        }
        assert!(h.is_empty());
        assert_eq!(h.encoding_name(), "hashtable");
    }

    #[test]
    fn conversion_by_length_but_not_for_hsetnx_on_existing() {
        let l = lim(128, 8);
        let mut h = Hash::new();
        h.set(b"f", b"v", &l);
        // redis-server 7.0.15: HSET h f v; HSETNX h f <65 bytes>; OBJECT
        // ENCODING h -> listpack.
        assert!(!h.set_if_absent(b"f", b"123456789", &l));
        assert_eq!(h.encoding_name(), "listpack");
        assert!(h.set_if_absent(b"g", b"123456789", &l));
        assert_eq!(h.encoding_name(), "hashtable");
        assert_eq!(h.get(b"f"), Some(Elem::Str(b"v")));
        let mut h = Hash::new();
        h.set(b"123456789", b"v", &l);
        assert_eq!(h.encoding_name(), "hashtable");
        // Exactly at the limit stays a listpack.
        let mut h = Hash::new();
        h.set(b"12345678", b"abcdefgh", &l);
        assert_eq!(h.encoding_name(), "listpack");
    }

    #[test]
    fn entries_split_back() {
        for (f, v) in [
            (&b""[..], &b""[..]),
            (b"f", b"v"),
            (&[b'x'; 200][..], b"v"),
            (b"k", &[b'y'; 30][..]),
        ] {
            let e = Entry::new(f, v);
            assert_eq!(e.split(), (f, v));
            assert_eq!(e.key(), f);
        }
        assert_eq!(Entry::new(b"field", b"value1").heap(), 0);
    }

    #[test]
    fn random_picks() {
        let mut r = SplitMix64::new(7);
        let mut rng = move || r.next_u64();
        for l in [lim(512, 64), lim(0, 64)] {
            let mut h = Hash::new();
            assert!(h.random_pair(&mut rng).is_none());
            assert!(h.random_pairs_distinct(3, &mut rng).is_empty());
            for i in 0..50 {
                h.set(format!("f{i}").as_bytes(), format!("{i}").as_bytes(), &l);
            }
            let (k, v) = h.random_pair(&mut rng).expect("non-empty");
            assert_eq!(h.get(&k.to_vec()), Some(v));
            for count in [0usize, 1, 10, 20, 49, 50, 80] {
                let got = h.random_pairs_distinct(count, &mut rng);
                assert_eq!(got.len(), count.min(50));
                let mut keys: Vec<Vec<u8>> = got.iter().map(|(k, _)| k.to_vec()).collect();
                keys.sort();
                keys.dedup();
                assert_eq!(keys.len(), count.min(50));
                for (k, v) in got {
                    assert_eq!(h.get(&k.to_vec()), Some(v));
                }
            }
            let mut n = 0;
            let mut hits: HashMap<Vec<u8>, usize> = HashMap::new();
            h.random_pairs_with_repetition(5000, &mut rng, |k, v| {
                n += 1;
                assert_eq!(k.to_vec()[1..], v.to_vec()[..]);
                *hits.entry(k.to_vec()).or_default() += 1;
            });
            assert_eq!(n, 5000);
            // Every field is drawn, and none wildly more than its share.
            assert_eq!(hits.len(), 50);
            assert!(hits.values().all(|&c| (30..=220).contains(&c)), "{hits:?}");
        }
    }

    #[test]
    fn scan_covers_everything() {
        let l = lim(8, 64);
        let mut h = Hash::new();
        for i in 0..300 {
            h.set(format!("k{i}").as_bytes(), b"v", &l);
        }
        let mut seen = std::collections::HashSet::new();
        let mut cursor = 0;
        loop {
            cursor = h.scan(cursor, |k, _| {
                seen.insert(k.to_vec());
            });
            if cursor == 0 {
                break;
            }
        }
        assert_eq!(seen.len(), 300);
        let c = h.clone();
        assert_eq!(c.len(), 300);
        assert!(c.iter().all(|(k, v)| h.get(&k.to_vec()) == Some(v)));
    }

    #[derive(Debug, Clone)]
    enum Op {
        Set(Vec<u8>, Vec<u8>),
        SetNx(Vec<u8>, Vec<u8>),
        Del(Vec<u8>),
        Get(Vec<u8>),
    }

    fn bytes() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            4 => (0u8..12).prop_map(|i| format!("f{i}").into_bytes()),
            2 => (-3i64..300).prop_map(|v| v.to_string().into_bytes()),
            1 => prop::collection::vec(any::<u8>(), 0..12),
            1 => Just(b"-0".to_vec()),
        ]
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            4 => (bytes(), bytes()).prop_map(|(f, v)| Op::Set(f, v)),
            1 => (bytes(), bytes()).prop_map(|(f, v)| Op::SetNx(f, v)),
            2 => bytes().prop_map(Op::Del),
            2 => bytes().prop_map(Op::Get),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        #[test]
        fn hash_matches_hashmap(
            entries in 0usize..10,
            value in 1usize..8,
            ops in prop::collection::vec(op(), 0..120),
        ) {
            let l = lim(entries, value);
            let mut h = Hash::new();
            let mut m: HashMap<Vec<u8>, Vec<u8>> = HashMap::new();
            let mut must_be_table = false;
            for op in ops {
                match op {
                    Op::Set(f, v) => {
                        must_be_table |= f.len() > value || v.len() > value;
                        prop_assert_eq!(h.set(&f, &v, &l), m.insert(f, v).is_none());
                    }
                    Op::SetNx(f, v) => {
                        let new = !m.contains_key(&f);
                        must_be_table |= new && (f.len() > value || v.len() > value);
                        prop_assert_eq!(h.set_if_absent(&f, &v, &l), new);
                        if new {
                            m.insert(f, v);
                        }
                    }
                    Op::Del(f) => prop_assert_eq!(h.remove(&f), m.remove(&f).is_some()),
                    Op::Get(f) => {
                        prop_assert_eq!(h.get(&f).map(Elem::to_vec), m.get(&f).cloned());
                        prop_assert_eq!(h.contains(&f), m.contains_key(&f));
                        prop_assert_eq!(h.value_len(&f), m.get(&f).map(Vec::len));
                    }
                }
                must_be_table |= m.len() > entries;
                prop_assert_eq!(h.len(), m.len());
                prop_assert_eq!(h.encoding_name() == "hashtable", must_be_table);
            }
            // Elements are canonical in both encodings (ints as Int).
            for (k, v) in h.iter() {
                let kb = k.to_vec();
                prop_assert_eq!(k, Elem::from_bytes(&kb));
                let vb = v.to_vec();
                prop_assert_eq!(v, Elem::from_bytes(&vb));
            }
            let mut scanned = 0;
            let mut cursor = 0;
            loop {
                cursor = h.scan(cursor, |_, _| scanned += 1);
                if cursor == 0 {
                    break;
                }
            }
            prop_assert_eq!(scanned, m.len());
            let mut got: Vec<(Vec<u8>, Vec<u8>)> =
                h.iter().map(|(k, v)| (k.to_vec(), v.to_vec())).collect();
            got.sort();
            let mut want: Vec<(Vec<u8>, Vec<u8>)> = m.into_iter().collect();
            want.sort();
            prop_assert_eq!(got, want);
        }
    }
}
