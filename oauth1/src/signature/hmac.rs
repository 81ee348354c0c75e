//! `HMAC-SHA1` ([RFC 5849 §3.4.2](https://www.rfc-editor.org/rfc/rfc5849#section-3.4.2)) and
//! the `HMAC-SHA256` and `HMAC-SHA512` extensions.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;
use sha2::{Sha256, Sha512};
use subtle::ConstantTimeEq;

use super::keys::with_signing_key;
use super::{Algorithm, SignatureMethod, VerifyingKeys};
use crate::request::BaseString;

/// `HMAC-SHA*` ([RFC 5849 §3.4.2](https://www.rfc-editor.org/rfc/rfc5849#section-3.4.2)).
#[derive(Debug, Clone, Copy)]
pub struct HmacMethod(pub Algorithm);

/// `HMAC-SHA1`.
pub const HMAC_SHA1: HmacMethod = HmacMethod(Algorithm::Sha1);
/// `HMAC-SHA256`.
pub const HMAC_SHA256: HmacMethod = HmacMethod(Algorithm::Sha256);
/// `HMAC-SHA512`.
pub const HMAC_SHA512: HmacMethod = HmacMethod(Algorithm::Sha512);

impl HmacMethod {
    /// The method's name, `'static` (see [`method_name`](super::method_name)).
    pub(crate) const fn static_name(self) -> &'static str {
        match self.0 {
            Algorithm::Sha1 => "HMAC-SHA1",
            Algorithm::Sha256 => "HMAC-SHA256",
            Algorithm::Sha512 => "HMAC-SHA512",
        }
    }

    /// The signature of `base_string`, base64-encoded.
    pub fn sign(&self, base_string: &BaseString<'_>, consumer_secret: &str, token_secret: &str) -> String {
        with_signing_key(consumer_secret, token_secret, |key| {
            STANDARD.encode(self.tag(key, |sink| base_string.write_to(sink)).as_bytes())
        })
    }

    /// Signs a base string given as text (for test vectors and debugging).
    pub fn sign_text(&self, base_string: &str, consumer_secret: &str, token_secret: &str) -> String {
        with_signing_key(consumer_secret, token_secret, |key| {
            STANDARD.encode(self.tag(key, |sink| sink(base_string.as_bytes())).as_bytes())
        })
    }

    /// The HMAC, keyed with `key`, of what `message` writes to its sink.
    fn tag(self, key: &[u8], message: impl FnOnce(&mut dyn FnMut(&[u8]))) -> Tag {
        match self.0 {
            Algorithm::Sha1 => tag::<Hmac<Sha1>>(key, message),
            Algorithm::Sha256 => tag::<Hmac<Sha256>>(key, message),
            Algorithm::Sha512 => tag::<Hmac<Sha512>>(key, message),
        }
    }
}

/// An HMAC value, on the stack: at most the 64 bytes of HMAC-SHA512.
struct Tag {
    bytes: [u8; 64],
    len: usize,
}

impl Tag {
    #[expect(clippy::indexing_slicing, reason = "`len` is an HMAC's output size, at most 64")]
    fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

#[expect(
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "HMAC keys may have any length; outputs are at most 64 bytes"
)]
fn tag<M: Mac + KeyInit>(key: &[u8], message: impl FnOnce(&mut dyn FnMut(&[u8]))) -> Tag {
    let mut mac = <M as KeyInit>::new_from_slice(key).expect("HMAC accepts keys of any length");
    message(&mut |b| mac.update(b));
    let output = mac.finalize().into_bytes();
    let mut tag = Tag { bytes: [0; 64], len: output.len() };
    tag.bytes[..output.len()].copy_from_slice(&output);
    tag
}

impl SignatureMethod for HmacMethod {
    fn name(&self) -> &str {
        self.static_name()
    }

    fn verify(&self, base_string: &BaseString<'_>, signature: &str, keys: &VerifyingKeys<'_>) -> bool {
        // An empty consumer secret is a key everybody knows: never accept it.
        if keys.consumer_secret.is_empty() {
            return false;
        }
        // Strict, canonical base64 into a stack buffer: anything else cannot match.
        let mut expected = [0u8; 64];
        let Ok(n) = STANDARD.decode_slice(signature.as_bytes(), &mut expected) else {
            return false;
        };
        #[expect(clippy::indexing_slicing, reason = "`decode_slice` writes at most the buffer's 64 bytes")]
        let expected = &expected[..n];
        with_signing_key(keys.consumer_secret, keys.token_secret, |key| {
            let tag = self.tag(key, |sink| base_string.write_to(sink));
            // Constant time; a length that differs (public, fixed by the method) is no match.
            bool::from(tag.as_bytes().ct_eq(expected))
        })
    }
}
