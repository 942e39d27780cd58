//! kv-types

pub mod dict;
pub mod string;
