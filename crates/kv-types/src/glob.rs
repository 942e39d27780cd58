//! Redis's glob-style matcher (`stringmatchlen` in Redis 7.0's util.c), shared by
//! KEYS, SCAN MATCH, PSUBSCRIBE and CONFIG GET so that every pattern means the
//! same thing everywhere.
//!
//! The dialect: `*` (any run of bytes), `?` (one byte), `[abc]`, `[^abc]`,
//! `[a-z]` (a reversed range such as `[z-a]` is swapped), and `\x` for a literal
//! `x`, inside or outside a class. Matching is on bytes, never on characters.
//!
//! Invariants kept on purpose, because clients can observe them:
//! * Redis's C code reads one byte past the pattern, where the NUL terminator of
//!   the SDS string sits. [`at`] reproduces that: any index past the end reads 0.
//!   Quirks follow from it: a lone trailing `\` matches a literal `\`, and an
//!   unterminated class such as `[ab` behaves as if closed at the end.
//! * The main loop stops when either side runs out, so `*` does not match the
//!   empty string (KEYS short-circuits a bare `*` before calling the matcher; a
//!   caller wanting that must do the same).
//! * Range bounds compare as C `char`, which is signed on the platforms Redis
//!   ships for: bytes of 0x80 and above sort below `'\0'` in ranges.
//! * `nocase` folds only ASCII letters, as `tolower` does in the C locale.
//! * Pathological patterns cost polynomial time: once the text after a `*`
//!   failed to match at every later position, no earlier `*` can do better
//!   (Redis's `skipLongerMatches`), and nesting deeper than 1000 stars is
//!   answered "no match" as Redis 7.0.9+ does, which also bounds recursion.

/// Deepest recursion (one level per `*`) before Redis gives up with "no match".
const MAX_NESTING: u32 = 1000;

/// Whether `string` matches the glob `pattern`, exactly as Redis 7.0 decides.
///
/// `nocase` makes ASCII letters compare case-insensitively (CONFIG GET uses it;
/// KEYS, SCAN and PSUBSCRIBE do not).
pub fn glob_match(pattern: &[u8], string: &[u8], nocase: bool) -> bool {
    let mut skip_longer = false;
    match_impl(pattern, string, nocase, &mut skip_longer, 0)
}

/// The byte at `i`, or 0 past the end: the C code relies on the terminator.
#[inline]
fn at(s: &[u8], i: usize) -> u8 {
    s.get(i).copied().unwrap_or(0)
}

/// `tolower` in the C locale: only ASCII letters change.
#[inline]
fn fold(b: u8, nocase: bool) -> u8 {
    if nocase { b.to_ascii_lowercase() } else { b }
}

/// A byte as C's signed `char`, for range comparisons.
#[inline]
fn signed(b: u8) -> i32 {
    i32::from(b as i8)
}

