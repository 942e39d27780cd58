//! `List`: Redis's quicklist — a sequence of listpack nodes — the encoding of
//! every list in Redis 7.0 (OBJECT ENCODING always says "quicklist").
//!
//! Mirrors Redis 7.0's `quicklist.c`. Each node holds bare listpack entries
//! (the encoding of [`crate::listpack`]) in one buffer; nodes sit in a
//! `VecDeque` (Redis links them; a ring buffer of 32-byte node headers is
//! smaller and walks faster, and still gives O(1) push/pop at both ends).
//!
//! Node entries carry **no backlen** (Redis spends one byte per element on
//! it): that is what makes a list of short strings smaller than Redis's. The
//! backward walks Redis uses it for are served otherwise: RPOP keeps a cache
//! of the tail node's entry offsets (built by one forward scan, then kept up
//! to date by pushes and pops at the tail, so popping stays O(1) amortised);
//! reverse iteration scans each node forward once into a buffer of offsets;
//! index access inside a node walks forward (at most one node, ≤ 8 KB by
//! default).
//!
//! Node size follows `list-max-listpack-size` (the `fill`), as in Redis:
//! negative values bound a node's bytes (-1: 4 KB, -2: 8 KB, -3: 16 KB,
//! -4: 32 KB, -5 and below: 64 KB); positive values bound its element count (0
//! counts as 1; at most 32767), with an 8 KB byte safety limit. A single element
//! larger than the limit gets a node of its own. `list-compress-depth` is
//! accepted in [`ListLimits`] and ignored for now: nodes are never compressed
//! (the default, 0, means "never compress" in Redis too).
//!
//! Costs: push/pop at either end O(node) bytes moved at worst (like Redis's
//! listpack insert), O(1) nodes touched; index access walks node headers from
//! the nearer end then entries from the nearer end of the node; iteration is a
//! tight decode loop with no allocation.
//!
//! Invariants: no node is empty; `len` is the sum of node counts; each node's
//! `count` is the number of entries in its buffer; a node with two or more
//! entries respects the fill limits (one oversized entry may exceed the byte
//! limit on its own); `tail`, when present, holds exactly the entry offsets of
//! the last node, ascending.

use std::collections::VecDeque;

use crate::listpack::{
    Elem, Encoded, Iter as LpIter, OwnedElem, decode, entry_size, make_gap, normalize_index, span,
    splice_entry,
};

/// Redis's SIZE_SAFETY_LIMIT: the byte bound of count-limited nodes.
const SAFETY_LIMIT: usize = 8192;
/// Redis's FILL_MAX.
const FILL_MAX: i32 = (1 << 15) - 1;

/// The list settings, taken when a list is created (as Redis does: changing
/// the config later affects new lists only).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ListLimits {
    /// `list-max-listpack-size` (default -2: 8 KB nodes).
    pub fill: i32,
    /// `list-compress-depth` (default 0). Accepted and ignored for now.
    pub compress_depth: u32,
}

impl Default for ListLimits {
    fn default() -> Self {
        ListLimits {
            fill: -2,
            compress_depth: 0,
        }
    }
}

struct Node {
    /// Bare entries with backlens; no header.
    buf: Vec<u8>,
    count: u32,
}

impl Node {
    fn with(enc: &Encoded<'_>, soft_cap: usize) -> Node {
        let mut buf = Vec::new();
        splice_entry(&mut buf, 0, 0, enc, soft_cap);
        Node { buf, count: 1 }
    }

    /// Byte offset of entry `j` (`j == count` gives the end).
    fn offset(&self, j: usize) -> Option<usize> {
        if j > self.count as usize {
            return None;
        }
        if j == self.count as usize {
            return Some(self.buf.len());
        }
        let (bytes, k) = span::<false>(&self.buf, 0, j);
        (k == j).then_some(bytes)
    }

    /// Offsets of the entries starting in `from..to`, ascending, into `out`.
    fn offsets_into(&self, from: usize, to: usize, out: &mut Vec<u32>) {
        let mut p = from;
        while p < to {
            // Offsets fit u32: a node over 4 GiB holds a single entry, at 0.
            out.push(p as u32);
            match entry_size::<false>(&self.buf, p) {
                Some(s) => p += s,
                None => break,
            }
        }
    }

    /// Offset of the last entry, by a forward scan.
    fn last_offset(&self) -> Option<usize> {
        let mut p = 0;
        for _ in 1..self.count {
            p += entry_size::<false>(&self.buf, p)?;
        }
        (self.count > 0).then_some(p)
    }

    /// Gives memory back when a node holds far less than it reserved.
    fn maybe_shrink(&mut self) {
        if self.buf.capacity() > 2 * self.buf.len() + 64 {
            self.buf.shrink_to(self.buf.len() + self.buf.len() / 4);
        }
    }
}

/// A quicklist.
pub struct List {
    nodes: VecDeque<Node>,
    len: usize,
    /// Clamped to -5..=FILL_MAX, as Redis's quicklistSetFill does.
    fill: i16,
    /// Entry offsets of the last node, kept while pops happen at the tail.
    /// Boxed so that a list that never pops from the tail pays 8 bytes for it,
    /// not 24 (there may be millions of small lists).
    #[allow(clippy::box_collection)]
    tail: Option<Box<Vec<u32>>>,
}

