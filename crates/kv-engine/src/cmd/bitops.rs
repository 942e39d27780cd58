//! Bit operations on strings (Redis's bitops.c): SETBIT, GETBIT, BITCOUNT,
//! BITPOS, BITOP.
//!
//! A string is a bit array, most significant bit first in each byte. Offsets
//! are limited by `proto-max-bulk-len`; SETBIT grows the string with zero
//! bytes as Redis does. Counting and searching go a 64-bit word at a time.
//! Argument checks happen in Redis's order (BITCOUNT answers 0 for a missing
//! key before reading its range, BITPOS checks the bit first).

use resp_proto::Argv;

use super::args::{int_arg, is, parse_i64};
use crate::command::flags::*;
use crate::command::table::{OW_UPDATE, RO_ACCESS, RW_ACCESS_UPDATE};
use crate::command::{Command, Group, Keys, acl};
use crate::db::Value;
use crate::effects::events;
use crate::error::{CmdError, CmdResult};
use crate::{Ctx, Reply};
use kv_types::string::{Str, itoa_buf};

/// A bit offset argument (getBitOffsetFromArgument).
fn bit_offset(ctx: &Ctx<'_>, arg: &[u8]) -> Result<u64, CmdError> {
    let invalid = || CmdError::err("bit offset is not an integer or out of range");
    let offset = parse_i64(arg).ok_or_else(invalid)?;
    if offset < 0 || (offset as u64 >> 3) >= ctx.engine.config.proto_max_bulk_len {
        return Err(invalid());
    }
    Ok(offset as u64)
}

/// Calls `f` with the bytes of the string at `key` (None when missing) and
/// the reply writer, reading the value where it is stored; WRONGTYPE for
/// another type.
fn with_bytes<R>(
    ctx: &mut Ctx<'_>,
    key: &[u8],
    f: impl FnOnce(&mut Reply<'_>, Option<&[u8]>) -> Result<R, CmdError>,
) -> Result<R, CmdError> {
    let mut buf = itoa_buf::Buffer::new();
    match ctx.read_typed::<Str>(key)? {
        Some((value, reply)) => f(reply, Some(value.to_bytes(&mut buf))),
        None => f(&mut ctx.reply, None),
    }
}

/// SETBIT key offset value
pub fn setbit_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let key = argv.arg(1);
    let offset = bit_offset(ctx, argv.arg(2))?;
    let on = match parse_i64(argv.arg(3)) {
        Some(v @ (0 | 1)) => v as u8,
        _ => return Err(CmdError::err("bit is not an integer or out of range")),
    };
    let byte = (offset >> 3) as usize;
    let (value, _) = ctx.write_or_create::<Str>(key, || Str::bytes(b"", true))?;
    let bytes = value.make_mut();
    // A new key is an empty string, so it always grows here.
    let grown = bytes.len() < byte + 1;
    if grown {
        bytes.resize(byte + 1, 0);
    }
    let mask = 1u8 << (7 - (offset & 7));
    let old = u8::from(bytes[byte] & mask != 0);
    if grown || old != on {
        bytes[byte] = (bytes[byte] & !mask) | if on == 1 { mask } else { 0 };
        ctx.changed(key, events::SETBIT);
    }
    ctx.reply.integer(i64::from(old));
    Ok(())
}

/// GETBIT key offset
pub fn getbit_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let offset = bit_offset(ctx, argv.arg(2))?;
    with_bytes(ctx, argv.arg(1), |reply, bytes| {
        let byte = (offset >> 3) as usize;
        let bit = bytes
            .and_then(|b| b.get(byte))
            .map_or(0, |b| i64::from(b & (1 << (7 - (offset & 7))) != 0));
        reply.integer(bit);
        Ok(())
    })
}

/// Set bits in `bytes`, a word at a time.
fn popcount(bytes: &[u8]) -> u64 {
    let mut chunks = bytes.chunks_exact(8);
    let mut count: u64 = chunks
        .by_ref()
        .map(|c| u64::from(u64::from_ne_bytes(c.try_into().expect("8 bytes")).count_ones()))
        .sum();
    count += chunks
        .remainder()
        .iter()
        .map(|b| u64::from(b.count_ones()))
        .sum::<u64>();
    count
}

