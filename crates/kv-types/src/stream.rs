//! Streams (Redis's t_stream.c data side and stream.h): an append-only log of
//! entries keyed by `ms-seq` IDs, with consumer groups.
//!
//! # Layout
//! Entries live in *chunks*, Redis's listpack nodes: a `BTreeMap` maps each
//! chunk's *master ID* (the ID of the first entry ever appended to it, kept
//! even after that entry is deleted) to a byte block holding up to
//! `stream-node-max-entries` entries. Seeking an ID is a B-tree lookup of the
//! chunk whose master ID is at or before it, then a scan of at most one chunk.
//!
//! A chunk's bytes (all integers are LEB128 varints):
//! ```text
//! master fields:  n  len field_1 ... len field_n
//! entry:          head  [ms_delta]  seq  [values | n len f len v ...]
//! ```
//! - `head` (one byte): bit 0 deleted (a tombstone, as Redis marks rather
//!   than removes), bit 1 "same fields as the master" (then only the values
//!   follow), bits 2-7 the entry's ms minus the master's when below 63;
//!   63 means that difference follows as a varint.
//! - `seq` is the sequence minus the master's when the ms are the same, the
//!   plain sequence otherwise (auto IDs in a new millisecond start at 0: one
//!   byte).
//!
//! Byte costs: an entry `f1 v1 f2 v2` with `*` IDs and 6-byte values costs
//! 16 bytes: the head (holding the ms delta of an entry within 63 ms of its
//! node's first), the seq, and 1+6 per value; Redis's listpack costs about
//! 24 for the same (each element carries a header and a
//! back-length). Per chunk there is the B-tree slot (16-byte key, 40-byte
//! `Chunk`) — under a byte per entry at 100 entries a chunk. A chunk's
//! buffer grows by doubling while it is the tail and is shrunk to fit when
//! the next chunk opens (Redis shrinks its listpacks the same way).
//! Measured: 1,000,000 `XADD s * field1 <i> field2 hello` leave kv-server at
//! 19.7 MB RSS against redis-server 7.0.15's 28.5 MB (0.69x; the empty
//! servers take 3.5 and 7.1 MB, so the entries themselves 0.75x).
//!
//! Node boundaries follow Redis's exactly: a new chunk opens when the tail
//! holds `stream-node-max-entries` entries (live plus deleted) or when
//! Redis's listpack for it would reach `stream-node-max-bytes`, computed
//! with listpack's own element sizes (`Chunk::lp_bytes`). So approximate
//! (`~`) trimming, which removes whole nodes only, leaves the same entries
//! as Redis.
//!
//! Invariants:
//! - chunks are ordered and disjoint: every ID in a chunk is ≥ its master ID
//!   and < the next chunk's master ID; entries in a chunk are in ID order;
//! - a chunk whose last live entry is deleted by XDEL is removed, as Redis
//!   removes the node; exact MINID trimming can leave a node of tombstones
//!   only (its last entry was already deleted), which Redis keeps too;
//! - `length` is the number of live entries; `last_id` ≥ every ID ever added.

use std::collections::{BTreeMap, BTreeSet};

/// A stream entry ID: milliseconds and sequence, ordered as a pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct StreamId {
    pub ms: u64,
    pub seq: u64,
}

impl StreamId {
    pub const MIN: StreamId = StreamId { ms: 0, seq: 0 };
    pub const MAX: StreamId = StreamId {
        ms: u64::MAX,
        seq: u64::MAX,
    };

    pub const fn new(ms: u64, seq: u64) -> StreamId {
        StreamId { ms, seq }
    }

    pub fn is_zero(self) -> bool {
        self == StreamId::MIN
    }

    /// The next ID, None after the last possible one.
    pub fn incr(self) -> Option<StreamId> {
        if self.seq == u64::MAX {
            if self.ms == u64::MAX {
                None
            } else {
                Some(StreamId::new(self.ms + 1, 0))
            }
        } else {
            Some(StreamId::new(self.ms, self.seq + 1))
        }
    }

    /// The previous ID, None before 0-0.
    pub fn decr(self) -> Option<StreamId> {
        if self.seq == 0 {
            if self.ms == 0 {
                None
            } else {
                Some(StreamId::new(self.ms - 1, u64::MAX))
            }
        } else {
            Some(StreamId::new(self.ms, self.seq - 1))
        }
    }

    /// `ms-seq`, as replies show it.
    pub fn format(self) -> String {
        format!("{}-{}", self.ms, self.seq)
    }

    /// Parses `ms` or `ms-seq` (unsigned decimal parts, strtoull's rules as
    /// Redis's string2ull applies them): `Some((ms, seq))`, seq None when
    /// only `ms` was given. `ms-*` is not handled here.
    pub fn parse_parts(text: &[u8]) -> Option<(u64, Option<u64>)> {
        if text.len() > 127 {
            return None;
        }
        match text.iter().position(|&b| b == b'-') {
            Some(dash) => Some((
                parse_u64(&text[..dash])?,
                Some(parse_u64(&text[dash + 1..])?),
            )),
            None => Some((parse_u64(text)?, None)),
        }
    }
}

/// Redis's string2ull: a plain decimal u64 (strtoull, rejecting a sign,
/// spaces and trailing text; leading zeros are fine).
fn parse_u64(text: &[u8]) -> Option<u64> {
    if text.is_empty() || !text.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut value: u64 = 0;
    for &b in text {
        value = value.checked_mul(10)?.checked_add(u64::from(b - b'0'))?;
    }
    Some(value)
}

impl std::fmt::Display for StreamId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-{}", self.ms, self.seq)
    }
}

const FLAG_DELETED: u8 = 1;
const FLAG_SAME_FIELDS: u8 = 2;
const FLAG_MASK: u8 = 3;
/// The head byte's 6-bit ms delta saying "a varint follows".
const MS_IN_VARINT: u64 = 63;

/// Redis's limit on a listpack node's bytes (STREAM_LISTPACK_MAX_SIZE).
const LISTPACK_MAX_SIZE: u64 = 1 << 30;

/// The node limits from the config (`stream-node-max-entries`,
/// `stream-node-max-bytes`; 0 means no limit of that kind).
#[derive(Debug, Clone, Copy)]
pub struct NodeLimits {
    pub max_entries: u64,
    pub max_bytes: u64,
}