/// Tail nodes with at most this many entries are scanned on RPOP rather than
/// cached: the scan is as cheap as keeping a cache up to date. (Tests use a
/// tiny threshold so the cache is exercised by every sequence.)
const TAIL_CACHE_MIN: u32 = if cfg!(test) { 1 } else { 32 };

impl Default for List {
    fn default() -> Self {
        List::new(&ListLimits::default())
    }
}

impl List {
    /// An empty list with the given settings (no allocation).
    pub fn new(limits: &ListLimits) -> Self {
        List {
            nodes: VecDeque::new(),
            len: 0,
            fill: limits.fill.clamp(-5, FILL_MAX) as i16,
            tail: None,
        }
    }

    /// OBJECT ENCODING: always "quicklist" in Redis 7.0.
    pub fn encoding_name(&self) -> &'static str {
        "quicklist"
    }

    /// Number of elements. O(1).
    #[inline]
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether empty.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Number of nodes (for DEBUG-style introspection and tests).
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    /// Approximate heap bytes owned.
    pub fn mem_usage(&self) -> usize {
        self.nodes.capacity() * std::mem::size_of::<Node>()
            + self.nodes.iter().map(|n| n.buf.capacity()).sum::<usize>()
            + self.tail.as_ref().map_or(0, |t| 24 + t.capacity() * 4)
    }

    /// (max bytes, max count) of a node.
    #[inline]
    fn limits(&self) -> (usize, usize) {
        if self.fill < 0 {
            (4096usize << (-(self.fill as i32) - 1), usize::MAX)
        } else {
            (SAFETY_LIMIT, (self.fill as usize).max(1))
        }
    }

    /// Whether node `ni` can take `extra_bytes` more in one more entry.
    #[inline]
    fn fits(&self, ni: usize, extra_bytes: usize) -> bool {
        let (max_b, max_c) = self.limits();
        self.nodes
            .get(ni)
            .is_some_and(|n| (n.count as usize) < max_c && n.buf.len() + extra_bytes <= max_b)
    }

    // ---- ends ------------------------------------------------------------

    /// Appends an element (RPUSH).
    pub fn push_back(&mut self, e: Elem<'_>) {
        let enc = Encoded::new(e, false);
        let (max_b, _) = self.limits();
        match self.nodes.len().checked_sub(1) {
            Some(last) if self.fits(last, enc.size()) => {
                if let Some(n) = self.nodes.back_mut() {
                    let at = n.buf.len();
                    splice_entry(&mut n.buf, at, 0, &enc, max_b);
                    n.count += 1;
                    if let Some(t) = self.tail.as_mut() {
                        t.push(at as u32);
                    }
                }
            }
            _ => {
                // The old tail is full and will not grow again: trim its slack.
                if let Some(n) = self.nodes.back_mut() {
                    n.buf.shrink_to_fit();
                }
                if self.nodes.capacity() == 0 {
                    // Most lists are short: one node slot, not VecDeque's
                    // default first four (96 bytes saved per small list).
                    self.nodes.reserve_exact(1);
                }
                self.nodes.push_back(Node::with(&enc, max_b));
                self.tail = None;
            }
        }
        self.len += 1;
    }

    /// Prepends an element (LPUSH).
    pub fn push_front(&mut self, e: Elem<'_>) {
        let enc = Encoded::new(e, false);
        let (max_b, _) = self.limits();
        if self.fits(0, enc.size()) {
            if let Some(n) = self.nodes.front_mut() {
                splice_entry(&mut n.buf, 0, 0, &enc, max_b);
                n.count += 1;
            }
            if self.nodes.len() == 1
                && let Some(t) = self.tail.as_mut()
            {
                // The head is the tail: every cached offset moved up.
                let d = enc.size() as u32;
                t.iter_mut().for_each(|o| *o += d);
                t.insert(0, 0);
            }
        } else {
            if let Some(n) = self.nodes.front_mut() {
                n.buf.shrink_to_fit();
            }
            if self.nodes.capacity() == 0 {
                self.nodes.reserve_exact(1);
            }
            self.nodes.push_front(Node::with(&enc, max_b));
            if self.nodes.len() == 1 {
                self.tail = None;
            }
        }
        self.len += 1;
    }

    /// Appends bytes (classified as integer or string).
    pub fn push_back_bytes(&mut self, b: &[u8]) {
        self.push_back(Elem::from_bytes(b));
    }

    /// Prepends bytes (classified as integer or string).
    pub fn push_front_bytes(&mut self, b: &[u8]) {
        self.push_front(Elem::from_bytes(b));
    }

    /// Removes and returns the first element (LPOP).
    pub fn pop_front(&mut self) -> Option<OwnedElem> {
        let n = self.nodes.front_mut()?;
        let (e, size) = decode(&n.buf, 0)?;
        let e = e.to_owned_elem();
        make_gap(&mut n.buf, 0, size, 0, 0);
        n.count -= 1;
        if n.count == 0 {
            self.nodes.pop_front();
            if self.nodes.is_empty() {
                self.tail = None;
            }
        } else {
            n.maybe_shrink();
            if self.nodes.len() == 1
                && let Some(t) = self.tail.as_mut()
            {
                t.remove(0);
                let d = size as u32;
                t.iter_mut().for_each(|o| *o -= d);
            }
        }
        self.len -= 1;
        Some(e)
    }

    /// Removes and returns the last element (RPOP).
    pub fn pop_back(&mut self) -> Option<OwnedElem> {
        let n = self.nodes.back_mut()?;
        let p = if n.count <= TAIL_CACHE_MIN {
            self.tail = None;
            n.last_offset()?
        } else {
            let t = self.tail.get_or_insert_with(|| {
                let mut v = Vec::with_capacity(n.count as usize);
                n.offsets_into(0, n.buf.len(), &mut v);
                Box::new(v)
            });
            t.pop()? as usize
        };
        let e = decode(&n.buf, p)?.0.to_owned_elem();
        n.buf.truncate(p);
        n.count -= 1;
        if n.count == 0 {
            self.nodes.pop_back();
            self.tail = None;
        } else {
            n.maybe_shrink();
        }
        self.len -= 1;
        Some(e)
    }

    /// First element.
    pub fn first(&self) -> Option<Elem<'_>> {
        decode(&self.nodes.front()?.buf, 0).map(|(e, _)| e)
    }

    /// Last element.
    pub fn last(&self) -> Option<Elem<'_>> {
        let n = self.nodes.back()?;
        let p = match self.tail.as_ref().and_then(|t| t.last()) {
            Some(&p) => p as usize,
            None => n.last_offset()?,
        };
        decode(&n.buf, p).map(|(e, _)| e)
    }

    // ---- positions ---------------------------------------------------------

    /// (node, index in node) of element `i < len`, walking from the nearer end.
    fn locate(&self, i: usize) -> Option<(usize, usize)> {
        if i >= self.len {
            return None;
        }
        if i < self.len / 2 {
            let mut acc = 0usize;
            for (ni, n) in self.nodes.iter().enumerate() {
                let c = n.count as usize;
                if i < acc + c {
                    return Some((ni, i - acc));
                }
                acc += c;
            }
            None
        } else {
            let mut acc = self.len;
            for (ni, n) in self.nodes.iter().enumerate().rev() {
                let c = n.count as usize;
                acc -= c;
                if i >= acc {
                    return Some((ni, i - acc));
                }
            }
            None
        }
    }

    /// Element at `index` (negative counts from the tail) — LINDEX.
    pub fn get(&self, index: i64) -> Option<Elem<'_>> {
        let i = normalize_index(index, self.len)?;
        let (ni, j) = self.locate(i)?;
        let n = self.nodes.get(ni)?;
        decode(&n.buf, n.offset(j)?).map(|(e, _)| e)
    }

    /// Replaces the element at `index` (negative from the tail) — LSET.
    /// Returns false if the index is out of range.
    pub fn set(&mut self, index: i64, e: Elem<'_>) -> bool {
        let Some(i) = normalize_index(index, self.len) else {
            return false;
        };
        let Some((ni, j)) = self.locate(i) else {
            return false;
        };
        let (max_b, _) = self.limits();
        let enc = Encoded::new(e, false);
        self.tail = None;
        let Some(n) = self.nodes.get_mut(ni) else {
            return false;
        };
        let Some(off) = n.offset(j) else {
            return false;
        };
        let Some(old) = entry_size::<false>(&n.buf, off) else {
            return false;
        };
        if n.count == 1 || n.buf.len() - old + enc.size() <= max_b {
            splice_entry(&mut n.buf, off, old, &enc, max_b);
            return true;
        }
        // Too big for this node: take the old entry out and insert the new one
        // through the general path, which may split the node.
        make_gap(&mut n.buf, off, old, 0, 0);
        n.count -= 1;
        self.len -= 1;
        self.insert_in_node(ni, j, &enc);
        true
    }

    /// Inserts `e` so that it ends up at index `i` (`0..=len`); false if `i` is
    /// out of range.
    pub fn insert(&mut self, i: usize, e: Elem<'_>) -> bool {
        if i > self.len {
            return false;
        }
        if i == self.len {
            self.push_back(e);
            return true;
        }
        if i == 0 {
            self.push_front(e);
            return true;
        }
        match self.locate(i) {
            Some((ni, j)) => {
                self.insert_in_node(ni, j, &Encoded::new(e, false));
                true
            }
            None => false,
        }
    }

    /// LINSERT: inserts `e` before (or after) the first element equal to
    /// `pivot`; returns whether the pivot was found.
    pub fn insert_by_pivot(&mut self, pivot: Elem<'_>, e: Elem<'_>, after: bool) -> bool {
        let mut found = None;
        'nodes: for (ni, n) in self.nodes.iter().enumerate() {
            let mut off = 0;
            for j in 0..n.count as usize {
                let Some((x, l)) = decode(&n.buf, off) else {
                    break;
                };
                if x == pivot {
                    found = Some((ni, j));
                    break 'nodes;
                }
                off += l;
            }
        }
        let Some((ni, j)) = found else {
            return false;
        };
        self.insert_in_node(ni, j + usize::from(after), &Encoded::new(e, false));
        true
    }

    /// Inserts at entry `j` (`0..=count`) of node `ni`, as Redis's
    /// `_quicklistInsert`: into the node if it has room, else into a neighbour
    /// at the matching end, else into a new node, splitting if in the middle.
    fn insert_in_node(&mut self, ni: usize, j: usize, enc: &Encoded<'_>) {
        let (max_b, _) = self.limits();
        let size = enc.size();
        self.tail = None;
        let Some(count) = self.nodes.get(ni).map(|n| n.count as usize) else {
            // Only reachable on an empty list.
            self.nodes.push_back(Node::with(enc, max_b));
            self.len += 1;
            return;
        };
        if self.fits(ni, size) {
            self.insert_into(ni, j, enc);
        } else if j == count && self.fits(ni + 1, size) {
            self.insert_into(ni + 1, 0, enc);
        } else if j == 0 && ni > 0 && self.fits(ni - 1, size) {
            let c = self.nodes.get(ni - 1).map_or(0, |n| n.count as usize);
            self.insert_into(ni - 1, c, enc);
        } else if j == count {
            self.nodes.insert(ni + 1, Node::with(enc, max_b));
        } else if j == 0 {
            self.nodes.insert(ni, Node::with(enc, max_b));
        } else {
            // Split node ni before entry j; the new element goes to whichever
            // half has room, or alone between them.
            let Some(n) = self.nodes.get_mut(ni) else {
                return;
            };
            let Some(off) = n.offset(j) else {
                return;
            };
            let tail = Node {
                buf: n.buf.get(off..).unwrap_or_default().to_vec(),
                count: n.count - j as u32,
            };
            n.buf.truncate(off);
            n.count = j as u32;
            n.buf.shrink_to_fit();
            self.nodes.insert(ni + 1, tail);
            if self.fits(ni, size) {
                self.insert_into(ni, j, enc);
            } else if self.fits(ni + 1, size) {
                self.insert_into(ni + 1, 0, enc);
            } else {
                self.nodes.insert(ni + 1, Node::with(enc, max_b));
            }
        }
        self.len += 1;
    }

    /// Puts the entry into node `ni` at entry `j` (room already checked).
    fn insert_into(&mut self, ni: usize, j: usize, enc: &Encoded<'_>) {
        let (max_b, _) = self.limits();
        if let Some(n) = self.nodes.get_mut(ni)
            && let Some(off) = n.offset(j)
        {
            splice_entry(&mut n.buf, off, 0, enc, max_b);
            n.count += 1;
        }
    }

    /// Merges node `ni` with `ni + 1` if both fit in one node.
    fn try_merge(&mut self, ni: usize) -> bool {
        let (max_b, max_c) = self.limits();
        let (Some(a), Some(b)) = (self.nodes.get(ni), self.nodes.get(ni + 1)) else {
            return false;
        };
        if a.buf.len() + b.buf.len() > max_b || (a.count + b.count) as usize > max_c {
            return false;
        }
        let Some(b) = self.nodes.remove(ni + 1) else {
            return false;
        };
        self.tail = None;
        if let Some(a) = self.nodes.get_mut(ni) {
            a.buf.reserve_exact(b.buf.len());
            a.buf.extend_from_slice(&b.buf);
            a.count += b.count;
        }
        true
    }

    /// Merges small neighbours around node `ni` after deletions there.
    fn merge_around(&mut self, ni: usize) {
        if ni > 0 && self.try_merge(ni - 1) {
            self.try_merge(ni - 1);
        } else {
            self.try_merge(ni);
        }
    }

    // ---- bulk deletion ------------------------------------------------------

    /// Deletes `count` elements from index `start` on (clamped); returns how
    /// many were deleted.
    pub fn delete_range(&mut self, start: usize, count: usize) -> usize {
        if start >= self.len || count == 0 {
            return 0;
        }
        let count = count.min(self.len - start);
        self.tail = None;
        let Some((mut ni, j)) = self.locate(start) else {
            return 0;
        };
        let mut left = count;
        if j > 0 {
            let Some(n) = self.nodes.get_mut(ni) else {
                return 0;
            };
            let k = left.min(n.count as usize - j);
            let Some(off) = n.offset(j) else {
                return 0;
            };
            let (bytes, k2) = span::<false>(&n.buf, off, k);
            make_gap(&mut n.buf, off, bytes, 0, 0);
            n.count -= k2 as u32;
            n.maybe_shrink();
            left -= k2;
            ni += 1;
        }
        let mut end = ni;
        while let Some(n) = self.nodes.get(end) {
            if left < n.count as usize {
                break;
            }
            left -= n.count as usize;
            end += 1;
        }
        self.nodes.drain(ni..end);
        if left > 0
            && let Some(n) = self.nodes.get_mut(ni)
        {
            let (bytes, k) = span::<false>(&n.buf, 0, left);
            make_gap(&mut n.buf, 0, bytes, 0, 0);
            n.count -= k as u32;
            n.maybe_shrink();
            left -= k;
        }
        let deleted = count - left;
        self.len -= deleted;
        if ni > 0 {
            self.merge_around(ni - 1);
        }
        self.merge_around(ni.min(self.nodes.len().saturating_sub(1)));
        deleted
    }

    /// LTRIM: keeps only elements `start..end` (clamped; an empty or inverted
    /// range empties the list).
    pub fn retain_range(&mut self, start: usize, end: usize) {
        let end = end.min(self.len);
        if start >= end {
            self.clear();
            return;
        }
        self.delete_range(end, self.len - end);
        self.delete_range(0, start);
    }

    /// Removes everything.
    pub fn clear(&mut self) {
        self.nodes = VecDeque::new();
        self.len = 0;
        self.tail = None;
    }

    /// LREM: removes elements equal to `needle` — the first `count` from the
    /// head if `count > 0`, the last `-count` from the tail if `count < 0`, all
    /// if `count == 0`. Returns how many were removed.
    pub fn remove_matching(&mut self, needle: Elem<'_>, count: i64) -> usize {
        let mut left = if count == 0 {
            usize::MAX
        } else {
            usize::try_from(count.unsigned_abs()).unwrap_or(usize::MAX)
        };
        let backward = count < 0;
        let mut removed = 0usize;
        let n_nodes = self.nodes.len();
        let mut touched = false;
        for k in 0..n_nodes {
            if left == 0 {
                break;
            }
            let ni = if backward { n_nodes - 1 - k } else { k };
            let Some(n) = self.nodes.get_mut(ni) else {
                break;
            };
            // Offsets and sizes of the matches in this node, front to back.
            let mut hits: Vec<(usize, usize)> = Vec::new();
            let mut off = 0;
            while off < n.buf.len() {
                let Some((x, l)) = decode(&n.buf, off) else {
                    break;
                };
                let size = l;
                if x == needle {
                    hits.push((off, size));
                    if !backward && hits.len() == left {
                        break;
                    }
                }
                off += size;
            }
            if hits.is_empty() {
                continue;
            }
            if backward && hits.len() > left {
                hits.drain(..hits.len() - left);
            }
            // Compact in one pass: slide each kept run down over the holes.
            // `hits` is non-empty here (checked above).
            let mut write = hits.first().map_or(0, |h| h.0);
            for (h, &(hoff, hsize)) in hits.iter().enumerate() {
                let run_end = hits.get(h + 1).map_or(n.buf.len(), |&(o, _)| o);
                let run_start = hoff + hsize;
                n.buf.copy_within(run_start..run_end, write);
                write += run_end - run_start;
            }
            n.buf.truncate(write);
            n.count -= hits.len() as u32;
            n.maybe_shrink();
            left -= hits.len();
            removed += hits.len();
            touched = true;
        }
        if touched {
            self.tail = None;
            self.nodes.retain(|n| n.count > 0);
            self.len -= removed;
            self.coalesce();
        }
        removed
    }

    /// Merges every run of adjacent nodes that fit together.
    fn coalesce(&mut self) {
        let mut i = 0;
        while i + 1 < self.nodes.len() {
            if !self.try_merge(i) {
                i += 1;
            }
        }
    }

    // ---- search and iteration ----------------------------------------------

    /// LPOS: indexes (from the head) of elements equal to `needle`. `rank`
    /// selects the first match to report (1 = first from the head, -1 = first
    /// from the tail, 2 = skip one match...; 0 is treated as 1 — the command
    /// rejects it before); at most `count` positions are returned (0 = all);
    /// at most `maxlen` elements are compared (0 = all).
    pub fn positions(
        &self,
        needle: Elem<'_>,
        rank: i64,
        count: usize,
        maxlen: usize,
    ) -> Vec<usize> {
        let mut skip = rank.unsigned_abs().saturating_sub(1);
        let want = if count == 0 { usize::MAX } else { count };
        let limit = if maxlen == 0 { usize::MAX } else { maxlen };
        let mut out = Vec::new();
        let mut check = |i: usize, e: Elem<'_>, out: &mut Vec<usize>| {
            if e == needle {
                if skip > 0 {
                    skip -= 1;
                } else {
                    out.push(i);
                }
            }
            out.len() < want
        };
        if rank >= 0 {
            for (i, e) in self.iter().enumerate().take(limit) {
                if !check(i, e, &mut out) {
                    break;
                }
            }
        } else {
            for (k, e) in self.iter().rev().enumerate().take(limit) {
                if !check(self.len - 1 - k, e, &mut out) {
                    break;
                }
            }
        }
        out
    }

    /// Iterates all elements (double-ended, exact size, no allocation).
    pub fn iter(&self) -> Iter<'_> {
        let last = self.nodes.len().saturating_sub(1);
        Iter {
            nodes: &self.nodes,
            fi: 0,
            fbuf: self.nodes.front().map_or(&[], |n| &n.buf),
            foff: 0,
            bi: last,
            bbuf: self.nodes.back().map_or(&[], |n| &n.buf),
            boff: self.nodes.back().map_or(0, |n| n.buf.len()),
            back_offs: Vec::new(),
            remaining: self.len,
        }
    }

    /// Iterates elements `start..end` (clamped) — LRANGE after the command has
    /// normalised its indexes.
    pub fn range(&self, start: usize, end: usize) -> Iter<'_> {
        let end = end.min(self.len);
        let empty = Iter {
            nodes: &self.nodes,
            fi: 0,
            fbuf: &[],
            foff: 0,
            bi: 0,
            bbuf: &[],
            boff: 0,
            back_offs: Vec::new(),
            remaining: 0,
        };
        if start >= end {
            return empty;
        }
        let (Some((fi, fj)), Some((bi, bj))) = (self.locate(start), self.locate(end - 1)) else {
            return empty;
        };
        let (Some(fnode), Some(bnode)) = (self.nodes.get(fi), self.nodes.get(bi)) else {
            return empty;
        };
        let (Some(foff), Some(boff)) = (fnode.offset(fj), bnode.offset(bj + 1)) else {
            return empty;
        };
        Iter {
            nodes: &self.nodes,
            fi,
            fbuf: &fnode.buf,
            foff,
            bi,
            bbuf: &bnode.buf,
            boff,
            back_offs: Vec::new(),
            remaining: end - start,
        }
    }

    /// Iterates the elements of each node in turn as listpack iterators (for
    /// serialisers that want node-sized batches).
    pub fn node_iters(&self) -> impl Iterator<Item = LpIter<'_, false>> {
        self.nodes
            .iter()
            .map(|n| LpIter::over(&n.buf, n.count as usize))
    }
}

