//! End-to-end tests: the real `kv-server` binary on a free port, driven over TCP
//! with the `redis` client crate and with raw sockets; `oracle` runs the same
//! requests against Debian's redis-server and compares the bytes.

mod harness;

mod hardening;

mod basics;
mod blocking;
mod effects;
mod limits;
mod monitor;
mod oracle;
mod oracle_bitops;
mod oracle_geo;
mod oracle_hash;
mod oracle_hll;
mod oracle_list;
mod oracle_set;
mod oracle_sort;
mod oracle_stream;
mod oracle_zset;
mod process;
