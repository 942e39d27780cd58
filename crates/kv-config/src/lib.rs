//! kv-config: Redis 7.0.15's configuration for kv — every directive, parsed,
//! shown, changed and rewritten as redis-server does it.
//!
//! * [`Config::load`] / [`Config::from_args`]: redis.conf text and
//!   redis-server's command line, with Redis's rules and its fatal report.
//! * [`Config::get`] / [`Config::set`]: CONFIG GET and CONFIG SET (all or
//!   nothing, Redis's error texts).
//! * [`Config::rewrite`]: CONFIG REWRITE's algorithm on the old file's text.
//! * [`DIRECTIVES`]: the declarative table, with each directive's support
//!   status in kv ([`Support`]): `Supported`, `Ignored` (stored, logged at
//!   startup, no effect), or `Unsupported` (only values that promise nothing kv
//!   breaks are accepted; others are refused with a clear message).
//!
//! The crate does no I/O: files come in through callbacks, so everything can be
//! tested on strings.
//!
//! Invariants: the typed fields of [`Config`] are the source of truth for the
//! directives kv acts on (the server may adjust them directly, e.g. `maxclients`
//! after raising the fd limit, and CONFIG GET shows the adjusted value); every
//! other directive lives in a private store. A value only enters either place
//! after passing Redis's parser, range and checks, and kv's support status.

mod cparse;
mod error;
mod rewrite;
mod table;
mod value;

use std::borrow::Cow;
use std::io;

pub use error::{ConfigError, ConfigSetError, REDIS_VERSION};
pub use table::{
    DEBUG, DENY_LOADING, DIRECTIVES, Def, Directive, FILE_DIRECTIVES, FileDirective, HIDDEN,
    IMMUTABLE, MULTI_ARG, PROTECTED, SENSITIVE, Support,
};
pub use value::{EnumSpec, Kind, Num, OutputBufferLimit, SaveParam, Unit, Value, notify};

use table::{Slot, lookup};
use value::{Mode, parse, show};

/// The running configuration.
///
/// The public fields are the directives kv acts on (and a few it reads, like
/// `maxmemory`); everything else is reachable through [`Config::get`]. Change
/// values with [`Config::set`] so that Redis's checks apply; writing a field
/// directly is for the server's own adjustments.
#[derive(Clone)]
pub struct Config {
    pub port: u16,
    /// Addresses to listen on; `-` before one makes it optional. Empty: none.
    pub bind: Vec<String>,
    pub protected_mode: bool,
    pub tcp_backlog: u32,
    pub unixsocket: Option<String>,
    pub unixsocketperm: u32,
    /// Idle client timeout in seconds (0: never).
    pub timeout: u64,
    pub tcp_keepalive: u64,
    pub databases: usize,
    pub requirepass: Option<Vec<u8>>,
    pub maxclients: u64,
    /// Already limited to 1..=500, as Redis does.
    pub hz: u32,
    pub dynamic_hz: bool,
    pub proto_max_bulk_len: u64,
    pub client_query_buffer_limit: u64,
    /// normal, replica, pubsub.
    pub client_output_buffer_limit: [OutputBufferLimit; 3],
    /// debug, verbose, notice or warning.
    pub loglevel: String,
    /// Empty: standard output.
    pub logfile: String,
    /// Empty: none configured.
    pub pidfile: String,
    pub daemonize: bool,
    /// Working directory. Empty until known: the server should store the
    /// absolute path after changing to it, as CONFIG GET dir shows it.
    pub dir: String,
    pub dbfilename: String,
    /// no, yes or local.
    pub enable_debug_command: String,
    /// no, yes or local.
    pub enable_protected_configs: String,
    pub always_show_logo: bool,
    pub active_expire_effort: u32,
    pub lazyfree_lazy_eviction: bool,
    pub lazyfree_lazy_expire: bool,
    pub lazyfree_lazy_server_del: bool,
    pub lazyfree_lazy_user_del: bool,
    pub lazyfree_lazy_user_flush: bool,
    pub hash_max_listpack_entries: u64,
    pub hash_max_listpack_value: u64,
    pub set_max_intset_entries: u64,
    pub zset_max_listpack_entries: u64,
    pub zset_max_listpack_value: u64,
    pub list_max_listpack_size: i64,
    pub list_compress_depth: u64,
    pub stream_node_max_bytes: u64,
    pub stream_node_max_entries: u64,
    pub hll_sparse_max_bytes: u64,
    /// `notify-keyspace-events` as Redis's NOTIFY_* bits (see [`notify`]).
    pub notify_keyspace_events: u32,
    /// Keys the tracking table may hold before invalidating the oldest (0: no limit).
    pub tracking_table_max_keys: u64,
    /// The `rename-command` lines, in file order (kv-engine checks and applies
    /// them: only it knows the command table).
    pub command_renames: Vec<CommandRename>,
    /// Microseconds a command must take to be logged in SLOWLOG (negative: never).
    pub slowlog_log_slower_than: i64,
    /// Entries SLOWLOG keeps.
    pub slowlog_max_len: u64,
    /// Always 0 today (`maxmemory` is Unsupported otherwise).
    pub maxmemory: u64,
    pub maxmemory_policy: String,
    /// Always empty today (kv writes no RDB).
    pub save: Vec<SaveParam>,
    /// Values of directives without a typed field, by index in [`DIRECTIVES`].
    stored: Vec<Value>,
    /// Directives named by the loaded file or command line, first mention first.
    mentioned: Vec<&'static str>,
}

