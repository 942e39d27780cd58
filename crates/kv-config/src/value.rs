//! Directive kinds and their values: how each kind parses its arguments (file
//! line or CONFIG SET), shows itself to CONFIG GET, and writes itself into a
//! CONFIG REWRITE line — each exactly as redis-server 7.0.15 does, error texts
//! included.
//!
//! Invariant: a [`Value`] produced by [`parse`] for a directive always fits that
//! directive's range, so storing it into a typed field never truncates.

use std::borrow::Cow;

use crate::cparse::{
    cstr, format_f, format_memory, memtoull, string2d, string2ll, strtoll, strtoll_full,
};
use resp_proto::repr;

/// The value of one directive, in the representation Redis keeps.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// yes/no.
    Bool(bool),
    /// Every numeric kind, as Redis's `long long`; a percentage is stored
    /// negated (`maxmemory-clients 5%` is -5), and unsigned 64-bit values above
    /// `i64::MAX` wrap, both as in Redis.
    Int(i64),
    /// An enumeration's value (for flag sets, the OR of the flags).
    Enum(i32),
    /// A string; `None` is Redis's NULL (shown as "", left out of rewrites).
    Str(Option<Vec<u8>>),
    /// `bind`: the addresses.
    List(Vec<Vec<u8>>),
    /// `save`: (seconds, changes) pairs.
    Save(Vec<SaveParam>),
    /// `client-output-buffer-limit`: normal, replica, pubsub.
    OutputBufferLimits([OutputBufferLimit; 3]),
    /// `oom-score-adj-values`.
    OomScoreAdj([i32; 3]),
    /// `notify-keyspace-events` flags.
    Notify(u32),
    /// `latency-tracking-info-percentiles`.
    Percentiles(Vec<f64>),
    /// `replicaof`: host and port, or `None` (no master).
    ReplicaOf(Option<(Vec<u8>, u16)>),
}

/// One `save <seconds> <changes>` point.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SaveParam {
    pub seconds: i64,
    pub changes: i32,
}

/// One client class's output buffer limits (`client-output-buffer-limit`); 0
/// disables a limit.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OutputBufferLimit {
    pub hard_limit_bytes: u64,
    pub soft_limit_bytes: u64,
    pub soft_limit_seconds: u64,
}

/// Output buffer limit classes, in the order Redis lists them.
pub const OBUF_CLASSES: [&str; 3] = ["normal", "slave", "pubsub"];

/// Redis's built-in output buffer limits.
pub const DEFAULT_OUTPUT_BUFFER_LIMITS: [OutputBufferLimit; 3] = [
    OutputBufferLimit {
        hard_limit_bytes: 0,
        soft_limit_bytes: 0,
        soft_limit_seconds: 0,
    },
    OutputBufferLimit {
        hard_limit_bytes: 256 << 20,
        soft_limit_bytes: 64 << 20,
        soft_limit_seconds: 60,
    },
    OutputBufferLimit {
        hard_limit_bytes: 32 << 20,
        soft_limit_bytes: 8 << 20,
        soft_limit_seconds: 60,
    },
];

/// How a numeric directive's text is read and shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// A strict integer (Redis's string2ll).
    Plain,
    /// A memory amount with optional unit (`1k`, `1kb`, `1gb`...).
    Memory,
    /// A memory amount or a percentage `N%` (maxmemory-clients).
    MemoryOrPercent,
    /// An octal number (unixsocketperm).
    Octal,
}

/// A numeric directive: Redis's bounds and the C type's signedness, which
/// decides how an out-of-range value is compared and reported.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Num {
    pub min: i64,
    pub max: i64,
    /// Unsigned C type (unsigned int, size_t, unsigned long long): bounds are
    /// compared on the value reinterpreted as unsigned.
    pub unsigned: bool,
    pub unit: Unit,
    /// Clamp applied after a successful set (hz: Redis keeps 1..=500).
    pub clamp: Option<(i64, i64)>,
}

/// An enumeration: names with their values, in Redis's order.
#[derive(Debug, PartialEq, Eq)]
pub struct EnumSpec {
    pub values: &'static [(&'static str, i32)],
    /// A set of flags (several names, OR-ed), like shutdown-on-sigterm.
    pub bitflags: bool,
}

