//! `Set`: the set type's value — an intset while every member is an integer
//! and there are few, a hash table otherwise, as Redis 7.0's `t_set.c` decides.
//!
//! Redis 7.0 has no listpack sets (they arrived in 7.2): checked against
//! redis-server 7.0.15, `SADD s a` then `OBJECT ENCODING s` answers
//! `hashtable`, `SADD i 1 2 3` answers `intset`. So, as there:
//! - `intset` ([`Intset`]): all members are canonical `i64` strings (string2ll
//!   rules) and there are at most `set-max-intset-entries` (512; values of
//!   2^30 and above act as 2^30, as in Redis);
//! - `hashtable`: a [`Dict`] of members, each a compact [`Bytes`] (inline up
//!   to 22 bytes, so most members cost no allocation of their own).
//!
//! A set starts as an intset (Redis creates it from its first member, which
//! gives the same result) and converts once, never back: when a non-integer is
//! added, or when an add makes it exceed the entry limit.
//!
//! Invariants: an intset-encoded set holds only what [`Intset`] holds; `heap`
//! is the sum of the members' heap bytes. Members are handed out as [`Elem`]s:
//! canonical integers come back as [`Elem::Int`] in both encodings.

use crate::dict::{Dict, Keyed};
use crate::hash::{distinct_from_dict, fair_random};
use crate::intset::Intset;
use crate::listpack::{Elem, OwnedElem, parse_i64, random_index, sample_indexes, shuffle};
use crate::string::Bytes;

/// Conversion threshold (Redis 7.0 default: 512).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SetLimits {
    /// `set-max-intset-entries`.
    pub max_intset_entries: usize,
}

impl Default for SetLimits {
    fn default() -> Self {
        SetLimits {
            max_intset_entries: 512,
        }
    }
}

impl SetLimits {
    /// Redis caps the limit at 2^30 "due to intset internals".
    fn max_entries(&self) -> usize {
        self.max_intset_entries.min(1 << 30)
    }
}

#[derive(Clone)]
struct Member(Bytes);

impl Keyed for Member {
    fn key(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

struct Table {
    dict: Dict<Member>,
    /// Heap bytes owned by members.
    heap: usize,
}

enum Repr {
    Intset(Intset),
    Table(Box<Table>),
}

/// A set value.
pub struct Set {
    repr: Repr,
}

impl Default for Set {
    fn default() -> Self {
        Set::new()
    }
}

impl Set {
    /// An empty set, intset-encoded (no allocation).
    pub fn new() -> Self {
        Set {
            repr: Repr::Intset(Intset::new()),
        }
    }

    /// OBJECT ENCODING: "intset" or "hashtable".
    pub fn encoding_name(&self) -> &'static str {
        match self.repr {
            Repr::Intset(_) => "intset",
            Repr::Table(_) => "hashtable",
        }
    }

    /// Number of members. O(1).
    pub fn len(&self) -> usize {
        match &self.repr {
            Repr::Intset(s) => s.len(),
            Repr::Table(t) => t.dict.len(),
        }
    }

    /// Whether empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Approximate heap bytes owned.
    pub fn mem_usage(&self) -> usize {
        match &self.repr {
            Repr::Intset(s) => s.mem_usage(),
            Repr::Table(t) => std::mem::size_of::<Table>() + t.dict.overhead_bytes() + t.heap,
        }
    }

    /// Adds `member` (SADD); returns whether it was new.
    pub fn add(&mut self, member: &[u8], limits: &SetLimits) -> bool {
        if let Repr::Intset(s) = &mut self.repr {
            match parse_i64(member) {
                Some(v) => {
                    if !s.insert(v) {
                        return false;
                    }
                    if s.len() > limits.max_entries() {
                        self.convert();
                    }
                    return true;
                }
                None => self.convert(),
            }
        }
        match &mut self.repr {
            Repr::Table(t) => {
                if t.dict.contains(member) {
                    return false;
                }
                let m = Member(Bytes::new(member));
                t.heap += m.0.heap_size();
                t.dict.insert_new(m);
                true
            }
            // Converted just above.
            Repr::Intset(_) => false,
        }
    }

    /// Adds an element taken from another collection.
    pub fn add_elem(&mut self, e: Elem<'_>, limits: &SetLimits) -> bool {
        let mut buf = crate::listpack::IntBuf::new();
        self.add(e.as_bytes(&mut buf), limits)
    }

    /// Removes `member` (SREM); returns whether it was present.
    pub fn remove(&mut self, member: &[u8]) -> bool {
        match &mut self.repr {
            Repr::Intset(s) => parse_i64(member).is_some_and(|v| s.remove(v)),
            Repr::Table(t) => match t.dict.remove(member) {
                Some(m) => {
                    t.heap -= m.0.heap_size();
                    // Redis resizes a set's table on delete when mostly empty.
                    t.dict.shrink_if_needed();
                    true
                }
                None => false,
            },
        }
    }

    /// Whether `member` is present (SISMEMBER).
    pub fn contains(&self, member: &[u8]) -> bool {
        match &self.repr {
            Repr::Intset(s) => parse_i64(member).is_some_and(|v| s.contains(v)),
            Repr::Table(t) => t.dict.contains(member),
        }
    }

    /// Converts to the hash-table encoding (no-op if already there).
    pub fn convert(&mut self) {
        let Repr::Intset(s) = &self.repr else {
            return;
        };
        let mut dict = Dict::new();
        let mut buf = crate::listpack::IntBuf::new();
        for v in s.iter() {
            // Decimal forms of i64 are at most 20 bytes: always inline.
            dict.insert_new(Member(Bytes::new(Elem::Int(v).as_bytes(&mut buf))));
        }
        self.repr = Repr::Table(Box::new(Table { dict, heap: 0 }));
    }

    /// Iterates members (ascending for an intset, table order otherwise).
    pub fn iter(&self) -> Iter<'_> {
        match &self.repr {
            Repr::Intset(s) => Iter::Ints(s.iter()),
            Repr::Table(t) => Iter::Table(Box::new(
                t.dict.iter().map(|m| Elem::from_bytes(m.0.as_bytes())),
            )),
        }
    }

