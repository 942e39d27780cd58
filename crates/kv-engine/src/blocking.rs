//! Blocking commands (Redis's blocked.c): BLPOP, BZPOPMIN and friends park a
//! client on keys until data arrives, a timeout passes, or CLIENT UNBLOCK.
//!
//! How it works:
//! - A command body that finds nothing to pop calls [`crate::Ctx::block_on`]
//!   with its keys and deadline instead of replying; the dispatcher then parks
//!   the client (its request is kept as an [`OwnedArgv`]) and returns
//!   `Outcome::Blocked`, and the server reads nothing more from that client.
//! - Every change reported through the write-effects seam
//!   ([`crate::Ctx::changed`]) signals its key; a key is recorded as ready
//!   only if some client waits on it.
//! - After the command that signalled (so after a whole transaction or script
//!   once those exist), the engine serves ready keys: the clients waiting on
//!   each key, in the order they blocked, have their command run again in
//!   "retry" mode. A retry that finds data replies and unblocks the client;
//!   one that does not stays parked in its place. Retries treat a key of the
//!   wrong type as empty, so (as in Redis 7.0) a blocked client is not woken by
//!   a key turning into another type, nor by the key being deleted — except a
//!   blocked XREADGROUP, which answers an error when its stream or its group
//!   is gone (deleted, replaced, flushed: FLUSHDB/FLUSHALL make every waited
//!   key of the database ready).
//! - A parked request may be kept rewritten ([`crate::Ctx::block_on_as`]):
//!   XREAD's `$` is kept as the ID it meant when the client blocked.
//!
//! Invariants: a client is parked at most once; every parked client appears in
//! the queue of each of its keys and, if it has a deadline, in `deadlines`.

use std::collections::{BTreeSet, VecDeque};

use hashbrown::HashMap;
use resp_proto::OwnedArgv;

use crate::client::ClientId;
use crate::command::CommandIndex;

/// Why a parked client stops waiting other than by being served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnblockReason {
    Timeout,
    /// CLIENT UNBLOCK ... ERROR
    Error,
}

/// A parked client.
#[derive(Debug)]
pub struct Parked {
    pub db: usize,
    pub keys: Vec<Box<[u8]>>,
    /// Absolute Unix ms; 0 waits forever.
    pub deadline_ms: u64,
    pub argv: OwnedArgv,
    pub command: CommandIndex,
}

type Key = (usize, Box<[u8]>);

#[derive(Debug, Default)]
pub struct Blocking {
    waiting: HashMap<Key, VecDeque<ClientId>>,
    parked: HashMap<ClientId, Parked>,
    deadlines: BTreeSet<(u64, ClientId)>,
    ready: Vec<Key>,
    /// Clients that stopped waiting since the server last asked: it resumes
    /// reading their input.
    released: Vec<ClientId>,
    /// The ready key a retry is serving (see [`crate::Ctx::blocking_order`]).
    pub(crate) serving: Option<Box<[u8]>>,
}

impl Blocking {
    pub fn park(&mut self, client: ClientId, parked: Parked) {
        debug_assert!(
            !self.parked.contains_key(&client),
            "a client is parked once"
        );
        for key in &parked.keys {
            self.waiting
                .entry((parked.db, key.clone()))
                .or_default()
                .push_back(client);
        }
        if parked.deadline_ms != 0 {
            self.deadlines.insert((parked.deadline_ms, client));
        }
        self.parked.insert(client, parked);
    }

    /// Unparks a client (served, timed out, unblocked or disconnected).
    pub fn unpark(&mut self, client: ClientId) -> Option<Parked> {
        let parked = self.parked.remove(&client)?;
        for key in &parked.keys {
            let k = (parked.db, key.clone());
            if let Some(queue) = self.waiting.get_mut(&k) {
                queue.retain(|c| *c != client);
                if queue.is_empty() {
                    self.waiting.remove(&k);
                }
            }
        }
        if parked.deadline_ms != 0 {
            self.deadlines.remove(&(parked.deadline_ms, client));
        }
        self.released.push(client);
        Some(parked)
    }

    pub fn is_parked(&self, client: ClientId) -> bool {
        self.parked.contains_key(&client)
    }

    pub fn parked(&self, client: ClientId) -> Option<&Parked> {
        self.parked.get(&client)
    }

    pub fn len(&self) -> usize {
        self.parked.len()
    }