impl EnumSpec {
    /// The value of `name` (case-insensitive), if it is one.
    pub fn value_of(&self, name: &[u8]) -> Option<i32> {
        let name = cstr(name);
        self.values
            .iter()
            .find(|(n, _)| n.as_bytes().eq_ignore_ascii_case(name))
            .map(|(_, v)| *v)
    }

    /// The first name with value `v` (Redis shows `oom-score-adj relative` as
    /// `yes`, the first entry with that value); flag sets list their flags.
    pub fn name_of(&self, v: i32) -> Cow<'static, str> {
        if let Some((n, _)) = self.values.iter().find(|(_, x)| *x == v) {
            return Cow::Borrowed(n);
        }
        if self.bitflags {
            let mut names = Vec::new();
            let mut unmatched = v;
            for &(n, x) in self.values {
                if x != 0 && x & unmatched == x {
                    names.push(n);
                    unmatched &= !x;
                }
            }
            if !names.is_empty() && unmatched == 0 {
                return Cow::Owned(names.join(" "));
            }
        }
        Cow::Borrowed("unknown")
    }
}

/// The kind of a directive: how its arguments are parsed and shown.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Kind {
    Bool,
    Num(Num),
    Enum(&'static EnumSpec),
    /// A string. `binary`: kept whole (Redis's SDS configs, requirepass and
    /// masterauth); otherwise cut at the first NUL byte as Redis's C strings
    /// are. `empty_is_null`: an empty value means "not set".
    Str {
        binary: bool,
        empty_is_null: bool,
    },
    Save,
    OutputBufferLimit,
    OomScoreAdjValues,
    NotifyKeyspaceEvents,
    Bind,
    ReplicaOf,
    Percentiles,
    Dir,
}

/// Where the arguments come from: parsing a file (where `save` lines
/// accumulate) or CONFIG SET.
pub(crate) enum Mode<'a> {
    /// Loading a file; the flag records that a `save` line was already seen
    /// (the first one replaces the defaults, later ones add to it).
    File {
        save_seen: &'a mut bool,
    },
    Set,
}

pub(crate) type ParseResult = Result<Value, Cow<'static, str>>;

/// Parses `args` (the words after the directive name) for a directive of
/// `kind` whose current value is `cur`.
pub(crate) fn parse(kind: Kind, args: &[&[u8]], cur: &Value, mode: Mode<'_>) -> ParseResult {
    let one = || args.first().copied().unwrap_or_default();
    match kind {
        Kind::Bool => {
            let v = cstr(one());
            if v.eq_ignore_ascii_case(b"yes") {
                Ok(Value::Bool(true))
            } else if v.eq_ignore_ascii_case(b"no") {
                Ok(Value::Bool(false))
            } else {
                Err("argument must be 'yes' or 'no'".into())
            }
        }
        Kind::Num(num) => parse_num(num, one()).map(Value::Int),
        Kind::Enum(spec) => parse_enum(spec, args),
        Kind::Str {
            binary,
            empty_is_null,
        } => {
            let v = if binary { one() } else { cstr(one()) };
            Ok(Value::Str(if empty_is_null && v.is_empty() {
                None
            } else {
                Some(v.to_vec())
            }))
        }
        Kind::Save => parse_save(args, cur, mode),
        Kind::OutputBufferLimit => parse_obuf(args, cur),
        Kind::OomScoreAdjValues => parse_oom(args),
        Kind::NotifyKeyspaceEvents => {
            if args.len() != 1 {
                return Err("wrong number of arguments".into());
            }
            keyspace_events_from(one())
                .map(Value::Notify)
                .ok_or_else(|| "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.".into())
        }
        Kind::Bind => {
            if args.len() > 16 {
                return Err("Too many bind addresses specified.".into());
            }
            if args.len() == 1 && args[0].is_empty() {
                return Ok(Value::List(Vec::new()));
            }
            Ok(Value::List(args.iter().map(|a| cstr(a).to_vec()).collect()))
        }
        Kind::ReplicaOf => {
            if args.len() != 2 {
                return Err("wrong number of arguments".into());
            }
            let (host, port) = (cstr(args[0]), cstr(args[1]));
            if host.eq_ignore_ascii_case(b"no") && port.eq_ignore_ascii_case(b"one") {
                return Ok(Value::ReplicaOf(None));
            }
            match strtoll_full(port, 10) {
                Some(p @ 0..=65535) => Ok(Value::ReplicaOf(Some((host.to_vec(), p as u16)))),
                _ => Err("Invalid master port".into()),
            }
        }
        Kind::Percentiles => parse_percentiles(args),
        Kind::Dir => {
            if args.len() != 1 {
                return Err("wrong number of arguments".into());
            }
            Ok(Value::Str(Some(cstr(one()).to_vec())))
        }
    }
}

