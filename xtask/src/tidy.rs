//! `cargo xtask tidy`: the house rules CI enforces.
//!
//! 1. **Crate edges.** The layering of the architecture, read from `cargo
//!    metadata`: resp-proto and kv-types depend on no workspace crate; kv-config
//!    only on resp-proto and kv-types; kv-engine only on resp-proto, kv-types and
//!    kv-config; kv-persist only on resp-proto and kv-types; nothing depends on
//!    kv-server. Normal and build dependencies are checked against the layers;
//!    dev-dependencies (tests, benches) are exempt from the layers but still may
//!    not name kv-server. A crate without a row (a new crate) is reported as a
//!    note, not a failure, until it gets one.
//! 2. **Module docs.** Every `.rs` file under `crates/` begins (first non-blank
//!    line) with a `//!` (or `/*!`) module doc. Files in a `tests/`, `benches/`
//!    or `examples/` directory are integration-test style files whose first
//!    item is often a plain comment: for them any leading comment (`//`, `//!`,
//!    `/*`) is enough, but they must start with one.
//! 3. **No clock, no network, no filesystem in the pure crates** (kv-engine,
//!    kv-types, resp-proto, kv-config): no `std::time::SystemTime` (nor
//!    `UNIX_EPOCH`), `Instant::now`, `std::net` or `std::fs`, written out or in a
//!    `use std::{...}` group, in their `src/` files. Comments and string literals
//!    are ignored, and so are test-only files (`tests.rs`, anything in a
//!    `tests/` directory) and items under `#[cfg(test)]` (such as `mod tests
//!    { ... }`). A line carrying the marker `tidy:allow` is accepted as is.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result, bail};

use crate::json::Json;
use crate::proc::run_captured;

/// Allowed workspace dependencies per crate (normal and build dependencies).
const LAYERS: &[(&str, &[&str])] = &[
    ("resp-proto", &[]),
    ("kv-types", &[]),
    ("kv-config", &["resp-proto", "kv-types"]),
    ("kv-engine", &["resp-proto", "kv-types", "kv-config"]),
    ("kv-persist", &["resp-proto", "kv-types"]),
    (
        "kv-server",
        &[
            "resp-proto",
            "kv-types",
            "kv-config",
            "kv-engine",
            "kv-persist",
        ],
    ),
    ("xtask", &[]),
];

/// The crate no one may depend on.
const LEAF: &str = "kv-server";

/// Crates that must stay free of clocks and I/O.
const PURE: &[&str] = &["kv-engine", "kv-types", "resp-proto", "kv-config"];

/// Substrings banned in the pure crates' code, with what to say.
const BANNED: &[(&str, &str)] = &[
    ("std::fs", "filesystem access (std::fs)"),
    ("std::net", "networking (std::net)"),
    ("SystemTime", "the wall clock (SystemTime)"),
    ("UNIX_EPOCH", "the wall clock (UNIX_EPOCH)"),
    ("Instant::now", "the monotonic clock (Instant::now)"),
];

/// Rule 4 (the write-effects seam): what command bodies (`kv-engine/src/cmd/`)
/// must not touch, because `Ctx::changed` and the propagation calls report
/// writes for them.
const SEAM: &[(&str, &str)] = &[
    (".dirty +=", "the dirty counter"),
    (".dirty =", "the dirty counter"),
    ("blocking.signal", "blocked clients' readiness"),
    (".propagation.", "the propagation stream"),
    ("tracking_invalidate", "tracking invalidation"),
    ("touch_watched", "WATCH invalidation"),
    (".watches.", "the WATCH table"),
    (".notify(", "keyspace notifications"),
];

/// The marker that accepts a line.
const ALLOW: &str = "tidy:allow";

/// Runs every check, printing each failure; `Ok(true)` when all pass.
pub fn run(root: &Path) -> Result<bool> {
    let mut failures = Vec::new();
    let mut notes = Vec::new();
    check_edges(&metadata(root)?, &mut failures, &mut notes)?;
    let crates = root.join("crates");
    let files = rust_files(&crates)?;
    for file in &files {
        let text = std::fs::read_to_string(file)
            .with_context(|| format!("cannot read {}", file.display()))?;
        let rel = file.strip_prefix(root).unwrap_or(file);
        if let Some(problem) = check_module_doc(rel, &text) {
            failures.push(problem);
        }
        if is_command_body(rel) {
            for (line, what) in banned_patterns(&text, SEAM) {
                failures.push(format!(
                    "{}:{line}: a command body touches {what}; report writes with ctx.changed / propagate_as \
                     (mark the line `// {ALLOW}` if it truly must)",
                    rel.display()
                ));
            }
        }
        if let Some(krate) = pure_source(rel) {
            for (line, what) in banned_uses(&text) {
                failures.push(format!(
                    "{}:{line}: {what} in {krate}, which must not do I/O or read clocks (mark the line `// {ALLOW}` if it truly must)",
                    rel.display()
                ));
            }
        }
    }
    for note in &notes {
        println!("tidy: note: {note}");
    }
    for failure in &failures {
        println!("tidy: FAIL: {failure}");
    }
    if failures.is_empty() {
        println!("tidy: ok ({} Rust files checked)", files.len());
        Ok(true)
    } else {
        println!("tidy: {} failure(s)", failures.len());
        Ok(false)
    }
}

