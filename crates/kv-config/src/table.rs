//! The directive table: one entry per Redis 7.0.15 configuration directive, with
//! its aliases, kind (and range), Redis's default, Redis's flags (immutable,
//! protected, ...) and kv's support status.
//!
//! Invariants (checked by tests): names and aliases are lowercase and unique;
//! the names visible to `CONFIG GET *` are exactly those of redis-server
//! 7.0.15; every default parses and passes its own status; a directive with a
//! typed `Config` field (`Slot::Typed`) reads and writes that field only.
//!
//! To change what kv does with a directive, edit its `support` field: turning
//! `Unsupported {..}` or `Ignored` into `Supported` is a one-line change (plus,
//! usually, a typed field the engine reads).

use crate::Config;
use crate::value::{DEFAULT_OUTPUT_BUFFER_LIMITS, EnumSpec, Kind, Num, Unit, Value};

/// CONFIG SET refuses it: "can't set immutable config".
pub const IMMUTABLE: u16 = 1 << 0;
/// CONFIG SET allows it only under `enable-protected-configs`.
pub const PROTECTED: u16 = 1 << 1;
/// Its value is a secret (redacted from command logs).
pub const SENSITIVE: u16 = 1 << 2;
/// Listed by Redis's DEBUG CONFIG-DEBUG-INFO (kept for completeness).
pub const DEBUG: u16 = 1 << 3;
/// Not matched by CONFIG GET patterns, only by its exact name.
pub const HIDDEN: u16 = 1 << 4;
/// CONFIG SET refuses it while the dataset is loading.
pub const DENY_LOADING: u16 = 1 << 5;
/// Takes several words (a file line's words; CONFIG SET splits on spaces).
pub const MULTI_ARG: u16 = 1 << 6;

/// What kv does with a directive.
#[derive(Clone, Copy, Debug)]
pub enum Support {
    /// kv acts on the value.
    Supported,
    /// Accepted and stored (CONFIG GET/SET/REWRITE show it) but it only tunes
    /// something that has no meaning in kv; the server logs it at startup.
    Ignored,
    /// kv cannot keep the promise yet: only values for which `allowed` holds
    /// (the ones that promise nothing kv breaks) are accepted.
    Unsupported {
        allowed: fn(&Value) -> bool,
        reason: &'static str,
    },
}

/// Reading and writing a directive's value.
#[derive(Clone, Copy)]
pub(crate) enum Slot {
    /// Kept in the config's generic store.
    Stored,
    /// A typed `Config` field the engine and server read. `utf8`: the field
    /// is a Rust string, so the value must be valid UTF-8.
    Typed {
        get: fn(&Config) -> Value,
        put: fn(&mut Config, Value),
        utf8: bool,
    },
}

/// Redis's default of a directive.
#[derive(Clone, Copy, Debug)]
pub enum Def {
    Bool(bool),
    Int(i64),
    Enum(i32),
    Str(Option<&'static str>),
    /// The kind's own default (see [`Directive::default_value`]).
    Special,
}

/// Redis's extra validation of a parsed value, with its error text.
pub(crate) type Check = fn(&Value) -> Result<(), &'static str>;

/// One configuration directive.
#[derive(Clone, Copy)]
pub struct Directive {
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    pub kind: Kind,
    pub default: Def,
    /// [`IMMUTABLE`], [`PROTECTED`], ...
    pub flags: u16,
    pub support: Support,
    /// Redis's extra validation of a parsed value, with its error text.
    pub(crate) check: Option<Check>,
    pub(crate) slot: Slot,
}

impl std::fmt::Debug for Directive {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Directive")
            .field("name", &self.name)
            .field("aliases", &self.aliases)
            .field("kind", &self.kind)
            .field("default", &self.default)
            .field("flags", &self.flags)
            .field("support", &self.support)
            .finish()
    }
}

impl Directive {
    /// The default value (kv's: Redis's, except `save ""`).
    pub fn default_value(&self) -> Value {
        match (self.default, self.kind) {
            (Def::Bool(b), _) => Value::Bool(b),
            (Def::Int(n), _) => Value::Int(n),
            (Def::Enum(e), _) => Value::Enum(e),
            (Def::Str(s), _) => Value::Str(s.map(|s| s.as_bytes().to_vec())),
            (Def::Special, Kind::Save) => Value::Save(Vec::new()),
            (Def::Special, Kind::OutputBufferLimit) => {
                Value::OutputBufferLimits(DEFAULT_OUTPUT_BUFFER_LIMITS)
            }
            (Def::Special, Kind::OomScoreAdjValues) => Value::OomScoreAdj([0, 200, 800]),
            (Def::Special, Kind::NotifyKeyspaceEvents) => Value::Notify(0),
            (Def::Special, Kind::Bind) => Value::List(vec![b"*".to_vec(), b"-::*".to_vec()]),
            (Def::Special, Kind::ReplicaOf) => Value::ReplicaOf(None),
            (Def::Special, Kind::Percentiles) => Value::Percentiles(vec![50.0, 99.0, 99.9]),
            // The working directory: the server fills it in once it knows it.
            (Def::Special, _) => Value::Str(Some(Vec::new())),
        }
    }

    pub fn is_immutable(&self) -> bool {
        self.flags & IMMUTABLE != 0
    }

    pub fn is_hidden(&self) -> bool {
        self.flags & HIDDEN != 0
    }

    pub(crate) fn multi_arg(&self) -> bool {
        self.flags & MULTI_ARG != 0
    }

    const fn new(
        name: &'static str,
        kind: Kind,
        default: Def,
        flags: u16,
        support: Support,
    ) -> Self {
        Directive {
            name,
            aliases: &[],
            kind,
            default,
            flags,
            support,
            check: None,
            slot: Slot::Stored,
        }
    }

    const fn alias(mut self, aliases: &'static [&'static str]) -> Self {
        self.aliases = aliases;
        self
    }

    const fn typed(mut self, slot: Slot) -> Self {
        self.slot = slot;
        self
    }

    const fn check(mut self, f: Check) -> Self {
        self.check = Some(f);
        self
    }
}

