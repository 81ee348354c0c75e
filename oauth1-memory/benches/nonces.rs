//! Nonce check-and-insert: memory per live nonce and throughput with 1 and 2 threads at 1 k
//! and 1 M live entries. `cargo bench -p oauth1-memory --bench nonces`
//!
//! Memory is measured as the growth of the process's resident set (Linux `/proc/self/status`)
//! while 1 M nonces are inserted, and printed before the timings.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use oauth1::store::{NonceCheck, NonceKey};
use oauth1_memory::MemoryStore;

const FAR: u64 = u64::MAX / 2;

fn rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

fn fill(store: &MemoryStore, n: u64, prefix: &str) {
    for i in 0..n {
        let nonce = format!("{prefix}{i:016x}");
        let key = NonceKey {
            consumer_key: "dpf43f3p2l4k3l03",
            token: Some("nnch734d00sl2jdk"),
            timestamp: 1_191_242_096,
            nonce: &nonce,
        };
        assert_eq!(store.check_and_insert_sync(&key, FAR).unwrap(), NonceCheck::Fresh);
    }
}

fn memory_per_nonce() {
    let before = rss_bytes();
    let store = MemoryStore::new().with_max_nonces(2_000_000);
    fill(&store, 1_000_000, "m");
    let after = rss_bytes();
    if let (Some(b), Some(a)) = (before, after) {
        eprintln!("memory: {} bytes per live nonce at 1 M live nonces (RSS growth)", (a.saturating_sub(b)) / 1_000_000);
    }
    black_box(store);
}

fn bench(c: &mut Criterion) {
    memory_per_nonce();
    let mut g = c.benchmark_group("nonce_check_and_insert");
    g.sample_size(20).measurement_time(Duration::from_secs(3));
    for live in [1_000u64, 1_000_000] {
        let store = Arc::new(MemoryStore::new().with_max_nonces(50_000_000));
        fill(&store, live, "f");
        let counter = Arc::new(AtomicU64::new(0));
        for threads in [1u64, 2] {
            g.bench_with_input(BenchmarkId::new(format!("{threads}_thread"), live), &threads, |b, &threads| {
                b.iter_custom(|iters| {
                    let start = Instant::now();
                    std::thread::scope(|s| {
                        for _ in 0..threads {
                            let (store, counter) = (&store, &counter);
                            s.spawn(move || {
                                for _ in 0..iters / threads {
                                    let i = counter.fetch_add(1, Ordering::Relaxed);
                                    let nonce = format!("b{i:016x}");
                                    let key = NonceKey {
                                        consumer_key: "dpf43f3p2l4k3l03",
                                        token: Some("nnch734d00sl2jdk"),
                                        timestamp: 1_191_242_096,
                                        nonce: &nonce,
                                    };
                                    black_box(store.check_and_insert_sync(&key, FAR).unwrap());
                                }
                            });
                        }
                    });
                    start.elapsed()
                })
            });
        }
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
