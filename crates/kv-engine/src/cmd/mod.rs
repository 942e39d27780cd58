//! Command bodies, one file per family as Redis has t_string.c, t_hash.c, ...
//! Entry points are `<name>_command`; the table in `command::table` points at them.
//! Shared argument parsing lives here so every command parses numbers the same way.

pub mod client;
pub mod connection;
pub mod expire;
pub mod hash;
pub mod info;
pub mod introspection;
pub mod keyspace;
pub mod list;
pub mod server;
pub mod set;
pub mod string;
pub mod zset;

use crate::error::CmdError;

/// Redis's string2ll rules, shared with the protocol parser.
pub use resp_proto::parse_i64;

/// An integer argument, or Redis's "not an integer" error.
pub fn int_arg(bytes: &[u8]) -> Result<i64, CmdError> {
    parse_i64(bytes).ok_or(CmdError::NotInteger)
}

/// A non-negative integer argument with a custom error text, for options such as
/// `COUNT` whose errors Redis words differently.
pub fn uint_arg(bytes: &[u8], err: &'static str) -> Result<u64, CmdError> {
    match parse_i64(bytes) {
        Some(n) if n >= 0 => Ok(n as u64),
        Some(_) => Err(CmdError::Generic(err.to_owned())),
        None => Err(CmdError::NotInteger),
    }
}

/// The `count [WITHVALUES|WITHSCORES]` arguments of HRANDFIELD and
/// ZRANDMEMBER (at 2 and 3), checked as Redis checks them before looking at
/// the key: the count must not be i64::MIN, and with pairs, which double the
/// reply, its range is halved.
pub fn rand_count_args(
    argv: resp_proto::Argv<'_>,
    pairs_keyword: &str,
) -> Result<(i64, bool), CmdError> {
    let count = int_arg(argv.get(2).unwrap_or_default())?;
    if count == i64::MIN {
        return Err(CmdError::err(format!(
            "value is out of range, value must between {} and {}",
            -i64::MAX,
            i64::MAX
        )));
    }
    let pairs = match argv.get(3) {
        None => false,
        Some(opt) if argv.len() == 4 && is(opt, pairs_keyword) => true,
        Some(_) => return Err(CmdError::Syntax),
    };
    if pairs && !(-(i64::MAX / 2)..=i64::MAX / 2).contains(&count) {
        return Err(CmdError::err("value is out of range"));
    }
    Ok((count, pairs))
}

/// Case-insensitive comparison of an argument with a keyword.
pub fn is(arg: &[u8], keyword: &str) -> bool {
    arg.eq_ignore_ascii_case(keyword.as_bytes())
}
