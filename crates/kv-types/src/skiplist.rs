//! The large sorted-set encoding — what Redis 7.0 calls `skiplist` (t_zset.c's
//! `zset`: a dict for member → score plus a `zskiplist` for order). The file
//! keeps Redis's name because OBJECT ENCODING reports it; the ordered half is
//! not a skiplist but an **order-statistic B+tree**, which is both faster and
//! smaller:
//!
//! - A skiplist node costs a pointer and a span per level (≈1.33 levels on
//!   average: 24 + 21 bytes plus malloc rounding, ~48–64 bytes) and every step
//!   of a search is a cache miss. A B+tree leaf holds 64 `(score, id)` pairs in
//!   two flat arrays (12 bytes per element at full fill), so a search is a few
//!   binary searches over contiguous `f64`s, touching ~log₆₄(n) nodes.
//! - Rank comes from per-child element counts in the inner nodes (Redis keeps a
//!   `span` per skiplist level for the same purpose): rank of an element, the
//!   element at a rank, and "how many elements are below this bound" are all
//!   O(log n).
//!
//! Members live once, in [`Dict`] entries (`member` + `score`); the tree refers
//! to them by the dict's stable `u32` id, and keeps a copy of the score next to
//! the id so that comparisons only follow the id to read the member when scores
//! tie. The dict brings Redis's behaviour for free: incremental rehashing (no
//! stall when a big set grows), the reverse-binary SCAN cursor ZSCAN needs, and
//! random entries for ZRANDMEMBER.
//!
//! Order is Redis's: by score (as `f64` comparison, so `-0 == 0` and ties fall
//! through to the member), then by member bytes (memcmp, shorter first on a
//! common prefix). Scores are never NaN (the caller refuses NaN).
//!
//! Invariants of the tree (checked by `check` in tests):
//! - every leaf is sorted strictly ascending, and the leaf chain (`prev`/`next`)
//!   visits all elements in order;
//! - an inner node's `counts[i]` is the number of elements under `children[i]`,
//!   and `(min_scores[i], min_ids[i])` is exactly the first element under it —
//!   exact minima (not mere separators) so that every id the tree holds is a
//!   live dict entry whose member can be read;
//! - all leaves are at depth `height`; non-root nodes are at least a quarter
//!   full (merged or rebalanced with a sibling on underflow); a root inner node
//!   has at least two children;
//! - the tree holds exactly the dict's entries.
//!
//! Node storage is two arenas (`Vec<Leaf>`, `Vec<Inner>`) addressed by `u32`,
//! with free lists; when more than half the arena is free after deletions the
//! tree is rebuilt compactly (amortised O(1) per deletion), so a set that grew
//! and shrank gives its memory back.

use crate::dict::{Dict, Id, Keyed};
use crate::string::Bytes;
use std::cmp::Ordering;

// Unit tests use tiny nodes so that a few hundred elements already build a
// deep tree and every split/merge/rebalance path runs at every level.
#[cfg(not(test))]
const LEAF_CAP: usize = 64;
#[cfg(not(test))]
const INNER_CAP: usize = 64;
#[cfg(test)]
const LEAF_CAP: usize = 8;
#[cfg(test)]
const INNER_CAP: usize = 8;
const LEAF_MIN: usize = LEAF_CAP / 4;
const INNER_MIN: usize = INNER_CAP / 4;
const NIL: u32 = u32::MAX;
/// Arenas smaller than this are not worth compacting.
const COMPACT_MIN_FREE: usize = 16;

/// One element of a large sorted set, as the dict stores it.
pub struct ZEntry {
    member: Bytes,
    score: f64,
}

impl Keyed for ZEntry {
    fn key(&self) -> &[u8] {
        self.member.as_bytes()
    }
}

#[derive(Clone)]
struct Leaf {
    len: u32,
    prev: u32,
    next: u32,
    scores: [f64; LEAF_CAP],
    ids: [u32; LEAF_CAP],
}

impl Leaf {
    fn empty() -> Leaf {
        Leaf {
            len: 0,
            prev: NIL,
            next: NIL,
            scores: [0.0; LEAF_CAP],
            ids: [0; LEAF_CAP],
        }
    }
}

#[derive(Clone)]
struct Inner {
    len: u32,
    min_scores: [f64; INNER_CAP],
    min_ids: [u32; INNER_CAP],
    children: [u32; INNER_CAP],
    counts: [u32; INNER_CAP],
}

impl Inner {
    fn empty() -> Inner {
        Inner {
            len: 0,
            min_scores: [0.0; INNER_CAP],
            min_ids: [0; INNER_CAP],
            children: [0; INNER_CAP],
            counts: [0; INNER_CAP],
        }
    }
}

/// A search key: score, then member.
#[derive(Clone, Copy)]
struct Key<'a> {
    score: f64,
    member: &'a [u8],
}

fn member_of(dict: &Dict<ZEntry>, id: u32) -> &[u8] {
    dict.at(Id::from_raw(id)).member.as_bytes()
}

/// Number of the first `scores.len()` elements that are below `key` (or at
/// most `key` when `or_equal`). Scores settle almost every comparison, so they
/// are binary-searched first; members are read only across a run of ties.
fn count_below(
    scores: &[f64],
    ids: &[u32],
    dict: &Dict<ZEntry>,
    key: Key<'_>,
    or_equal: bool,
) -> usize {
    // Counting instead of binary searching: the loads are independent (the
    // CPU overlaps the cache misses of a cold node instead of taking them one
    // after another) and the loop vectorises; a sorted slice's count of
    // smaller elements is its partition point.
    let (mut lo, mut hi) = (0, 0);
    for &s in scores {
        lo += usize::from(s < key.score);
        hi += usize::from(s <= key.score);
    }
    let (mut a, mut b) = (lo, hi);
    while a < b {
        let mid = a + (b - a) / 2;
        let m = member_of(dict, ids[mid]);
        let below = if or_equal {
            m <= key.member
        } else {
            m < key.member
        };
        if below {
            a = mid + 1;
        } else {
            b = mid;
        }
    }
    a
}

/// Index of the first element in `0..len` for which `pred` is false, assuming
/// `pred` is true then false along the order.
fn partition_by(len: usize, mut pred: impl FnMut(usize) -> bool) -> usize {
    let (mut a, mut b) = (0, len);
    while a < b {
        let mid = a + (b - a) / 2;
        if pred(mid) {
            a = mid + 1;
        } else {
            b = mid;
        }
    }
    a
}

/// Inserts `v` at `pos` in the first `len` slots of `arr` (which has room).
fn array_insert<T: Copy>(arr: &mut [T], len: usize, pos: usize, v: T) {
    arr.copy_within(pos..len, pos + 1);
    arr[pos] = v;
}

fn array_remove<T: Copy>(arr: &mut [T], len: usize, pos: usize) {
    arr.copy_within(pos + 1..len, pos);
}

