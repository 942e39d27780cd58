//! The two sorts Redis's replies depend on, so that kv orders equal keys (and
//! the odd inconsistent comparison, such as a NaN distance) exactly as Redis
//! does: glibc's `qsort`, which is a top-down merge sort ([`msort`]), and
//! Redis's `pqsort` (pqsort.c), a Bentley–McIlroy quicksort that only sorts
//! the partitions overlapping a wanted range ([`pqsort`]).
//!
//! Comparators are C comparators: `Less`/`Equal`/`Greater` stand for a
//! negative, zero or positive result, and nothing assumes they are
//! consistent. Merge sort is stable; pqsort is not, and its order of equal
//! elements is part of what SORT ... LIMIT and GEOSEARCH ... COUNT return.
//! Both were checked against pqsort.c and glibc 2.36's qsort on random arrays
//! full of ties: the same permutation every time.

use std::cmp::Ordering;

/// glibc's qsort (msort_with_tmp): halves of `n / 2` and the rest, sorted
/// recursively, merged taking from the left half while it compares `<= 0`.
pub fn msort<T>(v: &mut [T], mut cmp: impl FnMut(&T, &T) -> Ordering) {
    if v.len() < 2 {
        return;
    }
    // Sort positions, then move the elements once (glibc also sorts
    // pointers for large elements; the comparisons are the same).
    let mut order: Vec<usize> = (0..v.len()).collect();
    let mut tmp = vec![0usize; v.len()];
    merge_sort(&mut order, &mut tmp, &mut |a, b| cmp(&v[a], &v[b]));
    permute(v, order);
}

fn merge_sort(b: &mut [usize], tmp: &mut [usize], cmp: &mut impl FnMut(usize, usize) -> Ordering) {
    let n = b.len();
    if n <= 1 {
        return;
    }
    let n1 = n / 2;
    let (b1, b2) = b.split_at_mut(n1);
    merge_sort(b1, tmp, cmp);
    merge_sort(b2, tmp, cmp);
    let (mut i, mut j, mut k) = (0, 0, 0);
    while i < b1.len() && j < b2.len() {
        if cmp(b1[i], b2[j]) != Ordering::Greater {
            tmp[k] = b1[i];
            i += 1;
        } else {
            tmp[k] = b2[j];
            j += 1;
        }
        k += 1;
    }
    // What is left of the right half is already in place.
    let rest = b1.len() - i;
    tmp[k..k + rest].copy_from_slice(&b1[i..]);
    k += rest;
    b[..k].copy_from_slice(&tmp[..k]);
}

/// Rearranges `v` so that position `i` holds what was at `order[i]`.
fn permute<T>(v: &mut [T], mut order: Vec<usize>) {
    for i in 0..v.len() {
        // Follow the cycle starting at i, swapping each element into place.
        let mut current = i;
        while order[current] != i {
            let next = order[current];
            v.swap(current, next);
            order[current] = current;
            current = next;
        }
        order[current] = current;
    }
}

/// Redis's pqsort: sorts `v` enough that positions `lrange..=rrange` hold what
/// a full sort would put there (in pqsort's own order among equal elements);
/// partitions entirely outside that range are left unsorted. The bounds are
/// signed because SORT passes an empty range as `start, start - 1`, which
/// Redis's pointer arithmetic handles the same way.
pub fn pqsort<T>(v: &mut [T], lrange: i64, rrange: i64, mut cmp: impl FnMut(&T, &T) -> Ordering) {
    let n = v.len();
    partial_quicksort(v, 0, n, lrange, rrange, &mut cmp);
}

/// Whether the partition `start..start + n` overlaps the wanted positions:
/// Redis skips it when both ends of the range lie before it or after it.
fn overlaps(start: usize, n: usize, l: i64, r: i64) -> bool {
    let (first, end) = (start as i64, (start + n) as i64);
    !((l < first && r < first) || (l >= end && r >= end))
}

fn med3<T>(
    v: &[T],
    a: usize,
    b: usize,
    c: usize,
    cmp: &mut impl FnMut(&T, &T) -> Ordering,
) -> usize {
    if cmp(&v[a], &v[b]) == Ordering::Less {
        if cmp(&v[b], &v[c]) == Ordering::Less {
            b
        } else if cmp(&v[a], &v[c]) == Ordering::Less {
            c
        } else {
            a
        }
    } else if cmp(&v[b], &v[c]) == Ordering::Greater {
        b
    } else if cmp(&v[a], &v[c]) == Ordering::Less {
        a
    } else {
        c
    }
}

