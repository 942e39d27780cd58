//! The declarative command table: one [`Command`] entry per Redis command (and per
//! subcommand), holding everything Redis keeps in its generated commands.def —
//! arity, flags, key positions, ACL categories, docs — *and the handler*.
//!
//! The table ([`table::COMMANDS`]) is the only list of command names in kv. It drives
//! lookup, arity and unknown-command errors (in the dispatcher), COMMAND INFO/DOCS/
//! LIST/COUNT/GETKEYS, INFO commandstats, and `cargo xtask codegen`'s docs/commands.md.
//!
//! Invariants:
//! - Names are lowercase; a subcommand's `name` is its full name (`client|list`).
//! - A container (CLIENT, CONFIG, ...) has `handler: None` and non-empty
//!   `subcommands`; every other entry has a handler.
//! - Lookup never allocates: the requested name is lowercased into a stack buffer.

pub mod rename;
pub mod syntax;
pub mod table;

use std::sync::OnceLock;

use hashbrown::HashMap;

use crate::Ctx;
use crate::error::CmdResult;
use resp_proto::Argv;

/// A command body. It writes its reply through `ctx.reply` and returns `Ok`, or
/// returns the error for the dispatcher to reply with.
pub type Handler = fn(&mut Ctx<'_>, Argv<'_>) -> CmdResult;

/// Command flags, named as COMMAND INFO names them (server.h CMD_*).
pub mod flags {
    pub const WRITE: u32 = 1 << 0;
    pub const READONLY: u32 = 1 << 1;
    pub const DENYOOM: u32 = 1 << 2;
    pub const ADMIN: u32 = 1 << 4;
    pub const PUBSUB: u32 = 1 << 5;
    pub const NOSCRIPT: u32 = 1 << 6;
    pub const BLOCKING: u32 = 1 << 8;
    pub const LOADING: u32 = 1 << 9;
    pub const STALE: u32 = 1 << 10;
    pub const SKIP_MONITOR: u32 = 1 << 11;
    pub const SKIP_SLOWLOG: u32 = 1 << 12;
    pub const ASKING: u32 = 1 << 13;
    pub const FAST: u32 = 1 << 14;
    pub const NO_AUTH: u32 = 1 << 15;
    pub const MAY_REPLICATE: u32 = 1 << 16;
    pub const SENTINEL: u32 = 1 << 17;
    pub const NO_MANDATORY_KEYS: u32 = 1 << 19;
    pub const PROTECTED: u32 = 1 << 20;
    pub const NO_ASYNC_LOADING: u32 = 1 << 23;
    pub const NO_MULTI: u32 = 1 << 24;
    pub const MOVABLE_KEYS: u32 = 1 << 25;
    pub const ALLOW_BUSY: u32 = 1 << 26;

    /// In the order Redis's COMMAND INFO lists them.
    pub const NAMES: &[(u32, &str)] = &[
        (WRITE, "write"),
        (READONLY, "readonly"),
        (DENYOOM, "denyoom"),
        (ADMIN, "admin"),
        (PUBSUB, "pubsub"),
        (NOSCRIPT, "noscript"),
        (BLOCKING, "blocking"),
        (LOADING, "loading"),
        (STALE, "stale"),
        (SKIP_MONITOR, "skip_monitor"),
        (SKIP_SLOWLOG, "skip_slowlog"),
        (ASKING, "asking"),
        (FAST, "fast"),
        (NO_AUTH, "no_auth"),
        // may_replicate, sentinel and protected are hidden, as in Redis.
        (NO_MANDATORY_KEYS, "no_mandatory_keys"),
        (NO_ASYNC_LOADING, "no_async_loading"),
        (NO_MULTI, "no_multi"),
        (MOVABLE_KEYS, "movablekeys"),
        (ALLOW_BUSY, "allow_busy"),
    ];
}