/// Redis's numericParseString followed by numericBoundaryCheck.
fn parse_num(num: Num, text: &[u8]) -> Result<i64, Cow<'static, str>> {
    let parsed = match num.unit {
        Unit::Plain => string2ll(text),
        Unit::Memory => memtoull(text).map(|v| v as i64),
        Unit::MemoryOrPercent => memtoull(text).map(|v| v as i64).or_else(|| {
            // "N%" with N >= 0, stored negated.
            let body = text.strip_suffix(b"%").filter(|b| !b.is_empty())?;
            string2ll(body).filter(|v| *v >= 0).map(|v| -v)
        }),
        Unit::Octal => {
            let c = cstr(text);
            let r = strtoll(c, 8);
            // C: errno must stay 0 and endptr reach the end; no digits at all
            // leaves endptr at the start, which is the end only for "".
            let consumed = if r.end == 0 {
                c.is_empty()
            } else {
                r.end == c.len()
            };
            (consumed && !r.overflow).then_some(r.value)
        }
    };
    let Some(v) = parsed else {
        return Err(match num.unit {
            Unit::Plain => "argument couldn't be parsed into an integer",
            Unit::Memory => "argument must be a memory value",
            Unit::MemoryOrPercent => "argument must be a memory or percent value",
            Unit::Octal => "argument couldn't be parsed as an octal number",
        }
        .into());
    };
    if num.unsigned {
        let (u, lo, hi) = (v as u64, num.min as u64, num.max as u64);
        if u < lo || u > hi {
            return Err(if num.unit == Unit::Octal {
                format!("argument must be between {lo:o} and {hi:o} inclusive")
            } else {
                format!("argument must be between {lo} and {hi} inclusive")
            }
            .into());
        }
    } else if num.unit == Unit::MemoryOrPercent && v < 0 {
        if v < num.min {
            return Err(format!(
                "percentage argument must be less or equal to {}",
                num.min.unsigned_abs()
            )
            .into());
        }
    } else if v < num.min || v > num.max {
        return Err(format!(
            "argument must be between {} and {} inclusive",
            num.min, num.max
        )
        .into());
    }
    Ok(match num.clamp {
        Some((lo, hi)) => v.clamp(lo, hi),
        None => v,
    })
}

fn enum_error(spec: &EnumSpec) -> Cow<'static, str> {
    let names: Vec<&str> = spec.values.iter().map(|(n, _)| *n).collect();
    format!(
        "argument(s) must be one of the following: {}",
        names.join(", ")
    )
    .into()
}

fn parse_enum(spec: &EnumSpec, args: &[&[u8]]) -> ParseResult {
    if args.is_empty() || (!spec.bitflags && args.len() != 1) {
        return Err(enum_error(spec));
    }
    let mut acc = 0;
    for a in args {
        match spec.value_of(a) {
            Some(v) => acc |= v,
            None => return Err(enum_error(spec)),
        }
    }
    Ok(Value::Enum(acc))
}

fn parse_save(args: &[&[u8]], cur: &Value, mode: Mode<'_>) -> ParseResult {
    let mut args = args;
    // A single "" means "no save points", and resets even while loading.
    let explicit_reset = args.len() == 1 && args[0].is_empty();
    if explicit_reset {
        args = &[];
    }
    let invalid = || Cow::Borrowed("Invalid save parameters");
    if args.len() % 2 == 1 {
        return Err(invalid());
    }
    let mut params = Vec::with_capacity(args.len() / 2);
    for pair in args.chunks_exact(2) {
        let seconds = strtoll_full(pair[0], 10)
            .filter(|s| *s >= 1)
            .ok_or_else(invalid)?;
        let changes = strtoll_full(pair[1], 10)
            .filter(|c| *c >= 0)
            .ok_or_else(invalid)?;
        // Redis keeps changes in an int: larger values wrap there too.
        params.push(SaveParam {
            seconds,
            changes: changes as i32,
        });
    }
    let mut out = match (mode, cur) {
        // While loading, the first save line replaces the defaults and later
        // lines add to it; `save ""` always resets.
        (Mode::File { save_seen }, Value::Save(old)) if *save_seen && !explicit_reset => {
            old.clone()
        }
        (Mode::File { save_seen }, _) => {
            *save_seen = true;
            Vec::new()
        }
        (Mode::Set, _) => Vec::new(),
    };
    out.extend(params);
    Ok(Value::Save(out))
}

