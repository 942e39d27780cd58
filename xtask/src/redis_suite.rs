//! `cargo xtask redis-suite`: Redis 7.0.15's own Tcl test suite, run against
//! kv-server.
//!
//! The suite comes from Debian's source package of the redis-server kv is
//! compared with (`apt-get source`), unpacked under the target directory. Its
//! `src/redis-server` is made a link to kv-server, so the suite starts kv as it
//! would start Redis, with its own config files. Local edits adapt the copy
//! to what kv refuses on purpose rather than silently ignoring:
//! `tests/assets/default.conf` loses `save 900 1` (no RDB yet) and
//! `latency-monitor-threshold` (no LATENCY); the helper `memory_usage`
//! answers 1, as it does under a non-jemalloc Redis, when MEMORY USAGE is
//! unknown; and the server block of `unit/multi` that runs with `appendonly
//! yes` (no AOF yet) is tagged `kv:unsupported`, a tag the run denies. The
//! suite's `notify-keyspace-events KEA` stays: every server runs with keyspace
//! notifications on, as the suite expects. Tests that need commands kv
//! lacks are listed in `xtask/redis-suite/skip.txt`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, Result, bail};

use crate::proc::{find_in_path, run_captured, run_echoed};

/// The units kv passes, skip list applied.
pub const UNITS: &[&str] = &[
    "type/incr",
    "type/string",
    "bitops",
    "bitfield",
    "hyperloglog",
    "geo",
    "sort",
    "type/hash",
    "type/set",
    "type/zset",
    "type/list",
    "type/list-2",
    "type/list-3",
    "scan",
    "protocol",
    "auth",
    "quit",
    "info-command",
    "querybuf",
    "introspection",
    "keyspace",
    "lazyfree",
    "multi",
    "pubsub",
    "pubsubshard",
    "tracking",
    "slowlog",
    "type/stream",
    "type/stream-cgroups",
];

const VERSION: &str = "7.0.15";

const USAGE: &str = "\
usage: cargo xtask redis-suite [--units LIST] [--kv-bin PATH]

Runs Redis 7.0.15's own test suite (from Debian's source package, fetched once
into <target>/redis-suite) against kv-server, skipping the tests listed in
xtask/redis-suite/skip.txt. Exit status 0 only if no test failed.

  --units LIST    comma-separated units (default: every unit kv passes)
  --kv-bin PATH   server binary (default: cargo build --release -p kv-server)
";

pub fn run(args: &[String]) -> Result<i32> {
    let mut units: Vec<String> = UNITS.iter().map(|u| u.to_string()).collect();
    let mut kv_bin: Option<PathBuf> = None;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = || {
            it.next()
                .cloned()
                .with_context(|| format!("{arg} needs a value"))
        };
        match arg.as_str() {
            "--units" => units = value()?.split(',').map(str::to_string).collect(),
            "--kv-bin" => kv_bin = Some(PathBuf::from(value()?)),
            "-h" | "--help" => {
                print!("{USAGE}");
                return Ok(0);
            }
            other => bail!("unknown flag {other:?}\n{USAGE}"),
        }
    }
    let target = crate::bench::target_dir()?;
    let kv_bin = match kv_bin {
        Some(path) => path,
        None => {
            let mut build = crate::cargo();
            build.args(["build", "--release", "-p", "kv-server"]);
            run_echoed(&mut build)?;
            target.join("release/kv-server")
        }
    };
    let kv_bin = std::fs::canonicalize(&kv_bin)
        .with_context(|| format!("kv-server binary {}", kv_bin.display()))?;
    crate::bench::ensure_redis_installed()?;
    if find_in_path("tclsh").is_none() {
        crate::bench::apt_get(&["install", "-y", "tcl"])?;
    }
    let root = target.join("redis-suite");
    let suite = fetch(&root)?;
    prepare(&suite, &kv_bin)?;

    let skip = skip_file(&root)?;
    let mut cmd = Command::new("./runtest");
    cmd.current_dir(&suite)
        .args(["--clients", "2", "--tags", "-needs:repl -kv:unsupported"])
        .arg("--skipfile")
        .arg(&skip);
    for unit in &units {
        cmd.args(["--single", &format!("unit/{unit}")]);
    }
    eprintln!("+ {}", crate::proc::describe(&cmd));
    let out = run_captured(&mut cmd, Duration::from_secs(1800))?;
    let text = strip_colors(&format!("{}{}", out.stdout, out.stderr));
    std::fs::write(root.join("last-run.log"), &text)?;
    let summary = Summary::of(&text);
    for line in &summary.failures {
        println!("{line}");
    }
    println!(
        "redis-suite: {} units, {} passed, {} failed, {} skipped (log: {})",
        units.len(),
        summary.ok,
        summary.failures.len(),
        summary.skipped,
        root.join("last-run.log").display()
    );
    Ok(if summary.failures.is_empty() && out.status.success() {
        0
    } else {
        1
    })
}

