//! Verification cost against its physical floor, the HMAC itself.
//!
//! Each group holds its own baseline so a figure is read as a ratio from one run:
//! `cargo bench -p oauth1 --bench verify`.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;

use appendix_a::{HMAC_KEY, KEYS, SIGNATURE, raw_hmac};
use criterion::{Criterion, criterion_group, criterion_main};
use oauth1::signature::{InteropFallback, SignatureMethods};
use oauth1::{ParseOptions, SignedRequest};

#[path = "../examples/common/appendix_a.rs"]
mod appendix_a;

fn appendix_a_group(c: &mut Criterion) {
    let req = appendix_a::request();
    let options = ParseOptions::default();
    let methods = SignatureMethods::default();
    let base_string = SignedRequest::parse(&req, &options).unwrap().base_string().to_string();
    let signature = appendix_a::decode(SIGNATURE);

    let mut g = c.benchmark_group("appendix_a_hmac_sha1");
    g.bench_function("raw_hmac_sha1_of_base_string", |b| b.iter(|| raw_hmac(HMAC_KEY, &base_string, &signature)));
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
