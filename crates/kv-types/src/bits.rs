//! Strings as bit arrays (the kernels of Redis's bitops.c): counting,
//! searching, combining, and reading or writing integers at any bit offset.
//!
//! Bit 0 is the most significant bit of byte 0, as in Redis. Every function
//! works on borrowed bytes and never reads past them: a field that runs off
//! the end of a string reads zero bits there, which is how Redis pads.
//! Counting, searching and combining go eight bytes at a time.

/// Set bits in `bytes`.
pub fn popcount(bytes: &[u8]) -> u64 {
    let mut chunks = bytes.chunks_exact(8);
    let mut count: u64 = chunks
        .by_ref()
        .map(|c| u64::from(word(c).count_ones()))
        .sum();
    count += chunks
        .remainder()
        .iter()
        .map(|b| u64::from(b.count_ones()))
        .sum::<u64>();
    count
}

fn word(chunk: &[u8]) -> u64 {
    u64::from_be_bytes(chunk.try_into().expect("chunks_exact(8) yields 8 bytes"))
}

/// The first bit equal to `bit` in `bytes` (redisBitpos): looking for a 1
/// that is not there gives -1; looking for a 0 in all ones gives the bit
/// just past the end.
pub fn bitpos(bytes: &[u8], bit: bool) -> i64 {
    // Looking for a 0 is looking for a 1 in the complement.
    let flip = if bit { 0u64 } else { u64::MAX };
    let mut pos = 0i64;
    let mut chunks = bytes.chunks_exact(8);
    for chunk in chunks.by_ref() {
        let w = word(chunk) ^ flip;
        if w != 0 {
            return pos + i64::from(w.leading_zeros());
        }
        pos += 64;
    }
    for &b in chunks.remainder() {
        let b = b ^ flip as u8;
        if b != 0 {
            return pos + i64::from(b.leading_zeros());
        }
        pos += 8;
    }
    if bit { -1 } else { pos }
}

/// BITOP's operations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BitOp {
    And,
    Or,
    Xor,
    Not,
}

/// Combines `sources` as BITOP does: the result is as long as the longest
/// source and shorter ones count as zero-padded. NOT complements the first
/// source and ignores the others (BITOP allows it exactly one).
pub fn bitop<S: AsRef<[u8]>>(op: BitOp, sources: &[S]) -> Vec<u8> {
    let Some(first) = sources.first() else {
        return Vec::new();
    };
    if op == BitOp::Not {
        let mut out = first.as_ref().to_vec();
        combine(&mut out, &[], |r, _| !r);
        return out;
    }
    let max = sources.iter().map(|s| s.as_ref().len()).max().unwrap_or(0);
    let mut out = vec![0u8; max];
    match op {
        BitOp::Not => unreachable!("handled above"),
        BitOp::And => {
            // Past the shortest source every byte is ANDed with a zero.
            let min = sources.iter().map(|s| s.as_ref().len()).min().unwrap_or(0);
            out[..min].copy_from_slice(&first.as_ref()[..min]);
            for src in &sources[1..] {
                combine(&mut out[..min], &src.as_ref()[..min], |r, s| r & s);
            }
        }
        BitOp::Or | BitOp::Xor => {
            for src in sources {
                let src = src.as_ref();
                let out = &mut out[..src.len()];
                if op == BitOp::Or {
                    combine(out, src, |r, s| r | s);
                } else {
                    combine(out, src, |r, s| r ^ s);
                }
            }
        }
    }
    out
}

/// `out[i] = f(out[i], src[i])` a word at a time; `src` is either empty (a
/// unary `f` ignoring its second argument) or as long as `out`.
#[inline(always)]
fn combine(out: &mut [u8], src: &[u8], f: impl Fn(u64, u64) -> u64) {
    debug_assert!(src.is_empty() || src.len() == out.len());
    let mut o = out.chunks_exact_mut(8);
    let mut s = src.chunks_exact(8);
    for chunk in o.by_ref() {
        let other = s.next().map_or(0, word);
        let w = f(word(chunk), other);
        chunk.copy_from_slice(&w.to_be_bytes());
    }
    let rest = s.remainder();
    for (i, r) in o.into_remainder().iter_mut().enumerate() {
        let other = rest.get(i).copied().unwrap_or(0);
        *r = f(u64::from(*r), u64::from(other)) as u8;
    }
}

/// The width and signedness of a BITFIELD integer: `i1`..`i64`, `u1`..`u63`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldType {
    pub signed: bool,
    pub bits: u32,
}

