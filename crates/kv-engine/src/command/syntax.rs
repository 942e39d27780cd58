//! Argument trees for COMMAND DOCS, derived from each table entry's `syntax`
//! line (`key value [NX|XX] [EX seconds|PX milliseconds]`), so that the table
//! stays the only place a command's arguments are written.
//!
//! The grammar is the one Redis's docs use: words are arguments, UPPERCASE
//! words are tokens (a token followed by an argument names that argument's
//! token; a lone token is a pure token), `[...]` is optional, `<...>` groups
//! required alternatives (`<M|KM>`), `a|b` is one of,
//! several words together form a block, and `...` marks repetition. An
//! argument's type is inferred from its name (`key`, `count` → integer,
//! `pattern`, `unix-time-*`...), which is how Redis's own names read.

/// One argument of a command, as COMMAND DOCS reports it.
#[derive(Debug, Clone, PartialEq)]
pub struct Arg {
    pub name: String,
    pub kind: &'static str,
    pub token: Option<String>,
    pub optional: bool,
    pub multiple: bool,
    pub key_spec_index: Option<usize>,
    pub args: Vec<Arg>,
}

/// Parses a syntax line into argument trees.
pub fn parse(syntax: &str) -> Vec<Arg> {
    let tokens = lex(syntax);
    let mut pos = 0;
    let mut keys = 0;
    let mut out = parse_seq(&tokens, &mut pos, &mut keys, &[]);
    merge_repetitions(&mut out);
    out
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String),
    Open,
    Close,
    /// `<`: a required group.
    OpenRequired,
    CloseRequired,
    Bar,
    Ellipsis,
}

fn lex(s: &str) -> Vec<Tok> {
    let mut out = Vec::new();
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut Vec<Tok>| {
        if !word.is_empty() {
            if word == "..." {
                out.push(Tok::Ellipsis);
            } else {
                out.push(Tok::Word(std::mem::take(word)));
            }
            word.clear();
        }
    };
    for c in s.chars() {
        match c {
            '[' | ']' | '<' | '>' | '|' | ' ' => {
                flush(&mut word, &mut out);
                match c {
                    '[' => out.push(Tok::Open),
                    ']' => out.push(Tok::Close),
                    '<' => out.push(Tok::OpenRequired),
                    '>' => out.push(Tok::CloseRequired),
                    '|' => out.push(Tok::Bar),
                    _ => {}
                }
            }
            _ => word.push(c),
        }
    }
    flush(&mut word, &mut out);
    out
}

fn is_token(word: &str) -> bool {
    // Symbols are tokens too: XADD's `*`, `=` and `~`, XGROUP's `$`.
    let symbol = !word.is_empty() && word.chars().all(|c| "*=~$".contains(c));
    symbol
        || (word.chars().any(|c| c.is_ascii_uppercase())
            && !word.chars().any(|c| c.is_ascii_lowercase()))
}

