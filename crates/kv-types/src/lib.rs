//! kv-types
