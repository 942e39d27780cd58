//! Benchmarks of the collection types on the paths the commands lean on:
//! list push/pop at both ends and LRANGE-style range iteration, hash set/get
//! on both encodings, set add/contains.

use std::hint::black_box;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use kv_types::hash::{Hash, HashLimits};
use kv_types::list::{List, ListLimits};
use kv_types::listpack::{Elem, IntBuf};
use kv_types::set::{Set, SetLimits};

fn list(c: &mut Criterion) {
    let limits = ListLimits::default();
    let mut g = c.benchmark_group("list");
    g.bench_function("rpush_lpop_1000_strings", |b| {
        b.iter_batched(
            || List::new(&limits),
            |mut l| {
                for i in 0..1000u32 {
                    l.push_back(Elem::Str(&i.to_le_bytes()));
                }
                for _ in 0..1000 {
                    black_box(l.pop_front());
                }
                l
            },
            BatchSize::SmallInput,
        )
    });
    g.bench_function("lpush_rpop_1000_ints", |b| {
        b.iter_batched(
            || List::new(&limits),
            |mut l| {
                for i in 0..1000i64 {
                    l.push_front(Elem::Int(i * 1000));
                }
                for _ in 0..1000 {
                    black_box(l.pop_back());
                }
                l
            },
            BatchSize::SmallInput,
        )
    });
    let mut big = List::new(&limits);
    for i in 0..100_000 {
        big.push_back(Elem::from_bytes(format!("element:{i}").as_bytes()));
    }
    // LRANGE 0 599 as the command layer would run it: render every element.
    g.bench_function("lrange_600_head", |b| {
        b.iter(|| {
            let mut buf = IntBuf::new();
            let mut total = 0usize;
            for e in big.range(0, 600) {
                total += e.as_bytes(&mut buf).len();
            }
            black_box(total)
        })
    });
    g.bench_function("lrange_600_middle", |b| {
        b.iter(|| {
            let mut total = 0usize;
            for e in big.range(50_000, 50_600) {
                total += e.rendered_len();
            }
            black_box(total)
        })
    });
    g.bench_function("lindex_middle_100k", |b| {
        b.iter(|| black_box(big.get(black_box(50_000))))
    });
    g.finish();
}

fn hash(c: &mut Criterion) {
    let limits = HashLimits::default();
    let fields: Vec<Vec<u8>> = (0..10).map(|i| format!("field{i}").into_bytes()).collect();
    let mut g = c.benchmark_group("hash");
    g.bench_function("hset_10_fields_listpack", |b| {
        b.iter(|| {
            let mut h = Hash::new();
            for (i, f) in fields.iter().enumerate() {
                h.set(f, format!("value{i}").as_bytes(), &limits);
            }
            black_box(h)
        })
    });
    let mut small = Hash::new();
    for (i, f) in fields.iter().enumerate() {
        small.set(f, format!("value{i}").as_bytes(), &limits);
    }
    g.bench_function("hget_listpack_10", |b| {
        b.iter(|| black_box(small.get(black_box(b"field7"))))
    });
    let mut large = Hash::new();
    for i in 0..10_000 {
        large.set(format!("field:{i}").as_bytes(), b"some value", &limits);
    }
    g.bench_function("hget_hashtable_10k", |b| {
        b.iter(|| black_box(large.get(black_box(b"field:4321"))))
    });
    g.bench_function("hset_update_hashtable_10k", |b| {
        b.iter(|| black_box(large.set(black_box(b"field:4321"), b"other value", &limits)))
    });
    g.finish();
}

fn set(c: &mut Criterion) {
    let limits = SetLimits::default();
    let mut g = c.benchmark_group("set");
    g.bench_function("sadd_500_ints_intset", |b| {
        b.iter(|| {
            let mut s = Set::new();
            for i in 0..500i64 {
                s.add(((i * 7919) % 1000).to_string().as_bytes(), &limits);
            }
            black_box(s)
        })
    });
    let mut words = Set::new();
    for i in 0..10_000 {
        words.add(format!("member:{i}").as_bytes(), &limits);
    }
    g.bench_function("sismember_hashtable_10k", |b| {
        b.iter(|| black_box(words.contains(black_box(b"member:777"))))
    });
    g.finish();
}

criterion_group!(benches, list, hash, set);
criterion_main!(benches);