/// Two distinct elements of a slice, mutably.
fn pair_mut<T>(v: &mut [T], a: usize, b: usize) -> (&mut T, &mut T) {
    debug_assert_ne!(a, b);
    if a < b {
        let (x, y) = v.split_at_mut(b);
        (&mut x[a], &mut y[0])
    } else {
        let (x, y) = v.split_at_mut(a);
        (&mut y[0], &mut x[b])
    }
}

/// Makes room for one more node, growing by a quarter rather than doubling:
/// the arenas are most of the tree's memory, and a doubled `Vec` would leave up
/// to half of it allocated and unused. Still geometric, so pushes stay
/// amortised O(1) (and large reallocations are page remaps, not copies).
fn grow<T>(v: &mut Vec<T>) {
    if v.len() == v.capacity() {
        v.reserve_exact((v.len() / 4).max(4));
    }
}

/// A node split off to the right during insertion, for the parent to adopt.
struct Split {
    score: f64,
    id: u32,
    node: u32,
    count: u32,
}

/// How a removal finds its element.
#[derive(Clone, Copy)]
enum Loc<'a> {
    Key(Key<'a>),
    Rank(usize),
}

/// The order-statistic B+tree over `(score, id)`.
struct Tree {
    leaves: Vec<Leaf>,
    inners: Vec<Inner>,
    free_leaves: Vec<u32>,
    free_inners: Vec<u32>,
    root: u32,
    /// 0 when the root is a leaf.
    height: u32,
    len: usize,
}

impl Tree {
    fn new() -> Tree {
        Tree {
            leaves: vec![Leaf::empty()],
            inners: Vec::new(),
            free_leaves: Vec::new(),
            free_inners: Vec::new(),
            root: 0,
            height: 0,
            len: 0,
        }
    }

    fn alloc_leaf(&mut self) -> u32 {
        if let Some(i) = self.free_leaves.pop() {
            self.leaves[i as usize] = Leaf::empty();
            return i;
        }
        grow(&mut self.leaves);
        self.leaves.push(Leaf::empty());
        // Fewer leaves than elements, and elements are counted in u32.
        (self.leaves.len() - 1) as u32
    }

    fn alloc_inner(&mut self) -> u32 {
        if let Some(i) = self.free_inners.pop() {
            self.inners[i as usize] = Inner::empty();
            return i;
        }
        grow(&mut self.inners);
        self.inners.push(Inner::empty());
        (self.inners.len() - 1) as u32
    }

    fn node_len(&self, node: u32, h: u32) -> usize {
        if h == 0 {
            self.leaves[node as usize].len as usize
        } else {
            self.inners[node as usize].len as usize
        }
    }

    /// The first element under a non-empty node.
    fn first(&self, node: u32, h: u32) -> (f64, u32) {
        if h == 0 {
            let l = &self.leaves[node as usize];
            (l.scores[0], l.ids[0])
        } else {
            let n = &self.inners[node as usize];
            (n.min_scores[0], n.min_ids[0])
        }
    }

    // ---- insertion ----

    fn insert(&mut self, dict: &Dict<ZEntry>, key: Key<'_>, id: u32) {
        if let Some(split) = self.insert_rec(dict, self.root, self.height, key, id, true) {
            let old = self.root;
            let (ms, mi) = self.first(old, self.height);
            // Element counts fit u32: dict ids are u32.
            let total = (self.len + 1) as u32;
            let root = self.alloc_inner();
            let n = &mut self.inners[root as usize];
            n.len = 2;
            n.children[0] = old;
            n.children[1] = split.node;
            n.counts[0] = total - split.count;
            n.counts[1] = split.count;
            n.min_scores[0] = ms;
            n.min_ids[0] = mi;
            n.min_scores[1] = split.score;
            n.min_ids[1] = split.id;
            self.root = root;
            self.height += 1;
        }
        self.len += 1;
    }

    fn insert_rec(
        &mut self,
        dict: &Dict<ZEntry>,
        node: u32,
        h: u32,
        key: Key<'_>,
        id: u32,
        rightmost: bool,
    ) -> Option<Split> {
        if h == 0 {
            return self.leaf_insert(dict, node, key, id);
        }
        let ni = node as usize;
        let mut c = self.child_index(dict, node, key);
        if h == 1 {
            let pos = c.saturating_sub(1);
            let child = self.inners[ni].children[pos];
            let leaf = &self.leaves[child as usize];
            // Appends keep their own policy (fill the last leaf, start a new one).
            let appending = || {
                let (s, id) = (leaf.scores[LEAF_CAP - 1], leaf.ids[LEAF_CAP - 1]);
                rightmost
                    && pos + 1 == self.inners[ni].len as usize
                    && (key.score > s || (key.score == s && key.member > member_of(dict, id)))
            };
            if leaf.len as usize == LEAF_CAP && !appending() && self.make_room(node, pos) {
                // Elements moved between leaves: choose the child again.
                c = self.child_index(dict, node, key);
            }
        }
        let inner = &mut self.inners[ni];
        let len = inner.len as usize;
        let pos = c.saturating_sub(1);
        if c == 0 {
            // The new element becomes this subtree's first.
            inner.min_scores[0] = key.score;
            inner.min_ids[0] = id;
        }
        inner.counts[pos] += 1;
        let child = inner.children[pos];
        let child_rightmost = rightmost && pos + 1 == len;
        let split = self.insert_rec(dict, child, h - 1, key, id, child_rightmost)?;
        self.inners[ni].counts[pos] -= split.count;
        self.inner_insert_child(node, pos + 1, split, rightmost)
    }

    /// Number of `node`'s children whose first element is at most `key`
    /// (the child to descend into is one less, or 0 when `key` is below all).
    fn child_index(&self, dict: &Dict<ZEntry>, node: u32, key: Key<'_>) -> usize {
        let n = &self.inners[node as usize];
        let len = n.len as usize;
        count_below(&n.min_scores[..len], &n.min_ids[..len], dict, key, true)
    }

    /// Before splitting the full leaf `pos` of `parent`, moves some of its
    /// elements to a sibling with room (as a B*-tree does): random inserts
    /// then leave leaves ~80% full instead of ~70%, and the split is avoided.
    /// Returns whether room was made.
    fn make_room(&mut self, parent: u32, pos: usize) -> bool {
        let pi = parent as usize;
        let (plen, child) = {
            let p = &self.inners[pi];
            (p.len as usize, p.children[pos])
        };
        let ci = child as usize;
        if pos + 1 < plen {
            let right = self.inners[pi].children[pos + 1];
            let rlen = self.leaves[right as usize].len as usize;
            if rlen + 2 <= LEAF_CAP {
                let k = (LEAF_CAP - rlen) / 2;
                let (c, r) = pair_mut(&mut self.leaves, ci, right as usize);
                r.scores.copy_within(0..rlen, k);
                r.ids.copy_within(0..rlen, k);
                r.scores[..k].copy_from_slice(&c.scores[LEAF_CAP - k..]);
                r.ids[..k].copy_from_slice(&c.ids[LEAF_CAP - k..]);
                c.len -= k as u32;
                r.len += k as u32;
                let (s, id) = (r.scores[0], r.ids[0]);
                let p = &mut self.inners[pi];
                p.counts[pos] -= k as u32;
                p.counts[pos + 1] += k as u32;
                p.min_scores[pos + 1] = s;
                p.min_ids[pos + 1] = id;
                return true;
            }
        }
        if pos > 0 {
            let left = self.inners[pi].children[pos - 1];
            let llen = self.leaves[left as usize].len as usize;
            if llen + 2 <= LEAF_CAP {
                let k = (LEAF_CAP - llen) / 2;
                let (l, c) = pair_mut(&mut self.leaves, left as usize, ci);
                l.scores[llen..llen + k].copy_from_slice(&c.scores[..k]);
                l.ids[llen..llen + k].copy_from_slice(&c.ids[..k]);
                c.scores.copy_within(k..LEAF_CAP, 0);
                c.ids.copy_within(k..LEAF_CAP, 0);
                c.len -= k as u32;
                l.len += k as u32;
                let (s, id) = (c.scores[0], c.ids[0]);
                let p = &mut self.inners[pi];
                p.counts[pos] -= k as u32;
                p.counts[pos - 1] += k as u32;
                p.min_scores[pos] = s;
                p.min_ids[pos] = id;
                return true;
            }
        }
        false
    }