/// Who is asking for a CONFIG SET.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SetOptions {
    /// The client is local (loopback or unix socket): `enable-protected-configs
    /// local` lets it change protected directives.
    pub local_client: bool,
    /// The dataset is loading: DENY_LOADING directives are refused.
    pub loading: bool,
}

/// An apply step (rebinding a port, changing directory...) failed after a
/// CONFIG SET was parsed: the change is rolled back and reported under `name`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApplyError {
    /// The canonical name of the directive whose change failed.
    pub name: &'static str,
    /// The reason, as the client should read it.
    pub message: String,
}

/// The apply step of [`Config::set_with`]: gets the configuration with the new
/// values and the canonical names that changed.
pub type ApplyFn<'a> = &'a mut dyn FnMut(&Config, &[&'static str]) -> Result<(), ApplyError>;

/// How deep `include` may nest before kv calls it a loop (Redis has no limit
/// and would recurse until it crashes).
const MAX_INCLUDE_DEPTH: usize = 16;

impl Default for Config {
    /// Redis 7.0.15's defaults, except `save ""`: kv writes no RDB yet.
    fn default() -> Config {
        let mut c = Config {
            port: 0,
            bind: Vec::new(),
            protected_mode: false,
            tcp_backlog: 0,
            unixsocket: None,
            unixsocketperm: 0,
            timeout: 0,
            tcp_keepalive: 0,
            databases: 0,
            requirepass: None,
            maxclients: 0,
            hz: 0,
            dynamic_hz: false,
            proto_max_bulk_len: 0,
            client_query_buffer_limit: 0,
            client_output_buffer_limit: [OutputBufferLimit::default(); 3],
            loglevel: String::new(),
            logfile: String::new(),
            pidfile: String::new(),
            daemonize: false,
            dir: String::new(),
            dbfilename: String::new(),
            enable_debug_command: String::new(),
            enable_protected_configs: String::new(),
            always_show_logo: false,
            active_expire_effort: 0,
            lazyfree_lazy_eviction: false,
            lazyfree_lazy_expire: false,
            lazyfree_lazy_server_del: false,
            lazyfree_lazy_user_del: false,
            lazyfree_lazy_user_flush: false,
            hash_max_listpack_entries: 0,
            hash_max_listpack_value: 0,
            set_max_intset_entries: 0,
            zset_max_listpack_entries: 0,
            zset_max_listpack_value: 0,
            list_max_listpack_size: 0,
            list_compress_depth: 0,
            stream_node_max_bytes: 0,
            stream_node_max_entries: 0,
            hll_sparse_max_bytes: 0,
            notify_keyspace_events: 0,
            tracking_table_max_keys: 0,
            command_renames: Vec::new(),
            slowlog_log_slower_than: 0,
            slowlog_max_len: 0,
            maxmemory: 0,
            maxmemory_policy: String::new(),
            save: Vec::new(),
            stored: DIRECTIVES.iter().map(Directive::default_value).collect(),
            mentioned: Vec::new(),
        };
        for (i, d) in DIRECTIVES.iter().enumerate() {
            c.put(i, d.default_value());
        }
        c
    }
}

impl PartialEq for Config {
    /// Equal when every directive has the same value (how the configuration
    /// was loaded does not matter).
    fn eq(&self, other: &Config) -> bool {
        (0..DIRECTIVES.len()).all(|i| self.value(i) == other.value(i))
    }
}

impl std::fmt::Debug for Config {
    /// The directives that differ from their defaults, secrets redacted.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut m = f.debug_map();
        for (i, d) in DIRECTIVES.iter().enumerate() {
            let v = self.value(i);
            if v != d.default_value() {
                let shown = if d.flags & SENSITIVE != 0 {
                    "(redacted)".to_string()
                } else {
                    String::from_utf8_lossy(&show(d.kind, &v)).into_owned()
                };
                m.entry(&d.name, &shown);
            }
        }
        m.finish()
    }
}

/// A `rename-command <from> <to>` line: the command called `from` answers to
/// `to` instead, or to nothing when `to` is empty. Kept with where it was
/// written, so that a refusal is reported at its line as Redis reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandRename {
    pub from: Vec<u8>,
    pub to: Vec<u8>,
    pub file: String,
    pub line: usize,
    pub text: String,
}