/// Swaps `n` elements at `a` with the `n` at `b` (the runs do not overlap).
fn swap_runs<T>(v: &mut [T], a: usize, b: usize, n: usize) {
    for i in 0..n {
        v.swap(a + i, b + i);
    }
}

fn partial_quicksort<T>(
    v: &mut [T],
    mut a: usize,
    mut n: usize,
    l: i64,
    r: i64,
    cmp: &mut impl FnMut(&T, &T) -> Ordering,
) {
    loop {
        if n < 7 {
            for pm in a + 1..a + n {
                let mut pl = pm;
                while pl > a && cmp(&v[pl - 1], &v[pl]) == Ordering::Greater {
                    v.swap(pl, pl - 1);
                    pl -= 1;
                }
            }
            return;
        }
        let mut pm = a + n / 2;
        if n > 7 {
            let mut pl = a;
            let mut pn = a + n - 1;
            if n > 40 {
                let d = n / 8;
                pl = med3(v, pl, pl + d, pl + 2 * d, cmp);
                pm = med3(v, pm - d, pm, pm + d, cmp);
                pn = med3(v, pn - 2 * d, pn - d, pn, cmp);
            }
            pm = med3(v, pl, pm, pn, cmp);
        }
        v.swap(a, pm);
        // The pivot sits at `a`; equal elements gather at both ends
        // (a+1..pa and pd+1..), smaller ones before pb, larger after pc.
        let (mut pa, mut pb) = (a + 1, a + 1);
        let (mut pc, mut pd) = (a + n - 1, a + n - 1);
        loop {
            while pb <= pc {
                let c = cmp(&v[pb], &v[a]);
                if c == Ordering::Greater {
                    break;
                }
                if c == Ordering::Equal {
                    v.swap(pa, pb);
                    pa += 1;
                }
                pb += 1;
            }
            while pb <= pc {
                let c = cmp(&v[pc], &v[a]);
                if c == Ordering::Less {
                    break;
                }
                if c == Ordering::Equal {
                    v.swap(pc, pd);
                    pd -= 1;
                }
                pc -= 1;
            }
            if pb > pc {
                break;
            }
            v.swap(pb, pc);
            pb += 1;
            pc -= 1;
        }
        let pn = a + n;
        let s = (pa - a).min(pb - pa);
        swap_runs(v, a, pb - s, s);
        let s = (pd - pc).min(pn - pd - 1);
        swap_runs(v, pb, pn - s, s);
        let left = pb - pa;
        if left > 1 && overlaps(a, left, l, r) {
            partial_quicksort(v, a, left, l, r, cmp);
        }
        let right = pd - pc;
        if right > 1 {
            // The right partition is done by iterating, as in Redis.
            a = pn - right;
            n = right;
            if overlaps(a, n, l, r) {
                continue;
            }
        }
        return;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn merge_sort_is_stable() {
        let mut v: Vec<(u8, u8)> = vec![(3, 0), (1, 1), (3, 2), (1, 3), (2, 4), (1, 5)];
        msort(&mut v, |a, b| a.0.cmp(&b.0));
        assert_eq!(v, [(1, 1), (1, 3), (1, 5), (2, 4), (3, 0), (3, 2)]);
    }

    proptest! {
        #[test]
        fn merge_sort_sorts_like_std(mut v in proptest::collection::vec((0u8..8, any::<u16>()), 0..200)) {
            let mut expected = v.clone();
            expected.sort_by_key(|e| e.0);
            msort(&mut v, |a, b| a.0.cmp(&b.0));
            prop_assert_eq!(v, expected);
        }

        #[test]
        fn pqsort_sorts_the_wanted_range(
            mut v in proptest::collection::vec(0u16..50, 1..300),
            a in any::<prop::sample::Index>(),
            b in any::<prop::sample::Index>(),
        ) {
            let (mut l, mut r) = (a.index(v.len()), b.index(v.len()));
            if l > r {
                std::mem::swap(&mut l, &mut r);
            }
            let mut sorted = v.clone();
            sorted.sort();
            let mut multiset = v.clone();
            pqsort(&mut v, l as i64, r as i64, |x, y| x.cmp(y));
            prop_assert_eq!(&v[l..=r], &sorted[l..=r]);
            multiset.sort();
            let mut after = v.clone();
            after.sort();
            prop_assert_eq!(after, multiset);
        }

        #[test]
        fn pqsort_over_everything_is_a_full_sort(mut v in proptest::collection::vec(any::<i32>(), 1..300)) {
            let mut sorted = v.clone();
            sorted.sort();
            let last = v.len() - 1;
            pqsort(&mut v, 0, last as i64, |x, y| x.cmp(y));
            prop_assert_eq!(v, sorted);
        }
    }
}
