//! OAuth Core 1.0 Appendix A for the examples and benchmarks: the protected photos request,
//! its keys, and the raw HMAC-SHA1 of a base string (the floor of a verification). Included
//! with `#[path = "…/common/appendix_a.rs"] mod appendix_a;` (not an example of its own).
#![allow(dead_code)]

use std::hint::black_box;

use hmac::{Hmac, KeyInit, Mac};
use oauth1::signature::VerifyingKeys;
use sha1::Sha1;

/// The printer's and Jane's secrets.
pub(crate) const KEYS: VerifyingKeys<'static> =
    VerifyingKeys { consumer_secret: "kd94hf93k423kf44", token_secret: "pfkkdhi9sl3r4s00", rsa_public_keys: &[] };

/// The HMAC-SHA1 key made of [`KEYS`].
pub(crate) const HMAC_KEY: &[u8] = b"kd94hf93k423kf44&pfkkdhi9sl3r4s00";

/// The request's signature, base64.
pub(crate) const SIGNATURE: &str = "tR3+Ty81lMeYAr/Fid0kMTYa/WM=";

/// The protected photos request, signed with HMAC-SHA1 in the `Authorization` header.
pub(crate) fn request() -> http::Request<Vec<u8>> {
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

/// A base64 signature's bytes.
pub(crate) fn decode(signature: &str) -> Vec<u8> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.decode(signature).unwrap()
}

/// Computes and checks the HMAC-SHA1 of `base_string` once.
#[inline]
pub(crate) fn raw_hmac(key: &[u8], base_string: &str, signature: &[u8]) {
    let mut mac = <Hmac<Sha1> as KeyInit>::new_from_slice(key).unwrap();
    mac.update(black_box(base_string.as_bytes()));
    mac.verify_slice(signature).unwrap();
}

/// [`raw_hmac`] `n` times (a symbol of its own for callgrind's `--toggle-collect`).
#[inline(never)]
pub(crate) fn raw_hmac_all(key: &[u8], base_string: &str, signature: &[u8], n: u32) {
    for _ in 0..n {
        raw_hmac(key, base_string, signature);
    }
}
