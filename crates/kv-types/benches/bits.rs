//! Bit-array kernels over 1 MB strings: BITCOUNT's popcount, BITPOS's search
//! for the first set bit, and BITOP AND/OR/XOR of two sources and NOT of one.
//! Throughput is reported in bytes, so the figures read against memory
//! bandwidth.
//!
//! Run: `cargo bench -p kv-types --bench bits`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use kv_types::bits::{self, BitOp};
use std::hint::black_box;

const LEN: usize = 1 << 20;

/// A fixed pseudo-random string of `LEN` bytes.
fn random_bytes(seed: u64) -> Vec<u8> {
    let mut s = seed;
    (0..LEN)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            s as u8
        })
        .collect()
}

fn kernels(c: &mut Criterion) {
    let a = random_bytes(0x2545_f491_4f6c_dd1d);
    let b = random_bytes(0x9e37_79b9_7f4a_7c15);
    let mut zeros_then_one = vec![0u8; LEN];
    zeros_then_one[LEN - 1] = 1;
    let mut group = c.benchmark_group("bits_1MB");
    group.throughput(Throughput::Bytes(LEN as u64));
    group.bench_function("popcount", |bench| {
        bench.iter(|| bits::popcount(black_box(&a)))
    });
    group.bench_function("bitpos_last_bit", |bench| {
        bench.iter(|| bits::bitpos(black_box(&zeros_then_one), true))
    });
    for (name, op) in [
        ("bitop_and", BitOp::And),
        ("bitop_or", BitOp::Or),
        ("bitop_xor", BitOp::Xor),
    ] {
        group.bench_function(name, |bench| {
            bench.iter(|| bits::bitop(op, black_box(&[&a[..], &b[..]])))
        });
    }
    group.bench_function("bitop_not", |bench| {
        bench.iter(|| bits::bitop(BitOp::Not, black_box(&[&a[..]])))
    });
    group.finish();
}

criterion_group!(benches, kernels);
criterion_main!(benches);