impl Default for NodeLimits {
    fn default() -> Self {
        NodeLimits {
            max_entries: 100,
            max_bytes: 4096,
        }
    }
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Reads a varint at `*at`; the chunk was written by [`put_varint`], so a
/// malformed one is a bug.
fn get_varint(bytes: &[u8], at: &mut usize) -> u64 {
    let mut v: u64 = 0;
    let mut shift = 0;
    loop {
        let b = bytes[*at];
        *at += 1;
        v |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return v;
        }
        shift += 7;
    }
}

fn get_bytes<'a>(bytes: &'a [u8], at: &mut usize) -> &'a [u8] {
    let len = get_varint(bytes, at) as usize;
    let s = &bytes[*at..*at + len];
    *at += len;
    s
}

fn skip_bytes(bytes: &[u8], at: &mut usize) {
    let len = get_varint(bytes, at) as usize;
    *at += len;
}

/// Bytes of listpack's back-length for an element of `len` bytes.
fn lp_backlen(len: usize) -> usize {
    match len {
        0..=127 => 1,
        128..=16382 => 2,
        16383..=2097150 => 3,
        2097151..=268435454 => 4,
        _ => 5,
    }
}

/// Bytes listpack takes for an integer element.
fn lp_int_size(v: i64) -> usize {
    let enc = if (0..=127).contains(&v) {
        1
    } else if (-4096..=4095).contains(&v) {
        2
    } else if (-32768..=32767).contains(&v) {
        3
    } else if (-8388608..=8388607).contains(&v) {
        4
    } else if (-2147483648..=2147483647).contains(&v) {
        5
    } else {
        9
    };
    enc + 1
}

/// Bytes listpack takes for a string element (stored as an integer when it
/// is one in canonical form, as lpStringToInt64 decides).
fn lp_str_size(s: &[u8]) -> usize {
    if let Some(v) = canonical_i64(s) {
        return lp_int_size(v);
    }
    let enc = if s.len() < 64 {
        1 + s.len()
    } else if s.len() < 4096 {
        2 + s.len()
    } else {
        5 + s.len()
    };
    enc + lp_backlen(enc)
}

/// The integer a string spells in canonical form (no sign but `-`, no
/// leading zeros, no `-0`), as Redis's string2ll accepts.
fn canonical_i64(s: &[u8]) -> Option<i64> {
    if s.is_empty() || s.len() > 20 {
        return None;
    }
    let digits = s.strip_prefix(b"-").unwrap_or(s);
    if digits.is_empty()
        || !digits.iter().all(u8::is_ascii_digit)
        || (digits[0] == b'0' && (digits.len() > 1 || s.len() > 1))
    {
        return None;
    }
    std::str::from_utf8(s).ok()?.parse().ok()
}

/// Listpack size of an entry's ID part and lp-count, given its deltas.
fn lp_id_size(ms_delta: u64, seq_delta: u64) -> usize {
    lp_int_size(ms_delta as i64) + lp_int_size(seq_delta as i64)
}

/// One node: up to `max_entries` entries (see the module doc for the bytes).
#[derive(Debug, Clone)]
struct Chunk {
    data: Vec<u8>,
    /// Offset of the first entry (after the master fields).
    entries_at: u32,
    live: u32,
    deleted: u32,
    /// Redis's listpack size for this node, minus the count and deleted
    /// integers of its master entry (they change size as they count).
    lp_bytes: u32,
}

/// A decoded entry header inside a chunk.
struct Header {
    flags: u8,
    id: StreamId,
    /// Where the fields (or values) start.
    body: usize,
    /// Where the next entry starts.
    end: usize,
}

impl Chunk {
    fn master_field_count(&self) -> usize {
        let mut at = 0;
        get_varint(&self.data, &mut at) as usize
    }

    /// Redis's listpack bytes for this node, counts included.
    fn redis_bytes(&self) -> u64 {
        u64::from(self.lp_bytes)
            + lp_int_size(i64::from(self.live)) as u64
            + lp_int_size(i64::from(self.deleted)) as u64
    }

    fn header(&self, master: StreamId, at: usize) -> Header {
        let data = &self.data;
        let mut p = at;
        let head = data[p];
        p += 1;
        let flags = head & FLAG_MASK;
        let small = u64::from(head >> 2);
        let ms_delta = if small == MS_IN_VARINT {
            get_varint(data, &mut p)
        } else {
            small
        };
        let seq = get_varint(data, &mut p);
        let id = if ms_delta == 0 {
            StreamId::new(master.ms, master.seq + seq)
        } else {
            StreamId::new(master.ms + ms_delta, seq)
        };
        let body = p;
        if flags & FLAG_SAME_FIELDS != 0 {
            for _ in 0..self.master_field_count() {
                skip_bytes(data, &mut p);
            }
        } else {
            let n = get_varint(data, &mut p);
            for _ in 0..n * 2 {
                skip_bytes(data, &mut p);
            }
        }
        Header {
            flags,
            id,
            body,
            end: p,
        }
    }

    /// Offsets of every entry (tombstones included), in order.
    fn offsets(&self, master: StreamId) -> Vec<u32> {
        let mut out = Vec::with_capacity((self.live + self.deleted) as usize);
        let mut at = self.entries_at as usize;
        while at < self.data.len() {
            out.push(at as u32);
            at = self.header(master, at).end;
        }
        out
    }

    fn entry(&self, h: &Header) -> Entry<'_> {
        Entry {
            id: h.id,
            chunk: &self.data,
            same: h.flags & FLAG_SAME_FIELDS != 0,
            body: h.body,
        }
    }
}

/// A borrowed entry: its ID and its field-value pairs.
#[derive(Clone, Copy)]
pub struct Entry<'a> {
    pub id: StreamId,
    chunk: &'a [u8],
    same: bool,
    body: usize,
}

impl<'a> Entry<'a> {
    /// Number of field-value pairs.
    pub fn len(&self) -> usize {
        let mut at = if self.same { 0 } else { self.body };
        get_varint(self.chunk, &mut at) as usize
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The field-value pairs, in the order they were added.
    pub fn fields(&self) -> impl Iterator<Item = (&'a [u8], &'a [u8])> + 'a {
        let chunk = self.chunk;
        let (n, mut fields_at, mut at) = if self.same {
            let mut m = 0;
            let n = get_varint(chunk, &mut m) as usize;
            (n, Some(m), self.body)
        } else {
            let mut at = self.body;
            let n = get_varint(chunk, &mut at) as usize;
            (n, None, at)
        };
        (0..n).map(move |_| {
            let field = match &mut fields_at {
                Some(m) => get_bytes(chunk, m),
                None => get_bytes(chunk, &mut at),
            };
            let value = get_bytes(chunk, &mut at);
            (field, value)
        })
    }
}