    /// One step of SSCAN: calls `f` for some members and returns the next
    /// cursor (0 = done); an intset is returned whole with cursor 0, as Redis.
    pub fn scan(&self, cursor: u64, mut f: impl FnMut(Elem<'_>)) -> u64 {
        match &self.repr {
            Repr::Intset(s) => {
                s.iter().for_each(|v| f(Elem::Int(v)));
                0
            }
            Repr::Table(t) => t.dict.scan(cursor, |m| f(Elem::from_bytes(m.0.as_bytes()))),
        }
    }

    /// Moves a few buckets of a table rehash in progress; returns whether one
    /// is still in progress.
    pub fn rehash_steps(&mut self, steps: usize) -> bool {
        match &mut self.repr {
            Repr::Intset(_) => false,
            Repr::Table(t) => t.dict.rehash_steps(steps),
        }
    }

    /// A random member (SRANDMEMBER without count).
    pub fn random_member(&self, rng: &mut impl FnMut() -> u64) -> Option<Elem<'_>> {
        match &self.repr {
            Repr::Intset(s) => s.random(rng).map(Elem::Int),
            Repr::Table(t) => fair_random(&t.dict, rng).map(|m| Elem::from_bytes(m.0.as_bytes())),
        }
    }

    /// SRANDMEMBER with a negative count: `count` independent picks
    /// (repetitions allowed), handed to `f` in pick order.
    pub fn random_members_with_repetition(
        &self,
        count: usize,
        rng: &mut impl FnMut() -> u64,
        mut f: impl FnMut(Elem<'_>),
    ) {
        if self.is_empty() {
            return;
        }
        for _ in 0..count {
            match self.random_member(rng) {
                Some(e) => f(e),
                None => return,
            }
        }
    }

    /// SRANDMEMBER with a positive count: `min(count, len)` distinct members in
    /// random order (uniform for an intset and for large counts).
    pub fn random_members_distinct(
        &self,
        count: usize,
        rng: &mut impl FnMut() -> u64,
    ) -> Vec<Elem<'_>> {
        let mut out: Vec<Elem<'_>> = match &self.repr {
            Repr::Intset(s) => sample_indexes(s.len(), count, rng)
                .into_iter()
                .filter_map(|i| s.get(i).map(Elem::Int))
                .collect(),
            Repr::Table(t) => distinct_from_dict(&t.dict, count, rng)
                .into_iter()
                .map(|m| Elem::from_bytes(m.0.as_bytes()))
                .collect(),
        };
        shuffle(&mut out, rng);
        out
    }

    /// Removes and returns a random member (SPOP without count).
    pub fn pop_random(&mut self, rng: &mut impl FnMut() -> u64) -> Option<OwnedElem> {
        match &mut self.repr {
            Repr::Intset(s) => {
                let i = random_index(rng, s.len());
                s.remove_at(i).map(OwnedElem::Int)
            }
            Repr::Table(t) => {
                let key = fair_random(&t.dict, rng)?.0.clone();
                let m = t.dict.remove(key.as_bytes())?;
                t.heap -= m.0.heap_size();
                t.dict.shrink_if_needed();
                Some(OwnedElem::from_bytes(m.0.as_bytes()))
            }
        }
    }

    /// SPOP with a count: removes and returns `min(count, len)` distinct random
    /// members. An intset is rebuilt once (O(len)), not shifted per pop.
    pub fn pop_random_many(
        &mut self,
        count: usize,
        rng: &mut impl FnMut() -> u64,
    ) -> Vec<OwnedElem> {
        let count = count.min(self.len());
        if count == 0 {
            return Vec::new();
        }
        match &mut self.repr {
            Repr::Intset(s) => {
                let picks = sample_indexes(s.len(), count, rng);
                let mut out = Vec::with_capacity(count);
                let mut keep = Vec::with_capacity(s.len() - count);
                let mut next = picks.iter().peekable();
                for (i, v) in s.iter().enumerate() {
                    if next.peek() == Some(&&i) {
                        next.next();
                        out.push(OwnedElem::Int(v));
                    } else {
                        keep.push(v);
                    }
                }
                *s = Intset::from_values(keep);
                shuffle(&mut out, rng);
                out
            }
            Repr::Table(_) => (0..count).filter_map(|_| self.pop_random(rng)).collect(),
        }
    }
}

