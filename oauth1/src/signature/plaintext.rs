//! `PLAINTEXT` ([RFC 5849 §3.4.4](https://www.rfc-editor.org/rfc/rfc5849#section-3.4.4)).

use super::{SignatureMethod, VerifyingKeys, ct_eq_str, signing_key};
use crate::request::BaseString;

/// `PLAINTEXT` ([RFC 5849 §3.4.4](https://www.rfc-editor.org/rfc/rfc5849#section-3.4.4)).
#[derive(Debug, Clone, Copy)]
pub struct Plaintext;

/// `PLAINTEXT`.
pub const PLAINTEXT: Plaintext = Plaintext;

impl Plaintext {
    /// The method's name, `'static` (what [`SignatureMethod::name`](super::SignatureMethod::name) returns).
    pub(crate) const fn static_name(self) -> &'static str {
        "PLAINTEXT"
    }
}

impl SignatureMethod for Plaintext {
    fn name(&self) -> &'static str {
        self.static_name()
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
