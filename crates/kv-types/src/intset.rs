//! Intset: a sorted array of distinct integers stored at the narrowest width
//! that fits them all (16, 32 or 64 bits), searched by binary search.
//!
//! Mirrors Redis 7.0's `intset.c`: the encoding of sets whose members are all
//! integers while there are at most `set-max-intset-entries` (512) of them. As
//! in Redis, the width is upgraded when a value that does not fit arrives (such a
//! value is necessarily below the minimum or above the maximum, so it goes to an
//! end) and is never downgraded.
//!
//! Layout: one exact-size allocation `[width: u8][value LE; len]` (Redis uses an
//! 8-byte header); an empty intset owns no allocation and has width 2.
//!
//! Invariants: values strictly ascending; width ∈ {2, 4, 8}; the buffer is
//! empty or `1 + len * width` bytes; every value fits the width.

use crate::listpack::{make_gap, random_index};

/// A sorted set of `i64`s in a compact array.
#[derive(Clone, Default)]
pub struct Intset {
    buf: Box<[u8]>,
}

/// The narrowest width (in bytes) that holds `v`.
#[inline]
fn width_for(v: i64) -> usize {
    if i16::try_from(v).is_ok() {
        2
    } else if i32::try_from(v).is_ok() {
        4
    } else {
        8
    }
}

#[inline]
fn read(data: &[u8], w: usize, i: usize) -> i64 {
    let at = i * w;
    // Callers pass i < len, so the slices below are in range; the fallback 0
    // is unreachable but keeps this free of panics.
    match w {
        2 => data
            .get(at..at + 2)
            .and_then(|b| b.try_into().ok())
            .map_or(0, |b| i64::from(i16::from_le_bytes(b))),
        4 => data
            .get(at..at + 4)
            .and_then(|b| b.try_into().ok())
            .map_or(0, |b| i64::from(i32::from_le_bytes(b))),
        _ => data
            .get(at..at + 8)
            .and_then(|b| b.try_into().ok())
            .map_or(0, i64::from_le_bytes),
    }
}

#[inline]
fn write(out: &mut [u8], w: usize, v: i64) {
    // `v` fits `w` bytes (the caller upgraded the width first), so the low
    // bytes of its little-endian form are its `w`-byte form.
    if let Some(o) = out.get_mut(..w) {
        o.copy_from_slice(&v.to_le_bytes()[..w]);
    }
}

impl Intset {
    /// An empty intset (no allocation).
    pub fn new() -> Self {
        Intset::default()
    }

    /// Bytes per value: 2, 4 or 8 (Redis's INTSET_ENC_INT16/32/64).
    #[inline]
    pub fn width(&self) -> usize {
        match self.buf.first() {
            Some(&w @ (4 | 8)) => usize::from(w),
            _ => 2,
        }
    }

    #[inline]
    fn data(&self) -> &[u8] {
        self.buf.get(1..).unwrap_or(&[])
    }

    /// Number of values. O(1).
    #[inline]
    pub fn len(&self) -> usize {
        self.data().len() / self.width()
    }

    /// Whether empty.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    /// Heap bytes owned (allocation is exact).
    pub fn mem_usage(&self) -> usize {
        self.buf.len()
    }

    /// The value at sorted position `i`.
    #[inline]
    pub fn get(&self, i: usize) -> Option<i64> {
        (i < self.len()).then(|| read(self.data(), self.width(), i))
    }

    /// Smallest value.
    pub fn min(&self) -> Option<i64> {
        self.get(0)
    }

    /// Largest value.
    pub fn max(&self) -> Option<i64> {
        self.len().checked_sub(1).and_then(|i| self.get(i))
    }

