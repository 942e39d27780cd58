//! Listpack: a compact, contiguous encoding of a short sequence of elements.
//!
//! Mirrors Redis 7.0's `listpack.c` in purpose and shape (one byte buffer, one
//! variable-length entry per element, integers stored in binary), but uses its
//! own, denser entry format so that small hashes, small zsets and quicklist
//! nodes take less memory than they do in Redis.
//!
//! # Elements
//! Every element is either an integer or a byte string ([`Elem`]). A string that
//! is the canonical decimal form of an `i64` (Redis's `string2ll` rules: optional
//! `-`, no leading zeros, no `+`, no spaces, `"-0"` is *not* an integer) is always
//! stored as an integer and is handed back as [`Elem::Int`]; rendering it gives
//! back exactly the original bytes. Because the conversion is canonical, two
//! elements are equal as byte strings exactly when they are equal as [`Elem`]s,
//! which lets searches classify the needle once and then compare cheaply.
//!
//! # Layout
//! `[count: u32 LE][entry]...` — the buffer's own length is the byte size, so no
//! total-bytes field and no terminator are needed (Redis spends 7 bytes on them).
//! An empty listpack owns no allocation at all.
//!
//! An entry is `[header + payload][backlen]`:
//!
//! | first byte    | meaning                                   | size        |
//! |---------------|-------------------------------------------|-------------|
//! | `0xxxxxxx`    | integer 0..=127                           | 1           |
//! | `10llllll`    | string of 0..=63 bytes                    | 1 + len     |
//! | `110xxxxx`    | 13-bit signed integer (+1 byte)           | 2           |
//! | `1110xxxx`    | 20-bit signed integer (+2 bytes)          | 3           |
//! | `11110xxx`    | 27-bit signed integer (+3 bytes)          | 4           |
//! | `111110ll`    | string of 64..=1087 bytes (+1 length byte)| 2 + len     |
//! | `0xFC`        | i32, little endian                        | 5           |
//! | `0xFD`        | 48-bit signed, little endian              | 7           |
//! | `0xFE`        | i64, little endian                        | 9           |
//! | `0xFF`        | string, u32 LE length (u32::MAX: u64 next)| 5 (13) + len|
//!
//! `backlen` is the length of `header + payload` written as a base-128 number
//! whose *last* byte holds the lowest 7 bits, each byte but the first having the
//! high bit set, so it can be read backwards; it makes walking from the tail
//! O(1) per step. It is 1 byte for entries shorter than 128 bytes.
//!
//! Two flavours exist, chosen at the type level: [`Listpack`] (entries carry a
//! backlen; O(1) steps in both directions; used by quicklist nodes and anything
//! that walks backwards, such as ZREVRANGE) and [`ForwardListpack`] (no backlen:
//! one byte per element smaller; walking backwards costs a forward scan; used by
//! small hashes, which never walk backwards).
//!
//! # Invariants
//! * the buffer is empty, or it is a 4-byte count followed by exactly `count`
//!   well-formed entries, nothing else;
//! * every integer that fits an `i64` and every canonical-integer string is
//!   stored with the smallest integer encoding; every other string as a string;
//! * the allocation is exactly the buffer's length (one realloc per change, like
//!   Redis), because these live by the hundred thousand and slack would show.
//!
//! Nothing here panics on any argument: out-of-range indexes and stale [`Pos`]
//! values give `None`/`false`, never a panic (a stale `Pos` may give a wrong
//! element, but never undefined behaviour: there is no `unsafe` here).

use std::fmt;

// ---------------------------------------------------------------------------
// Elements
// ---------------------------------------------------------------------------

/// A borrowed view of one element: an integer or a byte string.
///
/// Equality is byte-string equality of the rendered forms (see the module doc).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub enum Elem<'a> {
    /// An integer (stored in binary; renders as its decimal text).
    Int(i64),
    /// A byte string that is not a canonical integer.
    Str(&'a [u8]),
}

/// Scratch space for rendering an [`Elem::Int`] as decimal text (no allocation).
#[derive(Clone, Copy)]
pub struct IntBuf([u8; 20]);

impl IntBuf {
    /// A fresh buffer.
    pub const fn new() -> Self {
        IntBuf([0; 20])
    }
}

impl Default for IntBuf {
    fn default() -> Self {
        Self::new()
    }
}

impl<'a> Elem<'a> {
    /// Classifies `bytes`: a canonical `i64` becomes [`Elem::Int`], anything else
    /// [`Elem::Str`]. Use this to build a needle for the `find` family.
    #[inline]
    pub fn from_bytes(bytes: &'a [u8]) -> Self {
        match parse_i64(bytes) {
            Some(v) => Elem::Int(v),
            None => Elem::Str(bytes),
        }
    }

    /// The element's bytes; integers are rendered into `buf`.
    #[inline]
    pub fn as_bytes<'b>(self, buf: &'b mut IntBuf) -> &'b [u8]
    where
        'a: 'b,
    {
        match self {
            Elem::Str(s) => s,
            Elem::Int(v) => format_i64(v, buf),
        }
    }

    /// The element's bytes in a new vector.
    pub fn to_vec(self) -> Vec<u8> {
        let mut buf = IntBuf::new();
        self.as_bytes(&mut buf).to_vec()
    }

    /// Length of the rendered bytes (HSTRLEN, LCS...), without rendering.
    pub fn rendered_len(self) -> usize {
        match self {
            Elem::Str(s) => s.len(),
            Elem::Int(v) => decimal_len(v),
        }
    }

    /// The integer value, if this element is one. (A string element is never a
    /// canonical integer, so `Str` always answers `None`.)
    pub fn as_int(self) -> Option<i64> {
        match self {
            Elem::Int(v) => Some(v),
            Elem::Str(_) => None,
        }
    }

    /// An owned copy.
    pub fn to_owned_elem(self) -> OwnedElem {
        match self {
            Elem::Int(v) => OwnedElem::Int(v),
            Elem::Str(s) => OwnedElem::Str(s.to_vec()),
        }
    }

    /// Whether this element equals the byte string `bytes`.
    pub fn eq_bytes(self, bytes: &[u8]) -> bool {
        self == Elem::from_bytes(bytes)
    }
}

impl fmt::Debug for Elem<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Elem::Int(v) => write!(f, "Int({v})"),
            Elem::Str(s) => write!(f, "Str({:?})", String::from_utf8_lossy(s)),
        }
    }
}

/// An owned element, as returned by pops.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub enum OwnedElem {
    /// An integer.
    Int(i64),
    /// A byte string that is not a canonical integer.
    Str(Vec<u8>),
}

impl OwnedElem {
    /// Classifies and copies `bytes` (see [`Elem::from_bytes`]).
    pub fn from_bytes(bytes: &[u8]) -> Self {
        Elem::from_bytes(bytes).to_owned_elem()
    }

