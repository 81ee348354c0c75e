//! Verification cost against its physical floor, the HMAC itself.
//!
//! Each group holds its own baseline so a figure is read as a ratio from one run:
//! `cargo bench -p oauth1 --bench verify`.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use hmac::{Hmac, KeyInit, Mac};
use oauth1::signature::{InteropFallback, SignatureMethods, VerifyingKeys};
use oauth1::{ParseOptions, SignedRequest};
use sha1::Sha1;

/// OAuth Core 1.0 Appendix A: the protected photos request.
fn appendix_a() -> http::Request<Vec<u8>> {
    http::Request::get("/photos?file=vacation.jpg&size=original")
        .header("host", "photos.example.net")
        .header(
            "authorization",
            "OAuth realm=\"http://photos.example.net/\", oauth_consumer_key=\"dpf43f3p2l4k3l03\", \
             oauth_token=\"nnch734d00sl2jdk\", oauth_signature_method=\"HMAC-SHA1\", \
             oauth_signature=\"tR3%2BTy81lMeYAr%2FFid0kMTYa%2FWM%3D\", oauth_timestamp=\"1191242096\", \
             oauth_nonce=\"kllo9940pd9333jh\", oauth_version=\"1.0\"",
        )
        .body(Vec::new())
        .unwrap()
}

const KEYS: VerifyingKeys<'static> =
    VerifyingKeys { consumer_secret: "kd94hf93k423kf44", token_secret: "pfkkdhi9sl3r4s00", rsa_public_keys: &[] };

fn appendix_a_group(c: &mut Criterion) {
    let req = appendix_a();
    let options = ParseOptions::default();
    let methods = SignatureMethods::default();
    let base_string = SignedRequest::parse(&req, &options).unwrap().base_string().to_string();
    let signature = {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.decode("tR3+Ty81lMeYAr/Fid0kMTYa/WM=").unwrap()
    };

    let mut g = c.benchmark_group("appendix_a_hmac_sha1");
    g.bench_function("raw_hmac_sha1_of_base_string", |b| {
        b.iter(|| {
            let mut mac = <Hmac<Sha1> as KeyInit>::new_from_slice(b"kd94hf93k423kf44&pfkkdhi9sl3r4s00").unwrap();
            mac.update(black_box(base_string.as_bytes()));
            mac.verify_slice(&signature).unwrap();
        })
    });
    g.bench_function("parse_base_string_verify", |b| {
        b.iter(|| {
            let signed = SignedRequest::parse(black_box(&req), &options).unwrap();
            signed.verify(&methods, &KEYS, InteropFallback::DoubleDecodedProtocolValues).unwrap();
        })
    });
    g.finish();

    let mut g = c.benchmark_group("appendix_a_parts");
    g.bench_function("parse", |b| b.iter(|| SignedRequest::parse(black_box(&req), &options).unwrap()));
    let signed = SignedRequest::parse(&req, &options).unwrap();
    g.bench_function("base_string_to_string", |b| b.iter(|| black_box(&signed).base_string().to_string()));
    g.bench_function("header_parse", |b| {
        let value = req.headers().get("authorization").unwrap().as_bytes();
        b.iter(|| oauth1::header::parse(black_box(value)).unwrap())
    });
    g.finish();
}

criterion_group!(benches, appendix_a_group);
criterion_main!(benches);
