//! `SortedSet`: the sorted-set value (Redis 7.0 t_zset.c), in two encodings
//! exactly where Redis uses each, so OBJECT ENCODING answers the same:
//!
//! - **small** (`"listpack"`): one contiguous buffer of entries in ascending
//!   (score, member) order, each `[score][member length: LEB128][member bytes]`
//!   where an integral score is a 1–8 byte varint and any other a flag byte
//!   plus the 8-byte double — no larger than Redis's listpack entry pair, with
//!   no per-entry allocation. Every operation is a linear scan, as in Redis;
//!   the limits keep it short. The buffer is sized exactly (like a listpack,
//!   which is reallocated per change) so thousands of small sets waste nothing.
//! - **large** (`"skiplist"`): [`ScoreTree`] (dict + order-statistic B+tree, see
//!   skiplist.rs): O(1) member lookup, O(log n) insert/delete/rank/range start.
//!
//! Conversion follows Redis 7.0 exactly (zsetAdd, zaddGenericCommand,
//! zrangeResultBeginStore, zsetConvertToListpackIfNeeded):
//! - a new set is large if the caller's size hint exceeds
//!   `zset-max-listpack-entries` or its (first) member exceeds
//!   `zset-max-listpack-value` ([`SortedSet::new`]);
//! - adding a *new* member converts small → large beforehand when the set
//!   would exceed the entry limit, the member the value limit, or the buffer
//!   1 GiB (Redis's lpSafeToAdd); updating an existing member never converts;
//! - nothing converts back by itself (deleting keeps the encoding); the command
//!   layer calls [`SortedSet::convert_to_small_if_fits`] where Redis does
//!   (ZUNIONSTORE/ZINTERSTORE/ZDIFFSTORE results, GEO ... STORE, RDB load).
//!
//! One observable difference between the encodings is reproduced on purpose:
//! a listpack stores an integral score as an integer, so Redis turns `-0` into
//! `0` in a small set (ZSCORE says `0`) but keeps `-0` in a large one. The small
//! encoding does the same (it stores integral scores as integers too); the
//! score *returned* by an add is the unnormalised one, as Redis's ZADD INCR
//! replies `-0` even for a listpack.
//!
//! Lex ranges assume equal scores, as Redis documents; with mixed scores the
//! answer is consistent but unspecified (Redis's own answer then depends on its
//! encoding and skiplist levels).
//!
//! Ranks are 0-based; `reverse` counts from the highest element.

use crate::score::{ERR_NAN_RESULT, LexBound, LexRange, ScoreRange};
use crate::skiplist::{ScoreTree, TreeIter};
use crate::string::Bytes;
use std::fmt;

/// Redis's default `zset-max-listpack-entries`.
pub const DEFAULT_MAX_LISTPACK_ENTRIES: usize = 128;
/// Redis's default `zset-max-listpack-value`.
pub const DEFAULT_MAX_LISTPACK_VALUE: usize = 64;
/// Redis's LISTPACK_MAX_SAFETY_SIZE: a listpack never grows past 1 GiB.
const SMALL_MAX_BYTES: usize = 1 << 30;

/// The encoding thresholds (`zset-max-listpack-entries`/`-value`, alias
/// `zset-max-ziplist-*`), passed in rather than read from globals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub max_listpack_entries: usize,
    pub max_listpack_value: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_listpack_entries: DEFAULT_MAX_LISTPACK_ENTRIES,
            max_listpack_value: DEFAULT_MAX_LISTPACK_VALUE,
        }
    }
}

/// ZADD's options (CH is the caller's: count [`AddOutcome::changed`]).
/// Incompatible combinations are the command layer's to refuse first:
/// "ERR XX and NX options at the same time are not compatible",
/// "ERR GT, LT, and/or NX options at the same time are not compatible",
/// "ERR INCR option supports a single increment-element pair".
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AddFlags {
    pub nx: bool,
    pub xx: bool,
    pub gt: bool,
    pub lt: bool,
    pub incr: bool,
}

/// What [`SortedSet::add`] did (Redis's ZADD_OUT_* flags plus `newscore`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum AddOutcome {
    /// A new member, with this score.
    Added(f64),
    /// An existing member's score changed to this.
    Updated(f64),
    /// An existing member kept its score (same score, or a zero increment);
    /// ZADD INCR still replies this score.
    Unchanged(f64),
    /// NX/XX/GT/LT prevented the operation (ZADD INCR replies nil).
    Skipped,
}

impl AddOutcome {
    /// Counted by ZADD CH.
    pub fn changed(self) -> bool {
        matches!(self, AddOutcome::Added(_) | AddOutcome::Updated(_))
    }

    /// Counted by plain ZADD.
    pub fn added(self) -> bool {
        matches!(self, AddOutcome::Added(_))
    }

    /// The member's score afterwards (ZADD INCR / ZINCRBY reply), None if skipped.
    pub fn score(self) -> Option<f64> {
        match self {
            AddOutcome::Added(s) | AddOutcome::Updated(s) | AddOutcome::Unchanged(s) => Some(s),
            AddOutcome::Skipped => None,
        }
    }
}

/// [`SortedSet::add`]'s only error: the (incremented) score is NaN.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddError {
    NotANumber,
}

impl AddError {
    /// The exact reply: "ERR resulting score is not a number (NaN)".
    pub fn message(self) -> &'static str {
        ERR_NAN_RESULT
    }
}

impl fmt::Display for AddError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

impl std::error::Error for AddError {}

