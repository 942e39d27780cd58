//! Bit operations on strings (Redis's bitops.c): SETBIT, GETBIT, BITCOUNT,
//! BITPOS, BITOP, BITFIELD and BITFIELD_RO.
//!
//! A string is a bit array, most significant bit first in each byte; the
//! kernels (counting, searching, combining, integer fields) are in
//! `kv_types::bits`. Offsets are limited by `proto-max-bulk-len`; SETBIT and
//! BITFIELD grow the string with zero bytes as Redis does.
//! Argument checks happen in Redis's order (BITCOUNT answers 0 for a missing
//! key before reading its range, BITPOS checks the bit first).

use resp_proto::Argv;

use super::args::{int_arg, is, parse_i64};
use crate::command::flags::*;
use crate::command::table::{OW_UPDATE, RO_ACCESS, RW_ACCESS_UPDATE, RW_ACCESS_UPDATE_VARIABLE};
use crate::command::{Command, Group, Keys, acl};
use crate::db::Value;
use crate::effects::events;
use crate::error::{CmdError, CmdResult};
use crate::{Ctx, Reply};
use kv_types::bits::{self, BitOp, FieldType, Overflow};
use kv_types::string::{Str, itoa_buf};

/// A bit offset argument (getBitOffsetFromArgument). BITFIELD passes its
/// field's width as `field_bits`, which allows `#n`: the n-th field of that
/// width.
fn bit_offset(ctx: &Ctx<'_>, arg: &[u8], field_bits: Option<u32>) -> Result<u64, CmdError> {
    let invalid = || CmdError::err("bit offset is not an integer or out of range");
    let (digits, scale) = match (arg.strip_prefix(b"#"), field_bits) {
        (Some(rest), Some(bits)) => (rest, i64::from(bits)),
        _ => (arg, 1),
    };
    // Redis multiplies in C; a product that wraps negative is refused below.
    let offset = parse_i64(digits).ok_or_else(invalid)?.wrapping_mul(scale);
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
    ctx.with_typed::<Str, R>(key, |reply, value| {
        f(reply, value.map(|v| v.to_bytes(&mut buf)))
    })
}

/// SETBIT key offset value
pub fn setbit_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let key = argv.arg(1);
    let offset = bit_offset(ctx, argv.arg(2), None)?;
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
    let offset = bit_offset(ctx, argv.arg(2), None)?;
    with_bytes(ctx, argv.arg(1), |reply, bytes| {
        let byte = (offset >> 3) as usize;
        let bit = bytes
            .and_then(|b| b.get(byte))
            .map_or(0, |b| i64::from(b & (1 << (7 - (offset & 7))) != 0));
        reply.integer(bit);
        Ok(())
    })
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
                let mut count = bits::popcount(&bytes[first..=last]);
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
        let mut pos = bits::bitpos(&window, bit);
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
    let name = argv.arg(1);
    let op = if is(name, "and") {
        BitOp::And
    } else if is(name, "or") {
        BitOp::Or
    } else if is(name, "xor") {
        BitOp::Xor
    } else if is(name, "not") {
        BitOp::Not
    } else {
        return Err(CmdError::Syntax);
    };
    if op == BitOp::Not && argv.len() != 4 {
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
    let result = bits::bitop(op, &sources);
    let max = result.len();
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

/// What one BITFIELD operation does.
#[derive(Debug, Clone, Copy)]
enum FieldAction {
    Get,
    Set(i64),
    IncrBy(i64),
}

/// One BITFIELD operation, with the OVERFLOW mode in force where it appears.
#[derive(Debug, Clone, Copy)]
struct FieldOp {
    action: FieldAction,
    ty: FieldType,
    offset: u64,
    overflow: Overflow,
}

/// Parses every BITFIELD operation before any runs, as Redis does: a bad
/// argument anywhere fails the whole command and writes nothing.
fn parse_field_ops(ctx: &Ctx<'_>, argv: &Argv<'_>) -> Result<Vec<FieldOp>, CmdError> {
    let mut ops = Vec::new();
    let mut overflow = Overflow::Wrap;
    let mut j = 2;
    while j < argv.len() {
        let word = argv.arg(j);
        let remaining = argv.len() - j - 1;
        let takes_value = if is(word, "get") && remaining >= 2 {
            false
        } else if (is(word, "set") || is(word, "incrby")) && remaining >= 3 {
            true
        } else if is(word, "overflow") && remaining >= 1 {
            let mode = argv.arg(j + 1);
            overflow = if is(mode, "wrap") {
                Overflow::Wrap
            } else if is(mode, "sat") {
                Overflow::Sat
            } else if is(mode, "fail") {
                Overflow::Fail
            } else {
                return Err(CmdError::err("Invalid OVERFLOW type specified"));
            };
            j += 2;
            continue;
        } else {
            return Err(CmdError::Syntax);
        };
        let ty = FieldType::parse(argv.arg(j + 1)).ok_or_else(|| {
            CmdError::err(
                "Invalid bitfield type. Use something like i16 u8. \
                 Note that u64 is not supported but i64 is.",
            )
        })?;
        let offset = bit_offset(ctx, argv.arg(j + 2), Some(ty.bits))?;
        let action = if !takes_value {
            FieldAction::Get
        } else {
            let value = int_arg(argv.arg(j + 3))?;
            if is(word, "set") {
                FieldAction::Set(value)
            } else {
                FieldAction::IncrBy(value)
            }
        };
        ops.push(FieldOp {
            action,
            ty,
            offset,
            overflow,
        });
        j += if takes_value { 4 } else { 3 };
    }
    Ok(ops)
}

/// BITFIELD key [GET encoding offset | [OVERFLOW WRAP|SAT|FAIL] SET encoding offset value | INCRBY encoding offset increment ...]
pub fn bitfield_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    bitfield_generic(ctx, argv, false)
}

