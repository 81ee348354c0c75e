//! Resource-owner authorization ([RFC 5849 §2.2](https://www.rfc-editor.org/rfc/rfc5849#section-2.2)):
//! the consent page's pending request, and the resource owner's decision.
//!
//! The page and the decision are yours to serve (the resource owner must be signed in, and the
//! page protected: [`crate::consent`]); the core finds the pending request, issues and checks
//! the anti-forgery values, authorizes the temporary credentials once, and builds the redirect.

use http::{Response, StatusCode};

use crate::consent::{AntiForgery, ConsentKey, ConsentProof};
use crate::encoding::decode_form;
use crate::error::{Advice, Error, ErrorKind};
use crate::response::{form_encode, form_response};
use crate::signature::Secret;
use crate::store::{Authorization, AuthorizeOutcome, Client};

use super::AuthorizationServer;
use super::callback::add_query_parameters;

/// The longest resource-owner id [`AuthorizationServer::grant`] stores, in bytes.
pub const MAX_USER_ID_LEN: usize = 256;

/// A temporary credential request waiting for the resource owner
/// ([RFC 5849 §2.2](https://www.rfc-editor.org/rfc/rfc5849#section-2.2)): what a consent page shows.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct PendingAuthorization {
    /// The temporary `oauth_token`.
    pub token: String,
    /// The client asking for access.
    pub client: Client,
    /// `oob` or the callback URI.
    pub callback: String,
    /// The requested realm.
    pub realm: Option<String>,
    /// The anti-forgery values for this page view: set the cookie, put the form value in a
    /// hidden field, and hand both back to [`AuthorizationServer::grant`] or
    /// [`AuthorizationServer::deny`] ([`crate::consent`]).
    pub anti_forgery: AntiForgery,
}

impl PendingAuthorization {
    /// A pending request (for tests and custom stores), with anti-forgery values under a
    /// random key of its own: no server accepts them.
    pub fn new(token: impl Into<String>, client: Client, callback: impl Into<String>, realm: Option<String>) -> Self {
        let token = token.into();
        let anti_forgery = AntiForgery::issue(&ConsentKey::random(), &token, "");
        PendingAuthorization { token, client, callback: callback.into(), realm, anti_forgery }
    }
}

/// The resource owner granted access.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Grant {
    /// Redirect the user agent here (the callback with `oauth_token` and `oauth_verifier`).
    Redirect(String),
    /// `oob`: show the verifier to the user, who enters it in the client.
    OutOfBand {
        /// The temporary `oauth_token`.
        token: String,
        /// The verifier to display.
        verifier: String,
    },
}

/// The resource owner denied access; the temporary credentials are gone.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Denial {
    /// Redirect the user agent here (the callback with `error=access_denied`).
    Redirect(String),
    /// `oob`: tell the user; the client learns when its exchange fails.
    OutOfBand,
}

const DENIED: &str = "The resource owner or authorization server denied the request";

impl Grant {
    /// The response for the user agent: a `302` to the callback, or for `oob` a `200` form body
    /// `oauth_token=…&oauth_verifier=…` to show.
    ///
    /// ```
    /// use oauth1::server::Grant;
    ///
    /// let res = Grant::Redirect("https://printer.example/ready?oauth_token=t&oauth_verifier=v".into()).to_response();
    /// assert_eq!(res.status(), 302);
    /// assert_eq!(res.headers()["location"], "https://printer.example/ready?oauth_token=t&oauth_verifier=v");
    /// // `oob`: the verifier for the user to copy into the client.
    /// let res = Grant::OutOfBand { token: "t".into(), verifier: "v".into() }.to_response();
    /// assert_eq!((res.status().as_u16(), res.body().as_slice()), (200, &b"oauth_token=t&oauth_verifier=v"[..]));
    /// ```
    pub fn to_response(&self) -> Response<Vec<u8>> {
        match self {
            Grant::Redirect(to) => redirect(to),
            Grant::OutOfBand { token, verifier } => form_response(
                StatusCode::OK,
                form_encode([("oauth_token", token.as_str()), ("oauth_verifier", verifier.as_str())]),
            ),
        }
    }
}

