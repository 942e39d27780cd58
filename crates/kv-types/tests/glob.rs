//! Tests of `kv_types::glob` against redis-server 7.0.15 itself (a table of
//! KEYS answers recorded from the real server, quirks included) and, with
//! proptest, against a plain reference matcher on well-formed patterns.

use kv_types::glob::glob_match;
use proptest::prelude::*;

fn unhex(s: &str) -> Vec<u8> {
    if s == "''" {
        return Vec::new();
    }
    (0..s.len())
        .step_by(2)
        .map(|i| {
            u8::from_str_radix(&s[i..i + 2], 16).unwrap_or_else(|e| panic!("bad hex {s}: {e}"))
        })
        .collect()
}

/// Every pattern of the fixture gives, over the fixture's keys, exactly the
/// keys redis-server's KEYS returned (patterns and keys include `[`, `]`,
/// `\`, `^`, `-`, NUL and bytes above 0x7f, unterminated classes, reversed
/// ranges and trailing backslashes).
#[test]
fn matches_redis_keys_answers() {
    let text = include_str!("fixtures/glob-keys-7.0.15.txt");
    let mut keys = Vec::new();
    let mut checked = 0;
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let mut parts = line.split(' ');
        match parts.next() {
            Some("K") => keys.push(unhex(parts.next().unwrap_or_default())),
            Some("P") => {
                let pattern = unhex(parts.next().unwrap_or_default());
                let expected: Vec<usize> = parts
                    .filter(|p| *p != "-")
                    .map(|p| p.parse().unwrap_or_else(|e| panic!("bad index {p}: {e}")))
                    .collect();
                let got: Vec<usize> = (0..keys.len())
                    .filter(|&i| glob_match(&pattern, &keys[i], false))
                    .collect();
                assert_eq!(
                    got,
                    expected,
                    "pattern {:?}",
                    String::from_utf8_lossy(&pattern)
                );
                checked += 1;
            }
            other => panic!("unexpected fixture line {other:?}"),
        }
    }
    assert!(checked > 2000, "fixture too small: {checked}");
}

#[test]
fn edge_cases() {
    let m = |p: &[u8], s: &[u8]| glob_match(p, s, false);
    // Trailing lone backslash matches a backslash.
    assert!(m(b"a\\", b"a\\"));
    // Unterminated class acts as if closed.
    assert!(m(b"[ab", b"a"));
    assert!(!m(b"[ab", b"c"));
    // `]` right after `[` closes an empty class, which matches nothing.
    assert!(!m(b"[]", b"]"));
    // Escapes inside a class.
    assert!(m(b"[\\]]", b"]"));
    // Reversed ranges swap.
    assert!(m(b"[z-a]", b"q"));
    // Bytes >= 0x80 are negative chars in ranges.
    assert!(!m(b"[a-\xff]", b"b"));
    assert!(m(b"[a-\xff]", b"\x00"));
    // `*` needs at least the end of a non-empty string.
    assert!(!m(b"*", b""));
    assert!(m(b"", b""));
    // nocase folds ASCII only.
    assert!(glob_match(b"CONFIG", b"config", true));
    assert!(glob_match(b"[A-C]", b"b", true));
    assert!(!glob_match(b"\xc9", b"\xe9", true));
}

#[test]
fn exponential_patterns_stay_fast() {
    let s = vec![b'a'; 10_000];
    let mut p = b"a*".repeat(30);
    p.push(b'b');
    let start = std::time::Instant::now();
    assert!(!glob_match(&p, &s, false));
    assert!(start.elapsed() < std::time::Duration::from_secs(2));
}

/// One element of a well-formed pattern.
#[derive(Clone, Debug)]
enum Tok {
    Lit(u8),
    Any,
    Star,
    Class { negate: bool, items: Vec<(u8, u8)> },
}

/// A reference matcher: tokens, then dynamic programming over (token,
/// position). Redis's rule that an empty string matches only the empty
/// pattern is stated explicitly.
fn reference(toks: &[Tok], s: &[u8], nocase: bool) -> bool {
    if s.is_empty() {
        return toks.is_empty();
    }
    let fold = |b: u8| if nocase { b.to_ascii_lowercase() } else { b };
    let one = |t: &Tok, c: u8| match t {
        Tok::Lit(l) => fold(*l) == fold(c),
        Tok::Any => true,
        Tok::Star => unreachable!(),
        Tok::Class { negate, items } => {
            let hit = items.iter().any(|&(a, b)| {
                if a == b {
                    // Written escaped: Redis compares it exactly, even nocase.
                    return a == c;
                }
                let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
                if nocase {
                    (fold(lo)..=fold(hi)).contains(&fold(c))
                } else {
                    (lo..=hi).contains(&c)
                }
            });
            hit != *negate
        }
    };
    // ok[t][i]: toks[t..] matches s[i..].
    let mut ok = vec![vec![false; s.len() + 1]; toks.len() + 1];
    ok[toks.len()][s.len()] = true;
    for t in (0..toks.len()).rev() {
        for i in (0..=s.len()).rev() {
            ok[t][i] = match &toks[t] {
                Tok::Star => ok[t + 1][i] || (i < s.len() && ok[t][i + 1]),
                other => i < s.len() && one(other, s[i]) && ok[t + 1][i + 1],
            };
        }
    }
    ok[0][0]
}

fn render(toks: &[Tok]) -> Vec<u8> {
    let mut p = Vec::new();
    for t in toks {
        match t {
            Tok::Lit(c) => {
                if b"*?[]\\".contains(c) {
                    p.push(b'\\');
                }
                p.push(*c);
            }
            Tok::Any => p.push(b'?'),
            Tok::Star => p.push(b'*'),
            Tok::Class { negate, items } => {
                p.push(b'[');
                if *negate {
                    p.push(b'^');
                }
                for &(a, b) in items {
                    if a == b {
                        p.push(b'\\');
                        p.push(a);
                    } else {
                        p.extend_from_slice(&[a, b'-', b]);
                    }
                }
                p.push(b']');
            }
        }
    }
    p
}

fn lit() -> impl Strategy<Value = u8> {
    prop::sample::select(b"abcABC019*?[]\\-^".to_vec())
}

fn tok() -> impl Strategy<Value = Tok> {
    // Ranges stay within one case so that nocase folding cannot reorder them.
    let range = prop_oneof![
        (b'a'..=b'z', b'a'..=b'z'),
        (b'A'..=b'Z', b'A'..=b'Z'),
        (b'0'..=b'9', b'0'..=b'9'),
        lit().prop_map(|c| (c, c)),
    ];
    prop_oneof![
        4 => lit().prop_map(Tok::Lit),
        1 => Just(Tok::Any),
        2 => Just(Tok::Star),
        1 => (any::<bool>(), prop::collection::vec(range, 1..4))
            .prop_map(|(negate, items)| Tok::Class { negate, items }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]
    #[test]
    fn agrees_with_reference(
        toks in prop::collection::vec(tok(), 0..8),
        s in prop::collection::vec(lit(), 0..10),
        nocase in any::<bool>(),
    ) {
        let p = render(&toks);
        prop_assert_eq!(glob_match(&p, &s, nocase), reference(&toks, &s, nocase),
            "pattern {:?} string {:?}", String::from_utf8_lossy(&p), String::from_utf8_lossy(&s));
    }
}
