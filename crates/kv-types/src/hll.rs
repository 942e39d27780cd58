//! HyperLogLog, in Redis 7.0's exact byte representation (hyperloglog.c), so
//! that a value written by Redis and SET into kv is read the same, and GET of
//! a kv HLL gives the bytes Redis would hold.
//!
//! An HLL is an ordinary string value:
//!
//! ```text
//! +------+---+-----+----------+---------------------------+
//! | HYLL | E | 000 | card (8) | registers ...             |
//! +------+---+-----+----------+---------------------------+
//!  magic   encoding  cached cardinality, little endian;
//!          0 dense   the MSB of its last byte set means
//!          1 sparse  "the cache is stale"
//! ```
//!
//! - Dense: 16384 six-bit registers packed least significant bit first
//!   (register 0 is the low 6 bits of byte 0, register 1 the high 2 bits of
//!   byte 0 and the low 4 of byte 1, ...): 12288 bytes after the header, so a
//!   dense value is exactly [`DENSE_LEN`] bytes.
//! - Sparse: run-length opcodes that must cover exactly 16384 registers:
//!   `00xxxxxx` ZERO (1..=64 zero registers), `01xxxxxx yyyyyyyy` XZERO
//!   (1..=16384 zero registers), `1vvvvvxx` VAL (1..=4 registers holding
//!   1..=32). A new HLL is sparse; it is promoted to dense when a register needs
//!   a value above 32 or when the sparse bytes would exceed
//!   `hll-sparse-max-bytes`.
//!
//! An element's register and value come from MurmurHash64A (seed
//! 0xadc83b19): the low 14 bits pick the register, and the value is the
//! position of the first set bit in the remaining 50 (1..=51). The estimate
//! is Ertl's improved estimator as in Redis 7.0 (`hllSigma`/`hllTau`), in
//! the same floating-point operations, so counts match Redis's exactly.
//!
//! Invariants: nothing here trusts the bytes. Every opcode read is bounds
//! checked (an XZERO cut by the end of the string reads its second byte as 0,
//! as Redis reads the string's terminating NUL), a sparse value that does not
//! describe exactly 16384 registers is [`Corrupt`], and no allocation depends
//! on a length read from the value.

/// The header: magic, encoding, three unused bytes, the cached cardinality.
pub const HEADER_LEN: usize = 16;
/// Bits of the hash that select a register (Redis's HLL_P).
const P: u32 = 14;
/// Bits of the hash left to count zeros in (HLL_Q).
const Q: usize = 64 - P as usize;
/// Number of registers.
pub const REGISTERS: usize = 1 << P;
/// Bits per dense register.
const BITS: usize = 6;
/// The largest value a dense register holds.
const REGISTER_MAX: u8 = (1 << BITS) - 1;
/// The exact length of a dense HLL string.
pub const DENSE_LEN: usize = HEADER_LEN + (REGISTERS * BITS).div_ceil(8);

const MAGIC: &[u8; 4] = b"HYLL";
const DENSE: u8 = 0;
const SPARSE: u8 = 1;
/// Where the encoding byte is.
const ENCODING_AT: usize = 4;
/// The cached cardinality's bytes.
const CARD_AT: usize = 8;
/// Its last byte, whose MSB marks the cache stale.
const CARD_LAST: usize = 15;

const SEED: u64 = 0xadc8_3b19;
/// Largest value a sparse VAL opcode holds, and its longest run.
const VAL_MAX_VALUE: u8 = 32;
const VAL_MAX_LEN: usize = 4;
/// Longest run of a ZERO opcode (a longer run takes an XZERO).
const ZERO_MAX_LEN: usize = 64;
/// Longest run of an XZERO opcode.
const XZERO_MAX_LEN: usize = 16384;
/// 0.5 / ln 2, the estimator's constant for an infinite number of registers.
const ALPHA_INF: f64 = 0.721_347_520_444_481_7;

/// How an HLL string stores its registers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Dense,
    Sparse,
}

