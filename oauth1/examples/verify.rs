//! Reads and verifies the OAuth Core 1.0 Appendix A request, printing what the provider sees.
//!
//! `cargo run -p oauth1 --example verify`
#![allow(clippy::unwrap_used)]

use oauth1::signature::{InteropFallback, SignatureMethods, VerifyingKeys};
use oauth1::{ParseOptions, SignedRequest};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let req = http::Request::get("/photos?file=vacation.jpg&size=original")
        .header("host", "photos.example.net")
        .header(
            "authorization",
            "OAuth realm=\"http://photos.example.net/\", oauth_consumer_key=\"dpf43f3p2l4k3l03\", \
             oauth_token=\"nnch734d00sl2jdk\", oauth_signature_method=\"HMAC-SHA1\", \
             oauth_signature=\"tR3%2BTy81lMeYAr%2FFid0kMTYa%2FWM%3D\", oauth_timestamp=\"1191242096\", \
             oauth_nonce=\"kllo9940pd9333jh\", oauth_version=\"1.0\"",
        )
        .body(Vec::new())?;
    let signed = SignedRequest::parse(&req, &ParseOptions::default())?;
    println!("transport:       {:?}", signed.transport().unwrap());
    println!("consumer key:    {}", signed.consumer_key().unwrap_or("-"));
    println!("base string URI: {}", signed.base_string_uri());
    println!("base string:     {}", signed.base_string());
    let keys =
        VerifyingKeys { consumer_secret: "kd94hf93k423kf44", token_secret: "pfkkdhi9sl3r4s00", rsa_public_keys: &[] };
    let matched = signed.verify(&SignatureMethods::default(), &keys, InteropFallback::Off)?;
    println!("signature:       valid ({matched:?})");
    Ok(())
}
