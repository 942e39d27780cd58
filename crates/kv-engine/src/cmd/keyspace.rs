//! Generic key commands (Redis's db.c and object.c): DEL, UNLINK, EXISTS, TYPE,
//! RENAME, RENAMENX, COPY, MOVE, SWAPDB, TOUCH, RANDOMKEY, DBSIZE, KEYS, SCAN,
//! FLUSHDB, FLUSHALL, OBJECT.

use crate::command::flags::*;
use crate::command::table::*;
use crate::command::{Command, Group, Keys, acl};
use resp_proto::Argv;

use super::args::{ScanOptions, parse_cursor};
use super::{int_arg, is, parse_i64};
use crate::Ctx;
use crate::ctx::Parts;
use crate::db::Db;
use crate::effects::events;
use crate::error::{CmdError, CmdResult};
use kv_types::glob::glob_match;

/// DEL key [key ...] (and UNLINK: kv frees small values at once and large ones
/// are a matter for the allocator either way).
pub fn del_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let now = ctx.now_ms();
    let mut removed = 0;
    for key in argv.iter().skip(1) {
        if ctx.db().delete(key, now) {
            ctx.changed(key, events::DEL);
            removed += 1;
        }
    }
    ctx.reply.integer(removed);
    Ok(())
}

/// EXISTS key [key ...] — a key named twice counts twice.
pub fn exists_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let found = argv
        .iter()
        .skip(1)
        .filter(|key| ctx.lookup_read_no_touch(key).is_some())
        .count();
    ctx.reply.integer(found as i64);
    Ok(())
}

/// TOUCH key [key ...]
pub fn touch_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let found = argv
        .iter()
        .skip(1)
        .filter(|key| ctx.lookup_read(key).is_some())
        .count();
    ctx.reply.integer(found as i64);
    Ok(())
}

/// TYPE key
pub fn type_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let key = argv.arg(1);
    let name = match ctx.lookup_read_no_touch(key) {
        Some(id) => ctx.db().entry(id).value.type_name(),
        None => "none",
    };
    ctx.reply.simple(name.as_bytes());
    Ok(())
}

/// RENAME / RENAMENX: moves the value and its TTL to the new name.
fn rename_generic(ctx: &mut Ctx<'_>, argv: Argv<'_>, nx: bool) -> CmdResult {
    let from = argv.arg(1);
    let to = argv.arg(2);
    let now = ctx.now_ms();
    let clock = ctx.access_clock();
    let Some(id) = ctx.lookup_write(from) else {
        return Err(CmdError::NoSuchKey);
    };
    if from == to {
        // Renaming a key to itself: RENAME succeeds, RENAMENX reports no change.
        if nx {
            ctx.reply.integer(0);
        } else {
            ctx.reply.ok();
        }
        return Ok(());
    }
    let db = ctx.db();
    if db.lookup(to, now).is_some() {
        if nx {
            ctx.reply.integer(0);
            return Ok(());
        }
        db.delete(to, now);
    }
    let id = db.lookup(from, now).unwrap_or(id);
    let entry = db.remove_id(id);
    let expire = entry.expire_at();
    let new_id = db.insert(to, entry.value, clock);
    if let Some(at) = expire {
        db.set_expire(new_id, at);
    }
    ctx.changed_by(from, events::RENAME_FROM, 0);
    ctx.changed(to, events::RENAME_TO);
    if nx {
        ctx.reply.integer(1);
    } else {
        ctx.reply.ok();
    }
    Ok(())
}

/// RENAME key newkey
pub fn rename_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    rename_generic(ctx, argv, false)
}

/// RENAMENX key newkey
pub fn renamenx_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    rename_generic(ctx, argv, true)
}

/// A database index argument, range-checked.
fn db_arg(ctx: &Ctx<'_>, arg: &[u8]) -> Result<usize, CmdError> {
    let index = int_arg(arg)?;
    if index < 0 || index as usize >= ctx.db_count() {
        return Err(CmdError::DbIndexOutOfRange);
    }
    Ok(index as usize)
}

