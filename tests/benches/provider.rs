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
//! Signing the requests (fresh nonces) happens in the untimed setup of each batch.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::sync::Arc;

use base64::Engine as _;
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use hmac::{Hmac, KeyInit, Mac};
use oauth1::clock::ManualClock;
use oauth1::sign::{Signer, SigningMethod};
use oauth1::signature::{Algorithm, RsaPrivateKey};
use oauth1::store::{Client, TokenCredentialStore, TokenCredentials};
use oauth1::{AuthorizationServer, Config, ParseOptions, ResourceProtector, Secret, SignedRequest, Stores};
use oauth1_memory::MemoryStore;
use sha1::Sha1;

const TS: u64 = 1_191_242_096;
const CK: &str = "dpf43f3p2l4k3l03";
const CS: &str = "kd94hf93k423kf44";
const TK: &str = "nnch734d00sl2jdk";
const TS_SECRET: &str = "pfkkdhi9sl3r4s00";

fn protector(rsa: Option<&RsaPrivateKey>) -> ResourceProtector {
    let clock = ManualClock::new(TS);
    let store = Arc::new(MemoryStore::new().with_clock(clock.clone()).with_max_nonces(50_000_000));
    let mut client = Client::new(CK, CS);
    if let Some(k) = rsa {
        client = client.with_rsa_public_key(k.public_key());
    }
    store.insert_client(client);
    let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
    rt.block_on(store.create_token(TokenCredentials::new(TK, Secret::new(TS_SECRET), CK, "alice"))).unwrap();
    AuthorizationServer::new(Stores::single(store), Config::default().with_clock(clock)).resource_protector()
}

fn signer(method: SigningMethod, nonce: u64) -> Signer {
    Signer::new(CK, CS)
        .token(TK, TS_SECRET)
        .method(method)
        .timestamp(TS)
        .nonce(format!("kllo{nonce:012}"))
        .realm("http://photos.example.net/")
}

fn appendix_a_request(method: SigningMethod, nonce: u64, big: bool) -> http::Request<Vec<u8>> {
    if big { sized_request(method, nonce, 20, 4096) } else { sized_request(method, nonce, 0, 0) }
}

/// The Appendix A request with `params` extra query parameters and a form body of `body` bytes.
fn sized_request(method: SigningMethod, nonce: u64, params: usize, body: usize) -> http::Request<Vec<u8>> {
    let mut uri = "http://photos.example.net/photos?file=vacation.jpg&size=original".to_owned();
    for i in 0..params {
        uri.push_str(&format!("&p{i:03}=value%20{i}"));
    }
    let mut b = http::Request::get(uri);
    let form = if body > 0 {
        b = b.header("content-type", "application/x-www-form-urlencoded");
        format!("data={}", "x".repeat(body.saturating_sub(5)))
    } else {
        String::new()
    };
    signer(method, nonce).sign(b.body(form.into_bytes()).unwrap()).unwrap()
}

fn raw_hmac(base: &str, signature: &[u8]) {
    let mut mac = <Hmac<Sha1> as KeyInit>::new_from_slice(format!("{CS}&{TS_SECRET}").as_bytes()).unwrap();
    mac.update(black_box(base.as_bytes()));
    mac.verify_slice(signature).unwrap();
}

fn hmac_groups(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
    for (name, big) in [("appendix_a", false), ("appendix_a_20_params_4k_body", true)] {
        let p = protector(None);
        let sample = appendix_a_request(SigningMethod::Hmac(Algorithm::Sha1), 0, big);
        let parsed = SignedRequest::parse(&sample, &ParseOptions::default()).unwrap();
        let base = parsed.base_string().to_string();
        let sig = base64::engine::general_purpose::STANDARD.decode(parsed.signature().unwrap()).unwrap();
        let mut g = c.benchmark_group(name);
        g.bench_function("raw_hmac_sha1_of_base_string", |b| b.iter(|| raw_hmac(&base, &sig)));
        let mut nonce = 1u64;
        g.bench_function("resource_protector_verify", |b| {
            b.iter_batched_ref(
                || {
                    nonce += 1;
                    appendix_a_request(SigningMethod::Hmac(Algorithm::Sha1), nonce, big)
                },
                |req| rt.block_on(p.verify(black_box(&*req))).unwrap(),
                BatchSize::SmallInput,
            )
        });
        g.finish();
    }
}

/// How verification grows with the parameter count and the body size.
fn growth_group(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
    let p = protector(None);
    let mut g = c.benchmark_group("growth");
    let mut nonce = 1_000_000u64;
    for (params, body) in [(0, 0), (10, 0), (20, 0), (40, 0), (80, 0), (0, 1024), (0, 4096), (0, 16384)] {
        g.bench_function(format!("verify_{params}_params_{body}_byte_body"), |b| {
            b.iter_batched_ref(
                || {
                    nonce += 1;
                    sized_request(SigningMethod::Hmac(Algorithm::Sha1), nonce, params, body)
                },
                |req| rt.block_on(p.verify(black_box(&*req))).unwrap(),
                BatchSize::SmallInput,
            )
        });
    }
    g.finish();
}

fn rsa_group(c: &mut Criterion) {
    use rsa::pkcs8::DecodePrivateKey;
    use rsa::signature::{SignatureEncoding, Signer as _, Verifier as _};
    let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
    // A 2048-bit key made for this benchmark only (tests/data).
    let pem = include_str!("../data/rsa2048-bench-key.pem");
    let ours = RsaPrivateKey::from_pem(pem).unwrap();
    let p = protector(Some(&ours));
    let mut g = c.benchmark_group("rsa_2048");
    for alg in [Algorithm::Sha1, Algorithm::Sha256] {
        let sample = appendix_a_request(SigningMethod::Rsa(alg, Box::new(ours.clone())), 0, false);
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
        // Each algorithm has its own nonce range: a reused one would be a replay.
        let mut nonce = if alg == Algorithm::Sha1 { 10_000_000u64 } else { 20_000_000u64 };
        let name = if alg == Algorithm::Sha1 {
            "resource_protector_verify_rsa_sha1"
        } else {
            "resource_protector_verify_rsa_sha256"
        };
        g.bench_function(name, |b| {
            b.iter_batched_ref(
                || {
                    nonce += 1;
                    appendix_a_request(SigningMethod::Rsa(alg, Box::new(ours.clone())), nonce, false)
                },
                |req| rt.block_on(p.verify(black_box(&*req))).unwrap(),
                BatchSize::SmallInput,
            )
        });
    }
    g.finish();
}

criterion_group!(benches, hmac_groups, growth_group, rsa_group);
criterion_main!(benches);
