//! Helpers shared by kv-config's integration tests.

#![allow(dead_code)]

use kv_config::{Config, ConfigError};

/// Loads `text` with no include files available.
pub fn load(text: &str) -> Result<Config, ConfigError> {
    Config::load(text, "test.conf", &mut |path| {
        Err(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            format!("no file {path}"),
        ))
    })
}

/// Loads `text`, panicking with the report on failure.
pub fn load_ok(text: &str) -> Config {
    load(text).unwrap_or_else(|e| panic!("loading {text:?} failed:{e}"))
}

/// The message of a load failure.
pub fn load_err(text: &str) -> String {
    match load(text) {
        Ok(c) => panic!("loading {text:?} succeeded: {c:?}"),
        Err(e) => e.message().to_string(),
    }
}

/// CONFIG GET of one exact name, as text.
pub fn get(c: &Config, name: &str) -> String {
    let v = c.get(name.as_bytes());
    assert_eq!(v.len(), 1, "CONFIG GET {name}: {v:?}");
    String::from_utf8_lossy(&v[0].1).into_owned()
}

/// CONFIG SET of `pairs`; the error reply text on failure.
pub fn set(c: &mut Config, pairs: &[(&str, &str)]) -> Result<Vec<&'static str>, String> {
    let pairs: Vec<(&[u8], &[u8])> = pairs
        .iter()
        .map(|(n, v)| (n.as_bytes(), v.as_bytes()))
        .collect();
    c.set(&pairs).map_err(|e| e.to_string())
}

/// Undoes the fixtures' escaping (`\\`, `\t`, `\n`, `\xHH`).
pub fn unescape(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' && i + 1 < b.len() {
            match b[i + 1] {
                b't' => out.push(b'\t'),
                b'n' => out.push(b'\n'),
                b'\\' => out.push(b'\\'),
                b'x' if i + 3 < b.len() => {
                    let hex = std::str::from_utf8(&b[i + 2..i + 4]).unwrap_or("zz");
                    out.push(u8::from_str_radix(hex, 16).unwrap_or_else(|e| panic!("{s}: {e}")));
                    i += 2;
                }
                other => panic!("bad escape \\{} in {s}", other as char),
            }
            i += 2;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    out
}