/// COPY source destination [DB destination-db] [REPLACE]
pub fn copy_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let src = argv.arg(1);
    let dst = argv.arg(2);
    let src_db = ctx.db_index();
    let mut dst_db = src_db;
    let mut replace = false;
    let mut i = 3;
    while let Some(opt) = argv.get(i) {
        if is(opt, "replace") {
            replace = true;
        } else if is(opt, "db") && argv.get(i + 1).is_some() {
            dst_db = db_arg(ctx, argv.arg(i + 1))?;
            i += 1;
        } else {
            return Err(CmdError::Syntax);
        }
        i += 1;
    }
    if src == dst && src_db == dst_db {
        return Err(CmdError::err("source and destination objects are the same"));
    }
    let now = ctx.now_ms();
    let clock = ctx.access_clock();
    let Some(id) = ctx.lookup_write(src) else {
        ctx.reply.integer(0);
        return Ok(());
    };
    let entry = ctx.db_at(src_db).entry(id);
    let (value, expire) = (entry.value.clone(), entry.expire_at());
    let target = ctx.db_at(dst_db);
    if target.lookup(dst, now).is_some() {
        if !replace {
            ctx.reply.integer(0);
            return Ok(());
        }
        target.delete(dst, now);
    }
    let new_id = target.insert(dst, value, clock);
    if let Some(at) = expire {
        target.set_expire(new_id, at);
    }
    ctx.changed_in(dst_db, dst, events::COPY_TO, 1);
    ctx.reply.integer(1);
    Ok(())
}

/// MOVE key db
pub fn move_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let key = argv.arg(1);
    let src_db = ctx.db_index();
    let dst_db = db_arg(ctx, argv.arg(2))?;
    if src_db == dst_db {
        return Err(CmdError::err("source and destination objects are the same"));
    }
    let now = ctx.now_ms();
    let clock = ctx.access_clock();
    let Some(id) = ctx.lookup_write(key) else {
        ctx.reply.integer(0);
        return Ok(());
    };
    if ctx.db_at(dst_db).lookup(key, now).is_some() {
        ctx.reply.integer(0);
        return Ok(());
    }
    let entry = ctx.db_at(src_db).remove_id(id);
    let expire = entry.expire_at();
    let target = ctx.db_at(dst_db);
    let new_id = target.insert(key, entry.value, clock);
    if let Some(at) = expire {
        target.set_expire(new_id, at);
    }
    // The key's arrival in the target goes first, as Redis's dbAdd does
    // there (its `new` event precedes `move_from`).
    ctx.changed_in(dst_db, key, events::NONE, 0);
    ctx.changed_in(src_db, key, events::MOVE_FROM, 0);
    ctx.changed_in(dst_db, key, events::MOVE_TO, 1);
    ctx.reply.integer(1);
    Ok(())
}

/// SWAPDB index1 index2
pub fn swapdb_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let a = parse_i64(argv.arg(1)).ok_or_else(|| CmdError::err("invalid first DB index"))?;
    let b = parse_i64(argv.arg(2)).ok_or_else(|| CmdError::err("invalid second DB index"))?;
    let n = ctx.db_count() as i64;
    if a < 0 || a >= n || b < 0 || b >= n {
        return Err(CmdError::DbIndexOutOfRange);
    }
    ctx.swap_dbs(a as usize, b as usize);
    ctx.reply.ok();
    Ok(())
}

/// RANDOMKEY
pub fn randomkey_command(ctx: &mut Ctx<'_>, _argv: Argv<'_>) -> CmdResult {
    let now = ctx.now_ms();
    let Parts { db, rng, reply } = ctx.parts();
    let key = db.random_key(rng, now);
    reply.bulk_opt(key.as_deref());
    Ok(())
}

/// DBSIZE
pub fn dbsize_command(ctx: &mut Ctx<'_>, _argv: Argv<'_>) -> CmdResult {
    let len = ctx.db().len();
    ctx.reply.integer(len as i64);
    Ok(())
}