/// Unpacks the suite of Debian's redis source package under `root` (once).
fn fetch(root: &Path) -> Result<PathBuf> {
    let suite = root.join(format!("redis-{VERSION}"));
    if suite.join("runtest").exists() {
        return Ok(suite);
    }
    std::fs::create_dir_all(root)?;
    let tarball = root.join(format!("redis_{VERSION}.orig.tar.gz"));
    if !tarball.exists() {
        ensure_source_repository()?;
        let mut get = Command::new("apt-get");
        get.current_dir(root)
            .args(["source", "--download-only", "redis"]);
        run_echoed(&mut get)?;
    }
    if !tarball.exists() {
        bail!(
            "apt-get source did not produce {} (Debian's redis is not {VERSION}?)",
            tarball.display()
        );
    }
    let mut untar = Command::new("tar");
    untar.current_dir(root).arg("xzf").arg(&tarball);
    run_echoed(&mut untar)?;
    Ok(suite)
}

/// `apt-get source` needs a deb-src entry; Debian images ship only `deb` ones.
fn ensure_source_repository() -> Result<()> {
    let path = Path::new("/etc/apt/sources.list.d/kv-redis-src.sources");
    if path.exists() {
        return Ok(());
    }
    let codename = std::fs::read_to_string("/etc/os-release")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VERSION_CODENAME=").map(str::to_string))
        })
        .unwrap_or_else(|| "bookworm".to_string());
    let entry = |uri: &str, suite: &str| {
        format!(
            "Types: deb-src\nURIs: {uri}\nSuites: {suite}\nComponents: main\n\
             Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n"
        )
    };
    let text = format!(
        "{}\n{}",
        entry("http://deb.debian.org/debian", &codename),
        entry(
            "http://deb.debian.org/debian-security",
            &format!("{codename}-security")
        )
    );
    std::fs::write(path, text)
        .with_context(|| format!("writing {} (run as root)", path.display()))?;
    crate::bench::apt_get(&["update"])
}

/// Links the suite's binaries (kv-server as redis-server) and applies the
/// edits described in the module documentation. Idempotent.
fn prepare(suite: &Path, kv_bin: &Path) -> Result<()> {
    let src = suite.join("src");
    std::fs::create_dir_all(&src)?;
    let link = |name: &str, target: &Path| -> Result<()> {
        let path = src.join(name);
        let _ = std::fs::remove_file(&path);
        std::os::unix::fs::symlink(target, &path)
            .with_context(|| format!("linking {}", path.display()))
    };
    link("redis-server", kv_bin)?;
    for tool in [
        "redis-cli",
        "redis-benchmark",
        "redis-check-aof",
        "redis-check-rdb",
    ] {
        if let Some(path) = find_in_path(tool) {
            link(tool, &path)?;
        }
    }
    edit(&suite.join("tests/assets/default.conf"), |text| {
        text.lines()
            .filter(|l| !l.starts_with("latency-monitor"))
            .map(|l| if l == "save 900 1" { "save ''" } else { l })
            .collect::<Vec<_>>()
            .join("\n")
            + "\n"
    })?;
    // A server kv refuses to start would fail the unit before its tests
    // could be skipped: its block gets the tag `kv:unsupported`, which
    // `run` denies.
    edit(&suite.join("tests/unit/multi.tcl"), |text| {
        text.replace(
            "appendfsync always} tags {external:skip}}",
            "appendfsync always} tags {external:skip kv:unsupported}}",
        )
    })?;
    // Streams: the AOF blocks, and the cgroups unit's two replication
    // blocks (its only ones tagged external:skip alone).
    for unit in ["stream", "stream-cgroups"] {
        edit(&suite.join(format!("tests/unit/type/{unit}.tcl")), |text| {
            text.replace(
                "{tags {\"stream needs:debug\"} overrides {appendonly yes",
                "{tags {\"stream needs:debug kv:unsupported\"} overrides {appendonly yes",
            )
            .replace(
                "start_server {tags {\"external:skip\"}} {\n        set master [srv -1 client]",
                "start_server {tags {\"external:skip kv:unsupported\"}} {\n        set master [srv -1 client]",
            )
        })?;
    }
    edit(&suite.join("tests/support/util.tcl"), |text| {
        text.replace(
            "proc memory_usage {key} {\n    set usage [r memory usage $key]",
            "proc memory_usage {key} {\n    if {[catch {set usage [r memory usage $key]}]} { return 1 }",
        )
    })
}

