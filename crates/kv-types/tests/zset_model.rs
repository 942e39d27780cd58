//! `SortedSet` against a simple model (`BTreeMap<member, score>`, sorted by
//! (score, member) on demand) over random operation sequences, with tiny
//! encoding limits so that sets cross the small → large conversion (and back,
//! through `convert_to_small_if_fits`) all the time. Every observable result is
//! compared: add outcomes, scores, ranks, ranges by index/score/lex with
//! offsets and limits in both directions, counts, removals, pops, random
//! members, ZSCAN and the encoding Redis would report.

use kv_types::score::{LexBound, LexRange, ScoreBound, ScoreRange};
use kv_types::zset::{AddError, AddFlags, AddOutcome, Limits, SortedSet};
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

type Model = BTreeMap<Vec<u8>, f64>;

fn sorted(m: &Model) -> Vec<(Vec<u8>, f64)> {
    let mut v: Vec<_> = m.iter().map(|(k, &s)| (k.clone(), s)).collect();
    v.sort_by(|a, b| {
        a.1.partial_cmp(&b.1)
            .expect("model holds no NaN") // the model never stores NaN
            .then(a.0.cmp(&b.0))
    });
    v
}

fn owned<'a>(it: impl Iterator<Item = (&'a [u8], f64)>) -> Vec<(Vec<u8>, f64)> {
    it.map(|(m, s)| (m.to_vec(), s)).collect()
}

/// Redis's index normalisation, written independently of the crate's.
fn model_index(start: i64, stop: i64, len: usize) -> Vec<usize> {
    let l = len as i64;
    let mut s = if start < 0 { l + start } else { start };
    let mut e = if stop < 0 { l + stop } else { stop };
    if s < 0 {
        s = 0;
    }
    if e >= l {
        e = l - 1;
    }
    if s > e || s >= l {
        return Vec::new();
    }
    (s as usize..=e as usize).collect()
}

#[derive(Debug, Clone)]
enum Op {
    Add(u8, f64, AddFlags),
    Remove(u8),
    RemRangeIndex(i64, i64),
    RemRangeScore(ScoreRange),
    RemRangeLex(u8, u8, u8),
    PopMin(usize),
    PopMax(usize),
    ShrinkIfFits,
    Query(
        u8,
        i64,
        i64,
        ScoreRange,
        (u8, u8, u8),
        bool,
        usize,
        Option<usize>,
    ),
}

/// Members of lengths 0..=9 so that some exceed the value limit.
fn member(n: u8) -> Vec<u8> {
    let len = (n % 10) as usize;
    let mut v = vec![b'a' + (n / 10) % 26; len];
    if let Some(last) = v.last_mut() {
        *last = b'a' + n % 26;
    }
    v
}

fn score(lex_mode: bool) -> BoxedStrategy<f64> {
    if lex_mode {
        Just(0.0).boxed()
    } else {
        prop_oneof![
            8 => (-6i32..6).prop_map(|x| f64::from(x) / 2.0),
            1 => Just(-0.0),
            1 => Just(f64::INFINITY),
            1 => Just(f64::NEG_INFINITY),
        ]
        .boxed()
    }
}

fn flags() -> impl Strategy<Value = AddFlags> {
    // Only the combinations ZADD accepts.
    (0u8..6, any::<bool>(), any::<bool>()).prop_map(|(c, xx, incr)| {
        let (nx, gt, lt) = match c {
            0 => (true, false, false),
            1 => (false, true, false),
            2 => (false, false, true),
            _ => (false, false, false),
        };
        AddFlags {
            nx,
            xx: xx && !nx,
            gt,
            lt,
            incr,
        }
    })
}

fn bound(lex_mode: bool) -> impl Strategy<Value = ScoreBound> {
    (score(lex_mode), any::<bool>()).prop_map(|(value, exclusive)| ScoreBound { value, exclusive })
}

fn range(lex_mode: bool) -> impl Strategy<Value = ScoreRange> {
    (bound(lex_mode), bound(lex_mode)).prop_map(|(min, max)| ScoreRange { min, max })
}

