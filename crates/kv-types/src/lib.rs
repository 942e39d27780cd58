//! kv-types

pub mod dict;