impl Encoding {
    /// The name PFDEBUG ENCODING gives it.
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Dense => "dense",
            Encoding::Sparse => "sparse",
        }
    }
}

/// The string is not an HLL: too short, wrong magic, unknown encoding, or a
/// dense value of the wrong length (Redis's "not a valid HyperLogLog string
/// value").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotHll;

/// The string passed the header checks but its sparse opcodes do not
/// describe exactly 16384 registers (Redis's INVALIDOBJ).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Corrupt;

/// Checks the header as Redis's isHLLObjectOrReply does: the sparse
/// opcodes themselves are checked only when they are read.
pub fn encoding(bytes: &[u8]) -> Result<Encoding, NotHll> {
    if bytes.len() < HEADER_LEN || &bytes[..4] != MAGIC {
        return Err(NotHll);
    }
    match bytes[ENCODING_AT] {
        DENSE if bytes.len() == DENSE_LEN => Ok(Encoding::Dense),
        SPARSE => Ok(Encoding::Sparse),
        _ => Err(NotHll),
    }
}

/// A new, empty HLL: sparse, one XZERO covering every register, a valid
/// cached cardinality of 0 (Redis's createHLLObject).
pub fn new() -> Vec<u8> {
    let mut s = Vec::with_capacity(HEADER_LEN + 2);
    s.extend_from_slice(MAGIC);
    s.push(SPARSE);
    s.resize(HEADER_LEN, 0);
    let mut left = REGISTERS;
    while left > 0 {
        let run = left.min(XZERO_MAX_LEN);
        push_xzero(&mut s, run);
        left -= run;
    }
    s
}

/// MurmurHash64A as Redis has it (endian-neutral: words read little endian).
pub fn murmur64a(key: &[u8], seed: u64) -> u64 {
    const M: u64 = 0xc6a4_a793_5bd1_e995;
    const R: u32 = 47;
    let mut h = seed ^ (key.len() as u64).wrapping_mul(M);
    let mut words = key.chunks_exact(8);
    for word in words.by_ref() {
        let mut k = u64::from_le_bytes(word.try_into().expect("chunks of 8 bytes"));
        k = k.wrapping_mul(M);
        k ^= k >> R;
        k = k.wrapping_mul(M);
        h ^= k;
        h = h.wrapping_mul(M);
    }
    let tail = words.remainder();
    if !tail.is_empty() {
        for (i, &b) in tail.iter().enumerate() {
            h ^= u64::from(b) << (8 * i);
        }
        h = h.wrapping_mul(M);
    }
    h ^= h >> R;
    h = h.wrapping_mul(M);
    h ^= h >> R;
    h
}

/// The register an element falls in and the value it offers: one plus the
/// number of zeros before the first set bit of the hash's upper 50 bits, at
/// most 51 (Redis's hllPatLen).
pub fn hash_element(element: &[u8]) -> (usize, u8) {
    let hash = murmur64a(element, SEED);
    let index = (hash & (REGISTERS as u64 - 1)) as usize;
    // The sentinel bit bounds the run, so the count is at most Q + 1.
    let rest = (hash >> P) | (1u64 << Q);
    (index, rest.trailing_zeros() as u8 + 1)
}

// ---------------------------------------------------------------- dense --

/// Register `i` of a dense register area. The last register's byte has no
/// successor; Redis reads the string's NUL there, which contributes nothing.
fn dense_get(regs: &[u8], i: usize) -> u8 {
    let byte = i * BITS / 8;
    let fb = (i * BITS) & 7;
    let b0 = u32::from(regs.get(byte).copied().unwrap_or(0));
    let b1 = u32::from(regs.get(byte + 1).copied().unwrap_or(0));
    (((b0 >> fb) | (b1 << (8 - fb))) & u32::from(REGISTER_MAX)) as u8
}