impl FieldType {
    /// Parses `i<bits>` or `u<bits>` (getBitfieldTypeFromArgument): u64 is
    /// refused because its values would not fit a signed reply.
    pub fn parse(arg: &[u8]) -> Option<FieldType> {
        let signed = match arg.first()? {
            b'i' => true,
            b'u' => false,
            _ => return None,
        };
        // Redis reads the width as a C string: it stops at a NUL.
        let width = &arg[1..];
        let width = &width[..width.iter().position(|&b| b == 0).unwrap_or(width.len())];
        let bits = crate::listpack::parse_i64(width)?;
        let max = if signed { 64 } else { 63 };
        if !(1..=max).contains(&bits) {
            return None;
        }
        let bits = bits as u32;
        Some(FieldType { signed, bits })
    }

    /// The greatest value the field holds.
    fn max(self) -> i128 {
        if self.signed {
            (1i128 << (self.bits - 1)) - 1
        } else {
            (1i128 << self.bits) - 1
        }
    }

    /// The least value the field holds.
    fn min(self) -> i128 {
        if self.signed {
            -(1i128 << (self.bits - 1))
        } else {
            0
        }
    }

    /// `value` cut to the field's width, as two's complement wraps it.
    fn wrap(self, value: i128) -> i64 {
        let raw = (value as u64) & mask(self.bits);
        self.read_raw(raw)
    }

    /// The field's raw bits read as this type.
    fn read_raw(self, raw: u64) -> i64 {
        if self.signed && self.bits < 64 && raw >> (self.bits - 1) & 1 == 1 {
            (raw | !mask(self.bits)) as i64
        } else {
            raw as i64
        }
    }
}

fn mask(bits: u32) -> u64 {
    if bits == 64 {
        u64::MAX
    } else {
        (1u64 << bits) - 1
    }
}

/// What a SET or INCRBY does when the result does not fit the field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overflow {
    Wrap,
    Sat,
    /// Nothing is written and the operation answers nil.
    Fail,
}

/// The value to store for `value` in a field of type `ty` under `overflow`,
/// or None when it does not fit and `overflow` is [`Overflow::Fail`].
///
/// `value` is the exact result (the new value of a SET, or old + increment of
/// an INCRBY), so the check is a plain range test. An unsigned SET takes the
/// argument's 64-bit pattern as unsigned (so `SET u8 0 -1` saturates to 255,
/// as in Redis); the caller passes it that way.
pub fn fit(ty: FieldType, value: i128, overflow: Overflow) -> Option<i64> {
    if value >= ty.min() && value <= ty.max() {
        return Some(value as i64);
    }
    match overflow {
        Overflow::Wrap => Some(ty.wrap(value)),
        Overflow::Sat => Some(if value > ty.max() { ty.max() } else { ty.min() } as i64),
        Overflow::Fail => None,
    }
}

/// Reads the field of type `ty` at bit `offset`; bits past the end read 0.
pub fn get_field(bytes: &[u8], offset: u64, ty: FieldType) -> i64 {
    let mut raw = 0u64;
    for i in 0..u64::from(ty.bits) {
        let bit = offset + i;
        let byte = usize::try_from(bit >> 3).ok().and_then(|b| bytes.get(b));
        let on = byte.is_some_and(|b| b >> (7 - (bit & 7)) & 1 == 1);
        raw = (raw << 1) | u64::from(on);
    }
    ty.read_raw(raw)
}