/// A directive that only exists in configuration files (never in CONFIG
/// GET/SET), with what kv does with it.
#[derive(Clone, Copy, Debug)]
pub struct FileDirective {
    pub name: &'static str,
    pub support: Support,
}

// ---------------------------------------------------------------------------
// Kinds and enumerations.

const INT_MAX: i64 = i32::MAX as i64;
const INT_MIN: i64 = i32::MIN as i64;
const UINT_MAX: i64 = u32::MAX as i64;
const LONG_MAX: i64 = i64::MAX;
/// ULLONG_MAX as Redis's long long bound: compared as unsigned.
const ULLONG_MAX: i64 = -1;

const fn num(min: i64, max: i64, unsigned: bool, unit: Unit) -> Kind {
    Kind::Num(Num {
        min,
        max,
        unsigned,
        unit,
        clamp: None,
    })
}
/// A signed C integer (int, long, long long, time_t, off_t).
const fn int(min: i64, max: i64) -> Kind {
    num(min, max, false, Unit::Plain)
}
/// An unsigned C integer (unsigned int, size_t, unsigned long long).
const fn uint(min: i64, max: i64) -> Kind {
    num(min, max, true, Unit::Plain)
}
const fn mem(min: i64, max: i64) -> Kind {
    num(min, max, false, Unit::Memory)
}
const fn umem(min: i64, max: i64) -> Kind {
    num(min, max, true, Unit::Memory)
}
/// A C string; an empty value means NULL when `null`.
const fn string(null: bool) -> Kind {
    Kind::Str {
        binary: false,
        empty_is_null: null,
    }
}

pub static LOGLEVEL: EnumSpec = EnumSpec {
    values: &[("debug", 0), ("verbose", 1), ("notice", 2), ("warning", 3)],
    bitflags: false,
};
pub static MAXMEMORY_POLICY: EnumSpec = EnumSpec {
    values: &[
        ("volatile-lru", 0),
        ("volatile-lfu", 1),
        ("volatile-random", 2),
        ("volatile-ttl", 3),
        ("allkeys-lru", 4),
        ("allkeys-lfu", 5),
        ("allkeys-random", 6),
        ("noeviction", 7),
    ],
    bitflags: false,
};
static SYSLOG_FACILITY: EnumSpec = EnumSpec {
    values: &[
        ("user", 0),
        ("local0", 1),
        ("local1", 2),
        ("local2", 3),
        ("local3", 4),
        ("local4", 5),
        ("local5", 6),
        ("local6", 7),
        ("local7", 8),
    ],
    bitflags: false,
};
static SUPERVISED: EnumSpec = EnumSpec {
    values: &[("upstart", 1), ("systemd", 2), ("auto", 3), ("no", 0)],
    bitflags: false,
};
static AOF_FSYNC: EnumSpec = EnumSpec {
    values: &[("everysec", 0), ("always", 1), ("no", 2)],
    bitflags: false,
};
static REPL_DISKLESS_LOAD: EnumSpec = EnumSpec {
    values: &[("disabled", 0), ("on-empty-db", 1), ("swapdb", 2)],
    bitflags: false,
};
static TLS_AUTH_CLIENTS: EnumSpec = EnumSpec {
    values: &[("no", 0), ("yes", 1), ("optional", 2)],
    bitflags: false,
};
static OOM_SCORE_ADJ: EnumSpec = EnumSpec {
    values: &[("no", 0), ("yes", 1), ("relative", 1), ("absolute", 2)],
    bitflags: false,
};
static ACL_PUBSUB_DEFAULT: EnumSpec = EnumSpec {
    values: &[("allchannels", 1), ("resetchannels", 0)],
    bitflags: false,
};
static SANITIZE_DUMP_PAYLOAD: EnumSpec = EnumSpec {
    values: &[("no", 0), ("yes", 1), ("clients", 2)],
    bitflags: false,
};
pub static PROTECTED_ACTION: EnumSpec = EnumSpec {
    values: &[("no", 0), ("yes", 1), ("local", 2)],
    bitflags: false,
};
static CLUSTER_ENDPOINT: EnumSpec = EnumSpec {
    values: &[("ip", 0), ("hostname", 1), ("unknown-endpoint", 2)],
    bitflags: false,
};
static PROPAGATION_ERROR: EnumSpec = EnumSpec {
    values: &[("ignore", 0), ("panic", 1), ("panic-on-replicas", 2)],
    bitflags: false,
};
const SHUTDOWN_SAVE: i32 = 1;
const SHUTDOWN_NOSAVE: i32 = 2;
static SHUTDOWN_ON_SIGNAL: EnumSpec = EnumSpec {
    values: &[
        ("default", 0),
        ("save", 1),
        ("nosave", 2),
        ("now", 4),
        ("force", 8),
    ],
    bitflags: true,
};

// ---------------------------------------------------------------------------
// Statuses.

const S: Support = Support::Supported;
const I: Support = Support::Ignored;

fn is_no(v: &Value) -> bool {
    matches!(v, Value::Bool(false))
}
fn is_zero(v: &Value) -> bool {
    matches!(v, Value::Int(0))
}
fn is_enum_zero(v: &Value) -> bool {
    matches!(v, Value::Enum(0))
}
fn is_empty_string(v: &Value) -> bool {
    matches!(v, Value::Str(None)) || matches!(v, Value::Str(Some(s)) if s.is_empty())
}
fn no_save_points(v: &Value) -> bool {
    matches!(v, Value::Save(p) if p.is_empty())
}
fn no_master(v: &Value) -> bool {
    matches!(v, Value::ReplicaOf(None))
}
fn no_save_on_shutdown(v: &Value) -> bool {
    matches!(v, Value::Enum(f) if f & SHUTDOWN_SAVE == 0)
}
const fn unsupported(allowed: fn(&Value) -> bool, reason: &'static str) -> Support {
    Support::Unsupported { allowed, reason }
}
/// Never acceptable (file-only directives kv has no counterpart for).
fn never(_: &Value) -> bool {
    false
}

// ---------------------------------------------------------------------------
// Redis's extra checks.

