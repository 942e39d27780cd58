//! `cargo xtask`: kv's project automation.
//!
//! * `cargo xtask bench` — throughput and memory of kv-server side by side with
//!   redis-server, measured with redis-benchmark and a pipelined loader.
//! * `cargo xtask tidy` — house rules: crate layering, module docs, no clock or
//!   I/O in the pure crates.
//! * `cargo xtask ci` — fmt, clippy, tidy, tests and a bench smoke run, in order.
//! * `cargo xtask redis-suite` — Redis's own test suite against kv-server.
//!
//! Only std and anyhow: the crate must build quickly and on a bare CI box.

mod bench;
mod ci;
mod driver;
mod json;
mod proc;
mod redis_suite;
mod report;
mod resp;
mod server;
mod tidy;

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Result, bail};

const USAGE: &str = "\
usage: cargo xtask <command> [flags]

commands:
  bench    kv-server vs redis-server: redis-benchmark throughput and memory per key
  test     the README's test command: installs redis-server if missing (the
           reference the end-to-end tests compare against), then runs every
           test of every crate (`cargo test --workspace [ARGS]`)
  redis-suite
           Redis 7.0.15's own Tcl test suite against kv-server (the units kv
           passes; tests needing features kv lacks are skipped)
  tidy     house-rules check (crate edges, module docs, no clock/I/O in pure crates)
  ci       fmt --check, clippy -D warnings, tidy, test, bench --quick --memory none
  help     this text; `cargo xtask bench --help`, `cargo xtask ci --help` for flags
";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let code = match run(&args) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("xtask: error: {err:#}");
            1
        }
    };
    std::process::exit(code);
}

/// `cargo xtask test [ARGS]`: the README's test command.
pub fn test(args: &[String]) -> Result<i32> {
    if let Err(err) = bench::ensure_redis_installed() {
        // The oracle tests skip themselves without redis-server; say so loudly.
        eprintln!(
            "xtask: warning: could not install redis-server ({err:#}); the comparisons with Redis will be skipped"
        );
    }
    if let Err(err) = ensure_redis_py() {
        eprintln!(
            "xtask: warning: could not install redis-py ({err:#}); its client test will be skipped"
        );
    }
    let mut cmd = cargo();
    cmd.args(["test", "--workspace"]).args(args);
    let status = cmd.status()?;
    Ok(status.code().unwrap_or(1))
}

/// The redis-py release the client test is written against.
const REDIS_PY: &str = "redis==8.1.0";

/// Makes sure Python's redis-py is importable: the end-to-end tests run a
/// script through it (transactions, Pub/Sub, tracking as applications use
/// them).
fn ensure_redis_py() -> Result<()> {
    let importable = || {
        std::process::Command::new("python3")
            .args(["-c", "import redis"])
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    if importable() {
        return Ok(());
    }
    eprintln!("xtask: redis-py is missing: pip install {REDIS_PY}");
    let status = std::process::Command::new("python3")
        .args(["-m", "pip", "install", "--quiet", REDIS_PY])
        .status()?;
    anyhow::ensure!(
        status.success() && importable(),
        "pip install {REDIS_PY} failed"
    );
    Ok(())
}

/// Runs one subcommand; `Ok(code)` is the process exit code.
fn run(args: &[String]) -> Result<i32> {
    let Some((cmd, rest)) = args.split_first() else {
        eprint!("{USAGE}");
        return Ok(2);
    };
    match cmd.as_str() {
        "bench" => {
            let Some(opts) = bench::BenchOpts::parse(rest)? else {
                return Ok(0);
            };
            bench::run(&opts)
        }
        "test" => test(rest),
        "tidy" => {
            if let Some(arg) = rest.first() {
                bail!("tidy takes no arguments (got {arg:?})");
            }
            Ok(if tidy::run(&workspace_root())? { 0 } else { 1 })
        }
        "ci" => ci::run(rest),
        "redis-suite" => redis_suite::run(rest),
        "help" | "-h" | "--help" => {
            print!("{USAGE}");
            Ok(0)
        }
        other => {
            eprint!("{USAGE}");
            bail!("unknown command {other:?}")
        }
    }
}

/// The workspace root: xtask lives in `<root>/xtask`.
pub fn workspace_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir
        .parent()
        .expect("xtask is a workspace member one level below the root")
        .to_path_buf()
}

/// `cargo`, as the one that started us (`$CARGO`) when there is one, run at the
/// workspace root.
pub fn cargo() -> Command {
    let program = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(program);
    cmd.current_dir(workspace_root());
    cmd
}
