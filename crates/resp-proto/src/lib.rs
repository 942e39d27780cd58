//! resp-proto: the RESP2/RESP3 wire protocol for kv, a Redis 7.0-compatible
//! server.
//!
//! # What is here
//! * [`RequestParser`]: the server's request parser (inline and multibulk),
//!   Redis 7.0's `networking.c` behaviour exactly, including its limits and
//!   its error texts ([`ProtocolError`]'s `Display`). Arguments come back as
//!   an [`Argv`] of spans into the caller's read buffer.
//! * [`mod@write`]: reply writers appending to a `Vec<u8>`, the server's output
//!   hot path, plus [`format_double`] (C's `%.17g`, as Redis prints doubles).
//! * [`Frame`], [`fn@decode`], [`encode`]: owned values of every RESP2/RESP3 type
//!   and a streaming decoder/encoder, for clients, tests and the AOF reader.
//! * [`split_args`]: Redis's `sdssplitargs`, for inline commands and the
//!   config-file parser.
//!
//! # Example: the server's read loop
//! ```
//! use resp_proto::{Parsed, RequestLimits, RequestParser, write};
//!
//! let mut parser = RequestParser::new();
//! let limits = RequestLimits::default();
//! let mut buf = b"*2\r\n$4\r\nECHO\r\n$2\r\nhi\r\nPING\r\n".to_vec();
//! let mut out = Vec::new();
//! loop {
//!     match parser.parse(&buf, &limits) {
//!         Ok(Parsed::Command { consumed }) => {
//!             let argv = parser.argv(&buf);
//!             match argv.first() {
//!                 Some(b"ECHO") => write::bulk(&mut out, argv.get(1).unwrap_or_default()),
//!                 _ => write::simple(&mut out, b"PONG"),
//!             }
//!             buf.drain(..consumed);
//!         }
//!         Ok(Parsed::Skip { consumed }) => {
//!             buf.drain(..consumed);
//!         }
//!         Ok(Parsed::Incomplete) => break, // read more, append to buf, retry
//!         Err(e) => {
//!             e.write_reply(&mut out); // then close the connection
//!             break;
//!         }
//!     }
//! }
//! assert_eq!(out, b"$2\r\nhi\r\n+PONG\r\n");
//! ```
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
pub use split::{UnbalancedQuotes, repr, split_args, split_args_into};
pub use write::format_double;
