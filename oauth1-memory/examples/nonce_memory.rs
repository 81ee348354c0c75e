//! Memory per live nonce in the memory store, as resident-set growth (Linux): 1 M nonces of
//! 10 consumers spread over the 300 seconds of a window, the shape the store keeps at its cap.
//! The documented `BYTES_PER_NONCE` must stay above what this prints.
//!
//! `cargo run --release -p oauth1-memory --example nonce_memory`
#![allow(missing_docs)]

use oauth1::clock::ManualClock;
use oauth1::store::{NonceCheck, NonceKey};
use oauth1_memory::{BYTES_PER_NONCE, MemoryStore};

fn rss() -> Option<usize> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    Some(line.split_whitespace().nth(1)?.parse::<usize>().ok()? * 1024)
}

fn main() {
    let now = 100_000;
    let n = 1_000_000u64;
    let store = MemoryStore::new().with_clock(ManualClock::new(now)).with_max_nonces(2_000_000);
    let before = rss();
    for i in 0..n {
        let consumer = format!("consumer{}", i % 10);
        let timestamp = now - 299 + (i * 300 / n);
        let nonce = format!("{i:016x}");
        let key = NonceKey { consumer_key: &consumer, token: None, timestamp, nonce: &nonce };
        let fresh = store.check_and_insert_sync(&key, timestamp + 301);
        assert!(matches!(fresh, Ok(NonceCheck::Fresh)), "{fresh:?}");
    }
    match (before, rss()) {
        (Some(b), Some(a)) => {
            let per = a.saturating_sub(b) / 1_000_000;
            println!("{per} bytes per live nonce at {n} live nonces (documented bound: {BYTES_PER_NONCE})");
        }
        _ => println!("no /proc/self/status here: cannot measure"),
    }
}
