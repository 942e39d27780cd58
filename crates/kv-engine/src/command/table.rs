//! THE command table: every command kv serves, as the union of the families'
//! declarative entries. Each family keeps its entries beside its handlers
//! (`cmd/<family>.rs`, `pub static COMMANDS`), so a command's arity, flags, keys,
//! categories, docs and handler are written once, in one place; a command that
//! is not complete does not appear. Arity, flags, key positions, categories,
//! `since` and complexity match Redis 7.0's command table; summaries are kv's
//! own words.

use crate::cmd::{
    bitops, client, connection, expire, geo, hash, hll, info, introspection, keyspace, list,
    lolwut, multi, pubsub, server, set, slowlog, sort, stream, string, zset,
};

use super::Command;
use super::flags::{ADMIN, LOADING, NOSCRIPT, STALE};

/// Every family's entries; lookup, COMMAND and INFO iterate these.
pub static FAMILIES: &[&[Command]] = &[
    string::COMMANDS,
    bitops::COMMANDS,
    hll::COMMANDS,
    keyspace::COMMANDS,
    expire::COMMANDS,
    connection::COMMANDS,
    client::COMMANDS,
    server::COMMANDS,
    introspection::COMMANDS,
    info::COMMANDS,
    slowlog::COMMANDS,
    lolwut::COMMANDS,
    list::COMMANDS,
    hash::COMMANDS,
    set::COMMANDS,
    zset::COMMANDS,
    stream::COMMANDS,
    geo::COMMANDS,
    sort::COMMANDS,
    multi::COMMANDS,
    pubsub::COMMANDS,
];

/// Key-spec flag sets the families share.
pub const RO_ACCESS: &[&str] = &["RO", "access"];
pub const RW_ACCESS_UPDATE: &[&str] = &["RW", "access", "update"];
pub const RW_ACCESS_UPDATE_VARIABLE: &[&str] = &["RW", "access", "update", "variable_flags"];
pub const OW_UPDATE: &[&str] = &["OW", "update"];
pub const RM_DELETE: &[&str] = &["RM", "delete"];
pub const RO: &[&str] = &["RO"];
pub const RW_UPDATE: &[&str] = &["RW", "update"];

pub const MULTI_SHARD_SUM: &[&str] = &["request_policy:multi_shard", "response_policy:agg_sum"];

/// Flags every CLIENT/CONFIG/COMMAND subcommand shares.
pub const CONN_ADMIN: u32 = ADMIN | NOSCRIPT | LOADING | STALE;
pub const CONN_PLAIN: u32 = NOSCRIPT | LOADING | STALE;