/// Sets register `i` to `value` (at most 63).
fn dense_put(regs: &mut [u8], i: usize, value: u8) {
    let byte = i * BITS / 8;
    let fb = (i * BITS) & 7;
    let v = u32::from(value & REGISTER_MAX);
    let max = u32::from(REGISTER_MAX);
    if let Some(b) = regs.get_mut(byte) {
        *b = (u32::from(*b) & !(max << fb) | (v << fb)) as u8;
    }
    if let Some(b) = regs.get_mut(byte + 1) {
        *b = (u32::from(*b) & !(max >> (8 - fb)) | (v >> (8 - fb))) as u8;
    }
}

/// Raises register `i` to `value` if it is lower; whether it changed.
fn dense_raise(regs: &mut [u8], i: usize, value: u8) -> bool {
    if value > dense_get(regs, i) {
        dense_put(regs, i, value);
        true
    } else {
        false
    }
}

/// Adds the dense registers to a histogram of register values, four
/// registers (three bytes) at a time.
fn dense_histogram(regs: &[u8], histo: &mut [u32; 64]) {
    for c in regs.chunks_exact(3) {
        let (b0, b1, b2) = (c[0], c[1], c[2]);
        histo[usize::from(b0 & 63)] += 1;
        histo[usize::from((b0 >> 6 | b1 << 2) & 63)] += 1;
        histo[usize::from((b1 >> 4 | b2 << 4) & 63)] += 1;
        histo[usize::from(b2 >> 2)] += 1;
    }
}

// --------------------------------------------------------------- sparse --

/// One sparse opcode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Zero(usize),
    XZero(usize),
    Val { value: u8, run: usize },
}

impl Op {
    fn run(self) -> usize {
        match self {
            Op::Zero(n) | Op::XZero(n) | Op::Val { run: n, .. } => n,
        }
    }
    fn width(self) -> usize {
        if matches!(self, Op::XZero(_)) { 2 } else { 1 }
    }
}

/// The opcode at `at` (< `s.len()`). An XZERO's second byte past the end
/// reads as 0, as Redis reads the NUL after an sds string.
fn op_at(s: &[u8], at: usize) -> Op {
    let b = s[at];
    match b & 0xc0 {
        0x00 => Op::Zero(usize::from(b & 0x3f) + 1),
        0x40 => {
            let low = s.get(at + 1).copied().unwrap_or(0);
            Op::XZero(((usize::from(b & 0x3f) << 8) | usize::from(low)) + 1)
        }
        _ => Op::Val {
            value: ((b >> 2) & 0x1f) + 1,
            run: usize::from(b & 0x3) + 1,
        },
    }
}

fn val_byte(value: u8, run: usize) -> u8 {
    debug_assert!((1..=VAL_MAX_VALUE).contains(&value) && (1..=VAL_MAX_LEN).contains(&run));
    0x80 | ((value - 1) << 2) | (run as u8 - 1)
}

fn push_zero(out: &mut Vec<u8>, run: usize) {
    out.push((run - 1) as u8);
}

fn push_xzero(out: &mut Vec<u8>, run: usize) {
    let l = run - 1;
    out.push(0x40 | (l >> 8) as u8);
    out.push((l & 0xff) as u8);
}

/// A run of zeros, as ZERO when it fits, else XZERO.
fn push_zeros(out: &mut Vec<u8>, run: usize) {
    if run > ZERO_MAX_LEN {
        push_xzero(out, run);
    } else {
        push_zero(out, run);
    }
}

/// Walks the sparse opcodes, calling `f(first_register, value, run)` for
/// each run; `Corrupt` unless they cover exactly [`REGISTERS`] registers.
fn sparse_runs(s: &[u8], mut f: impl FnMut(usize, u8, usize)) -> Result<(), Corrupt> {
    let mut at = HEADER_LEN;
    let mut idx = 0usize;
    while at < s.len() {
        let op = op_at(s, at);
        let run = op.run();
        if idx + run > REGISTERS {
            return Err(Corrupt);
        }
        let value = match op {
            Op::Val { value, .. } => value,
            _ => 0,
        };
        f(idx, value, run);
        idx += run;
        at += op.width();
    }
    if idx == REGISTERS {
        Ok(())
    } else {
        Err(Corrupt)
    }
}