/// Redis's getClientTypeByName for the classes that can carry limits.
fn obuf_class(name: &[u8]) -> Option<usize> {
    let n = cstr(name).to_ascii_lowercase();
    match n.as_slice() {
        b"normal" => Some(0),
        b"slave" | b"replica" => Some(1),
        b"pubsub" => Some(2),
        _ => None,
    }
}

fn parse_obuf(args: &[&[u8]], cur: &Value) -> ParseResult {
    if !args.len().is_multiple_of(4) {
        return Err("Wrong number of arguments in buffer limit configuration.".into());
    }
    let mut limits = match cur {
        Value::OutputBufferLimits(l) => *l,
        _ => DEFAULT_OUTPUT_BUFFER_LIMITS,
    };
    // Validate every group before changing anything: all or nothing.
    let mut updates = Vec::with_capacity(args.len() / 4);
    for g in args.chunks_exact(4) {
        let class = obuf_class(g[0]).ok_or(Cow::Borrowed(
            "Invalid client class specified in buffer limit configuration.",
        ))?;
        let bad = || {
            Cow::Borrowed(
                "Error in hard, soft or soft_seconds setting in buffer limit configuration.",
            )
        };
        let hard = memtoull(g[1]).ok_or_else(bad)?;
        let soft = memtoull(g[2]).ok_or_else(bad)?;
        // Redis reads soft_seconds into an int before checking its sign.
        let secs = strtoll_full(g[3], 10)
            .map(|s| s as i32)
            .filter(|s| *s >= 0)
            .ok_or_else(bad)?;
        updates.push((
            class,
            OutputBufferLimit {
                hard_limit_bytes: hard,
                soft_limit_bytes: soft,
                soft_limit_seconds: secs as u64,
            },
        ));
    }
    for (class, limit) in updates {
        limits[class] = limit;
    }
    Ok(Value::OutputBufferLimits(limits))
}

fn parse_oom(args: &[&[u8]]) -> ParseResult {
    if args.len() != 3 {
        return Err("wrong number of arguments".into());
    }
    let mut vals = [0i32; 3];
    for (slot, a) in vals.iter_mut().zip(args) {
        match strtoll_full(a, 10) {
            Some(v @ -2000..=2000) => *slot = v as i32,
            _ => {
                return Err(
                    "Invalid oom-score-adj-values, elements must be between -2000 and 2000.".into(),
                );
            }
        }
    }
    Ok(Value::OomScoreAdj(vals))
}

fn parse_percentiles(args: &[&[u8]]) -> ParseResult {
    if args.len() == 1 && args[0].is_empty() {
        return Ok(Value::Percentiles(Vec::new()));
    }
    let mut out = Vec::with_capacity(args.len());
    for a in args {
        let p = string2d(a).ok_or(Cow::Borrowed(
            "Invalid latency-tracking-info-percentiles parameters",
        ))?;
        if !(0.0..=100.0).contains(&p) {
            return Err(
                "latency-tracking-info-percentiles parameters should sit between [0.0,100.0]"
                    .into(),
            );
        }
        out.push(p);
    }
    Ok(Value::Percentiles(out))
}