/// ACL categories (server.h ACL_CATEGORY_*). Those implied by flags (write, read,
/// fast/slow, admin, dangerous, pubsub, blocking) are added by [`Command::acl_categories`],
/// as Redis's setImplicitACLCategories does, so entries list only the others.
pub mod acl {
    pub const KEYSPACE: u64 = 1 << 0;
    pub const READ: u64 = 1 << 1;
    pub const WRITE: u64 = 1 << 2;
    pub const SET: u64 = 1 << 3;
    pub const SORTEDSET: u64 = 1 << 4;
    pub const LIST: u64 = 1 << 5;
    pub const HASH: u64 = 1 << 6;
    pub const STRING: u64 = 1 << 7;
    pub const BITMAP: u64 = 1 << 8;
    pub const HYPERLOGLOG: u64 = 1 << 9;
    pub const GEO: u64 = 1 << 10;
    pub const STREAM: u64 = 1 << 11;
    pub const PUBSUB: u64 = 1 << 12;
    pub const ADMIN: u64 = 1 << 13;
    pub const FAST: u64 = 1 << 14;
    pub const SLOW: u64 = 1 << 15;
    pub const BLOCKING: u64 = 1 << 16;
    pub const DANGEROUS: u64 = 1 << 17;
    pub const CONNECTION: u64 = 1 << 18;
    pub const TRANSACTION: u64 = 1 << 19;
    pub const SCRIPTING: u64 = 1 << 20;

    pub const NAMES: &[(u64, &str)] = &[
        (KEYSPACE, "keyspace"),
        (READ, "read"),
        (WRITE, "write"),
        (SET, "set"),
        (SORTEDSET, "sortedset"),
        (LIST, "list"),
        (HASH, "hash"),
        (STRING, "string"),
        (BITMAP, "bitmap"),
        (HYPERLOGLOG, "hyperloglog"),
        (GEO, "geo"),
        (STREAM, "stream"),
        (PUBSUB, "pubsub"),
        (ADMIN, "admin"),
        (FAST, "fast"),
        (SLOW, "slow"),
        (BLOCKING, "blocking"),
        (DANGEROUS, "dangerous"),
        (CONNECTION, "connection"),
        (TRANSACTION, "transaction"),
        (SCRIPTING, "scripting"),
    ];
}

/// Command groups, as COMMAND DOCS reports them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    Generic,
    String,
    List,
    Hash,
    Set,
    SortedSet,
    Connection,
    Server,
    PubSub,
    Transactions,
    Bitmap,
    HyperLogLog,
    Stream,
    Geo,
}

impl Group {
    pub fn name(self) -> &'static str {
        match self {
            Group::Generic => "generic",
            Group::String => "string",
            Group::List => "list",
            Group::Hash => "hash",
            Group::Set => "set",
            Group::SortedSet => "sorted-set",
            Group::Connection => "connection",
            Group::Server => "server",
            Group::PubSub => "pubsub",
            Group::Transactions => "transactions",
            Group::Bitmap => "bitmap",
            Group::HyperLogLog => "hyperloglog",
            Group::Stream => "stream",
            Group::Geo => "geo",
        }
    }
}

/// Key positions in the legacy (first, last, step) form plus the key-spec flags
/// COMMAND INFO's key specifications report (`RW`, `access`, `update`, ...).
/// `last` is negative when counted from the end (-1: the last argument).
#[derive(Debug, Clone, Copy)]
pub struct Keys {
    pub first: i32,
    pub last: i32,
    pub step: i32,
    pub spec_flags: &'static [&'static str],
    /// For commands whose two keys have different access (RENAME, COPY): the
    /// flags of the key right after `first`, reported as a second key spec.
    pub second_flags: &'static [&'static str],
    /// Keys counted by a `numkeys` argument (ZUNION, LMPOP...): the position
    /// of that argument (0: none); the keys follow it. Reported as a "keynum"
    /// key spec with `keynum_flags`.
    pub keynum_at: i32,
    pub keynum_flags: &'static [&'static str],
}

impl Keys {
    pub const NONE: Keys = Keys {
        first: 0,
        last: 0,
        step: 0,
        spec_flags: &[],
        second_flags: &[],
        keynum_at: 0,
        keynum_flags: &[],
    };

