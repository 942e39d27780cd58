//! `cargo xtask ci`: every check CI runs, in order, stopping at the first
//! failure. Each step is printed with its duration.

use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::Result;

use crate::bench::{self, BenchOpts};
use crate::proc::run_echoed;
use crate::{cargo, tidy, workspace_root};

enum Step {
    /// A cargo command line.
    Cargo(&'static [&'static str]),
    Tidy,
    BenchSmoke,
}

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
    // Keep in sync with the test command in the README.
    ("test", Step::Cargo(&["test", "--workspace"])),
    ("bench smoke (--quick --memory none)", Step::BenchSmoke),
];

pub fn run() -> Result<i32> {
    let mut done: Vec<(&str, Duration)> = Vec::new();
    for (name, step) in STEPS {
        println!("\n==> ci: {name}");
        let start = Instant::now();
        let outcome: Result<bool> = match step {
            Step::Cargo(args) => {
                let mut cmd: Command = cargo();
                cmd.args(*args);
                run_echoed(&mut cmd).map(|()| true)
            }
            Step::Tidy => tidy::run(&workspace_root()),
            Step::BenchSmoke => bench::run(&BenchOpts::ci_smoke()).map(|code| code == 0),
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
            return Ok(1);
        }
        println!("<== ci: {name} ok in {:.1}s", elapsed.as_secs_f64());
        done.push((name, elapsed));
    }
    summary(&done);
    println!("ci: all {} steps passed", STEPS.len());
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