impl std::fmt::Debug for Entry<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Entry")
            .field("id", &self.id)
            .field("fields", &self.fields().collect::<Vec<_>>())
            .finish()
    }
}

/// A pending entry: delivered to a consumer of a group, not yet acknowledged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Nack {
    /// The consumer it was last delivered to.
    pub consumer: Box<[u8]>,
    /// Unix ms of the last delivery.
    pub delivery_time: u64,
    pub delivery_count: u64,
}

/// A consumer of a group.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Consumer {
    /// Unix ms it last read or claimed (7.0's `seen-time`, the base of `idle`).
    pub seen_time: u64,
    /// Its pending entries (a subset of the group's PEL).
    pub pel: BTreeSet<StreamId>,
}

/// Redis's SCG_INVALID_ENTRIES_READ: the group's read counter is unknown.
pub const INVALID_ENTRIES_READ: i64 = -1;

/// A consumer group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// The last ID delivered to any consumer with `>`.
    pub last_id: StreamId,
    /// Logical read counter ([`INVALID_ENTRIES_READ`] when unknown).
    pub entries_read: i64,
    /// Pending entries of all consumers.
    pub pel: BTreeMap<StreamId, Nack>,
    /// Consumers by name (ordered, as Redis's rax lists them).
    pub consumers: BTreeMap<Box<[u8]>, Consumer>,
}

impl Group {
    pub fn new(last_id: StreamId, entries_read: i64) -> Group {
        Group {
            last_id,
            entries_read,
            pel: BTreeMap::new(),
            consumers: BTreeMap::new(),
        }
    }

    /// Creates the consumer if missing; true when it was created.
    pub fn ensure_consumer(&mut self, name: &[u8], now_ms: u64) -> bool {
        if self.consumers.contains_key(name) {
            return false;
        }
        self.consumers.insert(
            name.into(),
            Consumer {
                seen_time: now_ms,
                pel: BTreeSet::new(),
            },
        );
        true
    }

    /// Removes a consumer and its pending entries; the number it had pending.
    pub fn delete_consumer(&mut self, name: &[u8]) -> Option<usize> {
        let consumer = self.consumers.remove(name)?;
        for id in &consumer.pel {
            self.pel.remove(id);
        }
        Some(consumer.pel.len())
    }

    /// Acknowledges `id`: removes it from the PEL and its consumer's. True if
    /// it was pending.
    pub fn ack(&mut self, id: StreamId) -> bool {
        let Some(nack) = self.pel.remove(&id) else {
            return false;
        };
        if let Some(c) = self.consumers.get_mut(&nack.consumer) {
            c.pel.remove(&id);
        }
        true
    }

    /// Records a delivery of `id` to `consumer` (which must exist) by a read
    /// of new entries: a pending entry with count 1 owned by `consumer`,
    /// replacing any earlier one (another consumer may have had it after an
    /// XGROUP SETID back), as streamReplyWithRange does.
    pub fn deliver_fresh(&mut self, id: StreamId, consumer: &[u8], now_ms: u64) {
        if let Some(old) = self.pel.get(&id)
            && *old.consumer != *consumer
            && let Some(c) = self.consumers.get_mut(&old.consumer)
        {
            c.pel.remove(&id);
        }
        self.pel.insert(
            id,
            Nack {
                consumer: consumer.into(),
                delivery_time: now_ms,
                delivery_count: 1,
            },
        );
        if let Some(c) = self.consumers.get_mut(consumer) {
            c.pel.insert(id);
        }
    }

    /// XCLAIM/XAUTOCLAIM of the pending `id` by `consumer` (which must
    /// exist): it moves to `consumer`, delivered at `time`, its count set to
    /// `retrycount` when that is ≥ 0, else bumped unless `justid`.
    pub fn claim(
        &mut self,
        id: StreamId,
        consumer: &[u8],
        time: u64,
        retrycount: i64,
        justid: bool,
    ) {
        let Some(nack) = self.pel.get_mut(&id) else {
            return;
        };
        if *nack.consumer != *consumer {
            if let Some(old) = self.consumers.get_mut(&nack.consumer) {
                old.pel.remove(&id);
            }
            nack.consumer = consumer.into();
        }
        nack.delivery_time = time;
        if retrycount >= 0 {
            nack.delivery_count = retrycount as u64;
        } else if !justid {
            nack.delivery_count += 1;
        }
        if let Some(c) = self.consumers.get_mut(consumer) {
            c.pel.insert(id);
        }
    }
}

/// Why an entry could not be added.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddError {
    /// The ID is not greater than the stream's last ID (or `ms-*` cannot
    /// advance the sequence).
    NotGreater,
    /// The fields and values together exceed what a node may hold.
    TooBig,
}

/// The ID XADD asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddId {
    /// `*`: the time, or the last ID plus one.
    Auto,
    /// `ms-*`: this ms with the next free sequence.
    Ms(u64),
    /// `ms-seq`.
    Exact(StreamId),
}

/// How XADD/XTRIM trims.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trim {
    MaxLen(u64),
    MinId(StreamId),
}

/// A stream: entries plus its metadata and consumer groups.
#[derive(Debug, Clone, Default)]
pub struct Stream {
    chunks: BTreeMap<StreamId, Chunk>,
    length: u64,
    last_id: StreamId,
    /// The first live entry's ID, 0-0 when empty (XINFO's
    /// `recorded-first-entry-id`).
    first_id: StreamId,
    max_deleted_id: StreamId,
    entries_added: u64,
    groups: BTreeMap<Box<[u8]>, Group>,
}

impl Stream {
    pub fn new() -> Stream {
        Stream::default()
    }

    /// Live entries.
    pub fn len(&self) -> u64 {
        self.length
    }

    pub fn is_empty(&self) -> bool {
        self.length == 0
    }

    pub fn last_id(&self) -> StreamId {
        self.last_id
    }