    /// One key at argument 1.
    pub const fn one(spec_flags: &'static [&'static str]) -> Keys {
        Keys {
            first: 1,
            last: 1,
            step: 1,
            spec_flags,
            second_flags: &[],
            keynum_at: 0,
            keynum_flags: &[],
        }
    }

    /// Two keys at 1 and 2 with different access flags.
    pub const fn pair(
        spec_flags: &'static [&'static str],
        second_flags: &'static [&'static str],
    ) -> Keys {
        Keys {
            first: 1,
            last: 2,
            step: 1,
            spec_flags,
            second_flags,
            keynum_at: 0,
            keynum_flags: &[],
        }
    }

    /// A destination at 1 and sources from 2 to the end with other flags
    /// (SINTERSTORE: COMMAND INFO 1 -1 1, two key specs).
    pub const fn store(
        dst_flags: &'static [&'static str],
        src_flags: &'static [&'static str],
    ) -> Keys {
        Keys {
            first: 1,
            last: -1,
            step: 1,
            spec_flags: dst_flags,
            second_flags: src_flags,
            keynum_at: 0,
            keynum_flags: &[],
        }
    }

    /// Keys counted by the `numkeys` argument at `at` (ZUNION, LMPOP, BZMPOP):
    /// no fixed positions (COMMAND INFO 0 0 0), one keynum key spec.
    pub const fn numkeys(at: i32, flags: &'static [&'static str]) -> Keys {
        Keys {
            first: 0,
            last: 0,
            step: 0,
            spec_flags: &[],
            second_flags: &[],
            keynum_at: at,
            keynum_flags: flags,
        }
    }

    /// A destination at 1, then keys counted by `numkeys` at 2 (ZUNIONSTORE).
    pub const fn store_numkeys(
        dst_flags: &'static [&'static str],
        src_flags: &'static [&'static str],
    ) -> Keys {
        Keys {
            first: 1,
            last: 1,
            step: 1,
            spec_flags: dst_flags,
            second_flags: &[],
            keynum_at: 2,
            keynum_flags: src_flags,
        }
    }

    pub const fn range(
        first: i32,
        last: i32,
        step: i32,
        spec_flags: &'static [&'static str],
    ) -> Keys {
        Keys {
            first,
            last,
            step,
            spec_flags,
            second_flags: &[],
            keynum_at: 0,
            keynum_flags: &[],
        }
    }

    pub fn is_none(&self) -> bool {
        self.first == 0 && self.keynum_at == 0
    }

    /// Argument positions of the keys in a call, with the flags of each.
    pub fn positions_of(&self, argv: &[&[u8]]) -> Vec<(usize, &'static [&'static str])> {
        let argc = argv.len();
        let mut out: Vec<(usize, &'static [&'static str])> = self
            .positions(argc)
            .into_iter()
            .map(|p| {
                let flags = if p > self.first as usize && !self.second_flags.is_empty() {
                    self.second_flags
                } else {
                    self.spec_flags
                };
                (p, flags)
            })
            .collect();
        if self.keynum_at > 0 {
            let at = self.keynum_at as usize;
            let count = argv
                .get(at)
                .and_then(|n| resp_proto::parse_i64(n))
                .unwrap_or(0)
                .max(0) as usize;
            for p in at + 1..=(at + count).min(argc.saturating_sub(1)) {
                out.push((p, self.keynum_flags));
            }
        }
        out
    }

    /// Argument positions of the fixed (first/last/step) keys in a call with
    /// `argc` arguments.
    pub fn positions(&self, argc: usize) -> Vec<usize> {
        if self.first == 0 || argc <= self.first as usize {
            return Vec::new();
        }
        let last = if self.last < 0 {
            argc as i64 + self.last as i64
        } else {
            self.last as i64
        };
        let mut out = Vec::new();
        let mut i = self.first as i64;
        while i <= last && (i as usize) < argc {
            out.push(i as usize);
            i += self.step.max(1) as i64;
        }
        out
    }
}

/// A key specification [`Keys`] cannot express (Redis's `keyword` and
/// `unknown` begin-search types), reported by COMMAND INFO after those of
/// `keys`: GEORADIUS's `STORE key`, SORT's BY/GET/STORE keys, the keys after
/// XREAD's `STREAMS`.
#[derive(Debug, Clone, Copy)]
pub struct KeySpec {
    /// COMMAND INFO's `notes` (empty: none).
    pub notes: &'static str,
    pub flags: &'static [&'static str],
    /// `Some((keyword, startfrom))`: the keys follow the first `keyword`
    /// searched from argument `startfrom` on, as `range` says; None: unknown,
    /// the command's [`GetKeys`] finds them.
    pub keyword: Option<(&'static str, i32)>,
    pub range: KeyRange,
}

/// Which arguments after a keyword are keys (Redis's `range` find_keys).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyRange {
    /// The last key, from the first one (negative: from the end, or with a
    /// `limit`, from the end of the `1/limit` share of what follows).
    pub lastkey: i32,
    pub keystep: i32,
    /// 0: none; n: the keys are the first 1/n of the arguments that follow.
    pub limit: i32,
}