    /// Adopts `split` as child `at` of `node`, splitting `node` when full.
    fn inner_insert_child(
        &mut self,
        node: u32,
        at: usize,
        split: Split,
        rightmost: bool,
    ) -> Option<Split> {
        let ni = node as usize;
        let len = self.inners[ni].len as usize;
        let put = |n: &mut Inner, len: usize, at: usize, s: &Split| {
            array_insert(&mut n.min_scores, len, at, s.score);
            array_insert(&mut n.min_ids, len, at, s.id);
            array_insert(&mut n.children, len, at, s.node);
            array_insert(&mut n.counts, len, at, s.count);
            n.len += 1;
        };
        if len < INNER_CAP {
            put(&mut self.inners[ni], len, at, &split);
            return None;
        }
        let new = self.alloc_inner();
        let (l, r) = pair_mut(&mut self.inners, ni, new as usize);
        if rightmost && at == INNER_CAP {
            // Appending at the right edge (ascending inserts): leave this node
            // full rather than half, so sequential loads pack nodes densely.
            put(r, 0, 0, &split);
        } else {
            let half = INNER_CAP / 2;
            let moved = INNER_CAP - half;
            r.min_scores[..moved].copy_from_slice(&l.min_scores[half..]);
            r.min_ids[..moved].copy_from_slice(&l.min_ids[half..]);
            r.children[..moved].copy_from_slice(&l.children[half..]);
            r.counts[..moved].copy_from_slice(&l.counts[half..]);
            r.len = moved as u32;
            l.len = half as u32;
            if at <= half {
                put(l, half, at, &split);
            } else {
                put(r, moved, at - half, &split);
            }
        }
        let count = r.counts[..r.len as usize].iter().sum();
        Some(Split {
            score: r.min_scores[0],
            id: r.min_ids[0],
            node: new,
            count,
        })
    }

    fn leaf_insert(
        &mut self,
        dict: &Dict<ZEntry>,
        node: u32,
        key: Key<'_>,
        id: u32,
    ) -> Option<Split> {
        let li = node as usize;
        let leaf = &mut self.leaves[li];
        let len = leaf.len as usize;
        let pos = count_below(&leaf.scores[..len], &leaf.ids[..len], dict, key, false);
        if len < LEAF_CAP {
            array_insert(&mut leaf.scores, len, pos, key.score);
            array_insert(&mut leaf.ids, len, pos, id);
            leaf.len += 1;
            return None;
        }
        let new = self.alloc_leaf();
        let (l, r) = pair_mut(&mut self.leaves, li, new as usize);
        if pos == LEAF_CAP && l.next == NIL {
            // Appending after the last element: start a new leaf (dense loads).
            r.scores[0] = key.score;
            r.ids[0] = id;
            r.len = 1;
        } else {
            let half = LEAF_CAP / 2;
            let moved = LEAF_CAP - half;
            r.scores[..moved].copy_from_slice(&l.scores[half..]);
            r.ids[..moved].copy_from_slice(&l.ids[half..]);
            r.len = moved as u32;
            l.len = half as u32;
            let (target, at, tlen) = if pos <= half {
                (&mut *l, pos, half)
            } else {
                (&mut *r, pos - half, moved)
            };
            array_insert(&mut target.scores, tlen, at, key.score);
            array_insert(&mut target.ids, tlen, at, id);
            target.len += 1;
        }
        r.prev = node;
        r.next = l.next;
        l.next = new;
        let (score, first_id, count, after) = (r.scores[0], r.ids[0], r.len, r.next);
        if after != NIL {
            self.leaves[after as usize].prev = new;
        }
        Some(Split {
            score,
            id: first_id,
            node: new,
            count,
        })
    }

    // ---- removal ----

    fn remove(&mut self, dict: &Dict<ZEntry>, loc: Loc<'_>) -> Option<(f64, u32)> {
        let out = self.remove_rec(dict, self.root, self.height, loc)?;
        self.len -= 1;
        if self.len == 0 {
            // Start afresh: also releases whatever the arenas held.
            *self = Tree::new();
            return Some(out);
        }
        while self.height > 0 && self.inners[self.root as usize].len == 1 {
            let old = self.root;
            self.root = self.inners[old as usize].children[0];
            self.free_inners.push(old);
            self.height -= 1;
        }
        Some(out)
    }

    fn remove_rec(
        &mut self,
        dict: &Dict<ZEntry>,
        node: u32,
        h: u32,
        loc: Loc<'_>,
    ) -> Option<(f64, u32)> {
        let ni = node as usize;
        if h == 0 {
            let leaf = &mut self.leaves[ni];
            let len = leaf.len as usize;
            let pos = match loc {
                Loc::Key(k) => {
                    let p = count_below(&leaf.scores[..len], &leaf.ids[..len], dict, k, false);
                    if p >= len
                        || leaf.scores[p] != k.score
                        || member_of(dict, leaf.ids[p]) != k.member
                    {
                        return None;
                    }
                    p
                }
                Loc::Rank(r) if r < len => r,
                Loc::Rank(_) => return None,
            };
            let out = (leaf.scores[pos], leaf.ids[pos]);
            array_remove(&mut leaf.scores, len, pos);
            array_remove(&mut leaf.ids, len, pos);
            leaf.len -= 1;
            return Some(out);
        }
        let inner = &self.inners[ni];
        let len = inner.len as usize;
        let (pos, sub) = match loc {
            Loc::Key(k) => {
                let c = count_below(
                    &inner.min_scores[..len],
                    &inner.min_ids[..len],
                    dict,
                    k,
                    true,
                );
                if c == 0 {
                    return None;
                }
                (c - 1, loc)
            }
            Loc::Rank(mut r) => {
                let mut i = 0;
                loop {
                    if i >= len {
                        return None;
                    }
                    let c = inner.counts[i] as usize;
                    if r < c {
                        break;
                    }
                    r -= c;
                    i += 1;
                }
                (i, Loc::Rank(r))
            }
        };
        let child = inner.children[pos];
        let out = self.remove_rec(dict, child, h - 1, sub)?;
        self.inners[ni].counts[pos] -= 1;
        let child_len = self.node_len(child, h - 1);
        let min = if h == 1 { LEAF_MIN } else { INNER_MIN };
        if child_len == 0 {
            // An emptied child (possible under a one-child node on the right
            // edge, see leaf_insert) goes at once: no node is ever empty.
            self.drop_child(node, pos, h - 1);
        } else if child_len < min && self.inners[ni].len > 1 {
            self.rebalance(node, pos, h - 1);
        } else if child_len > 0 {
            let (s, i) = self.first(child, h - 1);
            let n = &mut self.inners[ni];
            n.min_scores[pos] = s;
            n.min_ids[pos] = i;
        }
        Some(out)
    }

