//! kv-persist