impl KeyRange {
    /// One key, right after the keyword (GEORADIUS ... STORE key).
    pub const ONE: KeyRange = KeyRange {
        lastkey: 0,
        keystep: 1,
        limit: 0,
    };
    /// The first half of what follows (XREAD ... STREAMS key ... id ...).
    pub const FIRST_HALF: KeyRange = KeyRange {
        lastkey: -1,
        keystep: 1,
        limit: 2,
    };

    /// The key positions of a call with `argc` arguments whose first key is
    /// at `first` (Redis's getKeysUsingKeySpecs).
    fn positions(self, first: usize, argc: usize) -> Vec<usize> {
        let (first_i, argc_i) = (first as i64, argc as i64);
        let (lastkey, limit) = (i64::from(self.lastkey), i64::from(self.limit));
        let last = if lastkey >= 0 {
            first_i + lastkey
        } else if limit == 0 {
            argc_i + lastkey
        } else {
            first_i + (argc_i - first_i) / limit + lastkey
        };
        let last = last.min(argc_i - 1);
        if last < first_i {
            return Vec::new();
        }
        (first..=last as usize)
            .step_by(self.keystep.max(1) as usize)
            .collect()
    }
}

/// Redis's getkeys_proc, for a command whose key specs cannot locate every
/// key of a call (SORT's STORE may appear anywhere): the keys' positions and
/// flags.
pub type GetKeys = fn(&[&[u8]]) -> Vec<(usize, &'static [&'static str])>;

/// One entry of the command table.
#[derive(Debug)]
pub struct Command {
    pub name: &'static str,
    /// Redis arity: N means exactly N arguments (name included), -N at least N.
    pub arity: i32,
    pub flags: u32,
    /// Explicit ACL categories; see [`acl`].
    pub acl: u64,
    pub keys: Keys,
    pub group: Group,
    pub since: &'static str,
    pub summary: &'static str,
    pub complexity: &'static str,
    /// Arguments as in Redis's docs, e.g. `key value [NX|XX]`; COMMAND DOCS and
    /// docs/commands.md show it.
    pub syntax: &'static str,
    /// Command tips (`request_policy:...`, `nondeterministic_output`, ...).
    pub tips: &'static [&'static str],
    /// Key specs after those of `keys` (see [`KeySpec`]).
    pub more_keys: &'static [KeySpec],
    /// Finds the keys when the specs cannot (see [`GetKeys`]).
    pub getkeys: Option<GetKeys>,
    pub handler: Option<Handler>,
    pub subcommands: &'static [Command],
    /// Whether argument `i` holds a secret (AUTH's password...), which logs
    /// such as SLOWLOG show as `(redacted)`.
    pub redact: Option<fn(&Argv<'_>, usize) -> bool>,
    /// COMMAND DOCS `doc_flags` (`syscmd` for internal commands).
    pub doc_flags: &'static [&'static str],
    /// The `notes` of the first key specification (COMMAND INFO).
    pub key_notes: &'static str,
}

/// The defaults every table entry starts from (`..Command::BASE`).
impl Command {
    pub const BASE: Command = Command {
        name: "",
        arity: 0,
        flags: 0,
        acl: 0,
        keys: Keys::NONE,
        group: Group::Generic,
        since: "1.0.0",
        summary: "",
        complexity: "O(1)",
        syntax: "",
        tips: &[],
        more_keys: &[],
        getkeys: None,
        handler: None,
        subcommands: &[],
        redact: None,
        doc_flags: &[],
        key_notes: "",
    };

    pub fn has(&self, flag: u32) -> bool {
        self.flags & flag != 0
    }