impl CommandRename {
    /// The fatal configuration error for this line.
    pub fn refused(&self, message: &str) -> ConfigError {
        ConfigError::Line {
            file: self.file.clone(),
            line: self.line,
            text: self.text.clone(),
            message: message.to_string(),
        }
    }
}

/// Loading state shared by a file and the files it includes.
struct Loader<'a> {
    config: Config,
    include: &'a mut dyn FnMut(&str) -> io::Result<String>,
    /// A `save` line was seen: the next ones add to it instead of replacing.
    save_seen: bool,
}

/// Redis's `sdssplitlen(text, "\n")`: no lines for an empty text, and a final
/// empty line after a trailing newline.
fn split_lines(text: &str) -> Vec<&str> {
    if text.is_empty() {
        Vec::new()
    } else {
        text.split('\n').collect()
    }
}

/// The text of an I/O error as C's strerror words it (without Rust's
/// " (os error N)" suffix).
fn strerror(e: &io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error ") {
        Some(n) => s[..n].to_string(),
        None => s,
    }
}

/// `kv does not support '<what>' yet (<reason>)`.
fn unsupported_message(name: &str, args: &[&[u8]], reason: &str) -> String {
    let mut what = name.to_string();
    for a in args {
        what.push(' ');
        // Quote what would not read back as one word.
        if a.is_empty()
            || a.iter()
                .any(|b| !b.is_ascii_graphic() || matches!(b, b'"' | b'\''))
        {
            let mut q = Vec::new();
            resp_proto::repr(&mut q, a);
            what.push_str(&String::from_utf8_lossy(&q));
        } else {
            what.push_str(&String::from_utf8_lossy(a));
        }
    }
    format!("kv does not support '{what}' yet ({reason})")
}