    /// `Ok(position)` if present, else `Err(insertion position)`.
    pub fn search(&self, v: i64) -> Result<usize, usize> {
        let w = self.width();
        let data = self.data();
        let len = self.len();
        if len == 0 {
            return Err(0);
        }
        // Appending ascending values is the common bulk-load pattern: check the
        // ends first, as Redis does, before bisecting.
        if v > read(data, w, len - 1) {
            return Err(len);
        }
        if v < read(data, w, 0) {
            return Err(0);
        }
        let (mut lo, mut hi) = (0usize, len);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            let x = read(data, w, mid);
            if x == v {
                return Ok(mid);
            } else if x < v {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        Err(lo)
    }

    /// Whether `v` is present. O(log n).
    #[inline]
    pub fn contains(&self, v: i64) -> bool {
        self.search(v).is_ok()
    }

    /// Adds `v`; returns whether it was new. O(n) (memmove + one realloc).
    pub fn insert(&mut self, v: i64) -> bool {
        let w = self.width();
        if width_for(v) > w {
            self.upgrade_and_add(v);
            return true;
        }
        let Err(pos) = self.search(v) else {
            return false;
        };
        let mut buf = Vec::from(std::mem::take(&mut self.buf));
        if buf.is_empty() {
            buf.push(w as u8);
        }
        let at = 1 + pos * w;
        make_gap(&mut buf, at, 0, w, 0);
        if let Some(out) = buf.get_mut(at..) {
            write(out, w, v);
        }
        self.buf = buf.into_boxed_slice();
        true
    }

    /// Rebuilds at the width `v` needs; `v` is outside the current range, so it
    /// goes first (negative) or last (positive).
    fn upgrade_and_add(&mut self, v: i64) {
        let nw = width_for(v);
        let len = self.len();
        let mut out = Vec::with_capacity(1 + (len + 1) * nw);
        out.push(nw as u8);
        let mut tmp = [0u8; 8];
        let mut put = |out: &mut Vec<u8>, x: i64| {
            write(&mut tmp, nw, x);
            out.extend_from_slice(&tmp[..nw]);
        };
        if v < 0 {
            put(&mut out, v);
        }
        for x in self.iter() {
            put(&mut out, x);
        }
        if v >= 0 {
            put(&mut out, v);
        }
        self.buf = out.into_boxed_slice();
    }

    /// Removes `v`; returns whether it was present. The width is kept.
    pub fn remove(&mut self, v: i64) -> bool {
        match self.search(v) {
            Ok(pos) => {
                self.remove_at(pos);
                true
            }
            Err(_) => false,
        }
    }

    /// Removes and returns the value at position `i`.
    pub fn remove_at(&mut self, i: usize) -> Option<i64> {
        let v = self.get(i)?;
        if self.len() == 1 {
            self.buf = Box::default();
            return Some(v);
        }
        let w = self.width();
        let mut buf = Vec::from(std::mem::take(&mut self.buf));
        make_gap(&mut buf, 1 + i * w, w, 0, 0);
        self.buf = buf.into_boxed_slice();
        Some(v)
    }

    /// A uniformly random value (`rng` yields random 64-bit words).
    pub fn random(&self, rng: &mut impl FnMut() -> u64) -> Option<i64> {
        self.get(random_index(rng, self.len()))
    }

    /// Ascending iterator (double-ended).
    pub fn iter(&self) -> Iter<'_> {
        Iter {
            data: self.data(),
            w: self.width(),
            front: 0,
            back: self.len(),
        }
    }

    /// Builds from values (any order, duplicates allowed).
    pub fn from_values(values: impl IntoIterator<Item = i64>) -> Self {
        let mut v: Vec<i64> = values.into_iter().collect();
        v.sort_unstable();
        v.dedup();
        let Some(w) = v.iter().map(|&x| width_for(x)).max() else {
            return Intset::new();
        };
        let mut out = Vec::with_capacity(1 + v.len() * w);
        out.push(w as u8);
        for x in v {
            out.extend_from_slice(&x.to_le_bytes()[..w]);
        }
        Intset {
            buf: out.into_boxed_slice(),
        }
    }
}

