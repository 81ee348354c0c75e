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

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use rsa::pkcs1::DecodeRsaPublicKey;
use rsa::pkcs8::DecodePublicKey;
use rsa::traits::PublicKeyParts;
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha512};
use subtle::ConstantTimeEq;

use crate::encoding::{encode, is_unreserved};
use crate::error::{Error, ErrorKind};
use crate::request::{BaseString, SignedRequest};

/// A secret string (consumer secret, token secret, verifier). Its `Debug` never shows the
/// value, and it has no `==`: compare with [`Secret::ct_eq`].
#[derive(Clone, Default)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(s: impl Into<String>) -> Self {
        Secret(s.into())
    }

    /// The secret itself. Do not log it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Constant-time equality (the lengths are hidden too: both sides are hashed first).
    pub fn ct_eq(&self, other: &str) -> bool {
        ct_eq_str(&self.0, other)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(..)")
    }
}

impl From<&str> for Secret {
    fn from(s: &str) -> Self {
        Secret(s.to_owned())
    }
}

impl From<String> for Secret {
    fn from(s: String) -> Self {
        Secret(s)
    }
}

/// Compares two strings in constant time, hiding their lengths: both are hashed with SHA-256
/// and the digests compared with `subtle`.
pub fn ct_eq_str(a: &str, b: &str) -> bool {
    let da = Sha256::digest(a.as_bytes());
    let db = Sha256::digest(b.as_bytes());
    bool::from(da.as_slice().ct_eq(db.as_slice()))
}

/// What a signature method may verify with: the client's secrets and RSA keys.
#[derive(Clone, Copy)]
pub struct VerifyingKeys<'k> {
    /// The consumer (client) shared secret; empty when the client has none, and then every
    /// shared-secret method (HMAC, PLAINTEXT) refuses to verify.
    pub consumer_secret: &'k str,
    /// The token secret; empty when the request carries no token.
    pub token_secret: &'k str,
    /// The client's RSA public keys (several while a key is being rotated).
    pub rsa_public_keys: &'k [RsaPublicKey],
}

impl fmt::Debug for VerifyingKeys<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifyingKeys").field("rsa_public_keys", &self.rsa_public_keys.len()).finish_non_exhaustive()
    }
}