    pub fn first_id(&self) -> StreamId {
        self.first_id
    }

    pub fn max_deleted_id(&self) -> StreamId {
        self.max_deleted_id
    }

    pub fn entries_added(&self) -> u64 {
        self.entries_added
    }

    /// The first entry's ID, tombstones included (streamGetEdgeID without
    /// skipping them); the largest ID when there are no nodes.
    pub fn first_raw_id(&self) -> StreamId {
        match self.chunks.first_key_value() {
            Some((key, chunk)) if chunk.entries_at as usize <= chunk.data.len() => {
                if chunk.entries_at as usize == chunk.data.len() {
                    StreamId::MAX
                } else {
                    chunk.header(*key, chunk.entries_at as usize).id
                }
            }
            _ => StreamId::MAX,
        }
    }

    /// The node count of the radix tree Redis would hold for these node keys
    /// (XINFO's `radix-tree-nodes`): for 128-bit big-endian keys, one node
    /// per branching point and per key, one more per edge longer than a byte
    /// (a compressed node), and the root when the keys share a prefix.
    pub fn radix_tree_nodes(&self) -> usize {
        let keys: Vec<[u8; 16]> = self
            .chunks
            .keys()
            .map(|k| {
                let mut b = [0u8; 16];
                b[..8].copy_from_slice(&k.ms.to_be_bytes());
                b[8..].copy_from_slice(&k.seq.to_be_bytes());
                b
            })
            .collect();
        radix_nodes(&keys)
    }

    /// Nodes (XINFO's `radix-tree-keys`).
    pub fn node_count(&self) -> usize {
        self.chunks.len()
    }

    /// XSETID: the caller checked the new values are consistent.
    pub fn set_meta(&mut self, last_id: StreamId, entries_added: u64, max_deleted: StreamId) {
        self.last_id = last_id;
        self.entries_added = entries_added;
        self.max_deleted_id = max_deleted;
    }

    pub fn set_max_deleted_id(&mut self, id: StreamId) {
        self.max_deleted_id = id;
    }

    /// Heap bytes, roughly (MEMORY USAGE).
    pub fn mem_usage(&self) -> usize {
        let chunks: usize = self
            .chunks
            .values()
            .map(|c| c.data.capacity() + 16 + std::mem::size_of::<Chunk>())
            .sum();
        let groups: usize = self
            .groups
            .iter()
            .map(|(name, g)| {
                name.len()
                    + std::mem::size_of::<Group>()
                    + g.pel.len() * 64
                    + g.consumers
                        .iter()
                        .map(|(n, c)| n.len() + 64 + c.pel.len() * 24)
                        .sum::<usize>()
            })
            .sum();
        std::mem::size_of::<Stream>() + chunks + groups
    }

    /// The ID XADD would give an entry, or why it cannot.
    pub fn next_id(&self, want: AddId, now_ms: u64) -> Result<StreamId, AddError> {
        let id = match want {
            AddId::Auto => {
                if now_ms > self.last_id.ms {
                    StreamId::new(now_ms, 0)
                } else {
                    self.last_id.incr().ok_or(AddError::NotGreater)?
                }
            }
            AddId::Ms(ms) => {
                if self.last_id.ms == ms {
                    if self.last_id.seq == u64::MAX {
                        return Err(AddError::NotGreater);
                    }
                    StreamId::new(ms, self.last_id.seq + 1)
                } else {
                    StreamId::new(ms, 0)
                }
            }
            AddId::Exact(id) => id,
        };
        if id <= self.last_id {
            return Err(AddError::NotGreater);
        }
        Ok(id)
    }

    /// Appends an entry with `fields` (field, value, field, value...) as
    /// streamAppendItem does; returns its ID.
    pub fn add(
        &mut self,
        want: AddId,
        now_ms: u64,
        fields: &[&[u8]],
        limits: NodeLimits,
    ) -> Result<StreamId, AddError> {
        debug_assert!(
            fields.len().is_multiple_of(2),
            "fields and values come in pairs"
        );
        let id = self.next_id(want, now_ms)?;
        let total: u64 = fields.iter().map(|f| f.len() as u64).sum();
        if total > LISTPACK_MAX_SIZE {
            return Err(AddError::TooBig);
        }
        let numfields = fields.len() / 2;
        let mut max_bytes = limits.max_bytes;
        if max_bytes == 0 || max_bytes > LISTPACK_MAX_SIZE {
            max_bytes = LISTPACK_MAX_SIZE;
        }
        // Does the tail node take it?
        let mut tail = self.chunks.last_key_value().map(|(k, _)| *k);
        if let Some(key) = tail {
            let chunk = &self.chunks[&key];
            let full = chunk.redis_bytes() + total >= max_bytes
                || (limits.max_entries != 0
                    && u64::from(chunk.live + chunk.deleted) >= limits.max_entries);
            if full {
                let chunk = self.chunks.get_mut(&key).expect("the tail exists");
                chunk.data.shrink_to_fit();
                tail = None;
            }
        }
        let key = match tail {
            Some(key) => key,
            None => {
                let mut data = Vec::new();
                put_varint(&mut data, numfields as u64);
                // The master entry: count, deleted (counted apart),
                // num-fields, the fields, the zero terminator; the listpack
                // header and end byte.
                let mut lp = 7 + lp_int_size(numfields as i64) + 2;
                for pair in fields.chunks_exact(2) {
                    put_varint(&mut data, pair[0].len() as u64);
                    data.extend_from_slice(pair[0]);
                    lp += lp_str_size(pair[0]);
                }
                let entries_at = data.len() as u32;
                self.chunks.insert(
                    id,
                    Chunk {
                        data,
                        entries_at,
                        live: 0,
                        deleted: 0,
                        lp_bytes: lp as u32,
                    },
                );
                id
            }
        };
        let chunk = self.chunks.get_mut(&key).expect("just found or made");
        let same = {
            let mut at = 0;
            let n = get_varint(&chunk.data, &mut at) as usize;
            n == numfields
                && fields
                    .chunks_exact(2)
                    .all(|pair| get_bytes(&chunk.data, &mut at) == pair[0])
        };
        let ms_delta = id.ms - key.ms;
        let seq = if ms_delta == 0 {
            id.seq - key.seq
        } else {
            id.seq
        };
        let data = &mut chunk.data;
        let flags = if same { FLAG_SAME_FIELDS } else { 0 };
        if ms_delta < MS_IN_VARINT {
            data.push(flags | (ms_delta as u8) << 2);
        } else {
            data.push(flags | (MS_IN_VARINT as u8) << 2);
            put_varint(data, ms_delta);
        }
        put_varint(data, seq);
        // Redis stores the seq delta from the master's seq, signed.
        let mut lp =
            lp_int_size(i64::from(flags)) + lp_id_size(ms_delta, id.seq.wrapping_sub(key.seq));
        if !same {
            put_varint(data, numfields as u64);
            lp += lp_int_size(numfields as i64);
        }
        for pair in fields.chunks_exact(2) {
            if !same {
                put_varint(data, pair[0].len() as u64);
                data.extend_from_slice(pair[0]);
                lp += lp_str_size(pair[0]);
            }
            put_varint(data, pair[1].len() as u64);
            data.extend_from_slice(pair[1]);
            lp += lp_str_size(pair[1]);
        }
        let lp_count = numfields + 3 + if same { 0 } else { numfields + 1 };
        lp += lp_int_size(lp_count as i64);
        chunk.lp_bytes = chunk.lp_bytes.saturating_add(lp as u32);
        chunk.live += 1;
        self.length += 1;
        self.entries_added += 1;
        self.last_id = id;
        if self.length == 1 {
            self.first_id = id;
        }
        Ok(id)
    }

