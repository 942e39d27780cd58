//! kv-types

pub mod bits;
pub mod csort;
pub mod dict;
pub mod geohash;
pub mod glob;
pub mod hash;
pub mod hll;
pub mod intset;
pub mod list;
pub mod listpack;
pub mod score;
pub mod set;
pub mod skiplist;
pub mod stream;
pub mod string;
pub mod zset;
