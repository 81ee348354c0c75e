//! RSA verification rates: our full `ResourceProtector::verify` beside the raw backend's verify
//! of the same message, with the 2048-bit bench key (`tests/data`).
//!
//! ```text
//! cargo run --release -p oauth1-tests --example rsa_rate [--features native-rsa] -- [SECONDS]
//! ```
//!
//! For RSA-SHA1 and RSA-SHA256 it prints one machine-readable line each:
//!
//! ```text
//! rsa_rate method=RSA-SHA1 native=true verify_cpu_us=36.10 verify_wall_us=36.52 verifies=83072 raw_backend=aws-lc raw_cpu_us=33.52 raw_wall_us=33.90 raw_verifies=89490
//! ```
//!
//! * `verify_*_us`: µs per `ResourceProtector::verify` of the OAuth Core 1.0 Appendix A request
//!   (header transport, memory store, a fresh nonce per request). As in
//!   `tests/benches/provider.rs`, a pool of 64 requests is signed once and each pass over it
//!   runs against a freshly built provider (built untimed); only the verify loop is timed.
//! * `raw_*_us`: µs per raw verify of the Appendix A base string's signature with the key parsed
//!   once: aws-lc's `ParsedPublicKey::verify_sig` with the `native-rsa` feature, the `rsa`
//!   crate's PKCS#1 v1.5 `VerifyingKey::verify` without it (`raw_backend` says which).
//! * `native`: `RsaPublicKey::is_native()` of the client's key (aws-lc verifies it).
//! * `cpu`: this thread's time on a CPU (`/proc/thread-self/schedstat`), which other processes
//!   on a shared core do not inflate, as `openssl speed` counts its own user time; `wall`: the
//!   wall clock.
//!
//! Each of the four measurements runs for SECONDS of wall time (default 3, at most 60).
//! `tests/load/rsa-vs-openssl.sh` interleaves this with `openssl speed rsa2048` pinned to one
//! core and prints the ratios.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use oauth1::server::Scope;
use oauth1::sign::SigningMethod;
use oauth1::signature::{Algorithm, RsaPrivateKey};
use oauth1::{ParseOptions, SignedRequest};
use oauth1_tests::appendix_a::{protector, request};
use oauth1_tests::ready;
use rsa::pkcs8::DecodePrivateKey;
use rsa::signature::{SignatureEncoding, Signer as _};

/// The bench key, made for benchmarks only.
const PEM: &str = include_str!("../data/rsa2048-bench-key.pem");
/// Requests signed per pool (as the provider bench's RSA group).
const POOL: u64 = 64;
/// A bound on the passes of any one measurement, whatever the clock says.
const MAX_PASSES: u64 = 10_000_000;

/// Time this thread has spent on a CPU, from `/proc/thread-self/schedstat` (Linux, in ns):
/// unlike the wall clock, it does not count the time other processes on a shared core took.
fn on_cpu() -> Duration {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").expect("/proc/thread-self/schedstat");
    on_cpu_of_schedstat(&stat).expect("a schedstat line")
}

/// The first field of a `schedstat` line: nanoseconds spent running.
fn on_cpu_of_schedstat(stat: &str) -> Option<Duration> {
    stat.split_whitespace().next()?.parse().ok().map(Duration::from_nanos)
}

/// What one measurement took per operation, in µs.
struct Rate {
    cpu_us: f64,
    wall_us: f64,
    count: u64,
}

/// Something timed: `work` runs between two readings of the clocks.
type Timed<'a> = &'a mut dyn FnMut(&mut dyn FnMut());