/// The first bit equal to `bit` in `bytes` (redisBitpos): looking for a 1
/// that is not there gives -1; looking for a 0 in all ones gives the bit
/// just past the end.
fn bitpos(bytes: &[u8], bit: bool) -> i64 {
    let skip: u8 = if bit { 0 } else { 0xff };
    let mut pos = 0i64;
    let mut chunks = bytes.chunks_exact(8);
    let skip_word = if bit { 0u64 } else { u64::MAX };
    for chunk in chunks.by_ref() {
        let word = u64::from_be_bytes(chunk.try_into().expect("8 bytes"));
        if word != skip_word {
            let found = if bit {
                word.leading_zeros()
            } else {
                (!word).leading_zeros()
            };
            return pos + i64::from(found);
        }
        pos += 64;
    }
    for &b in chunks.remainder() {
        if b != skip {
            let found = if bit {
                b.leading_zeros()
            } else {
                (!b).leading_zeros()
            };
            return pos + i64::from(found);
        }
        pos += 8;
    }
    if bit { -1 } else { pos }
}

/// A BITCOUNT/BITPOS range over a string of `len` bytes, as Redis resolves
/// it: (first byte, last byte, mask of bits before the start in the first
/// byte, mask of bits after the end in the last byte); None when empty.
fn resolve_range(
    len: i64,
    mut start: i64,
    mut end: i64,
    in_bits: bool,
) -> Option<(usize, usize, u8, u8)> {
    let total = if in_bits { len << 3 } else { len };
    if start < 0 {
        start += total;
    }
    if end < 0 {
        end += total;
    }
    start = start.max(0);
    end = end.max(0);
    if end >= total {
        end = total - 1;
    }
    if start > end {
        return None;
    }
    if in_bits {
        let first_mask = !((1u16 << (8 - (start & 7))) - 1) as u8;
        let last_mask = ((1u16 << (7 - (end & 7))) - 1) as u8;
        Some((
            (start >> 3) as usize,
            (end >> 3) as usize,
            first_mask,
            last_mask,
        ))
    } else {
        Some((start as usize, end as usize, 0, 0))
    }
}

/// BYTE or BIT, the unit of a range.
fn unit_arg(arg: &[u8]) -> Result<bool, CmdError> {
    if is(arg, "bit") {
        Ok(true)
    } else if is(arg, "byte") {
        Ok(false)
    } else {
        Err(CmdError::Syntax)
    }
}

/// BITCOUNT key [start end [BYTE|BIT]]
pub fn bitcount_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    with_bytes(ctx, argv.arg(1), |reply, bytes| {
        let Some(bytes) = bytes else {
            reply.integer(0);
            return Ok(());
        };
        let len = bytes.len() as i64;
        let range = match argv.len() {
            2 => (len > 0).then(|| (0, bytes.len() - 1, 0, 0)),
            4 | 5 => {
                let start = int_arg(argv.arg(2))?;
                let end = int_arg(argv.arg(3))?;
                if start < 0 && end < 0 && start > end {
                    reply.integer(0);
                    return Ok(());
                }
                let in_bits = argv.len() == 5 && unit_arg(argv.arg(4))?;
                resolve_range(len, start, end, in_bits)
            }
            _ => return Err(CmdError::Syntax),
        };
        let count = match range {
            None => 0,
            Some((first, last, first_mask, last_mask)) => {
                let mut count = popcount(&bytes[first..=last]);
                // Bits of the edge bytes outside the range do not count.
                count -= u64::from((bytes[first] & first_mask).count_ones());
                count -= u64::from((bytes[last] & last_mask).count_ones());
                count
            }
        };
        reply.integer(count as i64);
        Ok(())
    })
}

