//! Resource-owner authorization ([RFC 5849 §2.2](https://www.rfc-editor.org/rfc/rfc5849#section-2.2)):
//! the consent page's pending request ([`PendingConsent`]) and its response
//! ([`PendingConsent::page`]), and the anti-forgery cookie of the decision ([`ConsentCookie`]).
//!
//! The page and the decision are your handlers (the resource owner must be signed in); the
//! core finds the pending request, issues and checks the anti-forgery values
//! ([`oauth1::consent`]), and builds the redirect.
//!
//! ```
//! # use std::sync::Arc;
//! use axum::{Router, body::Body, http::Request, routing::get};
//! use oauth1_axum::PendingConsent;
//! use tower::ServiceExt;
//! # use oauth1::{AuthorizationServer, Config, Stores, store::Client};
//! # use oauth1::sign::Signer;
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! # let store = Arc::new(oauth1_memory::MemoryStore::new());
//! # store.insert_client(Client::new("dpf43f3p2l4k3l03", "kd94hf93k423kf44").with_name("Printer"));
//! # let server = AuthorizationServer::new(Stores::single(store), Config::default().with_realm("Photos"));
//! # let req = Signer::new("dpf43f3p2l4k3l03", "kd94hf93k423kf44").callback("oob")
//! #     .sign(Request::post("http://photos.example.net/initiate").body(Vec::new())?)?;
//! # let res = server.temporary_credentials(&req).await?;
//! # let token = String::from_utf8(res.into_body())?.split('&').next().unwrap().trim_start_matches("oauth_token=").to_owned();
//!
//! let consent = |consent: PendingConsent| async move {
//!     let html = format!("<h1>Authorize {}</h1>…", consent.0.client.name);
//!     consent.page(html)
//! };
//! let app = Router::new().route("/authorize", get(consent)).with_state(server);
//!
//! // Accepted: a pending request; the page comes with its anti-forgery cookie and headers.
//! let res = app.clone().oneshot(Request::get(format!("/authorize?oauth_token={token}")).body(Body::empty())?).await?;
//! assert_eq!(res.status(), 200);
//! assert!(res.headers().contains_key("set-cookie") && res.headers()["x-frame-options"] == "DENY");
//!
//! // Refused: an unknown token (401).
//! let res = app.oneshot(Request::get("/authorize?oauth_token=nope").body(Body::empty())?).await?;
//! assert_eq!(res.status(), 401);
//! # Ok::<_, Box<dyn std::error::Error>>(())
//! # }).unwrap();
//! ```

use std::convert::Infallible;

use axum::extract::{FromRef, FromRequestParts};
use axum::response::{IntoResponse, Response};
use http::HeaderValue;
use http::header::{CONTENT_TYPE, SET_COOKIE};
use http::request::Parts;
use oauth1::AuthorizationServer;
use oauth1::server::PendingAuthorization;

use crate::OAuthRejection;

/// The pending request named by the consent page's `?oauth_token=`
/// ([RFC 5849 §2.2](https://www.rfc-editor.org/rfc/rfc5849#section-2.2): exactly one; unknown,
/// expired or already authorized ones are refused by the core), with the page's anti-forgery
/// values. They are not bound to a session; with signed-in sessions call
/// [`AuthorizationServer::pending_authorization_at`] with the session's id in your handler.
/// Finds the server in the router's state through [`FromRef`].
#[derive(Clone, Debug)]
pub struct PendingConsent(pub PendingAuthorization);

impl<S> FromRequestParts<S> for PendingConsent
where
    AuthorizationServer: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = OAuthRejection;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let server = AuthorizationServer::from_ref(state);
        match server.pending_authorization_at(&parts.uri, "").await {
            Ok(pending) => Ok(PendingConsent(pending)),
            Err(e) => Err(OAuthRejection::in_realm(e, server.config().realm())),
        }
    }
}

impl PendingConsent {
    /// The consent page's response: `html` (UTF-8), the anti-forgery cookie (not `Secure`:
    /// build the response yourself over https, with `set_cookie(true)`), and the page's security
    /// headers ([`oauth1::consent::page_headers`]: not frameable, not cached).
    pub fn page(&self, html: impl Into<String>) -> Response {
        let mut res = html.into().into_response();
        let headers = res.headers_mut();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
        headers.extend(oauth1::consent::page_headers());
        headers.insert(SET_COOKIE, self.0.anti_forgery.set_cookie(false));
        res
    }
}

/// The consent page's anti-forgery cookie ([`oauth1::consent`]) as the browser sent it back
/// with the resource owner's decision
/// ([RFC 5849 §2.2](https://www.rfc-editor.org/rfc/rfc5849#section-2.2)), for
/// [`oauth1::consent::ConsentProof::new`]: empty when absent, or when two cookies of the name
/// came (one may be planted).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsentCookie(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ConsentCookie {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let value = oauth1::consent::cookie_value(&parts.headers, oauth1::consent::COOKIE_NAME).unwrap_or_default();
        Ok(ConsentCookie(value.to_owned()))
    }
}
