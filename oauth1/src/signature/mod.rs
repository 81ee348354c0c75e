//! Signature methods ([RFC 5849 §3.4](https://www.rfc-editor.org/rfc/rfc5849#section-3.4)) and
//! the per-server registry of which are known and which are allowed.
//!
//! Built in: `HMAC-SHA1` (§3.4.2), `RSA-SHA1` (§3.4.3), `PLAINTEXT` (§3.4.4), and the common
//! extensions `HMAC-SHA256`, `HMAC-SHA512`, `RSA-SHA256`, `RSA-SHA512` (RSASSA-PKCS1-v1_5).
//! [`SignatureMethods::default`] registers all of them and allows `HMAC-SHA1`, `HMAC-SHA256`,
//! `RSA-SHA1` and `RSA-SHA256`; `PLAINTEXT` sends the secrets themselves, so the RFC only
//! permits it over TLS and it is opt-in here.
//!
//! Every comparison of a signature is constant time. A malformed signature (bad base64, wrong
//! length, non-ASCII) simply does not verify: it is a 401, never a panic.
//!
//! ```
//! use oauth1::signature::{SignatureMethods, PLAINTEXT};
//! let mut methods = SignatureMethods::default();
//! assert!(!methods.is_allowed("PLAINTEXT"));
//! methods.allow("PLAINTEXT");
//! assert!(methods.resolve(Some("PLAINTEXT")).is_ok());
//! assert!(methods.resolve(Some("hmac-sha1")).is_err(), "names are case-sensitive");
//! # let _ = PLAINTEXT;
//! ```

use crate::error::{Error, ErrorKind};
use crate::request::{BaseString, SignedRequest};

mod hmac;
mod keys;
mod plaintext;
mod registry;
mod rsa;
#[cfg(feature = "native-rsa")]
mod rsa_native;
#[cfg(test)]
mod tests;

pub use hmac::{HMAC_SHA1, HMAC_SHA256, HMAC_SHA512, HmacMethod};
pub use keys::{
    DEFAULT_MIN_RSA_BITS, KeyError, RsaPrivateKey, RsaPublicKey, Secret, VerifyingKeys, ct_eq_str, signing_key,
};
pub use plaintext::{PLAINTEXT, Plaintext};
pub use registry::SignatureMethods;
pub use rsa::{RSA_SHA1, RSA_SHA256, RSA_SHA512, RsaMethod};

/// A signature method a server can verify.
///
/// Implement it to add a method of your own and [`SignatureMethods::register`] it on one server
/// (unlike Authlib, registration is never global).
pub trait SignatureMethod: Send + Sync {
    /// The `oauth_signature_method` value, e.g. `"HMAC-SHA1"` (`'static`: a verified
    /// request names its method without a copy).
    fn name(&self) -> &'static str;

    /// Whether `signature` (decoded once from its transport) is valid for `base_string`.
    /// Must compare in constant time and must not panic on any input.
    fn verify(&self, base_string: &BaseString<'_>, signature: &str, keys: &VerifyingKeys<'_>) -> bool;

    /// Whether requests may omit `oauth_timestamp` and `oauth_nonce` together
    /// ([RFC 5849 §3.1](https://www.rfc-editor.org/rfc/rfc5849#section-3.1): PLAINTEXT only).
    fn allows_omitting_timestamp_and_nonce(&self) -> bool {
        false
    }

    /// Whether the base string enters the signature (`false` for PLAINTEXT), so that retrying
    /// with another base string is pointless.
    fn uses_base_string(&self) -> bool {
        true
    }

    /// Whether the method is keyed with the client's shared secret (HMAC, PLAINTEXT: `true`, the
    /// default; RSA: `false`). The server refuses a shared-secret method for a client that has
    /// no shared secret, before the method is asked to verify anything.
    fn uses_shared_secret(&self) -> bool {
        true
    }
}

/// The hash of an HMAC or RSA method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Algorithm {
    /// SHA-1 (RFC 5849).
    Sha1,
    /// SHA-256.
    Sha256,
    /// SHA-512.
    Sha512,
}

/// Which base string a signature matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureMatch {
    /// The RFC 5849 base string.
    Rfc,
    /// The interop fallback: `oauth_*` values decoded twice, as requests-oauthlib and Authlib's
    /// client sign them (and Authlib's server verifies them).
    DoubleDecoded,
}

