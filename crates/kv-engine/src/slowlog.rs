//! The slow log (Redis's slowlog.c): the last `slowlog-max-len` commands that
//! took at least `slowlog-log-slower-than` microseconds, newest first.
//!
//! The dispatcher records every completed command that is not flagged
//! `skip_slowlog` (EXEC is; the commands inside it are recorded one by one).
//! A command that blocked is recorded once, when it is served or times out,
//! with the time its runs took, not the time it waited. What an entry keeps
//! is bounded whatever the request: at most 32 arguments (the last one then
//! says how many more there were) of at most 128 bytes each (with a note of
//! how many bytes were cut), and arguments the command table marks as secret
//! read `(redacted)`.

use std::collections::VecDeque;

use resp_proto::Argv;

use crate::command::Command;

/// Arguments an entry keeps, the note of the rest included.
const MAX_ARGS: usize = 32;
/// Bytes of one argument an entry keeps.
const MAX_ARG_BYTES: usize = 128;

/// One logged command.
#[derive(Debug, Clone)]
pub struct Entry {
    pub id: u64,
    /// Unix seconds when it was logged.
    pub time: u64,
    pub duration_us: u64,
    pub args: Vec<Box<[u8]>>,
    /// The client's `ip:port`.
    pub peer: String,
    pub client_name: Box<[u8]>,
}

#[derive(Debug, Default)]
pub struct SlowLog {
    /// Newest first.
    entries: VecDeque<Entry>,
    next_id: u64,
}

/// Who ran a command and when, as an entry records it.
pub struct Caller<'a> {
    pub peer: &'a str,
    pub name: &'a [u8],
    pub now_ms: u64,
}

impl SlowLog {
    /// Records `argv` if it took at least `slower_than_us` (a negative
    /// threshold records nothing), then trims the log to `max_len` entries.
    pub fn record(
        &mut self,
        limits: (i64, u64),
        cmd: &Command,
        argv: &Argv<'_>,
        duration_us: u64,
        caller: Caller<'_>,
    ) {
        let (slower_than_us, max_len) = limits;
        if slower_than_us >= 0 && duration_us >= slower_than_us as u64 {
            let entry = Entry {
                id: self.next_id,
                time: caller.now_ms / 1000,
                duration_us,
                args: logged_args(cmd, argv),
                peer: caller.peer.to_owned(),
                client_name: caller.name.into(),
            };
            self.next_id += 1;
            self.entries.push_front(entry);
        }
        self.entries
            .truncate(max_len.min(usize::MAX as u64) as usize);
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Newest first.
    pub fn entries(&self) -> impl Iterator<Item = &Entry> {
        self.entries.iter()
    }

    /// SLOWLOG RESET: entries go, ids keep counting.
    pub fn reset(&mut self) {
        self.entries.clear();
    }
}

/// The arguments an entry keeps (see the module doc).
fn logged_args(cmd: &Command, argv: &Argv<'_>) -> Vec<Box<[u8]>> {
    let argc = argv.len();
    let kept = argc.min(MAX_ARGS);
    (0..kept)
        .map(|i| {
            if kept != argc && i == kept - 1 {
                return format!("... ({} more arguments)", argc - kept + 1)
                    .into_bytes()
                    .into();
            }
            if cmd.redact.is_some_and(|secret| secret(argv, i)) {
                return b"(redacted)".as_slice().into();
            }
            let arg = argv.arg(i);
            if arg.len() > MAX_ARG_BYTES {
                let mut cut = arg[..MAX_ARG_BYTES].to_vec();
                cut.extend_from_slice(
                    format!("... ({} more bytes)", arg.len() - MAX_ARG_BYTES).as_bytes(),
                );
                cut.into()
            } else {
                arg.into()
            }
        })
        .collect()
}
