//! SORT and SORT_RO (Redis 7.0's sort.c): the elements of a list, set or
//! sorted set, ordered numerically or by bytes, by themselves or by the keys
//! and hash fields a `BY` pattern names, cut by LIMIT, replaced by the `GET`
//! patterns' values, replied or stored as a list.
//!
//! Invariants and the Redis behaviours kept on purpose:
//! - The sort is Redis's: glibc's merge sort, or Redis's pqsort when a `BY`
//!   pattern and a LIMIT narrow it ([`kv_types::csort`]), with sortCompare's
//!   rules — numbers compare as doubles, ties by the elements' bytes; `ALPHA`
//!   compares bytes up to the first NUL (strcoll in the C locale) when
//!   replying and whole byte strings when storing; missing `BY` values sort
//!   first under `ALPHA`. So equal keys come out as Redis puts them.
//! - Scores are read with C's strtod up to the first NUL: trailing bytes,
//!   range errors and NaN make the reply "One or more scores can't be
//!   converted into double" (after the sort, as in Redis); an empty string
//!   counts as 0.
//! - `BY` without `*` (`BY nosort`) keeps the stored order: a list's, a
//!   sorted set's (descending with DESC, LIMIT applied while reading), a
//!   set's — except that a set sorted into a STORE is sorted ALPHA, so that
//!   replicas agree.
//! - Like Redis, SORT on a sorted set converts it to the skiplist encoding.
//! - Pattern lookups are reads: keyspace hits and misses count, expired keys
//!   go. kv has no cluster mode and no ACL users, so BY and GET are never
//!   refused.
//! - A STORE replaces the destination (its TTL too) with a list, firing
//!   `sortstore`, or deletes it when the result is empty (`del`); it
//!   replays as sent.

use std::cmp::Ordering;

use kv_types::csort::{msort, pqsort};
use kv_types::list::List;
use kv_types::listpack::IntBuf;
use kv_types::score::strtod_prefix;
use resp_proto::Argv;

use super::{is, parse_i64};
use crate::Ctx;
use crate::command::flags::*;
use crate::command::table::{OW_UPDATE, RO_ACCESS};
use crate::command::{Command, Group, KeyRange, KeySpec, Keys, acl};
use crate::db::Value;
use crate::effects::events;
use crate::error::{CmdError, CmdResult};

/// A C string's view of bytes: up to the first NUL.
fn c_str(bytes: &[u8]) -> &[u8] {
    bytes.split(|&b| b == 0).next().unwrap_or_default()
}

/// The value a pattern names for one element (lookupKeyByPattern): `#` is
/// the element itself; otherwise the first `*` is replaced by the element and
/// the key read as a string, or, with `->field` after the `*`, that field of
/// the key read as a hash. None when there is no `*`, no such key or field,
/// or the key holds another type.
fn lookup_by_pattern(ctx: &mut Ctx<'_>, pattern: &[u8], elem: &[u8]) -> Option<Vec<u8>> {
    // Redis reads the pattern as a C string for `#`, `*` and `->`.
    let text = c_str(pattern);
    if text == b"#" {
        return Some(elem.to_vec());
    }
    let star = text.iter().position(|&b| b == b'*')?;
    let arrow = text[star + 1..]
        .windows(2)
        .position(|w| w == b"->")
        .map(|p| star + 1 + p)
        .filter(|&f| f + 2 < text.len());
    let field_len = arrow.map_or(0, |f| pattern.len() - f - 2);
    let postfix_len = pattern.len() - (star + 1) - if field_len > 0 { field_len + 2 } else { 0 };
    let mut key = Vec::with_capacity(star + elem.len() + postfix_len);
    key.extend_from_slice(&pattern[..star]);
    key.extend_from_slice(elem);
    key.extend_from_slice(&pattern[star + 1..star + 1 + postfix_len]);
    let id = ctx.lookup_read(&key)?;
    match (&ctx.db().entry(id).value, arrow) {
        (Value::Hash(h), Some(f)) => {
            let mut buf = IntBuf::new();
            h.get(&pattern[f + 2..])
                .map(|e| e.as_bytes(&mut buf).to_vec())
        }
        (Value::Str(s), None) => Some(s.to_vec()),
        _ => None,
    }
}

/// One element being sorted (redisSortObject).
struct Item {
    elem: Vec<u8>,
    score: f64,
    /// The BY value under ALPHA (None: missing).
    by: Option<Vec<u8>>,
}

/// How elements compare (sortCompare's global flags).
#[derive(Clone, Copy)]
struct Order {
    desc: bool,
    alpha: bool,
    by_pattern: bool,
    store: bool,
}