/// Converts a sparse HLL to dense in place, keeping the header (and its
/// cached cardinality); false when it was dense already.
pub fn to_dense(hll: &mut Vec<u8>) -> Result<bool, Corrupt> {
    match encoding(hll) {
        Ok(Encoding::Dense) => return Ok(false),
        Ok(Encoding::Sparse) => {}
        Err(NotHll) => return Err(Corrupt),
    }
    let mut dense = vec![0u8; DENSE_LEN];
    dense[..HEADER_LEN].copy_from_slice(&hll[..HEADER_LEN]);
    dense[ENCODING_AT] = DENSE;
    let regs = &mut dense[HEADER_LEN..];
    sparse_runs(hll, |first, value, run| {
        if value != 0 {
            for i in first..first + run {
                dense_put(regs, i, value);
            }
        }
    })?;
    *hll = dense;
    Ok(true)
}

/// Raises register `index` of a sparse HLL to `count` (Redis's
/// hllSparseSet): edits the opcodes in place, promoting to dense when
/// `count` exceeds what VAL holds or the string would grow past
/// `sparse_max`. Ok(true) when the register changed.
fn sparse_raise(
    s: &mut Vec<u8>,
    index: usize,
    count: u8,
    sparse_max: u64,
) -> Result<bool, Corrupt> {
    if count > VAL_MAX_VALUE {
        return promote(s, index, count);
    }
    // Step 1: the opcode covering `index`.
    let mut end = s.len();
    let mut at = HEADER_LEN;
    let mut first = 0usize;
    let mut prev: Option<usize> = None;
    let mut found = None;
    while at < end {
        let op = op_at(s, at);
        if index < first + op.run() {
            found = Some(op);
            break;
        }
        prev = Some(at);
        at += op.width();
        first += op.run();
    }
    let Some(op) = found else {
        return Err(Corrupt);
    };
    let span = op.run();

    // Step 2: the trivial updates in place, else the replacement sequence.
    let mut trivial = false;
    match op {
        Op::Val { value, run } => {
            if value >= count {
                return Ok(false);
            }
            if run == 1 {
                s[at] = val_byte(count, 1);
                trivial = true;
            }
        }
        Op::Zero(1) => {
            s[at] = val_byte(count, 1);
            trivial = true;
        }
        _ => {}
    }
    if !trivial {
        let last = first + span - 1;
        let mut seq: Vec<u8> = Vec::with_capacity(5);
        match op {
            Op::Zero(_) | Op::XZero(_) => {
                if index != first {
                    push_zeros(&mut seq, index - first);
                }
                seq.push(val_byte(count, 1));
                if index != last {
                    push_zeros(&mut seq, last - index);
                }
            }
            Op::Val { value, .. } => {
                if index != first {
                    seq.push(val_byte(value, index - first));
                }
                seq.push(val_byte(count, 1));
                if index != last {
                    seq.push(val_byte(value, last - index));
                }
            }
        }
        // Step 3: substitute the sequence for the opcode.
        let old_width = op.width();
        let new_len = (s.len() + seq.len()).checked_sub(old_width);
        let Some(new_len) = new_len else {
            return Err(Corrupt);
        };
        if seq.len() > old_width && new_len as u64 > sparse_max {
            return promote(s, index, count);
        }
        // An XZERO cut by the end (its second byte was the NUL) loses the
        // sequence's last byte, exactly as Redis's in-place copy does.
        let cut = (at + old_width).min(s.len());
        s.splice(at..cut, seq);
        s.truncate(new_len);
        end = s.len();
    }

    // Step 4: merge adjacent VALs of equal value, scanning a few opcodes
    // from the one before the change.
    let mut p = prev.unwrap_or(HEADER_LEN);
    let mut scan = 5;
    while p < end && scan > 0 {
        scan -= 1;
        match op_at(s, p) {
            Op::XZero(_) => {
                p += 2;
                continue;
            }
            Op::Zero(_) => {
                p += 1;
                continue;
            }
            Op::Val { value: v1, run: r1 } => {
                if p + 1 < end
                    && let Op::Val { value: v2, run: r2 } = op_at(s, p + 1)
                    && v1 == v2
                    && r1 + r2 <= VAL_MAX_LEN
                {
                    s[p + 1] = val_byte(v1, r1 + r2);
                    s.remove(p);
                    end -= 1;
                    continue;
                }
            }
        }
        p += 1;
    }
    invalidate_cache(s);
    Ok(true)
}