impl Clone for List {
    fn clone(&self) -> Self {
        List {
            nodes: self
                .nodes
                .iter()
                .map(|n| Node {
                    buf: n.buf.clone(),
                    count: n.count,
                })
                .collect(),
            len: self.len,
            fill: self.fill,
            tail: None,
        }
    }
}

impl std::fmt::Debug for List {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<'a> IntoIterator for &'a List {
    type Item = Elem<'a>;
    type IntoIter = Iter<'a>;
    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

/// Iterator over a [`List`] or a range of it.
#[derive(Clone)]
pub struct Iter<'a> {
    nodes: &'a VecDeque<Node>,
    fi: usize,
    fbuf: &'a [u8],
    foff: usize,
    bi: usize,
    bbuf: &'a [u8],
    /// Exclusive end of the back cursor in `bbuf`.
    boff: usize,
    /// Offsets of the entries of node `bi` before `boff` not yet yielded:
    /// entries have no backlen, so a node is scanned forward once when the
    /// back cursor enters it (allocated only if iterating backwards).
    back_offs: Vec<u32>,
    remaining: usize,
}

impl<'a> Iterator for Iter<'a> {
    type Item = Elem<'a>;

    #[inline]
    fn next(&mut self) -> Option<Elem<'a>> {
        if self.remaining == 0 {
            return None;
        }
        while self.foff >= self.fbuf.len() {
            self.fi += 1;
            self.fbuf = &self.nodes.get(self.fi)?.buf;
            self.foff = 0;
        }
        let (e, l) = decode(self.fbuf, self.foff)?;
        self.foff += l;
        self.remaining -= 1;
        Some(e)
    }

