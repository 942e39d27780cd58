//! A server process under test (kv-server or redis-server) on a free port of
//! 127.0.0.1, killed when the guard drops.

use std::fs::File;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::proc;
use crate::resp::{Conn, info_field};

/// How long a server gets to answer PING after it starts.
const READY_TIMEOUT: Duration = Duration::from_secs(20);

pub struct Server {
    /// "kv" or "redis".
    pub label: &'static str,
    pub port: u16,
    child: Child,
    server_pid: u32,
    log: PathBuf,
}

impl Server {
    /// Starts `bin --port P --bind 127.0.0.1 --save "" --appendonly no <extra>`
    /// with its output in `<log_dir>/<label>-<port>.log` and its working
    /// directory in `log_dir`, and waits until it answers PING.
    pub fn start(
        label: &'static str,
        bin: &Path,
        extra: &[&str],
        log_dir: &Path,
    ) -> Result<Server> {
        std::fs::create_dir_all(log_dir)
            .with_context(|| format!("cannot create {}", log_dir.display()))?;
        let port = free_port()?;
        let log = log_dir.join(format!("{label}-{port}.log"));
        let out = File::create(&log).with_context(|| format!("cannot create {}", log.display()))?;
        let err = out.try_clone()?;
        let port_arg = port.to_string();
        let mut cmd = Command::new(bin);
        cmd.args([
            "--port",
            &port_arg,
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ])
        .args(extra)
        .current_dir(log_dir)
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err);
        proc::die_with_parent(&mut cmd);
        proc::own_group(&mut cmd);
        let child = cmd
            .spawn()
            .with_context(|| format!("cannot start {}", bin.display()))?;
        proc::track_group(child.id());
        // The guard exists from here on: any error below kills the child.
        let mut server = Server {
            label,
            port,
            server_pid: child.id(),
            child,
            log,
        };
        server
            .wait_ready()
            .with_context(|| format!("{label} server ({}) did not start", proc::describe(&cmd)))?;
        Ok(server)
    }

    /// The server's pid: the child's, or with a wrapper script the one the
    /// server reports in INFO.
    pub fn pid(&self) -> u32 {
        self.server_pid
    }

    /// Fails (with the end of the server's log) if the process has exited.
    pub fn check_alive(&mut self) -> Result<()> {
        if let Some(exit) = self.exited() {
            bail!("{exit}; end of the log:\n{}", self.log_tail());
        }
        Ok(())
    }

    /// `Some("kv server exited (...), log in ...")` once the process is gone.
    pub fn exited(&mut self) -> Option<String> {
        let status = self.child.try_wait().ok()??;
        Some(format!(
            "{} server exited ({status}), log in {}",
            self.label,
            self.log.display()
        ))
    }

    fn wait_ready(&mut self) -> Result<()> {
        let deadline = Instant::now() + READY_TIMEOUT;
        let mut last_err;
        loop {
            self.check_alive()?;
            match ping(self.port) {
                Ok(()) => break,
                Err(err) => last_err = format!("{err:#}"),
            }
            if Instant::now() >= deadline {
                bail!(
                    "no PONG within {}s (last: {last_err}); end of {}:\n{}",
                    READY_TIMEOUT.as_secs(),
                    self.log.display(),
                    self.log_tail()
                );
            }
            thread::sleep(Duration::from_millis(50));
        }
        // Someone else's server on a port we thought free would also say PONG:
        // make sure the process answering is ours when it tells us its pid —
        // the child, or a process in its group (a wrapper script's server).
        let mut conn = Conn::connect(self.port, Duration::from_secs(5))?;
        if let Some(info) = conn.info("server")?
            && let Some(pid) = info_field(&info, "process_id").and_then(|p| p.parse::<u32>().ok())
            && pid != self.child.id()
        {
            if process_group(pid) != Some(self.child.id()) {
                bail!(
                    "port {} is answered by pid {pid}, not by our server (pid {})",
                    self.port,
                    self.child.id()
                );
            }
            self.server_pid = pid;
        }
        self.check_alive()
    }

    /// Resident set size of the server process, from /proc/PID/status.
    pub fn rss_bytes(&self) -> Result<u64> {
        let path = format!("/proc/{}/status", self.pid());
        let status =
            std::fs::read_to_string(&path).with_context(|| format!("cannot read {path}"))?;
        let line = status
            .lines()
            .find(|l| l.starts_with("VmRSS:"))
            .with_context(|| format!("no VmRSS in {path}"))?;
        let kib: u64 = line
            .trim_start_matches("VmRSS:")
            .trim()
            .trim_end_matches("kB")
            .trim()
            .parse()
            .with_context(|| format!("bad line {line:?} in {path}"))?;
        Ok(kib * 1024)
    }

    /// The last lines of the server's output.
    pub fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        let start = lines.len().saturating_sub(20);
        lines[start..].join("\n")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // The whole group: a wrapper script's server dies too.
        proc::kill_group(self.child.id());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The process group of `pid`, from /proc/PID/stat.
fn process_group(pid: u32) -> Option<u32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // `pid (comm) state ppid pgrp ...`; comm may hold spaces and parentheses.
    let after_comm = &stat[stat.rfind(')')? + 1..];
    after_comm.split_whitespace().nth(2)?.parse().ok()
}

/// A port the kernel just handed out for an ephemeral bind; free unless
/// someone grabs it in the next few milliseconds (checked by `wait_ready`).
fn free_port() -> Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0").context("cannot bind a free port")?;
    Ok(listener.local_addr()?.port())
}

/// Connects and sends `PING` as a RESP array; Ok on `+PONG`.
pub fn ping(port: u16) -> Result<()> {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_millis(500))?;
    stream.set_read_timeout(Some(Duration::from_secs(2)))?;
    stream.write_all(b"*1\r\n$4\r\nPING\r\n")?;
    let mut reply = [0u8; 64];
    let mut len = 0;
    while !reply[..len].ends_with(b"\r\n") && len < reply.len() {
        let n = stream.read(&mut reply[len..])?;
        if n == 0 {
            break;
        }
        len += n;
    }
    if &reply[..len] != b"+PONG\r\n" {
        bail!("PING answered {:?}", String::from_utf8_lossy(&reply[..len]));
    }
    Ok(())
}