/// Normalises Redis's rank arguments (`ZRANGE start stop`, `ZREMRANGEBYRANK`):
/// negative counts from the end; returns inclusive positions, or None when the
/// range is empty — exactly zrangeGenericCommand's arithmetic.
pub fn normalize_index_range(start: i64, stop: i64, len: usize) -> Option<(usize, usize)> {
    let llen = i64::try_from(len).unwrap_or(i64::MAX);
    let mut start = if start < 0 { llen + start } else { start };
    let mut stop = if stop < 0 { llen + stop } else { stop };
    if start < 0 {
        start = 0;
    }
    if start > stop || start >= llen {
        return None;
    }
    if stop >= llen {
        stop = llen - 1;
    }
    // Both are now within 0..llen.
    Some((start as usize, stop as usize))
}

// ---- the small encoding ----

fn write_varint(out: &mut [u8], mut n: u64) -> usize {
    let mut i = 0;
    loop {
        let byte = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out[i] = byte;
            return i + 1;
        }
        out[i] = byte | 0x80;
        i += 1;
    }
}

fn read_varint(buf: &[u8], at: usize) -> Option<(u64, usize)> {
    let mut n: u64 = 0;
    for i in 0..10 {
        let b = *buf.get(at + i)?;
        n |= u64::from(b & 0x7f).checked_shl(7 * i as u32)?;
        if b & 0x80 == 0 {
            return Some((n, i + 1));
        }
    }
    None
}

/// Integers below this magnitude are exact as doubles (2^53).
const EXACT_INT: f64 = 9_007_199_254_740_992.0;
/// Longest entry head: 1 + 8 bytes of score, 10 of member length.
const HEAD_MAX: usize = 19;

/// Writes an entry's head — score, then member length — and returns its size.
/// Like a listpack, an integral score is stored as an integer: a zigzag varint
/// shifted left once (so 1 byte for |score| ≤ 31); any other score is the
/// flag byte 1 and the 8 bytes of the double. This is also why `-0` reads
/// back as `0` from a small set, as from Redis's listpack.
fn encode_head(score: f64, member_len: usize, out: &mut [u8; HEAD_MAX]) -> usize {
    let mut n = if score == score.trunc() && score.abs() < EXACT_INT {
        // Integral and below 2^53 in magnitude: the cast is exact.
        let i = score as i64;
        let zigzag = ((i << 1) ^ (i >> 63)) as u64;
        write_varint(&mut out[..], zigzag << 1)
    } else {
        out[0] = 1;
        out[1..9].copy_from_slice(&score.to_le_bytes());
        9
    };
    n += write_varint(&mut out[n..], member_len as u64);
    n
}

/// The entry at `at`: (score, member, offset of the next entry).
fn decode(buf: &[u8], at: usize) -> Option<(f64, &[u8], usize)> {
    let (head, n) = read_varint(buf, at)?;
    let (score, at) = if head & 1 == 1 {
        let bytes = buf.get(at + 1..at + 9)?.try_into().ok()?;
        (f64::from_le_bytes(bytes), at + 9)
    } else {
        let zigzag = head >> 1;
        let i = ((zigzag >> 1) as i64) ^ -((zigzag & 1) as i64);
        (i as f64, at + n)
    };
    let (len, n) = read_varint(buf, at)?;
    let start = at + n;
    let len = usize::try_from(len).ok()?;
    let member = buf.get(start..start.checked_add(len)?)?;
    Some((score, member, start + len))
}

fn entry_size(member: &[u8], score: f64) -> usize {
    encode_head(score, member.len(), &mut [0; HEAD_MAX]) + member.len()
}

/// `(a_score, a_member) > (b_score, b_member)` in sorted-set order.
fn greater(a_score: f64, a_member: &[u8], b_score: f64, b_member: &[u8]) -> bool {
    a_score > b_score || (a_score == b_score && a_member > b_member)
}

#[derive(Clone, Default)]
struct Small {
    buf: Vec<u8>,
    len: usize,
}

/// Walks a small set's entries: (offset, score, member, next offset).
struct Entries<'a> {
    buf: &'a [u8],
    at: usize,
}

impl<'a> Iterator for Entries<'a> {
    type Item = (usize, f64, &'a [u8], usize);

    fn next(&mut self) -> Option<Self::Item> {
        let (score, member, next) = decode(self.buf, self.at)?;
        let at = std::mem::replace(&mut self.at, next);
        Some((at, score, member, next))
    }
}

impl Small {
    fn entries(&self) -> Entries<'_> {
        Entries {
            buf: &self.buf,
            at: 0,
        }
    }

    /// (offset, end, rank, score) of `member`.
    fn find(&self, member: &[u8]) -> Option<(usize, usize, usize, f64)> {
        self.entries()
            .enumerate()
            .find(|(_, (_, _, m, _))| *m == member)
            .map(|(rank, (at, score, _, end))| (at, end, rank, score))
    }

    /// Byte offset of the entry at `rank` (the buffer's end for `len`).
    fn offset_of(&self, rank: usize) -> usize {
        if rank >= self.len {
            return self.buf.len();
        }
        self.entries().nth(rank).map_or(self.buf.len(), |e| e.0)
    }

    fn insert(&mut self, member: &[u8], score: f64) {
        let at = self
            .entries()
            .find(|&(_, s, m, _)| greater(s, m, score, member))
            .map_or(self.buf.len(), |e| e.0);
        let mut head = [0; HEAD_MAX];
        let h = encode_head(score, member.len(), &mut head);
        let size = h + member.len();
        let old = self.buf.len();
        // Exact growth, as a listpack's realloc: small sets are many.
        self.buf.reserve_exact(size);
        self.buf.resize(old + size, 0);
        self.buf.copy_within(at..old, at + size);
        self.buf[at..at + h].copy_from_slice(&head[..h]);
        self.buf[at + h..at + size].copy_from_slice(member);
        self.len += 1;
    }

