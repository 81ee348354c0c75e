//! What signatures are checked with: the shared secrets and the key they make
//! ([RFC 5849 §3.4.2](https://www.rfc-editor.org/rfc/rfc5849#section-3.4.2)), and RSA keys
//! ([§3.4.3](https://www.rfc-editor.org/rfc/rfc5849#section-3.4.3)).

use std::fmt;

use rsa::pkcs1::DecodeRsaPublicKey;
use rsa::pkcs8::DecodePublicKey;
use rsa::traits::PublicKeyParts;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::encoding::{encode, encode_into};

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
/// does): the plain [`signing_key`] would be one more allocation per verification.
pub(super) fn with_signing_key<R>(consumer_secret: &str, token_secret: &str, f: impl FnOnce(&[u8]) -> R) -> R {
    let mut buf = [0u8; 256];
    let mut len = 0;
    let mut fits = true;
    let mut push = |bytes: &[u8]| match buf.get_mut(len..len + bytes.len()) {
        Some(dst) => {
            dst.copy_from_slice(bytes);
            len += bytes.len();
        }
        None => fits = false,
    };
    encode_into(consumer_secret, b"%", &mut push);
    push(b"&");
    encode_into(token_secret, b"%", &mut push);
    if !fits {
        return f(signing_key(consumer_secret, token_secret).as_bytes());
    }
    #[expect(clippy::indexing_slicing, reason = "`len` only grows by pieces that fitted")]
    let key = &buf[..len];
    f(key)
}

/// A key that could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyError(pub(super) String);

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for KeyError {}

/// An RSA public key, parsed once when the client is loaded, never per request.
///
/// With the `native-rsa` feature it is also parsed for aws-lc, which then verifies its
/// signatures (about four times faster than the portable `rsa` crate; BENCHMARKS.md).
#[derive(Clone)]
pub struct RsaPublicKey {
    pub(super) key: rsa::PublicKey,
    #[cfg(feature = "native-rsa")]
    pub(super) native: Option<std::sync::Arc<super::rsa_native::NativeKey>>,
}

impl PartialEq for RsaPublicKey {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}

impl Eq for RsaPublicKey {}

/// The smallest RSA modulus accepted by default, in bits.
pub const DEFAULT_MIN_RSA_BITS: usize = 1024;

impl RsaPublicKey {
    /// Parses a PEM `PUBLIC KEY` (SubjectPublicKeyInfo), `RSA PUBLIC KEY` (PKCS#1) or
    /// `CERTIFICATE` (X.509, its subject key), refusing keys under 1024 bits. Parse a client's
    /// key once, when the client is registered or loaded
    /// ([RFC 5849 §3.4.3](https://www.rfc-editor.org/rfc/rfc5849#section-3.4.3): the client's
    /// RSA public key is established with the server beforehand).
    ///
    /// ```
    /// use oauth1::signature::RsaPublicKey;
    /// use oauth1::store::Client;
    ///
    /// // The 1024-bit "Test Principal" key of the OAuth 1.0 test cases.
    /// let pem = "-----BEGIN PUBLIC KEY-----\n\
    /// MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC0YjCwIfYoprq/FQO6lb3asXrx\n\
    /// LlJFuCvtinTF5p0GxvQGu5O3gYytUvtC2JlYzypSRjVxwxrsuRcP3e641SdASwfr\n\
    /// mzyvIgP08N4S0IFzEURkV1wp/IpH7kH41EtbmUmrXSwfNZsnQRE5SYSOhh+LcK2w\n\
    /// yQkdgcMv11l4KoBkcwIDAQAB\n\
    /// -----END PUBLIC KEY-----";
    /// let key = RsaPublicKey::from_pem(pem)?;
    /// assert_eq!(key.bits(), 1024);
    /// // A client that signs with RSA-SHA1 only: it has no shared secret.
    /// let client = Client::rsa_only("jira-link", key);
    /// assert!(client.shared_secret().is_none());
    ///
    /// assert!(RsaPublicKey::from_pem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----").is_err());
    /// assert!(RsaPublicKey::from_pem("not a key").is_err());
    /// # Ok::<(), oauth1::signature::KeyError>(())
    /// ```
    pub fn from_pem(pem: &str) -> Result<Self, KeyError> {
        Self::from_pem_min_bits(pem, DEFAULT_MIN_RSA_BITS)
    }

    /// As [`from_pem`](Self::from_pem), refusing keys under `min_bits`.
    ///
    /// ```
    /// use oauth1::signature::RsaPublicKey;
    /// # let pem = "-----BEGIN PUBLIC KEY-----\n\
    /// # MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC0YjCwIfYoprq/FQO6lb3asXrx\n\
    /// # LlJFuCvtinTF5p0GxvQGu5O3gYytUvtC2JlYzypSRjVxwxrsuRcP3e641SdASwfr\n\
    /// # mzyvIgP08N4S0IFzEURkV1wp/IpH7kH41EtbmUmrXSwfNZsnQRE5SYSOhh+LcK2w\n\
    /// # yQkdgcMv11l4KoBkcwIDAQAB\n\
    /// # -----END PUBLIC KEY-----";
    /// let refused = RsaPublicKey::from_pem_min_bits(pem, 2048).unwrap_err();
    /// assert!(refused.to_string().contains("under the minimum of 2048"));
    /// assert!(RsaPublicKey::from_pem_min_bits(pem, 1024).is_ok());
    /// ```
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
        let key = RsaPublicKey::from_parsed(key);
        if key.bits() < min_bits {
            return Err(KeyError(format!("RSA key of {} bits is under the minimum of {min_bits}", key.bits())));
        }
        Ok(key)
    }

    fn from_parsed(key: rsa::PublicKey) -> Self {
        RsaPublicKey {
            #[cfg(feature = "native-rsa")]
            native: super::rsa_native::NativeKey::new(&key).map(std::sync::Arc::new),
            key,
        }
    }

    /// The modulus size in bits.
    pub fn bits(&self) -> usize {
        self.key.size() * 8
    }

    /// Whether aws-lc verifies this key's signatures (the `native-rsa` feature is on and
    /// aws-lc took the key); otherwise the portable `rsa` crate does.
    pub fn is_native(&self) -> bool {
        #[cfg(feature = "native-rsa")]
        return self.native.is_some();
        #[cfg(not(feature = "native-rsa"))]
        false
    }
}