/// Whether `user` arguments describe Redis's unrestricted, password-less
/// default user (what Redis's CONFIG REWRITE writes for a default setup):
/// declaring it changes nothing in kv.
fn is_noop_default_user(args: &[&[u8]]) -> bool {
    let Some((user, rules)) = args.split_first() else {
        return false;
    };
    if *user != b"default" {
        return false;
    }
    let has = |alts: &[&[u8]]| {
        rules
            .iter()
            .any(|r| alts.iter().any(|a| r.eq_ignore_ascii_case(a)))
    };
    let known: &[&[u8]] = &[
        b"on",
        b"nopass",
        b"~*",
        b"allkeys",
        b"&*",
        b"allchannels",
        b"+@all",
        b"allcommands",
    ];
    rules
        .iter()
        .all(|r| known.iter().any(|k| r.eq_ignore_ascii_case(k)))
        && has(&[b"on"])
        && has(&[b"nopass"])
        && has(&[b"~*", b"allkeys"])
        && has(&[b"&*", b"allchannels"])
        && has(&[b"+@all", b"allcommands"])
}

impl Loader<'_> {
    fn load_text(&mut self, text: &str, source: &str, depth: usize) -> Result<(), ConfigError> {
        for (n, raw) in split_lines(text).into_iter().enumerate() {
            let line = raw.trim_matches([' ', '\t', '\r', '\n']);
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let fail = |message: String| ConfigError::Line {
                file: source.to_string(),
                line: n + 1,
                text: line.to_string(),
                message,
            };
            let argv = resp_proto::split_args(line.as_bytes())
                .map_err(|_| fail("Unbalanced quotes in configuration line".into()))?;
            let Some((first, rest)) = argv.split_first() else {
                continue;
            };
            let name = String::from_utf8_lossy(first).to_ascii_lowercase();
            let args: Vec<&[u8]> = rest.iter().map(Vec::as_slice).collect();
            if name == "rename-command" && args.len() == 2 {
                self.config.mention(file_directive("rename-command"));
                self.config.command_renames.push(CommandRename {
                    from: args[0].to_vec(),
                    to: args[1].to_vec(),
                    file: source.to_string(),
                    line: n + 1,
                    text: line.to_string(),
                });
                continue;
            }
            self.line(&name, &args, depth).map_err(|e| match e {
                LineError::Message(m) => fail(m),
                LineError::Nested(e) => e,
            })?;
        }
        Ok(())
    }

    /// One directive line: `name` lowercased, `args` the words after it.
    fn line(&mut self, name: &str, args: &[&[u8]], depth: usize) -> Result<(), LineError> {
        let bad = || LineError::Message("Bad directive or wrong number of arguments".into());
        if let Some((i, _)) = lookup(name.as_bytes()) {
            let d = &DIRECTIVES[i];
            if !d.multi_arg() && args.len() != 1 {
                return Err(LineError::Message("wrong number of arguments".into()));
            }
            // A multi-word directive given as one quoted word ("--save '900 1'"
            // on the command line becomes `save "900 1"`) is split again.
            let split: Vec<Vec<u8>>;
            let words: Vec<&[u8]> = if d.multi_arg() && args.len() == 1 && !args[0].is_empty() {
                split = resp_proto::split_args(args[0]).unwrap_or_default();
                split.iter().map(Vec::as_slice).collect()
            } else {
                args.to_vec()
            };
            let v = self
                .config
                .parse_for(
                    i,
                    &words,
                    Mode::File {
                        save_seen: &mut self.save_seen,
                    },
                )
                .map_err(|m| LineError::Message(m.into_owned()))?;
            if let Support::Unsupported { allowed, reason } = d.support
                && !allowed(&v)
            {
                return Err(LineError::Message(unsupported_message(name, args, reason)));
            }
            self.config.put(i, v);
            self.config.mention(d.name);
            return Ok(());
        }
        match name {
            "list-max-ziplist-entries" | "list-max-ziplist-value" | "lua-replicate-commands" => {
                if args.len() != 1 {
                    return Err(bad());
                }
                self.config.mention(file_directive(name));
                Ok(())
            }
            "include" => {
                if args.len() != 1 {
                    return Err(bad());
                }
                if depth >= MAX_INCLUDE_DEPTH {
                    return Err(LineError::Message(format!(
                        "include nesting deeper than {MAX_INCLUDE_DEPTH} levels (an include loop?)"
                    )));
                }
                let path = String::from_utf8_lossy(args[0]).into_owned();
                let text = (self.include)(&path).map_err(|e| {
                    LineError::Nested(ConfigError::Read {
                        path: path.clone(),
                        reason: strerror(&e),
                    })
                })?;
                self.config.mention(file_directive("include"));
                self.load_text(&text, &path, depth + 1)
                    .map_err(LineError::Nested)
            }
            "user" if !args.is_empty() => {
                if is_noop_default_user(args) {
                    Ok(())
                } else {
                    Err(self.refuse_file(name, args))
                }
            }
            "loadmodule" if !args.is_empty() => Err(self.refuse_file(name, args)),
            "sentinel" => Err(self.refuse_file(name, args)),
            _ if name.contains('.') => {
                if args.len() != 1 {
                    return Err(LineError::Message(
                        "Module config specified without value".into(),
                    ));
                }
                Err(LineError::Message(unsupported_message(
                    name,
                    args,
                    "modules are not implemented",
                )))
            }
            _ => Err(bad()),
        }
    }

    fn refuse_file(&self, name: &str, args: &[&[u8]]) -> LineError {
        let reason = FILE_DIRECTIVES
            .iter()
            .find(|f| f.name == name)
            .and_then(|f| match f.support {
                Support::Unsupported { reason, .. } => Some(reason),
                _ => None,
            })
            .unwrap_or("not implemented");
        LineError::Message(unsupported_message(name, args, reason))
    }
}