/// KEYS pattern
pub fn keys_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let pattern = argv.arg(1);
    let all = pattern == b"*";
    let now = ctx.now_ms();
    let Parts { db, reply, .. } = ctx.parts();
    let keys: Vec<&[u8]> = db
        .iter(now)
        .map(|e| e.key())
        .filter(|k| all || glob_match(pattern, k, false))
        .collect();
    reply.array(keys.len());
    for key in keys {
        reply.bulk(key);
    }
    Ok(())
}

/// SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]
pub fn scan_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let cursor = parse_cursor(argv.arg(1))?;
    let opts = ScanOptions::parse(argv, 2, true)?;
    let now = ctx.now_ms();
    let db: &Db = ctx.db();
    let mut keys: Vec<Vec<u8>> = Vec::new();
    let mut next = cursor;
    // COUNT is how many buckets' worth of work to do, as in Redis: visit until
    // that many keys were seen (matching or not) or the iteration ends; a bound
    // on steps keeps sparse tables from looping long.
    let mut steps = opts.count.saturating_mul(10).max(100);
    let mut seen = 0usize;
    loop {
        next = db.scan(next, now, |e| {
            seen += 1;
            let key = e.key();
            if opts.pattern.is_some_and(|p| !glob_match(p, key, false)) {
                return;
            }
            if opts
                .type_name
                .as_deref()
                .is_some_and(|t| !t.eq_ignore_ascii_case(e.value.type_name().as_bytes()))
            {
                return;
            }
            keys.push(key.to_vec());
        });
        steps -= 1;
        if next == 0 || seen >= opts.count || steps == 0 {
            break;
        }
    }
    ctx.reply.array(2);
    ctx.reply.bulk(next.to_string().as_bytes());
    ctx.reply.array(keys.len());
    for key in &keys {
        ctx.reply.bulk(key);
    }
    Ok(())
}

/// The optional ASYNC|SYNC argument of FLUSHDB/FLUSHALL.
fn flush_mode(argv: Argv<'_>) -> Result<bool, CmdError> {
    match argv.get(1) {
        None => Ok(false),
        Some(m) if argv.len() == 2 && is(m, "async") => Ok(true),
        Some(m) if argv.len() == 2 && is(m, "sync") => Ok(false),
        Some(_) => Err(CmdError::Syntax),
    }
}

/// FLUSHDB [ASYNC|SYNC]
pub fn flushdb_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let async_free = flush_mode(argv)?;
    let index = ctx.db_index();
    let removed = ctx.db_at(index).len() as u64;
    flush(ctx, index, async_free);
    ctx.changed_dataset(removed);
    // Propagated even when there was nothing to remove, as in Redis.
    ctx.force_propagation();
    ctx.reply.ok();
    Ok(())
}

/// FLUSHALL [ASYNC|SYNC]
pub fn flushall_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let async_free = flush_mode(argv)?;
    let mut removed = 0;
    for index in 0..ctx.db_count() {
        removed += ctx.db_at(index).len() as u64;
        flush(ctx, index, async_free);
    }
    // Redis counts FLUSHALL as one more change than the keys it removed.
    ctx.changed_dataset(removed + 1);
    ctx.reply.ok();
    Ok(())
}

/// Empties a database; ASYNC (or lazyfree-lazy-user-flush) hands the old
/// contents to the host to free away from the event loop.
fn flush(ctx: &mut Ctx<'_>, index: usize, async_free: bool) {
    let lazy = async_free || ctx.engine.config.lazyfree_lazy_user_flush;
    ctx.flushing(index);
    let old = ctx.db_at(index).take();
    if lazy && old.len() > 64 {
        ctx.host.free_later(Box::new(old));
    }
}

