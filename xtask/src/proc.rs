//! Child processes: PATH lookup, running with a deadline, and making sure the
//! servers and benchmark clients we start never outlive us.

use std::io::Read;
use std::os::raw::c_int;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::Once;
use std::sync::atomic::{AtomicI32, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

/// Finds an executable by name in `$PATH` (a name with a `/` is taken as a path).
pub fn find_in_path(name: &str) -> Option<PathBuf> {
    if name.contains('/') {
        let path = PathBuf::from(name);
        return is_executable(&path).then_some(path);
    }
    let paths = std::env::var_os("PATH")?;
    std::env::split_paths(&paths)
        .map(|dir| dir.join(name))
        .find(|p| is_executable(p))
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}

/// Asks the kernel to SIGKILL the child when this process dies, however it
/// dies (Ctrl-C, SIGTERM, SIGKILL, panic=abort): the `Drop` guards cover the
/// normal and error paths, this covers signals, which skip destructors.
#[cfg(target_os = "linux")]
pub fn die_with_parent(cmd: &mut Command) {
    use std::os::raw::{c_int, c_ulong};
    use std::os::unix::process::CommandExt;

    unsafe extern "C" {
        fn prctl(option: c_int, ...) -> c_int;
        fn getppid() -> c_int;
    }
    const PR_SET_PDEATHSIG: c_int = 1;
    const SIGKILL: c_ulong = 9;
    const ESRCH: i32 = 3;

    let parent = std::process::id() as c_int;
    // SAFETY: the closure runs in the forked child before exec and only makes
    // two async-signal-safe system calls; it allocates nothing (the errors are
    // built from raw OS codes).
    unsafe {
        cmd.pre_exec(move || {
            if prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            // We may have died between fork and prctl: then nobody would kill
            // the child, so do not start it.
            if getppid() != parent {
                return Err(std::io::Error::from_raw_os_error(ESRCH));
            }
            Ok(())
        });
    }
}

#[cfg(not(target_os = "linux"))]
pub fn die_with_parent(_cmd: &mut Command) {}

mod ffi {
    use std::os::raw::c_int;

    unsafe extern "C" {
        pub fn kill(pid: c_int, sig: c_int) -> c_int;
        pub fn signal(signum: c_int, handler: usize) -> usize;
        pub fn raise(sig: c_int) -> c_int;
    }
    pub const SIGHUP: c_int = 1;
    pub const SIGINT: c_int = 2;
    pub const SIGKILL: c_int = 9;
    pub const SIGTERM: c_int = 15;
    pub const SIG_DFL: usize = 0;
}

/// Process groups of the servers we run, for the signal handler.
static GROUPS: [AtomicI32; 16] = [const { AtomicI32::new(0) }; 16];

/// Puts the child in a process group of its own, so that a wrapper script's
/// children (say `--kv-bin ./under-perf.sh`) are killed along with it.
/// Call [`track_group`] with the child's pid after spawning and
/// [`kill_group`] to stop it.
pub fn own_group(cmd: &mut Command) {
    use std::os::unix::process::CommandExt;
    install_signal_handlers();
    cmd.process_group(0);
}

pub fn track_group(pid: u32) {
    for slot in &GROUPS {
        if slot
            .compare_exchange(0, pid as i32, Ordering::SeqCst, Ordering::SeqCst)
            .is_ok()
        {
            return;
        }
    }
}

/// SIGKILLs the process group led by `pid` and forgets it.
pub fn kill_group(pid: u32) {
    for slot in &GROUPS {
        let _ = slot.compare_exchange(pid as i32, 0, Ordering::SeqCst, Ordering::SeqCst);
    }
    // SAFETY: kill(2) with a negative pid signals that process group; it has
    // no memory-safety preconditions.
    unsafe {
        ffi::kill(-(pid as i32), ffi::SIGKILL);
    }
}

/// On SIGINT/SIGTERM/SIGHUP: kill every tracked group, then die of the signal
/// as if unhandled. (Servers are outside our process group, so a terminal's
/// Ctrl-C does not reach them, and destructors do not run on signals.)
fn install_signal_handlers() {
    static ONCE: Once = Once::new();
    extern "C" fn on_signal(sig: c_int) {
        for slot in &GROUPS {
            let pid = slot.load(Ordering::SeqCst);
            if pid > 0 {
                // SAFETY: kill, signal and raise are async-signal-safe.
                unsafe {
                    ffi::kill(-pid, ffi::SIGKILL);
                }
            }
        }
        // SAFETY: as above.
        unsafe {
            ffi::signal(sig, ffi::SIG_DFL);
            ffi::raise(sig);
        }
    }
    ONCE.call_once(|| {
        for sig in [ffi::SIGINT, ffi::SIGTERM, ffi::SIGHUP] {
            // SAFETY: installs a handler that only makes async-signal-safe calls.
            unsafe {
                ffi::signal(sig, on_signal as extern "C" fn(c_int) as usize);
            }
        }
    });
}

/// A finished child's status and output.
pub struct Captured {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `cmd` to completion with its output captured, killing it if it is
/// still running after `timeout` (redis-benchmark spins forever when the
/// server goes away, and an unknown `--version` flag may start a server).
pub fn run_captured(cmd: &mut Command, timeout: Duration) -> Result<Captured> {
    let program = cmd.get_program().to_string_lossy().into_owned();
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    die_with_parent(cmd);
    let mut child = cmd
        .spawn()
        .with_context(|| format!("cannot start {program}"))?;
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    let status = wait_deadline(&mut child, timeout);
    let status = match status {
        Some(status) => status,
        None => {
            let _ = child.kill();
            let _ = child.wait();
            bail!(
                "{program} did not finish within {}s; killed",
                timeout.as_secs()
            );
        }
    };
    let stdout = stdout.join().unwrap_or_default();
    let stderr = stderr.join().unwrap_or_default();
    Ok(Captured {
        status,
        stdout,
        stderr,
    })
}

/// Reads a pipe to the end on a thread, so a chatty child never blocks.
fn drain(pipe: Option<impl Read + Send + 'static>) -> thread::JoinHandle<String> {
    thread::spawn(move || {
        let mut bytes = Vec::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_end(&mut bytes);
        }
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

/// Waits for the child until `timeout`; `None` if it is still running.
fn wait_deadline(child: &mut Child, timeout: Duration) -> Option<ExitStatus> {
    let deadline = Instant::now() + timeout;
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Some(status),
            Ok(None) => {}
            // The child is unwaitable: treat as gone rather than spin.
            Err(_) => return child.wait().ok(),
        }
        if Instant::now() >= deadline {
            return None;
        }
        thread::sleep(Duration::from_millis(10));
    }
}

/// First line of `program --version`-style output, or a note of what failed.
pub fn version_line(program: &Path, arg: &str) -> String {
    let mut cmd = Command::new(program);
    cmd.arg(arg);
    match run_captured(&mut cmd, Duration::from_secs(5)) {
        Ok(out) if out.status.success() => {
            let text = if out.stdout.trim().is_empty() {
                out.stderr
            } else {
                out.stdout
            };
            text.lines().next().unwrap_or("").trim().to_string()
        }
        Ok(out) => format!("unknown ({} exited with {})", arg, out.status),
        Err(err) => format!("unknown ({err:#})"),
    }
}

/// Runs a command with inherited stdio, echoing it first; fails unless it exits 0.
pub fn run_echoed(cmd: &mut Command) -> Result<()> {
    eprintln!("+ {}", describe(cmd));
    let status = cmd
        .status()
        .with_context(|| format!("cannot start {}", describe(cmd)))?;
    if !status.success() {
        bail!("`{}` failed: {status}", describe(cmd));
    }
    Ok(())
}

/// A command line as a shell user would type it (roughly).
pub fn describe(cmd: &Command) -> String {
    let mut parts = vec![cmd.get_program().to_string_lossy().into_owned()];
    for arg in cmd.get_args() {
        let arg = arg.to_string_lossy();
        if arg.is_empty() {
            parts.push("\"\"".into());
        } else if arg.contains(|c: char| c.is_whitespace() || c == '"') {
            parts.push(format!("{arg:?}"));
        } else {
            parts.push(arg.into_owned());
        }
    }
    parts.join(" ")
}