fn edit(path: &Path, change: impl Fn(&str) -> String) -> Result<()> {
    let text = std::fs::read_to_string(path).with_context(|| format!("{}", path.display()))?;
    let changed = change(&text);
    if changed != text {
        std::fs::write(path, changed)?;
    }
    Ok(())
}

/// The skip list without its comments, as runtest's `--skipfile` reads it.
fn skip_file(root: &Path) -> Result<PathBuf> {
    let listed = crate::workspace_root().join("xtask/redis-suite/skip.txt");
    let text = std::fs::read_to_string(&listed)
        .with_context(|| format!("reading {}", listed.display()))?;
    let names: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .collect();
    let path = root.join("skip.txt");
    std::fs::write(&path, names.join("\n") + "\n")?;
    Ok(path)
}

fn strip_colors(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' && chars.peek() == Some(&'[') {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
            continue;
        }
        out.push(c);
    }
    out
}

/// What runtest printed: `[ok]`, `[skip]`, and failures (`[err]`,
/// `[exception]` with the line after it, which says why).
#[derive(Debug, Default, PartialEq)]
struct Summary {
    ok: usize,
    skipped: usize,
    failures: Vec<String>,
}

impl Summary {
    fn of(log: &str) -> Summary {
        let mut s = Summary::default();
        let lines: Vec<&str> = log.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            if line.starts_with("[ok]:") {
                s.ok += 1;
            } else if line.starts_with("[skip]:") {
                s.skipped += 1;
            } else if line.starts_with("[err]:") || line.starts_with("[exception]:") {
                let why = lines.get(i + 1).copied().unwrap_or("");
                s.failures.push(format!("{line}\n    {why}"));
            }
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_runtest_output() {
        let log = strip_colors(
            "\u{1b}[0;32;49mok\u{1b}[0m\n[ok]: PING (1 ms)\n[skip]: MONITOR\n\
             [err]: MOVE basic usage in tests/unit/keyspace.tcl\nExpected '0 3' to equal '0 0'\n\
             [ok]: TTL (0 ms)\n",
        );
        let s = Summary::of(&log);
        assert_eq!(s.ok, 2);
        assert_eq!(s.skipped, 1);
        assert_eq!(
            s.failures,
            vec![
                "[err]: MOVE basic usage in tests/unit/keyspace.tcl\n    Expected '0 3' to equal '0 0'"
            ]
        );
    }

    #[test]
    fn the_skip_list_names_only_units_that_are_run() {
        let text =
            std::fs::read_to_string(crate::workspace_root().join("xtask/redis-suite/skip.txt"))
                .unwrap();
        for header in text.lines().filter_map(|l| l.strip_prefix("# unit/")) {
            let unit = header.split([' ', ':']).next().unwrap();
            assert!(
                UNITS.contains(&unit),
                "{unit} is in skip.txt but not in UNITS"
            );
        }
    }
}