    /// Read access to the entries alone.
    pub fn entries(&self) -> Entries<'_> {
        Entries {
            chunks: &self.chunks,
        }
    }

    /// The live entry with this ID.
    pub fn get(&self, id: StreamId) -> Option<Entry<'_>> {
        self.entries().get(id)
    }

    /// Live entries from `start` to `end` inclusive, in order.
    pub fn range(&self, start: StreamId, end: StreamId) -> Range<'_> {
        self.entries().range(start, end)
    }

    /// Live entries from `end` down to `start` inclusive.
    pub fn rev_range(&self, start: StreamId, end: StreamId) -> RevRange<'_> {
        self.entries().rev_range(start, end)
    }

    pub fn first_entry(&self) -> Option<Entry<'_>> {
        self.range(StreamId::MIN, StreamId::MAX).next()
    }

    pub fn last_entry(&self) -> Option<Entry<'_>> {
        self.rev_range(StreamId::MIN, StreamId::MAX).next()
    }

    /// The last live ID (streamLastValidID), 0-0 when empty.
    pub fn last_valid_id(&self) -> StreamId {
        self.last_entry().map_or(StreamId::MIN, |e| e.id)
    }

    /// Deletes the live entry `id` as XDEL does: marks it (or drops its
    /// node when it was the node's last live entry), raises
    /// `max_deleted_id` and moves `first_id`. True if it was there.
    pub fn delete(&mut self, id: StreamId) -> bool {
        if !self.mark_deleted(id) {
            return false;
        }
        if id > self.max_deleted_id {
            self.max_deleted_id = id;
        }
        if self.length == 0 {
            self.first_id = StreamId::MIN;
        } else if id == self.first_id {
            self.refresh_first_id();
        }
        true
    }

    fn mark_deleted(&mut self, id: StreamId) -> bool {
        let Some(key) = self.chunks.range(..=id).next_back().map(|(k, _)| *k) else {
            return false;
        };
        let chunk = self.chunks.get_mut(&key).expect("just found");
        let mut at = chunk.entries_at as usize;
        while at < chunk.data.len() {
            let h = chunk.header(key, at);
            if h.id > id {
                return false;
            }
            if h.id == id {
                if h.flags & FLAG_DELETED != 0 {
                    return false;
                }
                self.length -= 1;
                if chunk.live == 1 {
                    self.chunks.remove(&key);
                } else {
                    chunk.data[at] |= FLAG_DELETED;
                    chunk.live -= 1;
                    chunk.deleted += 1;
                }
                return true;
            }
            at = h.end;
        }
        false
    }

    /// Recomputes `first_id` from the entries (streamGetEdgeID), 0-0 when
    /// empty.
    pub fn refresh_first_id(&mut self) {
        self.first_id = self.first_entry().map_or(StreamId::MIN, |e| e.id);
    }

    /// Trims from the head as streamTrim does: whole nodes while they fit
    /// the goal; then, unless `approx`, single entries of the next node.
    /// `limit` (0: none) caps the entries removed (whole nodes only).
    /// Returns the number removed.
    pub fn trim(&mut self, how: Trim, approx: bool, limit: u64) -> u64 {
        let mut deleted: u64 = 0;
        loop {
            if let Trim::MaxLen(max) = how
                && self.length <= max
            {
                break;
            }
            let Some((&key, chunk)) = self.chunks.first_key_value() else {
                break;
            };
            let entries = u64::from(chunk.live);
            if limit != 0 && deleted + entries > limit {
                break;
            }
            let remove = match how {
                Trim::MaxLen(max) => self.length - entries >= max,
                Trim::MinId(min) => {
                    let last = chunk
                        .offsets(key)
                        .last()
                        .map(|&at| chunk.header(key, at as usize).id)
                        .unwrap_or(key);
                    last < min
                }
            };
            if remove {
                self.chunks.remove(&key);
                self.length -= entries;
                deleted += entries;
                continue;
            }
            if approx {
                break;
            }
            let chunk = self.chunks.get_mut(&key).expect("just read");
            let mut at = chunk.entries_at as usize;
            let mut from_chunk = 0u32;
            while at < chunk.data.len() {
                let h = chunk.header(key, at);
                let stop = match how {
                    Trim::MaxLen(max) => self.length <= max,
                    Trim::MinId(min) => h.id >= min,
                };
                if stop {
                    break;
                }
                if h.flags & FLAG_DELETED == 0 {
                    chunk.data[at] |= FLAG_DELETED;
                    from_chunk += 1;
                    self.length -= 1;
                }
                at = h.end;
            }
            chunk.live -= from_chunk;
            chunk.deleted += from_chunk;
            deleted += u64::from(from_chunk);
            break;
        }
        if self.length == 0 {
            self.first_id = StreamId::MIN;
        } else if deleted > 0 {
            self.refresh_first_id();
        }
        deleted
    }

    /// Whether a tombstone may lie between `start` and `end`
    /// (streamRangeHasTombstones).
    pub fn range_has_tombstones(&self, start: StreamId, end: StreamId) -> bool {
        if self.length == 0 || self.max_deleted_id.is_zero() {
            return false;
        }
        if self.first_id > self.max_deleted_id {
            return false;
        }
        start <= self.max_deleted_id && self.max_deleted_id <= end
    }

    /// The logical read counter of `id` (streamEstimateDistanceFromFirstEverEntry),
    /// [`INVALID_ENTRIES_READ`] when it cannot be known.
    pub fn estimate_distance(&self, id: StreamId) -> i64 {
        if self.entries_added == 0 {
            return 0;
        }
        let added = self.entries_added as i64;
        if self.length == 0 && id <= self.last_id {
            return added;
        }
        if id == self.last_id {
            return added;
        } else if id > self.last_id {
            return INVALID_ENTRIES_READ;
        }
        if self.max_deleted_id.is_zero() || self.max_deleted_id < self.first_id {
            if id < self.first_id {
                return added - self.length as i64;
            } else if id == self.first_id {
                return added - self.length as i64 + 1;
            }
        }
        INVALID_ENTRIES_READ
    }

    /// A group's lag (streamReplyWithCGLag), None when unknown.
    pub fn lag(&self, group: &Group) -> Option<i64> {
        if self.entries_added == 0 {
            return Some(0);
        }
        let added = self.entries_added as i64;
        if group.entries_read != INVALID_ENTRIES_READ
            && !self.range_has_tombstones(group.last_id, StreamId::MAX)
        {
            return Some(added - group.entries_read);
        }
        let read = self.estimate_distance(group.last_id);
        (read != INVALID_ENTRIES_READ).then(|| added - read)
    }

    pub fn groups(&self) -> &BTreeMap<Box<[u8]>, Group> {
        &self.groups
    }

    pub fn group(&self, name: &[u8]) -> Option<&Group> {
        self.groups.get(name)
    }

    pub fn group_mut(&mut self, name: &[u8]) -> Option<&mut Group> {
        self.groups.get_mut(name)
    }

    /// Creates a group; false if one has that name.
    pub fn create_group(&mut self, name: &[u8], last_id: StreamId, entries_read: i64) -> bool {
        if self.groups.contains_key(name) {
            return false;
        }
        self.groups
            .insert(name.into(), Group::new(last_id, entries_read));
        true
    }

    pub fn destroy_group(&mut self, name: &[u8]) -> bool {
        self.groups.remove(name).is_some()
    }

    /// The entries and one group, borrowed together: delivering reads
    /// entries while it updates the group.
    pub fn entries_and_group(&mut self, name: &[u8]) -> Option<(Entries<'_>, &mut Group)> {
        let group = self.groups.get_mut(name)?;
        Some((
            Entries {
                chunks: &self.chunks,
            },
            group,
        ))
    }
}