impl PartialEq for Intset {
    fn eq(&self, other: &Self) -> bool {
        // Same values, whatever the widths (a width is never downgraded).
        self.iter().eq(other.iter())
    }
}

impl Eq for Intset {}

impl std::fmt::Debug for Intset {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

/// Iterator over an [`Intset`], ascending.
#[derive(Clone)]
pub struct Iter<'a> {
    data: &'a [u8],
    w: usize,
    front: usize,
    back: usize,
}

impl Iterator for Iter<'_> {
    type Item = i64;

    #[inline]
    fn next(&mut self) -> Option<i64> {
        (self.front < self.back).then(|| {
            self.front += 1;
            read(self.data, self.w, self.front - 1)
        })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.back - self.front;
        (n, Some(n))
    }
}

impl DoubleEndedIterator for Iter<'_> {
    fn next_back(&mut self) -> Option<i64> {
        (self.front < self.back).then(|| {
            self.back -= 1;
            read(self.data, self.w, self.back)
        })
    }
}

impl ExactSizeIterator for Iter<'_> {}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeSet;

    #[test]
    fn upgrades_and_keeps_order() {
        let mut s = Intset::new();
        assert_eq!(s.mem_usage(), 0);
        assert!(s.insert(5));
        assert!(s.insert(-3));
        assert!(!s.insert(5));
        assert_eq!(s.width(), 2);
        assert_eq!(s.mem_usage(), 1 + 2 * 2);
        assert!(s.insert(70_000));
        assert_eq!(s.width(), 4);
        assert!(s.insert(-(1 << 40)));
        assert_eq!(s.width(), 8);
        assert_eq!(
            s.iter().collect::<Vec<_>>(),
            vec![-(1 << 40), -3, 5, 70_000]
        );
        assert!(s.remove(70_000));
        assert!(!s.remove(70_000));
        // Never downgraded, like Redis.
        assert_eq!(s.width(), 8);
        assert_eq!(s.min(), Some(-(1 << 40)));
        assert_eq!(s.max(), Some(5));
        assert!(s.contains(-3));
        assert_eq!(s.remove_at(0), Some(-(1 << 40)));
        assert_eq!(s.remove_at(5), None);
        assert_eq!(s.iter().rev().collect::<Vec<_>>(), vec![5, -3]);
    }

    #[test]
    fn extremes() {
        let s = Intset::from_values([i64::MAX, i64::MIN, 0, i64::MIN]);
        assert_eq!(s.len(), 3);
        assert_eq!(s.iter().collect::<Vec<_>>(), vec![i64::MIN, 0, i64::MAX]);
        let mut r = crate::listpack::SplitMix64::new(3);
        assert!(s.contains(s.random(&mut || r.next_u64()).expect("non-empty")));
        assert_eq!(Intset::new().random(&mut || 0), None);
    }

    proptest! {
        #[test]
        fn matches_btreeset(ops in prop::collection::vec(
            (0u8..3, prop_oneof![
                -300i64..300,
                any::<i16>().prop_map(i64::from),
                any::<i32>().prop_map(i64::from),
                any::<i64>(),
            ]), 0..200)) {
            let mut s = Intset::new();
            let mut m = BTreeSet::new();
            for (kind, v) in ops {
                match kind {
                    0 | 1 => prop_assert_eq!(s.insert(v), m.insert(v)),
                    _ => prop_assert_eq!(s.remove(v), m.remove(&v)),
                }
                prop_assert_eq!(s.contains(v), m.contains(&v));
                prop_assert_eq!(s.len(), m.len());
            }
            prop_assert!(s.iter().eq(m.iter().copied()));
            prop_assert!(s.iter().rev().eq(m.iter().rev().copied()));
            let w = m.iter().map(|&x| width_for(x)).max().unwrap_or(2);
            prop_assert!(s.width() >= w);
            prop_assert_eq!(Intset::from_values(m.iter().copied()).iter().collect::<Vec<_>>(),
                s.iter().collect::<Vec<_>>());
        }
    }
}