    /// Appends an entry known to sort after every present one.
    fn push(&mut self, member: &[u8], score: f64) {
        let mut head = [0; HEAD_MAX];
        let h = encode_head(score, member.len(), &mut head);
        self.buf.extend_from_slice(&head[..h]);
        self.buf.extend_from_slice(member);
        self.len += 1;
    }

    /// Removes the bytes `at..end`, which hold `count` entries.
    fn remove_span(&mut self, at: usize, end: usize, count: usize) {
        self.buf.drain(at..end);
        self.len -= count;
        if self.buf.capacity() > self.buf.len() + self.buf.len() / 4 + 64 {
            self.buf.shrink_to_fit();
        }
    }

    /// Forward ranks `[start, end)` as offsets.
    fn span_of(&self, start: usize, end: usize) -> (usize, usize) {
        let mut a = self.buf.len();
        let mut b = self.buf.len();
        for (rank, (at, ..)) in self.entries().enumerate() {
            if rank == start {
                a = at;
            }
            if rank == end {
                b = at;
                break;
            }
        }
        (a, b)
    }

    /// Number of leading entries for which `pred(score, member)` holds.
    fn count_while(&self, mut pred: impl FnMut(f64, &[u8]) -> bool) -> usize {
        self.entries()
            .take_while(|&(_, s, m, _)| pred(s, m))
            .count()
    }
}

enum Repr {
    Small(Small),
    Large(Box<ScoreTree>),
}

/// A sorted set value. See the module documentation.
pub struct SortedSet {
    repr: Repr,
}

impl Default for SortedSet {
    fn default() -> Self {
        SortedSet::new_small()
    }
}

impl Clone for SortedSet {
    fn clone(&self) -> Self {
        let repr = match &self.repr {
            Repr::Small(s) => Repr::Small(s.clone()),
            Repr::Large(t) => Repr::Large(Box::new(ScoreTree::from_sorted(t.iter()))),
        };
        SortedSet { repr }
    }
}

impl fmt::Debug for SortedSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.iter().map(|(m, s)| (String::from_utf8_lossy(m), s)))
            .finish()
    }
}

impl SortedSet {
    /// A new, empty set in the encoding Redis would pick for a set about to
    /// receive `len_hint` elements whose longest member is `max_member_len`
    /// bytes: large when either exceeds its limit.
    /// - ZADD / ZINCRBY creating a key: `new(limits, 1, first_member.len())`
    ///   (Redis checks only the first member: later ones convert as they come);
    /// - ZRANGESTORE by rank: `new(limits, result_len, 0)`; by score or lex
    ///   Redis does not know the length up front: `new(limits, 0, 0)`.
    pub fn new(limits: &Limits, len_hint: usize, max_member_len: usize) -> SortedSet {
        if len_hint > limits.max_listpack_entries || max_member_len > limits.max_listpack_value {
            SortedSet::new_large()
        } else {
            SortedSet::new_small()
        }
    }

    pub fn new_small() -> SortedSet {
        SortedSet {
            repr: Repr::Small(Small::default()),
        }
    }

    pub fn new_large() -> SortedSet {
        SortedSet {
            repr: Repr::Large(Box::default()),
        }
    }

    pub fn len(&self) -> usize {
        match &self.repr {
            Repr::Small(s) => s.len,
            Repr::Large(t) => t.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// OBJECT ENCODING's answer.
    pub fn encoding_name(&self) -> &'static str {
        match self.repr {
            Repr::Small(_) => "listpack",
            Repr::Large(_) => "skiplist",
        }
    }

    pub fn is_small(&self) -> bool {
        matches!(self.repr, Repr::Small(_))
    }

    pub fn score(&self, member: &[u8]) -> Option<f64> {
        match &self.repr {
            Repr::Small(s) => s.find(member).map(|f| f.3),
            Repr::Large(t) => t.score(member),
        }
    }

    pub fn contains(&self, member: &[u8]) -> bool {
        self.score(member).is_some()
    }

    /// ZADD / ZINCRBY for one member: Redis's zsetAdd, flag for flag.
    /// With `incr`, `score` is the increment (an absent member starts from it,
    /// not from 0 + it). May convert the set to the large encoding first.
    pub fn add(
        &mut self,
        member: &[u8],
        score: f64,
        flags: AddFlags,
        limits: &Limits,
    ) -> Result<AddOutcome, AddError> {
        if score.is_nan() {
            return Err(AddError::NotANumber);
        }
        let current = self.score(member);
        let Some(cur) = current else {
            if flags.xx {
                return Ok(AddOutcome::Skipped);
            }
            if let Repr::Small(s) = &self.repr
                && (s.len + 1 > limits.max_listpack_entries
                    || member.len() > limits.max_listpack_value
                    || s.buf.len() + member.len() > SMALL_MAX_BYTES)
            {
                self.convert_to_large();
            }
            match &mut self.repr {
                Repr::Small(s) => s.insert(member, score),
                // Known absent (looked up above): skip the second lookup.
                Repr::Large(t) => t.insert_absent(member, score),
            }
            return Ok(AddOutcome::Added(score));
        };
        if flags.nx {
            return Ok(AddOutcome::Skipped);
        }
        let mut new = score;
        if flags.incr {
            new += cur;
            if new.is_nan() {
                return Err(AddError::NotANumber);
            }
        }
        if (flags.lt && new >= cur) || (flags.gt && new <= cur) {
            return Ok(AddOutcome::Skipped);
        }
        if new == cur {
            return Ok(AddOutcome::Unchanged(new));
        }
        match &mut self.repr {
            Repr::Small(s) => {
                if let Some((at, end, _, _)) = s.find(member) {
                    s.remove_span(at, end, 1);
                }
                s.insert(member, new);
            }
            Repr::Large(t) => {
                t.set_score(member, new);
            }
        }
        Ok(AddOutcome::Updated(new))
    }

    /// ZREM of one member: its score if it was there.
    pub fn remove(&mut self, member: &[u8]) -> Option<f64> {
        match &mut self.repr {
            Repr::Small(s) => {
                let (at, end, _, score) = s.find(member)?;
                s.remove_span(at, end, 1);
                Some(score)
            }
            Repr::Large(t) => t.remove(member),
        }
    }

    /// ZRANK / ZREVRANK.
    pub fn rank(&self, member: &[u8], reverse: bool) -> Option<usize> {
        let rank = match &self.repr {
            Repr::Small(s) => s.find(member)?.2,
            Repr::Large(t) => t.rank(member)?,
        };
        Some(if reverse { self.len() - 1 - rank } else { rank })
    }

    /// The element at a rank (from the highest when `reverse`).
    pub fn get_by_rank(&self, rank: usize, reverse: bool) -> Option<(&[u8], f64)> {
        let len = self.len();
        if rank >= len {
            return None;
        }
        let rank = if reverse { len - 1 - rank } else { rank };
        match &self.repr {
            Repr::Small(s) => decode(&s.buf, s.offset_of(rank)).map(|(sc, m, _)| (m, sc)),
            Repr::Large(t) => t.get(rank),
        }
    }

    /// Every element, ascending.
    pub fn iter(&self) -> Iter<'_> {
        self.range(0, self.len(), false)
    }