/// Lex bound from (kind, member): -, +, [m, (m.
fn lex_bound(kind: u8, m: &[u8]) -> LexBound<'_> {
    match kind % 4 {
        0 => LexBound::NegInf,
        1 => LexBound::PosInf,
        2 => LexBound::Inclusive(m),
        _ => LexBound::Exclusive(m),
    }
}

fn op(lex_mode: bool) -> impl Strategy<Value = Op> {
    prop_oneof![
        10 => (any::<u8>(), score(lex_mode), flags()).prop_map(|(m, s, f)| Op::Add(m % 120, s, f)),
        3 => any::<u8>().prop_map(|m| Op::Remove(m % 120)),
        1 => (-12i64..12, -12i64..12).prop_map(|(a, b)| Op::RemRangeIndex(a, b)),
        1 => range(lex_mode).prop_map(Op::RemRangeScore),
        1 => (any::<u8>(), any::<u8>(), any::<u8>()).prop_map(|(k, a, b)| Op::RemRangeLex(k, a % 120, b % 120)),
        1 => (0usize..5).prop_map(Op::PopMin),
        1 => (0usize..5).prop_map(Op::PopMax),
        1 => Just(Op::ShrinkIfFits),
        6 => (
            any::<u8>(),
            -15i64..15,
            -15i64..15,
            range(lex_mode),
            (any::<u8>(), any::<u8>(), any::<u8>()),
            any::<bool>(),
            0usize..6,
            prop::option::of(0usize..6),
        )
            .prop_map(|(m, a, b, r, lx, rev, off, lim)| {
                Op::Query(m % 120, a, b, r, (lx.0, lx.1 % 120, lx.2 % 120), rev, off, lim)
            }),
    ]
}

struct Harness {
    z: SortedSet,
    m: Model,
    limits: Limits,
    /// The encoding Redis would report, tracked by its rules.
    small: bool,
    rng: u64,
}