fn metadata(root: &Path) -> Result<Json> {
    let mut cmd = crate::cargo();
    cmd.current_dir(root)
        .args(["metadata", "--format-version", "1", "--no-deps"]);
    let out = run_captured(&mut cmd, Duration::from_secs(120))?;
    if !out.status.success() {
        bail!(
            "cargo metadata failed ({}): {}",
            out.status,
            out.stderr.trim()
        );
    }
    Json::parse(&out.stdout).context("parsing cargo metadata")
}

/// Checks the workspace's internal dependency edges.
fn check_edges(meta: &Json, failures: &mut Vec<String>, notes: &mut Vec<String>) -> Result<()> {
    let packages = meta.get("packages").items();
    if packages.is_empty() {
        bail!("cargo metadata lists no packages");
    }
    let members: Vec<&str> = packages
        .iter()
        .filter_map(|p| p.get("name").as_str())
        .collect();
    for package in packages {
        let name = package
            .get("name")
            .as_str()
            .context("package without a name")?;
        let allowed = LAYERS
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, deps)| *deps);
        if allowed.is_none() {
            notes.push(format!(
                "crate {name} has no row in tidy's LAYERS table; only the no-kv-server rule applies"
            ));
        }
        for dep in package.get("dependencies").items() {
            let Some(dep_name) = dep.get("name").as_str() else {
                continue;
            };
            if !members.contains(&dep_name) {
                continue;
            }
            // `kind` is null for normal dependencies, "dev" or "build" otherwise.
            let kind = dep.get("kind").as_str().unwrap_or("normal");
            if dep_name == LEAF {
                failures.push(format!(
                    "{name} depends on {LEAF} ({kind}): nothing may depend on the server crate"
                ));
                continue;
            }
            if kind == "dev" {
                continue;
            }
            if let Some(allowed) = allowed
                && !allowed.contains(&dep_name)
            {
                let allowed = if allowed.is_empty() {
                    "no workspace crate".to_string()
                } else {
                    allowed.join(", ")
                };
                failures.push(format!(
                    "{name} depends on {dep_name} ({kind}): {name} may depend only on {allowed}"
                ));
            }
        }
    }
    Ok(())
}

/// Every `.rs` file under `dir`, sorted, skipping `target` directories.
fn rust_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let entries =
            std::fs::read_dir(&dir).with_context(|| format!("cannot list {}", dir.display()))?;
        for entry in entries {
            let entry = entry?;
            let path = entry.path();
            let file_type = entry.file_type()?;
            if file_type.is_dir() {
                if entry.file_name() != "target"
                    && !entry.file_name().to_string_lossy().starts_with('.')
                {
                    stack.push(path);
                }
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

/// Path components of `rel` (relative to the workspace root).
fn components(rel: &Path) -> Vec<String> {
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect()
}

/// Whether a file below `crates/<name>/` is in a tests/benches/examples tree.
fn is_test_tree(rel: &Path) -> bool {
    components(rel)
        .iter()
        .skip(2)
        .any(|c| c == "tests" || c == "benches" || c == "examples")
}

/// Rule 2; `Some(problem)` when the file breaks it.
fn check_module_doc(rel: &Path, text: &str) -> Option<String> {
    let first = text
        .trim_start_matches('\u{feff}')
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty());
    let first = first.unwrap_or("");
    let is_doc = first.starts_with("//!") || first.starts_with("/*!");
    if is_doc {
        return None;
    }
    if is_test_tree(rel) {
        if first.starts_with("//") || first.starts_with("/*") {
            return None;
        }
        return Some(format!(
            "{}: does not start with a comment saying what it tests (`//!` preferred)",
            rel.display()
        ));
    }
    Some(format!(
        "{}: does not start with a `//!` module doc",
        rel.display()
    ))
}

/// The crate name when `rel` is a non-test source file of a pure crate.
fn pure_source(rel: &Path) -> Option<&'static str> {
    let parts = components(rel);
    if parts.len() < 4 || parts[0] != "crates" || parts[2] != "src" {
        return None;
    }
    let krate = PURE.iter().find(|k| **k == parts[1])?;
    let test_only = parts[3..].iter().any(|c| c == "tests")
        || parts
            .last()
            .is_some_and(|f| f == "tests.rs" || f == "test.rs");
    (!test_only).then_some(*krate)
}