impl Order {
    fn compare(self, a: &Item, b: &Item) -> Ordering {
        let cmp = if !self.alpha {
            if a.score > b.score {
                Ordering::Greater
            } else if a.score < b.score {
                Ordering::Less
            } else {
                // Equal scores: by bytes, so the order is deterministic.
                a.elem.cmp(&b.elem)
            }
        } else if self.by_pattern {
            match (&a.by, &b.by) {
                (None, None) => Ordering::Equal,
                (None, Some(_)) => Ordering::Less,
                (Some(_), None) => Ordering::Greater,
                (Some(x), Some(y)) => self.bytes(x, y),
            }
        } else {
            self.bytes(&a.elem, &b.elem)
        };
        if self.desc { cmp.reverse() } else { cmp }
    }

    /// Redis compares whole strings for a STORE and with strcoll (the C
    /// locale's strcmp, which stops at a NUL) for a reply.
    fn bytes(self, a: &[u8], b: &[u8]) -> Ordering {
        if self.store {
            a.cmp(b)
        } else {
            c_str(a).cmp(c_str(b))
        }
    }
}

/// A BY value (or the element) as a score: C's strtod over the C string,
/// which must be consumed whole, without a range error or NaN.
fn score_of(text: &[u8]) -> Option<f64> {
    let s = c_str(text);
    let r = strtod_prefix(s);
    (r.consumed == s.len() && !r.range_error && !r.value.is_nan()).then_some(r.value)
}

/// SORT key [BY pattern] [LIMIT offset count] [GET pattern [GET pattern ...]] [ASC|DESC] [ALPHA] [STORE destination]
pub fn sort_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    sort_generic(ctx, argv, false)
}

/// SORT_RO key [BY pattern] [LIMIT offset count] [GET pattern [GET pattern ...]] [ASC|DESC] [ALPHA]
pub fn sort_ro_command(ctx: &mut Ctx<'_>, argv: Argv<'_>) -> CmdResult {
    sort_generic(ctx, argv, true)
}

