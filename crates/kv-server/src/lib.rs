//! kv-server: the process around the engine — configuration loading, logging in
//! redis-server's format, listening sockets, and the single-threaded mio event
//! loop that feeds requests to [`kv_engine::Engine`] and writes its replies.
//!
//! # Architecture invariants
//! - This is the only crate that does I/O or reads the clock; it wires the others
//!   and nothing depends on it.
//! - Startup behaves like redis-server's: `kv-server [config-file] [--directive
//!   value ...]`; a directive kv cannot honour stops startup with a clear message.

pub mod busy_poll;
pub mod conn;
pub mod host;
pub mod listeners;
pub mod log;
pub mod net;
pub mod server;

use std::path::PathBuf;

use kv_engine::{Config, Engine, REDIS_VERSION, ServerFacts};
use mio::Poll;

use host::HostState;
use listeners::Listeners;
use server::Server;

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("{0}")]
    Config(String),
    #[error("{0}")]
    Listen(#[from] listeners::ListenError),
    #[error("Can't open the log file: {0}")]
    LogFile(std::io::Error),
    #[error("Can't chdir to '{dir}': {source}")]
    Dir { dir: String, source: std::io::Error },
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// What `kv-server --version` prints; tools read the `v=` field.
pub fn version_line() -> String {
    format!(
        "kv server v={REDIS_VERSION} kv={} malloc=libc bits={}",
        kv_engine::KV_VERSION,
        usize::BITS
    )
}

/// Starts the server with redis-server's command-line conventions and serves until
/// it is shut down.
pub fn run(args: Vec<String>) -> Result<(), StartupError> {
    let (config, config_file) = Config::from_args(&args, &mut |path| std::fs::read_to_string(path))
        .map_err(|e| StartupError::Config(e.to_string()))?;
    // Checked with the rest of the file, before anything starts, as Redis does.
    let renames = kv_engine::command::rename::Renames::build(&config.command_renames)
        .map_err(|e| StartupError::Config(e.to_string()))?;
    // Absolute now, before `dir` changes the working directory: CONFIG REWRITE
    // writes to it later (as Redis keeps its configfile absolute).
    let config_file = config_file.map(|f| {
        std::path::absolute(&f)
            .map(|p| p.display().to_string())
            .unwrap_or(f)
    });

    if config.daemonize {
        daemonize();
    }
    log::init(&config.logfile, &config.loglevel).map_err(StartupError::LogFile)?;
    let pid = std::process::id();
    log_warning!("oO0OoO0OoO0Oo kv is starting oO0OoO0OoO0Oo");
    log_warning!(
        "kv version={}, redis_version={REDIS_VERSION}, bits={}, pid={pid}, just started",
        kv_engine::KV_VERSION,
        usize::BITS
    );
    match &config_file {
        Some(_) => log_warning!("Configuration loaded"),
        None => log_warning!(
            "Warning: no config file specified, using the default config. In order to specify a config file use {} /path/to/redis.conf",
            args_program()
        ),
    }
    let ignored = config.ignored_directives();
    if !ignored.is_empty() {
        log_notice!(
            "Accepted with no effect in kv (tuning kv does not need): {}",
            ignored.join(", ")
        );
    }
    let mut config = config;
    if !config.dir.is_empty() {
        std::env::set_current_dir(&config.dir).map_err(|source| StartupError::Dir {
            dir: config.dir.clone(),
            source,
        })?;
    }
    // CONFIG GET dir and CONFIG REWRITE show the absolute working directory.
    if let Ok(cwd) = std::env::current_dir() {
        config.dir = cwd.display().to_string();
    }
    log::set_role(b'M');
    let fits = net::raise_fd_limit(config.maxclients);
    if fits < config.maxclients {
        log_warning!(
            "You requested maxclients of {} requiring at least {} max file descriptors. Server can't set maximum open files, so maxclients is set to {fits}.",
            config.maxclients,
            config.maxclients + 32
        );
        config.maxclients = fits;
    }
    log_notice!("monotonic clock: POSIX clock_gettime");

    // Before the port accepts connections, as Redis's initServer does: a
    // SIGTERM sent once the port answers must find the handler in place (the
    // loop reads the flag it sets on its first turn).
    server::install_signal_handlers();
    let poll = Poll::new()?;
    let mut listeners = Listeners::new(poll.registry().try_clone()?);
    let sockets = match Listeners::open(&config) {
        Ok(s) => s,
        Err(e) => {
            log_warning!("Warning: {e}");
            log_warning!("Failed listening on port {} (TCP), aborting.", config.port);
            return Err(e.into());
        }
    };
    listeners.install(sockets)?;

    let pidfile = pidfile_path(&config);
    if let Some(path) = &pidfile {
        let _ = std::fs::write(path, format!("{pid}\n"));
    }
    let start_us = server::wall_us();
    let facts = ServerFacts {
        process_id: pid,
        run_id: random_hex(40),
        executable: std::env::current_exe()
            .map(|p| p.display().to_string())
            .unwrap_or_default(),
        config_file: config_file
            .as_ref()
            .and_then(|f| std::fs::canonicalize(f).ok())
            .map(|p| p.display().to_string())
            .unwrap_or_default(),
        os: os_name(),
        tcp_port: config.port,
        start_ms: start_us / 1000,
        seed: u64::from_str_radix(&random_hex(16), 16).unwrap_or(start_us),
    };
    // As redis-server: the logo when asked for or when logging to a terminal,
    // otherwise one line. Both carry the port and the PID, which tools grep for.
    // SAFETY: isatty only inspects the descriptor.
    let stdout_is_tty = unsafe { libc::isatty(libc::STDOUT_FILENO) } == 1;
    if config.always_show_logo || (config.logfile.is_empty() && stdout_is_tty) {
        log::raw(log::Level::Notice, &logo(config.port, pid));
    } else {
        log_notice!("Running mode=standalone, port={}.", config.port);
    }
    let host = HostState {
        listeners,
        config_file: config_file.map(PathBuf::from),
        shutdown: None,
        peak_memory: std::cell::Cell::new(0),
        lazyfree: HostState::spawn_lazyfree(),
    };
    let mut engine = Engine::new(config, facts);
    engine.set_command_renames(renames);
    engine.set_time_us(start_us);
    let mut server = Server::new(poll, engine, host);
    log_warning!("Server initialized");
    log_notice!("Ready to accept connections");
    let result = server.run();
    server.shutdown(pidfile.as_deref());
    result.map_err(Into::into)
}

fn args_program() -> String {
    std::env::args()
        .next()
        .unwrap_or_else(|| "kv-server".into())
}

/// Redis writes a pid file when one is configured, or when daemonized (default path).
fn pidfile_path(config: &Config) -> Option<String> {
    if !config.pidfile.is_empty() {
        Some(config.pidfile.clone())
    } else if config.daemonize {
        Some("/var/run/redis.pid".into())
    } else {
        None
    }
}

/// Detaches from the terminal as redis-server's daemonize does.
fn daemonize() {
    // SAFETY: fork/setsid/open/dup2 at startup, before any thread exists.
    unsafe {
        match libc::fork() {
            -1 => return,
            0 => {}
            _ => libc::_exit(0),
        }
        libc::setsid();
        let fd = libc::open(c"/dev/null".as_ptr(), libc::O_RDWR);
        if fd >= 0 {
            libc::dup2(fd, 0);
            libc::dup2(fd, 1);
            libc::dup2(fd, 2);
            if fd > 2 {
                libc::close(fd);
            }
        }
    }
}

fn random_hex(len: usize) -> String {
    let mut bytes = vec![0u8; len / 2];
    if let Ok(mut f) = std::fs::File::open("/dev/urandom") {
        let _ = std::io::Read::read_exact(&mut f, &mut bytes);
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `Linux 6.1.0 x86_64`, as INFO's `os` field.
fn os_name() -> String {
    // SAFETY: uname fills a struct we own; the fields are NUL-terminated.
    unsafe {
        let mut u: libc::utsname = std::mem::zeroed();
        if libc::uname(&mut u) != 0 {
            return String::new();
        }
        let field = |f: &[libc::c_char]| {
            std::ffi::CStr::from_ptr(f.as_ptr())
                .to_string_lossy()
                .into_owned()
        };
        format!(
            "{} {} {}",
            field(&u.sysname),
            field(&u.release),
            field(&u.machine)
        )
    }
}

/// kv's startup logo (shown as redis-server shows its own), with the lines
/// redis-server's logo carries: version, mode, port and PID.
fn logo(port: u16, pid: u32) -> String {
    let bits = usize::BITS;
    let version = kv_engine::KV_VERSION;
    format!(
        "\n\
         \x20 _\n\
         \x20| | ____   __     kv {version} (Redis {REDIS_VERSION} compatible) {bits} bit\n\
         \x20| |/ /\\ \\ / /     Running in standalone mode\n\
         \x20|   <  \\ V /      Port: {port}\n\
         \x20|_|\\_\\  \\_/       PID: {pid}\n\n"
    )
}