    /// Unlinks and frees the empty child `pos` of `parent`.
    fn drop_child(&mut self, parent: u32, pos: usize, ch: u32) {
        let p = &mut self.inners[parent as usize];
        let plen = p.len as usize;
        let child = p.children[pos];
        array_remove(&mut p.min_scores, plen, pos);
        array_remove(&mut p.min_ids, plen, pos);
        array_remove(&mut p.children, plen, pos);
        array_remove(&mut p.counts, plen, pos);
        p.len -= 1;
        if ch == 0 {
            let (prev, next) = {
                let l = &self.leaves[child as usize];
                (l.prev, l.next)
            };
            if let Some(l) = self.leaves.get_mut(prev as usize) {
                l.next = next;
            }
            if let Some(l) = self.leaves.get_mut(next as usize) {
                l.prev = prev;
            }
            self.free_leaves.push(child);
        } else {
            self.free_inners.push(child);
        }
    }

    /// Child `pos` of `parent` (at height `ch`) is under-full: merge it with a
    /// sibling if both fit in one node, else even them out.
    fn rebalance(&mut self, parent: u32, pos: usize, ch: u32) {
        let pi = parent as usize;
        let (li, ri) = if pos > 0 { (pos - 1, pos) } else { (0, 1) };
        let (ln, rn) = {
            let p = &self.inners[pi];
            (p.children[li], p.children[ri])
        };
        let (llen, rlen) = (self.node_len(ln, ch), self.node_len(rn, ch));
        let cap = if ch == 0 { LEAF_CAP } else { INNER_CAP };
        if llen + rlen <= cap {
            if ch == 0 {
                let (l, r) = pair_mut(&mut self.leaves, ln as usize, rn as usize);
                l.scores[llen..llen + rlen].copy_from_slice(&r.scores[..rlen]);
                l.ids[llen..llen + rlen].copy_from_slice(&r.ids[..rlen]);
                l.len += rlen as u32;
                l.next = r.next;
                let after = r.next;
                if after != NIL {
                    self.leaves[after as usize].prev = ln;
                }
                self.free_leaves.push(rn);
            } else {
                let (l, r) = pair_mut(&mut self.inners, ln as usize, rn as usize);
                l.min_scores[llen..llen + rlen].copy_from_slice(&r.min_scores[..rlen]);
                l.min_ids[llen..llen + rlen].copy_from_slice(&r.min_ids[..rlen]);
                l.children[llen..llen + rlen].copy_from_slice(&r.children[..rlen]);
                l.counts[llen..llen + rlen].copy_from_slice(&r.counts[..rlen]);
                l.len += rlen as u32;
                self.free_inners.push(rn);
            }
            let p = &mut self.inners[pi];
            let plen = p.len as usize;
            p.counts[li] += p.counts[ri];
            array_remove(&mut p.min_scores, plen, ri);
            array_remove(&mut p.min_ids, plen, ri);
            array_remove(&mut p.children, plen, ri);
            array_remove(&mut p.counts, plen, ri);
            p.len -= 1;
            if llen + rlen > 0 {
                let (s, i) = self.first(ln, ch);
                let p = &mut self.inners[pi];
                p.min_scores[li] = s;
                p.min_ids[li] = i;
            }
            return;
        }
        // Redistribute so the left node holds half (both end ≥ cap/2 ≥ min).
        let target = (llen + rlen) / 2;
        let (lcount, rcount) = if ch == 0 {
            let (l, r) = pair_mut(&mut self.leaves, ln as usize, rn as usize);
            if llen > target {
                let k = llen - target;
                r.scores.copy_within(0..rlen, k);
                r.ids.copy_within(0..rlen, k);
                r.scores[..k].copy_from_slice(&l.scores[target..llen]);
                r.ids[..k].copy_from_slice(&l.ids[target..llen]);
            } else {
                let k = target - llen;
                l.scores[llen..target].copy_from_slice(&r.scores[..k]);
                l.ids[llen..target].copy_from_slice(&r.ids[..k]);
                r.scores.copy_within(k..rlen, 0);
                r.ids.copy_within(k..rlen, 0);
            }
            l.len = target as u32;
            r.len = (llen + rlen - target) as u32;
            (l.len, r.len)
        } else {
            let (l, r) = pair_mut(&mut self.inners, ln as usize, rn as usize);
            if llen > target {
                let k = llen - target;
                r.min_scores.copy_within(0..rlen, k);
                r.min_ids.copy_within(0..rlen, k);
                r.children.copy_within(0..rlen, k);
                r.counts.copy_within(0..rlen, k);
                r.min_scores[..k].copy_from_slice(&l.min_scores[target..llen]);
                r.min_ids[..k].copy_from_slice(&l.min_ids[target..llen]);
                r.children[..k].copy_from_slice(&l.children[target..llen]);
                r.counts[..k].copy_from_slice(&l.counts[target..llen]);
            } else {
                let k = target - llen;
                l.min_scores[llen..target].copy_from_slice(&r.min_scores[..k]);
                l.min_ids[llen..target].copy_from_slice(&r.min_ids[..k]);
                l.children[llen..target].copy_from_slice(&r.children[..k]);
                l.counts[llen..target].copy_from_slice(&r.counts[..k]);
                r.min_scores.copy_within(k..rlen, 0);
                r.min_ids.copy_within(k..rlen, 0);
                r.children.copy_within(k..rlen, 0);
                r.counts.copy_within(k..rlen, 0);
            }
            l.len = target as u32;
            r.len = (llen + rlen - target) as u32;
            (
                l.counts[..l.len as usize].iter().sum(),
                r.counts[..r.len as usize].iter().sum(),
            )
        };
        let (ls, lid) = self.first(ln, ch);
        let (rs, rid) = self.first(rn, ch);
        let p = &mut self.inners[pi];
        p.counts[li] = lcount;
        p.counts[ri] = rcount;
        p.min_scores[li] = ls;
        p.min_ids[li] = lid;
        p.min_scores[ri] = rs;
        p.min_ids[ri] = rid;
    }

    // ---- queries ----