/// BITFIELD_RO key [GET encoding offset ...]
pub fn bitfield_ro_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    bitfield_generic(ctx, argv, true)
}

fn bitfield_generic(ctx: &mut Ctx<'_>, argv: Argv<'_>, read_only: bool) -> CmdResult {
    let key = argv.arg(1);
    let ops = parse_field_ops(ctx, &argv)?;
    // The highest bit any SET or INCRBY touches; None when all are GETs.
    let highest_write = ops
        .iter()
        .filter(|op| !matches!(op.action, FieldAction::Get))
        .map(|op| op.offset + u64::from(op.ty.bits) - 1)
        .max();
    let Some(highest_write) = highest_write else {
        // Only reads: a missing key reads as zeros and is not created.
        return with_bytes(ctx, key, |reply, bytes| {
            reply.array(ops.len());
            for op in &ops {
                reply.integer(bits::get_field(bytes.unwrap_or(&[]), op.offset, op.ty));
            }
            Ok(())
        });
    };
    if read_only {
        return Err(CmdError::err(
            "BITFIELD_RO only supports the GET subcommand",
        ));
    }
    let (value, reply) = ctx.write_or_create::<Str>(key, || Str::bytes(b"", true))?;
    let bytes = value.make_mut();
    let needed = (highest_write >> 3) as usize + 1;
    // Growing the string is a change even where the written field is zero.
    let grown = bytes.len() < needed;
    if grown {
        bytes.resize(needed, 0);
    }
    reply.array(ops.len());
    let mut changes = 0;
    for op in &ops {
        let old = bits::get_field(bytes, op.offset, op.ty);
        // The exact result; an unsigned SET reads its argument's bits as
        // unsigned, as Redis's C cast does.
        let (exact, answer_new) = match op.action {
            FieldAction::Get => {
                reply.integer(old);
                continue;
            }
            FieldAction::Set(v) if op.ty.signed => (i128::from(v), false),
            FieldAction::Set(v) => (i128::from(v as u64), false),
            FieldAction::IncrBy(by) => (i128::from(old) + i128::from(by), true),
        };
        match bits::fit(op.ty, exact, op.overflow) {
            Some(new) => {
                reply.integer(if answer_new { new } else { old });
                bits::set_field(bytes, op.offset, op.ty, new);
                if grown || new != old {
                    changes += 1;
                }
            }
            None => reply.null(),
        }
    }
    if changes > 0 {
        ctx.changed_by(key, events::SETBIT, changes);
    }
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
    Command {
        name: "bitfield",
        arity: -2,
        flags: WRITE | DENYOOM,
        acl: acl::BITMAP,
        keys: Keys::one(RW_ACCESS_UPDATE_VARIABLE),
        group: Group::Bitmap,
        since: "3.2.0",
        summary: "Performs arbitrary integer operations on fields of a string.",
        complexity: "O(1) for each subcommand specified",
        syntax: "key [GET encoding offset|[OVERFLOW WRAP|SAT|FAIL] SET encoding offset value|INCRBY encoding offset increment ...]",
        handler: Some(bitfield_command),
        ..Command::BASE
    },
    Command {
        name: "bitfield_ro",
        arity: -2,
        flags: READONLY | FAST,
        acl: acl::BITMAP,
        keys: Keys::one(RO_ACCESS),
        group: Group::Bitmap,
        since: "6.0.0",
        summary: "Reads integer fields of a string.",
        complexity: "O(1) for each subcommand specified",
        syntax: "key [GET encoding offset ...]",
        handler: Some(bitfield_ro_command),
        ..Command::BASE
    },
];

#[cfg(test)]
mod tests {
    use crate::testing::check;

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