/// OBJECT ENCODING|REFCOUNT|IDLETIME|FREQ key
pub fn object_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    let sub = argv.arg(1);
    let key = argv.arg(2);
    let lfu = ctx.engine.config.maxmemory_policy.contains("lfu");
    // OBJECT does not count as an access: look the key up without touching it.
    let now = ctx.now_ms();
    let clock = ctx.access_clock();
    let Some(id) = ctx.db().lookup(key, now) else {
        ctx.reply.null();
        return Ok(());
    };
    let entry = ctx.db().entry(id);
    if is(sub, "encoding") {
        let name = entry.value.encoding();
        ctx.reply.bulk(name.as_bytes());
    } else if is(sub, "refcount") {
        // Redis shares the integers 0..9999 (refcount INT_MAX) unless an LRU/LFU
        // policy needs per-key access data.
        let shared = matches!(entry.value.as_str(), Some(kv_types::string::Str::Int(n)) if (0..10_000).contains(n))
            && !ctx.engine.config.maxmemory_policy.contains("lru")
            && !lfu;
        ctx.reply
            .integer(if shared { i64::from(i32::MAX) } else { 1 });
    } else if is(sub, "idletime") {
        if lfu {
            return Err(CmdError::err(
                "An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.",
            ));
        }
        let idle = clock.saturating_sub(entry.access);
        ctx.reply.integer(i64::from(idle));
    } else if is(sub, "freq") {
        if !lfu {
            return Err(CmdError::err(
                "An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.",
            ));
        }
        ctx.reply.integer(0);
    } else {
        return Err(CmdError::UnknownSubcommand {
            sub: crate::error::lossy_prefix(sub, 128),
            parent: "OBJECT".into(),
        });
    }
    Ok(())
}

/// OBJECT HELP
pub fn object_help_command(ctx: &mut Ctx<'_>, _argv: Argv<'_>) -> CmdResult {
    ctx.reply.help(
        "OBJECT",
        &[
            "ENCODING <key>",
            "    Return the kind of internal representation used to store the value of <key>.",
            "FREQ <key>",
            "    Return the access frequency index of <key> (with an LFU maxmemory policy).",
            "IDLETIME <key>",
            "    Return the idle time of <key>, in seconds (with an LRU or no maxmemory policy).",
            "REFCOUNT <key>",
            "    Return the number of references of the value of <key>.",
        ],
    );
    Ok(())
}