/// `notify-keyspace-events` classes: Redis's NOTIFY_* bits, shared with the
/// engine, which tests an event's class against the configured flags.
pub mod notify {
    pub const KEYSPACE: u32 = 1 << 0;
    pub const KEYEVENT: u32 = 1 << 1;
    pub const GENERIC: u32 = 1 << 2;
    pub const STRING: u32 = 1 << 3;
    pub const LIST: u32 = 1 << 4;
    pub const SET: u32 = 1 << 5;
    pub const HASH: u32 = 1 << 6;
    pub const ZSET: u32 = 1 << 7;
    pub const EXPIRED: u32 = 1 << 8;
    pub const EVICTED: u32 = 1 << 9;
    pub const STREAM: u32 = 1 << 10;
    pub const KEY_MISS: u32 = 1 << 11;
    pub const LOADED: u32 = 1 << 12;
    pub const MODULE: u32 = 1 << 13;
    pub const NEW: u32 = 1 << 14;
    /// `A`: every class except key-miss and new (as in Redis).
    pub const ALL: u32 =
        GENERIC | STRING | LIST | SET | HASH | ZSET | EXPIRED | EVICTED | STREAM | MODULE;
}
use notify::{
    ALL as N_ALL, EVICTED as N_EVICTED, EXPIRED as N_EXPIRED, GENERIC as N_GENERIC, HASH as N_HASH,
    KEY_MISS as N_KEY_MISS, KEYEVENT as N_KEYEVENT, KEYSPACE as N_KEYSPACE, LIST as N_LIST,
    LOADED as N_LOADED, MODULE as N_MODULE, NEW as N_NEW, SET as N_SET, STREAM as N_STREAM,
    STRING as N_STRING, ZSET as N_ZSET,
};

/// Redis's keyspaceEventsStringToFlags.
pub(crate) fn keyspace_events_from(s: &[u8]) -> Option<u32> {
    let mut flags = 0;
    for &c in cstr(s) {
        flags |= match c {
            b'A' => N_ALL,
            b'g' => N_GENERIC,
            b'$' => N_STRING,
            b'l' => N_LIST,
            b's' => N_SET,
            b'h' => N_HASH,
            b'z' => N_ZSET,
            b'x' => N_EXPIRED,
            b'e' => N_EVICTED,
            b'K' => N_KEYSPACE,
            b'E' => N_KEYEVENT,
            b't' => N_STREAM,
            b'm' => N_KEY_MISS,
            b'd' => N_MODULE,
            b'n' => N_NEW,
            _ => return None,
        };
    }
    Some(flags)
}

/// Redis's keyspaceEventsFlagsToString (which drops `n` when `A` is shown).
pub(crate) fn keyspace_events_to(flags: u32) -> String {
    let mut s = String::new();
    if flags & N_ALL == N_ALL {
        s.push('A');
    } else {
        for (bit, c) in [
            (N_GENERIC, 'g'),
            (N_STRING, '$'),
            (N_LIST, 'l'),
            (N_SET, 's'),
            (N_HASH, 'h'),
            (N_ZSET, 'z'),
            (N_EXPIRED, 'x'),
            (N_EVICTED, 'e'),
            (N_STREAM, 't'),
            (N_MODULE, 'd'),
            (N_NEW, 'n'),
        ] {
            if flags & bit != 0 {
                s.push(c);
            }
        }
    }
    for (bit, c) in [(N_KEYSPACE, 'K'), (N_KEYEVENT, 'E'), (N_KEY_MISS, 'm')] {
        if flags & bit != 0 {
            s.push(c);
        }
    }
    let _ = N_LOADED; // a module-only class with no letter
    s
}

/// The value as CONFIG GET shows it.
pub(crate) fn show(kind: Kind, v: &Value) -> Vec<u8> {
    match (kind, v) {
        (_, Value::Bool(b)) => {
            if *b {
                b"yes".to_vec()
            } else {
                b"no".to_vec()
            }
        }
        (Kind::Num(num), Value::Int(n)) => show_num(num, *n).into_bytes(),
        (_, Value::Int(n)) => n.to_string().into_bytes(),
        (Kind::Enum(spec), Value::Enum(e)) => spec.name_of(*e).as_bytes().to_vec(),
        (_, Value::Enum(e)) => e.to_string().into_bytes(),
        (_, Value::Str(s)) => s.clone().unwrap_or_default(),
        (_, Value::List(items)) => items.join(&b' '),
        (_, Value::Save(params)) => params
            .iter()
            .map(|p| format!("{} {}", p.seconds, p.changes))
            .collect::<Vec<_>>()
            .join(" ")
            .into_bytes(),
        (_, Value::OutputBufferLimits(l)) => OBUF_CLASSES
            .iter()
            .zip(l)
            .map(|(name, l)| {
                format!(
                    "{name} {} {} {}",
                    l.hard_limit_bytes, l.soft_limit_bytes, l.soft_limit_seconds
                )
            })
            .collect::<Vec<_>>()
            .join(" ")
            .into_bytes(),
        (_, Value::OomScoreAdj(v)) => format!("{} {} {}", v[0], v[1], v[2]).into_bytes(),
        (_, Value::Notify(f)) => keyspace_events_to(*f).into_bytes(),
        (_, Value::Percentiles(p)) => p
            .iter()
            .map(|x| format_f(*x))
            .collect::<Vec<_>>()
            .join(" ")
            .into_bytes(),
        (_, Value::ReplicaOf(r)) => match r {
            Some((host, port)) => {
                let mut out = host.clone();
                out.extend_from_slice(format!(" {port}").as_bytes());
                out
            }
            None => Vec::new(),
        },
    }
}