    #[inline]
    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.remaining, Some(self.remaining))
    }
}

impl DoubleEndedIterator for Iter<'_> {
    #[inline]
    fn next_back(&mut self) -> Option<Self::Item> {
        if self.remaining == 0 {
            return None;
        }
        if self.back_offs.is_empty() {
            while self.boff == 0 {
                self.bi = self.bi.checked_sub(1)?;
                self.bbuf = &self.nodes.get(self.bi)?.buf;
                self.boff = self.bbuf.len();
            }
            // Within the front cursor's node, nothing before it is needed.
            let from = if self.bi == self.fi && self.foff <= self.boff {
                self.foff
            } else {
                0
            };
            self.nodes
                .get(self.bi)?
                .offsets_into(from, self.boff, &mut self.back_offs);
        }
        let p = self.back_offs.pop()? as usize;
        let (e, _) = decode(self.bbuf, p)?;
        self.boff = p;
        self.remaining -= 1;
        Some(e)
    }
}

impl ExactSizeIterator for Iter<'_> {}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::VecDeque;

    fn e(b: &[u8]) -> Elem<'_> {
        Elem::from_bytes(b)
    }

    fn contents(l: &List) -> Vec<Vec<u8>> {
        l.iter().map(Elem::to_vec).collect()
    }

    fn check_invariants(l: &List) {
        let (max_b, max_c) = l.limits();
        let mut total = 0;
        for n in &l.nodes {
            assert!(n.count > 0, "empty node");
            assert_eq!(
                LpIter::<false>::over(&n.buf, usize::MAX).count(),
                n.count as usize
            );
            if n.count > 1 {
                assert!(n.buf.len() <= max_b, "node over byte limit");
                assert!(n.count as usize <= max_c, "node over count limit");
            }
            total += n.count as usize;
        }
        assert_eq!(total, l.len);
        if let Some(t) = &l.tail {
            let n = l.nodes.back().expect("a tail cache implies a tail node");
            let mut want = Vec::new();
            n.offsets_into(0, n.buf.len(), &mut want);
            assert_eq!(**t, want, "stale tail cache");
        }
    }

    #[test]
    fn push_pop_both_ends() {
        let mut l = List::default();
        assert_eq!(l.encoding_name(), "quicklist");
        for i in 0..10_000 {
            l.push_back(Elem::Int(i));
            l.push_front(Elem::Int(-i - 1));
        }
        check_invariants(&l);
        assert_eq!(l.len(), 20_000);
        assert!(l.node_count() > 2);
        assert_eq!(l.get(0), Some(Elem::Int(-10_000)));
        assert_eq!(l.get(-1), Some(Elem::Int(9_999)));
        assert_eq!(l.get(10_000), Some(Elem::Int(0)));
        assert_eq!(l.get(20_000), None);
        assert_eq!(l.get(-20_001), None);
        assert!(
            l.iter()
                .map(|x| x.as_int().unwrap_or(i64::MAX))
                .eq(-10_000..10_000)
        );
        assert!(
            l.range(100, 700)
                .map(|x| x.as_int().unwrap_or(i64::MAX))
                .eq(-9_900..-9_300)
        );
        assert!(
            l.range(100, 700)
                .rev()
                .map(|x| x.as_int().unwrap_or(i64::MAX))
                .eq((-9_900..-9_300).rev())
        );
        for i in 0..10_000 {
            assert_eq!(l.pop_back(), Some(OwnedElem::Int(9_999 - i)));
            assert_eq!(l.pop_front(), Some(OwnedElem::Int(-10_000 + i)));
        }
        assert!(l.is_empty());
        assert_eq!(l.node_count(), 0);
        assert_eq!(l.pop_front(), None);
        assert_eq!(l.pop_back(), None);
    }

    #[test]
    fn small_list_is_small() {
        let mut l = List::default();
        l.push_back(Elem::Str(b"hello"));
        l.push_front(Elem::Int(7));
        assert_eq!(l.node_count(), 1);
        // One 32-byte node slot plus a 64-byte first buffer.
        assert!(l.mem_usage() <= 32 + 64, "{}", l.mem_usage());
        assert_eq!(std::mem::size_of::<List>(), 56);
    }

    #[test]
    fn fill_rules() {
        // Positive fill bounds the count.
        let mut l = List::new(&ListLimits {
            fill: 3,
            compress_depth: 0,
        });
        for i in 0..10 {
            l.push_back(Elem::Int(i));
        }
        assert_eq!(l.node_count(), 4);
        // Zero means one per node.
        let mut l = List::new(&ListLimits {
            fill: 0,
            compress_depth: 0,
        });
        for i in 0..5 {
            l.push_front(Elem::Int(i));
        }
        assert_eq!(l.node_count(), 5);
        // -1 is 4 KB; an oversized element gets its own node.
        let mut l = List::new(&ListLimits {
            fill: -1,
            compress_depth: 0,
        });
        let big = vec![b'x'; 5000];
        l.push_back(e(b"a"));
        l.push_back(Elem::Str(&big));
        l.push_back(e(b"b"));
        assert_eq!(l.node_count(), 3);
        check_invariants(&l);
        assert_eq!(
            contents(&l),
            vec![b"a".to_vec(), big.clone(), b"b".to_vec()]
        );
    }

    #[test]
    fn insert_set_trim_rem_pos() {
        let mut l = List::new(&ListLimits {
            fill: 2,
            compress_depth: 0,
        });
        for x in [b"a", b"b", b"c", b"a", b"d", b"a"] {
            l.push_back(e(x));
        }
        assert!(l.insert_by_pivot(e(b"c"), e(b"X"), false));
        assert!(l.insert_by_pivot(e(b"c"), e(b"Y"), true));
        assert!(!l.insert_by_pivot(e(b"zz"), e(b"Y"), true));
        check_invariants(&l);
        assert_eq!(
            contents(&l),
            [&b"a"[..], b"b", b"X", b"c", b"Y", b"a", b"d", b"a"]
                .iter()
                .map(|x| x.to_vec())
                .collect::<Vec<_>>()
        );
        assert_eq!(l.positions(e(b"a"), 1, 0, 0), vec![0, 5, 7]);
        assert_eq!(l.positions(e(b"a"), -1, 2, 0), vec![7, 5]);
        assert_eq!(l.positions(e(b"a"), 2, 1, 0), vec![5]);
        assert_eq!(l.positions(e(b"a"), 1, 0, 5), vec![0]);
        assert!(l.set(-1, e(b"Z")));
        assert!(!l.set(8, e(b"Z")));
        assert_eq!(l.remove_matching(e(b"a"), -1), 1);
        assert_eq!(l.remove_matching(e(b"a"), 0), 1);
        check_invariants(&l);
        l.retain_range(1, 4);
        assert_eq!(
            contents(&l),
            [&b"X"[..], b"c", b"Y"]
                .iter()
                .map(|x| x.to_vec())
                .collect::<Vec<_>>()
        );
        l.retain_range(2, 1);
        assert!(l.is_empty());
    }

    #[derive(Debug, Clone)]
    enum Op {
        PushBack(Vec<u8>),
        PushFront(Vec<u8>),
        PopBack,
        PopFront,
        Get(i64),
        Set(i64, Vec<u8>),
        Insert(usize, Vec<u8>),
        Pivot(Vec<u8>, Vec<u8>, bool),
        Delete(usize, usize),
        Retain(usize, usize),
        Rem(Vec<u8>, i64),
        Pos(Vec<u8>, i64, usize, usize),
        Range(usize, usize),
    }

    fn val() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            6 => prop::sample::select(vec![&b"a"[..], b"b", b"c", b"1", b"2", b"-7", b"01"])
                .prop_map(|b| b.to_vec()),
            2 => any::<i64>().prop_map(|v| v.to_string().into_bytes()),
            1 => (0usize..3000).prop_map(|n| vec![b'q'; n]),
        ]
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            4 => val().prop_map(Op::PushBack),
            3 => val().prop_map(Op::PushFront),
            1 => Just(Op::PopBack),
            1 => Just(Op::PopFront),
            2 => (-30i64..30).prop_map(Op::Get),
            2 => (-30i64..30, val()).prop_map(|(i, v)| Op::Set(i, v)),
            2 => (0usize..30, val()).prop_map(|(i, v)| Op::Insert(i, v)),
            2 => (val(), val(), any::<bool>()).prop_map(|(p, v, a)| Op::Pivot(p, v, a)),
            1 => (0usize..30, 0usize..10).prop_map(|(i, n)| Op::Delete(i, n)),
            1 => (0usize..10, 0usize..40).prop_map(|(a, b)| Op::Retain(a, b)),
            1 => (val(), -3i64..4).prop_map(|(v, c)| Op::Rem(v, c)),
            1 => (val(), prop_oneof![-3i64..0, 1i64..4], 0usize..3, 0usize..10)
                .prop_map(|(v, r, c, m)| Op::Pos(v, r, c, m)),
            1 => (0usize..30, 0usize..30).prop_map(|(a, b)| Op::Range(a, b)),
        ]
    }

    fn model_pos(
        m: &VecDeque<Vec<u8>>,
        v: &[u8],
        rank: i64,
        count: usize,
        maxlen: usize,
    ) -> Vec<usize> {
        let idx: Vec<usize> = if rank > 0 {
            (0..m.len()).collect()
        } else {
            (0..m.len()).rev().collect()
        };
        let limit = if maxlen == 0 { usize::MAX } else { maxlen };
        let want = if count == 0 { usize::MAX } else { count };
        idx.into_iter()
            .take(limit)
            .filter(|&i| m[i] == v)
            .skip(rank.unsigned_abs() as usize - 1)
            .take(want)
            .collect()
    }

    fn run(fill: i32, ops: Vec<Op>) {
        let mut l = List::new(&ListLimits {
            fill,
            compress_depth: 0,
        });
        let mut m: VecDeque<Vec<u8>> = VecDeque::new();
        for op in ops {
            match op {
                Op::PushBack(v) => {
                    l.push_back_bytes(&v);
                    m.push_back(v);
                }
                Op::PushFront(v) => {
                    l.push_front_bytes(&v);
                    m.push_front(v);
                }
                Op::PopBack => assert_eq!(l.pop_back().map(OwnedElem::into_vec), m.pop_back()),
                Op::PopFront => assert_eq!(l.pop_front().map(OwnedElem::into_vec), m.pop_front()),
                Op::Get(i) => {
                    let want = normalize_index(i, m.len()).map(|j| m[j].clone());
                    assert_eq!(l.get(i).map(Elem::to_vec), want);
                }
                Op::Set(i, v) => {
                    let j = normalize_index(i, m.len());
                    assert_eq!(l.set(i, e(&v)), j.is_some());
                    if let Some(j) = j {
                        m[j] = v;
                    }
                }
                Op::Insert(i, v) => {
                    assert_eq!(l.insert(i, e(&v)), i <= m.len());
                    if i <= m.len() {
                        m.insert(i, v);
                    }
                }
                Op::Pivot(p, v, after) => {
                    let at = m.iter().position(|x| *x == p);
                    assert_eq!(l.insert_by_pivot(e(&p), e(&v), after), at.is_some());
                    if let Some(at) = at {
                        m.insert(at + usize::from(after), v);
                    }
                }
                Op::Delete(i, n) => {
                    let want = if i < m.len() { n.min(m.len() - i) } else { 0 };
                    assert_eq!(l.delete_range(i, n), want);
                    m.drain(i.min(m.len())..(i + want).min(m.len()));
                }
                Op::Retain(a, b) => {
                    l.retain_range(a, b);
                    let b = b.min(m.len());
                    m = if a < b {
                        m.range(a..b).cloned().collect()
                    } else {
                        VecDeque::new()
                    };
                }
                Op::Rem(v, c) => {
                    let mut idx: Vec<usize> = (0..m.len()).filter(|&i| m[i] == v).collect();
                    if c > 0 {
                        idx.truncate(c as usize);
                    } else if c < 0 {
                        let k = (-c) as usize;
                        if idx.len() > k {
                            idx.drain(..idx.len() - k);
                        }
                    }
                    assert_eq!(l.remove_matching(e(&v), c), idx.len());
                    for &i in idx.iter().rev() {
                        m.remove(i);
                    }
                }
                Op::Pos(v, r, c, ml) => {
                    assert_eq!(l.positions(e(&v), r, c, ml), model_pos(&m, &v, r, c, ml));
                }
                Op::Range(a, b) => {
                    let got: Vec<Vec<u8>> = l.range(a, b).map(Elem::to_vec).collect();
                    let b2 = b.min(m.len());
                    let want: Vec<Vec<u8>> = if a < b2 {
                        m.range(a..b2).cloned().collect()
                    } else {
                        Vec::new()
                    };
                    assert_eq!(got, want);
                    let mut back: Vec<Vec<u8>> = l.range(a, b).rev().map(Elem::to_vec).collect();
                    back.reverse();
                    assert_eq!(back, want);
                }
            }
            assert_eq!(l.len(), m.len());
            check_invariants(&l);
        }
        assert!(l.iter().map(Elem::to_vec).eq(m.iter().cloned()));
        assert!(l.iter().rev().map(Elem::to_vec).eq(m.iter().rev().cloned()));
        assert_eq!(l.first().map(Elem::to_vec).as_ref(), m.front());
        assert_eq!(l.last().map(Elem::to_vec).as_ref(), m.back());
        let nodes: usize = l.node_iters().map(|it| it.count()).sum();
        assert_eq!(nodes, m.len());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]
        #[test]
        fn list_matches_vecdeque(
            fill in prop::sample::select(vec![0i32, 1, 2, 3, 5, -1, -2]),
            ops in prop::collection::vec(op(), 0..200),
        ) {
            run(fill, ops);
        }
    }
}
