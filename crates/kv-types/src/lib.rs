//! kv-types

pub mod dict;
pub mod glob;
pub mod score;
pub mod string;
