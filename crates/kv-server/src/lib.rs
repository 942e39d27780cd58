//! kv-server
