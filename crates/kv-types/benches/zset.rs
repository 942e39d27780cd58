//! Sorted-set benchmarks: building a 1M-member set with ZADD semantics in
//! random order, ZRANK, ZSCORE, and reading 100 elements from the middle (by
//! rank and by score), on the large encoding.
//!
//! Run: `cargo bench -p kv-types --bench zset`.

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use kv_types::score::{ScoreBound, ScoreRange};
use kv_types::zset::{AddFlags, Limits, SortedSet};
use std::hint::black_box;

const N: u32 = 1_000_000;

fn members() -> Vec<Vec<u8>> {
    // A fixed pseudo-random order of distinct members.
    let mut v: Vec<Vec<u8>> = (0..N)
        .map(|i| format!("member:{i:07}").into_bytes())
        .collect();
    let mut s = 0x2545_f491_4f6c_dd1du64;
    for i in (1..v.len()).rev() {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        v.swap(i, (s % (i as u64 + 1)) as usize);
    }
    v
}

fn score_of(m: &[u8]) -> f64 {
    // Scores spread independently of the member order.
    let n = m
        .iter()
        .fold(0u64, |h, &b| h.wrapping_mul(31).wrapping_add(u64::from(b)));
    (n % 10_000_000) as f64 / 7.0
}

fn build(members: &[Vec<u8>]) -> SortedSet {
    let limits = Limits::default();
    let mut z = SortedSet::new(&limits, 1, 14);
    for m in members {
        // Finite scores: add cannot fail.
        let _ = z.add(m, score_of(m), AddFlags::default(), &limits);
    }
    z
}

fn benches(c: &mut Criterion) {
    let members = members();
    let mut g = c.benchmark_group("zset");
    g.sample_size(10);
    g.bench_function("zadd_1m_random", |b| {
        b.iter_batched(|| (), |()| build(&members), BatchSize::PerIteration)
    });
    let z = build(&members);
    let mut i = 0usize;
    g.sample_size(50);
    g.bench_function("zrank", |b| {
        b.iter(|| {
            i = (i + 7919) % members.len();
            black_box(z.rank(&members[i], false))
        })
    });
    g.bench_function("zscore", |b| {
        b.iter(|| {
            i = (i + 7919) % members.len();
            black_box(z.score(&members[i]))
        })
    });
    g.bench_function("zrange_100_mid_by_rank", |b| {
        b.iter(|| {
            let mid = (N / 2) as i64;
            black_box(
                z.range_by_index(mid, mid + 99, false)
                    .map(|(m, s)| m.len() as f64 + s)
                    .sum::<f64>(),
            )
        })
    });
    let (_, mid_score) = z.get_by_rank(N as usize / 2, false).unwrap_or((b"", 0.0));
    let range = ScoreRange {
        min: ScoreBound::inclusive(mid_score),
        max: ScoreBound::inclusive(f64::INFINITY),
    };
    g.bench_function("zrangebyscore_100_mid", |b| {
        b.iter(|| {
            black_box(
                z.range_by_score(&range, false, 0, Some(100))
                    .map(|(m, s)| m.len() as f64 + s)
                    .sum::<f64>(),
            )
        })
    });
    g.bench_function("zincrby_update", |b| {
        let mut z = build(&members[..100_000]);
        let limits = Limits::default();
        let incr = AddFlags {
            incr: true,
            ..AddFlags::default()
        };
        let mut i = 0usize;
        b.iter(|| {
            i = (i + 7919) % 100_000;
            black_box(z.add(&members[i], 1.0, incr, &limits))
        })
    });
    g.finish();
}

criterion_group!(zset, benches);
criterion_main!(zset);
