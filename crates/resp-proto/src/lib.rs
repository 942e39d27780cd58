//! resp-proto: the RESP wire protocol for kv (work in progress).

pub mod split;

pub use split::{UnbalancedQuotes, split_args, split_args_into};
