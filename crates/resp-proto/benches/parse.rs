//! Criterion benchmarks for the server hot paths: request parsing (single
//! and pipelined SET/GET) and reply encoding. Run with
//! `cargo bench -p resp-proto`.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use resp_proto::{Parsed, RequestLimits, RequestParser, write};

const SET: &[u8] = b"*3\r\n$3\r\nSET\r\n$16\r\nkey:000000000001\r\n$16\r\nvalue:0000000001\r\n";
const GET: &[u8] = b"*2\r\n$3\r\nGET\r\n$16\r\nkey:000000000001\r\n";

/// Parses every command in `buf`; returns the total argument count so the
/// work cannot be optimised away.
fn parse_all(p: &mut RequestParser, buf: &[u8], limits: &RequestLimits) -> usize {
    let mut off = 0;
    let mut args = 0;
    while let Ok(Parsed::Command { consumed }) = p.parse(&buf[off..], limits) {
        args += p.argv(&buf[off..]).len();
        off += consumed;
    }
    args
}

fn bench_parse(c: &mut Criterion) {
    let limits = RequestLimits::default();
    let mut g = c.benchmark_group("parse");
    for (name, one) in [("set", SET), ("get", GET)] {
        g.throughput(Throughput::Elements(1));
        g.bench_function(name, |b| {
            let mut p = RequestParser::new();
            b.iter(|| parse_all(&mut p, black_box(one), &limits));
        });
        let pipelined = one.repeat(16);
        g.throughput(Throughput::Elements(16));
        g.bench_function(format!("{name}_x16"), |b| {
            let mut p = RequestParser::new();
            b.iter(|| parse_all(&mut p, black_box(&pipelined), &limits));
        });
    }
    let inline = b"SET key:000000000001 value:0000000001\r\n";
    g.throughput(Throughput::Elements(1));
    g.bench_function("set_inline", |b| {
        let mut p = RequestParser::new();
        b.iter(|| parse_all(&mut p, black_box(inline), &limits));
    });
    g.finish();
}

fn bench_encode(c: &mut Criterion) {
    let mut g = c.benchmark_group("encode");
    let mut out = Vec::with_capacity(4096);
    let value = vec![b'x'; 64];
    g.bench_function("bulk_64", |b| {
        b.iter(|| {
            out.clear();
            write::bulk(&mut out, black_box(&value));
            out.len()
        })
    });
    g.bench_function("integer", |b| {
        b.iter(|| {
            out.clear();
            write::integer(&mut out, black_box(1_234_567));
            out.len()
        })
    });
    g.bench_function("array_10_bulks", |b| {
        b.iter(|| {
            out.clear();
            write::array_len(&mut out, 10);
            for _ in 0..10 {
                write::bulk(&mut out, black_box(b"member:0001"));
            }
            out.len()
        })
    });
    g.bench_function("double", |b| {
        b.iter(|| {
            out.clear();
            write::double(&mut out, black_box(1.1));
            out.len()
        })
    });
    g.bench_function("simple_ok", |b| {
        b.iter(|| {
            out.clear();
            write::simple(&mut out, black_box(b"OK"));
            out.len()
        })
    });
    g.finish();
}

criterion_group!(benches, bench_parse, bench_encode);
criterion_main!(benches);