    /// A borrowed view.
    pub fn as_elem(&self) -> Elem<'_> {
        match self {
            OwnedElem::Int(v) => Elem::Int(*v),
            OwnedElem::Str(s) => Elem::Str(s),
        }
    }

    /// The rendered bytes.
    pub fn into_vec(self) -> Vec<u8> {
        match self {
            OwnedElem::Int(v) => Elem::Int(v).to_vec(),
            OwnedElem::Str(s) => s,
        }
    }
}

/// Parses `bytes` as an `i64` under Redis's `string2ll` rules: 1..=20 bytes,
/// optional leading `-`, then `0` alone or a digit 1-9 followed by digits, no
/// overflow. `"-0"`, `"+1"`, `" 1"`, `"01"` are not integers.
pub fn parse_i64(bytes: &[u8]) -> Option<i64> {
    if bytes.is_empty() || bytes.len() > 20 {
        return None;
    }
    if bytes == b"0" {
        return Some(0);
    }
    let (neg, digits) = match bytes.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, bytes),
    };
    let (&first, rest) = digits.split_first()?;
    if !(b'1'..=b'9').contains(&first) {
        return None;
    }
    let mut v = u64::from(first - b'0');
    for &c in rest {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v.checked_mul(10)?.checked_add(u64::from(c - b'0'))?;
    }
    if neg {
        // -(2^63) is the one magnitude that fits only as a negative number.
        if v <= i64::MAX as u64 {
            Some(-(v as i64))
        } else if v == i64::MIN.unsigned_abs() {
            Some(i64::MIN)
        } else {
            None
        }
    } else {
        i64::try_from(v).ok()
    }
}

