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

use hmac::{Hmac, KeyInit, Mac};
use oauth1::signature::{InteropFallback, SignatureMethods, VerifyingKeys};
use oauth1::{ParseOptions, SignedRequest};
use sha1::Sha1;

const KEYS: VerifyingKeys<'static> =
    VerifyingKeys { consumer_secret: "kd94hf93k423kf44", token_secret: "pfkkdhi9sl3r4s00", rsa_public_keys: &[] };

#[inline(never)]
fn verify_all(req: &http::Request<Vec<u8>>, options: &ParseOptions, methods: &SignatureMethods, n: u32) {
    for _ in 0..n {
        let signed = SignedRequest::parse(black_box(req), options).unwrap();
        signed.verify(methods, &KEYS, InteropFallback::DoubleDecodedProtocolValues).unwrap();
    }
}

#[inline(never)]
fn raw_hmac_all(key: &[u8], base_string: &str, signature: &[u8], n: u32) {
    for _ in 0..n {
        let mut mac = <Hmac<Sha1> as KeyInit>::new_from_slice(key).unwrap();
        mac.update(black_box(base_string.as_bytes()));
        mac.verify_slice(signature).unwrap();
    }
}

fn main() {
    let n: u32 = std::env::args().nth(1).map_or(2000, |s| s.parse().expect("N is a number"));
    let req = http::Request::get("/photos?file=vacation.jpg&size=original")
        .header("host", "photos.example.net")
        .header(
            "authorization",
            "OAuth realm=\"http://photos.example.net/\", oauth_consumer_key=\"dpf43f3p2l4k3l03\", \
             oauth_token=\"nnch734d00sl2jdk\", oauth_signature_method=\"HMAC-SHA1\", \
             oauth_signature=\"tR3%2BTy81lMeYAr%2FFid0kMTYa%2FWM%3D\", oauth_timestamp=\"1191242096\", \
             oauth_nonce=\"kllo9940pd9333jh\", oauth_version=\"1.0\"",
        )
        .body(Vec::new())
        .unwrap();
    let options = ParseOptions::default();
    let methods = SignatureMethods::default();
    verify_all(&req, &options, &methods, n);

    let base_string = SignedRequest::parse(&req, &options).unwrap().base_string().to_string();
    let signature = {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.decode("tR3+Ty81lMeYAr/Fid0kMTYa/WM=").unwrap()
    };
    raw_hmac_all(b"kd94hf93k423kf44&pfkkdhi9sl3r4s00", &base_string, &signature, n);
}