impl Clone for Set {
    fn clone(&self) -> Self {
        let repr = match &self.repr {
            Repr::Intset(s) => Repr::Intset(s.clone()),
            Repr::Table(t) => {
                let mut dict = Dict::new();
                for m in t.dict.iter() {
                    dict.insert_new(m.clone());
                }
                Repr::Table(Box::new(Table { dict, heap: t.heap }))
            }
        };
        Set { repr }
    }
}

impl std::fmt::Debug for Set {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

/// Iterator over a [`Set`]'s members.
pub enum Iter<'a> {
    #[doc(hidden)]
    Ints(crate::intset::Iter<'a>),
    #[doc(hidden)]
    Table(Box<dyn Iterator<Item = Elem<'a>> + 'a>),
}

impl<'a> Iterator for Iter<'a> {
    type Item = Elem<'a>;

    #[inline]
    fn next(&mut self) -> Option<Elem<'a>> {
        match self {
            Iter::Ints(it) => it.next().map(Elem::Int),
            Iter::Table(it) => it.next(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::listpack::SplitMix64;
    use proptest::prelude::*;
    use std::collections::{BTreeSet, HashMap};

    fn lim(n: usize) -> SetLimits {
        SetLimits {
            max_intset_entries: n,
        }
    }

    #[test]
    fn sizes() {
        assert_eq!(std::mem::size_of::<Set>(), 16);
    }

    #[test]
    fn encodings_follow_redis_7_0() {
        let l = SetLimits::default();
        let mut s = Set::new();
        assert!(s.add(b"1", &l));
        assert!(s.add(b"-5", &l));
        assert!(!s.add(b"1", &l));
        assert_eq!(s.encoding_name(), "intset");
        // Non-canonical integers are strings.
        assert!(s.add(b"007", &l));
        assert_eq!(s.encoding_name(), "hashtable");
        assert!(s.contains(b"1"));
        assert!(s.contains(b"007"));
        assert!(!s.contains(b"7"));
        let mut s = Set::new();
        for i in 0..512 {
            s.add(i.to_string().as_bytes(), &l);
        }
        assert_eq!(s.encoding_name(), "intset");
        s.add(b"512", &l);
        assert_eq!(s.encoding_name(), "hashtable");
        assert_eq!(s.len(), 513);
        for i in 0..513 {
            assert!(s.remove(i.to_string().as_bytes()));
        }
        assert!(s.is_empty());
        assert_eq!(s.encoding_name(), "hashtable");
    }

    #[test]
    fn random_and_pop() {
        let mut r = SplitMix64::new(11);
        let mut rng = move || r.next_u64();
        for (l, words) in [(lim(512), false), (lim(512), true), (lim(4), false)] {
            let mut s = Set::new();
            assert_eq!(s.random_member(&mut rng), None);
            assert_eq!(s.pop_random(&mut rng), None);
            let items: Vec<Vec<u8>> = (0..40)
                .map(|i| {
                    if words {
                        format!("m{i}").into_bytes()
                    } else {
                        i.to_string().into_bytes()
                    }
                })
                .collect();
            for it in &items {
                s.add(it, &l);
            }
            let mut hits: HashMap<Vec<u8>, usize> = HashMap::new();
            s.random_members_with_repetition(4000, &mut rng, |e| {
                *hits.entry(e.to_vec()).or_default() += 1;
            });
            assert_eq!(hits.len(), 40);
            assert!(hits.values().all(|&c| (40..=200).contains(&c)), "{hits:?}");
            for count in [0usize, 1, 5, 13, 14, 39, 40, 100] {
                let got: BTreeSet<Vec<u8>> = s
                    .random_members_distinct(count, &mut rng)
                    .into_iter()
                    .map(Elem::to_vec)
                    .collect();
                assert_eq!(got.len(), count.min(40));
                assert!(got.iter().all(|m| s.contains(m)));
            }
            let popped = s.pop_random_many(15, &mut rng);
            assert_eq!(popped.len(), 15);
            assert_eq!(s.len(), 25);
            for p in popped {
                assert!(!s.contains(&p.into_vec()));
            }
            let one = s.pop_random(&mut rng).expect("non-empty").into_vec();
            assert!(!s.contains(&one));
            let rest = s.pop_random_many(100, &mut rng);
            assert_eq!(rest.len(), 24);
            assert!(s.is_empty());
        }
    }

    #[test]
    fn table_random_member_is_uniform() {
        // Chi-square over 1000 members and 200 000 draws: with 999 degrees of
        // freedom the statistic is 999 ± 45; a bucket-then-chain pick (Redis's
        // plain dictGetRandomKey) lands far above 1200.
        let l = lim(0);
        let mut s = Set::new();
        for i in 0..1000 {
            s.add(format!("member:{i}").as_bytes(), &l);
        }
        let mut r = SplitMix64::new(99);
        let mut rng = move || r.next_u64();
        let mut hits: HashMap<Vec<u8>, f64> = HashMap::new();
        let draws = 200_000;
        s.random_members_with_repetition(draws, &mut rng, |e| {
            *hits.entry(e.to_vec()).or_default() += 1.0;
        });
        let expected = draws as f64 / 1000.0;
        let chi: f64 = (0..1000)
            .map(|i| {
                let o = hits
                    .get(format!("member:{i}").as_bytes())
                    .copied()
                    .unwrap_or(0.0);
                (o - expected).powi(2) / expected
            })
            .sum();
        assert!(chi < 1200.0, "chi-square {chi}");
    }

    #[derive(Debug, Clone)]
    enum Op {
        Add(Vec<u8>),
        Rem(Vec<u8>),
        Has(Vec<u8>),
        Pop(u64),
        PopMany(usize, u64),
    }

    fn member() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            6 => (-20i64..20).prop_map(|v| v.to_string().into_bytes()),
            1 => any::<i64>().prop_map(|v| v.to_string().into_bytes()),
            1 => prop::sample::select(vec![&b"a"[..], b"b", b"-0", b"01", b""]).prop_map(|b| b.to_vec()),
        ]
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            5 => member().prop_map(Op::Add),
            2 => member().prop_map(Op::Rem),
            2 => member().prop_map(Op::Has),
            1 => any::<u64>().prop_map(Op::Pop),
            1 => (0usize..5, any::<u64>()).prop_map(|(n, s)| Op::PopMany(n, s)),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        #[test]
        fn set_matches_btreeset(max in 0usize..12, ops in prop::collection::vec(op(), 0..120)) {
            let l = lim(max);
            let mut s = Set::new();
            let mut m: BTreeSet<Vec<u8>> = BTreeSet::new();
            let mut must_be_table = false;
            for op in ops {
                match op {
                    Op::Add(v) => {
                        must_be_table |= parse_i64(&v).is_none();
                        prop_assert_eq!(s.add(&v, &l), m.insert(v));
                    }
                    Op::Rem(v) => prop_assert_eq!(s.remove(&v), m.remove(&v)),
                    Op::Has(v) => prop_assert_eq!(s.contains(&v), m.contains(&v)),
                    Op::Pop(seed) => {
                        let mut r = SplitMix64::new(seed);
                        match s.pop_random(&mut || r.next_u64()) {
                            Some(e) => prop_assert!(m.remove(&e.into_vec())),
                            None => prop_assert!(m.is_empty()),
                        }
                    }
                    Op::PopMany(n, seed) => {
                        let mut r = SplitMix64::new(seed);
                        let got = s.pop_random_many(n, &mut || r.next_u64());
                        prop_assert_eq!(got.len(), n.min(m.len()));
                        for e in got {
                            prop_assert!(m.remove(&e.into_vec()));
                        }
                    }
                }
                must_be_table |= m.len() > max;
                prop_assert_eq!(s.len(), m.len());
                prop_assert_eq!(s.encoding_name() == "hashtable", must_be_table);
            }
            for e in s.iter() {
                let eb = e.to_vec();
                prop_assert_eq!(e, Elem::from_bytes(&eb));
            }
            let got: BTreeSet<Vec<u8>> = s.iter().map(Elem::to_vec).collect();
            prop_assert_eq!(got, m);
        }
    }
}
