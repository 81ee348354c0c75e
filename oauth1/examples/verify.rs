//! Reads and verifies the OAuth Core 1.0 Appendix A request, printing what the provider sees.
//!
//! `cargo run -p oauth1 --example verify`
#![allow(clippy::unwrap_used)]

use oauth1::signature::{InteropFallback, SignatureMethods};
use oauth1::{ParseOptions, SignedRequest};

#[path = "common/appendix_a.rs"]
mod appendix_a;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let req = appendix_a::request();
    let signed = SignedRequest::parse(&req, &ParseOptions::default())?;
    println!("transport:       {:?}", signed.transport().unwrap());
    println!("consumer key:    {}", signed.consumer_key().unwrap_or("-"));
    println!("base string URI: {}", signed.base_string_uri());
    println!("base string:     {}", signed.base_string());
    let matched = signed.verify(&SignatureMethods::default(), &appendix_a::KEYS, InteropFallback::Off)?;
    println!("signature:       valid ({matched:?})");
    Ok(())
}