/// Runs `pass` until `budget` of wall time has gone, counting only the work it hands to the
/// timer it receives, on this thread's CPU time and on the wall clock; `pass` returns how many
/// operations it timed.
fn rate(budget: Duration, mut pass: impl FnMut(Timed<'_>) -> u64) -> Rate {
    let started = Instant::now();
    let (mut cpu, mut wall, mut count) = (Duration::ZERO, Duration::ZERO, 0u64);
    for _ in 0..MAX_PASSES {
        if started.elapsed() >= budget {
            break;
        }
        count += pass(&mut |work| {
            let (c0, w0) = (on_cpu(), Instant::now());
            work();
            wall += w0.elapsed();
            cpu += on_cpu().saturating_sub(c0);
        });
    }
    let per = |d: Duration| d.as_secs_f64() * 1e6 / count.max(1) as f64;
    Rate { cpu_us: per(cpu), wall_us: per(wall), count }
}

/// The raw verify of a signature `sig` with the bench key, parsed once: aws-lc.
#[cfg(feature = "native-rsa")]
fn raw_verifier(alg: Algorithm, sig: Vec<u8>) -> (&'static str, impl Fn(&[u8]) -> bool) {
    use aws_lc_rs::signature::{
        ParsedPublicKey, RSA_PKCS1_1024_8192_SHA1_FOR_LEGACY_USE_ONLY, RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY,
    };
    use rsa::pkcs1::EncodeRsaPublicKey;
    let public = rsa::PublicKey::from(&rsa::PrivateKey::from_pkcs8_pem(PEM).unwrap());
    let der = public.to_pkcs1_der().unwrap();
    let params = match alg {
        Algorithm::Sha256 => &RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY,
        _ => &RSA_PKCS1_1024_8192_SHA1_FOR_LEGACY_USE_ONLY,
    };
    let key = ParsedPublicKey::new(params, der.as_bytes()).unwrap();
    ("aws-lc", move |message: &[u8]| key.verify_sig(message, &sig).is_ok())
}

/// The raw verify of a signature `sig` with the bench key, parsed once: the `rsa` crate.
#[cfg(not(feature = "native-rsa"))]
fn raw_verifier(alg: Algorithm, sig: Vec<u8>) -> (&'static str, impl Fn(&[u8]) -> bool) {
    use rsa::pkcs1v15::{Signature, VerifyingKey};
    use rsa::signature::Verifier as _;
    let public = rsa::PublicKey::from(&rsa::PrivateKey::from_pkcs8_pem(PEM).unwrap());
    let sig = Signature::try_from(sig.as_slice()).unwrap();
    let (sha1, sha256) = (VerifyingKey::<sha1::Sha1>::new(public.clone()), VerifyingKey::<sha2::Sha256>::new(public));
    ("rsa", move |message: &[u8]| match alg {
        Algorithm::Sha256 => sha256.verify(message, &sig).is_ok(),
        _ => sha1.verify(message, &sig).is_ok(),
    })
}

/// The PKCS#1 v1.5 signature of `message` with the bench key (made by the `rsa` crate).
fn raw_signature(alg: Algorithm, message: &[u8]) -> Vec<u8> {
    use rsa::pkcs1v15::SigningKey;
    let key = rsa::PrivateKey::from_pkcs8_pem(PEM).unwrap();
    match alg {
        Algorithm::Sha256 => SigningKey::<sha2::Sha256>::new(key).sign(message).to_vec(),
        _ => SigningKey::<sha1::Sha1>::new(key).sign(message).to_vec(),
    }
}

fn main() {
    let seconds: f64 = std::env::args().nth(1).map_or(3.0, |s| s.parse().expect("SECONDS is a number"));
    let budget = Duration::from_secs_f64(seconds.clamp(0.01, 60.0));
    let private = RsaPrivateKey::from_pem(PEM).unwrap();
    for (alg, name) in [(Algorithm::Sha1, "RSA-SHA1"), (Algorithm::Sha256, "RSA-SHA256")] {
        let method = || SigningMethod::Rsa(alg, Box::new(private.clone()));
        let pool: Vec<_> = (0..POOL).map(|nonce| request(method(), nonce, 0, 0)).collect();
        let native = private.public_key().is_native();

        // Ours: every pass over the pool against a fresh provider, only the verify loop timed.
        let ours = rate(budget, |timed| {
            let p = protector(Some(&private));
            timed(&mut || {
                for req in &pool {
                    ready(p.verify(black_box(req), Scope::Token)).unwrap();
                }
            });
            POOL
        });

        // The backend alone, on the same request's base string.
        let first = pool.first().expect("a pool");
        let base = SignedRequest::parse(first, &ParseOptions::default()).unwrap().base_string().to_string();
        let (backend, verify) = raw_verifier(alg, raw_signature(alg, base.as_bytes()));
        assert!(verify(base.as_bytes()), "the raw signature verifies");
        let raw = rate(budget, |timed| {
            timed(&mut || {
                for _ in 0..POOL {
                    assert!(verify(black_box(base.as_bytes())));
                }
            });
            POOL
        });

        println!(
            "rsa_rate method={name} native={native} verify_cpu_us={:.2} verify_wall_us={:.2} verifies={} \
             raw_backend={backend} raw_cpu_us={:.2} raw_wall_us={:.2} raw_verifies={}",
            ours.cpu_us, ours.wall_us, ours.count, raw.cpu_us, raw.wall_us, raw.count
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedstat_first_field_is_nanoseconds_on_cpu() {
        assert_eq!(on_cpu_of_schedstat("188392 2456472 2\n"), Some(Duration::from_nanos(188_392)));
        assert_eq!(on_cpu_of_schedstat(""), None);
        assert_eq!(on_cpu_of_schedstat("x 1 2"), None);
        let before = on_cpu();
        let spin = Instant::now();
        while spin.elapsed() < Duration::from_millis(20) {
            black_box(0);
        }
        assert!(on_cpu() > before, "this thread's CPU time grows while it runs");
    }

    #[test]
    fn rate_counts_only_what_is_timed() {
        let r = rate(Duration::from_millis(5), |timed| {
            std::thread::sleep(Duration::from_millis(1));
            timed(&mut || std::thread::sleep(Duration::from_millis(1)));
            2
        });
        assert!(r.count >= 2 && r.count % 2 == 0, "{}", r.count);
        assert!(r.wall_us >= 400.0, "two operations per timed 1 ms sleep: {}", r.wall_us);
        assert!(r.cpu_us < r.wall_us, "sleeping is not on a CPU: {} / {}", r.cpu_us, r.wall_us);
    }
}
