//! RSA verification against the raw `rsa` verification of the same message, counted in
//! instructions (callgrind), which repeat on a noisy machine where timings do not:
//!
//! ```text
//! cargo build --release -p oauth1-tests --example profile_rsa
//! valgrind --tool=callgrind --collect-atstart=no \
//!     --toggle-collect='*ours_all*' --toggle-collect='*raw_all*' \
//!     target/release/examples/profile_rsa sha1|sha256 [N]
//! callgrind_annotate --inclusive=yes callgrind.out.* | grep -E 'ours_all|raw_all'
//! ```
//!
//! It signs N Appendix A requests (the benchmarks' fixture `oauth1_tests::appendix_a`, with a
//! 2048-bit key, header transport, unique nonces) up front, then `ours_all` runs
//! `ResourceProtector::verify` on each (memory store) and `raw_all` runs `rsa`'s PKCS#1 v1.5
//! `VerifyingKey::verify` N times on the base string, with the key parsed once on both sides.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use oauth1::server::Scope;
use std::hint::black_box;

use oauth1::sign::SigningMethod;
use oauth1::signature::{Algorithm, RsaPrivateKey};
use oauth1::{ParseOptions, ResourceProtector, SignedRequest};
use oauth1_tests::appendix_a::{protector, request};
use oauth1_tests::ready;
use rsa::pkcs1v15::{Signature, SigningKey, VerifyingKey};
use rsa::pkcs8::DecodePrivateKey;
use rsa::signature::{SignatureEncoding, Signer as _, Verifier as _};

#[inline(never)]
fn ours_all(protector: &ResourceProtector, reqs: &[http::Request<Vec<u8>>]) {
    for r in reqs {
        ready(protector.verify(black_box(r), Scope::Token)).unwrap();
    }
}

#[inline(never)]
fn raw_all(verify: impl Fn(&[u8]) -> bool, base: &str, n: usize) {
    for _ in 0..n {
        assert!(verify(black_box(base.as_bytes())));
    }
}

/// Signs `base` with the raw `rsa` key for digest `$d`, then verifies it `n` times.
macro_rules! raw {
    ($d:ty, $pem:expr, $base:expr, $n:expr) => {{
        let key = rsa::PrivateKey::from_pkcs8_pem($pem).unwrap();
        let public = VerifyingKey::<$d>::new(rsa::PublicKey::from(&key));
        let signed = SigningKey::<$d>::new(key).sign($base.as_bytes()).to_bytes();
        let signature = Signature::try_from(signed.as_ref()).unwrap();
        raw_all(|message| public.verify(message, &signature).is_ok(), $base, $n);
    }};
}

fn main() {
    let alg = match std::env::args().nth(1).as_deref() {
        Some("sha256") => Algorithm::Sha256,
        Some("sha1") | None => Algorithm::Sha1,
        Some(other) => panic!("sha1 or sha256, not {other}"),
    };
    let n: usize = std::env::args().nth(2).map_or(20, |s| s.parse().expect("N is a number"));
    // The benchmark's key (tests/data), made for benchmarks only.
    let pem = include_str!("../data/rsa2048-bench-key.pem");
    let private = RsaPrivateKey::from_pem(pem).unwrap();
    let protector = protector(Some(&private));
    let reqs: Vec<_> =
        (0..n as u64).map(|i| request(SigningMethod::Rsa(alg, Box::new(private.clone())), i, 0, 0)).collect();
    let base =
        SignedRequest::parse(reqs.first().expect("N > 0"), &ParseOptions::default()).unwrap().base_string().to_string();
    ours_all(&protector, &reqs);
    match alg {
        Algorithm::Sha256 => raw!(sha2::Sha256, pem, &base, n),
        _ => raw!(sha1::Sha1, pem, &base, n),
    }
}
