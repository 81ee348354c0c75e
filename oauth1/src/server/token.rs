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
    ///
    /// ```
    /// # use std::sync::Arc;
    /// # use oauth1::{AuthorizationServer, Config, Stores, sign::Signer, store::Client};
    /// # let store = Arc::new(oauth1_memory::MemoryStore::new());
    /// # store.insert_client(Client::new("printer", "kd94hf93k423kf44"));
    /// # use oauth1::server::Grant;
    /// # fn field(body: &[u8], name: &str) -> String {
    /// #     let pairs = oauth1::encoding::decode_form(std::str::from_utf8(body).unwrap_or("")).unwrap_or_default();
    /// #     pairs.into_iter().find(|(n, _)| n == name).map(|(_, v)| v.into_owned()).unwrap_or_default()
    /// # }
    /// let server = AuthorizationServer::new(Stores::single(store), Config::default());
    /// let printer = Signer::new("printer", "kd94hf93k423kf44");
    /// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
    /// # let req = printer.clone().callback("oob")
    /// #     .sign(http::Request::post("http://photos.example/initiate").body(Vec::new())?)?;
    /// # let res = server.temporary_credentials(&req).await?;
    /// # let (temporary, temporary_secret) = (field(res.body(), "oauth_token"), field(res.body(), "oauth_token_secret"));
    /// # let page = server.pending_authorization(&temporary).await?;
    /// # let Grant::OutOfBand { verifier, .. } = server.grant(&temporary, "alice", &page.anti_forgery.proof()).await? else {
    /// #     return Err("oob".into());
    /// # };
    /// // `temporary` was authorized by alice, who gave the client `verifier` (steps hidden here; see
    /// // the `server` module docs for the whole flow).
    /// let exchange = |verifier: &str| -> Result<_, Box<dyn std::error::Error>> {
    ///     Ok(printer
    ///         .clone()
    ///         .token(&temporary, &temporary_secret)
    ///         .verifier(verifier)
    ///         .sign(http::Request::post("http://photos.example/token").body(Vec::new())?)?)
    /// };
    /// let res = server.token_credentials(&exchange(&verifier)?).await?;
    /// assert!(!field(res.body(), "oauth_token").is_empty());
    /// assert!(!field(res.body(), "oauth_token_secret").is_empty());
    ///
    /// // Exchanged once: another exchange, freshly signed, finds no temporary credentials.
    /// let refused = server.token_credentials(&exchange(&verifier)?).await.unwrap_err();
    /// assert_eq!((refused.status().as_u16(), refused.code()), (401, "invalid_token"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
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