/// A signature method a server can verify.
///
/// Implement it to add a method of your own and [`SignatureMethods::register`] it on one server
/// (unlike Authlib, registration is never global).
pub trait SignatureMethod: Send + Sync {
    /// The `oauth_signature_method` value, e.g. `"HMAC-SHA1"`.
    fn name(&self) -> &str;

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

/// `HMAC-SHA*` ([RFC 5849 §3.4.2](https://www.rfc-editor.org/rfc/rfc5849#section-3.4.2)).
#[derive(Debug, Clone, Copy)]
pub struct HmacMethod(pub Algorithm);

/// `RSA-SHA*`, RSASSA-PKCS1-v1_5 ([RFC 5849 §3.4.3](https://www.rfc-editor.org/rfc/rfc5849#section-3.4.3)).
#[derive(Debug, Clone, Copy)]
pub struct RsaMethod(pub Algorithm);

/// `PLAINTEXT` ([RFC 5849 §3.4.4](https://www.rfc-editor.org/rfc/rfc5849#section-3.4.4)).
#[derive(Debug, Clone, Copy)]
pub struct Plaintext;

/// `HMAC-SHA1`.
pub const HMAC_SHA1: HmacMethod = HmacMethod(Algorithm::Sha1);
/// `HMAC-SHA256`.
pub const HMAC_SHA256: HmacMethod = HmacMethod(Algorithm::Sha256);
/// `HMAC-SHA512`.
pub const HMAC_SHA512: HmacMethod = HmacMethod(Algorithm::Sha512);
/// `RSA-SHA1`.
pub const RSA_SHA1: RsaMethod = RsaMethod(Algorithm::Sha1);
/// `RSA-SHA256`.
pub const RSA_SHA256: RsaMethod = RsaMethod(Algorithm::Sha256);
/// `RSA-SHA512`.
pub const RSA_SHA512: RsaMethod = RsaMethod(Algorithm::Sha512);
/// `PLAINTEXT`.
pub const PLAINTEXT: Plaintext = Plaintext;

/// The HMAC key and the PLAINTEXT signature: `encode(consumer_secret) & encode(token_secret)`
/// ([§3.4.2](https://www.rfc-editor.org/rfc/rfc5849#section-3.4.2)).
pub fn signing_key(consumer_secret: &str, token_secret: &str) -> String {
    let mut key = String::with_capacity(consumer_secret.len() + token_secret.len() + 1);
    key.extend(encode(consumer_secret));
    key.push('&');
    key.extend(encode(token_secret));
    key
}

/// Runs `f` on the signing key, written into a stack buffer when it fits (it nearly always
/// does), so verifying allocates nothing for it.
fn with_signing_key<R>(consumer_secret: &str, token_secret: &str, f: impl FnOnce(&[u8]) -> R) -> R {
    let mut buf = [0u8; 256];
    // Secrets are nearly always unreserved characters, which encode as themselves.
    let (consumer, token) = (consumer_secret.as_bytes(), token_secret.as_bytes());
    let plain_len = consumer.len() + 1 + token.len();
    if consumer.iter().chain(token).all(|&b| is_unreserved(b))
        && let Some((c, rest)) = buf.get_mut(..plain_len).and_then(|key| key.split_at_mut_checked(consumer.len()))
        && let Some((amp, t)) = rest.split_first_mut()
    {
        c.copy_from_slice(consumer);
        *amp = b'&';
        t.copy_from_slice(token);
        if let Some(key) = buf.get(..plain_len) {
            return f(key);
        }
    }
    let mut len = 0;
    for chunk in encode(consumer_secret).chain(std::iter::once("&")).chain(encode(token_secret)) {
        match buf.get_mut(len..len + chunk.len()) {
            Some(dst) => {
                dst.copy_from_slice(chunk.as_bytes());
                len += chunk.len();
            }
            None => return f(signing_key(consumer_secret, token_secret).as_bytes()),
        }
    }
    f(buf.get(..len).unwrap_or_default())
}

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

impl SignatureMethod for Plaintext {
    fn name(&self) -> &str {
        "PLAINTEXT"
    }

    fn verify(&self, _: &BaseString<'_>, signature: &str, keys: &VerifyingKeys<'_>) -> bool {
        // An empty consumer secret is a key everybody knows (`%26`): never accept it.
        !keys.consumer_secret.is_empty() && ct_eq_str(&signing_key(keys.consumer_secret, keys.token_secret), signature)
    }

    fn allows_omitting_timestamp_and_nonce(&self) -> bool {
        true
    }

    fn uses_base_string(&self) -> bool {
        false
    }
}

fn digest_base_string<D: Digest>(base_string: &BaseString<'_>) -> Vec<u8> {
    let mut hasher = D::new();
    base_string.write_to(&mut |b| hasher.update(b));
    hasher.finalize().to_vec()
}

impl RsaMethod {
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
    fn name(&self) -> &str {
        match self.0 {
            Algorithm::Sha1 => "RSA-SHA1",
            Algorithm::Sha256 => "RSA-SHA256",
            Algorithm::Sha512 => "RSA-SHA512",
        }
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
        let (scheme, hashed) = self.scheme_and_hash(base_string);
        keys.rsa_public_keys.iter().any(|k| k.0.verify(scheme.clone(), &hashed, &sig).is_ok())
    }
}

/// A key that could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyError(String);

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for KeyError {}

/// An RSA public key, parsed once when the client is loaded, never per request.
#[derive(Clone, PartialEq, Eq)]
pub struct RsaPublicKey(rsa::PublicKey);

/// The smallest RSA modulus accepted by default, in bits.
pub const DEFAULT_MIN_RSA_BITS: usize = 1024;

impl RsaPublicKey {
    /// Parses a PEM `PUBLIC KEY` (SubjectPublicKeyInfo), `RSA PUBLIC KEY` (PKCS#1) or
    /// `CERTIFICATE` (X.509, its subject key), refusing keys under 1024 bits.
    pub fn from_pem(pem: &str) -> Result<Self, KeyError> {
        Self::from_pem_min_bits(pem, DEFAULT_MIN_RSA_BITS)
    }