/// Whether to accept the requests-oauthlib / Authlib-client double-decoding quirk.
///
/// On by default: those clients (what most teams moving from a Python provider already have)
/// sign every `oauth_*` value decoded twice, so a callback whose own query holds an escape
/// (`?next=%2Fhome`) fails the RFC base string. It is safe to leave on because the server
/// then uses *the values the signature covers* (decoded twice,
/// [`decoded_again`](crate::request::decoded_again)) for every decision: the nonce, the
/// callback, the verifier; and it refuses the match when a second decoding would change the
/// consumer key or token that was looked up. So re-encoding a captured request's nonce
/// (`abc` as `%2561bc`) gives the same nonce, and the replay is refused (a property test
/// checks every spelling). The remaining cost is one more HMAC for a request whose signature
/// is wrong and holds an escape in an `oauth_*` value. Turn it off for RFC-only clients.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum InteropFallback {
    /// When the RFC base string fails and some `oauth_*` value still holds a `%XX` escape after
    /// one decoding, also try the value decoded twice (default).
    #[default]
    DoubleDecodedProtocolValues,
    /// RFC base string only.
    Off,
}

impl SignedRequest<'_> {
    /// Verifies the signature with `method` ([RFC 5849 §3.2](https://www.rfc-editor.org/rfc/rfc5849#section-3.2)),
    /// trying the interop variant only when the RFC base string fails and it differs.
    ///
    /// A missing `oauth_signature` is `missing_required_parameter`; one that does not verify
    /// is `invalid_signature`.
    pub fn verify_signature(
        &self,
        method: &dyn SignatureMethod,
        keys: &VerifyingKeys<'_>,
        fallback: InteropFallback,
    ) -> Result<SignatureMatch, Error> {
        let signature = match self.signature() {
            Some(s) if !s.is_empty() => s,
            _ => return Err(Error::missing("oauth_signature")),
        };
        if method.verify(&self.base_string(), signature, keys) {
            return Ok(SignatureMatch::Rfc);
        }
        if fallback == InteropFallback::DoubleDecodedProtocolValues
            && method.uses_base_string()
            && let Some(params) = self.double_decoded_params()
        {
            let variant = BaseString::from_params(self.method(), self.base_string_uri(), &params);
            if method.verify(&variant, signature, keys) {
                return Ok(SignatureMatch::DoubleDecoded);
            }
        }
        Err(Error::with_description(ErrorKind::InvalidSignature, "Invalid \"oauth_signature\""))
    }

    /// Resolves the request's `oauth_signature_method` in `methods` and verifies with it.
    ///
    /// ```
    /// # use oauth1::{ParseOptions, SignedRequest};
    /// # use oauth1::signature::{InteropFallback, SignatureMethods, VerifyingKeys};
    /// // OAuth Core 1.0 Appendix A, signed by the client.
    /// let req = oauth1::sign::Signer::new("dpf43f3p2l4k3l03", "kd94hf93k423kf44")
    ///     .token("nnch734d00sl2jdk", "pfkkdhi9sl3r4s00")
    ///     .sign(http::Request::get("http://photos.example.net/photos?file=vacation.jpg").body(Vec::new())?)?;
    /// let signed = SignedRequest::parse(&req, &ParseOptions::default())?;
    /// let methods = SignatureMethods::default();
    /// let keys = VerifyingKeys { consumer_secret: "kd94hf93k423kf44", token_secret: "pfkkdhi9sl3r4s00", rsa_public_keys: &[] };
    /// signed.verify(&methods, &keys, InteropFallback::Off)?;
    ///
    /// // With another token secret: refused (401 invalid_signature).
    /// let wrong = VerifyingKeys { token_secret: "not-the-secret", ..keys };
    /// let refused = signed.verify(&methods, &wrong, InteropFallback::Off).unwrap_err();
    /// assert_eq!((refused.status().as_u16(), refused.code()), (401, "invalid_signature"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn verify(
        &self,
        methods: &SignatureMethods,
        keys: &VerifyingKeys<'_>,
        fallback: InteropFallback,
    ) -> Result<SignatureMatch, Error> {
        let method = methods.resolve(self.signature_method())?;
        self.verify_signature(method, keys, fallback)
    }
}