/// Redis's sortCommandGeneric.
fn sort_generic(ctx: &mut Ctx<'_>, argv: Argv<'_>, readonly: bool) -> CmdResult {
    let key = argv.arg(1);
    let (mut desc, mut alpha, mut dontsort) = (false, false, false);
    let (mut limit_start, mut limit_count) = (0i64, -1i64);
    let mut sortby: Option<&[u8]> = None;
    let mut store: Option<&[u8]> = None;
    let mut gets: Vec<&[u8]> = Vec::new();
    let mut j = 2;
    while j < argv.len() {
        let opt = argv.arg(j);
        let left = argv.len() - j - 1;
        if is(opt, "asc") {
            desc = false;
        } else if is(opt, "desc") {
            desc = true;
        } else if is(opt, "alpha") {
            alpha = true;
        } else if is(opt, "limit") && left >= 2 {
            limit_start = parse_i64(argv.arg(j + 1)).ok_or(CmdError::NotInteger)?;
            limit_count = parse_i64(argv.arg(j + 2)).ok_or(CmdError::NotInteger)?;
            j += 2;
        } else if !readonly && is(opt, "store") && left >= 1 {
            store = Some(argv.arg(j + 1));
            j += 1;
        } else if is(opt, "by") && left >= 1 {
            let pattern = argv.arg(j + 1);
            // A pattern without `*` names one key for every element: there is
            // nothing to sort by (and once set, this stays set).
            if !c_str(pattern).contains(&b'*') {
                dontsort = true;
            }
            sortby = Some(pattern);
            j += 1;
        } else if is(opt, "get") && left >= 1 {
            gets.push(argv.arg(j + 1));
            j += 1;
        } else {
            return Err(CmdError::Syntax);
        }
        j += 1;
    }

    let id = ctx.lookup_read(key);
    let kind = match id.map(|id| &ctx.db().entry(id).value) {
        None => Kind::Missing,
        Some(Value::List(_)) => Kind::List,
        Some(Value::Set(_)) => Kind::Set,
        Some(Value::ZSet(_)) => Kind::ZSet,
        Some(_) => return Err(CmdError::WrongType),
    };
    // An unsorted set would replicate in a different order: a STORE sorts it.
    if dontsort && kind == Kind::Set && store.is_some() {
        dontsort = false;
        alpha = true;
        sortby = None;
    }
    if let (Some(id), Kind::ZSet) = (id, kind)
        && let Value::ZSet(z) = &mut ctx.db().entry_mut(id).value
    {
        z.convert_to_large();
    }
    let len = match id.map(|id| &ctx.db().entry(id).value) {
        Some(Value::List(l)) => l.len(),
        Some(Value::Set(s)) => s.len(),
        Some(Value::ZSet(z)) => z.len(),
        _ => 0,
    } as i64;

    // LIMIT, clamped to the object's size as Redis does.
    let mut start = limit_start.max(0).min(len);
    let limit_count = limit_count.max(-1).min(len);
    let mut end = if limit_count < 0 {
        len - 1
    } else {
        start + limit_count - 1
    };
    if start >= len {
        start = len - 1;
        end = len - 2;
    }
    if end >= len {
        end = len - 1;
    }
    // Lists and sorted sets read only the wanted range when not sorting.
    let ranged = matches!(kind, Kind::List | Kind::ZSet) && dontsort;
    let vectorlen = if ranged && (start != 0 || end != len - 1) {
        end - start + 1
    } else {
        len
    };

    let mut elems: Vec<Vec<u8>> = Vec::with_capacity(vectorlen.max(0) as usize);
    if let Some(id) = id {
        let mut buf = IntBuf::new();
        match &ctx.db().entry(id).value {
            Value::List(l) if dontsort && end >= start => {
                let (count, at) = (vectorlen as usize, start as usize);
                let total = l.len();
                if desc {
                    let hi = total - at;
                    let lo = hi.saturating_sub(count);
                    for e in l.range(lo, hi).rev() {
                        elems.push(e.as_bytes(&mut buf).to_vec());
                    }
                } else {
                    for e in l.range(at, at + count) {
                        elems.push(e.as_bytes(&mut buf).to_vec());
                    }
                }
                end -= start;
                start = 0;
            }
            // An empty range of a list read in place: nothing to load.
            Value::List(_) if dontsort => {}
            Value::List(l) => {
                for e in l.iter() {
                    elems.push(e.as_bytes(&mut buf).to_vec());
                }
            }
            Value::Set(s) => {
                for e in s.iter() {
                    elems.push(e.as_bytes(&mut buf).to_vec());
                }
            }
            Value::ZSet(z) if dontsort => {
                if vectorlen > 0 {
                    let first = start.max(0);
                    let range = z.range_by_index(first, first + vectorlen - 1, desc);
                    elems.extend(range.map(|(m, _)| m.to_vec()));
                }
                end -= start;
                start = 0;
            }
            Value::ZSet(z) => elems.extend(z.iter().map(|(m, _)| m.to_vec())),
            _ => {}
        }
    }

    let mut items: Vec<Item> = elems
        .into_iter()
        .map(|elem| Item {
            elem,
            score: 0.0,
            by: None,
        })
        .collect();
    let mut conversion_error = false;
    if !dontsort {
        for item in &mut items {
            let value = match sortby {
                Some(pattern) => match lookup_by_pattern(ctx, pattern, &item.elem) {
                    Some(v) => v,
                    None => continue,
                },
                None => item.elem.clone(),
            };
            if alpha {
                if sortby.is_some() {
                    item.by = Some(value);
                }
            } else {
                match score_of(&value) {
                    Some(score) => item.score = score,
                    // The sort still runs, but its result is refused below.
                    None => conversion_error = true,
                }
            }
        }
        let order = Order {
            desc,
            alpha,
            by_pattern: sortby.is_some(),
            store: store.is_some(),
        };
        let cmp = |a: &Item, b: &Item| order.compare(a, b);
        if sortby.is_some() && (start != 0 || end != items.len() as i64 - 1) {
            pqsort(&mut items, start, end, cmp);
        } else {
            msort(&mut items, cmp);
        }
    }

    if conversion_error {
        return Err(CmdError::err(
            "One or more scores can't be converted into double",
        ));
    }
    let picked: &[Item] = if end >= start {
        &items[start as usize..=end as usize]
    } else {
        &[]
    };
    let output_len = if gets.is_empty() {
        picked.len()
    } else {
        gets.len() * picked.len()
    };
    let Some(dst) = store else {
        ctx.reply.array(output_len);
        for item in picked {
            if gets.is_empty() {
                ctx.reply.bulk(&item.elem);
            }
            for pattern in &gets {
                match lookup_by_pattern(ctx, pattern, &item.elem) {
                    Some(v) => ctx.reply.bulk(&v),
                    None => ctx.reply.null(),
                }
            }
        }
        return Ok(());
    };
    let mut list = List::new(&ctx.engine.list_limits());
    for item in picked {
        if gets.is_empty() {
            list.push_back_bytes(&item.elem);
        }
        for pattern in &gets {
            let v = lookup_by_pattern(ctx, pattern, &item.elem).unwrap_or_default();
            list.push_back_bytes(&v);
        }
    }
    let now = ctx.now_ms();
    if output_len > 0 {
        let clock = ctx.access_clock();
        ctx.db()
            .set(dst, Value::List(Box::new(list)), false, now, clock);
        ctx.changed_by(dst, events::SORTSTORE, output_len as u64);
    } else if ctx.db().delete(dst, now) {
        ctx.changed(dst, events::DEL);
    }
    ctx.reply.integer(output_len as i64);
    Ok(())
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Missing,
    List,
    Set,
    ZSet,
}

