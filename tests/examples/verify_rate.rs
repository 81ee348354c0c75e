//! Our side of the in-process peer comparison (`tests/interop/peers.sh`, beside
//! `authlib_verify_bench.py` and `oauthlib_verify_bench.py`): microseconds per
//! `ResourceProtector::verify` of the OAuth Core 1.0 Appendix A request and per raw HMAC-SHA1
//! of its base string, printed in the Python scripts' line format:
//!
//! ```text
//! cargo build --release -p oauth1-tests --example verify_rate
//! target/release/examples/verify_rate [N]
//! ```
//!
//! The request shape is the scripts' and the `appendix_a` group's of
//! `cargo bench -p oauth1-tests --bench provider`: Appendix A's keys, secrets and realm,
//! HMAC-SHA1, header transport, a fresh nonce per request, the memory store. The method is the
//! bench's: a pool of 256 requests, each with its own nonce, signed beforehand; every pass over
//! the pool runs against a freshly built provider (built and dropped untimed), so every
//! verification sees a fresh nonce while the timed loop holds nothing but verifications, each
//! polled once (`oauth1_tests::ready`). The raw HMAC-SHA1 (the `hmac` and `sha1` crates) of the
//! first request's base string is timed N times the same way. One untimed pass of each warms
//! the caches first. Wall-clock figures from one run: compare them only as ratios taken in the
//! same run, on a quiet machine or interleaved (as `peers.sh` does).
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use oauth1::server::Scope;
use oauth1::sign::SigningMethod;
use oauth1::signature::Algorithm;
use oauth1::{ParseOptions, SignedRequest};
use oauth1_tests::appendix_a::{CONSUMER_SECRET, TOKEN_SECRET, protector, request};
use oauth1_tests::ready;
use sha1::Sha1;

/// Requests signed beforehand, as in the provider bench.
const POOL: u64 = 256;

/// Time spent verifying the first `n` requests of endless passes over `pool`, each pass on a
/// new provider.
fn verify_pool(pool: &[http::Request<Vec<u8>>], n: usize) -> Duration {
    let mut timed = Duration::ZERO;
    let mut left = n;
    while left > 0 {
        let p = protector(None);
        let pass = left.min(pool.len());
        let started = Instant::now();
        for req in pool.iter().take(pass) {
            ready(p.verify(black_box(req), Scope::Token)).unwrap();
        }
        timed += started.elapsed();
        left -= pass;
    }
    timed
}

/// Time spent computing and checking the HMAC-SHA1 of `base` `n` times.
fn raw_hmac(key: &[u8], base: &str, signature: &[u8], n: usize) -> Duration {
    let started = Instant::now();
    for _ in 0..n {
        let mut mac = <Hmac<Sha1> as KeyInit>::new_from_slice(key).unwrap();
        mac.update(black_box(base.as_bytes()));
        mac.verify_slice(black_box(signature)).unwrap();
    }
    started.elapsed()
}

fn micros(d: Duration, n: usize) -> f64 {
    d.as_secs_f64() * 1e6 / n as f64
}

fn main() {
    let n: usize = std::env::args().nth(1).map_or(20_000, |s| s.parse().expect("N is a number"));
    assert!(n > 0, "N > 0");
    let pool: Vec<_> = (0..POOL).map(|nonce| request(SigningMethod::Hmac(Algorithm::Sha1), nonce, 0, 0)).collect();
    verify_pool(&pool, pool.len());
    let verify_us = micros(verify_pool(&pool, n), n);

    let parsed = SignedRequest::parse(pool.first().expect("a pool"), &ParseOptions::default()).unwrap();
    let base = parsed.base_string().to_string();
    let signature = base64::engine::general_purpose::STANDARD.decode(parsed.signature().unwrap()).unwrap();
    let key = format!("{CONSUMER_SECRET}&{TOKEN_SECRET}");
    raw_hmac(key.as_bytes(), &base, &signature, pool.len());
    let raw_us = micros(raw_hmac(key.as_bytes(), &base, &signature, n), n);

    println!("ours ResourceProtector::verify (memory store): {verify_us:.3} us per request ({n} requests)");
    println!("raw HMAC-SHA1 of the base string (hmac + sha1 crates): {raw_us:.3} us");
    println!("ratio: {:.1}x", verify_us / raw_us);
}