    /// As [`from_pem`](Self::from_pem), refusing keys under `min_bits`.
    pub fn from_pem_min_bits(pem: &str, min_bits: usize) -> Result<Self, KeyError> {
        let pem = pem.trim();
        let key = if pem.contains("-----BEGIN CERTIFICATE-----") {
            use x509_cert::der::{DecodePem, Encode};
            let cert =
                x509_cert::Certificate::from_pem(pem.as_bytes()).map_err(|e| KeyError(format!("certificate: {e}")))?;
            let spki = cert
                .tbs_certificate()
                .subject_public_key_info()
                .to_der()
                .map_err(|e| KeyError(format!("certificate: {e}")))?;
            rsa::PublicKey::from_public_key_der(&spki).map_err(|e| KeyError(format!("certificate key: {e}")))?
        } else if pem.contains("-----BEGIN RSA PUBLIC KEY-----") {
            rsa::PublicKey::from_pkcs1_pem(pem).map_err(|e| KeyError(format!("RSA PUBLIC KEY: {e}")))?
        } else if pem.contains("-----BEGIN PUBLIC KEY-----") {
            rsa::PublicKey::from_public_key_pem(pem).map_err(|e| KeyError(format!("PUBLIC KEY: {e}")))?
        } else {
            return Err(KeyError("expected a PEM PUBLIC KEY, RSA PUBLIC KEY or CERTIFICATE".into()));
        };
        let key = RsaPublicKey(key);
        if key.bits() < min_bits {
            return Err(KeyError(format!("RSA key of {} bits is under the minimum of {min_bits}", key.bits())));
        }
        Ok(key)
    }

    /// The modulus size in bits.
    pub fn bits(&self) -> usize {
        self.0.size() * 8
    }
}

impl fmt::Debug for RsaPublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RsaPublicKey({} bits)", self.bits())
    }
}

/// An RSA private key, for signing as a client ([`crate::sign`]).
#[derive(Clone)]
pub struct RsaPrivateKey(rsa::PrivateKey);

impl RsaPrivateKey {
    /// Parses a PEM `PRIVATE KEY` (PKCS#8) or `RSA PRIVATE KEY` (PKCS#1).
    pub fn from_pem(pem: &str) -> Result<Self, KeyError> {
        use rsa::pkcs1::DecodeRsaPrivateKey;
        use rsa::pkcs8::DecodePrivateKey;
        let pem = pem.trim();
        let key = if pem.contains("-----BEGIN RSA PRIVATE KEY-----") {
            rsa::PrivateKey::from_pkcs1_pem(pem).map_err(|e| KeyError(e.to_string()))?
        } else {
            rsa::PrivateKey::from_pkcs8_pem(pem).map_err(|e| KeyError(e.to_string()))?
        };
        Ok(RsaPrivateKey(key))
    }

    /// The matching public key.
    pub fn public_key(&self) -> RsaPublicKey {
        RsaPublicKey(rsa::PublicKey::from(&self.0))
    }
}

impl fmt::Debug for RsaPrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RsaPrivateKey(..)")
    }
}

/// The signature methods one server knows, and which of them it allows.
/// See the [module docs](self).
#[derive(Clone)]
pub struct SignatureMethods {
    entries: Vec<(Arc<dyn SignatureMethod>, bool)>,
}

impl fmt::Debug for SignatureMethods {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.entries.iter().map(|(m, a)| (m.name().to_owned(), *a))).finish()
    }
}

/// The names of the built-in methods, as `'static` strings.
const BUILT_IN_NAMES: [&str; 7] =
    ["HMAC-SHA1", "HMAC-SHA256", "HMAC-SHA512", "RSA-SHA1", "RSA-SHA256", "RSA-SHA512", "PLAINTEXT"];

/// A method name as `Cow`: borrowed from a constant for the built-in methods, so naming the
/// method of a verified request allocates nothing.
pub(crate) fn method_name(name: &str) -> Cow<'static, str> {
    BUILT_IN_NAMES.iter().find(|n| **n == name).map_or_else(|| Cow::Owned(name.to_owned()), |n| Cow::Borrowed(*n))
}

