//! HyperLogLog commands (Redis's hyperloglog.c): PFADD, PFCOUNT, PFMERGE,
//! PFDEBUG, PFSELFTEST. The representation lives in `kv_types::hll`.
//!
//! An HLL is an ordinary string value (TYPE string, OBJECT ENCODING raw), so
//! GET, SET, APPEND and SETRANGE see and may damage its bytes; every command
//! checks the header first (`WRONGTYPE Key is not a valid HyperLogLog string
//! value.`) and the sparse opcodes when it reads them (`INVALIDOBJ`).
//!
//! Effects as in Redis: PFADD and PFMERGE fire `pfadd`; PFCOUNT of one key
//! that refreshes the cached cardinality is a change without an event (it
//! touches WATCH, counts as dirty and propagates, though PFCOUNT is a read);
//! PFDEBUG GETREG/TODENSE count a conversion to dense as dirty only.

use resp_proto::Argv;

use super::args::is;
use crate::Ctx;
use crate::command::flags::*;
use crate::command::table::RO_ACCESS;
use crate::command::{Command, Group, Keys, acl};
use crate::db::{self, Value};
use crate::effects::events;
use crate::error::{CmdError, CmdResult};
use kv_types::hll::{self, Encoding, Registers};
use kv_types::string::{Str, itoa_buf};

/// The header check of an HLL string (isHLLObjectOrReply after the type check).
fn hll_encoding(value: &Str) -> Result<Encoding, CmdError> {
    let mut buf = itoa_buf::Buffer::new();
    hll::encoding(value.to_bytes(&mut buf)).map_err(|hll::NotHll| CmdError::NotHll)
}

/// The HLL at a looked-up key, checked and ready to modify in place (Redis's
/// dbUnshareStringValue makes it a raw string).
fn hll_mut<'c>(ctx: &'c mut Ctx<'_>, id: kv_types::dict::Id) -> Result<&'c mut Vec<u8>, CmdError> {
    let value = db::typed_mut::<Str>(ctx.db(), id)?;
    hll_encoding(value)?;
    Ok(value.make_mut())
}

/// The key's entry for writing, created as an empty HLL when missing; true
/// when it was created.
fn lookup_or_create(ctx: &mut Ctx<'_>, key: &[u8]) -> (kv_types::dict::Id, bool) {
    match ctx.lookup_write(key) {
        Some(id) => (id, false),
        None => {
            let clock = ctx.access_clock();
            let value = Value::Str(Str::Growable(Box::new(hll::new())));
            (ctx.db().insert(key, value, clock), true)
        }
    }
}

/// PFADD key [element [element ...]]
pub fn pfadd_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let key = argv.arg(1);
    let sparse_max = ctx.engine.config.hll_sparse_max_bytes;
    let (id, created) = lookup_or_create(ctx, key);
    let mut updated = u64::from(created);
    let bytes = hll_mut(ctx, id)?;
    let mut corrupt = false;
    for element in argv.iter().skip(2) {
        match hll::add(bytes, element, sparse_max) {
            Ok(true) => updated += 1,
            Ok(false) => {}
            Err(hll::Corrupt) => {
                // Registers already raised stay raised, unreported, as in
                // Redis.
                corrupt = true;
                break;
            }
        }
    }
    if corrupt {
        return Err(CmdError::CorruptHll);
    }
    if updated > 0 {
        hll::invalidate_cache(bytes);
        ctx.changed_by(key, events::PFADD, updated);
    }
    ctx.reply.integer(i64::from(updated > 0));
    Ok(())
}

/// PFCOUNT key [key ...]
pub fn pfcount_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    if argv.len() > 2 {
        // The union's estimate, through one byte per register.
        let mut union = Registers::new();
        for key in argv.iter().skip(1) {
            let Some(id) = ctx.lookup_read(key) else {
                continue;
            };
            let value = db::typed::<Str>(ctx.db(), id)?;
            hll_encoding(value)?;
            let mut buf = itoa_buf::Buffer::new();
            union
                .merge(value.to_bytes(&mut buf))
                .map_err(|hll::Corrupt| CmdError::CorruptHll)?;
        }
        ctx.reply.integer(union.count() as i64);
        return Ok(());
    }
    let key = argv.arg(1);
    let Some(id) = ctx.lookup_read(key) else {
        ctx.reply.integer(0);
        return Ok(());
    };
    let bytes = hll_mut(ctx, id)?;
    let (card, refreshed) = match hll::cached_count(bytes) {
        Some(card) => (card, false),
        None => {
            let card = hll::count(bytes).map_err(|hll::Corrupt| CmdError::CorruptHll)?;
            hll::store_count(bytes, card);
            (card, true)
        }
    };
    if refreshed {
        // The cache is part of the string: a write Redis signals and
        // propagates without a keyspace event.
        ctx.changed(key, events::NONE);
    }
    ctx.reply.integer(card as i64);
    Ok(())
}