    /// Elements at forward ranks `start..end` (clamped), ascending — or
    /// descending from `end - 1` when `reverse`.
    pub fn range(&self, start: usize, end: usize, reverse: bool) -> Iter<'_> {
        let end = end.min(self.len());
        let count = end.saturating_sub(start);
        let repr = match &self.repr {
            Repr::Small(s) if count == 0 => IterRepr::Small {
                buf: &s.buf,
                at: 0,
                remaining: 0,
            },
            Repr::Small(s) if !reverse => IterRepr::Small {
                buf: &s.buf,
                at: s.offset_of(start),
                remaining: count,
            },
            Repr::Small(s) => {
                let at = s.offset_of(start);
                let offsets = Entries { buf: &s.buf, at }
                    .take(count)
                    .map(|e| e.0)
                    .collect();
                IterRepr::SmallRev {
                    buf: &s.buf,
                    offsets,
                }
            }
            Repr::Large(t) => IterRepr::Large(t.iter_ranks(start, end, reverse)),
        };
        Iter(repr)
    }

    /// ZRANGE key start stop [REV]: Redis's index arguments (negative from the
    /// end; with `reverse`, index 0 is the highest element).
    pub fn range_by_index(&self, start: i64, stop: i64, reverse: bool) -> Iter<'_> {
        let len = self.len();
        match normalize_index_range(start, stop, len) {
            None => self.range(0, 0, false),
            Some((s, e)) if !reverse => self.range(s, e + 1, false),
            Some((s, e)) => self.range(len - 1 - e, len - s, true),
        }
    }

    /// Forward ranks `[lo, hi)` of the elements within a score range (empty,
    /// `lo >= hi`, when the range is).
    pub fn score_range_ranks(&self, range: &ScoreRange) -> (usize, usize) {
        let (min, max) = (range.min, range.max);
        let (lo, hi) = match &self.repr {
            Repr::Small(s) => (
                s.count_while(|sc, _| !range.above_min(sc)),
                s.count_while(|sc, _| range.below_max(sc)),
            ),
            Repr::Large(t) => (
                t.count_below_score(min.value, min.exclusive),
                t.count_below_score(max.value, !max.exclusive),
            ),
        };
        (lo, hi.max(lo))
    }

    /// Forward ranks `[lo, hi)` of the elements within a lex range.
    pub fn lex_range_ranks(&self, range: &LexRange<'_>) -> (usize, usize) {
        let len = self.len();
        let (lo, hi) = match &self.repr {
            Repr::Small(s) => (
                s.count_while(|_, m| !range.above_min(m)),
                s.count_while(|_, m| range.below_max(m)),
            ),
            Repr::Large(t) => {
                let lo = match range.min {
                    LexBound::NegInf => 0,
                    LexBound::PosInf => len,
                    LexBound::Inclusive(m) => t.count_below_member(m, false),
                    LexBound::Exclusive(m) => t.count_below_member(m, true),
                };
                let hi = match range.max {
                    LexBound::NegInf => 0,
                    LexBound::PosInf => len,
                    LexBound::Inclusive(m) => t.count_below_member(m, true),
                    LexBound::Exclusive(m) => t.count_below_member(m, false),
                };
                (lo, hi)
            }
        };
        (lo, hi.max(lo))
    }

    /// ZCOUNT.
    pub fn count_in_score_range(&self, range: &ScoreRange) -> usize {
        let (lo, hi) = self.score_range_ranks(range);
        hi - lo
    }

    /// ZLEXCOUNT.
    pub fn count_in_lex_range(&self, range: &LexRange<'_>) -> usize {
        let (lo, hi) = self.lex_range_ranks(range);
        hi - lo
    }

    /// Skips `offset` then takes up to `limit` of forward ranks `[lo, hi)`, from
    /// the top when `reverse` (ZRANGEBYSCORE/BYLEX ... LIMIT). A negative LIMIT
    /// count is `None`; a negative offset gives an empty reply in Redis, which
    /// the caller handles.
    fn window(
        &self,
        (lo, hi): (usize, usize),
        reverse: bool,
        offset: usize,
        limit: Option<usize>,
    ) -> Iter<'_> {
        let avail = (hi - lo).saturating_sub(offset);
        let take = limit.map_or(avail, |l| l.min(avail));
        if reverse {
            let end = hi - offset.min(hi - lo);
            self.range(end - take, end, true)
        } else {
            let start = lo + offset.min(hi - lo);
            self.range(start, start + take, false)
        }
    }

    /// ZRANGEBYSCORE / ZREVRANGEBYSCORE / ZRANGE BYSCORE [REV] [LIMIT].
    pub fn range_by_score(
        &self,
        range: &ScoreRange,
        reverse: bool,
        offset: usize,
        limit: Option<usize>,
    ) -> Iter<'_> {
        self.window(self.score_range_ranks(range), reverse, offset, limit)
    }

    /// ZRANGEBYLEX / ZREVRANGEBYLEX / ZRANGE BYLEX [REV] [LIMIT].
    pub fn range_by_lex(
        &self,
        range: &LexRange<'_>,
        reverse: bool,
        offset: usize,
        limit: Option<usize>,
    ) -> Iter<'_> {
        self.window(self.lex_range_ranks(range), reverse, offset, limit)
    }

    /// Removes forward ranks `start..end` (clamped); returns how many.
    pub fn remove_range(&mut self, start: usize, end: usize) -> usize {
        let end = end.min(self.len());
        if start >= end {
            return 0;
        }
        match &mut self.repr {
            Repr::Small(s) => {
                let (a, b) = s.span_of(start, end);
                s.remove_span(a, b, end - start);
                end - start
            }
            Repr::Large(t) => t.remove_rank_range(start, end),
        }
    }

    /// ZREMRANGEBYRANK.
    pub fn remove_range_by_index(&mut self, start: i64, stop: i64) -> usize {
        match normalize_index_range(start, stop, self.len()) {
            Some((s, e)) => self.remove_range(s, e + 1),
            None => 0,
        }
    }

    /// ZREMRANGEBYSCORE.
    pub fn remove_range_by_score(&mut self, range: &ScoreRange) -> usize {
        let (lo, hi) = self.score_range_ranks(range);
        self.remove_range(lo, hi)
    }

    /// ZREMRANGEBYLEX.
    pub fn remove_range_by_lex(&mut self, range: &LexRange<'_>) -> usize {
        let (lo, hi) = self.lex_range_ranks(range);
        self.remove_range(lo, hi)
    }

    /// ZPOPMIN: up to `count` lowest elements, lowest first.
    pub fn pop_min(&mut self, count: usize) -> Vec<(Bytes, f64)> {
        let n = count.min(self.len());
        match &mut self.repr {
            Repr::Small(s) => {
                let out: Vec<_> = s
                    .entries()
                    .take(n)
                    .map(|(_, sc, m, _)| (Bytes::new(m), sc))
                    .collect();
                let end = s.offset_of(n);
                s.remove_span(0, end, n);
                out
            }
            Repr::Large(t) => (0..n).filter_map(|_| t.remove_rank(0)).collect(),
        }
    }

    /// ZPOPMAX: up to `count` highest elements, highest first.
    pub fn pop_max(&mut self, count: usize) -> Vec<(Bytes, f64)> {
        let len = self.len();
        let n = count.min(len);
        match &mut self.repr {
            Repr::Small(s) => {
                let at = s.offset_of(len - n);
                let mut out: Vec<_> = Entries { buf: &s.buf, at }
                    .map(|(_, sc, m, _)| (Bytes::new(m), sc))
                    .collect();
                out.reverse();
                let end = s.buf.len();
                s.remove_span(at, end, n);
                out
            }
            Repr::Large(t) => (0..n)
                .filter_map(|_| t.remove_rank(t.len().checked_sub(1)?))
                .collect(),
        }
    }

    /// One random element (ZRANDMEMBER without count, and each pick of a
    /// negative count); `random` supplies random numbers.
    pub fn random_member(&self, mut random: impl FnMut() -> u64) -> Option<(&[u8], f64)> {
        match &self.repr {
            Repr::Small(_) => {
                let len = self.len() as u64;
                if len == 0 {
                    return None;
                }
                self.get_by_rank((random() % len) as usize, false)
            }
            Repr::Large(t) => t.random(random),
        }
    }

    /// Repeated random picks (ZRANDMEMBER with a negative count): one pass over
    /// a small set up front, then each pick is O(1) — where calling
    /// [`SortedSet::random_member`] per pick would walk the buffer each time.
    pub fn sampler(&self) -> Sampler<'_> {
        let all = match &self.repr {
            Repr::Small(_) => self.iter().collect(),
            Repr::Large(_) => Vec::new(),
        };
        Sampler { set: self, all }
    }

    /// ZRANDMEMBER with a positive count: `count` distinct elements, in the
    /// order Redis 7.0 gives them where that order is deterministic:
    /// - `count >= len`: the whole set, highest first (Redis walks it backwards);
    /// - small set, `count * 3 <= len`: a random subset, highest first (as
    ///   lpRandomPairsUnique's answer comes out);
    /// - otherwise a random subset in random order.
    pub fn random_members(
        &self,
        count: usize,
        mut random: impl FnMut() -> u64,
    ) -> Vec<(&[u8], f64)> {
        let len = self.len();
        if count == 0 || len == 0 {
            return Vec::new();
        }
        if count >= len {
            return self.range(0, len, true).collect();
        }
        let mut below = |n: usize| (random() % n as u64) as usize;
        let mut picks: Vec<usize> = if count.saturating_mul(3) > len {
            // Most of the set: partial Fisher-Yates over all ranks.
            let mut all: Vec<usize> = (0..len).collect();
            for i in 0..count {
                let j = i + below(len - i);
                all.swap(i, j);
            }
            all.truncate(count);
            all
        } else {
            // Floyd's algorithm: `count` distinct ranks in O(count).
            let mut seen = hashbrown::HashSet::with_capacity(count);
            let mut order = Vec::with_capacity(count);
            for j in len - count..len {
                let t = below(j + 1);
                let pick = if seen.insert(t) { t } else { j };
                if pick == j {
                    seen.insert(j);
                }
                order.push(pick);
            }
            order
        };
        match &self.repr {
            Repr::Small(_) => {
                let all: Vec<(&[u8], f64)> = self.iter().collect();
                if count.saturating_mul(3) <= len {
                    picks.sort_unstable_by(|a, b| b.cmp(a));
                }
                picks.iter().filter_map(|&r| all.get(r).copied()).collect()
            }
            Repr::Large(t) => picks.iter().filter_map(|&r| t.get(r)).collect(),
        }
    }

    /// One ZSCAN step: calls `f` for each element under `cursor` and returns
    /// the next cursor. A small set is returned whole with cursor 0, as Redis
    /// does for listpacks.
    pub fn scan(&self, cursor: u64, mut f: impl FnMut(&[u8], f64)) -> u64 {
        match &self.repr {
            Repr::Small(_) => {
                for (m, s) in self.iter() {
                    f(m, s);
                }
                0
            }
            Repr::Large(t) => t.scan(cursor, f),
        }
    }

    /// Approximate bytes used, this struct included (MEMORY USAGE).
    pub fn mem_usage(&self) -> usize {
        size_of::<SortedSet>()
            + match &self.repr {
                Repr::Small(s) => s.buf.capacity(),
                Repr::Large(t) => t.mem_usage(),
            }
    }

    /// Converts to the large encoding (no-op if already large).
    pub fn convert_to_large(&mut self) {
        if let Repr::Small(s) = &self.repr {
            let tree = ScoreTree::from_sorted(s.entries().map(|(_, sc, m, _)| (m, sc)));
            self.repr = Repr::Large(Box::new(tree));
        }
    }

    /// Redis's zsetConvertToListpackIfNeeded: back to the small encoding when
    /// the set fits the limits. Returns whether the set is small afterwards.
    pub fn convert_to_small_if_fits(&mut self, limits: &Limits) -> bool {
        let Repr::Large(t) = &self.repr else {
            return true;
        };
        if t.len() > limits.max_listpack_entries {
            return false;
        }
        let (mut max, mut total) = (0, 0usize);
        for (m, _) in t.iter() {
            max = max.max(m.len());
            total = total.saturating_add(m.len());
        }
        if max > limits.max_listpack_value || total > SMALL_MAX_BYTES {
            return false;
        }
        let mut small = Small::default();
        small
            .buf
            .reserve_exact(t.iter().map(|(m, s)| entry_size(m, s)).sum());
        for (m, s) in t.iter() {
            small.push(m, s);
        }
        self.repr = Repr::Small(small);
        true
    }

    /// The tree's invariants (tests only).
    #[cfg(test)]
    pub(crate) fn check(&self) {
        match &self.repr {
            Repr::Small(s) => {
                let all: Vec<_> = s.entries().collect();
                assert_eq!(all.len(), s.len);
                assert_eq!(all.last().map_or(0, |e| e.3), s.buf.len());
                for w in all.windows(2) {
                    assert!(greater(w[1].1, w[1].2, w[0].1, w[0].2));
                }
            }
            Repr::Large(t) => t.check(),
        }
    }
}

