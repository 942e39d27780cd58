//! Command bodies, one file per family as Redis has t_string.c, t_hash.c, ...
//! Entry points are `<name>_command`; the table in `command::table` points at them.
//! What several families share lives in [`args`] (argument parsing) and in
//! `Reply` (HELP replies): a family file never imports another.

pub mod args;
pub mod bitops;
pub mod client;
pub mod connection;
pub mod expire;
pub mod geo;
pub mod hash;
pub mod hll;
pub mod info;
pub mod introspection;
pub mod keyspace;
pub mod list;
pub mod lolwut;
pub mod multi;
pub mod pubsub;
pub mod server;
pub mod set;
pub mod slowlog;
pub mod sort;
pub mod stream;
pub mod string;
pub mod zset;

pub use args::{int_arg, is, parse_i64, rand_count_args, uint_arg};