/// A command family's file (rule 4 applies).
fn is_command_body(rel: &Path) -> bool {
    let parts = components(rel);
    parts.len() == 5 && parts[..4] == ["crates", "kv-engine", "src", "cmd"]
}

/// `(line number, what)` for each of `patterns` found outside comments,
/// string literals and `#[cfg(test)]` items, on lines without the allow
/// marker. A pattern that starts or ends with an identifier character only
/// matches whole identifiers there.
fn banned_patterns(text: &str, patterns: &[(&str, &'static str)]) -> Vec<(usize, &'static str)> {
    banned_in(text, &code_only(text), patterns)
}

/// `text` with comments, string literals and `#[cfg(test)]` items blanked.
fn code_only(text: &str) -> Vec<u8> {
    let mut code = blank_comments_and_strings(text.as_bytes());
    blank_cfg_test_items(&mut code);
    code
}

/// [`banned_patterns`] over `code`, already blanked by [`code_only`].
fn banned_in(
    text: &str,
    code: &[u8],
    patterns: &[(&str, &'static str)],
) -> Vec<(usize, &'static str)> {
    let raw_lines: Vec<&str> = text.split('\n').collect();
    let line_of = |offset: usize| code[..offset].iter().filter(|&&b| b == b'\n').count() + 1;
    let mut hits = Vec::new();
    for (pattern, what) in patterns {
        let bytes = pattern.as_bytes();
        for offset in find_all(code, bytes) {
            let before = offset.checked_sub(1).map(|i| code[i]);
            let after = code.get(offset + pattern.len()).copied();
            let glued_before = is_ident(bytes[0]) && before.is_some_and(is_ident);
            let glued_after = is_ident(bytes[bytes.len() - 1]) && after.is_some_and(is_ident);
            if glued_before || glued_after {
                continue;
            }
            hits.push((line_of(offset), *what));
        }
    }
    hits.retain(|(line, _)| !raw_lines.get(line - 1).is_some_and(|l| l.contains(ALLOW)));
    hits
}

/// Rule 3: `(line number, what)` for each banned use outside comments, string
/// literals and `#[cfg(test)]` items, on lines without the allow marker.
fn banned_uses(text: &str) -> Vec<(usize, &'static str)> {
    let code = code_only(text);
    let raw_lines: Vec<&str> = text.split('\n').collect();
    let line_of = |offset: usize| code[..offset].iter().filter(|&&b| b == b'\n').count() + 1;
    let mut hits = banned_in(text, &code, BANNED);
    // `use std::{fs, net::TcpStream, ...}`: the group's top-level names.
    for offset in find_all(&code, b"std::{") {
        let open = offset + "std::".len();
        let Some(close) = matching(&code, open, b'{', b'}') else {
            continue;
        };
        let mut depth = 0;
        let mut i = open + 1;
        while i < close {
            match code[i] {
                b'{' => depth += 1,
                b'}' => depth -= 1,
                _ => {}
            }
            if depth == 0 {
                for (name, what) in [
                    (&b"fs"[..], "filesystem access (std::fs)"),
                    (b"net", "networking (std::net)"),
                ] {
                    if code[i..].starts_with(name)
                        && !is_ident(code[i - 1])
                        && code[..i]
                            .iter()
                            .rev()
                            .find(|b| !b.is_ascii_whitespace())
                            .is_some_and(|&b| b == b'{' || b == b',')
                        && !code.get(i + name.len()).copied().is_some_and(is_ident)
                    {
                        hits.push((line_of(i), what));
                    }
                }
            }
            i += 1;
        }
    }
    hits.retain(|(line, _)| !raw_lines.get(line - 1).is_some_and(|l| l.contains(ALLOW)));
    hits.sort();
    hits.dedup();
    hits
}

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

fn find_all(haystack: &[u8], needle: &[u8]) -> Vec<usize> {
    haystack
        .windows(needle.len())
        .enumerate()
        .filter(|(_, w)| *w == needle)
        .map(|(i, _)| i)
        .collect()
}

/// The index of the bracket closing the one at `open`.
fn matching(code: &[u8], open: usize, left: u8, right: u8) -> Option<usize> {
    let mut depth = 0usize;
    for (i, &b) in code.iter().enumerate().skip(open) {
        if b == left {
            depth += 1;
        } else if b == right {
            depth -= 1;
            if depth == 0 {
                return Some(i);
            }
        }
    }
    None
}

/// Replaces comments and the contents of string and char literals with
/// spaces, keeping newlines (and so line numbers and byte offsets).
fn blank_comments_and_strings(src: &[u8]) -> Vec<u8> {
    let mut out = src.to_vec();
    let blank = |out: &mut Vec<u8>, from: usize, to: usize| {
        for b in &mut out[from..to.min(src.len())] {
            if *b != b'\n' {
                *b = b' ';
            }
        }
    };
    let mut i = 0;
    while i < src.len() {
        let prev_ident = i > 0 && is_ident(src[i - 1]);
        match src[i] {
            b'/' if src.get(i + 1) == Some(&b'/') => {
                let end = src[i..]
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(src.len(), |p| i + p);
                blank(&mut out, i, end);
                i = end;
            }
            b'/' if src.get(i + 1) == Some(&b'*') => {
                let mut depth = 0;
                let mut j = i;
                while j < src.len() {
                    if src[j..].starts_with(b"/*") {
                        depth += 1;
                        j += 2;
                    } else if src[j..].starts_with(b"*/") {
                        depth -= 1;
                        j += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        j += 1;
                    }
                }
                blank(&mut out, i, j);
                i = j;
            }
            b'r' | b'b' if !prev_ident && raw_string_start(&src[i..]).is_some() => {
                let (prefix, hashes) = raw_string_start(&src[i..]).expect("checked");
                let body = i + prefix;
                let mut closing = vec![b'"'];
                closing.extend(std::iter::repeat_n(b'#', hashes));
                let end = find_all(&src[body..], &closing)
                    .first()
                    .map_or(src.len(), |p| body + p + closing.len());
                blank(&mut out, body, end.saturating_sub(closing.len()));
                i = end;
            }
            b'"' => {
                let mut j = i + 1;
                while j < src.len() && src[j] != b'"' {
                    j += if src[j] == b'\\' { 2 } else { 1 };
                }
                blank(&mut out, i + 1, j);
                i = j + 1;
            }
            b'\'' => {
                // A char literal ('x', '\n', '\u{..}', 'é') or a lifetime ('a).
                if src.get(i + 1) == Some(&b'\\') {
                    // Skip the escaped character itself: it may be a quote.
                    let mut j = i + 3;
                    while j < src.len() && src[j] != b'\'' && src[j] != b'\n' {
                        j += 1;
                    }
                    blank(&mut out, i + 1, j);
                    i = j + 1;
                } else {
                    let len = src.get(i + 1).map_or(1, |&b| utf8_len(b));
                    if src.get(i + 1 + len) == Some(&b'\'') {
                        blank(&mut out, i + 1, i + 1 + len);
                        i += len + 2;
                    } else {
                        i += 1;
                    }
                }
            }
            _ => i += 1,
        }
    }
    out
}

/// `Some((bytes before the body, number of #))` when `s` starts a raw string
/// (`r"`, `r#"`, `br"`, `br##"`, ...).
fn raw_string_start(s: &[u8]) -> Option<(usize, usize)> {
    let mut i = usize::from(s.first() == Some(&b'b'));
    if s.get(i) != Some(&b'r') {
        return None;
    }
    i += 1;
    let hashes = s[i..].iter().take_while(|&&b| b == b'#').count();
    i += hashes;
    (s.get(i) == Some(&b'"')).then_some((i + 1, hashes))
}

fn utf8_len(first: u8) -> usize {
    match first {
        0xF0..=0xFF => 4,
        0xE0..=0xEF => 3,
        0xC0..=0xDF => 2,
        _ => 1,
    }
}

/// Blanks every item annotated `#[cfg(test)]` in comment-free code: from the
/// attribute to the `;` or the `}` that ends the item.
fn blank_cfg_test_items(code: &mut [u8]) {
    for start in find_all(code, b"#[cfg(test)]") {
        let mut i = start + "#[cfg(test)]".len();
        let (mut parens, mut brackets) = (0i32, 0i32);
        let end = loop {
            let Some(&b) = code.get(i) else {
                break code.len();
            };
            match b {
                b'(' => parens += 1,
                b')' => parens -= 1,
                b'[' => brackets += 1,
                b']' => brackets -= 1,
                b';' if parens == 0 && brackets == 0 => break i + 1,
                b'{' if parens == 0 && brackets == 0 => {
                    break matching(code, i, b'{', b'}').map_or(code.len(), |c| c + 1);
                }
                _ => {}
            }
            i += 1;
        };
        for b in &mut code[start..end] {
            if *b != b'\n' {
                *b = b' ';
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hits(src: &str) -> Vec<usize> {
        banned_uses(src).into_iter().map(|(line, _)| line).collect()
    }

    #[test]
    fn finds_banned_uses_in_code_only() {
        let src = r##"//! doc mentioning std::fs
use std::fs::File;
use std::{collections::HashMap, net::TcpStream};
use std::{
    io,
    fs,
};
let t = std::time::Instant::now(); // tidy:allow
let u = Instant::now();
let s = "std::net in a string";
let r = r#"SystemTime " in raw"#;
let c = '"'; let d = SystemTime::now();
fn f<'a>(x: &'a str) -> &'a str { x } // SystemTime
/* block std::fs */ let e = UNIX_EPOCH;
let not = MySystemTime; let q = std::fsx;
#[cfg(test)]
mod tests {
    use std::fs;
    fn g() { let x = "}"; std::net::TcpStream::connect("x"); }
}
#[cfg(test)]
use std::fs;
let after = std::fs::read("x");
"##;
        assert_eq!(hits(src), [2, 3, 6, 9, 12, 14, 23]);
    }

    #[test]
    fn command_bodies_report_writes_through_the_seam() {
        let lines = |src: &str| -> Vec<usize> {
            banned_patterns(src, SEAM)
                .into_iter()
                .map(|(l, _)| l)
                .collect()
        };
        let src = "fn f(ctx: &mut Ctx) {\n    ctx.engine.dirty += 1;\n    ctx.changed(key, events::SET);\n    ctx.engine.blocking.signal(0, k); // tidy:allow\n    let d = ctx.engine.dirty;\n}\n";
        assert_eq!(lines(src), [2]);
        assert!(is_command_body(Path::new(
            "crates/kv-engine/src/cmd/string.rs"
        )));
        assert!(!is_command_body(Path::new(
            "crates/kv-engine/src/effects.rs"
        )));
    }

    #[test]
    fn module_docs() {
        let src = Path::new("crates/a/src/lib.rs");
        let test = Path::new("crates/a/tests/it/main.rs");
        assert!(check_module_doc(src, "\n//! Doc\nfn f() {}").is_none());
        assert!(check_module_doc(src, "/*! Doc */").is_none());
        assert!(check_module_doc(src, "// plain\nfn f() {}").is_some());
        assert!(check_module_doc(src, "#![allow(x)]\n//! Doc").is_some());
        assert!(check_module_doc(src, "").is_some());
        assert!(check_module_doc(test, "// Tests of x.\nuse a;").is_none());
        assert!(check_module_doc(test, "use a;").is_some());
    }

    #[test]
    fn pure_sources() {
        assert_eq!(
            pure_source(Path::new("crates/kv-engine/src/db.rs")),
            Some("kv-engine")
        );
        assert_eq!(
            pure_source(Path::new("crates/kv-engine/src/tests.rs")),
            None
        );
        assert_eq!(
            pure_source(Path::new("crates/kv-engine/src/cmd/tests/x.rs")),
            None
        );
        assert_eq!(pure_source(Path::new("crates/kv-engine/tests/x.rs")), None);
        assert_eq!(pure_source(Path::new("crates/kv-server/src/net.rs")), None);
    }

    #[test]
    fn edges() {
        let meta = Json::parse(
            r#"{"packages": [
                {"name": "kv-types", "dependencies": [{"name": "hashbrown", "kind": null}]},
                {"name": "resp-proto", "dependencies": [{"name": "kv-types", "kind": null}]},
                {"name": "kv-engine", "dependencies": [
                    {"name": "kv-types", "kind": null},
                    {"name": "kv-persist", "kind": "dev"},
                    {"name": "kv-server", "kind": "dev"}]},
                {"name": "kv-persist", "dependencies": []},
                {"name": "kv-server", "dependencies": [{"name": "kv-engine", "kind": null}]},
                {"name": "kv-new", "dependencies": [{"name": "kv-persist", "kind": "build"}]}
            ]}"#,
        )
        .unwrap();
        let (mut failures, mut notes) = (Vec::new(), Vec::new());
        check_edges(&meta, &mut failures, &mut notes).unwrap();
        assert_eq!(failures.len(), 2, "{failures:?}");
        assert!(failures[0].starts_with("resp-proto depends on kv-types"));
        assert!(failures[1].starts_with("kv-engine depends on kv-server (dev)"));
        assert_eq!(notes.len(), 1, "{notes:?}");
    }
}