/// See [`SortedSet::sampler`].
pub struct Sampler<'a> {
    set: &'a SortedSet,
    /// A small set's elements; empty for a large one (the dict picks).
    all: Vec<(&'a [u8], f64)>,
}

impl<'a> Sampler<'a> {
    /// One uniformly random element (None when the set is empty).
    pub fn pick(&mut self, mut random: impl FnMut() -> u64) -> Option<(&'a [u8], f64)> {
        match &self.set.repr {
            Repr::Small(_) => {
                let n = self.all.len() as u64;
                if n == 0 {
                    return None;
                }
                self.all.get((random() % n) as usize).copied()
            }
            Repr::Large(t) => t.random(random),
        }
    }
}

enum IterRepr<'a> {
    Small {
        buf: &'a [u8],
        at: usize,
        remaining: usize,
    },
    /// Entries can only be decoded forwards: the range's offsets, taken from
    /// the back.
    SmallRev {
        buf: &'a [u8],
        offsets: Vec<usize>,
    },
    Large(TreeIter<'a>),
}

/// Iterator over (member, score) pairs of a [`SortedSet`] range.
pub struct Iter<'a>(IterRepr<'a>);

impl<'a> Iterator for Iter<'a> {
    type Item = (&'a [u8], f64);

    fn next(&mut self) -> Option<Self::Item> {
        match &mut self.0 {
            IterRepr::Small { buf, at, remaining } => {
                if *remaining == 0 {
                    return None;
                }
                let (score, member, next) = decode(buf, *at)?;
                *at = next;
                *remaining -= 1;
                Some((member, score))
            }
            IterRepr::SmallRev { buf, offsets } => {
                let at = offsets.pop()?;
                decode(buf, at).map(|(s, m, _)| (m, s))
            }
            IterRepr::Large(it) => it.next(),
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = match &self.0 {
            IterRepr::Small { remaining, .. } => *remaining,
            IterRepr::SmallRev { offsets, .. } => offsets.len(),
            IterRepr::Large(it) => it.len(),
        };
        (n, Some(n))
    }
}

impl ExactSizeIterator for Iter<'_> {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::score::{parse_lex_range, parse_score_range};

    const INCR: AddFlags = AddFlags {
        nx: false,
        xx: false,
        gt: false,
        lt: false,
        incr: true,
    };

    fn add(z: &mut SortedSet, m: &str, s: f64) -> AddOutcome {
        z.add(m.as_bytes(), s, AddFlags::default(), &Limits::default())
            .expect("not NaN") // the tests add no NaN
    }

    #[test]
    fn negative_zero_like_redis() {
        // Checked on redis-server 7.0.15: listpack answers "0", skiplist "-0";
        // ZADD INCR replies "-0" either way.
        let mut small = SortedSet::new_small();
        assert_eq!(add(&mut small, "m", -0.0), AddOutcome::Added(-0.0));
        assert!(
            small
                .score(b"m")
                .is_some_and(|s| s == 0.0 && s.is_sign_positive())
        );
        let out = small.add(b"x", -0.0, INCR, &Limits::default());
        assert!(matches!(out, Ok(AddOutcome::Added(s)) if s.is_sign_negative()));
        assert!(small.score(b"x").is_some_and(|s| s.is_sign_positive()));
        let mut large = SortedSet::new_large();
        add(&mut large, "m", -0.0);
        assert!(large.score(b"m").is_some_and(|s| s.is_sign_negative()));
        // Converting back to a listpack normalises too.
        assert!(large.convert_to_small_if_fits(&Limits::default()));
        assert!(large.score(b"m").is_some_and(|s| s.is_sign_positive()));
    }

    #[test]
    fn conversion_points() {
        let limits = Limits {
            max_listpack_entries: 3,
            max_listpack_value: 4,
        };
        assert!(SortedSet::new(&limits, 1, 4).is_small());
        assert!(!SortedSet::new(&limits, 1, 5).is_small());
        assert!(!SortedSet::new(&limits, 4, 0).is_small());
        let zero = Limits {
            max_listpack_entries: 0,
            ..limits
        };
        assert!(!SortedSet::new(&zero, 1, 0).is_small());
        let mut z = SortedSet::new(&limits, 1, 1);
        for m in ["a", "b", "c"] {
            z.add(m.as_bytes(), 1.0, AddFlags::default(), &limits)
                .expect("not NaN"); // valid score
        }
        assert_eq!(z.encoding_name(), "listpack");
        // Updating never converts; XX on a new member neither.
        let xx = AddFlags {
            xx: true,
            ..AddFlags::default()
        };
        assert_eq!(z.add(b"d", 1.0, xx, &limits), Ok(AddOutcome::Skipped));
        assert_eq!(
            z.add(b"a", 2.0, AddFlags::default(), &limits),
            Ok(AddOutcome::Updated(2.0))
        );
        assert_eq!(z.encoding_name(), "listpack");
        assert_eq!(
            z.add(b"d", 1.0, AddFlags::default(), &limits),
            Ok(AddOutcome::Added(1.0))
        );
        assert_eq!(z.encoding_name(), "skiplist");
        // Deleting does not convert back.
        z.remove(b"d");
        z.remove(b"c");
        assert_eq!(z.encoding_name(), "skiplist");
        assert!(z.convert_to_small_if_fits(&limits));
        let mut z = SortedSet::new(&limits, 1, 1);
        z.add(b"12345", 1.0, AddFlags::default(), &limits)
            .expect("not NaN"); // valid score
        assert_eq!(z.encoding_name(), "skiplist");
        assert!(!z.convert_to_small_if_fits(&limits));
    }

    #[test]
    fn incr_and_nan() {
        let mut z = SortedSet::new_small();
        let l = Limits::default();
        assert_eq!(
            z.add(b"m", f64::INFINITY, INCR, &l),
            Ok(AddOutcome::Added(f64::INFINITY))
        );
        assert_eq!(
            z.add(b"m", f64::NEG_INFINITY, INCR, &l),
            Err(AddError::NotANumber)
        );
        assert_eq!(
            AddError::NotANumber.to_string(),
            "ERR resulting score is not a number (NaN)"
        );
        assert_eq!(
            z.add(b"m", 0.0, INCR, &l),
            Ok(AddOutcome::Unchanged(f64::INFINITY))
        );
        let gt_incr = AddFlags { gt: true, ..INCR };
        assert_eq!(z.add(b"m", 1.0, gt_incr, &l), Ok(AddOutcome::Skipped));
        assert_eq!(z.add(b"n", 2.5, gt_incr, &l), Ok(AddOutcome::Added(2.5)));
        assert_eq!(z.add(b"n", 0.5, INCR, &l), Ok(AddOutcome::Updated(3.0)));
        assert_eq!(
            z.add(b"n", f64::NAN, AddFlags::default(), &l),
            Err(AddError::NotANumber)
        );
    }

    #[test]
    fn ranges_on_both_encodings() {
        for large in [false, true] {
            let mut z = if large {
                SortedSet::new_large()
            } else {
                SortedSet::new_small()
            };
            for (i, m) in ["a", "b", "c", "d", "e"].iter().enumerate() {
                add(&mut z, m, i as f64);
            }
            let names = |it: Iter<'_>| {
                it.map(|(m, _)| String::from_utf8_lossy(m).into_owned())
                    .collect::<Vec<_>>()
                    .join("")
            };
            assert_eq!(names(z.range_by_index(1, -2, false)), "bcd");
            assert_eq!(names(z.range_by_index(0, 1, true)), "ed");
            assert_eq!(names(z.range_by_index(-100, 100, false)), "abcde");
            assert_eq!(names(z.range_by_index(3, 1, false)), "");
            let r = parse_score_range(b"(1", b"+inf").expect("valid"); // literal bounds
            assert_eq!(names(z.range_by_score(&r, false, 1, Some(2))), "de");
            assert_eq!(names(z.range_by_score(&r, true, 1, None)), "dc");
            assert_eq!(z.count_in_score_range(&r), 3);
            let r = parse_score_range(b"3", b"1").expect("valid"); // literal bounds
            assert_eq!(z.count_in_score_range(&r), 0);
            let mut lz = if large {
                SortedSet::new_large()
            } else {
                SortedSet::new_small()
            };
            for m in ["a", "b", "c", "d", "e"] {
                add(&mut lz, m, 0.0);
            }
            let lr = parse_lex_range(b"(a", b"[d").expect("valid"); // literal bounds
            assert_eq!(names(lz.range_by_lex(&lr, false, 0, None)), "bcd");
            assert_eq!(names(lz.range_by_lex(&lr, true, 0, Some(2))), "dc");
            assert_eq!(lz.remove_range_by_lex(&lr), 3);
            assert_eq!(names(lz.iter()), "ae");
            assert_eq!(z.remove_range_by_index(-2, -1), 2);
            let popped: Vec<_> = z
                .pop_max(5)
                .into_iter()
                .map(|(m, s)| (m.as_bytes().to_vec(), s))
                .collect();
            assert_eq!(
                popped,
                vec![
                    (b"c".to_vec(), 2.0),
                    (b"b".to_vec(), 1.0),
                    (b"a".to_vec(), 0.0)
                ]
            );
            assert!(z.is_empty());
        }
    }