    /// The leaf and slot of the element at `rank`.
    fn select(&self, rank: usize) -> Option<(u32, usize)> {
        if rank >= self.len {
            return None;
        }
        let mut node = self.root;
        let mut r = rank;
        for _ in 0..self.height {
            let n = &self.inners[node as usize];
            let mut i = 0;
            while i < n.len as usize && r >= n.counts[i] as usize {
                r -= n.counts[i] as usize;
                i += 1;
            }
            if i >= n.len as usize {
                return None;
            }
            node = n.children[i];
        }
        (r < self.leaves[node as usize].len as usize).then_some((node, r))
    }

    /// Leaf, slot and rank of the element with `key`.
    fn locate(&self, dict: &Dict<ZEntry>, key: Key<'_>) -> Option<(u32, usize, usize)> {
        let mut node = self.root;
        let mut rank = 0;
        for _ in 0..self.height {
            let n = &self.inners[node as usize];
            let len = n.len as usize;
            let c = count_below(&n.min_scores[..len], &n.min_ids[..len], dict, key, true);
            if c == 0 {
                return None;
            }
            rank += n.counts[..c - 1].iter().map(|&x| x as usize).sum::<usize>();
            node = n.children[c - 1];
        }
        let l = &self.leaves[node as usize];
        let len = l.len as usize;
        let p = count_below(&l.scores[..len], &l.ids[..len], dict, key, false);
        (p < len && l.scores[p] == key.score && member_of(dict, l.ids[p]) == key.member)
            .then_some((node, p, rank + p))
    }

    /// Number of leading elements for which `pred(score, id)` holds (exact when
    /// `pred` is monotone along the order: true, then false).
    fn partition(&self, mut pred: impl FnMut(f64, u32) -> bool) -> usize {
        let mut node = self.root;
        let mut rank = 0;
        for _ in 0..self.height {
            let n = &self.inners[node as usize];
            let k = partition_by(n.len as usize, |i| pred(n.min_scores[i], n.min_ids[i]));
            if k == 0 {
                return rank;
            }
            rank += n.counts[..k - 1].iter().map(|&x| x as usize).sum::<usize>();
            node = n.children[k - 1];
        }
        let l = &self.leaves[node as usize];
        rank + partition_by(l.len as usize, |i| pred(l.scores[i], l.ids[i]))
    }

    /// Every `(score, id)` in order, by the leaf chain.
    fn collect(&self) -> Vec<(f64, u32)> {
        let mut out = Vec::with_capacity(self.len);
        let mut leaf = self.select(0).map_or(NIL, |(l, _)| l);
        while let Some(l) = self.leaves.get(leaf as usize) {
            for i in 0..l.len as usize {
                out.push((l.scores[i], l.ids[i]));
            }
            leaf = l.next;
        }
        out
    }

    /// A tree of `items` (ascending), nodes filled evenly and densely.
    fn build(items: &[(f64, u32)]) -> Tree {
        let mut t = Tree::new();
        if items.is_empty() {
            return t;
        }
        let n = items.len();
        let nleaves = n.div_ceil(LEAF_CAP);
        t.leaves = Vec::with_capacity(nleaves);
        // (node, count, first score, first id) of the level being built.
        let mut level: Vec<(u32, u32, f64, u32)> = Vec::with_capacity(nleaves);
        let mut start = 0;
        for i in 0..nleaves {
            let size = n / nleaves + usize::from(i < n % nleaves);
            let mut leaf = Leaf::empty();
            for (j, &(s, id)) in items[start..start + size].iter().enumerate() {
                leaf.scores[j] = s;
                leaf.ids[j] = id;
            }
            leaf.len = size as u32;
            leaf.prev = if i == 0 { NIL } else { (i - 1) as u32 };
            leaf.next = if i + 1 == nleaves {
                NIL
            } else {
                (i + 1) as u32
            };
            t.leaves.push(leaf);
            level.push((i as u32, size as u32, items[start].0, items[start].1));
            start += size;
        }
        while level.len() > 1 {
            let m = level.len();
            let nodes = m.div_ceil(INNER_CAP);
            let mut next = Vec::with_capacity(nodes);
            let mut start = 0;
            for i in 0..nodes {
                let size = m / nodes + usize::from(i < m % nodes);
                let mut inner = Inner::empty();
                let mut total = 0;
                for (j, &(child, count, s, id)) in level[start..start + size].iter().enumerate() {
                    inner.children[j] = child;
                    inner.counts[j] = count;
                    inner.min_scores[j] = s;
                    inner.min_ids[j] = id;
                    total += count;
                }
                inner.len = size as u32;
                let (_, _, s, id) = level[start];
                t.inners.push(inner);
                next.push(((t.inners.len() - 1) as u32, total, s, id));
                start += size;
            }
            level = next;
            t.height += 1;
        }
        t.root = level[0].0;
        t.len = n;
        t
    }

    fn heap_bytes(&self) -> usize {
        self.leaves.capacity() * size_of::<Leaf>()
            + self.inners.capacity() * size_of::<Inner>()
            + (self.free_leaves.capacity() + self.free_inners.capacity()) * 4
    }
}

/// The large sorted-set encoding: member → score through the dict, order and
/// rank through the tree. Ranks are 0-based from the lowest element.
pub struct ScoreTree {
    dict: Dict<ZEntry>,
    tree: Tree,
    /// Heap bytes of members too long to be stored inline.
    member_heap: usize,
}

impl Default for ScoreTree {
    fn default() -> Self {
        Self::new()
    }
}

impl ScoreTree {
    pub fn new() -> ScoreTree {
        ScoreTree {
            dict: Dict::new(),
            tree: Tree::new(),
            member_heap: 0,
        }
    }