impl Denial {
    /// The response for the user agent: a `302` to the callback with `error=access_denied`, or
    /// for `oob` a `400` with `error=access_denied`.
    ///
    /// ```
    /// use oauth1::server::Denial;
    ///
    /// let res = Denial::Redirect("https://printer.example/ready?error=access_denied".into()).to_response();
    /// assert_eq!(res.status(), 302);
    /// let res = Denial::OutOfBand.to_response();
    /// assert_eq!(res.status(), 400);
    /// assert!(res.body().starts_with(b"error=access_denied&"));
    /// ```
    pub fn to_response(&self) -> Response<Vec<u8>> {
        match self {
            Denial::Redirect(to) => redirect(to),
            Denial::OutOfBand => Error::with_description(ErrorKind::AccessDenied, DENIED).to_response(None),
        }
    }
}

fn redirect(to: &str) -> Response<Vec<u8>> {
    let mut res = form_response(StatusCode::FOUND, String::new());
    match http::HeaderValue::from_str(to) {
        Ok(location) => {
            res.headers_mut().insert(http::header::LOCATION, location);
            res
        }
        // Callbacks are validated and percent-encoded when stored, so this is not reached;
        // never redirect blindly.
        Err(_) => Error::malformed("invalid callback").to_response(None),
    }
}

/// The consent page's `oauth_token`: exactly one, from the query of `uri` (§2.2: the client
/// sends the resource owner there with it). None is `missing_required_parameter`, two are
/// `duplicated_oauth_protocol_parameter` (which would the owner be approving?).
///
/// Only `oauth_token` is read: the page's other query parameters are the app's (a malformed one
/// does not stop the page); a malformed `oauth_token` is a 400.
fn consent_token(uri: &http::Uri) -> Result<String, Error> {
    let query = uri.query().unwrap_or_default();
    let mut tokens = query
        .split('&')
        .filter(|pair| pair.split('=').next().is_some_and(|name| decode_form(name).is_ok_and(|n| is_token_name(&n))));
    match (tokens.next(), tokens.next()) {
        (Some(pair), None) => {
            let decoded = decode_form(pair)?;
            Ok(decoded.into_iter().next().map(|(_, value)| value.into_owned()).unwrap_or_default())
        }
        (None, _) => Err(Error::missing("oauth_token")),
        (Some(_), Some(_)) => Err(Error::duplicated("oauth_token")),
    }
}