    pub fn is_empty(&self) -> bool {
        self.parked.is_empty()
    }

    /// Records that `key` in `db` received data, if anyone waits on it.
    #[inline]
    pub fn signal(&mut self, db: usize, key: &[u8]) {
        if self.waiting.is_empty() {
            return;
        }
        let k: Key = (db, key.into());
        if self.waiting.contains_key(&k) && !self.ready.contains(&k) {
            self.ready.push(k);
        }
    }

    pub fn take_ready(&mut self) -> Vec<Key> {
        std::mem::take(&mut self.ready)
    }

    pub fn has_ready(&self) -> bool {
        !self.ready.is_empty()
    }

    /// The clients waiting on a key, in the order they blocked.
    pub fn waiters(&self, db: usize, key: &[u8]) -> Vec<ClientId> {
        self.waiting
            .get(&(db, Box::<[u8]>::from(key)))
            .map(|q| q.iter().copied().collect())
            .unwrap_or_default()
    }

    /// Parked clients that have a deadline (INFO clients_in_timeout_table).
    pub fn with_deadline(&self) -> usize {
        self.deadlines.len()
    }

    /// The earliest deadline of a parked client (0: none).
    pub fn next_deadline(&self) -> u64 {
        self.deadlines.first().map_or(0, |(at, _)| *at)
    }

    /// Clients whose deadline is at or before `now_ms`.
    /// Strictly before, as Redis compares: `now_ms` is rounded down, so a
    /// deadline equal to it may not have passed yet.
    pub fn expired(&self, now_ms: u64) -> Vec<ClientId> {
        self.deadlines
            .iter()
            .take_while(|(at, _)| *at < now_ms)
            .map(|(_, c)| *c)
            .collect()
    }

    pub fn take_released(&mut self, into: &mut Vec<ClientId>) {
        into.append(&mut self.released);
    }

    pub fn has_released(&self) -> bool {
        !self.released.is_empty()
    }

    pub fn forget_released(&mut self, client: ClientId) {
        self.released.retain(|c| *c != client);
    }

    /// FLUSHDB/FLUSHALL of `db`: every key waited on there is looked at
    /// again, so that clients blocked in XREADGROUP learn their stream is
    /// gone (Redis's scanDatabaseForDeletedStreams); other retries find
    /// nothing and stay parked.
    pub fn flushed(&mut self, db: usize) {
        for (d, key) in self.waiting.keys() {
            if *d == db && !self.ready.iter().any(|(rd, k)| rd == d && k == key) {
                self.ready.push((*d, key.clone()));
            }
        }
    }

    /// SWAPDB: as in Redis, parked clients stay in their database number
    /// (they do not follow the data), and every key waited on in either
    /// database is looked at again, since the swap may have brought a list
    /// there. A retry that finds nothing leaves its client parked.
    pub fn swap_dbs(&mut self, a: usize, b: usize) {
        for (db, key) in self.waiting.keys() {
            if (*db == a || *db == b) && !self.ready.iter().any(|(d, k)| d == db && k == key) {
                self.ready.push((*db, key.clone()));
            }
        }
    }
}

/// A blocking command's timeout argument in seconds (fractions allowed), as
/// Redis 7.0's getTimeoutFromObjectOrReply: the value is read as strtold reads
/// it (hex floats and `inf` included), the milliseconds are truncated (so
/// 0.0001 means "forever"), and the result is the absolute deadline in Unix ms,
/// 0 for "forever".
///
/// Redis converts the milliseconds with a C cast, which turns infinities and
/// anything beyond i64 into i64::MIN on the machines it runs on: those are
/// "timeout is negative". Redis 7.0 has no upper bound (a deadline past the
/// end of time just never comes), so a huge one saturates here.
pub fn parse_timeout(arg: &[u8], now_ms: u64) -> Result<u64, crate::CmdError> {
    let not_float = || crate::CmdError::err("timeout is not a float or out of range");
    let secs = crate::cmd::args::parse_float(arg)
        .or_else(|| parse_hex_float(arg))
        .ok_or_else(not_float)?;
    if secs.is_infinite() && !spelled_infinite(arg) && decimal_magnitude(arg) > 4932 {
        // Beyond even a long double: strtold reports a range error.
        return Err(not_float());
    }
    // Redis multiplies in long double, exact for decimal text near i64's
    // limits where a double is not; plain decimals are therefore converted
    // exactly, the rest (exponents, hex) through f64.
    let ms = match decimal_ms(arg) {
        Some(ms) => ms,
        None => {
            let ms = (secs * 1000.0).trunc();
            // NaN is outside every range too.
            if !(0.0..9_223_372_036_854_775_808.0).contains(&ms) {
                -1
            } else {
                ms as i128
            }
        }
    };
    if !(0..=i128::from(i64::MAX)).contains(&ms) {
        return Err(crate::CmdError::err("timeout is negative"));
    }
    // ms is within 0..=i64::MAX, so it fits u64.
    Ok(if ms == 0 {
        0
    } else {
        now_ms.saturating_add(ms as u64)
    })
}