/// Writes the low `ty.bits` bits of `value` at bit `offset`. The caller has
/// grown `bytes` to hold the whole field.
pub fn set_field(bytes: &mut [u8], offset: u64, ty: FieldType, value: i64) {
    let raw = value as u64;
    for i in 0..u64::from(ty.bits) {
        let bit = offset + i;
        let on = raw >> (u64::from(ty.bits) - 1 - i) & 1 == 1;
        let byte = &mut bytes[(bit >> 3) as usize];
        let m = 1u8 << (7 - (bit & 7));
        *byte = if on { *byte | m } else { *byte & !m };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn naive_bit(bytes: &[u8], i: u64) -> bool {
        bytes
            .get((i / 8) as usize)
            .is_some_and(|b| b >> (7 - i % 8) & 1 == 1)
    }

    #[test]
    fn field_types() {
        let t = |s: &str| FieldType::parse(s.as_bytes());
        assert_eq!(
            t("i64"),
            Some(FieldType {
                signed: true,
                bits: 64
            })
        );
        assert_eq!(
            t("u63"),
            Some(FieldType {
                signed: false,
                bits: 63
            })
        );
        assert_eq!(
            t("i8\0x"),
            Some(FieldType {
                signed: true,
                bits: 8
            })
        );
        for bad in ["u64", "i65", "i0", "u", "", "x8", "i-1", "i 8", "i8 "] {
            assert_eq!(t(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn overflow_rules() {
        let u8t = FieldType {
            signed: false,
            bits: 8,
        };
        let i8t = FieldType {
            signed: true,
            bits: 8,
        };
        assert_eq!(fit(u8t, 256, Overflow::Wrap), Some(0));
        assert_eq!(fit(u8t, -1, Overflow::Wrap), Some(255));
        assert_eq!(fit(u8t, 300, Overflow::Sat), Some(255));
        assert_eq!(fit(u8t, -5, Overflow::Sat), Some(0));
        assert_eq!(fit(u8t, 300, Overflow::Fail), None);
        assert_eq!(fit(i8t, 128, Overflow::Wrap), Some(-128));
        assert_eq!(fit(i8t, -129, Overflow::Wrap), Some(127));
        assert_eq!(fit(i8t, -200, Overflow::Sat), Some(-128));
        let i64t = FieldType {
            signed: true,
            bits: 64,
        };
        assert_eq!(
            fit(i64t, i128::from(i64::MAX) + 1, Overflow::Wrap),
            Some(i64::MIN)
        );
        assert_eq!(
            fit(i64t, i128::from(i64::MAX) + 1, Overflow::Sat),
            Some(i64::MAX)
        );
    }

    proptest! {
        #[test]
        fn popcount_and_bitpos_match_bit_by_bit(bytes in proptest::collection::vec(any::<u8>(), 0..80)) {
            let n = bytes.len() as u64 * 8;
            prop_assert_eq!(popcount(&bytes), (0..n).filter(|&i| naive_bit(&bytes, i)).count() as u64);
            let first_one = (0..n).find(|&i| naive_bit(&bytes, i)).map_or(-1, |i| i as i64);
            let first_zero = (0..n).find(|&i| !naive_bit(&bytes, i)).map_or(n as i64, |i| i as i64);
            prop_assert_eq!(bitpos(&bytes, true), first_one);
            prop_assert_eq!(bitpos(&bytes, false), first_zero);
        }

        #[test]
        fn bitop_matches_bit_by_bit(
            sources in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..40), 1..5),
            op in prop_oneof![Just(BitOp::And), Just(BitOp::Or), Just(BitOp::Xor), Just(BitOp::Not)],
        ) {
            let sources = if op == BitOp::Not { &sources[..1] } else { &sources[..] };
            let out = bitop(op, sources);
            let max = sources.iter().map(Vec::len).max().unwrap_or(0);
            prop_assert_eq!(out.len(), max);
            for i in 0..max as u64 * 8 {
                let bits: Vec<bool> = sources.iter().map(|s| naive_bit(s, i)).collect();
                let want = match op {
                    BitOp::And => bits.iter().all(|&b| b),
                    BitOp::Or => bits.iter().any(|&b| b),
                    BitOp::Xor => bits.iter().filter(|&&b| b).count() % 2 == 1,
                    BitOp::Not => !bits[0],
                };
                prop_assert_eq!(naive_bit(&out, i), want, "bit {}", i);
            }
        }

        #[test]
        fn fields_round_trip_and_leave_neighbours(
            mut bytes in proptest::collection::vec(any::<u8>(), 16..24),
            offset in 0u64..64,
            signed in any::<bool>(),
            bits in 1u32..=64,
            value in any::<i64>(),
        ) {
            let bits = if signed { bits } else { bits.min(63) };
            let ty = FieldType { signed, bits };
            let before = bytes.clone();
            let stored = fit(ty, i128::from(value), Overflow::Wrap).unwrap();
            set_field(&mut bytes, offset, ty, stored);
            prop_assert_eq!(get_field(&bytes, offset, ty), stored);
            for i in 0..bytes.len() as u64 * 8 {
                if i < offset || i >= offset + u64::from(bits) {
                    prop_assert_eq!(naive_bit(&bytes, i), naive_bit(&before, i));
                }
            }
        }
    }

    #[test]
    fn fields_past_the_end_read_zero() {
        let ty = FieldType {
            signed: false,
            bits: 16,
        };
        assert_eq!(get_field(&[0xab], 0, ty), 0xab00);
        assert_eq!(get_field(&[], 1 << 40, ty), 0);
    }
}