/// This family's entries of the command table (see `command::table`).
pub static COMMANDS: &[Command] = &[
    Command {
        name: "del",
        arity: -2,
        flags: WRITE,
        acl: acl::KEYSPACE,
        keys: Keys::range(1, -1, 1, RM_DELETE),
        group: Group::Generic,
        summary: "Deletes one or more keys.",
        complexity: "O(N) where N is the number of keys that will be removed.",
        syntax: "key [key ...]",
        tips: MULTI_SHARD_SUM,
        handler: Some(del_command),
        ..Command::BASE
    },
    Command {
        name: "exists",
        arity: -2,
        flags: READONLY | FAST,
        acl: acl::KEYSPACE,
        keys: Keys::range(1, -1, 1, RO),
        group: Group::Generic,
        summary: "Counts how many of the given keys exist.",
        complexity: "O(N) where N is the number of keys to check.",
        syntax: "key [key ...]",
        tips: MULTI_SHARD_SUM,
        handler: Some(exists_command),
        ..Command::BASE
    },
    Command {
        name: "unlink",
        arity: -2,
        flags: WRITE | FAST,
        acl: acl::KEYSPACE,
        keys: Keys::range(1, -1, 1, RM_DELETE),
        group: Group::Generic,
        since: "4.0.0",
        summary: "Deletes one or more keys, freeing large values away from the event loop.",
        complexity: "O(1) for each key removed regardless of its size. Then the command does O(N) work in a different thread in order to reclaim memory, where N is the number of allocations the deleted objects where composed of.",
        syntax: "key [key ...]",
        tips: &["request_policy:multi_shard", "response_policy:agg_sum"],
        handler: Some(del_command),
        ..Command::BASE
    },
    Command {
        name: "type",
        arity: 2,
        flags: READONLY | FAST,
        acl: acl::KEYSPACE,
        keys: Keys::one(RO),
        group: Group::Generic,
        since: "1.0.0",
        summary: "Returns the type of the value stored at a key.",
        complexity: "O(1)",
        syntax: "key",
        handler: Some(type_command),
        ..Command::BASE
    },
    Command {
        name: "rename",
        arity: 3,
        flags: WRITE,
        acl: acl::KEYSPACE,
        keys: Keys::pair(&["RW", "access", "delete"], OW_UPDATE),
        group: Group::Generic,
        since: "1.0.0",
        summary: "Renames a key, overwriting the destination.",
        complexity: "O(1)",
        syntax: "key newkey",
        handler: Some(rename_command),
        ..Command::BASE
    },
    Command {
        name: "renamenx",
        arity: 3,
        flags: WRITE | FAST,
        acl: acl::KEYSPACE,
        keys: Keys::pair(&["RW", "access", "delete"], &["OW", "insert"]),
        group: Group::Generic,
        since: "1.0.0",
        summary: "Renames a key only when the new name does not exist.",
        complexity: "O(1)",
        syntax: "key newkey",
        handler: Some(renamenx_command),
        ..Command::BASE
    },
    Command {
        name: "copy",
        arity: -3,
        flags: WRITE | DENYOOM,
        acl: acl::KEYSPACE,
        keys: Keys::pair(RO_ACCESS, OW_UPDATE),
        group: Group::Generic,
        since: "6.2.0",
        summary: "Copies the value of a key to a new key.",
        complexity: "O(N) worst case for collections, where N is the number of nested items. O(1) for string values.",
        syntax: "source destination [DB destination-db] [REPLACE]",
        handler: Some(copy_command),
        ..Command::BASE
    },
    Command {
        name: "move",
        arity: 3,
        flags: WRITE | FAST,
        acl: acl::KEYSPACE,
        keys: Keys::one(RW_ACCESS_UPDATE),
        group: Group::Generic,
        since: "1.0.0",
        summary: "Moves a key to another database.",
        complexity: "O(1)",
        syntax: "key db",
        handler: Some(move_command),
        ..Command::BASE
    },
    Command {
        name: "swapdb",
        arity: 3,
        flags: WRITE | FAST,
        acl: acl::KEYSPACE | acl::DANGEROUS,
        keys: Keys::NONE,
        group: Group::Generic,
        since: "4.0.0",
        summary: "Swaps two databases.",
        complexity: "O(N) where N is the count of clients watching or blocking on keys from both databases.",
        syntax: "index1 index2",
        handler: Some(swapdb_command),
        ..Command::BASE
    },
    Command {
        name: "touch",
        arity: -2,
        flags: READONLY | FAST,
        acl: acl::KEYSPACE,
        keys: Keys::range(1, -1, 1, RO),
        group: Group::Generic,
        since: "3.2.1",
        summary: "Marks keys as accessed; returns how many exist.",
        complexity: "O(N) where N is the number of keys that will be touched.",
        syntax: "key [key ...]",
        tips: &["request_policy:multi_shard", "response_policy:agg_sum"],
        handler: Some(touch_command),
        ..Command::BASE
    },
    Command {
        name: "randomkey",
        arity: 1,
        flags: READONLY,
        acl: acl::KEYSPACE,
        keys: Keys::NONE,
        group: Group::Generic,
        since: "1.0.0",
        summary: "Returns a random key name from the database.",
        complexity: "O(1)",
        syntax: "",
        tips: &["request_policy:all_shards", "nondeterministic_output"],
        handler: Some(randomkey_command),
        ..Command::BASE
    },
    Command {
        name: "dbsize",
        arity: 1,
        flags: READONLY | FAST,
        acl: acl::KEYSPACE,
        keys: Keys::NONE,
        group: Group::Generic,
        since: "1.0.0",
        summary: "Returns the number of keys in the database.",
        complexity: "O(1)",
        syntax: "",
        tips: &["request_policy:all_shards", "response_policy:agg_sum"],
        handler: Some(dbsize_command),
        ..Command::BASE
    },
    Command {
        name: "keys",
        arity: 2,
        flags: READONLY,
        acl: acl::KEYSPACE | acl::DANGEROUS,
        keys: Keys::NONE,
        group: Group::Generic,
        since: "1.0.0",
        summary: "Returns all key names that match a pattern.",
        complexity: "O(N) with N being the number of keys in the database, under the assumption that the key names in the database and the given pattern have limited length.",
        syntax: "pattern",
        tips: &["request_policy:all_shards", "nondeterministic_output_order"],
        handler: Some(keys_command),
        ..Command::BASE
    },
    Command {
        name: "scan",
        arity: -2,
        flags: READONLY,
        acl: acl::KEYSPACE,
        keys: Keys::NONE,
        group: Group::Generic,
        since: "2.8.0",
        summary: "Iterates over the key names in the database.",
        complexity: "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection.",
        syntax: "cursor [MATCH pattern] [COUNT count] [TYPE type]",
        tips: &["nondeterministic_output", "request_policy:special"],
        handler: Some(scan_command),
        ..Command::BASE
    },
    Command {
        name: "flushdb",
        arity: -1,
        flags: WRITE,
        acl: acl::KEYSPACE | acl::DANGEROUS,
        keys: Keys::NONE,
        group: Group::Generic,
        since: "1.0.0",
        summary: "Removes all keys from the current database.",
        complexity: "O(N) where N is the number of keys in the selected database",
        syntax: "[ASYNC|SYNC]",
        tips: &["request_policy:all_shards", "response_policy:all_succeeded"],
        handler: Some(flushdb_command),
        ..Command::BASE
    },
    Command {
        name: "flushall",
        arity: -1,
        flags: WRITE,
        acl: acl::KEYSPACE | acl::DANGEROUS,
        keys: Keys::NONE,
        group: Group::Generic,
        since: "1.0.0",
        summary: "Removes all keys from all databases.",
        complexity: "O(N) where N is the total number of keys in all databases",
        syntax: "[ASYNC|SYNC]",
        tips: &["request_policy:all_shards", "response_policy:all_succeeded"],
        handler: Some(flushall_command),
        ..Command::BASE
    },
    Command {
        name: "object",
        arity: -2,
        group: Group::Generic,
        since: "2.2.3",
        summary: "A container for object introspection commands.",
        complexity: "Depends on subcommand.",
        subcommands: OBJECT_SUBCOMMANDS,
        ..Command::BASE
    },
];