impl Default for SignatureMethods {
    fn default() -> Self {
        let mut m = SignatureMethods::empty();
        m.register(HMAC_SHA1).register(HMAC_SHA256).register(RSA_SHA1).register(RSA_SHA256);
        m.register_disallowed(HMAC_SHA512).register_disallowed(RSA_SHA512).register_disallowed(PLAINTEXT);
        m
    }
}

impl SignatureMethods {
    /// No methods at all.
    pub fn empty() -> Self {
        SignatureMethods { entries: Vec::new() }
    }

    fn position(&self, name: &str) -> Option<usize> {
        self.entries.iter().position(|(m, _)| m.name() == name)
    }

    fn insert(&mut self, method: Arc<dyn SignatureMethod>, allowed: bool) -> &mut Self {
        match self.position(method.name()) {
            Some(i) => {
                if let Some(e) = self.entries.get_mut(i) {
                    *e = (method, allowed);
                }
            }
            None => self.entries.push((method, allowed)),
        }
        self
    }

    /// Registers `method` and allows it, replacing a method of the same name.
    pub fn register(&mut self, method: impl SignatureMethod + 'static) -> &mut Self {
        self.insert(Arc::new(method), true)
    }

    /// Registers `method` without allowing it yet.
    pub fn register_disallowed(&mut self, method: impl SignatureMethod + 'static) -> &mut Self {
        self.insert(Arc::new(method), false)
    }

    /// Allows a registered method. Returns `false` when no method has that name.
    pub fn allow(&mut self, name: &str) -> bool {
        self.set_allowed(name, true)
    }

    /// Disallows a method. Returns `false` when no method has that name.
    pub fn disallow(&mut self, name: &str) -> bool {
        self.set_allowed(name, false)
    }

    fn set_allowed(&mut self, name: &str, allowed: bool) -> bool {
        match self.position(name).and_then(|i| self.entries.get_mut(i)) {
            Some(e) => {
                e.1 = allowed;
                true
            }
            None => false,
        }
    }

    /// The registered method called `name`, allowed or not.
    pub fn get(&self, name: &str) -> Option<&dyn SignatureMethod> {
        self.entries.iter().find(|(m, _)| m.name() == name).map(|(m, _)| m.as_ref())
    }

    /// Whether `name` is registered and allowed.
    pub fn is_allowed(&self, name: &str) -> bool {
        self.entries.iter().any(|(m, a)| *a && m.name() == name)
    }

    /// The names of the allowed methods.
    pub fn allowed(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().filter(|(_, a)| *a).map(|(m, _)| m.name())
    }

    /// The method a request names, if it is registered and allowed: a missing name is
    /// `missing_required_parameter`, an unknown or disallowed one `unsupported_signature_method`
    /// (exact, case-sensitive match).
    pub fn resolve(&self, name: Option<&str>) -> Result<&dyn SignatureMethod, Error> {
        let name = match name {
            Some(n) if !n.is_empty() => n,
            _ => return Err(Error::missing("oauth_signature_method")),
        };
        self.entries
            .iter()
            .find(|(m, a)| *a && m.name() == name)
            .map(|(m, _)| m.as_ref())
            .ok_or_else(|| Error::new(ErrorKind::UnsupportedSignatureMethod))
    }
}

