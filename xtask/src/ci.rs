//! `cargo xtask ci`: every check CI runs, in order, stopping at the first
//! failure. Each step is printed with its duration.

use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::bench::{self, BenchOpts};
use crate::proc::run_echoed;
use crate::{cargo, tidy, workspace_root};

enum Step {
    /// A cargo command line.
    Cargo(&'static [&'static str]),
    Tidy,
    /// The README's test command (`cargo xtask test`).
    Test,
    BenchSmoke,
    /// Redis's own test suite, on the release binary the bench step built.
    RedisSuite,
}

/// The steps in order: short name (for `--only`/`--skip`), what it runs.
const STEPS: &[(&str, Step)] = &[
    ("fmt", Step::Cargo(&["fmt", "--all", "--", "--check"])),
    (
        "clippy",
        Step::Cargo(&[
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]),
    ),
    ("tidy", Step::Tidy),
    // The README's test command.
    ("test", Step::Test),
    ("bench", Step::BenchSmoke),
    ("redis-suite", Step::RedisSuite),
];

const CI_USAGE: &str = "\
usage: cargo xtask ci [--only STEPS | --skip STEPS]

Runs, in order, stopping at the first failure:
  fmt     cargo fmt --all -- --check
  clippy  cargo clippy --workspace --all-targets -- -D warnings
  tidy    cargo xtask tidy
  test    cargo test --workspace
  bench   cargo xtask bench --quick --memory none (smoke test: kv-server under
          redis-benchmark; builds kv-server in release mode unless $KV_BIN is set)
  redis-suite
          cargo xtask redis-suite (Redis 7.0.15's own tests against kv-server)
STEPS is a comma-separated list of step names, for local use; CI runs them all.
";

/// Parses `--only`/`--skip`; `None` after printing `--help`.
fn selected(args: &[String]) -> Result<Option<Vec<&'static str>>> {
    let mut names: Vec<&'static str> = STEPS.iter().map(|(n, _)| *n).collect();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) => (f, Some(v.to_string())),
            None => (arg.as_str(), None),
        };
        match flag {
            "-h" | "--help" => {
                print!("{CI_USAGE}");
                return Ok(None);
            }
            "--only" | "--skip" => {
                let list = match inline {
                    Some(v) => v,
                    None => it
                        .next()
                        .cloned()
                        .with_context(|| format!("{flag} needs a value"))?,
                };
                let wanted: Vec<&str> = list.split(',').map(str::trim).collect();
                if let Some(bad) = wanted.iter().find(|w| !STEPS.iter().any(|(n, _)| n == *w)) {
                    bail!(
                        "unknown ci step {bad:?}; the steps are fmt, clippy, tidy, test, bench, redis-suite"
                    );
                }
                let only = flag == "--only";
                names.retain(|n| wanted.contains(n) == only);
            }
            _ => bail!("unknown ci flag {arg:?} (see cargo xtask ci --help)"),
        }
    }
    Ok(Some(names))
}

pub fn run(args: &[String]) -> Result<i32> {
    let Some(names) = selected(args)? else {
        return Ok(0);
    };
    let mut done: Vec<(&str, Duration)> = Vec::new();
    for (name, step) in STEPS.iter().filter(|(n, _)| names.contains(n)) {
        let what = match step {
            Step::Cargo(args) => format!("cargo {}", args.join(" ")),
            Step::Tidy => "cargo xtask tidy".to_string(),
            Step::Test => "cargo xtask test".to_string(),
            Step::BenchSmoke => "cargo xtask bench --quick --memory none".to_string(),
            Step::RedisSuite => "cargo xtask redis-suite".to_string(),
        };
        println!("\n==> ci: {name}: {what}");
        let start = Instant::now();
        let outcome: Result<bool> = match step {
            Step::Cargo(args) => {
                let mut cmd = cargo();
                cmd.args(*args);
                run_echoed(&mut cmd).map(|()| true)
            }
            Step::Tidy => tidy::run(&workspace_root()),
            Step::Test => crate::test(&[]).map(|code| code == 0),
            Step::BenchSmoke => bench::run(&BenchOpts::ci_smoke()).map(|code| code == 0),
            Step::RedisSuite => crate::redis_suite::run(&[]).map(|code| code == 0),
        };
        let elapsed = start.elapsed();
        let ok = match outcome {
            Ok(ok) => ok,
            Err(err) => {
                eprintln!("xtask: error: {err:#}");
                false
            }
        };
        if !ok {
            println!("<== ci: {name} FAILED after {:.1}s", elapsed.as_secs_f64());
            summary(&done);
            println!("ci: FAILED at step {name}");
            return Ok(1);
        }
        println!("<== ci: {name} ok in {:.1}s", elapsed.as_secs_f64());
        done.push((name, elapsed));
    }
    summary(&done);
    println!("ci: all {} step(s) passed", done.len());
    Ok(0)
}

fn summary(done: &[(&str, Duration)]) {
    if done.is_empty() {
        return;
    }
    println!("\nci steps passed:");
    for (name, elapsed) in done {
        println!("  {:>7.1}s  {name}", elapsed.as_secs_f64());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn selects_steps() {
        let all = selected(&[]).unwrap().unwrap();
        assert_eq!(
            all,
            ["fmt", "clippy", "tidy", "test", "bench", "redis-suite"]
        );
        let only = selected(&args(&["--only", "bench,tidy"])).unwrap().unwrap();
        assert_eq!(only, ["tidy", "bench"]);
        let skip = selected(&args(&["--skip=clippy,test"])).unwrap().unwrap();
        assert_eq!(skip, ["fmt", "tidy", "bench", "redis-suite"]);
        assert!(selected(&args(&["--only", "lint"])).is_err());
        assert!(selected(&args(&["--fast"])).is_err());
    }
}
