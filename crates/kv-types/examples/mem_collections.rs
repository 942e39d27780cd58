//! Memory measurement: builds 100,000 hashes of 10 small fields and one list of
//! 1,000,000 elements and prints the bytes they take, counted by a global
//! allocator wrapper (requested bytes, and bytes rounded as glibc's malloc would
//! hand them out: 8 bytes of header, 16-byte granularity, 32-byte minimum).
//!
//! Run: `cargo run --release -p kv-types --example mem_collections [hashes|strlist|intlist]`
//! The same data loaded into redis-server gives the comparison figures:
//!   HSET hash:<n> field0 value<n>-0 ... field9 value<n>-9   (n < 100000)
//!   RPUSH biglist element:<i>   and, separately, RPUSH intlist <i>  (i < 1000000)

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

use kv_types::hash::{Hash, HashLimits};
use kv_types::list::{List, ListLimits};
use kv_types::listpack::Elem;

struct Counting;

static REQUESTED: AtomicUsize = AtomicUsize::new(0);
static CHUNKS: AtomicUsize = AtomicUsize::new(0);

/// What glibc malloc really reserves for a request of `n` bytes.
fn glibc_chunk(n: usize) -> usize {
    ((n + 8 + 15) & !15).max(32)
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        REQUESTED.fetch_add(l.size(), Relaxed);
        CHUNKS.fetch_add(glibc_chunk(l.size()), Relaxed);
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        REQUESTED.fetch_sub(l.size(), Relaxed);
        CHUNKS.fetch_sub(glibc_chunk(l.size()), Relaxed);
        // SAFETY: `p` came from `alloc`/`realloc` above with layout `l`.
        unsafe { System.dealloc(p, l) }
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
        REQUESTED.fetch_add(new, Relaxed);
        REQUESTED.fetch_sub(l.size(), Relaxed);
        CHUNKS.fetch_add(glibc_chunk(new), Relaxed);
        CHUNKS.fetch_sub(glibc_chunk(l.size()), Relaxed);
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.realloc(p, l, new) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Resident set size in bytes, from /proc (0 where unavailable).
fn rss() -> usize {
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| s.split_whitespace().nth(1)?.parse::<usize>().ok())
        .map_or(0, |pages| pages * 4096)
}

fn snapshot() -> (usize, usize) {
    (REQUESTED.load(Relaxed), CHUNKS.load(Relaxed))
}

fn report(what: &str, before: (usize, usize), inline: usize, per: usize) {
    let (r, c) = snapshot();
    let (r, c) = (r - before.0, c - before.1);
    println!(
        "{what}: heap requested {r} B, glibc chunks {c} B, inline {inline} B; \
         per item: {:.1} B requested, {:.1} B with chunks + inline",
        r as f64 / per as f64,
        (c + inline) as f64 / per as f64
    );
}

fn main() {
    // `hashes`, `strlist` or `intlist` measures one data set alone (so RSS is
    // not muddied by memory the previous one gave back); no argument: all.
    let only = std::env::args().nth(1).unwrap_or_default();
    if only.is_empty() || only == "hashes" {
        hashes();
    }
    for (name, ints, arg) in [
        ("element:<i>", false, "strlist"),
        ("<i> (integers)", true, "intlist"),
    ] {
        if only.is_empty() || only == arg {
            list(name, ints);
        }
    }
}

fn hashes() {
    let limits = HashLimits::default();
    // The vector holding the hashes is allocated first and counted as the
    // hashes' inline part, the way a keyspace slot would hold them.
    let mut hashes: Vec<Hash> = Vec::with_capacity(100_000);
    let rss0 = rss();
    let before = snapshot();
    for n in 0..100_000 {
        let mut h = Hash::new();
        for f in 0..10 {
            h.set(
                format!("field{f}").as_bytes(),
                format!("value{n}-{f}").as_bytes(),
                &limits,
            );
        }
        hashes.push(h);
    }
    report(
        "100000 hashes x 10 fields (listpack)",
        before,
        hashes.len() * std::mem::size_of::<Hash>(),
        hashes.len(),
    );
    println!("  RSS grew by {} B", rss().saturating_sub(rss0));
    let lp_bytes: usize = hashes.iter().map(Hash::mem_usage).sum();
    println!(
        "  mem_usage() sum {lp_bytes} B ({:.1} B per hash); encoding {}",
        lp_bytes as f64 / 1e5,
        hashes[0].encoding_name()
    );
}

fn list(name: &str, ints: bool) {
    {
        let rss0 = rss();
        let before = snapshot();
        let mut list = List::new(&ListLimits::default());
        for i in 0..1_000_000i64 {
            if ints {
                list.push_back(Elem::Int(i));
            } else {
                list.push_back(Elem::from_bytes(format!("element:{i}").as_bytes()));
            }
        }
        report(
            &format!("list of 1000000 x {name}"),
            before,
            std::mem::size_of::<List>(),
            1_000_000,
        );
        println!(
            "  mem_usage() {} B, {} nodes; RSS grew by {} B",
            list.mem_usage(),
            list.node_count(),
            rss().saturating_sub(rss0)
        );
    }
}
