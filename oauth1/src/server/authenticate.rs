//! Steps 5–7 of the [server module docs](super): the client and token are looked up, the
//! signature is verified, and only then is the nonce recorded. Shared by every step.

use std::borrow::Cow;
use std::sync::Arc;

use crate::error::{Error, ErrorKind};
use crate::request::{SignedRequest, decoded_again};
use crate::signature::{Secret, SignatureMatch, VerifyingKeys};
use crate::store::{Client, NonceCheck, NonceKey, TemporaryCredentials, TokenCredentials};

use super::Provider;
use super::params::{ProtocolParams, Scope, Step};

/// What the verification found.
pub(crate) struct Verified {
    pub(crate) client: Arc<Client>,
    /// The temporary credentials of a token credentials request (§2.3).
    pub(crate) temporary: Option<TemporaryCredentials>,
    /// The token credentials of a protected request (§3).
    pub(crate) token: Option<Arc<TokenCredentials>>,
    pub(crate) matched: SignatureMatch,
}

/// The one answer of [`Config::opaque_errors`](super::Config::opaque_errors) for an unknown
/// consumer key or token, a wrong signature, or a method the client may not use.
fn opaque_refusal() -> Error {
    Error::with_description(ErrorKind::InvalidSignature, "Invalid credentials or signature")
}

/// A protocol value as the matched signature covers it: decoded twice when the interop fallback
/// matched (see [`decoded_again`]), as parsed otherwise.
pub(crate) fn signed_value(value: &str, matched: SignatureMatch) -> Cow<'_, str> {
    match matched {
        SignatureMatch::Rfc => Cow::Borrowed(value),
        SignatureMatch::DoubleDecoded => decoded_again(value),
    }
}

impl Provider {
    /// Looks up the client and token, verifies the signature and records the nonce.
    pub(crate) async fn authenticate(
        &self,
        signed: &SignedRequest<'_>,
        params: &ProtocolParams<'_, '_>,
        step: Step,
    ) -> Result<Verified, Error> {
        let consumer_key = params.consumer_key;
        let method = params.method;
        let client = self.stores.clients.client(consumer_key).await.map_err(Error::store)?;
        let mut temporary = None;
        let mut token = None;
        let mut token_known = true;
        match (step, params.token) {
            (Step::TokenCredentials, Some(t)) => {
                temporary = self
                    .stores
                    .temporary
                    .temporary(t)
                    .await
                    .map_err(Error::store)?
                    .filter(|c| c.consumer_key == consumer_key && c.expires_at > self.now());
                token_known = temporary.is_some();
            }
            (Step::Resource(Scope::Token), Some(t)) => {
                let now = self.now();
                token = self
                    .stores
                    .tokens
                    .token(t)
                    .await
                    .map_err(Error::store)?
                    .filter(|c| c.consumer_key == consumer_key && !c.is_expired(now));
                token_known = token.is_some();
            }
            _ => {}
        }

        if let Some(c) = &client {
            let restricted =
                c.signature_methods.as_ref().is_some_and(|allowed| !allowed.iter().any(|m| m == method.name()));
            // A client without a shared secret never signs with one: an empty HMAC key or the
            // PLAINTEXT signature `&` is known to everybody (RFC 5849 §3.4.2, §3.4.4).
            if restricted || (method.uses_shared_secret() && c.shared_secret().is_none()) {
                if self.config.opaque_errors {
                    // Spend what an unknown consumer key costs, so timing does not tell either.
                    let dummy = self.dummy_secret.expose();
                    let keys = VerifyingKeys { consumer_secret: dummy, token_secret: dummy, rsa_public_keys: &[] };
                    let _ = signed.verify_signature(method, &keys, self.config.interop_fallback);
                    return Err(opaque_refusal());
                }
                return Err(Error::with_description(
                    ErrorKind::UnsupportedSignatureMethod,
                    "this client may not use that signature method",
                ));
            }
        }

        // An unknown token is verified with a dummy secret, like an unknown client.
        let token_secret = match (&temporary, &token, params.token) {
            (Some(t), _, _) => t.secret.expose(),
            (_, Some(t), _) => t.secret.expose(),
            (None, None, Some(_)) => self.dummy_secret.expose(),
            (None, None, None) => "",
        };
        let keys = VerifyingKeys {
            consumer_secret: client
                .as_ref()
                .map_or(self.dummy_secret.expose(), |c| c.shared_secret().map_or("", Secret::expose)),
            token_secret,
            rsa_public_keys: client.as_ref().map_or(&[], |c| &c.rsa_public_keys),
        };
        let verified = signed.verify_signature(method, &keys, self.config.interop_fallback);
        if self.config.opaque_errors && (client.is_none() || !token_known || verified.is_err()) {
            return Err(opaque_refusal());
        }
        let Some(client) = client else {
            return Err(Error::with_description(ErrorKind::InvalidClient, "Invalid \"oauth_consumer_key\""));
        };
        if !token_known {
            return Err(Error::invalid_token());
        }
        let matched = verified?;
        // Through the interop fallback the signature covers the protocol values decoded twice:
        // those are the ones that count from here on. The client and token were looked up by
        // the values decoded once; if a second decoding would name another one, the signature
        // is not theirs.
        if matched == SignatureMatch::DoubleDecoded
            && (decoded_again(consumer_key) != consumer_key || params.token.is_some_and(|t| decoded_again(t) != t))
        {
            return Err(Error::invalid_signature());
        }

        if let Some((timestamp, nonce)) = params.timestamp_and_nonce {
            let nonce = signed_value(nonce, matched);
            let key = NonceKey { consumer_key, token: params.token, timestamp, nonce: &nonce };
            let expires_at = ProtocolParams::nonce_expiry(timestamp, &self.config);
            match self.stores.nonces.check_and_insert(&key, expires_at).await.map_err(Error::store)? {
                NonceCheck::Fresh => {}
                NonceCheck::Replayed => {
                    return Err(Error::with_description(ErrorKind::InvalidNonce, "\"oauth_nonce\" was already used"));
                }
                // The store narrowed this consumer's window (it is full): stale, never accepted.
                NonceCheck::Stale => return Err(Error::timestamp_refused(None)),
            }
        }
        Ok(Verified { client, temporary, token, matched })
    }
}
