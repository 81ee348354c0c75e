//! A fixed workload for instruction-level profiling of `ResourceProtector::verify` (callgrind
//! counts instructions, so its figures repeat on a noisy machine where timings do not):
//!
//! ```text
//! cargo build --release -p oauth1-tests --example profile_verify
//! valgrind --tool=callgrind --collect-atstart=no \
//!     --toggle-collect='*verify_all*' --toggle-collect='*raw_hmac_all*' \
//!     target/release/examples/profile_verify 2000 [EXTRA_QUERY_PARAMETERS [FORM_BODY_BYTES]]
//! callgrind_annotate --inclusive=yes callgrind.out.*
//! ```
//!
//! (`tests/load/growth.sh` runs it over a grid of both and fits the growth per parameter and
//! per KiB.)
//!
//! It signs N Appendix A requests (header transport, HMAC-SHA1, unique nonces) up front, then
//! `verify_all` verifies each once on the memory store, polling each verification once without
//! a runtime (`oauth1_tests::ready`), and `raw_hmac_all` computes and checks the raw HMAC-SHA1
//! of the first request's base string N times (the benchmarks' floor). Only those two are
//! measured; their ratio is the benchmarks' ratio counted in instructions.
//!
//! `EXTRA_QUERY_PARAMETERS` adds query parameters `p000=value%200`, `p001=value%201`, …;
//! `FORM_BODY_BYTES` (when above 0) makes the request a `POST` with an
//! `application/x-www-form-urlencoded` body of exactly that many bytes, made of pairs like
//! `field007=value+7+of+the+form%21` (the last value padded with `x`), whose parameters are
//! signed and verified like the query's.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use appendix_a::raw_hmac_all;
use oauth1::server::Scope;
use oauth1::{ParseOptions, SignedRequest};
use oauth1_tests::{Provider, ready, request, signer};

#[path = "../../oauth1/examples/common/appendix_a.rs"]
mod appendix_a;

#[inline(never)]
fn verify_all(protector: &oauth1::ResourceProtector, reqs: &[http::Request<Vec<u8>>]) {
    for r in reqs {
        ready(protector.verify(r, Scope::Token)).unwrap();
    }
}

/// A form body of exactly `size` bytes of `name=value` pairs.
fn form_body(size: usize) -> String {
    let mut body = String::with_capacity(size);
    for i in 0.. {
        let pair = format!("{}field{i:03}=value+{i}+of+the+form%21", if i > 0 { "&" } else { "" });
        if body.len() + pair.len() > size {
            break;
        }
        body.push_str(&pair);
    }
    body.extend(std::iter::repeat_n('x', size - body.len()));
    body
}

fn main() {
    let n: u32 = std::env::args().nth(1).map_or(2000, |s| s.parse().expect("N is a number"));
    let extra: usize = std::env::args().nth(2).map_or(0, |s| s.parse().expect("a parameter count"));
    let body: usize = std::env::args().nth(3).map_or(0, |s| s.parse().expect("a body size in bytes"));
    let (method, form) = if body > 0 { ("POST", Some(form_body(body))) } else { ("GET", None) };
    let mut uri = "http://photos.example.net/photos?file=vacation.jpg&size=original".to_owned();
    for i in 0..extra {
        uri.push_str(&format!("&p{i:03}=value%20{i}"));
    }
    let p = ready(Provider::new().with_token());
    let protector = p.server.resource_protector();
    let reqs: Vec<_> = (0..n)
        .map(|i| {
            signer()
                .token("valid-token", "valid-token-secret")
                .nonce(format!("kllo9940pd{i:08}"))
                .realm("http://photos.example.net/")
                .sign(request(method, &uri, form.as_deref()))
                .unwrap()
        })
        .collect();
    let started = std::time::Instant::now();
    verify_all(&protector, &reqs);
    println!("{n} verifications, {:?} each (wall clock, noisy)", started.elapsed() / n);

    let first = SignedRequest::parse(reqs.first().expect("N > 0"), &ParseOptions::default()).unwrap();
    let base_string = first.base_string().to_string();
    let signature = appendix_a::decode(first.signature().unwrap());
    let key = oauth1::signature::signing_key(oauth1_tests::SECRET, "valid-token-secret");
    raw_hmac_all(key.as_bytes(), &base_string, &signature, n);
}
