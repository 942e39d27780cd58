//! Keeps `DIRECTIVES.md` (what kv does with each directive) in step with the
//! table. Run with `KV_UPDATE_DOCS=1` to regenerate it after changing a status.

use kv_config::{DIRECTIVES, FILE_DIRECTIVES, Support};

fn render() -> String {
    let mut supported = Vec::new();
    let mut ignored = Vec::new();
    let mut unsupported = Vec::new();
    let entries = DIRECTIVES
        .iter()
        .map(|d| {
            let mut name = format!("`{}`", d.name);
            for a in d.aliases {
                name.push_str(&format!(" (`{a}`)"));
            }
            (name, d.support)
        })
        .chain(
            FILE_DIRECTIVES
                .iter()
                .map(|f| (format!("`{}` (file only)", f.name), f.support)),
        );
    for (name, support) in entries {
        match support {
            Support::Supported => supported.push(name),
            Support::Ignored => ignored.push(name),
            Support::Unsupported { reason, .. } => unsupported.push(format!("{name}: {reason}")),
        }
    }
    supported.sort();
    ignored.sort();
    unsupported.sort();
    let mut out = String::from(
        "# Directives and what kv does with them\n\n\
         Generated from `src/table.rs` by `tests/status_doc.rs` (`KV_UPDATE_DOCS=1 cargo test -p kv-config\n\
         --test status_doc`). Every Redis 7.0.15 directive is accepted with Redis's syntax, range and\n\
         error texts; this page says what kv then does with the value.\n\n",
    );
    out.push_str(&format!(
        "## Supported ({}): kv acts on the value\n\n",
        supported.len()
    ));
    out.push_str(&supported.join(", "));
    out.push_str(&format!(
        "\n\n## Ignored ({}): stored and shown, logged at startup, no effect in kv\n\n",
        ignored.len()
    ));
    out.push_str(&ignored.join(", "));
    out.push_str(&format!(
        "\n\n## Unsupported ({}): only the values that promise nothing kv breaks are accepted\n\n\
         Accepted: `save \"\"`, `appendonly no`, `maxmemory 0`, `maxmemory-clients 0`, no `replicaof`,\n\
         `cluster-enabled no`, `tls-port 0`, `aclfile \"\"`, `syslog-enabled no`,\n\
         `min-replicas-to-write 0`, `supervised no`, `shutdown-on-sig*` without `save`, `socket-mark-id 0`,\n\
         and `user default on nopass ~* &* +@all` (what Redis's CONFIG REWRITE writes for the default user).\n\n",
        unsupported.len()
    ));
    for u in &unsupported {
        out.push_str(&format!("- {u}\n"));
    }
    out
}

#[test]
fn status_doc_is_current() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/DIRECTIVES.md");
    let want = render();
    if std::env::var_os("KV_UPDATE_DOCS").is_some() {
        std::fs::write(path, &want).unwrap_or_else(|e| panic!("writing {path}: {e}"));
    }
    let have = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        have == want,
        "DIRECTIVES.md is stale: run KV_UPDATE_DOCS=1 cargo test -p kv-config --test status_doc"
    );
}