/// Whether a decoded query segment is exactly the name `oauth_token`.
fn is_token_name(pairs: &[crate::encoding::FormPair<'_>]) -> bool {
    matches!(pairs, [(name, _)] if name == "oauth_token")
}

impl AuthorizationServer {
    /// The pending request behind `oauth_token`, for the consent page
    /// ([RFC 5849 §2.2](https://www.rfc-editor.org/rfc/rfc5849#section-2.2)). Unknown, expired or
    /// already authorized: `invalid_token`.
    ///
    /// Its [`anti_forgery`](PendingAuthorization::anti_forgery) values are not bound to a
    /// session; when your app has signed-in users, prefer
    /// [`pending_authorization_in_session`](Self::pending_authorization_in_session).
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
    /// # let server = AuthorizationServer::new(Stores::single(store), Config::default());
    /// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
    /// # let req = Signer::new("printer", "kd94hf93k423kf44").callback("https://printer.example/ready")
    /// #     .sign(http::Request::post("http://photos.example/initiate").body(Vec::new())?)?;
    /// # let token = field(server.temporary_credentials(&req).await?.body(), "oauth_token");
    /// // `token` is the `oauth_token` of temporary credentials the client just received.
    /// let page = server.pending_authorization(&token).await?;
    /// assert_eq!((page.client.consumer_key.as_str(), page.callback.as_str()), ("printer", "https://printer.example/ready"));
    /// // Show the client's name, set `page.anti_forgery.set_cookie(true)` and put
    /// // `page.anti_forgery.form_value()` in a hidden field of the page's form.
    ///
    /// // An unknown token: 401 invalid_token (show an error page, not the consent form).
    /// let refused = server.pending_authorization("no-such-token").await.unwrap_err();
    /// assert_eq!((refused.status().as_u16(), refused.code()), (401, "invalid_token"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub async fn pending_authorization(&self, oauth_token: &str) -> Result<PendingAuthorization, Error> {
        self.pending_authorization_in_session(oauth_token, "").await
    }

    /// The pending request named by the `oauth_token` of the consent page's URI (exactly one;
    /// none or two are refused), with anti-forgery values bound to `session` (`""` when the app
    /// has no sessions); see [`pending_authorization_in_session`](Self::pending_authorization_in_session).
    /// What adapters call for `GET /authorize?oauth_token=…`.
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
    /// # let server = AuthorizationServer::new(Stores::single(store), Config::default());
    /// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
    /// # let req = Signer::new("printer", "kd94hf93k423kf44").callback("https://printer.example/ready")
    /// #     .sign(http::Request::post("http://photos.example/initiate").body(Vec::new())?)?;
    /// # let token = field(server.temporary_credentials(&req).await?.body(), "oauth_token");
    /// let uri: http::Uri = format!("/authorize?oauth_token={token}&lang=en").parse()?;
    /// let page = server.pending_authorization_at(&uri, "session-1").await?;
    /// assert_eq!(page.token, token);
    ///
    /// // Two `oauth_token`s: which one would the user approve? 400.
    /// let uri: http::Uri = format!("/authorize?oauth_token={token}&oauth_token=other").parse()?;
    /// let refused = server.pending_authorization_at(&uri, "session-1").await.unwrap_err();
    /// assert_eq!((refused.status().as_u16(), refused.code()), (400, "duplicated_oauth_protocol_parameter"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub async fn pending_authorization_at(
        &self,
        uri: &http::Uri,
        session: &str,
    ) -> Result<PendingAuthorization, Error> {
        let token = consent_token(uri)?;
        self.pending_authorization_in_session(&token, session).await
    }

    /// As [`pending_authorization`](Self::pending_authorization), with the anti-forgery values
    /// bound to `session` (the signed-in session's id, or the user's): the decision must then
    /// come with [`ConsentProof::in_session`] of the same value, so a cookie planted from
    /// another visit to the page is worthless ([`crate::consent`]).
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
    /// # let server = AuthorizationServer::new(Stores::single(store), Config::default());
    /// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
    /// # let req = Signer::new("printer", "kd94hf93k423kf44").callback("https://printer.example/ready")
    /// #     .sign(http::Request::post("http://photos.example/initiate").body(Vec::new())?)?;
    /// # let token = field(server.temporary_credentials(&req).await?.body(), "oauth_token");
    /// use oauth1::consent::ConsentProof;
    ///
    /// let page = server.pending_authorization_in_session(&token, "alice-session").await?;
    /// let (cookie, form) = (page.anti_forgery.cookie_value(), page.anti_forgery.form_value());
    ///
    /// // The values planted from another session are refused (403, nothing changed)...
    /// let planted = ConsentProof::new(cookie, form).in_session("mallory-session");
    /// assert_eq!(server.grant(&token, "alice", &planted).await.unwrap_err().code(), "invalid_consent");
    /// // ...the decision in alice's own session is accepted.
    /// let proof = ConsentProof::new(cookie, form).in_session("alice-session");
    /// assert!(server.grant(&token, "alice", &proof).await.is_ok());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub async fn pending_authorization_in_session(
        &self,
        oauth_token: &str,
        session: &str,
    ) -> Result<PendingAuthorization, Error> {
        let provider = &*self.provider;
        if oauth_token.is_empty() {
            return Err(Error::missing("oauth_token"));
        }
        let credentials = provider
            .stores
            .temporary
            .temporary(oauth_token)
            .await
            .map_err(Error::store)?
            .filter(|c| c.expires_at > provider.now() && c.authorization.is_none())
            .ok_or_else(Error::invalid_token)?;
        let client = provider
            .stores
            .clients
            .client(&credentials.consumer_key)
            .await
            .map_err(Error::store)?
            .ok_or_else(Error::invalid_token)?;
        let anti_forgery = AntiForgery::issue(&provider.config.consent_key, &credentials.token, session);
        Ok(PendingAuthorization {
            token: credentials.token,
            client: Client::clone(&client),
            callback: credentials.callback,
            realm: credentials.realm,
            anti_forgery,
        })
    }

    /// The consent page's anti-forgery values came back for this token.
    fn check_consent(&self, oauth_token: &str, proof: &ConsentProof<'_>) -> Result<(), Error> {
        if oauth_token.is_empty() {
            return Err(Error::missing("oauth_token"));
        }
        if proof.verify(&self.provider.config.consent_key, oauth_token) {
            Ok(())
        } else {
            Err(Error::with_description(
                ErrorKind::ConsentForgery,
                "the decision did not come from this consent page (anti-forgery values missing or wrong)",
            ))
        }
    }

    /// The resource owner `user_id` grants access. A temporary credential is authorized at most
    /// once; the verifier goes to the callback (its own query and fragment kept) or, for `oob`,
    /// back to you to display.
    ///
    /// `proof` is what the browser sent back of the consent page's
    /// [`anti_forgery`](PendingAuthorization::anti_forgery) values; without a valid one the
    /// answer is 403 `invalid_consent` and nothing changes ([`crate::consent`]). `user_id` is
    /// stored with the credentials: at most [`MAX_USER_ID_LEN`] bytes.
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
    /// # let server = AuthorizationServer::new(Stores::single(store), Config::default());
    /// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
    /// # let req = Signer::new("printer", "kd94hf93k423kf44").callback("https://printer.example/ready")
    /// #     .sign(http::Request::post("http://photos.example/initiate").body(Vec::new())?)?;
    /// # let token = field(server.temporary_credentials(&req).await?.body(), "oauth_token");
    /// use oauth1::consent::{self, ConsentProof};
    /// use oauth1::server::Grant;
    ///
    /// let page = server.pending_authorization(&token).await?;
    /// // What the browser posts back: the cookie, and the hidden field of the form.
    /// let mut headers = http::HeaderMap::new();
    /// headers.insert("cookie", format!("oauth1_consent={}", page.anti_forgery.cookie_value()).parse()?);
    /// let cookie = consent::cookie_value(&headers, consent::COOKIE_NAME).unwrap_or("");
    /// let proof = ConsentProof::new(cookie, page.anti_forgery.form_value());
    ///
    /// // A forged decision (a cross-site form without the cookie): 403, nothing changed.
    /// let forged = ConsentProof::new("", page.anti_forgery.form_value());
    /// let refused = server.grant(&token, "alice", &forged).await.unwrap_err();
    /// assert_eq!((refused.status().as_u16(), refused.code()), (403, "invalid_consent"));
    ///
    /// // The real one: redirect the user agent to the callback, with the verifier.
    /// let grant = server.grant(&token, "alice", &proof).await?;
    /// let Grant::Redirect(location) = &grant else { return Err("expected a redirect".into()) };
    /// assert!(location.starts_with(&format!("https://printer.example/ready?oauth_token={token}&oauth_verifier=")));
    /// assert_eq!(grant.to_response().status(), 302);
    ///
    /// // A decision is final: a second grant is refused.
    /// assert_eq!(server.grant(&token, "alice", &proof).await.unwrap_err().code(), "invalid_token");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub async fn grant(&self, oauth_token: &str, user_id: &str, proof: &ConsentProof<'_>) -> Result<Grant, Error> {
        let provider = &*self.provider;
        self.check_consent(oauth_token, proof)?;
        if user_id.is_empty() || user_id.len() > MAX_USER_ID_LEN {
            return Err(Error::with_description(ErrorKind::InvalidParameter, "invalid resource owner id")
                .with_advice(Advice::ParameterRejected("user".into())));
        }
        let verifier = provider.config.token_generator.verifier();
        let outcome = provider
            .stores
            .temporary
            .authorize_temporary(oauth_token, Authorization::new(user_id, Secret::new(verifier.clone())))
            .await
            .map_err(Error::store)?;
        let credentials = match outcome {
            AuthorizeOutcome::Authorized(c) => c,
            AuthorizeOutcome::AlreadyAuthorized => return Err(Error::already_authorized()),
            AuthorizeOutcome::NotFound => return Err(Error::invalid_token()),
        };
        if credentials.is_out_of_band() {
            return Ok(Grant::OutOfBand { token: credentials.token, verifier });
        }
        Ok(Grant::Redirect(add_query_parameters(
            &credentials.callback,
            &[("oauth_token", &credentials.token), ("oauth_verifier", &verifier)],
        )))
    }

    /// The resource owner denies access: the temporary credentials are discarded and the client
    /// is told `access_denied`. Like [`grant`](Self::grant) it needs the consent page's `proof`;
    /// credentials that were already authorized are not touched (`invalid_token`): a decision
    /// is final.
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
    /// # let server = AuthorizationServer::new(Stores::single(store), Config::default());
    /// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
    /// # let req = Signer::new("printer", "kd94hf93k423kf44").callback("https://printer.example/ready")
    /// #     .sign(http::Request::post("http://photos.example/initiate").body(Vec::new())?)?;
    /// # let token = field(server.temporary_credentials(&req).await?.body(), "oauth_token");
    /// use oauth1::server::Denial;
    ///
    /// let page = server.pending_authorization(&token).await?;
    /// let denial = server.deny(&token, &page.anti_forgery.proof()).await?;
    /// let Denial::Redirect(location) = &denial else { return Err("expected a redirect".into()) };
    /// assert!(location.starts_with("https://printer.example/ready?error=access_denied"));
    /// // The temporary credentials are gone.
    /// assert_eq!(server.pending_authorization(&token).await.unwrap_err().code(), "invalid_token");
    ///
    /// // Credentials already authorized stay authorized: a later deny is refused.
    /// # let req = Signer::new("printer", "kd94hf93k423kf44").callback("oob")
    /// #     .sign(http::Request::post("http://photos.example/initiate").body(Vec::new())?)?;
    /// # let token = field(server.temporary_credentials(&req).await?.body(), "oauth_token");
    /// let page = server.pending_authorization(&token).await?;
    /// server.grant(&token, "alice", &page.anti_forgery.proof()).await?;
    /// let refused = server.deny(&token, &page.anti_forgery.proof()).await.unwrap_err();
    /// assert_eq!((refused.status().as_u16(), refused.code()), (401, "invalid_token"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub async fn deny(&self, oauth_token: &str, proof: &ConsentProof<'_>) -> Result<Denial, Error> {
        let provider = &*self.provider;
        self.check_consent(oauth_token, proof)?;
        let temporary = &provider.stores.temporary;
        match temporary.temporary(oauth_token).await.map_err(Error::store)? {
            Some(c) if c.expires_at > provider.now() && c.authorization.is_none() => {}
            Some(c) if c.expires_at > provider.now() => return Err(Error::already_authorized()),
            _ => return Err(Error::invalid_token()),
        }
        let credentials = temporary
            .take_temporary(oauth_token)
            .await
            .map_err(Error::store)?
            .filter(|c| c.expires_at > provider.now())
            .ok_or_else(Error::invalid_token)?;
        if credentials.authorization.is_some() {
            // Authorized between the read and the take (a grant racing this denial): the grant
            // stands; put the credentials back.
            temporary.create_temporary(credentials).await.map_err(Error::store)?;
            return Err(Error::already_authorized());
        }
        if credentials.is_out_of_band() {
            return Ok(Denial::OutOfBand);
        }
        Ok(Denial::Redirect(add_query_parameters(
            &credentials.callback,
            &[("error", "access_denied"), ("error_description", DENIED)],
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_consent_page_takes_exactly_one_oauth_token() {
        let uri = |s: &str| s.parse::<http::Uri>().unwrap();
        assert_eq!(consent_token(&uri("/authorize?oauth_token=hh5s93j4hdidpola")).unwrap(), "hh5s93j4hdidpola");
        assert_eq!(consent_token(&uri("/authorize?x=1&oauth_token=a%2Bb")).unwrap(), "a+b");
        // The app's own parameters are not the core's business, even malformed.
        assert_eq!(consent_token(&uri("/authorize?oauth_token=t&ref=100%&x=%FF")).unwrap(), "t");
        assert_eq!(consent_token(&uri("/authorize?oauth_token=")).unwrap(), "");
        assert_eq!(consent_token(&uri("/authorize?oauth_token=a%zz")).unwrap_err().kind(), ErrorKind::MalformedRequest);
        assert_eq!(consent_token(&uri("/authorize")).unwrap_err().kind(), ErrorKind::MissingParameter);
        assert_eq!(
            consent_token(&uri("/authorize?oauth_token=a&oauth_token=b")).unwrap_err().kind(),
            ErrorKind::DuplicatedParameter
        );
    }
}