/// The sparse HLL becomes dense, then the register is raised there.
fn promote(s: &mut Vec<u8>, index: usize, count: u8) -> Result<bool, Corrupt> {
    to_dense(s)?;
    // The register was below `count` (a sparse register holds at most 32,
    // and a sparse update only promotes a register it must raise).
    let changed = dense_raise(&mut s[HEADER_LEN..], index, count);
    debug_assert!(changed, "a promotion always raises its register");
    Ok(true)
}

// ----------------------------------------------------------- operations --

/// Raises register `index` (< [`REGISTERS`]) to `count` if it is lower;
/// Ok(true) when it changed. A sparse HLL may be promoted to dense. Dense
/// updates leave the cache as it is: callers invalidate it once (PFADD),
/// as Redis does.
pub fn raise(hll: &mut Vec<u8>, index: usize, count: u8, sparse_max: u64) -> Result<bool, Corrupt> {
    if count == 0 {
        // No register is below zero (and VAL cannot hold it).
        return Ok(false);
    }
    match encoding(hll) {
        Ok(Encoding::Dense) => Ok(dense_raise(
            &mut hll[HEADER_LEN..],
            index % REGISTERS,
            count.min(REGISTER_MAX),
        )),
        Ok(Encoding::Sparse) => sparse_raise(hll, index % REGISTERS, count, sparse_max),
        Err(NotHll) => Err(Corrupt),
    }
}

/// Adds `element` (Redis's hllAdd): Ok(true) if a register changed.
pub fn add(hll: &mut Vec<u8>, element: &[u8], sparse_max: u64) -> Result<bool, Corrupt> {
    let (index, count) = hash_element(element);
    raise(hll, index, count, sparse_max)
}

/// The cached cardinality, unless marked stale.
pub fn cached_count(hll: &[u8]) -> Option<u64> {
    let card: [u8; 8] = hll.get(CARD_AT..CARD_AT + 8)?.try_into().ok()?;
    (card[7] & 0x80 == 0).then(|| u64::from_le_bytes(card))
}

/// Stores `card` as the cached cardinality (valid).
pub fn store_count(hll: &mut [u8], card: u64) {
    if let Some(slot) = hll.get_mut(CARD_AT..CARD_AT + 8) {
        slot.copy_from_slice(&card.to_le_bytes());
    }
}

/// Marks the cached cardinality stale.
pub fn invalidate_cache(hll: &mut [u8]) {
    if let Some(b) = hll.get_mut(CARD_LAST) {
        *b |= 0x80;
    }
}

/// The estimated cardinality of one HLL (Redis's hllCount), ignoring the
/// cache.
pub fn count(hll: &[u8]) -> Result<u64, Corrupt> {
    let mut histo = [0u32; 64];
    match encoding(hll) {
        Ok(Encoding::Dense) => dense_histogram(&hll[HEADER_LEN..], &mut histo),
        Ok(Encoding::Sparse) => sparse_runs(hll, |_, value, run| {
            histo[usize::from(value)] += run as u32;
        })?,
        Err(NotHll) => return Err(Corrupt),
    }
    Ok(estimate(&histo))
}

/// Ertl's sigma function (arXiv:1702.01284), as Redis iterates it.
fn sigma(mut x: f64) -> f64 {
    if x == 1.0 {
        return f64::INFINITY;
    }
    let mut y = 1.0;
    let mut z = x;
    loop {
        x *= x;
        let before = z;
        z += x * y;
        y += y;
        if before == z {
            return z;
        }
    }
}