/// BITPOS key bit [start [end [BYTE|BIT]]]
pub fn bitpos_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let bit = match int_arg(argv.arg(2))? {
        0 => false,
        1 => true,
        _ => return Err(CmdError::err("The bit argument must be 1 or 0.")),
    };
    with_bytes(ctx, argv.arg(1), |reply, bytes| {
        // A missing key is an endless run of zeros.
        let Some(bytes) = bytes else {
            reply.integer(if bit { -1 } else { 0 });
            return Ok(());
        };
        let len = bytes.len() as i64;
        let mut end_given = false;
        let range = match argv.len() {
            3 => (len > 0).then(|| (0, bytes.len() - 1, 0, 0)),
            4..=6 => {
                let start = int_arg(argv.arg(3))?;
                let in_bits = argv.len() == 6 && unit_arg(argv.arg(5))?;
                let end = if argv.len() >= 5 {
                    end_given = true;
                    int_arg(argv.arg(4))?
                } else if in_bits {
                    (len << 3) + 7
                } else {
                    len - 1
                };
                resolve_range(len, start, end, in_bits)
            }
            _ => return Err(CmdError::Syntax),
        };
        let Some((first, last, first_mask, last_mask)) = range else {
            reply.integer(-1);
            return Ok(());
        };
        // The edge bytes with the bits outside the range made not to match.
        let hide = |b: u8, mask: u8| if bit { b & !mask } else { b | mask };
        let mut window: Vec<u8> = bytes[first..=last].to_vec();
        window[0] = hide(window[0], first_mask);
        let n = window.len();
        window[n - 1] = hide(window[n - 1], last_mask);
        let mut pos = bitpos(&window, bit);
        // With an explicit end, a 0 past the range is no 0 in the range.
        if end_given && !bit && pos == (n as i64) << 3 {
            pos = -1;
        }
        if pos != -1 {
            pos += (first as i64) << 3;
        }
        reply.integer(pos);
        Ok(())
    })
}

/// BITOP AND|OR|XOR|NOT destkey key [key ...]
pub fn bitop_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    #[derive(PartialEq)]
    enum Op {
        And,
        Or,
        Xor,
        Not,
    }
    let name = argv.arg(1);
    let op = if is(name, "and") {
        Op::And
    } else if is(name, "or") {
        Op::Or
    } else if is(name, "xor") {
        Op::Xor
    } else if is(name, "not") {
        Op::Not
    } else {
        return Err(CmdError::Syntax);
    };
    if op == Op::Not && argv.len() != 4 {
        return Err(CmdError::err(
            "BITOP NOT must be called with a single source key.",
        ));
    }
    let dst = argv.arg(2);
    let mut sources: Vec<Vec<u8>> = Vec::with_capacity(argv.len() - 3);
    for key in argv.iter().skip(3) {
        let bytes = with_bytes(ctx, key, |_, b| Ok(b.map(<[u8]>::to_vec)))?;
        sources.push(bytes.unwrap_or_default());
    }
    let max = sources.iter().map(Vec::len).max().unwrap_or(0);
    let mut result = vec![0u8; max];
    match op {
        Op::Not => {
            for (r, b) in result.iter_mut().zip(&sources[0]) {
                *r = !b;
            }
        }
        Op::And => {
            // A shorter source is zero-padded, so AND is zero past it.
            let min = sources.iter().map(Vec::len).min().unwrap_or(0);
            result[..min].copy_from_slice(&sources[0][..min]);
            for src in &sources[1..] {
                for (r, b) in result[..min].iter_mut().zip(src) {
                    *r &= b;
                }
            }
        }
        Op::Or | Op::Xor => {
            for src in &sources {
                for (r, b) in result.iter_mut().zip(src) {
                    if op == Op::Or {
                        *r |= b;
                    } else {
                        *r ^= b;
                    }
                }
            }
        }
    }
    let now = ctx.now_ms();
    if max > 0 {
        let clock = ctx.access_clock();
        ctx.db().set(
            dst,
            Value::Str(Str::bytes(&result, true)),
            false,
            now,
            clock,
        );
        ctx.changed(dst, events::SET);
    } else if ctx.db().delete(dst, now) {
        ctx.changed(dst, events::DEL);
    }
    ctx.reply.integer(max as i64);
    Ok(())
}