/// The static name of a file-only directive (for the mention list).
fn file_directive(name: &str) -> &'static str {
    FILE_DIRECTIVES
        .iter()
        .find(|f| f.name == name)
        .map_or("include", |f| f.name)
}

/// Why a line failed: a message for the report at this line, or an error that
/// already carries its own place (from an included file).
enum LineError {
    Message(String),
    Nested(ConfigError),
}

/// redis-server's command line after the program name, turned into config
/// text as its main() does: `--name` starts a line, the following words are
/// its (quoted) values; a lone `--save` means `save ""`.
fn args_to_options(args: &[String]) -> (String, bool) {
    let n = args.len();
    let mut options = String::new();
    let mut from_stdin = false;
    let mut handled_last = true;
    for (j, a) in args.iter().enumerate() {
        let next_is_option = args.get(j + 1).is_some_and(|x| x.starts_with("--"));
        if a == "-" && (j == 0 || j + 1 == n) {
            from_stdin = true;
        } else if handled_last && a.starts_with("--") {
            if !options.is_empty() {
                options.push('\n');
            }
            options.push_str(&a[2..]);
            options.push(' ');
            // "--port" alone takes the next words as values; "--port 6380" in
            // one argument carries its value already.
            let words = resp_proto::split_args(a.as_bytes()).map_or(0, |w| w.len());
            if words == 1 {
                handled_last = false;
                let is = |opt: &str| a.eq_ignore_ascii_case(opt);
                if is("--save") && (next_is_option || j + 1 == n) {
                    // `--save` with no value means `save ""` (pre-7.0 behaviour).
                    options.push_str("\"\"");
                    handled_last = true;
                } else if is("--sentinel") && next_is_option {
                    handled_last = true;
                }
            } else {
                handled_last = true;
            }
        } else {
            let mut q = Vec::new();
            resp_proto::repr(&mut q, a.as_bytes());
            options.push_str(&String::from_utf8_lossy(&q));
            options.push(' ');
            handled_last = true;
        }
    }
    (options, from_stdin)
}

impl Config {
    /// Parses redis.conf text with Redis's rules: one directive per line, split
    /// like redis-server splits them (quotes, escapes), names case-insensitive,
    /// `#` comments and blank lines skipped, later lines overriding earlier
    /// ones (`save` lines and `client-output-buffer-limit` classes
    /// accumulate). `include <path>` lines call `include` with the path, which
    /// must return the file's text (for a pattern with `*`, `?` or `[`, the
    /// concatenated matching files in glob order, or "" when none matches, as
    /// Redis does). `source_name` names `text` in errors.
    pub fn load(
        text: &str,
        source_name: &str,
        include: &mut dyn FnMut(&str) -> io::Result<String>,
    ) -> Result<Config, ConfigError> {
        let mut loader = Loader {
            config: Config::default(),
            include,
            save_seen: false,
        };
        loader.load_text(text, source_name, 0)?;
        Ok(loader.config)
    }