/// PFMERGE destkey [sourcekey [sourcekey ...]]
pub fn pfmerge_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let dst = argv.arg(1);
    let sparse_max = ctx.engine.config.hll_sparse_max_bytes;
    // The destination is merged too, as the first source.
    let mut union = Registers::new();
    let mut use_dense = false;
    for key in argv.iter().skip(1) {
        let Some(id) = ctx.lookup_read(key) else {
            continue;
        };
        let value = db::typed::<Str>(ctx.db(), id)?;
        use_dense |= hll_encoding(value)? == Encoding::Dense;
        let mut buf = itoa_buf::Buffer::new();
        union
            .merge(value.to_bytes(&mut buf))
            .map_err(|hll::Corrupt| CmdError::CorruptHll)?;
    }
    let (id, _) = lookup_or_create(ctx, dst);
    let bytes = hll_mut(ctx, id)?;
    // A dense source makes the destination dense at once.
    if use_dense {
        hll::to_dense(bytes).map_err(|hll::Corrupt| CmdError::CorruptHll)?;
    }
    for i in 0..hll::REGISTERS {
        let value = union.get(i);
        if value != 0 {
            // The destination was checked as a source (or is new), so
            // raising its registers cannot meet corruption.
            let _ = hll::raise(bytes, i, value, sparse_max);
        }
    }
    hll::invalidate_cache(bytes);
    ctx.changed(dst, events::PFADD);
    ctx.reply.ok();
    Ok(())
}

/// PFDEBUG <GETREG|DECODE|ENCODING|TODENSE> key
pub fn pfdebug_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    // Redis compares the subcommand as a C string: it ends at a NUL.
    let sub = argv.arg(1);
    let sub = &sub[..sub.iter().position(|&b| b == 0).unwrap_or(sub.len())];
    let Some(id) = ctx.lookup_write(argv.arg(2)) else {
        return Err(CmdError::err("The specified key does not exist"));
    };
    let bytes = hll_mut(ctx, id)?;
    let sparse = hll::encoding(bytes) == Ok(Encoding::Sparse);
    if is(sub, "getreg") || is(sub, "todense") {
        let converted =
            sparse && hll::to_dense(bytes).map_err(|hll::Corrupt| CmdError::CorruptHll)?;
        if is(sub, "getreg") {
            let regs: Vec<u8> = (0..hll::REGISTERS)
                .map(|i| hll::dense_register(bytes, i))
                .collect();
            ctx.reply.array(regs.len());
            for r in regs {
                ctx.reply.integer(i64::from(r));
            }
        } else {
            ctx.reply.integer(i64::from(converted));
        }
        if converted {
            // A change of encoding replicates, but is not a keyspace change.
            ctx.changed_dataset(1);
        }
    } else if is(sub, "decode") {
        if !sparse {
            return Err(CmdError::err("HLL encoding is not sparse"));
        }
        let text = hll::decode_sparse(bytes);
        ctx.reply.bulk(text.as_bytes());
    } else if is(sub, "encoding") {
        let name = if sparse { "sparse" } else { "dense" };
        ctx.reply.simple(name.as_bytes());
    } else {
        return Err(CmdError::err(format!(
            "Unknown PFDEBUG subcommand '{}'",
            crate::error::lossy_prefix(sub, sub.len())
        )));
    }
    Ok(())
}

/// PFSELFTEST
pub fn pfselftest_command(ctx: &mut Ctx<'_>, _argv: Argv<'_>) -> CmdResult {
    let sparse_max = ctx.engine.config.hll_sparse_max_bytes;
    let rng = ctx.parts().rng;
    // C's rand(): 31 random bits.
    let mut rand = || (rng.next_u64() >> 33) as u32;
    hll::self_test(&mut rand, sparse_max, 1000, 10_000_000).map_err(CmdError::Raw)?;
    ctx.reply.ok();
    Ok(())
}