fn str_of(v: &Value) -> &[u8] {
    match v {
        Value::Str(Some(s)) => s,
        _ => b"",
    }
}
fn is_base_name(s: &[u8]) -> bool {
    !s.contains(&b'/') && !s.contains(&b'\\')
}
fn check_dbfilename(v: &Value) -> Result<(), &'static str> {
    if is_base_name(str_of(v)) {
        Ok(())
    } else {
        Err("dbfilename can't be a path, just a filename")
    }
}
fn check_appendfilename(v: &Value) -> Result<(), &'static str> {
    let s = str_of(v);
    if s.is_empty() {
        Err("appendfilename can't be empty")
    } else if !is_base_name(s) {
        Err("appendfilename can't be a path, just a filename")
    } else {
        Ok(())
    }
}
fn check_appenddirname(v: &Value) -> Result<(), &'static str> {
    let s = str_of(v);
    if s.is_empty() {
        Err("appenddirname can't be empty")
    } else if !is_base_name(s) {
        Err("appenddirname can't be a path, just a dirname")
    } else {
        Ok(())
    }
}
fn check_hostname(v: &Value) -> Result<(), &'static str> {
    let s = str_of(v);
    if s.len() >= 256 {
        return Err("Hostnames must be less than 256 characters");
    }
    if s.iter()
        .all(|c| c.is_ascii_alphanumeric() || *c == b'-' || *c == b'.')
    {
        Ok(())
    } else {
        Err("Hostnames may only contain alphanumeric characters, hyphens or dots")
    }
}
/// Redis's validateProcTitleTemplate: `{name}` variables must be known, `{{`
/// is a literal brace, and the expansion (with an empty title, as Redis
/// checks it) must not be blank.
fn check_proc_title(v: &Value) -> Result<(), &'static str> {
    const ERR: &str = "template format is invalid or contains unknown variables";
    let s = str_of(v);
    let mut visible = false;
    let mut i = 0;
    while i < s.len() {
        if s[i] != b'{' {
            visible |= s[i] != b' ';
            i += 1;
            continue;
        }
        match s.get(i + 1) {
            None => return Err(ERR),
            Some(b'{') => {
                visible = true;
                i += 2;
            }
            Some(_) => {
                let close = s[i + 1..].iter().position(|&c| c == b'}').ok_or(ERR)?;
                let var = &s[i + 1..i + 1 + close];
                match var {
                    // Always expand to something.
                    b"listen-addr" | b"port" | b"tls-port" | b"config-file" => visible = true,
                    // Empty while validating (title) or usually empty.
                    b"title" | b"server-mode" | b"unixsocket" => {}
                    _ => return Err(ERR),
                }
                i += close + 2;
            }
        }
    }
    if visible { Ok(()) } else { Err(ERR) }
}
fn check_shutdown(v: &Value) -> Result<(), &'static str> {
    match v {
        Value::Enum(f) if f & SHUTDOWN_SAVE != 0 && f & SHUTDOWN_NOSAVE != 0 => {
            Err("shutdown options SAVE and NOSAVE can't be used simultaneously")
        }
        _ => Ok(()),
    }
}

// ---------------------------------------------------------------------------
// Typed fields.

macro_rules! typed_bool {
    ($f:ident) => {
        Slot::Typed {
            get: |c| Value::Bool(c.$f),
            put: |c, v| {
                if let Value::Bool(b) = v {
                    c.$f = b;
                }
            },
            utf8: false,
        }
    };
}
/// A numeric field; parsing already enforced Redis's range, which fits `$t`.
macro_rules! typed_num {
    ($f:ident, $t:ty) => {
        Slot::Typed {
            get: |c| Value::Int(c.$f as i64),
            put: |c, v| {
                if let Value::Int(n) = v {
                    c.$f = n as $t;
                }
            },
            utf8: false,
        }
    };
}
macro_rules! typed_string {
    ($f:ident) => {
        Slot::Typed {
            get: |c| Value::Str(Some(c.$f.as_bytes().to_vec())),
            put: |c, v| {
                if let Value::Str(s) = v {
                    c.$f = String::from_utf8_lossy(&s.unwrap_or_default()).into_owned();
                }
            },
            utf8: true,
        }
    };
}
macro_rules! typed_opt_string {
    ($f:ident) => {
        Slot::Typed {
            get: |c| Value::Str(c.$f.as_ref().map(|s| s.as_bytes().to_vec())),
            put: |c, v| {
                if let Value::Str(s) = v {
                    c.$f = s.map(|s| String::from_utf8_lossy(&s).into_owned());
                }
            },
            utf8: true,
        }
    };
}
macro_rules! typed_enum {
    ($f:ident, $spec:expr) => {
        Slot::Typed {
            // A name that is not in the enumeration shows as "unknown", as
            // Redis does for a value it cannot name.
            get: |c| Value::Enum($spec.value_of(c.$f.as_bytes()).unwrap_or(-1)),
            put: |c, v| {
                if let Value::Enum(e) = v {
                    c.$f = $spec.name_of(e).into_owned();
                }
            },
            utf8: false,
        }
    };
}

const PORT: Slot = typed_num!(port, u16);
const BIND: Slot = Slot::Typed {
    get: |c| Value::List(c.bind.iter().map(|s| s.as_bytes().to_vec()).collect()),
    put: |c, v| {
        if let Value::List(items) = v {
            c.bind = items
                .iter()
                .map(|s| String::from_utf8_lossy(s).into_owned())
                .collect();
        }
    },
    utf8: true,
};
const REQUIREPASS: Slot = Slot::Typed {
    get: |c| Value::Str(c.requirepass.clone()),
    put: |c, v| {
        if let Value::Str(s) = v {
            c.requirepass = s;
        }
    },
    utf8: false,
};
const OBUF: Slot = Slot::Typed {
    get: |c| Value::OutputBufferLimits(c.client_output_buffer_limit),
    put: |c, v| {
        if let Value::OutputBufferLimits(l) = v {
            c.client_output_buffer_limit = l;
        }
    },
    utf8: false,
};
const SAVE: Slot = Slot::Typed {
    get: |c| Value::Save(c.save.clone()),
    put: |c, v| {
        if let Value::Save(p) = v {
            c.save = p;
        }
    },
    utf8: false,
};