impl fmt::Debug for RsaPublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RsaPublicKey({} bits)", self.bits())
    }
}

/// An RSA private key, for signing as a client ([`crate::sign`]).
#[derive(Clone)]
pub struct RsaPrivateKey(pub(super) rsa::PrivateKey);

impl RsaPrivateKey {
    /// Parses a PEM `PRIVATE KEY` (PKCS#8) or `RSA PRIVATE KEY` (PKCS#1). A provider needs
    /// one only to sign test requests as an RSA-SHA1 client would
    /// ([RFC 5849 §3.4.3](https://www.rfc-editor.org/rfc/rfc5849#section-3.4.3)).
    ///
    /// ```
    /// use oauth1::signature::{RsaPrivateKey, RsaPublicKey};
    /// # let private = "-----BEGIN PRIVATE KEY-----\n\
    /// # MIICdgIBADANBgkqhkiG9w0BAQEFAASCAmAwggJcAgEAAoGBALRiMLAh9iimur8V\n\
    /// # A7qVvdqxevEuUkW4K+2KdMXmnQbG9Aa7k7eBjK1S+0LYmVjPKlJGNXHDGuy5Fw/d\n\
    /// # 7rjVJ0BLB+ubPK8iA/Tw3hLQgXMRRGRXXCn8ikfuQfjUS1uZSatdLB81mydBETlJ\n\
    /// # hI6GH4twrbDJCR2Bwy/XWXgqgGRzAgMBAAECgYBYWVtleUzavkbrPjy0T5FMou8H\n\
    /// # X9u2AC2ry8vD/l7cqedtwMPp9k7TubgNFo+NGvKsl2ynyprOZR1xjQ7WgrgVB+mm\n\
    /// # uScOM/5HVceFuGRDhYTCObE+y1kxRloNYXnx3ei1zbeYLPCHdhxRYW7T0qcynNmw\n\
    /// # rn05/KO2RLjgQNalsQJBANeA3Q4Nugqy4QBUCEC09SqylT2K9FrrItqL2QKc9v0Z\n\
    /// # zO2uwllCbg0dwpVuYPYXYvikNHHg+aCWF+VXsb9rpPsCQQDWR9TT4ORdzoj+Nccn\n\
    /// # qkMsDmzt0EfNaAOwHOmVJ2RVBspPcxt5iN4HI7HNeG6U5YsFBb+/GZbgfBT3kpNG\n\
    /// # WPTpAkBI+gFhjfJvRw38n3g/+UeAkwMI2TJQS4n8+hid0uus3/zOjDySH3XHCUno\n\
    /// # cn1xOJAyZODBo47E+67R4jV1/gzbAkEAklJaspRPXP877NssM5nAZMU0/O/NGCZ+\n\
    /// # 3jPgDUno6WbJn5cqm8MqWhW1xGkImgRk+fkDBquiq4gPiT898jusgQJAd5Zrr6Q8\n\
    /// # AO/0isr/3aa6O6NLQxISLKcPDk2NOccAfS/xOtfOz4sJYM3+Bs4Io9+dZGSDCA54\n\
    /// # Lw03eHTNQghS0A==\n\
    /// # -----END PRIVATE KEY-----";
    /// # let public = "-----BEGIN PUBLIC KEY-----\n\
    /// # MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC0YjCwIfYoprq/FQO6lb3asXrx\n\
    /// # LlJFuCvtinTF5p0GxvQGu5O3gYytUvtC2JlYzypSRjVxwxrsuRcP3e641SdASwfr\n\
    /// # mzyvIgP08N4S0IFzEURkV1wp/IpH7kH41EtbmUmrXSwfNZsnQRE5SYSOhh+LcK2w\n\
    /// # yQkdgcMv11l4KoBkcwIDAQAB\n\
    /// # -----END PUBLIC KEY-----";
    /// let key = RsaPrivateKey::from_pem(private)?;
    /// assert_eq!(key.public_key(), RsaPublicKey::from_pem(public)?);
    /// // Its Debug output shows nothing of the key.
    /// assert_eq!(format!("{key:?}"), "RsaPrivateKey(..)");
    /// # Ok::<(), oauth1::signature::KeyError>(())
    /// ```
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
        RsaPublicKey::from_parsed(rsa::PublicKey::from(&self.0))
    }
}

impl fmt::Debug for RsaPrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RsaPrivateKey(..)")
    }
}
