//! Errors of loading a configuration and of CONFIG SET, worded as redis-server
//! 7.0.15 words them (the tests hold the exact texts).

use thiserror::Error;

/// The Redis version redis-server names in its fatal configuration report.
pub const REDIS_VERSION: &str = "7.0.15";

/// Loading a configuration failed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ConfigError {
    /// A line was refused. `Display` is redis-server's report, leading blank
    /// line included, so that printing it to stderr matches redis-server:
    ///
    /// ```text
    ///
    /// *** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***
    /// Reading the configuration file, at line 2
    /// >>> 'appendonly yes'
    /// kv does not support 'appendonly yes' yet (AOF persistence is not implemented)
    /// ```
    ///
    /// As in Redis, `line` counts in the text that was parsed: an included
    /// file has its own numbering, and options from the command line are
    /// counted after the file's lines. `file` names that text.
    #[error(
        "\n*** FATAL CONFIG FILE ERROR (Redis {REDIS_VERSION}) ***\n\
         Reading the configuration file, at line {line}\n>>> '{text}'\n{message}"
    )]
    Line {
        file: String,
        line: usize,
        text: String,
        message: String,
    },
    /// A configuration or included file could not be read.
    #[error("Fatal error, can't open config file '{path}': {reason}")]
    Read { path: String, reason: String },
}

impl ConfigError {
    /// The message alone (what follows the report's `>>>` line).
    pub fn message(&self) -> &str {
        match self {
            ConfigError::Line { message, .. } => message,
            ConfigError::Read { reason, .. } => reason,
        }
    }
}

/// CONFIG SET refused the request; nothing was changed. `Display` is the
/// error reply Redis sends, without the leading `-`.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ConfigSetError {
    /// A name that is no directive (as the client spelled it).
    #[error("ERR Unknown option or number of arguments for CONFIG SET - '{0}'")]
    UnknownOption(String),
    /// Refused value, immutable or protected directive, duplicate, apply
    /// failure. `name` is the name Redis reports: the client's spelling for
    /// immutable/protected/duplicate, the registered (lowercase) name otherwise.
    #[error("ERR CONFIG SET failed (possibly related to argument '{name}') - {reason}")]
    Failed { name: String, reason: String },
    /// A DENY_LOADING directive while the dataset loads.
    #[error("LOADING Redis is loading the dataset in memory")]
    Loading,
}
