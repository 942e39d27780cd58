//! resp-proto: the RESP2/RESP3 wire protocol for kv, a Redis 7.0-compatible
//! server.
//!
//! # What is here
//! * [`RequestParser`]: the server's request parser (inline and multibulk),
//!   Redis 7.0's `networking.c` behaviour exactly, including its limits and
//!   its error texts ([`ProtocolError`]'s `Display`). Arguments come back as
//!   an [`Argv`] of spans into the caller's read buffer.
//! * [`write`]: reply writers appending to a `Vec<u8>`, the server's output
//!   hot path, plus [`format_double`] (C's `%.17g`, as Redis prints doubles).
//! * [`Frame`], [`decode`], [`encode`]: owned values of every RESP2/RESP3 type
//!   and a streaming decoder/encoder, for clients, tests and the AOF reader.
//! * [`split_args`]: Redis's `sdssplitargs`, for inline commands and the
//!   config-file parser.
//!
//! # API boundary
//! This crate is sans-I/O: it never touches sockets, files or clocks, and it
//! knows nothing about commands. It turns bytes into arguments/frames and
//! values into bytes. Which limits apply (authentication state,
//! `proto-max-bulk-len`) is passed in by the caller per call; the Redis
//! constants themselves (64 KiB line limit, 10/16384 unauthenticated limits,
//! `i32::MAX` multibulk count) live here.
//!
//! # Invariants
//! * No function panics on any input bytes; malformed input is a typed
//!   [`ProtocolError`] (or [`UnbalancedQuotes`]).
//! * The request path never allocates per argument and never allocates in
//!   proportion to a claimed length or count before the bytes arrive.
//! * Parsing is resumable: data arriving in small pieces is not re-scanned.

pub mod decode;
pub mod error;
pub mod frame;
mod number;
pub mod request;
pub mod split;
pub mod write;

pub use decode::{DecodeLimits, decode};
pub use error::ProtocolError;
pub use frame::{Frame, encode};
pub use number::parse_i64;
pub use request::{Argv, ArgvIter, OwnedArgv, Parsed, RequestLimits, RequestParser};
pub use split::{UnbalancedQuotes, split_args, split_args_into};
pub use write::format_double;
