//! Temporary credentials ([RFC 5849 §2.1](https://www.rfc-editor.org/rfc/rfc5849#section-2.1)).

use http::{Response, StatusCode};

use crate::error::Error;
use crate::request::SignedRequest;
use crate::response::{form_encode, form_response};
use crate::signature::{Secret, SignatureMatch};
use crate::store::TemporaryCredentials;

use super::AuthorizationServer;
use super::authenticate::signed_value;
use super::callback::{callback_allowed, callback_uri, check_callback_shape};
use super::params::{ProtocolParams, Step};

impl AuthorizationServer {
    /// Temporary credentials ([RFC 5849 §2.1](https://www.rfc-editor.org/rfc/rfc5849#section-2.1)):
    /// `POST` only; `oauth_callback` required (`oob` or a URI the client may use, see
    /// [`CallbackPolicy`](super::CallbackPolicy)); answers `oauth_token`, `oauth_token_secret`,
    /// `oauth_callback_confirmed=true`. `req.body()` must be the whole body (a form body's
    /// parameters are signed).
    ///
    /// ```
    /// # use std::sync::Arc;
    /// # use oauth1::{AuthorizationServer, Config, Stores, sign::Signer, store::Client};
    /// # let store = Arc::new(oauth1_memory::MemoryStore::new());
    /// # store.insert_client(Client::new("printer", "kd94hf93k423kf44"));
    /// # fn field(body: &[u8], name: &str) -> String {
    /// #     let pairs = oauth1::encoding::decode_form(std::str::from_utf8(body).unwrap_or("")).unwrap_or_default();
    /// #     pairs.into_iter().find(|(n, _)| n == name).map(|(_, v)| v.into_owned()).unwrap_or_default()
    /// # }
    /// let server = AuthorizationServer::new(Stores::single(store), Config::default());
    /// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
    /// let req = Signer::new("printer", "kd94hf93k423kf44")
    ///     .callback("https://printer.example/ready")
    ///     .sign(http::Request::post("http://photos.example/initiate").body(Vec::new())?)?;
    /// let res = server.temporary_credentials(&req).await?;
    /// assert_eq!(res.headers()["content-type"], "application/x-www-form-urlencoded");
    /// assert_eq!(field(res.body(), "oauth_callback_confirmed"), "true");
    /// assert!(!field(res.body(), "oauth_token").is_empty());
    ///
    /// // The same request as a GET: 405, with `Allow: POST`.
    /// let req = Signer::new("printer", "kd94hf93k423kf44")
    ///     .callback("oob")
    ///     .sign(http::Request::get("http://photos.example/initiate").body(Vec::new())?)?;
    /// let refused = server.temporary_credentials(&req).await.unwrap_err();
    /// assert_eq!(refused.status(), 405);
    /// assert_eq!(refused.to_response(None).headers()["allow"], "POST");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub async fn temporary_credentials<B: AsRef<[u8]>>(
        &self,
        req: &http::Request<B>,
    ) -> Result<Response<Vec<u8>>, Error> {
        let signed = self.provider.parse_credential_request(req, Step::TemporaryCredentials)?;
        self.issue_temporary(&signed)
            .await
            .inspect_err(|e| self.provider.log_refusal(Step::TemporaryCredentials.name(), Some(&signed), e))
    }

    async fn issue_temporary(&self, signed: &SignedRequest<'_>) -> Result<Response<Vec<u8>>, Error> {
        let provider = &*self.provider;
        let config = &provider.config;
        let params = ProtocolParams::check(signed, Step::TemporaryCredentials, config, provider.now())?;
        let verified = provider.authenticate(signed, &params, Step::TemporaryCredentials).await?;
        // The callback the signature covers (decoded twice through the interop fallback).
        let callback = signed_value(params.callback.unwrap_or_default(), verified.matched);
        if verified.matched == SignatureMatch::DoubleDecoded {
            check_callback_shape(&callback, &config.callback_schemes)?;
        }
        let callback = callback_uri(&callback);
        if callback != "oob" && !callback_allowed(config.callback_policy, &verified.client, &callback, verified.matched)
        {
            return Err(Error::invalid_value("oauth_callback"));
        }
        let token = config.token_generator.token();
        let secret = config.token_generator.secret();
        let credentials = TemporaryCredentials::new(
            token.clone(),
            Secret::new(secret.clone()),
            verified.client.consumer_key.clone(),
            callback,
            provider.now().saturating_add(config.temporary_lifetime),
        )
        .with_realm(signed.realm().map(str::to_owned));
        provider.stores.temporary.create_temporary(credentials).await.map_err(Error::store)?;
        let body = form_encode([
            ("oauth_token", token.as_str()),
            ("oauth_token_secret", secret.as_str()),
            ("oauth_callback_confirmed", "true"),
        ]);
        Ok(form_response(StatusCode::OK, body))
    }
}