/// Parses until a closing bracket or bar (not consumed), returning the items.
fn parse_seq(toks: &[Tok], pos: &mut usize, keys: &mut usize, stop: &[Tok]) -> Vec<Arg> {
    let mut items: Vec<Arg> = Vec::new();
    while let Some(tok) = toks.get(*pos) {
        if stop.contains(tok) {
            break;
        }
        match tok {
            Tok::OpenRequired => {
                *pos += 1;
                items.push(parse_alternatives(toks, pos, keys, Tok::CloseRequired));
                if toks.get(*pos) == Some(&Tok::CloseRequired) {
                    *pos += 1;
                }
            }
            Tok::Open => {
                *pos += 1;
                let mut group = parse_alternatives(toks, pos, keys, Tok::Close);
                // `[a b ...]`: the ellipsis repeats the whole group, not `b`.
                let repeated = *pos > 0 && toks.get(*pos - 1) == Some(&Tok::Ellipsis);
                if toks.get(*pos) == Some(&Tok::Close) {
                    *pos += 1;
                }
                if repeated && group.kind == "block" {
                    if let Some(last) = group.args.last_mut() {
                        last.multiple = false;
                    }
                    group.multiple = true;
                }
                group.optional = true;
                items.push(group);
            }
            Tok::Ellipsis => {
                *pos += 1;
                if let Some(last) = items.last_mut() {
                    last.multiple = true;
                }
            }
            Tok::Word(w) => {
                *pos += 1;
                if is_token(w) {
                    // A token names the argument that follows, if any.
                    if let Some(Tok::Word(next)) = toks.get(*pos)
                        && !is_token(next)
                    {
                        *pos += 1;
                        let mut arg = leaf(next, keys);
                        arg.token = Some(w.clone());
                        items.push(arg);
                    } else {
                        items.push(Arg {
                            name: w.to_ascii_lowercase(),
                            kind: "pure-token",
                            token: Some(w.clone()),
                            optional: false,
                            multiple: false,
                            key_spec_index: None,
                            args: Vec::new(),
                        });
                    }
                } else {
                    items.push(leaf(w, keys));
                }
            }
            Tok::Close | Tok::CloseRequired | Tok::Bar => {
                *pos += 1;
            }
        }
    }
    items
}

/// Inside brackets (up to `close`): alternatives separated by bars; several
/// items in one alternative form a block.
fn parse_alternatives(toks: &[Tok], pos: &mut usize, keys: &mut usize, close: Tok) -> Arg {
    let mut alts: Vec<Arg> = Vec::new();
    loop {
        let items = parse_seq(toks, pos, keys, &[Tok::Bar, close.clone()]);
        alts.push(block_of(items));
        if toks.get(*pos) == Some(&Tok::Bar) {
            *pos += 1;
            continue;
        }
        break;
    }
    group("oneof", alts)
}

fn block_of(items: Vec<Arg>) -> Arg {
    group("block", items)
}

/// A one-of or block of several arguments, named after its members; a single
/// member stands for itself.
fn group(kind: &'static str, mut items: Vec<Arg>) -> Arg {
    if items.len() == 1 {
        return items.remove(0);
    }
    let name = items
        .iter()
        .map(|a| a.name.as_str())
        .collect::<Vec<_>>()
        .join("-");
    Arg {
        name,
        kind,
        token: None,
        optional: false,
        multiple: false,
        key_spec_index: None,
        args: items,
    }
}

/// A named argument, typed by its name.
fn leaf(name: &str, keys: &mut usize) -> Arg {
    let kind = type_of(name);
    let key_spec_index = (kind == "key").then(|| {
        *keys += 1;
        *keys - 1
    });
    Arg {
        name: name.to_owned(),
        kind,
        token: None,
        optional: false,
        multiple: false,
        key_spec_index,
        args: Vec::new(),
    }
}

fn type_of(name: &str) -> &'static str {
    const INTEGERS: &[&str] = &[
        "count",
        "seconds",
        "milliseconds",
        "index",
        "start",
        "end",
        "stop",
        "offset",
        "db",
        "destination-db",
        "numkeys",
        "numreplicas",
        "increment",
        "decrement",
        "cursor",
        "min-match-len",
        "rank",
        "num-matches",
        "len",
        "client-id",
        "protover",
        "index1",
        "index2",
        "timeout-ms",
        "maxlen",
    ];
    if name == "key"
        || name.starts_with("key")
        || matches!(name, "source" | "destination" | "newkey")
    {
        "key"
    } else if name.starts_with("unix-time") {
        "unix-time"
    } else if name == "pattern" {
        "pattern"
    } else if INTEGERS.contains(&name) {
        "integer"
    } else if matches!(name, "score" | "min" | "max" | "timeout" | "weight") {
        "double"
    } else {
        "string"
    }
}

