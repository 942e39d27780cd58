//! `rename-command` (Redis's config.c): a command answers to another name, or
//! to none. Operators use it to hide FLUSHALL, CONFIG, KEYS or DEBUG.
//!
//! As in Redis, only the lookup by name changes: a renamed command keeps its
//! own name everywhere it is shown (errors, COMMAND INFO and LIST, INFO
//! commandstats), and a removed one no longer appears in COMMAND. Renames
//! apply in file order, each to the names as the previous ones left them.

use hashbrown::{HashMap, HashSet};
use kv_config::{CommandRename, ConfigError};

use super::{Command, CommandIndex, MAX_NAME, index, lowercase_into};

#[derive(Debug, Default, Clone)]
pub struct Renames {
    /// New names (lowercase) and the command each stands for.
    names: HashMap<Box<[u8]>, CommandIndex>,
    /// Commands that no longer answer to their own name.
    moved: HashSet<u16>,
    /// Commands renamed to "": gone from COMMAND too.
    removed: HashSet<u16>,
}

impl Renames {
    /// Checks and applies `renames` in order; the error is Redis's, at the
    /// line that failed.
    pub fn build(renames: &[CommandRename]) -> Result<Renames, ConfigError> {
        let mut out = Renames::default();
        for rename in renames {
            let Some((_, id)) = out.find(&rename.from) else {
                return Err(rename.refused("No such command in rename-command"));
            };
            let from = rename.from.to_ascii_lowercase();
            if out.names.remove(&from[..]).is_none() {
                out.moved.insert(id.0);
            }
            if rename.to.is_empty() {
                out.removed.insert(id.0);
                continue;
            }
            if out.find(&rename.to).is_some() {
                return Err(rename.refused("Target command name already exists"));
            }
            out.names.insert(rename.to.to_ascii_lowercase().into(), id);
        }
        Ok(out)
    }

    pub fn is_empty(&self) -> bool {
        self.moved.is_empty()
    }

    /// The top-level command answering to `name`, renames applied; on the
    /// hot path, one test more than the plain lookup when there are none.
    #[inline]
    pub fn lookup(&self, name: &[u8]) -> Option<(&'static Command, CommandIndex)> {
        if self.is_empty() {
            index().find(name)
        } else {
            self.find(name)
        }
    }

    fn find(&self, name: &[u8]) -> Option<(&'static Command, CommandIndex)> {
        let index = index();
        // Lowercased on the stack, as the table's own lookup does: this runs
        // for every command once any rename is configured.
        let mut buf = [0u8; MAX_NAME];
        let renamed = match lowercase_into(name, &mut buf) {
            Some(lower) => self.names.get(lower),
            None => self.names.get(&name.to_ascii_lowercase()[..]),
        };
        if let Some(&id) = renamed {
            return Some((index.all[id.0 as usize], id));
        }
        index
            .find(name)
            .filter(|(_, id)| !self.moved.contains(&id.0))
    }

    /// Whether COMMAND lists `id` (false once it was renamed to "").
    pub fn listed(&self, id: CommandIndex) -> bool {
        !self.removed.contains(&id.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn renames(lines: &[(&str, &str)]) -> Result<Renames, String> {
        let lines: Vec<CommandRename> = lines
            .iter()
            .enumerate()
            .map(|(i, (from, to))| CommandRename {
                from: from.as_bytes().to_vec(),
                to: to.as_bytes().to_vec(),
                file: "t.conf".into(),
                line: i + 1,
                text: format!("rename-command {from} {to}"),
            })
            .collect();
        Renames::build(&lines).map_err(|e| e.message().to_string())
    }

    fn name_of(r: &Renames, name: &str) -> Option<&'static str> {
        r.find(name.as_bytes()).map(|(c, _)| c.name)
    }

    #[test]
    fn renames_apply_in_order() {
        let r = renames(&[
            ("FLUSHALL", ""),
            ("config", "My-Config"),
            ("my-config", "cfg"),
            ("get", "set2"),
        ])
        .expect("valid");
        assert_eq!(name_of(&r, "flushall"), None);
        assert_eq!(name_of(&r, "config"), None);
        assert_eq!(name_of(&r, "my-config"), None);
        assert_eq!(name_of(&r, "CFG"), Some("config"));
        assert_eq!(name_of(&r, "set2"), Some("get"));
        assert_eq!(name_of(&r, "set"), Some("set"));
        let (_, flushall) = index().find(b"flushall").expect("exists");
        let (_, config) = index().find(b"config").expect("exists");
        assert!(!r.listed(flushall));
        assert!(r.listed(config));
        // Back to its own name.
        let r = renames(&[("get", "g"), ("g", "get")]).expect("valid");
        assert_eq!(name_of(&r, "get"), Some("get"));
        assert_eq!(name_of(&r, "g"), None);
    }

    #[test]
    fn refusals_are_redis_messages() {
        assert_eq!(
            renames(&[("nosuch", "x")]).err().as_deref(),
            Some("No such command in rename-command")
        );
        assert_eq!(
            renames(&[("flushall", ""), ("flushall", "x")])
                .err()
                .as_deref(),
            Some("No such command in rename-command")
        );
        assert_eq!(
            renames(&[("get", "set")]).err().as_deref(),
            Some("Target command name already exists")
        );
        assert_eq!(
            renames(&[("config|get", "x")]).err().as_deref(),
            Some("No such command in rename-command")
        );
    }
}
