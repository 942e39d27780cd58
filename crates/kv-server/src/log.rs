//! Logging in redis-server's format, because operators and tools grep for it:
//! `pid:role dd Mon yyyy hh:mm:ss.mmm <mark> message`, where the mark is
//! `.` debug, `-` verbose, `*` notice, `#` warning, and role is `M` (master),
//! `C` (child) ... exactly as Redis's serverLogRaw writes it.
//!
//! Invariant: one line per call, written with a single write so that lines from
//! the process never interleave; failures to log are ignored (as Redis does).

use std::fs::OpenOptions;
use std::io::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU8, Ordering};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Debug = 0,
    Verbose = 1,
    Notice = 2,
    Warning = 3,
}

impl Level {
    pub fn from_name(name: &str) -> Option<Level> {
        Some(match name {
            "debug" => Level::Debug,
            "verbose" => Level::Verbose,
            "notice" => Level::Notice,
            "warning" => Level::Warning,
            _ => return None,
        })
    }

    fn mark(self) -> char {
        match self {
            Level::Debug => '.',
            Level::Verbose => '-',
            Level::Notice => '*',
            Level::Warning => '#',
        }
    }
}

enum Sink {
    Stdout,
    File(std::fs::File),
}

static SINK: Mutex<Option<Sink>> = Mutex::new(None);
static MIN_LEVEL: AtomicU8 = AtomicU8::new(Level::Notice as u8);
static ROLE: AtomicU8 = AtomicU8::new(b'C');

/// Directs the log to `logfile` (empty: standard output) at `level` and above.
pub fn init(logfile: &str, level: &str) -> std::io::Result<()> {
    let sink = if logfile.is_empty() {
        Sink::Stdout
    } else {
        Sink::File(OpenOptions::new().create(true).append(true).open(logfile)?)
    };
    *SINK.lock().unwrap_or_else(|e| e.into_inner()) = Some(sink);
    set_level(level);
    Ok(())
}

pub fn set_level(level: &str) {
    let value = if level == "nothing" {
        u8::MAX
    } else {
        Level::from_name(level).unwrap_or(Level::Notice) as u8
    };
    MIN_LEVEL.store(value, Ordering::Relaxed);
}

/// `C` while starting up (as Redis logs before it becomes a master), `M` after.
pub fn set_role(role: u8) {
    ROLE.store(role, Ordering::Relaxed);
}

pub fn enabled(level: Level) -> bool {
    level as u8 >= MIN_LEVEL.load(Ordering::Relaxed)
}

pub fn log(level: Level, message: &str) {
    if !enabled(level) {
        return;
    }
    let line = format!(
        "{}:{} {} {} {}\n",
        std::process::id(),
        ROLE.load(Ordering::Relaxed) as char,
        timestamp(),
        level.mark(),
        message
    );
    raw(level, &line);
}

/// Writes `text` as it is, without the line prefix (Redis's LL_RAW), as the
/// startup logo is written.
pub fn raw(level: Level, text: &str) {
    if !enabled(level) {
        return;
    }
    let mut sink = SINK.lock().unwrap_or_else(|e| e.into_inner());
    let _ = match sink.as_mut() {
        Some(Sink::File(f)) => f.write_all(text.as_bytes()),
        Some(Sink::Stdout) | None => std::io::stdout().lock().write_all(text.as_bytes()),
    };
}

/// `22 Nov 2026 16:47:31.675` in local time.
fn timestamp() -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let secs = now.as_secs() as libc::time_t;
    // SAFETY: localtime_r only writes the `tm` we pass; both pointers are valid.
    let tm = unsafe {
        let mut tm: libc::tm = std::mem::zeroed();
        libc::localtime_r(&secs, &mut tm);
        tm
    };
    format!(
        "{:02} {} {} {:02}:{:02}:{:02}.{:03}",
        tm.tm_mday,
        MONTHS[tm.tm_mon.clamp(0, 11) as usize],
        tm.tm_year + 1900,
        tm.tm_hour,
        tm.tm_min,
        tm.tm_sec,
        now.subsec_millis()
    )
}

#[macro_export]
macro_rules! log_notice { ($($arg:tt)*) => { $crate::log::log($crate::log::Level::Notice, &format!($($arg)*)) } }
#[macro_export]
macro_rules! log_warning { ($($arg:tt)*) => { $crate::log::log($crate::log::Level::Warning, &format!($($arg)*)) } }
#[macro_export]
macro_rules! log_verbose { ($($arg:tt)*) => { $crate::log::log($crate::log::Level::Verbose, &format!($($arg)*)) } }