static OBJECT_SUBCOMMANDS: &[Command] = &[
    Command {
        name: "object|encoding",
        arity: 3,
        flags: READONLY,
        acl: acl::KEYSPACE,
        keys: Keys::range(2, 2, 1, &["RO"]),
        group: Group::Generic,
        since: "2.2.3",
        summary: "Returns the internal encoding of a value.",
        syntax: "key",
        tips: &["nondeterministic_output"],
        handler: Some(object_command),
        ..Command::BASE
    },
    Command {
        name: "object|freq",
        arity: 3,
        flags: READONLY,
        acl: acl::KEYSPACE,
        keys: Keys::range(2, 2, 1, &["RO"]),
        group: Group::Generic,
        since: "4.0.0",
        summary: "Returns the logarithmic access frequency counter of a value.",
        syntax: "key",
        tips: &["nondeterministic_output"],
        handler: Some(object_command),
        ..Command::BASE
    },
    Command {
        name: "object|idletime",
        arity: 3,
        flags: READONLY,
        acl: acl::KEYSPACE,
        keys: Keys::range(2, 2, 1, &["RO"]),
        group: Group::Generic,
        since: "2.2.3",
        summary: "Returns the time since the last access to a value.",
        syntax: "key",
        tips: &["nondeterministic_output"],
        handler: Some(object_command),
        ..Command::BASE
    },
    Command {
        name: "object|refcount",
        arity: 3,
        flags: READONLY,
        acl: acl::KEYSPACE,
        keys: Keys::range(2, 2, 1, &["RO"]),
        group: Group::Generic,
        since: "2.2.3",
        summary: "Returns the reference count of a value.",
        syntax: "key",
        tips: &["nondeterministic_output"],
        handler: Some(object_command),
        ..Command::BASE
    },
    Command {
        name: "object|help",
        arity: 2,
        flags: LOADING | STALE,
        acl: acl::KEYSPACE,
        group: Group::Generic,
        since: "6.2.0",
        summary: "Describes the OBJECT subcommands.",
        handler: Some(object_help_command),
        ..Command::BASE
    },
];