/// Renders `v` in decimal into `buf`, returning the used tail of it.
pub fn format_i64(v: i64, buf: &mut IntBuf) -> &[u8] {
    let mut n = v.unsigned_abs();
    let mut i = buf.0.len();
    loop {
        i -= 1;
        buf.0[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    if v < 0 {
        // 19 digits at most for |i64::MIN| plus the sign: 20 bytes, never under.
        i -= 1;
        buf.0[i] = b'-';
    }
    &buf.0[i..]
}

fn decimal_len(v: i64) -> usize {
    let mut n = v.unsigned_abs();
    let mut len = usize::from(v < 0) + 1;
    while n >= 10 {
        n /= 10;
        len += 1;
    }
    len
}

// ---------------------------------------------------------------------------
// Randomness helpers shared by the collection types
// ---------------------------------------------------------------------------

/// A uniform index in `0..n` from one 64-bit random word (multiply-shift; the
/// bias is at most `n / 2^64`). Returns 0 when `n == 0`.
#[inline]
pub fn random_index(rng: &mut impl FnMut() -> u64, n: usize) -> usize {
    ((u128::from(rng()) * n as u128) >> 64) as usize
}

/// A small, fast, non-cryptographic generator (SplitMix64), convenient as the
/// `rng` closure of the random-pick methods: `let mut r = SplitMix64::new(seed);
/// set.random_member(&mut || r.next_u64())`.
#[derive(Clone, Debug)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator from a seed.
    pub const fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// Picks `k` distinct indexes of `0..n` uniformly (selection sampling, Knuth's
/// algorithm S: one pass, output ascending). `k >= n` gives all of them.
pub fn sample_indexes(n: usize, k: usize, rng: &mut impl FnMut() -> u64) -> Vec<usize> {
    let k = k.min(n);
    let mut out = Vec::with_capacity(k);
    let mut needed = k;
    for i in 0..n {
        if needed == 0 {
            break;
        }
        // Take index i with probability needed / (n - i).
        if random_index(rng, n - i) < needed {
            out.push(i);
            needed -= 1;
        }
    }
    out
}

/// Fisher–Yates shuffle, so sampled results do not come back in storage order.
pub fn shuffle<T>(v: &mut [T], rng: &mut impl FnMut() -> u64) {
    for i in (1..v.len()).rev() {
        let j = random_index(rng, i + 1);
        v.swap(i, j);
    }
}

// ---------------------------------------------------------------------------
// Entry encoding (shared with quicklist nodes, which store bare entries)
// ---------------------------------------------------------------------------

const STR6: u8 = 0x80;
const INT13: u8 = 0xC0;
const INT20: u8 = 0xE0;
const INT27: u8 = 0xF0;
const STR10: u8 = 0xF8;
const INT32: u8 = 0xFC;
const INT48: u8 = 0xFD;
const INT64: u8 = 0xFE;
const STR32: u8 = 0xFF;

/// Longest string with a 1-byte header / with a 2-byte header.
const STR6_MAX: usize = 63;
const STR10_MAX: usize = 64 + 1023;

/// An element encoded and ready to be copied into a buffer.
pub(crate) struct Encoded<'a> {
    head: [u8; 13],
    head_len: u8,
    data: &'a [u8],
    back: [u8; 10],
    back_len: u8,
}

impl<'a> Encoded<'a> {
    /// Encodes `e`, with a backlen when `backlinks`.
    #[inline]
    pub(crate) fn new(e: Elem<'a>, backlinks: bool) -> Self {
        let mut head = [0u8; 13];
        let (head_len, data): (usize, &[u8]) = match e {
            Elem::Int(v) => (encode_int(v, &mut head), &[]),
            Elem::Str(s) => (encode_str_header(s.len(), &mut head), s),
        };
        let mut back = [0u8; 10];
        let back_len = if backlinks {
            write_backlen(head_len + data.len(), &mut back)
        } else {
            0
        };
        Encoded {
            head,
            head_len: head_len as u8,
            data,
            back,
            back_len: back_len as u8,
        }
    }

    /// Total bytes the entry takes.
    #[inline]
    pub(crate) fn size(&self) -> usize {
        self.head_len as usize + self.data.len() + self.back_len as usize
    }

    /// Writes the entry into `dst[at..at + self.size()]`; returns false (writing
    /// nothing) if that range is not inside `dst`.
    #[inline]
    fn write(&self, dst: &mut [u8], at: usize) -> bool {
        let h = self.head_len as usize;
        let d = self.data.len();
        let b = self.back_len as usize;
        let Some(out) = dst.get_mut(at..at + h + d + b) else {
            return false;
        };
        let (o_head, rest) = out.split_at_mut(h);
        let (o_data, o_back) = rest.split_at_mut(d);
        o_head.copy_from_slice(&self.head[..h]);
        o_data.copy_from_slice(self.data);
        o_back.copy_from_slice(&self.back[..b]);
        true
    }
}

#[inline]
fn encode_int(v: i64, head: &mut [u8; 13]) -> usize {
    if (0..=127).contains(&v) {
        head[0] = v as u8;
        1
    } else if (-(1 << 12)..(1 << 12)).contains(&v) {
        let u = (v as u64) & 0x1FFF;
        head[0] = INT13 | (u >> 8) as u8;
        head[1] = u as u8;
        2
    } else if (-(1 << 19)..(1 << 19)).contains(&v) {
        let u = (v as u64) & 0xF_FFFF;
        head[0] = INT20 | (u >> 16) as u8;
        head[1] = (u >> 8) as u8;
        head[2] = u as u8;
        3
    } else if (-(1 << 26)..(1 << 26)).contains(&v) {
        let u = (v as u64) & 0x7FF_FFFF;
        head[0] = INT27 | (u >> 24) as u8;
        head[1] = (u >> 16) as u8;
        head[2] = (u >> 8) as u8;
        head[3] = u as u8;
        4
    } else if let Ok(v32) = i32::try_from(v) {
        head[0] = INT32;
        head[1..5].copy_from_slice(&v32.to_le_bytes());
        5
    } else if (-(1 << 47)..(1 << 47)).contains(&v) {
        head[0] = INT48;
        head[1..7].copy_from_slice(&v.to_le_bytes()[..6]);
        7
    } else {
        head[0] = INT64;
        head[1..9].copy_from_slice(&v.to_le_bytes());
        9
    }
}

#[inline]
fn encode_str_header(len: usize, head: &mut [u8; 13]) -> usize {
    if len <= STR6_MAX {
        head[0] = STR6 | len as u8;
        1
    } else if len <= STR10_MAX {
        let m = len - 64;
        head[0] = STR10 | (m >> 8) as u8;
        head[1] = m as u8;
        2
    } else if let Ok(l32) = u32::try_from(len) {
        if l32 != u32::MAX {
            head[0] = STR32;
            head[1..5].copy_from_slice(&l32.to_le_bytes());
            return 5;
        }
        encode_str_header_u64(len, head)
    } else {
        encode_str_header_u64(len, head)
    }
}

/// Strings of 4 GiB or more (never seen in practice: Redis caps bulk strings at
/// 512 MB) are still representable, so encoding cannot fail.
fn encode_str_header_u64(len: usize, head: &mut [u8; 13]) -> usize {
    head[0] = STR32;
    head[1..5].copy_from_slice(&u32::MAX.to_le_bytes());
    head[5..13].copy_from_slice(&(len as u64).to_le_bytes());
    13
}

/// Bytes needed to store `l` as a backlen.
#[inline]
pub(crate) fn backlen_size(l: usize) -> usize {
    let bits = (usize::BITS - l.leading_zeros()) as usize;
    bits.div_ceil(7).max(1)
}

#[inline]
fn write_backlen(l: usize, out: &mut [u8; 10]) -> usize {
    let k = backlen_size(l);
    let mut rest = l;
    for i in 0..k {
        // Group i (lowest bits first) goes i bytes before the end; every byte
        // but the first stored one flags "more bytes precede me".
        let cont = if i + 1 < k { 0x80 } else { 0 };
        out[k - 1 - i] = (rest & 0x7F) as u8 | cont;
        rest >>= 7;
    }
    k
}

/// Reads the backlen that ends just before `end`: `(entry_len, backlen_bytes)`.
#[inline]
fn read_backlen(buf: &[u8], end: usize) -> Option<(usize, usize)> {
    let mut l = 0usize;
    let mut i = end;
    let mut shift = 0u32;
    loop {
        i = i.checked_sub(1)?;
        let b = *buf.get(i)?;
        if shift >= usize::BITS {
            return None;
        }
        l |= usize::from(b & 0x7F) << shift;
        shift += 7;
        if b & 0x80 == 0 {
            return Some((l, end - i));
        }
    }
}

#[inline]
fn sext(u: u64, bits: u32) -> i64 {
    ((u << (64 - bits)) as i64) >> (64 - bits)
}

#[inline]
fn bytes_at<const N: usize>(buf: &[u8], off: usize) -> Option<[u8; N]> {
    buf.get(off..off.checked_add(N)?)?.try_into().ok()
}

/// Decodes the entry at `off`: the element and the length of header+payload.
#[inline]
pub(crate) fn decode(buf: &[u8], off: usize) -> Option<(Elem<'_>, usize)> {
    let h = *buf.get(off)?;
    let r = match h {
        0x00..=0x7F => (Elem::Int(i64::from(h)), 1),
        0x80..=0xBF => {
            let n = usize::from(h & 0x3F);
            (Elem::Str(buf.get(off + 1..off + 1 + n)?), 1 + n)
        }
        0xC0..=0xDF => {
            let [b] = bytes_at::<1>(buf, off + 1)?;
            let u = (u64::from(h & 0x1F) << 8) | u64::from(b);
            (Elem::Int(sext(u, 13)), 2)
        }
        0xE0..=0xEF => {
            let [b1, b2] = bytes_at::<2>(buf, off + 1)?;
            let u = (u64::from(h & 0x0F) << 16) | (u64::from(b1) << 8) | u64::from(b2);
            (Elem::Int(sext(u, 20)), 3)
        }
        0xF0..=0xF7 => {
            let [b1, b2, b3] = bytes_at::<3>(buf, off + 1)?;
            let u = (u64::from(h & 0x07) << 24)
                | (u64::from(b1) << 16)
                | (u64::from(b2) << 8)
                | u64::from(b3);
            (Elem::Int(sext(u, 27)), 4)
        }
        0xF8..=0xFB => {
            let [b] = bytes_at::<1>(buf, off + 1)?;
            let n = 64 + ((usize::from(h & 0x03) << 8) | usize::from(b));
            (Elem::Str(buf.get(off + 2..off + 2 + n)?), 2 + n)
        }
        INT32 => (
            Elem::Int(i64::from(i32::from_le_bytes(bytes_at(buf, off + 1)?))),
            5,
        ),
        INT48 => {
            let b: [u8; 6] = bytes_at(buf, off + 1)?;
            let mut w = [0u8; 8];
            w[..6].copy_from_slice(&b);
            (Elem::Int(sext(u64::from_le_bytes(w), 48)), 7)
        }
        INT64 => (Elem::Int(i64::from_le_bytes(bytes_at(buf, off + 1)?)), 9),
        STR32 => {
            let (n, hl) = str32_len(buf, off)?;
            let start = off.checked_add(hl)?;
            (Elem::Str(buf.get(start..start.checked_add(n)?)?), hl + n)
        }
    };
    Some(r)
}

#[cold]
fn str32_len(buf: &[u8], off: usize) -> Option<(usize, usize)> {
    let l32 = u32::from_le_bytes(bytes_at(buf, off + 1)?);
    if l32 != u32::MAX {
        Some((l32 as usize, 5))
    } else {
        let l64 = u64::from_le_bytes(bytes_at(buf, off + 5)?);
        Some((usize::try_from(l64).ok()?, 13))
    }
}

/// Length of header+payload of the entry at `off`, without decoding it.
/// `None` if the entry would run past the buffer, so callers can add sizes
/// to offsets without overflow even when handed a stale [`Pos`].
#[inline]
fn enc_len(buf: &[u8], off: usize) -> Option<usize> {
    let h = *buf.get(off)?;
    let len = match h {
        0x00..=0x7F => 1,
        0x80..=0xBF => 1 + usize::from(h & 0x3F),
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF7 => 4,
        0xF8..=0xFB => {
            let b = *buf.get(off + 1)?;
            2 + 64 + ((usize::from(h & 0x03) << 8) | usize::from(b))
        }
        INT32 => 5,
        INT48 => 7,
        INT64 => 9,
        STR32 => {
            let (n, hl) = str32_len(buf, off)?;
            hl.checked_add(n)?
        }
    };
    (len <= buf.len() - off).then_some(len)
}

/// Full size (with backlen if `B`) of the entry at `off`.
#[inline]
pub(crate) fn entry_size<const B: bool>(buf: &[u8], off: usize) -> Option<usize> {
    let l = enc_len(buf, off)?;
    Some(if B { l + backlen_size(l) } else { l })
}

/// Start of the entry that ends at `end` (needs backlens), not before `start`.
#[inline]
pub(crate) fn prev_entry(buf: &[u8], start: usize, end: usize) -> Option<usize> {
    if end <= start {
        return None;
    }
    let (l, bl) = read_backlen(buf, end)?;
    let s = end.checked_sub(bl)?.checked_sub(l)?;
    (s >= start).then_some(s)
}

/// Start of the entry before `off` in a region `[start, ..)`, for either
/// flavour (a forward-only region is scanned from `start`).
#[inline]
pub(crate) fn prev_entry_any<const B: bool>(buf: &[u8], start: usize, off: usize) -> Option<usize> {
    if B {
        return prev_entry(buf, start, off);
    }
    if off <= start {
        return None;
    }
    let mut p = start;
    loop {
        let n = p + entry_size::<B>(buf, p)?;
        if n >= off {
            return (n == off).then_some(p);
        }
        p = n;
    }
}

/// Grows `v` to hold `additional` more bytes. `soft_cap == 0` means exact
/// (one allocation the size of the content, like Redis's listpacks); otherwise
/// the capacity grows by half, but not past `soft_cap` unless needed, so a
/// quicklist node grows amortised, never far beyond its size limit, and a
/// short list's only node stays close to its content's size.
#[inline]
pub(crate) fn reserve(v: &mut Vec<u8>, additional: usize, soft_cap: usize) {
    let need = v.len() + additional;
    if need <= v.capacity() {
        return;
    }
    let target = if soft_cap == 0 {
        need
    } else {
        need.max((v.capacity() + v.capacity() / 2).min(soft_cap))
    };
    v.reserve_exact(target - v.len());
}

/// Replaces bytes `off..off + remove` of `v` with a gap of `insert` bytes
/// (contents unspecified). Returns false, changing nothing, if out of range.
#[inline]
pub(crate) fn make_gap(
    v: &mut Vec<u8>,
    off: usize,
    remove: usize,
    insert: usize,
    soft_cap: usize,
) -> bool {
    let old_len = v.len();
    let Some(tail) = off.checked_add(remove).filter(|&t| t <= old_len) else {
        return false;
    };
    if insert > remove {
        let extra = insert - remove;
        reserve(v, extra, soft_cap);
        v.resize(old_len + extra, 0);
        v.copy_within(tail..old_len, tail + extra);
    } else if insert < remove {
        v.copy_within(tail..old_len, off + insert);
        v.truncate(old_len - (remove - insert));
    }
    true
}

/// Replaces `remove` bytes at `off` with the encoded entry.
#[inline]
pub(crate) fn splice_entry(
    v: &mut Vec<u8>,
    off: usize,
    remove: usize,
    enc: &Encoded<'_>,
    soft_cap: usize,
) -> bool {
    make_gap(v, off, remove, enc.size(), soft_cap) && enc.write(v, off)
}

/// Bytes spanned by `n` entries from `off` (fewer if the region ends first):
/// `(bytes, entries)`.
#[inline]
pub(crate) fn span<const B: bool>(buf: &[u8], off: usize, n: usize) -> (usize, usize) {
    let mut p = off;
    let mut k = 0;
    while k < n && p < buf.len() {
        match entry_size::<B>(buf, p) {
            Some(s) => p += s,
            None => break,
        }
        k += 1;
    }
    (p - off, k)
}

// ---------------------------------------------------------------------------
// The listpack type
// ---------------------------------------------------------------------------

/// Header: the element count.
const HDR: usize = 4;

/// A listpack whose entries carry backlens: O(1) steps both ways. The general
/// choice; see the module doc.
pub type Listpack = ListpackOf<true>;

/// A listpack without backlens: one byte per element smaller; backward steps
/// scan from the front. For small hashes.
pub type ForwardListpack = ListpackOf<false>;

/// The listpack, generic over whether entries carry backlens. Use the aliases
/// [`Listpack`] and [`ForwardListpack`].
#[derive(Clone, Default)]
pub struct ListpackOf<const B: bool> {
    /// Empty, or `[count u32 LE][entries]`; allocation exactly this long.
    buf: Box<[u8]>,
}

/// The position of an entry (its byte offset), valid until the next change to
/// the listpack. Using a stale `Pos` never panics but may give wrong answers.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug, Hash)]
pub struct Pos(usize);

impl<const B: bool> ListpackOf<B> {
    /// An empty listpack (no allocation).
    pub fn new() -> Self {
        ListpackOf {
            buf: Box::default(),
        }
    }

    /// Number of elements. O(1).
    #[inline]
    pub fn len(&self) -> usize {
        match bytes_at::<4>(&self.buf, 0) {
            Some(c) => u32::from_le_bytes(c) as usize,
            None => 0,
        }
    }

    /// Whether there are no elements.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    /// Encoded size in bytes (what Redis calls the listpack's total bytes).
    #[inline]
    pub fn byte_size(&self) -> usize {
        self.buf.len()
    }

    /// Heap bytes owned (the allocation is exactly the encoded size).
    #[inline]
    pub fn mem_usage(&self) -> usize {
        self.buf.len()
    }

    /// Iterates the elements front to back (double-ended; on a
    /// [`ForwardListpack`] each backward step scans from the front).
    #[inline]
    pub fn iter(&self) -> Iter<'_, B> {
        Iter {
            buf: &self.buf,
            start: HDR.min(self.buf.len()),
            front: HDR.min(self.buf.len()),
            back: self.buf.len(),
            remaining: self.len(),
        }
    }

    // ---- positions -------------------------------------------------------

    /// Position of the first element.
    #[inline]
    pub fn first_pos(&self) -> Option<Pos> {
        (!self.is_empty()).then_some(Pos(HDR))
    }

    /// Position of the last element.
    pub fn last_pos(&self) -> Option<Pos> {
        prev_entry_any::<B>(&self.buf, HDR, self.buf.len()).map(Pos)
    }

    /// The position just past the last element: where `insert_at` appends.
    #[inline]
    pub fn end_pos(&self) -> Pos {
        Pos(self.buf.len().max(HDR))
    }

    /// Position of the element at `index` (negative counts from the tail, -1
    /// being the last). Walks from the nearer end when backlens allow it.
    pub fn pos(&self, index: i64) -> Option<Pos> {
        let len = self.len();
        let i = normalize_index(index, len)?;
        if B && i > len / 2 {
            let mut p = self.buf.len();
            for _ in 0..len - i {
                p = prev_entry(&self.buf, HDR, p)?;
            }
            Some(Pos(p))
        } else {
            let (bytes, k) = span::<B>(&self.buf, HDR, i);
            (k == i).then_some(Pos(HDR + bytes))
        }
    }

    /// Element at a position.
    #[inline]
    pub fn get_at(&self, p: Pos) -> Option<Elem<'_>> {
        if p.0 < HDR {
            return None;
        }
        decode(&self.buf, p.0).map(|(e, _)| e)
    }

    /// Position after `p`, if there is an element there.
    #[inline]
    pub fn next_pos(&self, p: Pos) -> Option<Pos> {
        if p.0 < HDR {
            return None;
        }
        let n = p.0 + entry_size::<B>(&self.buf, p.0)?;
        (n < self.buf.len()).then_some(Pos(n))
    }

    /// Position before `p`.
    #[inline]
    pub fn prev_pos(&self, p: Pos) -> Option<Pos> {
        prev_entry_any::<B>(&self.buf, HDR, p.0).map(Pos)
    }

    /// First position from `from` on whose element equals `needle`, comparing
    /// one element then skipping `skip` (e.g. `skip = 1` searches the keys of a
    /// key/value listpack, starting from a key position).
    pub fn find_from(&self, needle: Elem<'_>, from: Pos, skip: usize) -> Option<Pos> {
        let buf = &self.buf[..];
        let mut p = from.0;
        if p < HDR {
            return None;
        }
        while p < buf.len() {
            let (e, l) = decode(buf, p)?;
            let here = p;
            p += if B { l + backlen_size(l) } else { l };
            if e == needle {
                return Some(Pos(here));
            }
            if skip > 0 {
                let (bytes, k) = span::<B>(buf, p, skip);
                if k < skip {
                    return None;
                }
                p += bytes;
            }
        }
        None
    }

    /// Replaces the element at `p`; returns false if `p` is not an element.
    pub fn replace_at(&mut self, p: Pos, e: Elem<'_>) -> bool {
        if p.0 < HDR {
            return false;
        }
        let Some(old) = entry_size::<B>(&self.buf, p.0) else {
            return false;
        };
        let enc = Encoded::new(e, B);
        self.edit(|v| splice_entry(v, p.0, old, &enc, 0))
    }

    /// Inserts `e` before the element at `p` (or appends, at [`Self::end_pos`]).
    pub fn insert_at(&mut self, p: Pos, e: Elem<'_>) -> bool {
        let at = p.0.max(HDR);
        if at > self.buf.len().max(HDR) {
            return false;
        }
        let enc = Encoded::new(e, B);
        let ok = self.edit(|v| splice_entry(v, at, 0, &enc, 0));
        if ok {
            self.add_count(1);
        }
        ok
    }

    /// Deletes up to `n` elements from `p` on; returns how many were deleted.
    pub fn delete_at(&mut self, p: Pos, n: usize) -> usize {
        if p.0 < HDR || p.0 >= self.buf.len() || n == 0 {
            return 0;
        }
        let (bytes, k) = span::<B>(&self.buf, p.0, n);
        if k == 0 {
            return 0;
        }
        if k == self.len() {
            self.buf = Box::default();
            return k;
        }
        if self.edit(|v| make_gap(v, p.0, bytes, 0, 0)) {
            self.sub_count(k);
            k
        } else {
            0
        }
    }

    // ---- index-based operations ------------------------------------------

    /// Element at `index` (negative counts from the tail).
    #[inline]
    pub fn get(&self, index: i64) -> Option<Elem<'_>> {
        self.pos(index).and_then(|p| self.get_at(p))
    }

    /// First element.
    pub fn first(&self) -> Option<Elem<'_>> {
        self.first_pos().and_then(|p| self.get_at(p))
    }

    /// Last element.
    pub fn last(&self) -> Option<Elem<'_>> {
        self.last_pos().and_then(|p| self.get_at(p))
    }

    /// Appends an element.
    pub fn push_back(&mut self, e: Elem<'_>) {
        let end = self.end_pos();
        self.insert_at(end, e);
    }

    /// Appends several elements with a single reallocation (a hash's field and
    /// value, a zset's member and score).
    pub fn push_back_many(&mut self, elems: &[Elem<'_>]) {
        let encs: Vec<Encoded<'_>> = elems.iter().map(|&e| Encoded::new(e, B)).collect();
        let total: usize = encs.iter().map(Encoded::size).sum();
        let ok = self.edit(|v| {
            let mut at = v.len();
            if !make_gap(v, at, 0, total, 0) {
                return false;
            }
            for enc in &encs {
                enc.write(v, at);
                at += enc.size();
            }
            true
        });
        if ok {
            self.add_count(elems.len());
        }
    }

    /// Prepends an element.
    pub fn push_front(&mut self, e: Elem<'_>) {
        self.insert_at(Pos(HDR), e);
    }

    /// Inserts `e` so that it ends up at `index` (`0..=len`); false if out of
    /// range.
    pub fn insert(&mut self, index: usize, e: Elem<'_>) -> bool {
        if index > self.len() {
            return false;
        }
        let p = if index == self.len() {
            self.end_pos()
        } else {
            match self.pos(index as i64) {
                Some(p) => p,
                None => return false,
            }
        };
        self.insert_at(p, e)
    }

    /// Replaces the element at `index` (negative from the tail).
    pub fn replace(&mut self, index: i64, e: Elem<'_>) -> bool {
        match self.pos(index) {
            Some(p) => self.replace_at(p, e),
            None => false,
        }
    }

    /// Deletes `count` elements starting at `start` (clamped to the end);
    /// returns how many were deleted.
    pub fn delete_range(&mut self, start: usize, count: usize) -> usize {
        if start >= self.len() {
            return 0;
        }
        match self.pos(start as i64) {
            Some(p) => self.delete_at(p, count),
            None => 0,
        }
    }

    /// Removes and returns the first element.
    pub fn pop_front(&mut self) -> Option<OwnedElem> {
        let p = self.first_pos()?;
        let e = self.get_at(p)?.to_owned_elem();
        self.delete_at(p, 1);
        Some(e)
    }

    /// Removes and returns the last element.
    pub fn pop_back(&mut self) -> Option<OwnedElem> {
        let p = self.last_pos()?;
        let e = self.get_at(p)?.to_owned_elem();
        self.delete_at(p, 1);
        Some(e)
    }

    /// Index of the first element equal to `needle`.
    pub fn find(&self, needle: Elem<'_>) -> Option<usize> {
        self.iter().position(|e| e == needle)
    }

    /// Removes every element (frees the allocation).
    pub fn clear(&mut self) {
        self.buf = Box::default();
    }

    // ---- internals ---------------------------------------------------------

    /// Runs `f` on the buffer as a `Vec` (free: same allocation), adding the
    /// header first if the listpack was empty, and leaves the allocation
    /// exactly as long as the content.
    fn edit(&mut self, f: impl FnOnce(&mut Vec<u8>) -> bool) -> bool {
        let mut v = Vec::from(std::mem::take(&mut self.buf));
        if v.is_empty() {
            v.extend_from_slice(&[0; HDR]);
        }
        let ok = f(&mut v);
        if v.len() <= HDR {
            // Reached only if something deleted every entry without going
            // through delete_at's fast path: drop the header too.
            v = Vec::new();
        }
        self.buf = v.into_boxed_slice();
        ok
    }

    fn set_count(&mut self, n: usize) {
        if let Some(h) = self.buf.get_mut(..HDR) {
            // Counts above u32::MAX would need a > 4 GiB listpack of 1-byte
            // entries; saturate rather than wrap.
            h.copy_from_slice(&u32::try_from(n).unwrap_or(u32::MAX).to_le_bytes());
        }
    }

    fn add_count(&mut self, k: usize) {
        let n = self.len() + k;
        self.set_count(n);
    }

    fn sub_count(&mut self, k: usize) {
        let n = self.len().saturating_sub(k);
        self.set_count(n);
    }
}

