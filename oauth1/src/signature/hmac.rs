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

impl HmacMethod {
    /// The method's name, `'static` (what [`SignatureMethod::name`](super::SignatureMethod::name) returns).
    pub(crate) const fn static_name(self) -> &'static str {
        match self.0 {
            Algorithm::Sha1 => "HMAC-SHA1",
            Algorithm::Sha256 => "HMAC-SHA256",
            Algorithm::Sha512 => "HMAC-SHA512",
        }
    }

    /// The signature of `base_string`, base64-encoded.
    pub fn sign(&self, base_string: &BaseString<'_>, consumer_secret: &str, token_secret: &str) -> String {
        self.sign_message(consumer_secret, token_secret, &|sink| base_string.write_to(sink))
    }

    /// Signs a base string given as text (for test vectors and debugging).
    ///
    /// ```
    /// use oauth1::signature::HMAC_SHA1;
    ///
    /// // OAuth Core 1.0 Appendix A.5.2.
    /// let base_string = "GET&http%3A%2F%2Fphotos.example.net%2Fphotos&file%3Dvacation.jpg%26\
    ///     oauth_consumer_key%3Ddpf43f3p2l4k3l03%26oauth_nonce%3Dkllo9940pd9333jh%26\
    ///     oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1191242096%26\
    ///     oauth_token%3Dnnch734d00sl2jdk%26oauth_version%3D1.0%26size%3Doriginal";
    /// assert_eq!(HMAC_SHA1.sign_text(base_string, "kd94hf93k423kf44", "pfkkdhi9sl3r4s00"), "tR3+Ty81lMeYAr/Fid0kMTYa/WM=");
    /// ```
    pub fn sign_text(&self, base_string: &str, consumer_secret: &str, token_secret: &str) -> String {
        self.sign_message(consumer_secret, token_secret, &|sink| sink(base_string.as_bytes()))
    }

    fn sign_message(self, consumer_secret: &str, token_secret: &str, message: Message<'_>) -> String {
        with_signing_key(consumer_secret, token_secret, |key| match self.0 {
            Algorithm::Sha1 => STANDARD.encode(mac::<Hmac<Sha1>>(key, message).finalize().into_bytes()),
            Algorithm::Sha256 => STANDARD.encode(mac::<Hmac<Sha256>>(key, message).finalize().into_bytes()),
            Algorithm::Sha512 => STANDARD.encode(mac::<Hmac<Sha512>>(key, message).finalize().into_bytes()),
        })
    }
}

/// A message, written to the sink it is given.
type Message<'m> = &'m dyn Fn(&mut dyn FnMut(&[u8]));

/// An HMAC keyed with `key` that has read `message`.
#[expect(clippy::expect_used, reason = "HMAC accepts keys of any length")]
fn mac<M: Mac + KeyInit>(key: &[u8], message: Message<'_>) -> M {
    let mut mac = <M as KeyInit>::new_from_slice(key).expect("HMAC accepts keys of any length");
    message(&mut |b| mac.update(b));
    mac
}

impl SignatureMethod for HmacMethod {
    fn name(&self) -> &'static str {
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
        let message: Message<'_> = &|sink| base_string.write_to(sink);
        // `verify_slice` compares in constant time.
        with_signing_key(keys.consumer_secret, keys.token_secret, |key| match self.0 {
            Algorithm::Sha1 => mac::<Hmac<Sha1>>(key, message).verify_slice(expected).is_ok(),
            Algorithm::Sha256 => mac::<Hmac<Sha256>>(key, message).verify_slice(expected).is_ok(),
            Algorithm::Sha512 => mac::<Hmac<Sha512>>(key, message).verify_slice(expected).is_ok(),
        })
    }
}