/// Which base string a signature matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureMatch {
    /// The RFC 5849 base string.
    Rfc,
    /// The interop fallback: `oauth_*` values decoded twice, as requests-oauthlib and Authlib's
    /// client sign them (Authlib D2).
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_debug_hides_value() {
        let s = Secret::new("hunter2");
        assert_eq!(format!("{s:?}"), "Secret(..)");
        assert!(s.ct_eq("hunter2"));
        assert!(!s.ct_eq("hunter3"));
        assert!(!s.ct_eq(""));
    }

    #[test]
    fn every_built_in_method_name_is_borrowed() {
        let m = SignatureMethods::default();
        let names: Vec<&str> = m.entries.iter().map(|(m, _)| m.name()).collect();
        assert_eq!(names.len(), BUILT_IN_NAMES.len());
        for name in names {
            assert!(matches!(method_name(name), Cow::Borrowed(n) if n == name), "{name}");
        }
        assert!(matches!(method_name("X-CUSTOM"), Cow::Owned(n) if n == "X-CUSTOM"));
    }

    #[test]
    fn signing_key_on_the_stack_matches_the_allocated_one() {
        // Short keys fit the stack buffer; long ones (and ones that grow when encoded) fall back.
        // Unreserved secrets are copied as they are, with the same length limit.
        for n in [0, 1, 20, 42, 43, 60, 200] {
            for (cs, ts) in [
                ("é&".repeat(n), "x~y".repeat(n)),
                ("aZ0-._~".repeat(n), "q".repeat(n)),
                ("aZ0-._~".repeat(n), "q%".repeat(n)),
                (String::new(), "Az09".repeat(n)),
            ] {
                let expected = signing_key(&cs, &ts);
                assert!(with_signing_key(&cs, &ts, |k| k == expected.as_bytes()), "n = {n}: {cs:?} {ts:?}");
            }
        }
    }

    #[test]
    fn hmac_sha1_of_a_short_base_string() {
        // oauth.net wiki test case 9.2: HMAC-SHA1 of "bs" with key "cs&".
        let sig = HMAC_SHA1.sign_text("bs", "cs", "");
        assert_eq!(sig, "egQqG5AJep5sJ7anhXju1unge2I=");
    }

    #[test]
    fn registry_defaults() {
        let m = SignatureMethods::default();
        let allowed: Vec<&str> = m.allowed().collect();
        assert_eq!(allowed, ["HMAC-SHA1", "HMAC-SHA256", "RSA-SHA1", "RSA-SHA256"]);
        assert_eq!(m.resolve(Some("PLAINTEXT")).err().map(|e| e.kind()), Some(ErrorKind::UnsupportedSignatureMethod));
        assert_eq!(m.resolve(Some("INVALID")).err().map(|e| e.kind()), Some(ErrorKind::UnsupportedSignatureMethod));
        assert_eq!(m.resolve(None).err().map(|e| e.kind()), Some(ErrorKind::MissingParameter));
        assert_eq!(m.resolve(Some("")).err().map(|e| e.kind()), Some(ErrorKind::MissingParameter));
    }

    #[test]
    fn registries_are_per_server_not_global() {
        // Authlib D17: registering on one server changed every server in the process.
        struct Always;
        impl SignatureMethod for Always {
            fn name(&self) -> &str {
                "X-ALWAYS"
            }
            fn verify(&self, _: &BaseString<'_>, _: &str, _: &VerifyingKeys<'_>) -> bool {
                true
            }
        }
        let mut a = SignatureMethods::default();
        a.register(Always);
        let b = SignatureMethods::default();
        assert!(a.is_allowed("X-ALWAYS"));
        assert!(!b.is_allowed("X-ALWAYS"));
        assert!(!a.allow("NOPE"), "allowing an unregistered method is refused");
    }

    #[test]
    fn malformed_signatures_do_not_verify_or_panic() {
        let params = [];
        let base = BaseString::from_params("GET", "http://h/", &params);
        let keys = VerifyingKeys { consumer_secret: "cs", token_secret: "", rsa_public_keys: &[] };
        for sig in [
            "",
            "!!!!",
            "égalité",
            "AAAA",
            "egQqG5AJep5sJ7anhXju1unge2I",
            "egQqG5AJep5sJ7anhXju1unge2I==",
            &"A".repeat(5000),
        ] {
            for m in [&HMAC_SHA1 as &dyn SignatureMethod, &HMAC_SHA256, &HMAC_SHA512, &RSA_SHA1, &PLAINTEXT] {
                assert!(!m.verify(&base, sig, &keys), "{} {sig:?}", m.name());
            }
        }
    }

    #[test]
    fn rsa_key_formats_and_minimum_size() {
        let err = RsaPublicKey::from_pem("not a key").unwrap_err();
        assert!(err.to_string().contains("PEM"));
        assert!(RsaPublicKey::from_pem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----").is_err());
    }
}