    /// Builds from elements in ascending (score, member) order with distinct
    /// members, in O(n): the tree is bulk-loaded. Input that breaks the order is
    /// still handled correctly (element by element, a duplicate member keeping
    /// its last score), just without the fast path.
    pub fn from_sorted<'a>(items: impl IntoIterator<Item = (&'a [u8], f64)>) -> ScoreTree {
        let mut t = ScoreTree::new();
        let mut pairs: Vec<(f64, u32)> = Vec::new();
        let mut sorted = true;
        let mut prev: Option<(f64, &'a [u8])> = None;
        let mut rest = Vec::new();
        for (member, score) in items {
            if !sorted || score.is_nan() {
                rest.push((member, score));
                continue;
            }
            if let Some((ps, pm)) = prev
                && (ps > score || (ps == score && pm >= member))
            {
                sorted = false;
                rest.push((member, score));
                continue;
            }
            prev = Some((score, member));
            t.member_heap += Bytes::new(member).heap_size();
            let id = t.dict.insert_new(ZEntry {
                member: Bytes::new(member),
                score,
            });
            pairs.push((score, id.get()));
        }
        t.tree = Tree::build(&pairs);
        for (member, score) in rest {
            if score.is_nan() {
                continue;
            }
            if !t.insert(member, score) {
                t.set_score(member, score);
            }
        }
        t
    }

    pub fn len(&self) -> usize {
        self.tree.len
    }

    pub fn is_empty(&self) -> bool {
        self.tree.len == 0
    }

    pub fn score(&self, member: &[u8]) -> Option<f64> {
        self.dict.get(member).map(|e| e.score)
    }

    pub fn contains(&self, member: &[u8]) -> bool {
        self.dict.contains(member)
    }

    /// Adds a member that is not present; false (and nothing done) if it is.
    /// `score` must not be NaN (false, nothing done).
    pub fn insert(&mut self, member: &[u8], score: f64) -> bool {
        if score.is_nan() || self.dict.contains(member) {
            return false;
        }
        self.insert_absent(member, score);
        true
    }

    /// [`ScoreTree::insert`] for a caller that has just looked the member up
    /// and found it absent (saves the second hash lookup); `score` not NaN.
    pub(crate) fn insert_absent(&mut self, member: &[u8], score: f64) {
        let bytes = Bytes::new(member);
        self.member_heap += bytes.heap_size();
        let id = self.dict.insert_new(ZEntry {
            member: bytes,
            score,
        });
        self.tree
            .insert(&self.dict, Key { score, member }, id.get());
    }

    /// Changes the score of a present member, returning the old one (None, and
    /// nothing done, if absent or `score` is NaN).
    pub fn set_score(&mut self, member: &[u8], score: f64) -> Option<f64> {
        if score.is_nan() {
            return None;
        }
        let id = self.dict.find(member)?;
        let old = self.dict.at(id).score;
        let old_key = Key { score: old, member };
        if !self.update_in_place(old_key, score) {
            self.tree.remove(&self.dict, Loc::Key(old_key));
            self.tree
                .insert(&self.dict, Key { score, member }, id.get());
        }
        self.dict.at_mut(id).score = score;
        Some(old)
    }

    /// Rewrites a score where it stands when the element keeps its place
    /// between its neighbours inside one leaf and is not a leaf's first (whose
    /// key the inner nodes copy) — Redis's zslUpdateScore shortcut.
    fn update_in_place(&mut self, old: Key<'_>, score: f64) -> bool {
        let Some((leaf, pos, _)) = self.tree.locate(&self.dict, old) else {
            return false;
        };
        let l = &self.tree.leaves[leaf as usize];
        if pos == 0 || pos + 1 >= l.len as usize {
            return false;
        }
        let new = Key {
            score,
            member: old.member,
        };
        let above = |s: f64, id: u32| -> bool {
            match new.score.partial_cmp(&s) {
                Some(Ordering::Greater) => true,
                Some(Ordering::Less) => false,
                _ => new.member > member_of(&self.dict, id),
            }
        };
        let fits =
            above(l.scores[pos - 1], l.ids[pos - 1]) && !above(l.scores[pos + 1], l.ids[pos + 1]);
        if fits {
            self.tree.leaves[leaf as usize].scores[pos] = score;
        }
        fits
    }

    /// Removes a member, returning its score.
    pub fn remove(&mut self, member: &[u8]) -> Option<f64> {
        let id = self.dict.find(member)?;
        let score = self.dict.at(id).score;
        // Out of the tree first: its comparisons read members from the dict.
        self.tree
            .remove(&self.dict, Loc::Key(Key { score, member }));
        let entry = self.dict.remove(member);
        self.after_remove(entry.as_ref());
        Some(score)
    }

    fn after_remove(&mut self, entry: Option<&ZEntry>) {
        if let Some(e) = entry {
            self.member_heap -= e.member.heap_size();
        }
        self.dict.shrink_if_needed();
        let t = &self.tree;
        if t.free_leaves.len() >= COMPACT_MIN_FREE && t.free_leaves.len() * 2 > t.leaves.len()
            || t.free_inners.len() >= COMPACT_MIN_FREE && t.free_inners.len() * 2 > t.inners.len()
        {
            self.tree = Tree::build(&self.tree.collect());
        }
    }

    /// Removes the element at `rank`, returning it.
    pub fn remove_rank(&mut self, rank: usize) -> Option<(Bytes, f64)> {
        let (score, id) = self.tree.remove(&self.dict, Loc::Rank(rank))?;
        // The dict unlinks by key; a copy of an inline member costs nothing.
        let key = self.dict.at(Id::from_raw(id)).member.clone();
        let entry = self.dict.remove(key.as_bytes());
        self.after_remove(entry.as_ref());
        Some((entry.map_or(key, |e| e.member), score))
    }

    /// Removes the elements at ranks `start..end` (clamped), returning how many.
    pub fn remove_rank_range(&mut self, start: usize, end: usize) -> usize {
        let end = end.min(self.len());
        if start >= end {
            return 0;
        }
        let n = end - start;
        if n > 64 && n * 2 > self.len() {
            // Most of the set goes: rebuild from the survivors instead.
            let all = self.tree.collect();
            for &(_, id) in &all[start..end] {
                let member = self.dict.at(Id::from_raw(id)).member.clone();
                if let Some(e) = self.dict.remove(member.as_bytes()) {
                    self.member_heap -= e.member.heap_size();
                }
            }
            let mut keep = all;
            keep.drain(start..end);
            self.tree = Tree::build(&keep);
            self.dict.shrink_if_needed();
            return n;
        }
        for _ in 0..n {
            if let Some((_, id)) = self.tree.remove(&self.dict, Loc::Rank(start)) {
                let member = self.dict.at(Id::from_raw(id)).member.clone();
                let entry = self.dict.remove(member.as_bytes());
                self.after_remove(entry.as_ref());
            }
        }
        n
    }

    /// 0-based rank of `member` from the lowest element.
    pub fn rank(&self, member: &[u8]) -> Option<usize> {
        let score = self.dict.get(member)?.score;
        self.tree
            .locate(&self.dict, Key { score, member })
            .map(|(_, _, rank)| rank)
    }

    /// The element at `rank`.
    pub fn get(&self, rank: usize) -> Option<(&[u8], f64)> {
        let (leaf, pos) = self.tree.select(rank)?;
        let l = &self.tree.leaves[leaf as usize];
        Some((member_of(&self.dict, l.ids[pos]), l.scores[pos]))
    }

    /// Number of elements whose score is below `score` (or at most `score`
    /// when `inclusive`): the rank where a score bound starts or ends.
    pub fn count_below_score(&self, score: f64, inclusive: bool) -> usize {
        if inclusive {
            self.tree.partition(|s, _| s <= score)
        } else {
            self.tree.partition(|s, _| s < score)
        }
    }

    /// Number of leading elements whose member is below `member` (or at most,
    /// when `inclusive`). Meaningful when all scores are equal, as Redis's lex
    /// commands assume; otherwise some consistent answer.
    pub fn count_below_member(&self, member: &[u8], inclusive: bool) -> usize {
        let dict = &self.dict;
        if inclusive {
            self.tree.partition(|_, id| member_of(dict, id) <= member)
        } else {
            self.tree.partition(|_, id| member_of(dict, id) < member)
        }
    }

    /// Elements at ranks `start..end` (clamped), ascending, or descending from
    /// `end - 1` when `rev`.
    pub fn iter_ranks(&self, start: usize, end: usize, rev: bool) -> TreeIter<'_> {
        let end = end.min(self.len());
        let remaining = end.saturating_sub(start);
        let at = if remaining == 0 {
            None
        } else if rev {
            self.tree.select(end - 1)
        } else {
            self.tree.select(start)
        };
        let (leaf, pos) = at.unwrap_or((NIL, 0));
        TreeIter {
            tree: &self.tree,
            dict: &self.dict,
            leaf,
            pos,
            remaining: if at.is_some() { remaining } else { 0 },
            rev,
        }
    }

    /// Every element, ascending.
    pub fn iter(&self) -> TreeIter<'_> {
        self.iter_ranks(0, self.len(), false)
    }

    /// A random element (a uniformly chosen dict bucket's random entry, as
    /// Redis's dictGetRandomKey); `random` supplies random numbers.
    pub fn random(&self, random: impl FnMut() -> u64) -> Option<(&[u8], f64)> {
        let id = self.dict.random_id(random)?;
        let e = self.dict.at(id);
        Some((e.member.as_bytes(), e.score))
    }

    /// One ZSCAN step over the dict (Redis's cursor guarantees).
    pub fn scan(&self, cursor: u64, mut f: impl FnMut(&[u8], f64)) -> u64 {
        self.dict.scan(cursor, |e| f(e.member.as_bytes(), e.score))
    }

    /// Approximate heap bytes owned (dict, tree, long members).
    pub fn mem_usage(&self) -> usize {
        size_of::<ScoreTree>()
            + self.dict.overhead_bytes()
            + self.tree.heap_bytes()
            + self.member_heap
    }

    /// Verifies every invariant listed in the module doc (tests only).
    #[cfg(test)]
    pub(crate) fn check(&self) {
        let t = &self.tree;
        assert_eq!(t.len, self.dict.len());
        // Nodes are never empty, and at least a quarter full unless they are
        // the root or on the right edge (where appends start nodes small).
        fn walk(
            t: &Tree,
            d: &Dict<ZEntry>,
            node: u32,
            h: u32,
            out: &mut Vec<(f64, u32)>,
            root: bool,
            edge: bool,
        ) -> usize {
            if h == 0 {
                let l = &t.leaves[node as usize];
                assert!(l.len > 0 || root, "empty leaf");
                if !root && !edge {
                    assert!(l.len as usize >= LEAF_MIN, "leaf under-full: {}", l.len);
                }
                for i in 0..l.len as usize {
                    out.push((l.scores[i], l.ids[i]));
                    assert_eq!(d.at(Id::from_raw(l.ids[i])).score, l.scores[i]);
                }
                return l.len as usize;
            }
            let n = &t.inners[node as usize];
            if root {
                assert!(n.len >= 2);
            } else if !edge {
                assert!(n.len as usize >= INNER_MIN, "inner under-full: {}", n.len);
            }
            assert!(n.len > 0, "empty inner node");
            let mut total = 0;
            for i in 0..n.len as usize {
                let before = out.len();
                let last = i + 1 == n.len as usize;
                let c = walk(
                    t,
                    d,
                    n.children[i],
                    h - 1,
                    out,
                    false,
                    (edge || root) && last,
                );
                assert_eq!(c, n.counts[i] as usize);
                assert_eq!(out[before], (n.min_scores[i], n.min_ids[i]));
                total += c;
            }
            total
        }
        let mut by_walk = Vec::new();
        assert_eq!(
            walk(t, &self.dict, t.root, t.height, &mut by_walk, true, true),
            t.len
        );
        assert_eq!(by_walk, t.collect());
        let mut back = Vec::new();
        let mut leaf = by_walk.last().map_or(NIL, |_| {
            let (l, _) = t.select(t.len - 1).expect("non-empty"); // len > 0 here
            l
        });
        while let Some(l) = t.leaves.get(leaf as usize) {
            for i in (0..l.len as usize).rev() {
                back.push((l.scores[i], l.ids[i]));
            }
            leaf = l.prev;
        }
        back.reverse();
        assert_eq!(by_walk, back);
        for w in by_walk.windows(2) {
            let (a, b) = (w[0], w[1]);
            let ord =
                a.0.partial_cmp(&b.0)
                    .expect("no NaN") // scores are never NaN
                    .then_with(|| member_of(&self.dict, a.1).cmp(member_of(&self.dict, b.1)));
            assert_eq!(ord, Ordering::Less);
        }
    }
}