pub static COMMANDS: &[Command] = &[
    Command {
        name: "pfadd",
        arity: -2,
        flags: WRITE | DENYOOM | FAST,
        acl: acl::HYPERLOGLOG,
        keys: Keys::one(&["RW", "insert"]),
        group: Group::HyperLogLog,
        since: "2.8.9",
        summary: "Adds elements to a HyperLogLog, creating the key if needed.",
        complexity: "O(1) to add every element.",
        syntax: "key [element [element ...]]",
        handler: Some(pfadd_command),
        ..Command::BASE
    },
    Command {
        name: "pfcount",
        arity: -2,
        flags: READONLY | MAY_REPLICATE,
        acl: acl::HYPERLOGLOG,
        keys: Keys::range(1, -1, 1, &["RW", "access"]),
        key_notes: "RW because it may change the internal representation of the key, and propagate to replicas",
        group: Group::HyperLogLog,
        since: "2.8.9",
        summary: "Returns the estimated number of distinct elements added to one HyperLogLog, or to the union of several.",
        complexity: "O(1) with a very small average constant time when called with a single key. O(N) with N being the number of keys, and much bigger constant times, when called with multiple keys.",
        syntax: "key [key ...]",
        handler: Some(pfcount_command),
        ..Command::BASE
    },
    Command {
        name: "pfmerge",
        arity: -2,
        flags: WRITE | DENYOOM,
        acl: acl::HYPERLOGLOG,
        keys: Keys::store(&["RW", "access", "insert"], RO_ACCESS),
        group: Group::HyperLogLog,
        since: "2.8.9",
        summary: "Stores the union of HyperLogLogs in a key.",
        complexity: "O(N) to merge N HyperLogLogs, but with high constant times.",
        syntax: "destkey sourcekey [sourcekey ...]",
        handler: Some(pfmerge_command),
        ..Command::BASE
    },
    Command {
        name: "pfdebug",
        arity: 3,
        flags: WRITE | DENYOOM | ADMIN,
        acl: acl::HYPERLOGLOG,
        keys: Keys::range(2, 2, 1, &["RW", "access"]),
        group: Group::HyperLogLog,
        since: "2.8.9",
        summary: "Inspects or converts the representation of a HyperLogLog.",
        complexity: "N/A",
        syntax: "subcommand key",
        doc_flags: &["syscmd"],
        handler: Some(pfdebug_command),
        ..Command::BASE
    },
    Command {
        name: "pfselftest",
        arity: 1,
        flags: ADMIN,
        acl: acl::HYPERLOGLOG,
        group: Group::HyperLogLog,
        since: "2.8.9",
        summary: "Tests the HyperLogLog implementation.",
        complexity: "N/A",
        doc_flags: &["syscmd"],
        handler: Some(pfselftest_command),
        ..Command::BASE
    },
];

#[cfg(test)]
mod tests {
    use crate::testing::{TestEngine, check, check_on};

    #[test]
    fn add_count_merge() {
        check(&[
            (&["PFADD", "h"], ":1|"),
            (&["PFADD", "h"], ":0|"),
            (&["PFCOUNT", "h"], ":0|"),
            (&["PFADD", "h", "a", "b", "c"], ":1|"),
            (&["PFADD", "h", "a", "b", "c"], ":0|"),
            (&["PFCOUNT", "h"], ":3|"),
            (&["PFADD", "g", "c", "d", "e"], ":1|"),
            (&["PFCOUNT", "h", "g", "nosuch"], ":5|"),
            (&["PFMERGE", "u", "h", "g"], "+OK|"),
            (&["PFCOUNT", "u"], ":5|"),
            (&["PFDEBUG", "ENCODING", "u"], "+sparse|"),
            (&["PFDEBUG", "TODENSE", "u"], ":1|"),
            (&["PFDEBUG", "TODENSE", "u"], ":0|"),
            (&["PFDEBUG", "ENCODING", "u"], "+dense|"),
            (
                &["PFDEBUG", "DECODE", "u"],
                "-ERR HLL encoding is not sparse|",
            ),
            (
                &["PFDEBUG", "DECODE", "h"],
                "$44|Z:8436 v:1,1 Z:4274 v:2,1 Z:3068 v:1,1 Z:603|",
            ),
            (&["PFMERGE", "h2", "u", "g"], "+OK|"),
            (&["PFDEBUG", "ENCODING", "h2"], "+dense|"),
            (&["PFCOUNT", "h2"], ":5|"),
            (
                &["PFDEBUG", "NOPE", "h"],
                "-ERR Unknown PFDEBUG subcommand 'NOPE'|",
            ),
            (
                &["PFDEBUG", "GETREG", "nosuch"],
                "-ERR The specified key does not exist|",
            ),
            (&["TYPE", "h"], "+string|"),
            (&["OBJECT", "ENCODING", "h"], "$3|raw|"),
        ]);
    }

