//! kv-types

pub mod dict;
pub mod score;
pub mod string;
