//! ns per SigV4 signature of a Kinesis PutRecord-sized request (220-byte JSON
//! body, 4 headers), with the signing key cached and not, next to the floor:
//! the raw SHA-256/HMAC work the same signature needs (hash the body, hash the
//! canonical request, HMAC the string to sign; plus the 4 key-derivation HMACs
//! for the uncached floor). The workload is in `common/mod.rs`.
//!
//! `cargo bench -p stratus-core --bench sigv4 -- --warm-up-time 1 --measurement-time 3`
//!
//! Wall-clock figures move with the machine's load; `--bench sigv4_insns`
//! counts instructions of the same calls under callgrind instead.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use stratus_core::sigv4::SigningKeyCache;

mod common;

fn bench(c: &mut Criterion) {
    let f = common::Fixture::new();
    let mut g = c.benchmark_group("sigv4_kinesis_put_record");
    let mut cache = SigningKeyCache::new();
    g.bench_function("sign_key_cached", |b| {
        b.iter(|| black_box(f.sign(&mut cache)))
    });
    g.bench_function("floor_key_cached", |b| {
        b.iter(|| black_box(f.floor_key_cached()))
    });
    g.bench_function("sign_key_uncached", |b| {
        b.iter(|| black_box(f.sign_key_uncached()))
    });
    g.bench_function("floor_key_uncached", |b| {
        b.iter(|| black_box(f.floor_key_uncached()))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