/// Read access to a stream's entries alone (see [`Stream::entries_and_group`]).
#[derive(Clone, Copy)]
pub struct Entries<'a> {
    chunks: &'a BTreeMap<StreamId, Chunk>,
}

impl<'a> Entries<'a> {
    /// Live entries from `start` to `end` inclusive, in order.
    pub fn range(self, start: StreamId, end: StreamId) -> Range<'a> {
        let first = if start > end {
            None
        } else {
            self.chunks
                .range(..=start)
                .next_back()
                .or_else(|| self.chunks.first_key_value())
                .map(|(k, _)| *k)
        };
        Range {
            chunks: self.chunks,
            start,
            end,
            next_chunk: first,
            cur: None,
        }
    }

    /// Live entries from `end` down to `start` inclusive.
    pub fn rev_range(self, start: StreamId, end: StreamId) -> RevRange<'a> {
        let last = if start > end {
            None
        } else {
            self.chunks.range(..=end).next_back().map(|(k, _)| *k)
        };
        RevRange {
            chunks: self.chunks,
            start,
            end,
            next_chunk: last,
            cur: None,
        }
    }

    /// The live entry with this ID.
    pub fn get(self, id: StreamId) -> Option<Entry<'a>> {
        self.range(id, id).next()
    }
}

/// Nodes of a compressed radix tree holding sorted, distinct 16-byte keys,
/// counted as rax counts them (see [`Stream::radix_tree_nodes`]).
fn radix_nodes(keys: &[[u8; 16]]) -> usize {
    if keys.is_empty() {
        return 1;
    }
    let first = &keys[0];
    let last = &keys[keys.len() - 1];
    let shared = (0..16).take_while(|&d| first[d] == last[d]).count();
    // The root is a node of its own unless it is the first branch.
    let root = usize::from(shared > 0);
    root + count_from_root(keys)
}

/// [`radix_nodes`] below the root.
fn count_from_root(keys: &[[u8; 16]]) -> usize {
    fn count(keys: &[[u8; 16]], depth: usize, from_branch: bool) -> usize {
        let first = &keys[0];
        let last = &keys[keys.len() - 1];
        let mut d = depth;
        while d < 16 && first[d] == last[d] {
            d += 1;
        }
        // The child of a branch at depth-1 is a node at `depth`; when the
        // next point (branch or leaf) is deeper, that node is a compressed
        // one and the point is another.
        let mut nodes = usize::from(from_branch && d > depth);
        if d == 16 {
            return nodes + 1;
        }
        nodes += 1;
        let mut i = 0;
        while i < keys.len() {
            let b = keys[i][d];
            let mut j = i;
            while j < keys.len() && keys[j][d] == b {
                j += 1;
            }
            nodes += count(&keys[i..j], d + 1, true);
            i = j;
        }
        nodes
    }
    count(keys, 0, false)
}

/// Forward iterator over live entries (see [`Stream::range`]).
pub struct Range<'a> {
    chunks: &'a BTreeMap<StreamId, Chunk>,
    start: StreamId,
    end: StreamId,
    next_chunk: Option<StreamId>,
    /// The chunk being read and the offset of its next entry.
    cur: Option<(StreamId, &'a Chunk, usize)>,
}

impl<'a> Iterator for Range<'a> {
    type Item = Entry<'a>;

