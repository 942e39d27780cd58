//! kv-engine
