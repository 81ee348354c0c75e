//! A fixed workload for counting the instructions and allocations of one HMAC-SHA1
//! verification (parse, base string, verify) of the OAuth Core 1.0 Appendix A request, against
//! the raw HMAC-SHA1 of its base string. Instruction counts repeat on a noisy machine where
//! timings do not:
//!
//! ```text
//! cargo build --release -p oauth1 --example profile_hmac
//! valgrind --tool=callgrind --collect-atstart=no \
//!     --toggle-collect='*verify_all*' --toggle-collect='*raw_hmac_all*' \
//!     target/release/examples/profile_hmac 2000
//! callgrind_annotate --inclusive=yes callgrind.out.*
//! # allocations: the difference between two runs, divided by the difference in N
//! valgrind --tool=dhat target/release/examples/profile_hmac 0
//! valgrind --tool=dhat target/release/examples/profile_hmac 1000
//! ```
//!
//! `verify_all` parses and verifies the same request N times (no nonce store: this is the
//! `oauth1` core alone); `raw_hmac_all` computes and checks the HMAC-SHA1 of its base string N
//! times, the floor.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;

use appendix_a::{HMAC_KEY, KEYS, SIGNATURE, raw_hmac_all};
use oauth1::signature::{InteropFallback, SignatureMethods};
use oauth1::{ParseOptions, SignedRequest};

#[path = "common/appendix_a.rs"]
mod appendix_a;

#[inline(never)]
fn verify_all(req: &http::Request<Vec<u8>>, options: &ParseOptions, methods: &SignatureMethods, n: u32) {
    for _ in 0..n {
        let signed = SignedRequest::parse(black_box(req), options).unwrap();
        signed.verify(methods, &KEYS, InteropFallback::DoubleDecodedProtocolValues).unwrap();
    }
}

fn main() {
    let n: u32 = std::env::args().nth(1).map_or(2000, |s| s.parse().expect("N is a number"));
    let req = appendix_a::request();
    let options = ParseOptions::default();
    let methods = SignatureMethods::default();
    verify_all(&req, &options, &methods, n);

    let base_string = SignedRequest::parse(&req, &options).unwrap().base_string().to_string();
    raw_hmac_all(HMAC_KEY, &base_string, &appendix_a::decode(SIGNATURE), n);
}