    fn next(&mut self) -> Option<Entry<'a>> {
        loop {
            if self.cur.is_none() {
                let key = self.next_chunk.take()?;
                if key > self.end {
                    return None;
                }
                let chunk = &self.chunks[&key];
                self.next_chunk = self
                    .chunks
                    .range((std::ops::Bound::Excluded(key), std::ops::Bound::Unbounded))
                    .next()
                    .map(|(k, _)| *k);
                self.cur = Some((key, chunk, chunk.entries_at as usize));
            }
            let (key, chunk, at) = self.cur.expect("set above");
            if at >= chunk.data.len() {
                self.cur = None;
                continue;
            }
            let h = chunk.header(key, at);
            self.cur = Some((key, chunk, h.end));
            if h.id > self.end {
                self.next_chunk = None;
                self.cur = None;
                return None;
            }
            if h.id >= self.start && h.flags & FLAG_DELETED == 0 {
                return Some(chunk.entry(&h));
            }
        }
    }
}

/// Backward iterator over live entries (see [`Stream::rev_range`]).
pub struct RevRange<'a> {
    chunks: &'a BTreeMap<StreamId, Chunk>,
    start: StreamId,
    end: StreamId,
    next_chunk: Option<StreamId>,
    /// The chunk being read and the offsets of its entries still to read.
    cur: Option<(StreamId, &'a Chunk, Vec<u32>)>,
}

impl<'a> Iterator for RevRange<'a> {
    type Item = Entry<'a>;