pub static COMMANDS: &[Command] = &[
    Command {
        name: "setbit",
        arity: 4,
        flags: WRITE | DENYOOM,
        acl: acl::BITMAP,
        keys: Keys::one(RW_ACCESS_UPDATE),
        group: Group::Bitmap,
        since: "2.2.0",
        summary: "Sets or clears the bit at an offset of a string, creating the key if needed.",
        syntax: "key offset value",
        handler: Some(setbit_command),
        ..Command::BASE
    },
    Command {
        name: "getbit",
        arity: 3,
        flags: READONLY | FAST,
        acl: acl::BITMAP,
        keys: Keys::one(RO_ACCESS),
        group: Group::Bitmap,
        since: "2.2.0",
        summary: "Returns the bit at an offset of a string.",
        syntax: "key offset",
        handler: Some(getbit_command),
        ..Command::BASE
    },
    Command {
        name: "bitcount",
        arity: -2,
        flags: READONLY,
        acl: acl::BITMAP,
        keys: Keys::one(RO_ACCESS),
        group: Group::Bitmap,
        since: "2.6.0",
        summary: "Counts the set bits of a string, or of a range of it.",
        complexity: "O(N)",
        syntax: "key [start end [BYTE|BIT]]",
        handler: Some(bitcount_command),
        ..Command::BASE
    },
    Command {
        name: "bitpos",
        arity: -3,
        flags: READONLY,
        acl: acl::BITMAP,
        keys: Keys::one(RO_ACCESS),
        group: Group::Bitmap,
        since: "2.8.7",
        summary: "Finds the first set or clear bit of a string, or of a range of it.",
        complexity: "O(N)",
        syntax: "key bit [start [end [BYTE|BIT]]]",
        handler: Some(bitpos_command),
        ..Command::BASE
    },
    Command {
        name: "bitop",
        arity: -4,
        flags: WRITE | DENYOOM,
        acl: acl::BITMAP,
        keys: Keys {
            first: 2,
            last: -1,
            step: 1,
            spec_flags: OW_UPDATE,
            second_flags: RO_ACCESS,
            keynum_at: 0,
            keynum_flags: &[],
        },
        group: Group::Bitmap,
        since: "2.6.0",
        summary: "Stores the AND, OR, XOR or NOT of strings in a key.",
        complexity: "O(N)",
        syntax: "operation destkey key [key ...]",
        handler: Some(bitop_command),
        ..Command::BASE
    },
];

#[cfg(test)]
mod tests {
    use super::{bitpos, popcount};
    use crate::testing::check;

    #[test]
    fn word_at_a_time_helpers_agree_with_bit_by_bit() {
        let bytes: Vec<u8> = (0..37u32).map(|i| (i * 37 % 256) as u8).collect();
        let naive: u64 = bytes.iter().map(|b| u64::from(b.count_ones())).sum();
        assert_eq!(popcount(&bytes), naive);
        let mut ones = vec![0xffu8; 19];
        assert_eq!(bitpos(&ones, false), 19 * 8);
        ones[17] = 0xfd;
        assert_eq!(bitpos(&ones, false), 17 * 8 + 6);
        assert_eq!(bitpos(&[0u8; 20], true), -1);
        assert_eq!(bitpos(&[0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10], true), 9 * 8 + 3);
    }

    #[test]
    fn bit_commands() {
        check(&[
            (&["SETBIT", "k", "7", "1"], ":0|"),
            (&["SETBIT", "k", "7", "1"], ":1|"),
            (&["GET", "k"], "$1|\u{1}|"),
            (&["GETBIT", "k", "7"], ":1|"),
            (&["GETBIT", "k", "100"], ":0|"),
            (
                &["SETBIT", "k", "x", "1"],
                "-ERR bit offset is not an integer or out of range|",
            ),
            (
                &["SETBIT", "k", "-1", "1"],
                "-ERR bit offset is not an integer or out of range|",
            ),
            (
                &["SETBIT", "k", "1", "2"],
                "-ERR bit is not an integer or out of range|",
            ),
            (&["SET", "s", "foobar"], "+OK|"),
            (&["BITCOUNT", "s"], ":26|"),
            (&["BITCOUNT", "s", "1", "1"], ":6|"),
            (&["BITCOUNT", "s", "5", "30", "BIT"], ":17|"),
            (&["BITCOUNT", "s", "1"], "-ERR syntax error|"),
            (&["BITCOUNT", "nosuch", "a", "b"], ":0|"),
            (&["SETBIT", "p", "3", "1"], ":0|"),
            (&["BITPOS", "p", "1"], ":3|"),
            (&["BITPOS", "p", "0"], ":0|"),
            (&["BITPOS", "p", "1", "1"], ":-1|"),
            (&["BITPOS", "nosuch", "0"], ":0|"),
            (
                &["BITPOS", "p", "2"],
                "-ERR The bit argument must be 1 or 0.|",
            ),
            (
                &["BITOP", "NOT", "d", "a", "b"],
                "-ERR BITOP NOT must be called with a single source key.|",
            ),
            (&["BITOP", "NAND", "d", "a"], "-ERR syntax error|"),
            (&["BITOP", "OR", "d", "nosuch"], ":0|"),
        ]);
    }
}
