//! RSASSA-PKCS1-v1_5 verification on [aws-lc-rs] (feature `native-rsa`): the `RSA-SHA*`
//! methods of [RFC 5849 §3.4.3](https://www.rfc-editor.org/rfc/rfc5849#section-3.4.3) at the
//! speed of OpenSSL's assembly, with each key parsed once, when the client is loaded.
//!
//! Keys are still read by the pure-Rust `rsa` crate (the same PEM formats, size limits and
//! errors whichever backend verifies), then handed to aws-lc as PKCS#1 DER. A key aws-lc
//! refuses (none seen: both take 1024–8192-bit moduli and odd exponents) stays on the `rsa`
//! path, so enabling the feature never changes which signatures verify.
//!
//! [aws-lc-rs]: https://docs.rs/aws-lc-rs

use aws_lc_rs::digest;
use aws_lc_rs::signature::{
    ParsedPublicKey, RSA_PKCS1_1024_8192_SHA1_FOR_LEGACY_USE_ONLY, RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY,
    RSA_PKCS1_1024_8192_SHA512_FOR_LEGACY_USE_ONLY,
};
use rsa::pkcs1::EncodeRsaPublicKey;

use super::Algorithm;
use crate::request::BaseString;

/// One public key, parsed for each digest (aws-lc binds a parsed key to one algorithm).
pub(super) struct NativeKey {
    sha1: ParsedPublicKey,
    sha256: ParsedPublicKey,
    sha512: ParsedPublicKey,
}

impl NativeKey {
    /// Parses `key` for aws-lc; `None` when aws-lc refuses it.
    pub(super) fn new(key: &rsa::PublicKey) -> Option<Self> {
        let der = key.to_pkcs1_der().ok()?;
        let der = der.as_bytes();
        Some(NativeKey {
            sha1: ParsedPublicKey::new(&RSA_PKCS1_1024_8192_SHA1_FOR_LEGACY_USE_ONLY, der).ok()?,
            sha256: ParsedPublicKey::new(&RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY, der).ok()?,
            sha512: ParsedPublicKey::new(&RSA_PKCS1_1024_8192_SHA512_FOR_LEGACY_USE_ONLY, der).ok()?,
        })
    }

    /// Whether `signature` signs the message whose digest is `digest`.
    pub(super) fn verify(&self, algorithm: Algorithm, digest: &digest::Digest, signature: &[u8]) -> bool {
        let key = match algorithm {
            Algorithm::Sha1 => &self.sha1,
            Algorithm::Sha256 => &self.sha256,
            Algorithm::Sha512 => &self.sha512,
        };
        key.verify_digest_sig(digest, signature).is_ok()
    }
}

/// The base string's digest, streamed (never allocated).
pub(super) fn digest(algorithm: Algorithm, base_string: &BaseString<'_>) -> digest::Digest {
    let mut context = digest::Context::new(match algorithm {
        Algorithm::Sha1 => &digest::SHA1_FOR_LEGACY_USE_ONLY,
        Algorithm::Sha256 => &digest::SHA256,
        Algorithm::Sha512 => &digest::SHA512,
    });
    base_string.write_to(&mut |b| context.update(b));
    context.finish()
}