impl<const B: bool> fmt::Debug for ListpackOf<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<const B: bool> PartialEq for ListpackOf<B> {
    fn eq(&self, other: &Self) -> bool {
        // The encoding is canonical, so equal contents means equal bytes.
        self.buf == other.buf
    }
}

impl<const B: bool> Eq for ListpackOf<B> {}

impl<'e, const B: bool> FromIterator<Elem<'e>> for ListpackOf<B> {
    fn from_iter<I: IntoIterator<Item = Elem<'e>>>(iter: I) -> Self {
        // Build in a growable vector, then trim the allocation once.
        let mut v = vec![0u8; HDR];
        let mut n = 0usize;
        for e in iter {
            let enc = Encoded::new(e, B);
            let at = v.len();
            splice_entry(&mut v, at, 0, &enc, usize::MAX);
            n += 1;
        }
        if n == 0 {
            return Self::new();
        }
        let mut lp = ListpackOf {
            buf: v.into_boxed_slice(),
        };
        lp.set_count(n);
        lp
    }
}

impl<'a, const B: bool> IntoIterator for &'a ListpackOf<B> {
    type Item = Elem<'a>;
    type IntoIter = Iter<'a, B>;
    fn into_iter(self) -> Iter<'a, B> {
        self.iter()
    }
}