/// Ertl's tau function, as Redis iterates it (its `pow(1 - x, 2)` is the
/// product the compiler makes of it).
fn tau(mut x: f64) -> f64 {
    if x == 0.0 || x == 1.0 {
        return 0.0;
    }
    let mut y = 1.0;
    let mut z = 1.0 - x;
    loop {
        x = x.sqrt();
        let before = z;
        y *= 0.5;
        let d = 1.0 - x;
        z -= d * d * y;
        if before == z {
            return z / 3.0;
        }
    }
}

/// The cardinality from a histogram of register values (values above
/// Q + 1, possible only in a hand-made dense string, count nowhere).
fn estimate(histo: &[u32; 64]) -> u64 {
    let m = REGISTERS as f64;
    let mut z = m * tau((m - f64::from(histo[Q + 1])) / m);
    for j in (1..=Q).rev() {
        z += f64::from(histo[j]);
        z *= 0.5;
    }
    z += m * sigma(f64::from(histo[0]) / m);
    // llroundl: half away from zero, like f64::round.
    (ALPHA_INF * m * m / z).round() as u64
}

/// One byte per register: the union of several HLLs (PFCOUNT of several
/// keys, PFMERGE), Redis's HLL_RAW.
#[derive(Clone)]
pub struct Registers(Box<[u8; REGISTERS]>);

impl Default for Registers {
    fn default() -> Self {
        Self::new()
    }
}

impl Registers {
    pub fn new() -> Registers {
        Registers(Box::new([0; REGISTERS]))
    }

    /// Takes the maximum of each register with `hll`'s (Redis's hllMerge).
    pub fn merge(&mut self, hll: &[u8]) -> Result<(), Corrupt> {
        let max = &mut self.0;
        match encoding(hll) {
            Ok(Encoding::Dense) => {
                let regs = &hll[HEADER_LEN..];
                for (i, m) in max.iter_mut().enumerate() {
                    *m = (*m).max(dense_get(regs, i));
                }
                Ok(())
            }
            Ok(Encoding::Sparse) => sparse_runs(hll, |first, value, run| {
                for m in &mut max[first..first + run] {
                    *m = (*m).max(value);
                }
            }),
            Err(NotHll) => Err(Corrupt),
        }
    }

    /// Register `i`'s value.
    pub fn get(&self, i: usize) -> u8 {
        self.0[i % REGISTERS]
    }

    /// The estimated cardinality of the union.
    pub fn count(&self) -> u64 {
        let mut histo = [0u32; 64];
        for &r in self.0.iter() {
            histo[usize::from(r & 63)] += 1;
        }
        estimate(&histo)
    }
}

/// Register `i` of a dense HLL (PFDEBUG GETREG, after converting).
pub fn dense_register(hll: &[u8], i: usize) -> u8 {
    dense_get(hll.get(HEADER_LEN..).unwrap_or_default(), i)
}

/// PFDEBUG DECODE's text of a sparse HLL: `z:N` for ZERO, `Z:N` for XZERO,
/// `v:V,N` for VAL, separated by spaces. It reads every opcode without
/// checking their total.
pub fn decode_sparse(hll: &[u8]) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let mut at = HEADER_LEN;
    while at < hll.len() {
        let op = op_at(hll, at);
        // Writing to a String cannot fail.
        let _ = match op {
            Op::Zero(n) => write!(out, "z:{n} "),
            Op::XZero(n) => write!(out, "Z:{n} "),
            Op::Val { value, run } => write!(out, "v:{value},{run} "),
        };
        at += op.width();
    }
    out.truncate(out.trim_end_matches(' ').len());
    out
}

