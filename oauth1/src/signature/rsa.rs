//! `RSA-SHA1` ([RFC 5849 §3.4.3](https://www.rfc-editor.org/rfc/rfc5849#section-3.4.3)) and
//! the `RSA-SHA256` and `RSA-SHA512` extensions (RSASSA-PKCS1-v1_5).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha512};

use super::{Algorithm, KeyError, RsaPrivateKey, SignatureMethod, VerifyingKeys};
use crate::request::BaseString;

/// `RSA-SHA*`, RSASSA-PKCS1-v1_5 ([RFC 5849 §3.4.3](https://www.rfc-editor.org/rfc/rfc5849#section-3.4.3)).
#[derive(Debug, Clone, Copy)]
pub struct RsaMethod(pub Algorithm);

/// `RSA-SHA1`.
pub const RSA_SHA1: RsaMethod = RsaMethod(Algorithm::Sha1);
/// `RSA-SHA256`.
pub const RSA_SHA256: RsaMethod = RsaMethod(Algorithm::Sha256);
/// `RSA-SHA512`.
pub const RSA_SHA512: RsaMethod = RsaMethod(Algorithm::Sha512);

fn digest_base_string<D: Digest>(base_string: &BaseString<'_>) -> Vec<u8> {
    let mut hasher = D::new();
    base_string.write_to(&mut |b| hasher.update(b));
    hasher.finalize().to_vec()
}

impl RsaMethod {
    /// The method's name, `'static` (what [`SignatureMethod::name`](super::SignatureMethod::name) returns).
    pub(crate) const fn static_name(self) -> &'static str {
        match self.0 {
            Algorithm::Sha1 => "RSA-SHA1",
            Algorithm::Sha256 => "RSA-SHA256",
            Algorithm::Sha512 => "RSA-SHA512",
        }
    }

    fn scheme_and_hash(&self, base_string: &BaseString<'_>) -> (rsa::Pkcs1v15Sign, Vec<u8>) {
        match self.0 {
            Algorithm::Sha1 => (rsa::Pkcs1v15Sign::new::<Sha1>(), digest_base_string::<Sha1>(base_string)),
            Algorithm::Sha256 => (rsa::Pkcs1v15Sign::new::<Sha256>(), digest_base_string::<Sha256>(base_string)),
            Algorithm::Sha512 => (rsa::Pkcs1v15Sign::new::<Sha512>(), digest_base_string::<Sha512>(base_string)),
        }
    }

    /// Signs `base_string` with a private key (client side), base64-encoded.
    pub fn sign(&self, base_string: &BaseString<'_>, key: &RsaPrivateKey) -> Result<String, KeyError> {
        let (scheme, hashed) = self.scheme_and_hash(base_string);
        key.0.sign(scheme, &hashed).map(|s| STANDARD.encode(s)).map_err(|e| KeyError(e.to_string()))
    }
}

impl SignatureMethod for RsaMethod {
    fn name(&self) -> &'static str {
        self.static_name()
    }

    fn uses_shared_secret(&self) -> bool {
        false
    }

    fn verify(&self, base_string: &BaseString<'_>, signature: &str, keys: &VerifyingKeys<'_>) -> bool {
        // 8192-bit keys give 1024-byte signatures; anything longer cannot verify.
        if keys.rsa_public_keys.is_empty() || signature.len() > 1368 {
            return false;
        }
        let Ok(sig) = STANDARD.decode(signature.as_bytes()) else { return false };
        // Each digest is computed once, for the first key that needs it (several keys while
        // one is rotated).
        #[cfg(feature = "native-rsa")]
        let mut native_digest = None;
        let mut portable = None;
        keys.rsa_public_keys.iter().any(|k| {
            #[cfg(feature = "native-rsa")]
            if let Some(native) = &k.native {
                let digest = native_digest.get_or_insert_with(|| super::rsa_native::digest(self.0, base_string));
                return native.verify(self.0, digest, &sig);
            }
            let (scheme, hashed) = portable.get_or_insert_with(|| self.scheme_and_hash(base_string));
            k.key.verify(scheme.clone(), hashed, &sig).is_ok()
        })
    }
}