// ---------------------------------------------------------------------------
// The table, in the order of Redis's config.c.

const MOD: u16 = 0;
type D = Directive;

/// Every directive CONFIG GET/SET knows, in Redis's order.
pub static DIRECTIVES: &[Directive] = &[
    // Booleans.
    D::new("rdbchecksum", Kind::Bool, Def::Bool(true), IMMUTABLE, I),
    D::new("daemonize", Kind::Bool, Def::Bool(false), IMMUTABLE, S).typed(typed_bool!(daemonize)),
    D::new(
        "io-threads-do-reads",
        Kind::Bool,
        Def::Bool(false),
        DEBUG | IMMUTABLE,
        I,
    ),
    D::new(
        "always-show-logo",
        Kind::Bool,
        Def::Bool(false),
        IMMUTABLE,
        S,
    )
    .typed(typed_bool!(always_show_logo)),
    D::new("protected-mode", Kind::Bool, Def::Bool(true), MOD, S)
        .typed(typed_bool!(protected_mode)),
    D::new("rdbcompression", Kind::Bool, Def::Bool(true), MOD, I),
    D::new("rdb-del-sync-files", Kind::Bool, Def::Bool(false), MOD, I),
    D::new("activerehashing", Kind::Bool, Def::Bool(true), MOD, I),
    D::new(
        "stop-writes-on-bgsave-error",
        Kind::Bool,
        Def::Bool(true),
        MOD,
        I,
    ),
    D::new("set-proc-title", Kind::Bool, Def::Bool(true), IMMUTABLE, I),
    D::new("dynamic-hz", Kind::Bool, Def::Bool(true), MOD, S).typed(typed_bool!(dynamic_hz)),
    D::new(
        "lazyfree-lazy-eviction",
        Kind::Bool,
        Def::Bool(false),
        DEBUG,
        S,
    )
    .typed(typed_bool!(lazyfree_lazy_eviction)),
    D::new(
        "lazyfree-lazy-expire",
        Kind::Bool,
        Def::Bool(false),
        DEBUG,
        S,
    )
    .typed(typed_bool!(lazyfree_lazy_expire)),
    D::new(
        "lazyfree-lazy-server-del",
        Kind::Bool,
        Def::Bool(false),
        DEBUG,
        S,
    )
    .typed(typed_bool!(lazyfree_lazy_server_del)),
    D::new(
        "lazyfree-lazy-user-del",
        Kind::Bool,
        Def::Bool(false),
        DEBUG,
        S,
    )
    .typed(typed_bool!(lazyfree_lazy_user_del)),
    D::new(
        "lazyfree-lazy-user-flush",
        Kind::Bool,
        Def::Bool(false),
        DEBUG,
        S,
    )
    .typed(typed_bool!(lazyfree_lazy_user_flush)),
    D::new(
        "repl-disable-tcp-nodelay",
        Kind::Bool,
        Def::Bool(false),
        MOD,
        I,
    ),
    D::new("repl-diskless-sync", Kind::Bool, Def::Bool(true), DEBUG, I),
    D::new(
        "aof-rewrite-incremental-fsync",
        Kind::Bool,
        Def::Bool(true),
        MOD,
        I,
    ),
    D::new(
        "no-appendfsync-on-rewrite",
        Kind::Bool,
        Def::Bool(false),
        MOD,
        I,
    ),
    D::new(
        "cluster-require-full-coverage",
        Kind::Bool,
        Def::Bool(true),
        MOD,
        I,
    ),
    D::new(
        "rdb-save-incremental-fsync",
        Kind::Bool,
        Def::Bool(true),
        MOD,
        I,
    ),
    D::new("aof-load-truncated", Kind::Bool, Def::Bool(true), MOD, I),
    D::new("aof-use-rdb-preamble", Kind::Bool, Def::Bool(true), MOD, I),
    D::new(
        "aof-timestamp-enabled",
        Kind::Bool,
        Def::Bool(false),
        MOD,
        I,
    ),
    D::new(
        "cluster-replica-no-failover",
        Kind::Bool,
        Def::Bool(false),
        MOD,
        I,
    )
    .alias(&["cluster-slave-no-failover"]),
    D::new("replica-lazy-flush", Kind::Bool, Def::Bool(false), MOD, I).alias(&["slave-lazy-flush"]),
    D::new(
        "replica-serve-stale-data",
        Kind::Bool,
        Def::Bool(true),
        MOD,
        I,
    )
    .alias(&["slave-serve-stale-data"]),
    D::new("replica-read-only", Kind::Bool, Def::Bool(true), DEBUG, I).alias(&["slave-read-only"]),
    D::new(
        "replica-ignore-maxmemory",
        Kind::Bool,
        Def::Bool(true),
        MOD,
        I,
    )
    .alias(&["slave-ignore-maxmemory"]),
    D::new("jemalloc-bg-thread", Kind::Bool, Def::Bool(true), MOD, I),
    D::new("activedefrag", Kind::Bool, Def::Bool(false), DEBUG, I),
    D::new(
        "syslog-enabled",
        Kind::Bool,
        Def::Bool(false),
        IMMUTABLE,
        unsupported(is_no, "logging to syslog is not implemented"),
    ),
    D::new(
        "cluster-enabled",
        Kind::Bool,
        Def::Bool(false),
        IMMUTABLE,
        unsupported(is_no, "cluster mode is not implemented"),
    ),
    D::new(
        "appendonly",
        Kind::Bool,
        Def::Bool(false),
        DENY_LOADING,
        unsupported(is_no, "AOF persistence is not implemented"),
    ),
    D::new(
        "cluster-allow-reads-when-down",
        Kind::Bool,
        Def::Bool(false),
        MOD,
        I,
    ),
    D::new(
        "cluster-allow-pubsubshard-when-down",
        Kind::Bool,
        Def::Bool(true),
        MOD,
        I,
    ),
    D::new("crash-log-enabled", Kind::Bool, Def::Bool(true), MOD, I),
    D::new(
        "crash-memcheck-enabled",
        Kind::Bool,
        Def::Bool(true),
        MOD,
        I,
    ),
    D::new("use-exit-on-panic", Kind::Bool, Def::Bool(false), HIDDEN, I),
    D::new("disable-thp", Kind::Bool, Def::Bool(true), IMMUTABLE, I),
    D::new(
        "cluster-allow-replica-migration",
        Kind::Bool,
        Def::Bool(true),
        MOD,
        I,
    ),
    D::new("replica-announced", Kind::Bool, Def::Bool(true), MOD, I),
    D::new("latency-tracking", Kind::Bool, Def::Bool(true), MOD, I),
    D::new("aof-disable-auto-gc", Kind::Bool, Def::Bool(false), MOD, I),
    D::new(
        "replica-ignore-disk-write-errors",
        Kind::Bool,
        Def::Bool(false),
        MOD,
        I,
    ),
    // Strings.
    D::new(
        "aclfile",
        string(false),
        Def::Str(Some("")),
        IMMUTABLE,
        unsupported(is_empty_string, "ACL files are not implemented"),
    ),
    D::new("unixsocket", string(true), Def::Str(None), IMMUTABLE, S)
        .typed(typed_opt_string!(unixsocket)),
    D::new("pidfile", string(true), Def::Str(None), IMMUTABLE, S).typed(typed_string!(pidfile)),
    D::new("replica-announce-ip", string(true), Def::Str(None), MOD, I)
        .alias(&["slave-announce-ip"]),
    D::new("masteruser", string(true), Def::Str(None), SENSITIVE, I),
    D::new("cluster-announce-ip", string(true), Def::Str(None), MOD, I),
    D::new(
        "cluster-config-file",
        string(false),
        Def::Str(Some("nodes.conf")),
        IMMUTABLE,
        I,
    ),
    D::new(
        "cluster-announce-hostname",
        string(true),
        Def::Str(None),
        MOD,
        I,
    )
    .check(check_hostname),
    D::new(
        "syslog-ident",
        string(false),
        Def::Str(Some("redis")),
        IMMUTABLE,
        I,
    ),
    D::new(
        "dbfilename",
        string(false),
        Def::Str(Some("dump.rdb")),
        PROTECTED,
        S,
    )
    .typed(typed_string!(dbfilename))
    .check(check_dbfilename),
    D::new(
        "appendfilename",
        string(false),
        Def::Str(Some("appendonly.aof")),
        IMMUTABLE,
        I,
    )
    .check(check_appendfilename),
    D::new(
        "appenddirname",
        string(false),
        Def::Str(Some("appendonlydir")),
        IMMUTABLE,
        I,
    )
    .check(check_appenddirname),
    D::new("server_cpulist", string(true), Def::Str(None), IMMUTABLE, I),
    D::new("bio_cpulist", string(true), Def::Str(None), IMMUTABLE, I),
    D::new(
        "aof_rewrite_cpulist",
        string(true),
        Def::Str(None),
        IMMUTABLE,
        I,
    ),
    D::new("bgsave_cpulist", string(true), Def::Str(None), IMMUTABLE, I),
    D::new("ignore-warnings", string(false), Def::Str(Some("")), MOD, I),
    D::new(
        "proc-title-template",
        string(false),
        Def::Str(Some("{title} {listen-addr} {server-mode}")),
        MOD,
        I,
    )
    .check(check_proc_title),
    D::new("bind-source-addr", string(true), Def::Str(None), MOD, I),
    D::new("logfile", string(false), Def::Str(Some("")), IMMUTABLE, S)
        .typed(typed_string!(logfile)),
    D::new(
        "masterauth",
        Kind::Str {
            binary: true,
            empty_is_null: true,
        },
        Def::Str(None),
        SENSITIVE,
        I,
    ),
    D::new(
        "requirepass",
        Kind::Str {
            binary: true,
            empty_is_null: true,
        },
        Def::Str(None),
        SENSITIVE,
        S,
    )
    .typed(REQUIREPASS),
    // Enumerations.
    D::new(
        "supervised",
        Kind::Enum(&SUPERVISED),
        Def::Enum(0),
        IMMUTABLE,
        unsupported(
            is_enum_zero,
            "readiness notification to upstart or systemd is not implemented",
        ),
    ),
    D::new(
        "syslog-facility",
        Kind::Enum(&SYSLOG_FACILITY),
        Def::Enum(1),
        IMMUTABLE,
        I,
    ),
    D::new(
        "repl-diskless-load",
        Kind::Enum(&REPL_DISKLESS_LOAD),
        Def::Enum(0),
        DEBUG | DENY_LOADING,
        I,
    ),
    D::new("loglevel", Kind::Enum(&LOGLEVEL), Def::Enum(2), MOD, S)
        .typed(typed_enum!(loglevel, LOGLEVEL)),
    // Nothing is evicted (maxmemory stays 0), but OBJECT FREQ, IDLETIME and
    // REFCOUNT answer according to the policy, as in Redis.
    D::new(
        "maxmemory-policy",
        Kind::Enum(&MAXMEMORY_POLICY),
        Def::Enum(7),
        MOD,
        S,
    )
    .typed(typed_enum!(maxmemory_policy, MAXMEMORY_POLICY)),
    D::new("appendfsync", Kind::Enum(&AOF_FSYNC), Def::Enum(0), MOD, I),
    D::new(
        "oom-score-adj",
        Kind::Enum(&OOM_SCORE_ADJ),
        Def::Enum(0),
        MOD,
        I,
    ),
    D::new(
        "acl-pubsub-default",
        Kind::Enum(&ACL_PUBSUB_DEFAULT),
        Def::Enum(0),
        MOD,
        I,
    ),
    D::new(
        "sanitize-dump-payload",
        Kind::Enum(&SANITIZE_DUMP_PAYLOAD),
        Def::Enum(0),
        DEBUG,
        I,
    ),
    D::new(
        "enable-protected-configs",
        Kind::Enum(&PROTECTED_ACTION),
        Def::Enum(0),
        IMMUTABLE,
        S,
    )
    .typed(typed_enum!(enable_protected_configs, PROTECTED_ACTION)),
    D::new(
        "enable-debug-command",
        Kind::Enum(&PROTECTED_ACTION),
        Def::Enum(0),
        IMMUTABLE,
        S,
    )
    .typed(typed_enum!(enable_debug_command, PROTECTED_ACTION)),
    D::new(
        "enable-module-command",
        Kind::Enum(&PROTECTED_ACTION),
        Def::Enum(0),
        IMMUTABLE,
        I,
    ),
    D::new(
        "cluster-preferred-endpoint-type",
        Kind::Enum(&CLUSTER_ENDPOINT),
        Def::Enum(0),
        MOD,
        I,
    ),
    D::new(
        "propagation-error-behavior",
        Kind::Enum(&PROPAGATION_ERROR),
        Def::Enum(0),
        MOD,
        I,
    ),
    D::new(
        "shutdown-on-sigint",
        Kind::Enum(&SHUTDOWN_ON_SIGNAL),
        Def::Enum(0),
        MULTI_ARG,
        unsupported(
            no_save_on_shutdown,
            "saving an RDB snapshot on shutdown is not implemented",
        ),
    )
    .check(check_shutdown),
    D::new(
        "shutdown-on-sigterm",
        Kind::Enum(&SHUTDOWN_ON_SIGNAL),
        Def::Enum(0),
        MULTI_ARG,
        unsupported(
            no_save_on_shutdown,
            "saving an RDB snapshot on shutdown is not implemented",
        ),
    )
    .check(check_shutdown),
    // Integers.
    D::new("databases", int(1, INT_MAX), Def::Int(16), IMMUTABLE, S)
        .typed(typed_num!(databases, usize)),
    D::new("port", int(0, 65535), Def::Int(6379), MOD, S).typed(PORT),
    D::new("io-threads", int(1, 128), Def::Int(1), DEBUG | IMMUTABLE, I),
    D::new(
        "auto-aof-rewrite-percentage",
        int(0, INT_MAX),
        Def::Int(100),
        MOD,
        I,
    ),
    D::new(
        "cluster-replica-validity-factor",
        int(0, INT_MAX),
        Def::Int(10),
        MOD,
        I,
    )
    .alias(&["cluster-slave-validity-factor"]),
    D::new(
        "list-max-listpack-size",
        int(INT_MIN, INT_MAX),
        Def::Int(-2),
        MOD,
        S,
    )
    .alias(&["list-max-ziplist-size"])
    .typed(typed_num!(list_max_listpack_size, i64)),
    D::new("tcp-keepalive", int(0, INT_MAX), Def::Int(300), MOD, S)
        .typed(typed_num!(tcp_keepalive, u64)),
    D::new(
        "cluster-migration-barrier",
        int(0, INT_MAX),
        Def::Int(1),
        MOD,
        I,
    ),
    D::new("active-defrag-cycle-min", int(1, 99), Def::Int(1), MOD, I),
    D::new("active-defrag-cycle-max", int(1, 99), Def::Int(25), MOD, I),
    D::new(
        "active-defrag-threshold-lower",
        int(0, 1000),
        Def::Int(10),
        MOD,
        I,
    ),
    D::new(
        "active-defrag-threshold-upper",
        int(0, 1000),
        Def::Int(100),
        MOD,
        I,
    ),
    D::new("lfu-log-factor", int(0, INT_MAX), Def::Int(10), MOD, I),
    D::new("lfu-decay-time", int(0, INT_MAX), Def::Int(1), MOD, I),
    D::new("replica-priority", int(0, INT_MAX), Def::Int(100), MOD, I).alias(&["slave-priority"]),
    D::new(
        "repl-diskless-sync-delay",
        int(0, INT_MAX),
        Def::Int(5),
        MOD,
        I,
    ),
    D::new("maxmemory-samples", int(1, INT_MAX), Def::Int(5), MOD, I),
    D::new(
        "maxmemory-eviction-tenacity",
        int(0, 100),
        Def::Int(10),
        MOD,
        I,
    ),
    D::new("timeout", int(0, INT_MAX), Def::Int(0), MOD, S).typed(typed_num!(timeout, u64)),
    D::new("replica-announce-port", int(0, 65535), Def::Int(0), MOD, I)
        .alias(&["slave-announce-port"]),
    D::new("tcp-backlog", int(0, INT_MAX), Def::Int(511), IMMUTABLE, S)
        .typed(typed_num!(tcp_backlog, u32)),
    D::new("cluster-port", int(0, 65535), Def::Int(0), IMMUTABLE, I),
    D::new(
        "cluster-announce-bus-port",
        int(0, 65535),
        Def::Int(0),
        MOD,
        I,
    ),
    D::new("cluster-announce-port", int(0, 65535), Def::Int(0), MOD, I),
    D::new(
        "cluster-announce-tls-port",
        int(0, 65535),
        Def::Int(0),
        MOD,
        I,
    ),
    D::new("repl-timeout", int(1, INT_MAX), Def::Int(60), MOD, I),
    D::new(
        "repl-ping-replica-period",
        int(1, INT_MAX),
        Def::Int(10),
        MOD,
        I,
    )
    .alias(&["repl-ping-slave-period"]),
    D::new(
        "list-compress-depth",
        int(0, INT_MAX),
        Def::Int(0),
        DEBUG,
        S,
    )
    .typed(typed_num!(list_compress_depth, u64)),
    D::new(
        "rdb-key-save-delay",
        int(INT_MIN, INT_MAX),
        Def::Int(0),
        HIDDEN,
        I,
    ),
    D::new(
        "key-load-delay",
        int(INT_MIN, INT_MAX),
        Def::Int(0),
        HIDDEN,
        I,
    ),
    D::new("active-expire-effort", int(1, 10), Def::Int(1), MOD, S)
        .typed(typed_num!(active_expire_effort, u32)),
    D::new(
        "hz",
        Kind::Num(Num {
            min: 0,
            max: INT_MAX,
            unsigned: false,
            unit: Unit::Plain,
            clamp: Some((1, 500)),
        }),
        Def::Int(10),
        MOD,
        S,
    )
    .typed(typed_num!(hz, u32)),
    D::new(
        "min-replicas-to-write",
        int(0, INT_MAX),
        Def::Int(0),
        MOD,
        unsupported(
            is_zero,
            "replication is not implemented, so no replica can acknowledge writes",
        ),
    )
    .alias(&["min-slaves-to-write"]),
    D::new(
        "min-replicas-max-lag",
        int(0, INT_MAX),
        Def::Int(10),
        MOD,
        I,
    )
    .alias(&["min-slaves-max-lag"]),
    D::new("watchdog-period", int(0, INT_MAX), Def::Int(0), HIDDEN, I),
    D::new("shutdown-timeout", int(0, INT_MAX), Def::Int(10), MOD, I),
    D::new(
        "repl-diskless-sync-max-replicas",
        int(0, INT_MAX),
        Def::Int(0),
        MOD,
        I,
    ),
    // Unsigned int.
    D::new("maxclients", uint(1, UINT_MAX), Def::Int(10000), MOD, S)
        .typed(typed_num!(maxclients, u64)),
    D::new(
        "unixsocketperm",
        num(0, 0o777, true, Unit::Octal),
        Def::Int(0),
        IMMUTABLE,
        S,
    )
    .typed(typed_num!(unixsocketperm, u32)),
    D::new(
        "socket-mark-id",
        uint(0, UINT_MAX),
        Def::Int(0),
        IMMUTABLE,
        unsupported(is_zero, "marking sockets (SO_MARK) is not implemented"),
    ),
    // Unsigned long (compared as signed by Redis).
    D::new(
        "active-defrag-max-scan-fields",
        int(1, LONG_MAX),
        Def::Int(1000),
        MOD,
        I,
    ),
    D::new("slowlog-max-len", int(0, LONG_MAX), Def::Int(128), MOD, I)
        .typed(typed_num!(slowlog_max_len, u64)),
    D::new("acllog-max-len", int(0, LONG_MAX), Def::Int(128), MOD, I),
    // Long long.
    D::new(
        "busy-reply-threshold",
        int(0, LONG_MAX),
        Def::Int(5000),
        MOD,
        I,
    )
    .alias(&["lua-time-limit"]),
    D::new(
        "cluster-node-timeout",
        int(0, LONG_MAX),
        Def::Int(15000),
        MOD,
        I,
    ),
    D::new(
        "slowlog-log-slower-than",
        int(-1, LONG_MAX),
        Def::Int(10000),
        MOD,
        I,
    )
    .typed(typed_num!(slowlog_log_slower_than, i64)),
    D::new(
        "latency-monitor-threshold",
        int(0, LONG_MAX),
        Def::Int(0),
        MOD,
        I,
    ),
    D::new(
        "proto-max-bulk-len",
        mem(1 << 20, LONG_MAX),
        Def::Int(512 << 20),
        DEBUG,
        S,
    )
    .typed(typed_num!(proto_max_bulk_len, u64)),
    D::new(
        "stream-node-max-entries",
        int(0, LONG_MAX),
        Def::Int(100),
        MOD,
        S,
    )
    .typed(typed_num!(stream_node_max_entries, u64)),
    D::new(
        "repl-backlog-size",
        mem(1, LONG_MAX),
        Def::Int(1 << 20),
        MOD,
        I,
    ),
    // Unsigned long long.
    D::new(
        "maxmemory",
        umem(0, ULLONG_MAX),
        Def::Int(0),
        MOD,
        unsupported(is_zero, "memory limits and eviction are not implemented"),
    )
    .typed(typed_num!(maxmemory, u64)),
    D::new(
        "cluster-link-sendbuf-limit",
        umem(0, ULLONG_MAX),
        Def::Int(0),
        MOD,
        I,
    ),
    // size_t.
    D::new(
        "hash-max-listpack-entries",
        uint(0, LONG_MAX),
        Def::Int(512),
        MOD,
        S,
    )
    .alias(&["hash-max-ziplist-entries"])
    .typed(typed_num!(hash_max_listpack_entries, u64)),
    D::new(
        "set-max-intset-entries",
        uint(0, LONG_MAX),
        Def::Int(512),
        MOD,
        S,
    )
    .typed(typed_num!(set_max_intset_entries, u64)),
    D::new(
        "zset-max-listpack-entries",
        uint(0, LONG_MAX),
        Def::Int(128),
        MOD,
        S,
    )
    .alias(&["zset-max-ziplist-entries"])
    .typed(typed_num!(zset_max_listpack_entries, u64)),
    D::new(
        "active-defrag-ignore-bytes",
        umem(1, LONG_MAX),
        Def::Int(100 << 20),
        MOD,
        I,
    ),
    D::new(
        "hash-max-listpack-value",
        umem(0, LONG_MAX),
        Def::Int(64),
        MOD,
        S,
    )
    .alias(&["hash-max-ziplist-value"])
    .typed(typed_num!(hash_max_listpack_value, u64)),
    D::new(
        "stream-node-max-bytes",
        umem(0, LONG_MAX),
        Def::Int(4096),
        MOD,
        S,
    )
    .typed(typed_num!(stream_node_max_bytes, u64)),
    D::new(
        "zset-max-listpack-value",
        umem(0, LONG_MAX),
        Def::Int(64),
        MOD,
        S,
    )
    .alias(&["zset-max-ziplist-value"])
    .typed(typed_num!(zset_max_listpack_value, u64)),
    D::new(
        "hll-sparse-max-bytes",
        umem(0, LONG_MAX),
        Def::Int(3000),
        MOD,
        S,
    )
    .typed(typed_num!(hll_sparse_max_bytes, u64)),
    D::new(
        "tracking-table-max-keys",
        uint(0, LONG_MAX),
        Def::Int(1_000_000),
        MOD,
        S,
    )
    .typed(typed_num!(tracking_table_max_keys, u64)),
    D::new(
        "client-query-buffer-limit",
        umem(1 << 20, LONG_MAX),
        Def::Int(1 << 30),
        DEBUG,
        S,
    )
    .typed(typed_num!(client_query_buffer_limit, u64)),
    D::new(
        "maxmemory-clients",
        num(-100, LONG_MAX, false, Unit::MemoryOrPercent),
        Def::Int(0),
        MOD,
        unsupported(is_zero, "client eviction is not implemented"),
    ),
    // time_t and off_t.
    D::new("repl-backlog-ttl", int(0, LONG_MAX), Def::Int(3600), MOD, I),
    D::new(
        "auto-aof-rewrite-min-size",
        mem(0, LONG_MAX),
        Def::Int(64 << 20),
        MOD,
        I,
    ),
    D::new(
        "loading-process-events-interval-bytes",
        int(1024, INT_MAX),
        Def::Int(2 << 20),
        HIDDEN,
        I,
    ),
    // TLS (Redis built with TLS support, as Debian's is).
    D::new(
        "tls-port",
        int(0, 65535),
        Def::Int(0),
        MOD,
        unsupported(is_zero, "TLS is not implemented"),
    ),
    D::new(
        "tls-session-cache-size",
        int(0, INT_MAX),
        Def::Int(20 * 1024),
        MOD,
        I,
    ),
    D::new(
        "tls-session-cache-timeout",
        int(0, INT_MAX),
        Def::Int(300),
        MOD,
        I,
    ),
    D::new("tls-cluster", Kind::Bool, Def::Bool(false), MOD, I),
    D::new("tls-replication", Kind::Bool, Def::Bool(false), MOD, I),
    D::new(
        "tls-auth-clients",
        Kind::Enum(&TLS_AUTH_CLIENTS),
        Def::Enum(1),
        MOD,
        I,
    ),
    D::new(
        "tls-prefer-server-ciphers",
        Kind::Bool,
        Def::Bool(false),
        MOD,
        I,
    ),
    D::new("tls-session-caching", Kind::Bool, Def::Bool(true), MOD, I),
    D::new("tls-cert-file", string(true), Def::Str(None), MOD, I),
    D::new("tls-key-file", string(true), Def::Str(None), MOD, I),
    D::new(
        "tls-key-file-pass",
        string(true),
        Def::Str(None),
        SENSITIVE,
        I,
    ),
    D::new("tls-client-cert-file", string(true), Def::Str(None), MOD, I),
    D::new("tls-client-key-file", string(true), Def::Str(None), MOD, I),
    D::new(
        "tls-client-key-file-pass",
        string(true),
        Def::Str(None),
        SENSITIVE,
        I,
    ),
    D::new("tls-dh-params-file", string(true), Def::Str(None), MOD, I),
    D::new("tls-ca-cert-file", string(true), Def::Str(None), MOD, I),
    D::new("tls-ca-cert-dir", string(true), Def::Str(None), MOD, I),
    D::new("tls-protocols", string(true), Def::Str(None), MOD, I),
    D::new("tls-ciphers", string(true), Def::Str(None), MOD, I),
    D::new("tls-ciphersuites", string(true), Def::Str(None), MOD, I),
    // Special directives.
    D::new("dir", Kind::Dir, Def::Special, PROTECTED | DENY_LOADING, S).typed(typed_string!(dir)),
    D::new(
        "save",
        Kind::Save,
        Def::Special,
        MULTI_ARG,
        unsupported(no_save_points, "RDB snapshots are not implemented"),
    )
    .typed(SAVE),
    D::new(
        "client-output-buffer-limit",
        Kind::OutputBufferLimit,
        Def::Special,
        MULTI_ARG,
        S,
    )
    .typed(OBUF),
    D::new(
        "oom-score-adj-values",
        Kind::OomScoreAdjValues,
        Def::Special,
        MULTI_ARG,
        I,
    ),
    D::new(
        "notify-keyspace-events",
        Kind::NotifyKeyspaceEvents,
        Def::Special,
        MOD,
        S,
    )
    .typed(Slot::Typed {
        get: |c| Value::Notify(c.notify_keyspace_events),
        put: |c, v| {
            if let Value::Notify(flags) = v {
                c.notify_keyspace_events = flags;
            }
        },
        utf8: false,
    }),
    D::new("bind", Kind::Bind, Def::Special, MULTI_ARG, S).typed(BIND),
    D::new(
        "replicaof",
        Kind::ReplicaOf,
        Def::Special,
        IMMUTABLE | MULTI_ARG,
        unsupported(no_master, "replication is not implemented"),
    )
    .alias(&["slaveof"]),
    D::new(
        "latency-tracking-info-percentiles",
        Kind::Percentiles,
        Def::Special,
        MULTI_ARG,
        I,
    ),
];

