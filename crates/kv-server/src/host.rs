//! The server's side of the engine's [`Host`] trait: what the engine asks of the
//! outside world (socket figures, memory and CPU, shutdown, the config file).

use kv_config::ApplyError;
use kv_engine::{ClientId, ClientIo, Config, Host, ProcessStats, SaveMode};

use crate::conn::Conn;
use crate::listeners::Listeners;

/// Server state the engine may ask about or act on through [`Host`].
pub struct HostState {
    pub listeners: Listeners,
    pub config_file: Option<std::path::PathBuf>,
    /// Set by SHUTDOWN (and signals): how to stop.
    pub shutdown: Option<SaveMode>,
    pub peak_memory: std::cell::Cell<u64>,
    /// Values to free away from the event loop (lazyfree), dropped by a
    /// background thread.
    pub lazyfree: crossbeam_channel::Sender<Box<dyn std::any::Any + Send>>,
}

impl HostState {
    /// Starts the lazyfree thread and returns the sender that feeds it.
    pub fn spawn_lazyfree() -> crossbeam_channel::Sender<Box<dyn std::any::Any + Send>> {
        let (tx, rx) = crossbeam_channel::unbounded::<Box<dyn std::any::Any + Send>>();
        let spawned = std::thread::Builder::new()
            .name("lazyfree".into())
            .spawn(move || {
                for garbage in rx {
                    drop(garbage);
                }
            });
        if let Err(e) = spawned {
            crate::log_warning!(
                "Can't start the lazyfree thread ({e}): values will be freed in the event loop"
            );
        }
        tx
    }
}

/// A borrow of the connections and host state for the length of one command.
pub struct HostView<'a> {
    pub conns: &'a [Option<Conn>],
    pub state: &'a mut HostState,
}

impl Host for HostView<'_> {
    fn monotonic_us(&self) -> u64 {
        monotonic_us()
    }

    fn client_io(&self, client: ClientId) -> ClientIo {
        match self.conns.get(client.0 as usize).and_then(Option::as_ref) {
            Some(conn) => ClientIo {
                qbuf: conn.unparsed(),
                qbuf_free: conn.free_space(),
                writable_registered: conn.writable,
            },
            None => ClientIo::default(),
        }
    }

    fn process_stats(&self) -> ProcessStats {
        let mut stats = process_stats();
        let peak = self.state.peak_memory.get().max(stats.used_memory);
        self.state.peak_memory.set(peak);
        stats.used_memory_peak = peak;
        stats
    }

    fn shutdown(&mut self, mode: SaveMode) -> Result<(), String> {
        crate::log_warning!("User requested shutdown...");
        if mode == SaveMode::Save {
            crate::log_warning!("Error trying to save the DB, can't exit.");
            crate::log_warning!("kv cannot write RDB snapshots yet: SHUTDOWN SAVE refused.");
            return Err("kv cannot save an RDB snapshot yet".into());
        }
        self.state.shutdown = Some(mode);
        Ok(())
    }

    fn rewrite_config(&mut self, config: &Config, force_all: bool) -> Result<(), String> {
        let path = self.state.config_file.as_ref().ok_or("no config file")?;
        let original = std::fs::read_to_string(path).ok();
        let text = if force_all {
            config.rewrite_all(original.as_deref())
        } else {
            config.rewrite(original.as_deref())
        };
        let tmp = path.with_extension("kv-rewrite.tmp");
        std::fs::write(&tmp, text).map_err(|e| e.to_string())?;
        std::fs::rename(&tmp, path).map_err(|e| e.to_string())?;
        crate::log_notice!("CONFIG REWRITE executed with success.");
        Ok(())
    }

    fn apply_config(
        &mut self,
        config: &Config,
        changed: &[&'static str],
    ) -> Result<(), ApplyError> {
        if let Some(&name) = changed.iter().find(|c| matches!(**c, "port" | "bind")) {
            self.state.listeners.rebind(config).map_err(|e| {
                // The details go to the log; the client gets Redis's words.
                crate::log_warning!("{e}");
                let message = if name == "port" {
                    "Unable to listen on this port. Check server logs."
                } else {
                    "Failed to bind to specified addresses."
                };
                ApplyError {
                    name,
                    message: message.into(),
                }
            })?;
        }
        for &name in changed {
            let fail = |message: String| ApplyError { name, message };
            match name {
                "loglevel" => crate::log::set_level(&config.loglevel),
                "dir" => std::env::set_current_dir(&config.dir).map_err(|e| fail(e.to_string()))?,
                "maxclients" => {
                    let fits = crate::net::raise_fd_limit(config.maxclients);
                    if fits < config.maxclients {
                        return Err(fail(format!(
                            "The operating system is not able to handle the specified number of clients, try with {fits}"
                        )));
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    fn sleep_us(&mut self, us: u64) {
        std::thread::sleep(std::time::Duration::from_micros(us));
    }

    fn free_later(&mut self, garbage: Box<dyn std::any::Any + Send>) {
        // If the thread is gone the value comes back in the error and is
        // dropped right here: slower, never lost.
        let _ = self.state.lazyfree.send(garbage);
    }
}

/// CLOCK_MONOTONIC in microseconds. It is read twice per command, so it is
/// read directly: `Instant::elapsed().as_micros()` costs a checked timespec
/// subtraction and a 128-bit division on top of the same system call.
pub fn monotonic_us() -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes the timespec we own; CLOCK_MONOTONIC is
    // always available on Linux, so it cannot fail.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
    ts.tv_sec as u64 * 1_000_000 + ts.tv_nsec as u64 / 1000
}

/// Memory and CPU of this process: heap in use from the allocator, RSS from
/// /proc, CPU times from getrusage.
pub fn process_stats() -> ProcessStats {
    // SAFETY: mallinfo2 and getrusage fill plain structs we own.
    let (heap, ru) = unsafe {
        let mi = libc::mallinfo2();
        let mut ru: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_SELF, &mut ru);
        ((mi.uordblks + mi.hblkhd) as u64, ru)
    };
    let secs = |tv: libc::timeval| tv.tv_sec as f64 + tv.tv_usec as f64 / 1e6;
    ProcessStats {
        used_memory: heap,
        used_memory_rss: rss_bytes(),
        used_memory_peak: heap,
        used_cpu_sys: secs(ru.ru_stime),
        used_cpu_user: secs(ru.ru_utime),
    }
}

/// Resident set size, from /proc/self/statm (pages × page size).
pub fn rss_bytes() -> u64 {
    let Ok(statm) = std::fs::read_to_string("/proc/self/statm") else {
        return 0;
    };
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    // SAFETY: sysconf has no preconditions.
    let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) }.max(1) as u64;
    pages * page
}