impl Harness {
    fn random(&mut self) -> u64 {
        // xorshift64*: deterministic per case.
        self.rng ^= self.rng >> 12;
        self.rng ^= self.rng << 25;
        self.rng ^= self.rng >> 27;
        self.rng.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn add(&mut self, k: &[u8], s: f64, f: AddFlags) -> Result<(), TestCaseError> {
        let got = self.z.add(k, s, f, &self.limits);
        let want = match self.m.get(k).copied() {
            None if f.xx => Ok(AddOutcome::Skipped),
            None => {
                if self.small
                    && (self.m.len() + 1 > self.limits.max_listpack_entries
                        || k.len() > self.limits.max_listpack_value)
                {
                    self.small = false;
                }
                self.m.insert(k.to_vec(), s);
                Ok(AddOutcome::Added(s))
            }
            Some(_) if f.nx => Ok(AddOutcome::Skipped),
            Some(cur) => {
                let new = if f.incr { s + cur } else { s };
                if new.is_nan() {
                    Err(AddError::NotANumber)
                } else if (f.lt && new >= cur) || (f.gt && new <= cur) {
                    Ok(AddOutcome::Skipped)
                } else if new == cur {
                    Ok(AddOutcome::Unchanged(new))
                } else {
                    self.m.insert(k.to_vec(), new);
                    Ok(AddOutcome::Updated(new))
                }
            }
        };
        prop_assert_eq!(got, want);
        Ok(())
    }

    fn lex<'a>(&self, (kind, a, _): (u8, u8, u8), ma: &'a [u8], mb: &'a [u8]) -> LexRange<'a> {
        LexRange {
            min: lex_bound(kind, ma),
            max: lex_bound(kind / 4 + a % 3, mb),
        }
    }

    fn all_scores_equal(&self) -> bool {
        let mut it = self.m.values();
        let first = it.next();
        it.all(|s| Some(s) == first)
    }

    fn check(&mut self, op: &Op) -> Result<(), TestCaseError> {
        let want = sorted(&self.m);
        prop_assert_eq!(self.z.len(), want.len());
        prop_assert_eq!(
            self.z.encoding_name(),
            if self.small { "listpack" } else { "skiplist" }
        );
        if let Op::Query(k, a, b, r, lx, rev, off, lim) = op {
            let k = member(*k);
            prop_assert_eq!(self.z.score(&k), self.m.get(&k).copied());
            let rank = want.iter().position(|e| e.0 == k);
            prop_assert_eq!(self.z.rank(&k, false), rank);
            prop_assert_eq!(self.z.rank(&k, true), rank.map(|r| want.len() - 1 - r));
            // By index, both directions.
            let idx = model_index(*a, *b, want.len());
            let fwd: Vec<_> = idx.iter().map(|&i| want[i].clone()).collect();
            prop_assert_eq!(owned(self.z.range_by_index(*a, *b, false)), fwd);
            let mut rev_all = want.clone();
            rev_all.reverse();
            let bwd: Vec<_> = idx.iter().map(|&i| rev_all[i].clone()).collect();
            prop_assert_eq!(owned(self.z.range_by_index(*a, *b, true)), bwd);
            for (i, e) in want.iter().enumerate() {
                prop_assert_eq!(self.z.get_by_rank(i, false), Some((&e.0[..], e.1)));
            }
            prop_assert_eq!(self.z.get_by_rank(want.len(), false), None);
            // By score, with LIMIT.
            let mut in_range: Vec<_> = want.iter().filter(|e| r.contains(e.1)).cloned().collect();
            prop_assert_eq!(self.z.count_in_score_range(r), in_range.len());
            if *rev {
                in_range.reverse();
            }
            let page: Vec<_> = in_range
                .iter()
                .skip(*off)
                .take(lim.unwrap_or(usize::MAX))
                .cloned()
                .collect();
            let got = self.z.range_by_score(r, *rev, *off, *lim);
            prop_assert_eq!(got.len(), page.len());
            prop_assert_eq!(owned(got), page);
            // By lex: defined when all scores are equal.
            if self.all_scores_equal() {
                let (ma, mb) = (member(lx.1), member(lx.2));
                let lr = self.lex(*lx, &ma, &mb);
                let mut in_lex: Vec<_> =
                    want.iter().filter(|e| lr.contains(&e.0)).cloned().collect();
                prop_assert_eq!(self.z.count_in_lex_range(&lr), in_lex.len());
                if *rev {
                    in_lex.reverse();
                }
                let page: Vec<_> = in_lex
                    .iter()
                    .skip(*off)
                    .take(lim.unwrap_or(usize::MAX))
                    .cloned()
                    .collect();
                prop_assert_eq!(owned(self.z.range_by_lex(&lr, *rev, *off, *lim)), page);
            }
            // Random members.
            let mut rng = self.rng;
            let mut next = || {
                rng ^= rng << 13;
                rng ^= rng >> 7;
                rng ^= rng << 17;
                rng
            };
            let count = (*a).unsigned_abs() as usize;
            let picks = owned(self.z.random_members(count, &mut next).into_iter());
            prop_assert_eq!(picks.len(), count.min(want.len()));
            let distinct: BTreeSet<_> = picks.iter().map(|e| e.0.clone()).collect();
            prop_assert_eq!(distinct.len(), picks.len());
            for (m, s) in &picks {
                prop_assert_eq!(self.m.get(m), Some(s));
            }
            if count >= want.len() {
                prop_assert_eq!(picks, rev_all);
            }
            let mut sampler = self.z.sampler();
            for _ in 0..3 {
                match sampler.pick(&mut next) {
                    Some((m, s)) => prop_assert_eq!(self.m.get(m), Some(&s)),
                    None => prop_assert!(want.is_empty()),
                }
            }
            if let Some((m, s)) = self.z.random_member(&mut next) {
                prop_assert_eq!(self.m.get(m), Some(&s));
            } else {
                prop_assert!(want.is_empty());
            }
            // ZSCAN visits everything.
            let mut seen = BTreeMap::new();
            let mut cursor = 0;
            loop {
                cursor = self.z.scan(cursor, |m, s| {
                    seen.insert(m.to_vec(), s);
                });
                if cursor == 0 {
                    break;
                }
            }
            prop_assert_eq!(&seen, &self.m);
        }
        Ok(())
    }

    fn apply(&mut self, op: &Op) -> Result<(), TestCaseError> {
        match op {
            Op::Add(k, s, f) => self.add(&member(*k), *s, *f)?,
            Op::Remove(k) => {
                let k = member(*k);
                prop_assert_eq!(self.z.remove(&k), self.m.remove(&k));
            }
            Op::RemRangeIndex(a, b) => {
                let want = sorted(&self.m);
                let idx = model_index(*a, *b, want.len());
                for &i in &idx {
                    self.m.remove(&want[i].0);
                }
                prop_assert_eq!(self.z.remove_range_by_index(*a, *b), idx.len());
            }
            Op::RemRangeScore(r) => {
                let before = self.m.len();
                self.m.retain(|_, s| !r.contains(*s));
                prop_assert_eq!(self.z.remove_range_by_score(r), before - self.m.len());
            }
            Op::RemRangeLex(kind, a, b) => {
                if self.all_scores_equal() {
                    let (ma, mb) = (member(*a), member(*b));
                    let lr = self.lex((*kind, *a, *b), &ma, &mb);
                    let before = self.m.len();
                    self.m.retain(|k, _| !lr.contains(k));
                    prop_assert_eq!(self.z.remove_range_by_lex(&lr), before - self.m.len());
                }
            }
            Op::PopMin(n) => {
                let want: Vec<_> = sorted(&self.m).into_iter().take(*n).collect();
                for (k, _) in &want {
                    self.m.remove(k);
                }
                let got: Vec<_> = self
                    .z
                    .pop_min(*n)
                    .into_iter()
                    .map(|(k, s)| (k.as_bytes().to_vec(), s))
                    .collect();
                prop_assert_eq!(got, want);
            }
            Op::PopMax(n) => {
                let want: Vec<_> = sorted(&self.m).into_iter().rev().take(*n).collect();
                for (k, _) in &want {
                    self.m.remove(k);
                }
                let got: Vec<_> = self
                    .z
                    .pop_max(*n)
                    .into_iter()
                    .map(|(k, s)| (k.as_bytes().to_vec(), s))
                    .collect();
                prop_assert_eq!(got, want);
            }
            Op::ShrinkIfFits => {
                let fits = self.m.len() <= self.limits.max_listpack_entries
                    && self
                        .m
                        .keys()
                        .all(|k| k.len() <= self.limits.max_listpack_value);
                let small = self.z.convert_to_small_if_fits(&self.limits);
                prop_assert_eq!(small, self.small || fits);
                self.small = small;
            }
            Op::Query(..) => {}
        }
        Ok(())
    }
}

fn run(
    entries: usize,
    value: usize,
    first: u8,
    ops: &[Op],
    seed: u64,
) -> Result<(), TestCaseError> {
    let limits = Limits {
        max_listpack_entries: entries,
        max_listpack_value: value,
    };
    // Created as ZADD creates a key: from its first member's length.
    let z = SortedSet::new(&limits, 1, member(first).len());
    let mut h = Harness {
        small: z.is_small(),
        z,
        m: Model::new(),
        limits,
        rng: seed | 1,
    };
    prop_assert_eq!(h.small, entries > 0 && member(first).len() <= value);
    for op in ops {
        h.apply(op)?;
        h.check(op)?;
        let _ = h.random();
    }
    // A clone is equal and independent.
    let c = h.z.clone();
    prop_assert_eq!(owned(c.iter()), owned(h.z.iter()));
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn scores_model(
        entries in 0usize..8,
        value in 0usize..10,
        first in any::<u8>(),
        ops in prop::collection::vec(op(false), 1..200),
        seed in any::<u64>(),
    ) {
        run(entries, value, first % 120, &ops, seed)?;
    }

    #[test]
    fn lex_model(
        entries in 0usize..8,
        value in 0usize..10,
        first in any::<u8>(),
        ops in prop::collection::vec(op(true), 1..200),
        seed in any::<u64>(),
    ) {
        run(entries, value, first % 120, &ops, seed)?;
    }

    #[test]
    fn big_sets_model(
        ops in prop::collection::vec(op(false), 200..1500),
        seed in any::<u64>(),
    ) {
        // Default-sized limits and long sequences: deep trees and conversions.
        run(16, 64, 0, &ops, seed)?;
    }
}