/// Directives only configuration files know (not CONFIG GET/SET), besides
/// `include`, which kv supports.
pub static FILE_DIRECTIVES: &[FileDirective] = &[
    FileDirective {
        name: "include",
        support: S,
    },
    FileDirective {
        name: "rename-command",
        support: S,
    },
    FileDirective {
        name: "user",
        support: unsupported(
            never,
            "ACL users other than an unrestricted default user are not implemented",
        ),
    },
    FileDirective {
        name: "loadmodule",
        support: unsupported(never, "modules are not implemented"),
    },
    FileDirective {
        name: "sentinel",
        support: unsupported(never, "sentinel mode is not implemented"),
    },
    // Deprecated: Redis 7.0 accepts them (with one value) and ignores them.
    FileDirective {
        name: "list-max-ziplist-entries",
        support: I,
    },
    FileDirective {
        name: "list-max-ziplist-value",
        support: I,
    },
    FileDirective {
        name: "lua-replicate-commands",
        support: I,
    },
];

/// Finds a directive by name or alias, case-insensitively. Returns its index
/// and the registered name that matched (the canonical name or the alias).
pub(crate) fn lookup(name: &[u8]) -> Option<(usize, &'static str)> {
    DIRECTIVES.iter().enumerate().find_map(|(i, d)| {
        std::iter::once(d.name)
            .chain(d.aliases.iter().copied())
            .find(|n| n.as_bytes().eq_ignore_ascii_case(name))
            .map(|n| (i, n))
    })
}
