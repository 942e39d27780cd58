//! Every error reply the engine sends, as one enum whose `Display` is Redis's exact
//! wire text (without the leading `-` and trailing CRLF).
//!
//! Invariant: the first word of the text is the error code Redis clients switch on
//! (`ERR`, `WRONGTYPE`, `NOAUTH`, ...); INFO errorstats counts by that word, so a
//! variant never starts with anything else. Texts were checked against redis-server
//! 7.0.15 (mirrors the shared.* error objects of Redis's server.c).

use std::fmt;

/// Result of a command body: `Ok` after it wrote its reply, `Err` to have the
/// dispatcher write (and count) the error instead.
pub type CmdResult = Result<(), CmdError>;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CmdError {
    #[error("WRONGTYPE Operation against a key holding the wrong kind of value")]
    WrongType,
    #[error("ERR value is not an integer or out of range")]
    NotInteger,
    #[error("ERR value is not a valid float")]
    NotFloat,
    #[error("ERR increment or decrement would overflow")]
    Overflow,
    #[error("ERR syntax error")]
    Syntax,
    #[error("ERR DB index is out of range")]
    DbIndexOutOfRange,
    #[error("ERR no such key")]
    NoSuchKey,
    #[error("NOAUTH Authentication required.")]
    NoAuth,
    #[error("WRONGPASS invalid username-password pair or user is disabled.")]
    WrongPass,
    #[error(
        "ERR AUTH <password> called without any password configured for the default user. \
         Are you sure your configuration is correct?"
    )]
    AuthNotConfigured,
    #[error("NOPROTO unsupported protocol version")]
    NoProto,
    #[error("ERR string exceeds maximum allowed size (proto-max-bulk-len)")]
    StringTooLong,
    #[error("EXECABORT Transaction discarded because of previous errors.")]
    ExecAbort,
    #[error("ERR wrong number of arguments for '{0}' command")]
    WrongArity(String),
    #[error("ERR unknown subcommand '{sub}'. Try {parent} HELP.")]
    UnknownSubcommand { sub: String, parent: String },
    #[error("ERR unknown command '{name}', with args beginning with: {args}")]
    UnknownCommand { name: String, args: String },
    #[error("INVALIDOBJ Corrupted HLL object detected")]
    CorruptHll,
    #[error("WRONGTYPE Key is not a valid HyperLogLog string value.")]
    NotHll,
    #[error("ERR {0}")]
    Generic(String),
    /// A complete error text with its own code, for the few replies whose code is
    /// neither ERR nor one of the variants above.
    #[error("{0}")]
    Raw(String),
}

impl CmdError {
    /// The word INFO errorstats files this error under (`errorstat_<code>`).
    pub fn code(text: &str) -> &str {
        text.split(' ').next().unwrap_or("ERR")
    }

    /// Shorthand for `ERR <message>`.
    pub fn err(message: impl fmt::Display) -> Self {
        CmdError::Generic(message.to_string())
    }

    /// Builds Redis's unknown-command text: the name and the first arguments,
    /// each quoted, cut as Redis cuts them (128 bytes of name; arguments appended
    /// while the list is shorter than 128 bytes).
    pub fn unknown_command(name: &[u8], args: &mut dyn Iterator<Item = &[u8]>) -> Self {
        let mut list = String::new();
        for arg in args {
            if list.len() >= 128 {
                break;
            }
            let room = 128 - list.len();
            list.push('\'');
            list.push_str(&lossy_prefix(arg, room));
            list.push_str("' ");
        }
        CmdError::UnknownCommand {
            name: lossy_prefix(name, 128),
            args: list,
        }
    }
}

/// At most `max` bytes of `bytes`, as text; Redis sends raw bytes, so invalid
/// UTF-8 is kept byte-for-byte by mapping each byte to the char of the same value
/// only when needed (rare: error texts are built from user input).
pub fn lossy_prefix(bytes: &[u8], max: usize) -> String {
    let cut = &bytes[..bytes.len().min(max)];
    match std::str::from_utf8(cut) {
        Ok(s) => s.to_owned(),
        Err(_) => String::from_utf8_lossy(cut).into_owned(),
    }
}