/// `key [key ...]` is one repeated argument, not two: fold a repetition group
/// that repeats the argument(s) just before it into them. Nested lists are
/// folded first, so `[channel [channel ...]]` becomes one optional, repeated
/// `channel` rather than a block of two.
fn merge_repetitions(items: &mut Vec<Arg>) {
    for item in items.iter_mut() {
        merge_repetitions(&mut item.args);
        if item.kind == "block" && !item.multiple && item.args.len() == 1 {
            let optional = item.optional;
            *item = item.args.remove(0);
            item.optional |= optional;
        }
    }
    let mut i = 1;
    while i < items.len() {
        let group = &items[i];
        if group.optional && group.multiple {
            let repeated = if group.kind == "block" {
                group.args.len()
            } else {
                1
            };
            if i >= repeated {
                let before: Vec<&Arg> = items[i - repeated..i].iter().collect();
                let inner: Vec<&Arg> = if group.kind == "block" {
                    group.args.iter().collect()
                } else {
                    vec![group]
                };
                let same = before.len() == inner.len()
                    && before.iter().zip(&inner).all(|(a, b)| a.name == b.name);
                if same {
                    if repeated == 1 {
                        items[i - 1].multiple = true;
                    } else {
                        let args: Vec<Arg> = items.drain(i - repeated..i).collect();
                        let name = args
                            .iter()
                            .map(|a| a.name.as_str())
                            .collect::<Vec<_>>()
                            .join("-");
                        items.insert(
                            i - repeated,
                            Arg {
                                name,
                                kind: "block",
                                token: None,
                                optional: false,
                                multiple: true,
                                key_spec_index: None,
                                args,
                            },
                        );
                        i -= repeated - 1;
                    }
                    items.remove(i);
                    continue;
                }
            }
        }
        i += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_syntax_becomes_redis_shaped_arguments() {
        let args = parse("key value [NX|XX] [GET] [EX seconds|PX milliseconds|KEEPTTL]");
        assert_eq!(args.len(), 5);
        assert_eq!(
            (args[0].name.as_str(), args[0].kind, args[0].key_spec_index),
            ("key", "key", Some(0))
        );
        assert_eq!(args[1].kind, "string");
        assert_eq!(
            (args[2].kind, args[2].optional, args[2].args.len()),
            ("oneof", true, 2)
        );
        assert_eq!(args[2].args[0].token.as_deref(), Some("NX"));
        assert_eq!((args[3].kind, args[3].optional), ("pure-token", true));
        let ex = &args[4].args[0];
        assert_eq!(
            (ex.name.as_str(), ex.kind, ex.token.as_deref()),
            ("seconds", "integer", Some("EX"))
        );
    }

    #[test]
    fn angle_brackets_group_required_alternatives() {
        let args = parse("key <FROMMEMBER member|FROMLONLAT longitude latitude> radius <M|KM>");
        assert_eq!(args.len(), 4);
        assert_eq!(
            (args[1].kind, args[1].optional, args[1].args.len()),
            ("oneof", false, 2)
        );
        assert_eq!(args[1].args[1].kind, "block");
        assert_eq!(args[1].args[1].args[0].token.as_deref(), Some("FROMLONLAT"));
        assert_eq!((args[3].kind, args[3].optional), ("oneof", false));
    }

    #[test]
    fn repetitions_fold_into_multiple_arguments() {
        let args = parse("key [key ...]");
        assert_eq!(args.len(), 1);
        assert!(args[0].multiple);
        let args = parse("key value [key value ...]");
        assert_eq!(args.len(), 1);
        assert_eq!(
            (args[0].kind, args[0].multiple, args[0].args.len()),
            ("block", true, 2)
        );
        let args = parse("[channel [channel ...]]");
        assert_eq!(args.len(), 1);
        assert_eq!(
            (
                args[0].name.as_str(),
                args[0].kind,
                args[0].optional,
                args[0].multiple
            ),
            ("channel", "string", true, true)
        );
        let args = parse("cursor [MATCH pattern] [COUNT count]");
        assert_eq!(args[1].kind, "pattern");
        assert_eq!(args[1].token.as_deref(), Some("MATCH"));
    }
}