fn match_impl(pat: &[u8], s: &[u8], nocase: bool, skip_longer: &mut bool, nesting: u32) -> bool {
    if nesting > MAX_NESTING {
        return false;
    }
    // `p` and `i` are cursors into `pat` and `s`; `p` never exceeds `pat.len()`
    // and `i` never exceeds `s.len()` (each step consumes what it checked).
    let mut p = 0usize;
    let mut i = 0usize;
    while p < pat.len() && i < s.len() {
        match pat[p] {
            b'*' => {
                while p + 1 < pat.len() && pat[p + 1] == b'*' {
                    p += 1;
                }
                if p + 1 == pat.len() {
                    return true;
                }
                while i < s.len() {
                    if match_impl(&pat[p + 1..], &s[i..], nocase, skip_longer, nesting + 1) {
                        return true;
                    }
                    if *skip_longer {
                        return false;
                    }
                    i += 1;
                }
                // The rest of the pattern matched nowhere in the rest of the
                // string: a longer match for any earlier `*` would only start the
                // rest later still, so every enclosing `*` can stop trying.
                *skip_longer = true;
                return false;
            }
            b'?' => {
                i += 1;
            }
            b'[' => {
                p += 1;
                let not = at(pat, p) == b'^';
                if not {
                    p += 1;
                }
                let c = s[i];
                let mut matched = false;
                loop {
                    let rest = pat.len().saturating_sub(p);
                    if at(pat, p) == b'\\' && rest >= 2 {
                        // An escaped byte inside a class compares exactly, even
                        // under nocase (as in Redis).
                        p += 1;
                        if pat[p] == c {
                            matched = true;
                        }
                    } else if at(pat, p) == b']' {
                        break;
                    } else if rest == 0 {
                        // Unterminated class: step back so that the common
                        // advance below lands exactly on the end.
                        p -= 1;
                        break;
                    } else if rest >= 3 && pat[p + 1] == b'-' {
                        let (mut lo, mut hi) = (signed(pat[p]), signed(pat[p + 2]));
                        if lo > hi {
                            std::mem::swap(&mut lo, &mut hi);
                        }
                        let mut ch = signed(c);
                        if nocase {
                            lo = fold_signed(lo);
                            hi = fold_signed(hi);
                            ch = fold_signed(ch);
                        }
                        p += 2;
                        if ch >= lo && ch <= hi {
                            matched = true;
                        }
                    } else if fold(pat[p], nocase) == fold(c, nocase) {
                        matched = true;
                    }
                    p += 1;
                }
                if not {
                    matched = !matched;
                }
                if !matched {
                    return false;
                }
                i += 1;
            }
            other => {
                let lit = if other == b'\\' && pat.len() - p >= 2 {
                    p += 1;
                    pat[p]
                } else {
                    other
                };
                if fold(lit, nocase) != fold(s[i], nocase) {
                    return false;
                }
                i += 1;
            }
        }
        p += 1;
        if i == s.len() {
            while at(pat, p) == b'*' {
                p += 1;
            }
            break;
        }
    }
    p == pat.len() && i == s.len()
}

/// `tolower` on a value that came from a signed `char`: negative values (bytes
/// of 0x80 and above) are left alone, as glibc's table does in the C locale.
#[inline]
fn fold_signed(v: i32) -> i32 {
    if (i32::from(b'A')..=i32::from(b'Z')).contains(&v) {
        v + 32
    } else {
        v
    }
}

#[cfg(test)]
mod tests {
    use super::glob_match;

    fn m(p: &str, s: &str) -> bool {
        glob_match(p.as_bytes(), s.as_bytes(), false)
    }

    #[test]
    fn basics() {
        assert!(m("a*", "abc"));
        assert!(m("*c", "abc"));
        assert!(m("a?c", "abc"));
        assert!(!m("a?c", "ac"));
        assert!(m("[abc]x", "bx"));
        assert!(!m("[^abc]x", "bx"));
        assert!(m("[a-c]", "b"));
        assert!(m("[c-a]", "b"));
        assert!(m("\\*", "*"));
        assert!(!m("\\*", "a"));
        assert!(!m("*", ""));
        assert!(m("", ""));
        assert!(!m("", "a"));
    }

    #[test]
    fn nocase() {
        assert!(glob_match(b"PORT", b"port", true));
        assert!(glob_match(b"[A-Z]ort", b"port", true));
        assert!(!glob_match(b"PORT", b"port", false));
    }

    #[test]
    fn pathological_pattern_is_fast() {
        let pattern = "a*".repeat(50) + "b";
        let s = "a".repeat(500);
        assert!(!m(&pattern, &s));
    }

    #[test]
    fn nesting_limit() {
        let s = "a".repeat(1100);
        assert!(!m(&"*a".repeat(1001), &s));
        assert!(m(&"*a".repeat(999), &s));
        assert!(m(&"a*".repeat(1001), &s));
    }
}
