//! Whole-provider verification against its floor, each group with its own baseline so every
//! figure is a ratio from one run: `cargo bench -p oauth1-tests --bench provider`.
//!
//! * `appendix_a`: OAuth Core 1.0 Appendix A (HMAC-SHA1, header), `ResourceProtector::verify`
//!   on the memory store with a fresh nonce each iteration, vs the raw HMAC-SHA1 of its base
//!   string;
//! * `appendix_a_20_params_4k_body`: the same request with 20 query parameters and a 4 KiB
//!   form body, vs the raw HMAC of that base string;
//! * `rsa_2048`: RSA-SHA1 and RSA-SHA256 verification vs the raw `rsa` verification of the same
//!   message with the same parsed key.
//!
//! Every verified request is signed beforehand with its own nonce (a pool of them), and each
//! pass over the pool runs against a freshly built provider, so no nonce is ever a replay while
//! the timed loop holds nothing but verifications, like its baseline's loop.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use oauth1::server::Scope;
use std::hint::black_box;
use std::time::{Duration, Instant};

use base64::Engine as _;
use criterion::{Bencher, Criterion, criterion_group, criterion_main};
use hmac::{Hmac, KeyInit, Mac};
use oauth1::sign::SigningMethod;
use oauth1::signature::{Algorithm, RsaPrivateKey};
use oauth1::{ParseOptions, ResourceProtector, SignedRequest};
use oauth1_tests::appendix_a::{CONSUMER_SECRET, TOKEN_SECRET, protector, request};
use oauth1_tests::ready;
use sha1::Sha1;

/// Times `iters` verifications of the pre-signed `pool`, each pass over the pool against a new
/// provider from `fresh` (built untimed), so every verification sees a fresh nonce. The memory
/// store never waits, so each verification is polled once, as inside a server's task, without
/// an executor's entry and exit around it.
fn verify_pool(b: &mut Bencher<'_>, pool: &[http::Request<Vec<u8>>], fresh: impl Fn() -> ResourceProtector) {
    b.iter_custom(|iters| {
        let mut timed = Duration::ZERO;
        let mut left = usize::try_from(iters).unwrap();
        while left > 0 {
            let p = fresh();
            let pass = left.min(pool.len());
            let started = Instant::now();
            for req in pool.iter().take(pass) {
                ready(p.verify(black_box(req), Scope::Token)).unwrap();
            }
            timed += started.elapsed();
            left -= pass;
        }
        timed
    })
}

/// `n` requests from `make`, each with its own nonce.
fn pool(n: u64, make: impl Fn(u64) -> http::Request<Vec<u8>>) -> Vec<http::Request<Vec<u8>>> {
    (0..n).map(make).collect()
}

fn appendix_a_request(method: SigningMethod, nonce: u64, big: bool) -> http::Request<Vec<u8>> {
    if big { request(method, nonce, 20, 4096) } else { request(method, nonce, 0, 0) }
}

fn raw_hmac(base: &str, signature: &[u8]) {
    let mut mac =
        <Hmac<Sha1> as KeyInit>::new_from_slice(format!("{CONSUMER_SECRET}&{TOKEN_SECRET}").as_bytes()).unwrap();
    mac.update(black_box(base.as_bytes()));
    mac.verify_slice(signature).unwrap();
}

fn hmac_groups(c: &mut Criterion) {
    let hmac = || SigningMethod::Hmac(Algorithm::Sha1);
    for (name, big) in [("appendix_a", false), ("appendix_a_20_params_4k_body", true)] {
        let sample = appendix_a_request(hmac(), 0, big);
        let parsed = SignedRequest::parse(&sample, &ParseOptions::default()).unwrap();
        let base = parsed.base_string().to_string();
        let sig = base64::engine::general_purpose::STANDARD.decode(parsed.signature().unwrap()).unwrap();
        let requests = pool(256, |nonce| appendix_a_request(hmac(), nonce, big));
        let mut g = c.benchmark_group(name);
        g.bench_function("raw_hmac_sha1_of_base_string", |b| b.iter(|| raw_hmac(&base, &sig)));
        g.bench_function("resource_protector_verify", |b| verify_pool(b, &requests, || protector(None)));
        g.finish();
    }
}

/// How verification grows with the parameter count and the body size.
fn growth_group(c: &mut Criterion) {
    let mut g = c.benchmark_group("growth");
    for (params, body) in [(0, 0), (10, 0), (20, 0), (40, 0), (80, 0), (0, 1024), (0, 4096), (0, 16384)] {
        let requests = pool(64, |nonce| request(SigningMethod::Hmac(Algorithm::Sha1), nonce, params, body));
        g.bench_function(format!("verify_{params}_params_{body}_byte_body"), |b| {
            verify_pool(b, &requests, || protector(None))
        });
    }
    g.finish();
}

fn rsa_group(c: &mut Criterion) {
    use rsa::pkcs8::DecodePrivateKey;
    use rsa::signature::{SignatureEncoding, Signer as _, Verifier as _};
    // A 2048-bit key made for this benchmark only (tests/data).
    let pem = include_str!("../data/rsa2048-bench-key.pem");
    let ours = RsaPrivateKey::from_pem(pem).unwrap();
    let mut g = c.benchmark_group("rsa_2048");
    for alg in [Algorithm::Sha1, Algorithm::Sha256] {
        let rsa = || SigningMethod::Rsa(alg, Box::new(ours.clone()));
        let sample = appendix_a_request(rsa(), 0, false);
        let parsed = SignedRequest::parse(&sample, &ParseOptions::default()).unwrap();
        let base = parsed.base_string().to_string();
        let raw_key = rsa::PrivateKey::from_pkcs8_pem(pem).unwrap();
        let public = rsa::PublicKey::from(&raw_key);
        match alg {
            Algorithm::Sha1 => {
                let sig = rsa::pkcs1v15::SigningKey::<Sha1>::new(raw_key).sign(base.as_bytes());
                let vk = rsa::pkcs1v15::VerifyingKey::<Sha1>::new(public);
                let sig = rsa::pkcs1v15::Signature::try_from(sig.to_bytes().as_ref()).unwrap();
                g.bench_function("raw_rsa_sha1_verify", |b| {
                    b.iter(|| vk.verify(black_box(base.as_bytes()), &sig).unwrap())
                });
            }
            _ => {
                let sig = rsa::pkcs1v15::SigningKey::<sha2::Sha256>::new(raw_key).sign(base.as_bytes());
                let vk = rsa::pkcs1v15::VerifyingKey::<sha2::Sha256>::new(public);
                let sig = rsa::pkcs1v15::Signature::try_from(sig.to_bytes().as_ref()).unwrap();
                g.bench_function("raw_rsa_sha256_verify", |b| {
                    b.iter(|| vk.verify(black_box(base.as_bytes()), &sig).unwrap())
                });
            }
        }
        // Signing takes milliseconds: a small pool, verified again by each fresh provider.
        let requests = pool(64, |nonce| appendix_a_request(rsa(), nonce, false));
        let name = if alg == Algorithm::Sha1 {
            "resource_protector_verify_rsa_sha1"
        } else {
            "resource_protector_verify_rsa_sha256"
        };
        g.bench_function(name, |b| verify_pool(b, &requests, || protector(Some(&ours))));
    }
    g.finish();
}

criterion_group!(benches, hmac_groups, growth_group, rsa_group);
criterion_main!(benches);
