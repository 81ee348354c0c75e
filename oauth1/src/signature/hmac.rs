//! `HMAC-SHA1` ([RFC 5849 §3.4.2](https://www.rfc-editor.org/rfc/rfc5849#section-3.4.2)) and
//! the `HMAC-SHA256` and `HMAC-SHA512` extensions.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;
use sha2::{Sha256, Sha512};

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

macro_rules! hmac_with {
    ($alg:expr, |$mac:ident| $body:expr, $key:expr) => {
        match $alg {
            Algorithm::Sha1 => match <Hmac<Sha1> as KeyInit>::new_from_slice($key) {
                Ok(mut $mac) => $body,
                Err(_) => Default::default(),
            },
            Algorithm::Sha256 => match <Hmac<Sha256> as KeyInit>::new_from_slice($key) {
                Ok(mut $mac) => $body,
                Err(_) => Default::default(),
            },
            Algorithm::Sha512 => match <Hmac<Sha512> as KeyInit>::new_from_slice($key) {
                Ok(mut $mac) => $body,
                Err(_) => Default::default(),
            },
        }
    };
}

impl HmacMethod {
    /// The signature of `base_string`, base64-encoded.
    pub fn sign(&self, base_string: &BaseString<'_>, consumer_secret: &str, token_secret: &str) -> String {
        with_signing_key(consumer_secret, token_secret, |key| {
            hmac_with!(
                self.0,
                |mac| {
                    base_string.write_to(&mut |b| mac.update(b));
                    STANDARD.encode(mac.finalize().into_bytes())
                },
                key
            )
        })
    }

    /// Signs a base string given as text (for test vectors and debugging).
    pub fn sign_text(&self, base_string: &str, consumer_secret: &str, token_secret: &str) -> String {
        with_signing_key(consumer_secret, token_secret, |key| {
            hmac_with!(
                self.0,
                |mac| {
                    mac.update(base_string.as_bytes());
                    STANDARD.encode(mac.finalize().into_bytes())
                },
                key
            )
        })
    }
}

impl SignatureMethod for HmacMethod {
    fn name(&self) -> &str {
        match self.0 {
            Algorithm::Sha1 => "HMAC-SHA1",
            Algorithm::Sha256 => "HMAC-SHA256",
            Algorithm::Sha512 => "HMAC-SHA512",
        }
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
        let Some(expected) = expected.get(..n) else { return false };
        with_signing_key(keys.consumer_secret, keys.token_secret, |key| {
            hmac_with!(
                self.0,
                |mac| {
                    base_string.write_to(&mut |b| mac.update(b));
                    mac.verify_slice(expected).is_ok()
                },
                key
            )
        })
    }
}
