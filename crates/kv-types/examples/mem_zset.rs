//! Memory of one large sorted set: 1,000,000 members `member:0000000`... with
//! score = i, built through `SortedSet::add` exactly as ZADD would (starting
//! small, converting at the 129th member). Prints heap bytes per member as
//! counted by a wrapping global allocator (bytes requested, live), and the RSS
//! growth of the process for the same build.
//!
//! Compare with Redis 7.0: `INFO memory` used_memory before and after loading
//! the same ZADDs (see the sorted-set notes in the crate's docs).
//!
//! Run: `cargo run --release -p kv-types --example mem_zset [count] [random]`.

use kv_types::zset::{AddFlags, Limits, SortedSet};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every method forwards to the system allocator with the caller's
// arguments unchanged; the counters are only bookkeeping.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let live = LIVE.fetch_add(layout.size(), Relaxed) + layout.size();
        PEAK.fetch_max(live, Relaxed);
        // SAFETY: forwarded as is.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let live = LIVE.fetch_add(layout.size(), Relaxed) + layout.size();
        PEAK.fetch_max(live, Relaxed);
        // SAFETY: forwarded as is.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Relaxed);
        // SAFETY: forwarded as is.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size >= layout.size() {
            let live = LIVE.fetch_add(new_size - layout.size(), Relaxed) + new_size - layout.size();
            PEAK.fetch_max(live, Relaxed);
        } else {
            LIVE.fetch_sub(layout.size() - new_size, Relaxed);
        }
        // SAFETY: forwarded as is.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Resident set size in bytes, from /proc/self/statm (Linux).
fn rss() -> usize {
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| s.split_whitespace().nth(1)?.parse::<usize>().ok())
        .map_or(0, |pages| pages * 4096)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let n: u32 = args
        .next()
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let random = args.next().is_some_and(|a| a == "random");
    // Insertion order: ascending, or a fixed pseudo-random permutation.
    let mut order: Vec<u32> = (0..n).collect();
    if random {
        let mut s = 0x9e37_79b9_7f4a_7c15u64;
        for i in (1..order.len()).rev() {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            order.swap(i, (s % (i as u64 + 1)) as usize);
        }
    }
    let limits = Limits::default();
    let mut name = Vec::with_capacity(16);
    let (live0, rss0) = (LIVE.load(Relaxed), rss());
    let mut z = SortedSet::new(&limits, 1, 14);
    for &i in &order {
        name.clear();
        name.extend_from_slice(format!("member:{i:07}").as_bytes());
        // Scores are finite: add cannot fail.
        let _ = z.add(&name, f64::from(i), AddFlags::default(), &limits);
    }
    let (live1, rss1) = (LIVE.load(Relaxed), rss());
    let per = |b: usize| b as f64 / f64::from(n);
    println!(
        "{n} members ({} order), encoding {}",
        if random { "random" } else { "ascending" },
        z.encoding_name()
    );
    println!(
        "  heap (allocator-counted): {:.1} bytes/member ({} bytes)",
        per(live1 - live0),
        live1 - live0
    );
    println!(
        "  RSS growth:               {:.1} bytes/member",
        per(rss1.saturating_sub(rss0))
    );
    println!(
        "  mem_usage() estimate:     {:.1} bytes/member",
        per(z.mem_usage())
    );
    println!(
        "  peak heap during build:   {:.1} bytes/member",
        per(PEAK.load(Relaxed) - live0)
    );
    // Keep the set alive until measured.
    assert_eq!(z.len(), n as usize);
}