    /// redis-server's command line (without the program name): an optional
    /// config file first (anything not starting with `-`), then `--name value
    /// ...` options, which are appended to the file's text as Redis does.
    /// A `-` as the first or last argument reads the configuration from
    /// standard input: `read_file` is then called with `"-"`. Returns the
    /// configuration and the config file path as given.
    pub fn from_args(
        args: &[String],
        read_file: &mut dyn FnMut(&str) -> io::Result<String>,
    ) -> Result<(Config, Option<String>), ConfigError> {
        let (file, rest) = match args.split_first() {
            Some((first, rest)) if !first.starts_with('-') => (Some(first.clone()), rest),
            _ => (None, args),
        };
        let (options, from_stdin) = args_to_options(rest);
        let mut text = match &file {
            Some(path) => read_file(path).map_err(|e| ConfigError::Read {
                path: path.clone(),
                reason: strerror(&e),
            })?,
            None => String::new(),
        };
        if from_stdin {
            text.push_str(&read_file("-").map_err(|e| ConfigError::Read {
                path: "-".into(),
                reason: strerror(&e),
            })?);
        }
        text.push('\n');
        text.push_str(&options);
        let source = file.clone().unwrap_or_else(|| "(command line)".into());
        let config = Config::load(&text, &source, read_file)?;
        Ok((config, file))
    }

    /// CONFIG GET with one pattern; see [`Config::get_many`].
    pub fn get(&self, pattern: &[u8]) -> Vec<(String, Vec<u8>)> {
        self.get_many(&[pattern])
    }

    /// CONFIG GET: for each pattern, a name without `*`, `?` or `[` is looked
    /// up exactly (case-insensitively, hidden directives included) and answered
    /// under the spelling asked; a pattern is matched case-insensitively
    /// against every name and alias that is not hidden. Each name appears once
    /// (compared case-insensitively). Values are bytes (requirepass may be
    /// binary).
    pub fn get_many(&self, patterns: &[&[u8]]) -> Vec<(String, Vec<u8>)> {
        let mut out: Vec<(String, Vec<u8>)> = Vec::new();
        let seen = |out: &[(String, Vec<u8>)], name: &[u8]| {
            out.iter()
                .any(|(n, _)| n.as_bytes().eq_ignore_ascii_case(name))
        };
        for pat in patterns {
            if !pat.iter().any(|b| matches!(b, b'*' | b'?' | b'[')) {
                if seen(&out, pat) {
                    continue;
                }
                if let Some((i, _)) = lookup(pat) {
                    out.push((String::from_utf8_lossy(pat).into_owned(), self.shown(i)));
                }
                continue;
            }
            for (i, d) in DIRECTIVES.iter().enumerate() {
                if d.is_hidden() {
                    continue;
                }
                for name in std::iter::once(d.name).chain(d.aliases.iter().copied()) {
                    if !seen(&out, name.as_bytes())
                        && kv_types::glob::glob_match(pat, name.as_bytes(), true)
                    {
                        out.push((name.to_string(), self.shown(i)));
                    }
                }
            }
        }
        out
    }