    #[test]
    fn randmember_orders() {
        let mut seed = 7u64;
        let mut rng = move || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            seed >> 11
        };
        let mut z = SortedSet::new_small();
        for (i, m) in ["a", "b", "c", "d", "e", "f", "g"].iter().enumerate() {
            add(&mut z, m, i as f64);
        }
        // count >= len: everything, highest first (checked on Redis 7.0.15).
        let all: Vec<_> = z
            .random_members(10, &mut rng)
            .into_iter()
            .map(|e| e.0[0])
            .collect();
        assert_eq!(all, b"gfedcba".to_vec());
        // Small set, count*3 <= len: a subset, highest first.
        for _ in 0..20 {
            let two: Vec<_> = z
                .random_members(2, &mut rng)
                .into_iter()
                .map(|e| e.0[0])
                .collect();
            assert!(two.len() == 2 && two[0] > two[1], "{two:?}");
        }
    }

    #[test]
    fn index_normalisation() {
        assert_eq!(normalize_index_range(0, -1, 5), Some((0, 4)));
        assert_eq!(normalize_index_range(-100, 2, 5), Some((0, 2)));
        assert_eq!(normalize_index_range(5, 10, 5), None);
        assert_eq!(normalize_index_range(i64::MIN, i64::MAX, 5), Some((0, 4)));
        assert_eq!(normalize_index_range(0, i64::MIN, 5), None);
        assert_eq!(normalize_index_range(0, 0, 0), None);
    }

    #[test]
    fn small_buffer_is_exact() {
        let mut z = SortedSet::new_small();
        for i in 0..100 {
            add(&mut z, &format!("member:{i:03}"), f64::from(i));
        }
        z.check();
        // Score varint (1 byte below 32, else 2) + 1 (length) + 10 (member)
        // per entry, no slack.
        let want: usize = (0..100).map(|i| if i < 32 { 12 } else { 13 }).sum();
        assert_eq!(z.mem_usage(), size_of::<SortedSet>() + want);
    }

    #[test]
    fn small_scores_round_trip() {
        let mut z = SortedSet::new_small();
        let scores = [
            0.0,
            -0.0,
            1.0,
            -1.0,
            31.0,
            -32.0,
            0.5,
            -2.5,
            9007199254740991.0,
            -9007199254740991.0,
            9007199254740992.0,
            -9007199254740992.0,
            1e20,
            f64::MAX,
            f64::MIN,
            f64::MIN_POSITIVE,
            f64::from_bits(1),
            f64::INFINITY,
            f64::NEG_INFINITY,
        ];
        for (i, &s) in scores.iter().enumerate() {
            add(&mut z, &format!("m{i:02}"), s);
        }
        z.check();
        for (i, &s) in scores.iter().enumerate() {
            let got = z.score(format!("m{i:02}").as_bytes());
            // -0 reads back as 0, as from a listpack; everything else exactly.
            let want = if s == 0.0 { 0.0 } else { s };
            assert_eq!(got.map(f64::to_bits), Some(want.to_bits()), "{s}");
        }
    }
}