/// Maps a possibly negative index onto `0..len`.
#[inline]
pub(crate) fn normalize_index(index: i64, len: usize) -> Option<usize> {
    let i = if index < 0 {
        (len as i64).checked_add(index)?
    } else {
        index
    };
    usize::try_from(i).ok().filter(|&i| i < len)
}

/// Iterator over a listpack's (or a quicklist node's) elements.
#[derive(Clone)]
pub struct Iter<'a, const B: bool> {
    buf: &'a [u8],
    /// Start of the entry region (for backward scans).
    start: usize,
    front: usize,
    back: usize,
    remaining: usize,
}

impl<'a, const B: bool> Iter<'a, B> {
    /// Iterates bare entries occupying `buf[start..]` (quicklist nodes).
    pub(crate) fn over(buf: &'a [u8], count: usize) -> Self {
        Iter {
            buf,
            start: 0,
            front: 0,
            back: buf.len(),
            remaining: count,
        }
    }
}

impl<'a, const B: bool> Iterator for Iter<'a, B> {
    type Item = Elem<'a>;

    #[inline]
    fn next(&mut self) -> Option<Elem<'a>> {
        if self.remaining == 0 {
            return None;
        }
        let (e, l) = decode(self.buf, self.front)?;
        self.front += if B { l + backlen_size(l) } else { l };
        self.remaining -= 1;
        Some(e)
    }

    #[inline]
    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.remaining, Some(self.remaining))
    }
}