    /// CONFIG SET from a client that is neither local nor racing a load, with
    /// nothing to apply; see [`Config::set_with`].
    pub fn set(&mut self, pairs: &[(&[u8], &[u8])]) -> Result<Vec<&'static str>, ConfigSetError> {
        self.set_with(pairs, SetOptions::default(), &mut |_, _| Ok(()))
    }

    /// CONFIG SET, all or nothing, as Redis 7.0.15 does it: names are checked
    /// first (unknown, immutable, protected, loading, duplicate: the first
    /// problem wins), then every value is parsed and stored, then `apply` is
    /// called with the canonical names whose value changed (to rebind
    /// listeners, change directory...). If a value is refused, or `apply`
    /// fails, every directive gets its previous value back (and `apply` is
    /// called again with them). Returns the changed canonical names.
    pub fn set_with(
        &mut self,
        pairs: &[(&[u8], &[u8])],
        opts: SetOptions,
        apply: ApplyFn<'_>,
    ) -> Result<Vec<&'static str>, ConfigSetError> {
        // 1. Names and flags.
        let protected_ok = match self.enable_protected_configs.as_str() {
            "yes" => true,
            "local" => opts.local_client,
            _ => false,
        };
        let mut todo: Vec<(usize, &'static str, &[u8])> = Vec::with_capacity(pairs.len());
        let typed = |n: &[u8]| String::from_utf8_lossy(n).into_owned();
        for (name, val) in pairs {
            let Some((i, reg)) = lookup(name) else {
                return Err(ConfigSetError::UnknownOption(typed(name)));
            };
            let d = &DIRECTIVES[i];
            if d.flags & IMMUTABLE != 0 || (d.flags & PROTECTED != 0 && !protected_ok) {
                let which = if d.flags & IMMUTABLE != 0 {
                    "immutable"
                } else {
                    "protected"
                };
                return Err(ConfigSetError::Failed {
                    name: typed(name),
                    reason: format!("can't set {which} config"),
                });
            }
            if opts.loading && d.flags & DENY_LOADING != 0 {
                return Err(ConfigSetError::Loading);
            }
            if todo.iter().any(|(_, r, _)| *r == reg) {
                return Err(ConfigSetError::Failed {
                    name: typed(name),
                    reason: "duplicate parameter".into(),
                });
            }
            todo.push((i, reg, val));
        }

        // 2. Parse and store every value, keeping the old ones.
        let backup: Vec<Value> = todo.iter().map(|(i, _, _)| self.value(*i)).collect();
        for (i, reg, val) in &todo {
            let d = &DIRECTIVES[*i];
            let words = if d.multi_arg() {
                cparse::split_spaces(val)
            } else {
                vec![*val]
            };
            let parsed = self
                .parse_for(*i, &words, Mode::Set)
                .and_then(|v| match d.support {
                    Support::Unsupported { allowed, reason } if !allowed(&v) => {
                        Err(Cow::Owned(unsupported_message(reg, &words, reason)))
                    }
                    _ => Ok(v),
                });
            match parsed {
                Ok(v) => self.put(*i, v),
                Err(reason) => {
                    self.restore(&todo, &backup);
                    return Err(ConfigSetError::Failed {
                        name: (*reg).to_string(),
                        reason: reason.into_owned(),
                    });
                }
            }
        }

        // 3. Apply what changed.
        let mut changed: Vec<&'static str> = Vec::new();
        for ((i, _, _), old) in todo.iter().zip(&backup) {
            let name = DIRECTIVES[*i].name;
            if self.value(*i) != *old && !changed.contains(&name) {
                changed.push(name);
            }
        }
        if !changed.is_empty()
            && let Err(e) = apply(self, &changed)
        {
            self.restore(&todo, &backup);
            // Best effort: put the live state back to the old values.
            let _ = apply(self, &changed);
            let name = todo
                .iter()
                .find(|(i, _, _)| DIRECTIVES[*i].name == e.name)
                .map_or(e.name, |(_, reg, _)| *reg);
            return Err(ConfigSetError::Failed {
                name: name.to_string(),
                reason: e.message,
            });
        }
        Ok(changed)
    }

    /// CONFIG REWRITE: the new text of the config file whose current text is
    /// `original` (None: no such file yet). Comments and lines kv does not
    /// manage stay in place; each directive's lines are replaced in order by
    /// its current value, extra old lines are blanked, directives not in the
    /// file are appended after `# Generated by CONFIG REWRITE` unless they have
    /// their default value, and runs of blank lines collapse to one.
    pub fn rewrite(&self, original: Option<&str>) -> String {
        rewrite::rewrite(self, original, false)
    }

    /// [`Config::rewrite`] that also writes every directive left at its
    /// default (DEBUG CONFIG-REWRITE-FORCE-ALL), so the file states the whole
    /// configuration.
    pub fn rewrite_all(&self, original: Option<&str>) -> String {
        rewrite::rewrite(self, original, true)
    }

    /// The Ignored directives the loaded file or command line named, first
    /// mention first: the server logs them at startup as having no effect.
    pub fn ignored_directives(&self) -> Vec<&'static str> {
        self.mentioned
            .iter()
            .copied()
            .filter(|name| {
                let support = match lookup(name.as_bytes()) {
                    Some((i, _)) => DIRECTIVES[i].support,
                    None => FILE_DIRECTIVES
                        .iter()
                        .find(|f| f.name == *name)
                        .map_or(Support::Supported, |f| f.support),
                };
                matches!(support, Support::Ignored)
            })
            .collect()
    }

    /// The value of a directive (canonical name or alias) as CONFIG GET shows it.
    pub fn get_one(&self, name: &str) -> Option<Vec<u8>> {
        lookup(name.as_bytes()).map(|(i, _)| self.shown(i))
    }

    /// The typed value of a directive (canonical name or alias).
    pub fn value_of(&self, name: &str) -> Option<Value> {
        lookup(name.as_bytes()).map(|(i, _)| self.value(i))
    }

    // -- internals ---------------------------------------------------------

    /// The value of directive `i`.
    pub(crate) fn value(&self, i: usize) -> Value {
        let Some(d) = DIRECTIVES.get(i) else {
            return Value::Str(None);
        };
        let v = match d.slot {
            Slot::Typed { get, .. } => get(self),
            Slot::Stored => self
                .stored
                .get(i)
                .cloned()
                .unwrap_or_else(|| d.default_value()),
        };
        // A typed string field has no NULL; empty means NULL where Redis
        // converts empty strings to NULL.
        match (d.kind, v) {
            (
                Kind::Str {
                    empty_is_null: true,
                    ..
                },
                Value::Str(Some(s)),
            ) if s.is_empty() => Value::Str(None),
            (_, v) => v,
        }
    }

    fn put(&mut self, i: usize, v: Value) {
        let Some(d) = DIRECTIVES.get(i) else { return };
        match d.slot {
            Slot::Typed { put, .. } => put(self, v),
            Slot::Stored => {
                if let Some(slot) = self.stored.get_mut(i) {
                    *slot = v;
                }
            }
        }
    }

    fn shown(&self, i: usize) -> Vec<u8> {
        DIRECTIVES
            .get(i)
            .map_or_else(Vec::new, |d| show(d.kind, &self.value(i)))
    }

    fn mention(&mut self, name: &'static str) {
        if !self.mentioned.contains(&name) {
            self.mentioned.push(name);
        }
    }

    fn restore(&mut self, todo: &[(usize, &'static str, &[u8])], backup: &[Value]) {
        for ((i, _, _), old) in todo.iter().zip(backup) {
            self.put(*i, old.clone());
        }
    }

    /// Parses and checks a value for directive `i` (not its support status).
    fn parse_for(
        &self,
        i: usize,
        args: &[&[u8]],
        mode: Mode<'_>,
    ) -> Result<Value, Cow<'static, str>> {
        let Some(d) = DIRECTIVES.get(i) else {
            return Err("no such directive".into());
        };
        let v = parse(d.kind, args, &self.value(i), mode)?;
        if let Some(check) = d.check {
            check(&v)?;
        }
        if let Slot::Typed { utf8: true, .. } = d.slot {
            let valid = match &v {
                Value::Str(Some(s)) => std::str::from_utf8(s).is_ok(),
                Value::List(items) => items.iter().all(|s| std::str::from_utf8(s).is_ok()),
                _ => true,
            };
            if !valid {
                return Err("argument must be valid UTF-8 in kv".into());
            }
        }
        Ok(v)
    }
}
