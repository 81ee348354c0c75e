//! Token credentials ([RFC 5849 §2.3](https://www.rfc-editor.org/rfc/rfc5849#section-2.3)):
//! authorized temporary credentials and their verifier, exchanged once.

use http::{Response, StatusCode};

use crate::error::{Error, ErrorKind};
use crate::request::SignedRequest;
use crate::response::{form_encode, form_response};
use crate::signature::{Secret, ct_eq_str};
use crate::store::{Authorization, TokenCredentials};

use super::AuthorizationServer;
use super::authenticate::signed_value;
use super::params::{ProtocolParams, Step};

impl AuthorizationServer {
    /// Token credentials ([RFC 5849 §2.3](https://www.rfc-editor.org/rfc/rfc5849#section-2.3)):
    /// `POST` only. The temporary credentials must belong to the signing client and be
    /// authorized; the verifier is compared in constant time; the exchange is single-use under
    /// races. A request that is not authenticated never destroys the temporary credentials; an
    /// authenticated one with a wrong verifier does (no guessing).
    pub async fn token_credentials<B: AsRef<[u8]>>(&self, req: &http::Request<B>) -> Result<Response<Vec<u8>>, Error> {
        let signed = self.provider.parse_credential_request(req, Step::TokenCredentials)?;
        self.issue_token(&signed)
            .await
            .inspect_err(|e| self.provider.log_refusal(Step::TokenCredentials.name(), Some(&signed), e))
    }

    async fn issue_token(&self, signed: &SignedRequest<'_>) -> Result<Response<Vec<u8>>, Error> {
        let provider = &*self.provider;
        let config = &provider.config;
        let params = ProtocolParams::check(signed, Step::TokenCredentials, config, provider.now())?;
        let verified = provider.authenticate(signed, &params, Step::TokenCredentials).await?;
        let oauth_token = params.token.unwrap_or_default();
        let presented = signed_value(params.verifier.unwrap_or_default(), verified.matched);
        let verifier_ok = verified
            .temporary
            .as_ref()
            .and_then(|t| t.authorization.as_ref())
            .is_some_and(|a| ct_eq_str(a.verifier.expose(), &presented));
        let taken = provider.stores.temporary.take_temporary(oauth_token).await.map_err(Error::store)?;
        if !verifier_ok {
            // The client is authenticated: it is guessing, or its user never approved.
            return Err(Error::with_description(ErrorKind::InvalidVerifier, "Invalid \"oauth_verifier\""));
        }
        let Some((taken, Authorization { user_id, .. })) = taken.and_then(|t| t.authorization.clone().map(|a| (t, a)))
        else {
            // Another exchange of the same credentials won the race.
            return Err(Error::invalid_token());
        };
        let token = config.token_generator.token();
        let secret = config.token_generator.secret();
        let realm = verified.temporary.and_then(|t| t.realm);
        let expires_at = config.token_lifetime.map(|lifetime| provider.now().saturating_add(lifetime));
        let credentials =
            TokenCredentials::new(token.clone(), Secret::new(secret.clone()), &verified.client.consumer_key, user_id)
                .with_realm(realm)
                .with_expiry(expires_at);
        let extra = config.token_response.as_ref().map(|hook| hook(&credentials)).unwrap_or_default();
        if let Err(e) = provider.stores.tokens.create_token(credentials).await {
            // The exchange did not happen: give the client its authorized temporary
            // credentials back, so that it can retry once the store recovers.
            let _ = provider.stores.temporary.create_temporary(taken).await;
            return Err(Error::store(e));
        }
        let mut pairs: Vec<(&str, &str)> = vec![("oauth_token", &token), ("oauth_token_secret", &secret)];
        pairs.extend(extra.iter().map(|(n, v)| (n.as_str(), v.as_str())));
        Ok(form_response(StatusCode::OK, form_encode(pairs)))
    }
}