/// Milliseconds (truncated toward zero) of a plain decimal `[-+]digits[.digits]`,
/// computed exactly; None for other spellings or absurdly long numbers.
fn decimal_ms(arg: &[u8]) -> Option<i128> {
    let (neg, rest) = match arg.split_first()? {
        (b'-', r) => (true, r),
        (b'+', r) => (false, r),
        _ => (false, arg),
    };
    let (int, frac) = match rest.iter().position(|&b| b == b'.') {
        Some(at) => (&rest[..at], &rest[at + 1..]),
        None => (rest, &b""[..]),
    };
    if int.len() > 30
        || (int.is_empty() && frac.is_empty())
        || !int.iter().chain(frac).all(u8::is_ascii_digit)
    {
        return None;
    }
    let digits = |d: &[u8]| d.iter().fold(0i128, |n, &b| n * 10 + i128::from(b - b'0'));
    let mut millis = [b'0'; 3];
    for (slot, &b) in millis.iter_mut().zip(frac) {
        *slot = b;
    }
    let ms = digits(int) * 1000 + digits(&millis);
    Some(if neg { -ms } else { ms })
}

/// Whether a float argument spells infinity rather than overflowing to it.
fn spelled_infinite(arg: &[u8]) -> bool {
    arg.iter().any(|b| b.eq_ignore_ascii_case(&b'i'))
}

/// Roughly the decimal exponent of a decimal float's text: digits before the
/// point (ignoring leading zeros) plus the exponent. Only used to tell values
/// a long double can hold (up to ~1e4932) from those it cannot.
fn decimal_magnitude(arg: &[u8]) -> i64 {
    let (mantissa, exp) = match arg.iter().position(|b| b.eq_ignore_ascii_case(&b'e')) {
        Some(at) => (&arg[..at], &arg[at + 1..]),
        None => (arg, &b""[..]),
    };
    let exp = std::str::from_utf8(exp)
        .ok()
        .and_then(|e| e.parse::<i64>().ok())
        .unwrap_or(0);
    let int_digits = mantissa
        .iter()
        .take_while(|b| **b != b'.')
        .filter(|b| b.is_ascii_digit())
        .skip_while(|b| **b == b'0')
        .count() as i64;
    exp.saturating_add(int_digits)
}

/// strtold's hexadecimal form (`0x1.8p3`, `-0X10`), which Rust's parser
/// does not read.
fn parse_hex_float(arg: &[u8]) -> Option<f64> {
    let (neg, rest) = match arg.split_first()? {
        (b'-', r) => (true, r),
        (b'+', r) => (false, r),
        _ => (false, arg),
    };
    let rest = rest
        .strip_prefix(b"0x")
        .or_else(|| rest.strip_prefix(b"0X"))?;
    let (digits, exp) = match rest.iter().position(|b| b.eq_ignore_ascii_case(&b'p')) {
        Some(at) => {
            let e = std::str::from_utf8(&rest[at + 1..])
                .ok()?
                .parse::<i32>()
                .ok()?;
            (&rest[..at], e)
        }
        None => (rest, 0),
    };
    let mut value = 0f64;
    let mut scale = 0i32;
    let mut seen_point = false;
    let mut any = false;
    for &b in digits {
        if b == b'.' && !seen_point {
            seen_point = true;
            continue;
        }
        let d = (b as char).to_digit(16)?;
        any = true;
        value = value * 16.0 + f64::from(d);
        if seen_point {
            scale -= 4;
        }
    }
    if !any {
        return None;
    }
    let v = value * 2f64.powi(exp.saturating_add(scale));
    Some(if neg { -v } else { v })
}