fn show_num(num: Num, n: i64) -> String {
    match num.unit {
        Unit::MemoryOrPercent if n < 0 => format!("{}%", n.unsigned_abs()),
        Unit::Memory | Unit::MemoryOrPercent => (n as u64).to_string(),
        Unit::Octal => format!("{n:o}"),
        Unit::Plain => n.to_string(),
    }
}

/// What CONFIG REWRITE does with one directive.
pub(crate) enum Rewrite {
    /// Lines to write, each with whether it must be written even where the
    /// directive was absent from the file (a non-default value).
    Lines(Vec<(Vec<u8>, bool)>),
    /// Drop every line of the directive (a NULL string, the default bind,
    /// no replicaof): its absence is what restores the value.
    Remove,
}

/// The rewrite lines for directive `name` of `kind` with value `v` (default `d`).
pub(crate) fn rewrite_lines(name: &str, kind: Kind, v: &Value, d: &Value) -> Rewrite {
    let force = v != d;
    let line = |rest: &[u8]| {
        let mut l = name.as_bytes().to_vec();
        l.push(b' ');
        l.extend_from_slice(rest);
        l
    };
    match (kind, v) {
        (Kind::Num(num), Value::Int(n)) => {
            let text = match num.unit {
                Unit::MemoryOrPercent if *n < 0 => format!("{}%", n.unsigned_abs()),
                Unit::Memory | Unit::MemoryOrPercent => format_memory(*n as u64),
                Unit::Octal => format!("{n:o}"),
                Unit::Plain => n.to_string(),
            };
            Rewrite::Lines(vec![(line(text.as_bytes()), force)])
        }
        (Kind::Str { .. }, Value::Str(None)) => Rewrite::Remove,
        (Kind::Str { .. } | Kind::Dir, Value::Str(Some(s))) => {
            if kind == Kind::Dir && s.is_empty() {
                // kv's "not resolved yet": Redis too leaves dir out when it
                // cannot tell its working directory.
                return Rewrite::Remove;
            }
            let mut q = Vec::new();
            repr(&mut q, s);
            // Redis writes a directive without a default value (dir) always.
            Rewrite::Lines(vec![(line(&q), force || kind == Kind::Dir)])
        }
        (_, Value::Save(params)) => {
            // Always written, so that the defaults do not come back on restart.
            if params.is_empty() {
                Rewrite::Lines(vec![(line(b"\"\""), true)])
            } else {
                let lines = params
                    .iter()
                    .map(|p| {
                        (
                            line(format!("{} {}", p.seconds, p.changes).as_bytes()),
                            true,
                        )
                    })
                    .collect();
                Rewrite::Lines(lines)
            }
        }
        (_, Value::OutputBufferLimits(limits)) => {
            // One line per class, each forced on its own.
            let lines = limits
                .iter()
                .zip(DEFAULT_OUTPUT_BUFFER_LIMITS)
                .zip(["normal", "replica", "pubsub"])
                .map(|((l, def), class)| {
                    let text = format!(
                        "{class} {} {} {}",
                        format_memory(l.hard_limit_bytes),
                        format_memory(l.soft_limit_bytes),
                        l.soft_limit_seconds
                    );
                    (line(text.as_bytes()), *l != def)
                })
                .collect();
            Rewrite::Lines(lines)
        }
        (_, Value::Notify(f)) => {
            let mut q = Vec::new();
            repr(&mut q, keyspace_events_to(*f).as_bytes());
            Rewrite::Lines(vec![(line(&q), *f != 0)])
        }
        (_, Value::List(items)) => {
            if !force {
                return Rewrite::Remove;
            }
            if items.is_empty() {
                Rewrite::Lines(vec![(line(b"\"\""), true)])
            } else {
                // Written bare, as Redis writes them, unless a word would not
                // read back as itself (empty, or with spaces or quotes).
                let mut text = Vec::new();
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        text.push(b' ');
                    }
                    let plain = !item.is_empty()
                        && item
                            .iter()
                            .all(|&b| b.is_ascii_graphic() && !b"\"'\\".contains(&b));
                    if plain {
                        text.extend_from_slice(item);
                    } else {
                        repr(&mut text, item);
                    }
                }
                Rewrite::Lines(vec![(line(&text), true)])
            }
        }
        (_, Value::ReplicaOf(None)) => Rewrite::Remove,
        (_, Value::Percentiles(p)) => {
            let text = if p.is_empty() {
                "\"\"".to_string()
            } else {
                p.iter().map(|x| format_f(*x)).collect::<Vec<_>>().join(" ")
            };
            Rewrite::Lines(vec![(line(text.as_bytes()), true)])
        }
        _ => Rewrite::Lines(vec![(line(&show(kind, v)), force)]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn save(args: &[&str], cur: &[(i64, i32)], mode: Mode<'_>) -> ParseResult {
        let args: Vec<&[u8]> = args.iter().map(|a| a.as_bytes()).collect();
        let cur = Value::Save(
            cur.iter()
                .map(|&(seconds, changes)| SaveParam { seconds, changes })
                .collect(),
        );
        parse(Kind::Save, &args, &cur, mode)
    }

    fn pairs(v: ParseResult) -> Vec<(i64, i32)> {
        match v {
            Ok(Value::Save(p)) => p.iter().map(|p| (p.seconds, p.changes)).collect(),
            other => panic!("{other:?}"),
        }
    }

    /// Redis 7.0.15 (checked): in a file the first save line replaces the
    /// defaults and later ones add to it, `save ""` empties it, a bare `save`
    /// adds nothing; CONFIG SET always replaces.
    #[test]
    fn save_lines_accumulate_in_files_only() {
        let defaults = [(3600, 1), (300, 100)];
        let mut seen = false;
        let first = pairs(save(
            &["900", "1"],
            &defaults,
            Mode::File {
                save_seen: &mut seen,
            },
        ));
        assert_eq!(first, [(900, 1)]);
        let second = pairs(save(
            &["300", "10"],
            &first,
            Mode::File {
                save_seen: &mut seen,
            },
        ));
        assert_eq!(second, [(900, 1), (300, 10)]);
        assert_eq!(
            pairs(save(
                &[],
                &second,
                Mode::File {
                    save_seen: &mut seen
                }
            )),
            second
        );
        assert!(
            pairs(save(
                &[""],
                &second,
                Mode::File {
                    save_seen: &mut seen
                }
            ))
            .is_empty()
        );
        assert_eq!(pairs(save(&["60", "5"], &second, Mode::Set)), [(60, 5)]);
        // Redis keeps changes in an int.
        assert_eq!(
            pairs(save(&["10", "2147483648"], &[], Mode::Set)),
            [(10, i32::MIN)]
        );
        // CONFIG SET "10 " splits into "10" and "": zero changes.
        assert_eq!(pairs(save(&["10", ""], &[], Mode::Set)), [(10, 0)]);
    }

    #[test]
    fn keyspace_event_flags_round_trip_as_redis_shows_them() {
        let show = |s: &str| keyspace_events_from(s.as_bytes()).map(keyspace_events_to);
        assert_eq!(show("KEA").as_deref(), Some("AKE"));
        assert_eq!(show("Ex").as_deref(), Some("xE"));
        assert_eq!(show("Kg$lshzxetmdn").as_deref(), Some("AKm"));
        assert_eq!(show("").as_deref(), Some(""));
        assert_eq!(show("q"), None);
    }

    #[test]
    fn flag_enums_show_names_in_table_order() {
        static SPEC: EnumSpec = EnumSpec {
            values: &[
                ("default", 0),
                ("save", 1),
                ("nosave", 2),
                ("now", 4),
                ("force", 8),
            ],
            bitflags: true,
        };
        assert_eq!(SPEC.name_of(0), "default");
        assert_eq!(SPEC.name_of(2 | 4), "nosave now");
        assert_eq!(SPEC.name_of(16), "unknown");
    }
}