/// SORT's keys (sortGetKeys): the sorted key, and the destination of the
/// last STORE, skipping the arguments of LIMIT, GET and BY.
fn sort_getkeys(argv: &[&[u8]]) -> Vec<(usize, &'static [&'static str])> {
    let mut out: Vec<(usize, &'static [&'static str])> = vec![(1, RO_ACCESS)];
    let mut store = None;
    let mut i = 2;
    while i < argv.len() {
        let arg = argv[i];
        if is(arg, "limit") {
            i += 2;
        } else if is(arg, "get") || is(arg, "by") {
            i += 1;
        } else if is(arg, "store") && i + 1 < argv.len() {
            store = Some(i + 1);
        }
        i += 1;
    }
    if let Some(at) = store {
        out.push((at, OW_UPDATE));
    }
    out
}

const SORT_COMPLEXITY: &str = "O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the number of returned elements. When the elements are not sorted, complexity is O(N).";
const BY_GET_SPEC: KeySpec = KeySpec {
    notes: "For the optional BY/GET keyword. It is marked 'unknown' because the key names derive from the content of the key we sort",
    flags: RO_ACCESS,
    keyword: None,
    range: KeyRange::ONE,
};
const STORE_SPEC: KeySpec = KeySpec {
    notes: "For the optional STORE keyword. It is marked 'unknown' because the keyword can appear anywhere in the argument array",
    flags: OW_UPDATE,
    keyword: None,
    range: KeyRange::ONE,
};

pub static COMMANDS: &[Command] = &[
    Command {
        name: "sort",
        arity: -2,
        flags: WRITE | DENYOOM | MOVABLE_KEYS,
        acl: acl::SET | acl::SORTEDSET | acl::LIST | acl::DANGEROUS,
        keys: Keys::one(RO_ACCESS),
        more_keys: &[BY_GET_SPEC, STORE_SPEC],
        getkeys: Some(sort_getkeys),
        group: Group::Generic,
        since: "1.0.0",
        summary: "Sorts the elements of a list, set or sorted set, optionally by other keys, and replies or stores them.",
        complexity: SORT_COMPLEXITY,
        syntax: "key [BY pattern] [LIMIT offset count] [GET pattern [GET pattern ...]] [ASC|DESC] [ALPHA] [STORE destination]",
        handler: Some(sort_command),
        ..Command::BASE
    },
    Command {
        name: "sort_ro",
        arity: -2,
        flags: READONLY | MOVABLE_KEYS,
        acl: acl::SET | acl::SORTEDSET | acl::LIST | acl::DANGEROUS,
        keys: Keys::one(RO_ACCESS),
        more_keys: &[BY_GET_SPEC],
        group: Group::Generic,
        since: "7.0.0",
        summary: "Sorts the elements of a list, set or sorted set, optionally by other keys.",
        complexity: SORT_COMPLEXITY,
        syntax: "key [BY pattern] [LIMIT offset count] [GET pattern [GET pattern ...]] [ASC|DESC] [ALPHA]",
        handler: Some(sort_ro_command),
        ..Command::BASE
    },
];

#[cfg(test)]
mod tests {
    use super::score_of;
    use crate::testing::{TestEngine, check, shown};
    use proptest::prelude::*;

    #[test]
    fn scores_are_read_as_strtod_reads_them() {
        assert_eq!(score_of(b"1.5"), Some(1.5));
        assert_eq!(score_of(b""), Some(0.0));
        assert_eq!(score_of(b" 2"), Some(2.0));
        assert_eq!(score_of(b"3\0junk"), Some(3.0));
        assert_eq!(score_of(b"0x10"), Some(16.0));
        assert_eq!(score_of(b"2 "), None);
        assert_eq!(score_of(b" "), None);
        assert_eq!(score_of(b"nan"), None);
        assert_eq!(score_of(b"1e400"), None);
        assert_eq!(score_of(b"abc"), None);
    }

