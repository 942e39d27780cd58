//! kv-types

pub mod dict;
pub mod glob;
pub mod intset;
pub mod list;
pub mod listpack;
pub mod score;
pub mod string;