    fn next(&mut self) -> Option<Entry<'a>> {
        loop {
            if self.cur.is_none() {
                let key = self.next_chunk.take()?;
                let chunk = &self.chunks[&key];
                self.next_chunk = self.chunks.range(..key).next_back().map(|(k, _)| *k);
                self.cur = Some((key, chunk, chunk.offsets(key)));
            }
            let (key, chunk, offsets) = self.cur.as_mut().expect("set above");
            let Some(at) = offsets.pop() else {
                self.cur = None;
                continue;
            };
            let (key, chunk) = (*key, *chunk);
            let h = chunk.header(key, at as usize);
            if h.id < self.start {
                self.next_chunk = None;
                self.cur = None;
                return None;
            }
            if h.id <= self.end && h.flags & FLAG_DELETED == 0 {
                return Some(chunk.entry(&h));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn id(ms: u64, seq: u64) -> StreamId {
        StreamId::new(ms, seq)
    }

    type Pairs = Vec<(Vec<u8>, Vec<u8>)>;

    fn owned(e: Entry<'_>) -> (StreamId, Pairs) {
        (
            e.id,
            e.fields().map(|(f, v)| (f.to_vec(), v.to_vec())).collect(),
        )
    }

    #[test]
    fn ids_parse_and_step() {
        assert_eq!(StreamId::parse_parts(b"12-3"), Some((12, Some(3))));
        assert_eq!(StreamId::parse_parts(b"12"), Some((12, None)));
        assert_eq!(StreamId::parse_parts(b"-1"), None);
        assert_eq!(StreamId::parse_parts(b"1-"), None);
        assert_eq!(StreamId::parse_parts(b"18446744073709551616"), None);
        assert_eq!(id(1, u64::MAX).incr(), Some(id(2, 0)));
        assert_eq!(StreamId::MAX.incr(), None);
        assert_eq!(id(2, 0).decr(), Some(id(1, u64::MAX)));
        assert_eq!(StreamId::MIN.decr(), None);
    }

    #[test]
    fn add_range_delete() {
        let mut s = Stream::new();
        let limits = NodeLimits {
            max_entries: 3,
            max_bytes: 4096,
        };
        for i in 1..=10u64 {
            let v = i.to_string();
            s.add(AddId::Auto, i, &[b"f", v.as_bytes()], limits)
                .unwrap();
        }
        s.add(
            AddId::Exact(id(10, 5)),
            0,
            &[b"g", b"x", b"h", b"y"],
            limits,
        )
        .unwrap();
        assert_eq!(s.len(), 11);
        assert_eq!(s.node_count(), 4);
        assert_eq!(
            s.next_id(AddId::Exact(id(10, 5)), 0),
            Err(AddError::NotGreater)
        );
        assert_eq!(s.next_id(AddId::Ms(10), 0), Ok(id(10, 6)));
        let all: Vec<_> = s.range(StreamId::MIN, StreamId::MAX).map(owned).collect();
        assert_eq!(all.len(), 11);
        assert_eq!(
            all[10].1,
            vec![
                (b"g".to_vec(), b"x".to_vec()),
                (b"h".to_vec(), b"y".to_vec())
            ]
        );
        let rev: Vec<_> = s.rev_range(id(3, 0), id(6, 0)).map(|e| e.id.ms).collect();
        assert_eq!(rev, vec![6, 5, 4, 3]);
        assert!(s.delete(id(5, 0)));
        assert!(!s.delete(id(5, 0)));
        assert!(s.get(id(5, 0)).is_none());
        // Whole nodes only: [1 2 3] and [4 6] go.
        assert_eq!(s.trim(Trim::MaxLen(5), true, 0), 5);
        assert_eq!(s.len(), 5);
        assert_eq!(s.trim(Trim::MaxLen(3), false, 0), 2);
        assert_eq!(s.first_id(), id(9, 0));
        assert_eq!(s.trim(Trim::MinId(id(10, 5)), false, 0), 2);
        assert_eq!(s.first_id(), id(10, 5));
        assert_eq!(s.node_count(), 1);
    }

    /// Redis 7.0.15 with stream-node-max-bytes 300, `XADD n <i>-0 field
    /// value<i>` for i in 1..=50: 4 nodes, and `XTRIM n MAXLEN ~ 1` removes 49.
    #[test]
    fn nodes_split_where_redis_splits_them() {
        let mut s = Stream::new();
        let limits = NodeLimits {
            max_entries: 100,
            max_bytes: 300,
        };
        for i in 1..=50u64 {
            let v = format!("value{i}");
            s.add(AddId::Exact(id(i, 0)), 0, &[b"field", v.as_bytes()], limits)
                .unwrap();
        }
        assert_eq!(s.node_count(), 4);
        assert_eq!(s.trim(Trim::MaxLen(1), true, 0), 49);
    }

    #[test]
    fn listpack_sizes() {
        assert_eq!(lp_str_size(b"1"), 2);
        assert_eq!(lp_str_size(b"01"), 4);
        assert_eq!(lp_str_size(b"-0"), 4);
        assert_eq!(lp_str_size(b"1000"), 3);
        assert_eq!(lp_str_size(&[b'a'; 100]), 2 + 100 + 1);
        assert_eq!(lp_str_size(&[b'a'; 200]), 2 + 200 + 2);
    }

    #[derive(Debug, Clone)]
    enum Op {
        Add(u8, u8, bool),
        Del(u16),
        TrimLen(u8, bool),
        TrimId(u16, bool),
        Group(u8),
        Read(u8, u8),
        Ack(u16),
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            6 => (0u8..3, 0u8..4, any::<bool>()).prop_map(|(a, b, c)| Op::Add(a, b, c)),
            2 => (0u16..300).prop_map(Op::Del),
            1 => (0u8..60, any::<bool>()).prop_map(|(a, b)| Op::TrimLen(a, b)),
            1 => (0u16..300, any::<bool>()).prop_map(|(a, b)| Op::TrimId(a, b)),
            1 => (0u8..2).prop_map(Op::Group),
            2 => (0u8..2, 0u8..3).prop_map(|(a, b)| Op::Read(a, b)),
            1 => (0u16..300).prop_map(Op::Ack),
        ]
    }

    type Model = BTreeMap<StreamId, Pairs>;

    proptest! {
        #[test]
        fn stream_matches_btreemap(ops in proptest::collection::vec(op(), 1..300)) {
            let limits = NodeLimits { max_entries: 7, max_bytes: 120 };
            let mut s = Stream::new();
            let mut model: Model = BTreeMap::new();
            // Group model: last id and PEL id -> consumer.
            let mut gmodel: BTreeMap<u8, (StreamId, BTreeMap<StreamId, u8>)> = BTreeMap::new();
            let mut now = 1u64;
            for op in ops {
                match op {
                    Op::Add(nf, val, same_ms) => {
                        // Jumps past 63 ms take the head byte's varint path.
                        if !same_ms { now += if val == 3 { 1000 } else { 1 }; }
                        let fields: Vec<Vec<u8>> = (0..nf)
                            .flat_map(|i| vec![format!("f{i}").into_bytes(), format!("v{val}{i}").into_bytes()])
                            .collect();
                        let refs: Vec<&[u8]> = fields.iter().map(Vec::as_slice).collect();
                        let got = s.add(AddId::Auto, now, &refs, limits).unwrap();
                        let pairs = fields.chunks(2).map(|p| (p[0].clone(), p[1].clone())).collect();
                        model.insert(got, pairs);
                    }
                    Op::Del(n) => {
                        let target = model.keys().nth(n as usize % (model.len() + 1)).copied()
                            .unwrap_or(id(0, 1));
                        prop_assert_eq!(s.delete(target), model.remove(&target).is_some());
                    }
                    Op::TrimLen(n, approx) => {
                        let before = s.len();
                        let removed = s.trim(Trim::MaxLen(u64::from(n)), approx, 0);
                        prop_assert_eq!(before - removed, s.len());
                        if !approx { prop_assert!(s.len() <= u64::from(n)); }
                        prop_assert!(s.len() >= u64::from(n).min(before));
                        while model.len() as u64 > s.len() { model.pop_first(); }
                    }
                    Op::TrimId(n, approx) => {
                        let min = id(u64::from(n) / 4, 0);
                        s.trim(Trim::MinId(min), approx, 0);
                        if !approx { prop_assert!(s.first_entry().is_none_or(|e| e.id >= min)); }
                        while model.len() as u64 > s.len() { model.pop_first(); }
                    }
                    Op::Group(g) => {
                        let last = s.last_id();
                        let created = s.create_group(&[g], last, s.entries_added() as i64);
                        prop_assert_eq!(created, !gmodel.contains_key(&g));
                        gmodel.entry(g).or_insert((last, BTreeMap::new()));
                    }
                    Op::Read(g, c) => {
                        let Some((mlast, mpel)) = gmodel.get_mut(&g) else { continue };
                        let start = mlast.incr().unwrap();
                        let ids: Vec<StreamId> = s.range(start, StreamId::MAX).take(3).map(|e| e.id).collect();
                        let group = s.group_mut(&[g]).unwrap();
                        group.ensure_consumer(&[c], now);
                        for i in ids {
                            group.last_id = i;
                            group.deliver_fresh(i, &[c], now);
                            *mlast = i;
                            mpel.insert(i, c);
                        }
                    }
                    Op::Ack(n) => {
                        for (g, (_, mpel)) in gmodel.iter_mut() {
                            let target = mpel.keys().nth(n as usize % (mpel.len() + 1)).copied();
                            if let Some(t) = target {
                                mpel.remove(&t);
                                prop_assert!(s.group_mut(&[*g]).unwrap().ack(t));
                            }
                        }
                    }
                }
                prop_assert_eq!(s.len(), model.len() as u64);
                let got: Model = s.range(StreamId::MIN, StreamId::MAX).map(owned).collect();
                prop_assert_eq!(&got, &model);
                let rev: Vec<StreamId> = s.rev_range(StreamId::MIN, StreamId::MAX).map(|e| e.id).collect();
                let want: Vec<StreamId> = model.keys().rev().copied().collect();
                prop_assert_eq!(rev, want);
                prop_assert_eq!(s.first_id(), model.keys().next().copied().unwrap_or(StreamId::MIN));
                for (g, (mlast, mpel)) in &gmodel {
                    let group = s.group(&[*g]).unwrap();
                    prop_assert_eq!(group.last_id, *mlast);
                    let pel: BTreeMap<StreamId, u8> = group.pel.iter().map(|(i, n)| (*i, n.consumer[0])).collect();
                    prop_assert_eq!(&pel, mpel);
                    for (name, c) in &group.consumers {
                        for i in &c.pel {
                            prop_assert_eq!(mpel.get(i), Some(&name[0]));
                        }
                    }
                }
                // Range queries with bounds inside.
                if let (Some(a), Some(b)) = (model.keys().nth(1), model.keys().nth(model.len().saturating_sub(2)))
                    && a <= b
                {
                    let got: Vec<StreamId> = s.range(*a, *b).map(|e| e.id).collect();
                    let want: Vec<StreamId> = model.range(*a..=*b).map(|(k, _)| *k).collect();
                    prop_assert_eq!(got, want);
                }
            }
        }
    }
}