    #[test]
    fn sort_commands() {
        check(&[
            (&["RPUSH", "l", "3", "1", "2", "10"], ":4|"),
            (&["SORT", "l"], "*4|$1|1|$1|2|$1|3|$2|10|"),
            (&["SORT", "l", "DESC", "LIMIT", "1", "2"], "*2|$1|3|$1|2|"),
            (&["SORT", "l", "ALPHA"], "*4|$1|1|$2|10|$1|2|$1|3|"),
            (
                &["SORT", "l", "BY", "nosort", "DESC"],
                "*4|$2|10|$1|2|$1|1|$1|3|",
            ),
            (&["SET", "w_1", "30"], "+OK|"),
            (&["SET", "w_2", "20"], "+OK|"),
            (&["HSET", "h_3", "f", "5"], ":1|"),
            (&["SORT", "l", "BY", "w_*"], "*4|$2|10|$1|3|$1|2|$1|1|"),
            (
                &["SORT", "l", "BY", "h_*->f", "GET", "#", "GET", "w_*"],
                "*8|$1|1|$2|30|$2|10|$-1|$1|2|$2|20|$1|3|$-1|",
            ),
            (&["SORT", "l", "STORE", "d"], ":4|"),
            (&["LRANGE", "d", "0", "-1"], "*4|$1|1|$1|2|$1|3|$2|10|"),
            (&["SORT", "l", "LIMIT", "9", "1", "STORE", "d"], ":0|"),
            (&["EXISTS", "d"], ":0|"),
            (&["RPUSH", "bad", "1", "x"], ":2|"),
            (
                &["SORT", "bad"],
                "-ERR One or more scores can't be converted into double|",
            ),
            (&["SORT", "l", "LIMIT", "1"], "-ERR syntax error|"),
            (
                &["SORT", "l", "LIMIT", "x", "1"],
                "-ERR value is not an integer or out of range|",
            ),
            (&["SORT_RO", "l", "STORE", "d"], "-ERR syntax error|"),
            (&["SET", "s", "x"], "+OK|"),
            (
                &["SORT", "s"],
                "-WRONGTYPE Operation against a key holding the wrong kind of value|",
            ),
            (&["SORT", "nosuch"], "*0|"),
            (
                &[
                    "COMMAND", "GETKEYS", "SORT", "abc", "STORE", "a", "STORE", "b",
                ],
                "*2|$3|abc|$1|b|",
            ),
        ]);
    }

    proptest! {
        /// Against a model: SORT and SORT ALPHA, ASC or DESC, with a LIMIT,
        /// order a list as sorting (number, bytes) or bytes would, and cut it
        /// as Redis clamps LIMIT.
        #[test]
        fn sort_orders_and_cuts_like_a_model(
            elems in proptest::collection::vec(
                prop_oneof![(-50i32..50).prop_map(|n| n.to_string()), (-50i32..50).prop_map(|n| format!("{}.5", n))],
                1..80,
            ),
            alpha in any::<bool>(),
            desc in any::<bool>(),
            offset in -3i64..90,
            count in -3i64..90,
        ) {
            let mut t = TestEngine::new();
            let mut push = vec!["RPUSH", "l"];
            push.extend(elems.iter().map(String::as_str));
            t.run(&push);
            let (o, c) = (offset.to_string(), count.to_string());
            let mut cmd = vec!["SORT", "l", "LIMIT", &o, &c];
            if alpha {
                cmd.push("ALPHA");
            }
            if desc {
                cmd.push("DESC");
            }
            let reply = shown(&t.run(&cmd));
            let got: Vec<&str> = reply.split('|').skip(2).step_by(2).filter(|s| !s.is_empty()).collect();
            let mut want = elems.clone();
            want.sort_by(|a, b| {
                let ord = if alpha {
                    a.as_bytes().cmp(b.as_bytes())
                } else {
                    let (x, y): (f64, f64) = (a.parse().unwrap(), b.parse().unwrap());
                    x.partial_cmp(&y).unwrap().then_with(|| a.as_bytes().cmp(b.as_bytes()))
                };
                if desc { ord.reverse() } else { ord }
            });
            let start = offset.max(0) as usize;
            let taken: Vec<&str> = want
                .iter()
                .skip(start)
                .take(if count < 0 { usize::MAX } else { count as usize })
                .map(String::as_str)
                .collect();
            prop_assert_eq!(got, taken);
        }
    }
}