/// Iterator over a rank range of a [`ScoreTree`], following the leaf chain.
pub struct TreeIter<'a> {
    tree: &'a Tree,
    dict: &'a Dict<ZEntry>,
    leaf: u32,
    pos: usize,
    remaining: usize,
    rev: bool,
}

impl<'a> Iterator for TreeIter<'a> {
    type Item = (&'a [u8], f64);

    fn next(&mut self) -> Option<Self::Item> {
        if self.remaining == 0 {
            return None;
        }
        let l = self.tree.leaves.get(self.leaf as usize)?;
        let (score, id) = (*l.scores.get(self.pos)?, *l.ids.get(self.pos)?);
        self.remaining -= 1;
        if self.rev {
            if self.pos == 0 {
                self.leaf = l.prev;
                self.pos = self
                    .tree
                    .leaves
                    .get(l.prev as usize)
                    .map_or(0, |p| (p.len as usize).saturating_sub(1));
            } else {
                self.pos -= 1;
            }
        } else if self.pos + 1 >= l.len as usize {
            self.leaf = l.next;
            self.pos = 0;
        } else {
            self.pos += 1;
        }
        Some((member_of(self.dict, id), score))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.remaining, Some(self.remaining))
    }
}

impl ExactSizeIterator for TreeIter<'_> {}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    /// The model: member → score, ordered on demand.
    fn sorted(m: &BTreeMap<Vec<u8>, f64>) -> Vec<(Vec<u8>, f64)> {
        let mut v: Vec<_> = m.iter().map(|(k, &s)| (k.clone(), s)).collect();
        v.sort_by(|a, b| a.1.partial_cmp(&b.1).expect("no NaN").then(a.0.cmp(&b.0))); // model scores are never NaN
        v
    }

    fn same(t: &ScoreTree, m: &BTreeMap<Vec<u8>, f64>) {
        t.check();
        let want = sorted(m);
        let got: Vec<_> = t.iter().map(|(k, s)| (k.to_vec(), s)).collect();
        assert_eq!(got, want);
        let back: Vec<_> = t
            .iter_ranks(0, t.len(), true)
            .map(|(k, s)| (k.to_vec(), s))
            .collect();
        let mut rev = want.clone();
        rev.reverse();
        assert_eq!(back, rev);
    }

    #[derive(Debug, Clone)]
    enum Op {
        Insert(u16, i8),
        Remove(u16),
        SetScore(u16, i8),
        RemoveRank(u16),
        RemoveRange(u16, u16),
    }

    fn member(n: u16) -> Vec<u8> {
        // Variable lengths, some long enough to live on the heap, one empty.
        match n % 7 {
            0 => format!("m{n}").into_bytes(),
            1 => format!("long-member-name-exceeding-inline-{n:05}").into_bytes(),
            2 if n == 2 => Vec::new(),
            _ => format!("{n:04}").into_bytes(),
        }
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            6 => (0u16..600, -5i8..5).prop_map(|(m, s)| Op::Insert(m, s)),
            3 => (0u16..600).prop_map(Op::Remove),
            2 => (0u16..600, -5i8..5).prop_map(|(m, s)| Op::SetScore(m, s)),
            1 => (0u16..700).prop_map(Op::RemoveRank),
            1 => (0u16..700, 0u16..200).prop_map(|(a, n)| Op::RemoveRange(a, n)),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn tree_matches_model(ops in prop::collection::vec(op(), 1..3000)) {
            let mut t = ScoreTree::new();
            let mut m: BTreeMap<Vec<u8>, f64> = BTreeMap::new();
            for (i, op) in ops.iter().enumerate() {
                match *op {
                    Op::Insert(k, s) => {
                        let k = member(k);
                        let s = f64::from(s) / 2.0;
                        let fresh = !m.contains_key(&k);
                        prop_assert_eq!(t.insert(&k, s), fresh);
                        m.entry(k).or_insert(s);
                    }
                    Op::Remove(k) => {
                        let k = member(k);
                        prop_assert_eq!(t.remove(&k), m.remove(&k));
                    }
                    Op::SetScore(k, s) => {
                        let k = member(k);
                        let s = f64::from(s) / 2.0;
                        let old = m.get(&k).copied();
                        prop_assert_eq!(t.set_score(&k, s), old);
                        if old.is_some() {
                            m.insert(k, s);
                        }
                    }
                    Op::RemoveRank(r) => {
                        let want = sorted(&m).get(r as usize).cloned();
                        let got = t.remove_rank(r as usize).map(|(k, s)| (k.as_bytes().to_vec(), s));
                        prop_assert_eq!(&got, &want);
                        if let Some((k, _)) = want {
                            m.remove(&k);
                        }
                    }
                    Op::RemoveRange(a, n) => {
                        let v = sorted(&m);
                        let (a, b) = (a as usize, (a as usize + n as usize).min(v.len()));
                        let removed = t.remove_rank_range(a, a + n as usize);
                        prop_assert_eq!(removed, b.saturating_sub(a));
                        for (k, _) in v.get(a..b).unwrap_or(&[]) {
                            m.remove(k);
                        }
                    }
                }
                if i % 97 == 0 {
                    same(&t, &m);
                }
            }
            same(&t, &m);
            // Queries against the model.
            let v = sorted(&m);
            for (r, (k, s)) in v.iter().enumerate() {
                prop_assert_eq!(t.rank(k), Some(r));
                prop_assert_eq!(t.get(r), Some((&k[..], *s)));
                prop_assert_eq!(t.score(k), Some(*s));
            }
            prop_assert_eq!(t.get(v.len()), None);
            for b in -12..12 {
                let b = f64::from(b) / 4.0;
                prop_assert_eq!(t.count_below_score(b, false), v.iter().filter(|e| e.1 < b).count());
                prop_assert_eq!(t.count_below_score(b, true), v.iter().filter(|e| e.1 <= b).count());
            }
            for a in 0..v.len().min(50) {
                for len in [0, 1, 5, 70, 1000] {
                    let got: Vec<_> = t.iter_ranks(a, a + len, false).map(|(k, s)| (k.to_vec(), s)).collect();
                    let end = (a + len).min(v.len());
                    prop_assert_eq!(&got[..], &v[a..end]);
                    let got: Vec<_> = t.iter_ranks(a, a + len, true).map(|(k, s)| (k.to_vec(), s)).collect();
                    let mut want = v[a..end].to_vec();
                    want.reverse();
                    prop_assert_eq!(got, want);
                }
            }
        }
    }

    #[test]
    fn sequential_load_packs_leaves() {
        let mut t = ScoreTree::new();
        for i in 0..100_000u32 {
            assert!(t.insert(format!("member:{i:07}").as_bytes(), f64::from(i)));
        }
        t.check();
        let live = t.tree.leaves.len() - t.tree.free_leaves.len();
        // Appends fill each leaf before starting the next.
        assert!(live <= 100_000 / LEAF_CAP + 1, "{live} leaves");
        assert_eq!(t.rank(b"member:0050000"), Some(50_000));
        assert_eq!(t.get(99_999).map(|e| e.1), Some(99_999.0));
    }

    #[test]
    fn lex_partition_with_equal_scores() {
        let mut t = ScoreTree::new();
        for i in 0..1000u32 {
            t.insert(format!("{i:04}").as_bytes(), 0.0);
        }
        assert_eq!(t.count_below_member(b"0500", false), 500);
        assert_eq!(t.count_below_member(b"0500", true), 501);
        assert_eq!(t.count_below_member(b"05", true), 500);
        assert_eq!(t.count_below_member(b"", false), 0);
        assert_eq!(t.count_below_member(b"\xff", false), 1000);
    }

    #[test]
    fn shrinking_gives_memory_back() {
        let mut t = ScoreTree::new();
        for i in 0..50_000u32 {
            t.insert(&i.to_be_bytes(), f64::from(i % 100));
        }
        let big = t.tree.heap_bytes();
        for i in 0..49_900u32 {
            t.remove(&i.to_be_bytes());
        }
        t.check();
        assert!(
            t.tree.heap_bytes() * 10 < big,
            "{} vs {big}",
            t.tree.heap_bytes()
        );
        assert_eq!(t.remove_rank_range(0, 1000), 100);
        assert!(t.is_empty());
        t.check();
    }

    #[test]
    fn from_sorted_bulk_and_fallback() {
        let items: Vec<(Vec<u8>, f64)> = (0..5000u32)
            .map(|i| (format!("{i:05}").into_bytes(), f64::from(i / 10)))
            .collect();
        let t = ScoreTree::from_sorted(items.iter().map(|(k, s)| (&k[..], *s)));
        t.check();
        assert_eq!(t.len(), 5000);
        // Out of order and duplicated input still gives the right set.
        let messy = [(&b"b"[..], 2.0), (b"a", 1.0), (b"c", 0.0), (b"a", 5.0)];
        let t = ScoreTree::from_sorted(messy);
        t.check();
        let got: Vec<_> = t.iter().map(|(k, s)| (k.to_vec(), s)).collect();
        assert_eq!(
            got,
            vec![
                (b"c".to_vec(), 0.0),
                (b"b".to_vec(), 2.0),
                (b"a".to_vec(), 5.0)
            ]
        );
    }

    #[test]
    fn negative_zero_ties_with_zero() {
        let mut t = ScoreTree::new();
        t.insert(b"b", -0.0);
        t.insert(b"a", 0.0);
        t.insert(b"c", -0.0);
        let got: Vec<_> = t.iter().map(|(k, _)| k.to_vec()).collect();
        assert_eq!(got, vec![b"a".to_vec(), b"b".to_vec(), b"c".to_vec()]);
        assert_eq!(t.count_below_score(0.0, false), 0);
        assert_eq!(t.count_below_score(-0.0, true), 3);
    }
}