/// PFSELFTEST: the register packing (`cycles` rounds of 16384 random
/// registers written and read back), then the estimate's error and the
/// agreement of dense and sparse over `elements` distinct elements, checked
/// at each power of ten. `rand` gives 31-bit random numbers (C's rand()).
/// The error is the text Redis replies (`TESTFAILED ...`).
pub fn self_test(
    rand: &mut dyn FnMut() -> u32,
    sparse_max: u64,
    cycles: u32,
    elements: u64,
) -> Result<(), String> {
    let mut dense = new_dense();
    let mut bytes = [0u8; REGISTERS];
    for _ in 0..cycles {
        for (i, b) in bytes.iter_mut().enumerate() {
            *b = (rand() & u32::from(REGISTER_MAX)) as u8;
            dense_put(&mut dense[HEADER_LEN..], i, *b);
        }
        for (i, &b) in bytes.iter().enumerate() {
            let got = dense_get(&dense[HEADER_LEN..], i);
            if got != b {
                return Err(format!(
                    "TESTFAILED Register {i} should be {b} but is {got}"
                ));
            }
        }
    }

    let mut dense = new_dense();
    let mut sparse = new();
    let relerr = 1.04 / (REGISTERS as f64).sqrt();
    let mut checkpoint: u64 = 1;
    let seed = u64::from(rand()) | u64::from(rand()) << 32;
    for j in 1..=elements {
        let ele = (j ^ seed).to_ne_bytes();
        let (index, value) = hash_element(&ele);
        dense_raise(&mut dense[HEADER_LEN..], index, value);
        add(&mut sparse, &ele, sparse_max).map_err(|Corrupt| "TESTFAILED corrupted HLL")?;
        if j != checkpoint {
            continue;
        }
        if j < sparse_max / 2 && encoding(&sparse) != Ok(Encoding::Sparse) {
            return Err("TESTFAILED sparse encoding not used".into());
        }
        let card = count(&dense).unwrap_or(0);
        if count(&sparse).ok() != Some(card) {
            return Err("TESTFAILED dense/sparse disagree".into());
        }
        let abserr = (checkpoint as i64 - card as i64).unsigned_abs();
        // Cardinality 10 meets collisions often enough to allow 1.
        let maxerr = if j == 10 {
            1
        } else {
            (relerr * 6.0 * checkpoint as f64).ceil() as u64
        };
        if abserr > maxerr {
            return Err(format!(
                "TESTFAILED Too big error. card:{checkpoint} abserr:{abserr}"
            ));
        }
        checkpoint *= 10;
    }
    Ok(())
}

/// Runs every operation on `bytes` taken as an HLL, as PFADD, PFCOUNT,
/// PFMERGE and PFDEBUG would, and checks that they agree on whether it is
/// valid. The fuzz target and the tests call this; a panic is a bug.
pub fn exercise(bytes: &[u8]) {
    let Ok(enc) = encoding(bytes) else {
        return;
    };
    let counted = count(bytes);
    let mut union = Registers::new();
    let merged = union.merge(bytes);
    assert_eq!(counted.is_ok(), merged.is_ok(), "count and merge agree");
    if let Ok(card) = counted {
        assert_eq!(card, union.count(), "one HLL counts as its union");
    }
    let _ = cached_count(bytes);
    if enc == Encoding::Sparse {
        let _ = decode_sparse(bytes);
    }
    let mut dense = bytes.to_vec();
    let converted = to_dense(&mut dense);
    assert_eq!(converted.is_ok(), merged.is_ok(), "conversion agrees");
    if converted.is_ok() {
        assert_eq!(count(&dense).ok(), counted.ok(), "dense counts the same");
    }
    // Updates of a corrupt sparse HLL may succeed or fail, never panic.
    let mut updated = bytes.to_vec();
    for (i, element) in [&b"a"[..], b"b", b"", &bytes[..bytes.len().min(20)]]
        .iter()
        .enumerate()
    {
        let limit = [3000, 0, 20, u64::MAX][i];
        if add(&mut updated, element, limit).is_err() {
            break;
        }
    }
    for (index, value) in [(0, 1), (REGISTERS - 1, 32), (8000, 33), (1, 63), (2, 0)] {
        let mut copy = bytes.to_vec();
        let _ = raise(&mut copy, index, value, 3000);
        let _ = count(&copy);
    }
}

/// An empty dense HLL (a zero cached cardinality, valid).
fn new_dense() -> Vec<u8> {
    let mut d = vec![0u8; DENSE_LEN];
    d[..4].copy_from_slice(MAGIC);
    d[ENCODING_AT] = DENSE;
    d
}

#[cfg(test)]
mod tests;