impl<const B: bool> DoubleEndedIterator for Iter<'_, B> {
    #[inline]
    fn next_back(&mut self) -> Option<Self::Item> {
        if self.remaining == 0 {
            return None;
        }
        // A forward-only region is rescanned from `front`, which is already
        // past everything consumed at the front.
        let p = if B {
            prev_entry(self.buf, self.start, self.back)?
        } else {
            prev_entry_any::<false>(self.buf, self.front, self.back)?
        };
        let (e, _) = decode(self.buf, p)?;
        self.back = p;
        self.remaining -= 1;
        Some(e)
    }
}

impl<const B: bool> ExactSizeIterator for Iter<'_, B> {}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(b: &[u8]) -> Elem<'_> {
        Elem::from_bytes(b)
    }

    #[test]
    fn parse_rules_follow_string2ll() {
        assert_eq!(parse_i64(b"0"), Some(0));
        assert_eq!(parse_i64(b"-1"), Some(-1));
        assert_eq!(parse_i64(b"9223372036854775807"), Some(i64::MAX));
        assert_eq!(parse_i64(b"-9223372036854775808"), Some(i64::MIN));
        for bad in [
            &b""[..],
            b"-",
            b"-0",
            b"+1",
            b"01",
            b" 1",
            b"1 ",
            b"9223372036854775808",
            b"-9223372036854775809",
            b"1.0",
            b"00",
            b"123456789012345678901",
        ] {
            assert_eq!(parse_i64(bad), None, "{:?}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn int_encodings_round_trip_at_every_boundary() {
        let mut vals = vec![0i64, 1, -1, i64::MIN, i64::MAX];
        for bits in [7u32, 12, 13, 19, 20, 26, 27, 31, 32, 47, 48, 63] {
            let b = 1i64 << bits.min(62);
            vals.extend([b - 1, b, b + 1, -b - 1, -b, -b + 1]);
        }
        let lp: Listpack = vals.iter().map(|&v| Elem::Int(v)).collect();
        let got: Vec<_> = lp.iter().collect();
        let want: Vec<_> = vals.iter().map(|&v| Elem::Int(v)).collect();
        assert_eq!(got, want);
        let back: Vec<_> = lp.iter().rev().collect();
        assert_eq!(back, want.iter().rev().copied().collect::<Vec<_>>());
        for v in vals {
            let mut b = IntBuf::new();
            let txt = Elem::Int(v).as_bytes(&mut b).to_vec();
            assert_eq!(txt, v.to_string().into_bytes());
            assert_eq!(Elem::Int(v).rendered_len(), txt.len());
            assert_eq!(parse_i64(&txt), Some(v));
        }
    }

    #[test]
    fn string_lengths_round_trip() {
        for len in [0usize, 1, 63, 64, 65, 127, 128, 1087, 1088, 5000, 70_000] {
            let data = vec![b'x'; len];
            let mut lp = Listpack::new();
            lp.push_back(Elem::Str(b"a"));
            lp.push_back(Elem::Str(&data));
            lp.push_back(Elem::Str(b"b"));
            assert_eq!(lp.get(1), Some(Elem::Str(&data)));
            assert_eq!(lp.get(-2), Some(Elem::Str(&data)));
            assert_eq!(lp.iter().rev().nth(1), Some(Elem::Str(&data)));
            let mut f = ForwardListpack::new();
            f.push_back(Elem::Str(&data));
            f.push_back(Elem::Int(7));
            assert_eq!(f.get(0), Some(Elem::Str(&data)));
            assert_eq!(f.get(-1), Some(Elem::Int(7)));
        }
    }

    #[test]
    fn canonical_ints_come_back_as_text() {
        let mut lp = Listpack::new();
        for t in [&b"12"[..], b"-0", b"007", b"-5", b"abc", b""] {
            lp.push_back(s(t));
        }
        let got: Vec<Vec<u8>> = lp.iter().map(|e| e.to_vec()).collect();
        assert_eq!(
            got,
            vec![
                b"12".to_vec(),
                b"-0".to_vec(),
                b"007".to_vec(),
                b"-5".to_vec(),
                b"abc".to_vec(),
                b"".to_vec()
            ]
        );
        assert_eq!(lp.get(0), Some(Elem::Int(12)));
        assert_eq!(lp.get(1), Some(Elem::Str(b"-0")));
    }

    #[test]
    fn edits_and_positions() {
        let mut lp = Listpack::new();
        assert!(lp.is_empty());
        assert_eq!(lp.mem_usage(), 0);
        lp.push_back(s(b"b"));
        lp.push_front(s(b"a"));
        lp.push_back(s(b"c"));
        assert!(lp.insert(3, s(b"d")));
        assert!(!lp.insert(9, s(b"z")));
        assert!(lp.replace(-1, s(b"400")));
        assert_eq!(lp.len(), 4);
        assert_eq!(lp.find(s(b"400")), Some(3));
        assert_eq!(lp.find(s(b"zz")), None);
        assert_eq!(lp.delete_range(1, 2), 2);
        assert_eq!(
            lp.iter().map(|e| e.to_vec()).collect::<Vec<_>>(),
            vec![b"a".to_vec(), b"400".to_vec()]
        );
        assert_eq!(lp.pop_back(), Some(OwnedElem::Int(400)));
        assert_eq!(lp.pop_front(), Some(OwnedElem::Str(b"a".to_vec())));
        assert_eq!(lp.pop_front(), None);
        assert!(lp.is_empty());
        assert_eq!(lp.byte_size(), 0);
        // Out-of-range and stale positions are harmless.
        assert_eq!(lp.get_at(Pos(0)), None);
        assert_eq!(lp.delete_at(Pos(100), 3), 0);
        assert!(!lp.replace_at(Pos(100), Elem::Int(1)));
        assert!(!lp.insert_at(Pos(100), Elem::Int(1)));
    }

    #[test]
    fn find_with_skip_searches_keys_only() {
        let lp: ForwardListpack = [s(b"k1"), s(b"v"), s(b"k2"), s(b"v"), s(b"k3"), s(b"3")]
            .into_iter()
            .collect();
        let first = lp.first_pos().expect("non-empty");
        // "v" is only a value, never a key.
        assert_eq!(lp.find_from(s(b"v"), first, 1), None);
        let p = lp.find_from(s(b"k3"), first, 1).expect("key present");
        assert_eq!(
            lp.get_at(lp.next_pos(p).expect("value")),
            Some(Elem::Int(3))
        );
    }

    #[test]
    fn forward_listpack_is_smaller() {
        let items: Vec<Vec<u8>> = (0..20).map(|i| format!("field{i}").into_bytes()).collect();
        let a: Listpack = items.iter().map(|b| s(b)).collect();
        let b: ForwardListpack = items.iter().map(|b| s(b)).collect();
        assert_eq!(a.byte_size(), b.byte_size() + 20);
        assert!(
            b.iter()
                .rev()
                .map(|e| e.to_vec())
                .eq(items.iter().rev().cloned())
        );
        assert_eq!(b.last(), Some(s(b"field19")));
    }

    #[test]
    fn stale_positions_never_panic() {
        use proptest::prelude::*;
        let mut runner = proptest::test_runner::TestRunner::default();
        let strat = (
            prop::collection::vec(any::<u8>(), 0..40),
            prop::collection::vec((0u8..7, 0usize..80, any::<i64>()), 1..20),
        );
        runner
            .run(&strat, |(bytes, ops)| {
                let mut lp: Listpack = [
                    Elem::Str(&bytes),
                    Elem::Int(5),
                    Elem::Str(b"abc"),
                    Elem::Int(-100_000),
                ]
                .into_iter()
                .collect();
                let mut f: ForwardListpack = lp.iter().collect();
                for (op, at, v) in ops {
                    let p = Pos(at);
                    match op {
                        0 => {
                            lp.get_at(p);
                            f.get_at(p);
                        }
                        1 => {
                            lp.replace_at(p, Elem::Int(v));
                            f.replace_at(p, Elem::Int(v));
                        }
                        2 => {
                            lp.insert_at(p, Elem::Str(&bytes));
                            f.insert_at(p, Elem::Str(&bytes));
                        }
                        3 => {
                            lp.delete_at(p, at % 3);
                            f.delete_at(p, at % 3);
                        }
                        4 => {
                            lp.next_pos(p);
                            lp.prev_pos(p);
                            f.next_pos(p);
                            f.prev_pos(p);
                        }
                        5 => {
                            lp.find_from(Elem::Int(v), p, at % 3);
                            f.find_from(Elem::Int(v), p, at % 3);
                        }
                        _ => {
                            lp.get(v % 8);
                            f.get(v % 8);
                            lp.pop_back();
                            f.pop_back();
                        }
                    }
                    // Whatever state results, reading it must not panic.
                    let _ = lp.iter().count() + lp.iter().rev().count();
                    let _ = f.iter().count() + f.iter().rev().count();
                    let _ = (lp.last(), f.last(), lp.len(), f.len());
                }
                Ok(())
            })
            .map_err(|e| e.to_string())
            .expect("no panic on stale positions");
    }

    #[test]
    fn backlen_round_trip() {
        for l in [0usize, 1, 127, 128, 16383, 16384, 1 << 21, usize::MAX >> 1] {
            let mut out = [0u8; 10];
            let k = write_backlen(l, &mut out);
            assert_eq!(k, backlen_size(l));
            assert_eq!(read_backlen(&out[..k], k), Some((l, k)));
        }
    }

    #[test]
    fn random_helpers() {
        let mut r = SplitMix64::new(1);
        let mut rng = || r.next_u64();
        for n in [1usize, 2, 7, 100] {
            for _ in 0..100 {
                assert!(random_index(&mut rng, n) < n);
            }
        }
        let s = sample_indexes(10, 4, &mut rng);
        assert_eq!(s.len(), 4);
        assert!(s.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(sample_indexes(3, 10, &mut rng), vec![0, 1, 2]);
    }

    mod model {
        use super::super::*;
        use proptest::prelude::*;

        #[derive(Debug, Clone)]
        enum Op {
            PushBack(Vec<u8>),
            PushFront(Vec<u8>),
            PushMany(Vec<Vec<u8>>),
            Insert(usize, Vec<u8>),
            Replace(i64, Vec<u8>),
            Delete(usize, usize),
            PopFront,
            PopBack,
            Get(i64),
            Find(Vec<u8>),
        }

        pub(crate) fn value() -> impl Strategy<Value = Vec<u8>> {
            prop_oneof![
                any::<i64>().prop_map(|v| v.to_string().into_bytes()),
                (-5000i64..5000).prop_map(|v| v.to_string().into_bytes()),
                (0u32..40).prop_map(|v| v.to_string().into_bytes()),
                prop::sample::select(vec![
                    &b"-0"[..],
                    b"01",
                    b"+1",
                    b"",
                    b" 1",
                    b"a",
                    b"9223372036854775808",
                    b"-9223372036854775808"
                ])
                .prop_map(|b| b.to_vec()),
                prop::collection::vec(any::<u8>(), 0..80),
                (60usize..1100).prop_map(|n| vec![b'z'; n]),
            ]
        }

        fn op() -> impl Strategy<Value = Op> {
            prop_oneof![
                3 => value().prop_map(Op::PushBack),
                2 => value().prop_map(Op::PushFront),
                1 => prop::collection::vec(value(), 0..4).prop_map(Op::PushMany),
                2 => (0usize..40, value()).prop_map(|(i, v)| Op::Insert(i, v)),
                2 => (-40i64..40, value()).prop_map(|(i, v)| Op::Replace(i, v)),
                1 => (0usize..40, 0usize..5).prop_map(|(i, n)| Op::Delete(i, n)),
                1 => Just(Op::PopFront),
                1 => Just(Op::PopBack),
                2 => (-40i64..40).prop_map(Op::Get),
                1 => value().prop_map(Op::Find),
            ]
        }

        fn idx(i: i64, len: usize) -> Option<usize> {
            let j = if i < 0 { len as i64 + i } else { i };
            (j >= 0 && (j as usize) < len).then_some(j as usize)
        }

        fn run<const B: bool>(ops: Vec<Op>) {
            let mut lp = ListpackOf::<B>::new();
            let mut m: Vec<Vec<u8>> = Vec::new();
            for op in ops {
                match op {
                    Op::PushBack(v) => {
                        lp.push_back(Elem::from_bytes(&v));
                        m.push(v);
                    }
                    Op::PushFront(v) => {
                        lp.push_front(Elem::from_bytes(&v));
                        m.insert(0, v);
                    }
                    Op::PushMany(vs) => {
                        let es: Vec<Elem<'_>> = vs.iter().map(|v| Elem::from_bytes(v)).collect();
                        lp.push_back_many(&es);
                        m.extend(vs.iter().cloned());
                    }
                    Op::Insert(i, v) => {
                        let ok = lp.insert(i, Elem::from_bytes(&v));
                        assert_eq!(ok, i <= m.len());
                        if ok {
                            m.insert(i, v);
                        }
                    }
                    Op::Replace(i, v) => {
                        let ok = lp.replace(i, Elem::from_bytes(&v));
                        let j = idx(i, m.len());
                        assert_eq!(ok, j.is_some());
                        if let Some(j) = j {
                            m[j] = v;
                        }
                    }
                    Op::Delete(i, n) => {
                        let got = lp.delete_range(i, n);
                        let want = if i < m.len() { n.min(m.len() - i) } else { 0 };
                        assert_eq!(got, want);
                        if want > 0 {
                            m.drain(i..i + want);
                        }
                    }
                    Op::PopFront => {
                        let got = lp.pop_front().map(OwnedElem::into_vec);
                        let want = (!m.is_empty()).then(|| m.remove(0));
                        assert_eq!(got, want);
                    }
                    Op::PopBack => {
                        assert_eq!(lp.pop_back().map(OwnedElem::into_vec), m.pop());
                    }
                    Op::Get(i) => {
                        let want = idx(i, m.len()).map(|j| m[j].clone());
                        assert_eq!(lp.get(i).map(Elem::to_vec), want);
                    }
                    Op::Find(v) => {
                        let want = m.iter().position(|x| *x == v);
                        assert_eq!(lp.find(Elem::from_bytes(&v)), want);
                    }
                }
                assert_eq!(lp.len(), m.len());
                assert_eq!(lp.is_empty(), m.is_empty());
                assert_eq!(lp.mem_usage() == 0, m.is_empty());
            }
            let fwd: Vec<Vec<u8>> = lp.iter().map(Elem::to_vec).collect();
            assert_eq!(fwd, m);
            let mut back: Vec<Vec<u8>> = lp.iter().rev().map(Elem::to_vec).collect();
            back.reverse();
            assert_eq!(back, m);
            // Mixed-direction iteration meets in the middle exactly once.
            let mut it = lp.iter();
            let mut front = Vec::new();
            let mut tail = Vec::new();
            while let Some(e) = it.next() {
                front.push(e.to_vec());
                match it.next_back() {
                    Some(e) => tail.push(e.to_vec()),
                    None => break,
                }
            }
            tail.reverse();
            front.extend(tail);
            assert_eq!(front, m);
            // The encoding is canonical: rebuilding gives identical bytes.
            let rebuilt: ListpackOf<B> = m.iter().map(|v| Elem::from_bytes(v)).collect();
            assert_eq!(rebuilt, lp);
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(300))]
            #[test]
            fn listpack_matches_vec(ops in prop::collection::vec(op(), 0..80)) {
                run::<true>(ops);
            }

            #[test]
            fn forward_listpack_matches_vec(ops in prop::collection::vec(op(), 0..80)) {
                run::<false>(ops);
            }

            #[test]
            fn elem_text_round_trips(v in value()) {
                let e = Elem::from_bytes(&v);
                prop_assert_eq!(e.to_vec(), v.clone());
                prop_assert_eq!(e.rendered_len(), v.len());
                prop_assert_eq!(parse_i64(&v).map(|i| i.to_string().into_bytes()).is_some(),
                    std::str::from_utf8(&v).ok().and_then(|t| t.parse::<i64>().ok())
                        .is_some_and(|i| i.to_string().as_bytes() == &v[..]));
            }
        }
    }
}