    #[test]
    fn refreshing_the_cached_count_fails_a_watch() {
        let mut t = TestEngine::new();
        let other = t.connect();
        t.run(&["PFADD", "h", "a"]);
        check_on(&mut t, &[(&["WATCH", "h"], "+OK|"), (&["MULTI"], "+OK|")]);
        t.run_as(other, &["PFCOUNT", "h"]);
        check_on(&mut t, &[(&["PING"], "+QUEUED|"), (&["EXEC"], "*-1|")]);
        // A valid cache is only read: the transaction runs.
        check_on(&mut t, &[(&["WATCH", "h"], "+OK|"), (&["MULTI"], "+OK|")]);
        t.run_as(other, &["PFCOUNT", "h"]);
        t.run_as(other, &["PFDEBUG", "TODENSE", "h"]);
        check_on(&mut t, &[(&["PING"], "+QUEUED|"), (&["EXEC"], "*1|+PONG|")]);
    }

    #[test]
    fn docs_mark_internal_commands() {
        check(&[(
            &["COMMAND", "DOCS", "pfselftest"],
            "*2|$10|pfselftest|*10|$7|summary|$37|Tests the HyperLogLog implementation.|\
             $5|since|$5|2.8.9|$5|group|$11|hyperloglog|$10|complexity|$3|N/A|\
             $9|doc_flags|*1|+syscmd|",
        )]);
    }

    #[test]
    fn type_and_corruption_errors() {
        check(&[
            (&["SET", "s", "bar"], "+OK|"),
            (
                &["PFADD", "s", "1"],
                "-WRONGTYPE Key is not a valid HyperLogLog string value.|",
            ),
            (
                &["PFCOUNT", "s"],
                "-WRONGTYPE Key is not a valid HyperLogLog string value.|",
            ),
            (
                &["PFMERGE", "d", "s"],
                "-WRONGTYPE Key is not a valid HyperLogLog string value.|",
            ),
            (&["EXISTS", "d"], ":0|"),
            (&["LPUSH", "l", "x"], ":1|"),
            (
                &["PFCOUNT", "l"],
                "-WRONGTYPE Operation against a key holding the wrong kind of value|",
            ),
            (&["SET", "n", "123"], "+OK|"),
            (
                &["PFADD", "n", "1"],
                "-WRONGTYPE Key is not a valid HyperLogLog string value.|",
            ),
            (&["OBJECT", "ENCODING", "n"], "$3|int|"),
            (&["PFADD", "h", "a", "b", "c"], ":1|"),
            (&["APPEND", "h", "hello"], ":32|"),
            (
                &["PFCOUNT", "h"],
                "-INVALIDOBJ Corrupted HLL object detected|",
            ),
            (
                &["PFCOUNT", "h", "h"],
                "-INVALIDOBJ Corrupted HLL object detected|",
            ),
            (
                &["PFDEBUG", "GETREG", "h"],
                "-INVALIDOBJ Corrupted HLL object detected|",
            ),
        ]);
    }

    #[test]
    fn effects_follow_redis() {
        let mut t = TestEngine::new();
        t.record_propagation();
        check_on(
            &mut t,
            &[
                (&["PFADD", "h", "a"], ":1|"),
                (&["PFADD", "h", "a"], ":0|"),
                (&["PFCOUNT", "h"], ":1|"),
                (&["PFCOUNT", "h"], ":1|"),
                (&["PFMERGE", "d", "h"], "+OK|"),
                (&["PFCOUNT", "d", "h"], ":1|"),
                (&["PFDEBUG", "ENCODING", "d"], "+sparse|"),
                (&["PFDEBUG", "TODENSE", "d"], ":1|"),
                (&["PFDEBUG", "TODENSE", "d"], ":0|"),
            ],
        );
        assert_eq!(
            t.propagated(),
            [
                "SELECT 0",
                "PFADD h a",
                "PFCOUNT h",
                "PFMERGE d h",
                "PFDEBUG TODENSE d"
            ]
        );
    }
}