    /// The keys of a call and their flags, as COMMAND GETKEYS finds them:
    /// the getkeys procedure if the command has one (Redis falls back to it
    /// because such a command's specs are incomplete), else the specs.
    pub fn key_positions(&self, argv: &[&[u8]]) -> Vec<(usize, &'static [&'static str])> {
        if let Some(getkeys) = self.getkeys {
            return getkeys(argv);
        }
        let mut out = self.keys.positions_of(argv);
        for spec in self.more_keys {
            let Some((keyword, startfrom)) = spec.keyword else {
                continue;
            };
            // Redis's search stops before the last argument: a keyword there
            // has no key after it.
            let from = startfrom.max(1) as usize;
            let found = (from..argv.len().saturating_sub(1))
                .find(|&i| argv[i].eq_ignore_ascii_case(keyword.as_bytes()));
            if let Some(i) = found {
                out.extend(
                    spec.range
                        .positions(i + 1, argv.len())
                        .into_iter()
                        .map(|p| (p, spec.flags)),
                );
            }
        }
        out
    }

    /// The name a subcommand shows on its own (`list` for `client|list`).
    pub fn short_name(&self) -> &'static str {
        self.name.rsplit('|').next().unwrap_or(self.name)
    }

    /// Explicit and implied categories, as ACL and COMMAND INFO see them.
    pub fn acl_categories(&self) -> u64 {
        let mut cats = self.acl;
        if self.has(flags::WRITE) {
            cats |= acl::WRITE;
        }
        if self.has(flags::READONLY) && cats & acl::SCRIPTING == 0 {
            cats |= acl::READ;
        }
        if self.has(flags::ADMIN) {
            cats |= acl::ADMIN | acl::DANGEROUS;
        }
        if self.has(flags::PUBSUB) {
            cats |= acl::PUBSUB;
        }
        if self.has(flags::FAST) {
            cats |= acl::FAST;
        }
        if self.has(flags::BLOCKING) {
            cats |= acl::BLOCKING;
        }
        if cats & acl::FAST == 0 {
            cats |= acl::SLOW;
        }
        cats
    }

    /// Whether `argc` arguments satisfy the arity.
    pub fn arity_ok(&self, argc: usize) -> bool {
        let argc = argc as i64;
        let arity = self.arity as i64;
        if arity >= 0 {
            argc == arity
        } else {
            argc >= -arity
        }
    }

    pub fn subcommand(&self, name: &[u8]) -> Option<(&'static Command, CommandIndex)> {
        index().find_sub(self.name, name)
    }
}

/// Dense number of a command or subcommand, indexing per-command statistics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommandIndex(pub u16);

/// Longest command name kv accepts for lookup; longer names cannot match.
pub(crate) const MAX_NAME: usize = 32;

pub struct Index {
    top: HashMap<&'static [u8], (&'static Command, CommandIndex)>,
    subs: HashMap<(&'static str, &'static [u8]), (&'static Command, CommandIndex)>,
    /// Every command and subcommand, by CommandIndex.
    pub all: Vec<&'static Command>,
}

impl Index {
    fn build() -> Index {
        let mut index = Index {
            top: HashMap::new(),
            subs: HashMap::new(),
            all: Vec::new(),
        };
        for cmd in table::FAMILIES.iter().flat_map(|f| f.iter()) {
            let id = CommandIndex(index.all.len() as u16);
            index.all.push(cmd);
            index.top.insert(cmd.name.as_bytes(), (cmd, id));
            for sub in cmd.subcommands {
                let id = CommandIndex(index.all.len() as u16);
                index.all.push(sub);
                index
                    .subs
                    .insert((cmd.name, sub.short_name().as_bytes()), (sub, id));
            }
        }
        index
    }

    /// Case-insensitive lookup of a top-level command, without allocating.
    pub fn find(&self, name: &[u8]) -> Option<(&'static Command, CommandIndex)> {
        let mut buf = [0u8; MAX_NAME];
        let lower = lowercase_into(name, &mut buf)?;
        self.top.get(lower).copied()
    }

    pub fn find_sub(
        &self,
        parent: &'static str,
        name: &[u8],
    ) -> Option<(&'static Command, CommandIndex)> {
        let mut buf = [0u8; MAX_NAME];
        let lower = lowercase_into(name, &mut buf)?;
        self.subs.get(&(parent, lower)).copied()
    }

    /// Top-level commands in table order.
    pub fn top_level(&self) -> impl Iterator<Item = &'static Command> {
        table::FAMILIES.iter().flat_map(|f| f.iter())
    }
}

pub(crate) fn lowercase_into<'a>(name: &[u8], buf: &'a mut [u8; MAX_NAME]) -> Option<&'a [u8]> {
    if name.len() > MAX_NAME {
        return None;
    }
    let dst = &mut buf[..name.len()];
    dst.copy_from_slice(name);
    dst.make_ascii_lowercase();
    Some(dst)
}

/// The process-wide command index, built on first use.
pub fn index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(Index::build)
}
