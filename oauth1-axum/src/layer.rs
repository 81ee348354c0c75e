//! [`ProtectLayer`]: a `tower::Layer` that verifies every request of the service it wraps
//! ([RFC 5849 §3](https://www.rfc-editor.org/rfc/rfc5849#section-3)) and inserts the
//! [`Authenticated`] credential into the request's extensions; a refused request never reaches
//! the service and gets the core's response.
//!
//! For routes, a whole router, or any `tower` service (a hyper service, a
//! `tower::ServiceBuilder` stack) outside axum. Where it sits decides which requests it
//! verifies, and so which spend their nonce:
//!
//! * `get(handler).route_layer(layer)` (`MethodRouter::route_layer`): only requests routed to
//!   that handler;
//! * `Router::route_layer`: requests whose path matched a route, a method that route does not
//!   serve included (verified, then answered 405; the signature covers the method, so such a
//!   request can never pass elsewhere);
//! * `Router::layer`: every request, also those that match no route (verified, then 404).
//!
//! Handlers behind it take the credential with `Extension<Authenticated>`, or with any of this
//! crate's extractors, which reuse the layer's verification instead of verifying again.
//!
//! Form bodies are read (up to [`body_limit`](ProtectLayer::body_limit), 413 over it), verified
//! as part of the signature, and passed on unchanged, so handlers can read them again; other
//! bodies stream through unread ([`BodyHint::Present`]: a request with an `oauth_body_hash` is
//! then refused, 400, unless the layer [reads every body](ProtectLayer::read_every_body)).
//!
//! ```
//! # use std::sync::Arc;
//! use axum::{Extension, Router, body::Body, http::Request, routing::get};
//! use oauth1::Authenticated;
//! use oauth1::sign::Signer;
//! use oauth1_axum::ProtectLayer;
//! use tower::ServiceExt;
//! # use oauth1::{ResourceProtector, Config, Stores, store::{Client, TokenCredentials, TokenCredentialStore}};
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! # let store = Arc::new(oauth1_memory::MemoryStore::new());
//! # store.insert_client(Client::new("dpf43f3p2l4k3l03", "kd94hf93k423kf44"));
//! # store.create_token(TokenCredentials::new("nnch734d00sl2jdk", "pfkkdhi9sl3r4s00".into(), "dpf43f3p2l4k3l03", "jane")).await.unwrap();
//! # let protector = ResourceProtector::new(Stores::single(store), Config::default().with_realm("Photos"));
//!
//! let photos = |Extension(who): Extension<Authenticated>| async move { who.user_id().unwrap_or_default().to_owned() };
//! let app = Router::new().route("/photos", get(photos).route_layer(ProtectLayer::new(protector)));
//!
//! // Accepted.
//! let printer = Signer::new("dpf43f3p2l4k3l03", "kd94hf93k423kf44").token("nnch734d00sl2jdk", "pfkkdhi9sl3r4s00");
//! let req = printer.sign(Request::get("http://photos.example.net/photos").body(Vec::new())?)?;
//! let res = app.clone().oneshot(req.map(Body::from)).await?;
//! assert_eq!(res.status(), 200);
//!
//! // Refused: unsigned (400, RFC 5849 §3.2: a required parameter is missing).
//! let res = app.oneshot(Request::get("http://photos.example.net/photos").body(Body::empty())?).await?;
//! assert_eq!(res.status(), 400);
//! # Ok::<_, Box<dyn std::error::Error>>(())
//! # }).unwrap();
//! ```

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use axum::BoxError;
use axum::body::{Body, Bytes, HttpBody};
use axum::response::{IntoResponse, Response};
use http::Request;
use http::request::Parts;
use oauth1::request::is_form;
use oauth1::{Authenticated, BodyHint, Error, ResourceProtector, Scope};
use tower::{Layer, Service};

use crate::OAuthRejection;
use crate::body::{DEFAULT_BODY_LIMIT, read_limited};
use crate::verified::{Verification, restore_uri, signed_uri};

/// Verifies requests ([RFC 5849 §3](https://www.rfc-editor.org/rfc/rfc5849#section-3)) before
/// the wrapped service sees them (see the [module docs](self)).
/// Options are set with its consuming builder methods.
#[derive(Clone, Debug)]
pub struct ProtectLayer {
    protector: ResourceProtector,
    scope: Scope,
    body_limit: usize,
    every_body: bool,
}

impl ProtectLayer {
    /// Verifies with `protector` in the token scope (three-legged), reading form bodies up to
    /// [`DEFAULT_BODY_LIMIT`].
    pub fn new(protector: ResourceProtector) -> Self {
        ProtectLayer { protector, scope: Scope::Token, body_limit: DEFAULT_BODY_LIMIT, every_body: false }
    }

    /// Verifies in `scope`: [`Scope::ConsumerOnly`] for two-legged requests and LTI 1.1 launches.
    pub fn scope(mut self, scope: Scope) -> Self {
        self.scope = scope;
        self
    }

    /// Reads bodies up to `bytes` bytes; a longer one is refused with 413 before verification.
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.body_limit = bytes;
        self
    }

    /// Reads every body, not only forms (up to the limit), so that `oauth_body_hash` (the OAuth
    /// Request Body Hash extension) is checked; the body is passed on unchanged.
    pub fn read_every_body(mut self) -> Self {
        self.every_body = true;
        self
    }

    /// Verifies `req` once: the credential and the cached outcome go into its extensions.
    async fn verify<B>(&self, req: Request<B>) -> Result<Request<Body>, OAuthRejection>
    where
        B: HttpBody<Data = Bytes> + Send + 'static,
        B::Error: Into<BoxError>,
    {
        let realm = self.protector.realm();
        let (mut parts, body) = req.into_parts();
        if let Some(cached) = Verification::cached(&parts.extensions) {
            let who = cached.outcome(self.scope, realm)?;
            parts.extensions.insert(who);
            return Ok(Request::from_parts(parts, Body::new(body)));
        }
        if self.every_body || is_form(&parts.headers) {
            let bytes = read_limited(&parts.headers, body, self.body_limit)
                .await
                .map_err(|e| OAuthRejection::in_realm(e, realm))?;
            let nested = signed_uri(&mut parts);
            let req = Request::from_parts(parts, bytes);
            let result = self.protector.verify(&req, self.scope).await;
            let (mut parts, bytes) = req.into_parts();
            restore_uri(&mut parts, nested);
            self.pass_on(parts, result, Body::from(bytes))
        } else {
            // The layer sees the body: known to be empty, or there (perhaps without any header
            // announcing it, as with HTTP/2 or a service called directly).
            let empty = body.is_end_stream() || body.size_hint().exact() == Some(0);
            let hint = if empty { BodyHint::Empty } else { BodyHint::Present };
            let nested = signed_uri(&mut parts);
            let result = self.protector.verify_head(&parts, hint, self.scope).await;
            restore_uri(&mut parts, nested);
            self.pass_on(parts, result, Body::new(body))
        }
    }

    fn pass_on(
        &self,
        mut parts: Parts,
        result: Result<Authenticated, Error>,
        body: Body,
    ) -> Result<Request<Body>, OAuthRejection> {
        let verification = Verification::new(self.scope, result);
        let who = verification.outcome(self.scope, self.protector.realm())?;
        parts.extensions.insert(verification);
        parts.extensions.insert(who);
        Ok(Request::from_parts(parts, body))
    }
}

impl<S> Layer<S> for ProtectLayer {
    type Service = Protect<S>;

    fn layer(&self, inner: S) -> Protect<S> {
        Protect { inner, layer: self.clone() }
    }
}

/// The service of [`ProtectLayer`]: verifies each request (RFC 5849 §3), then calls `S` with it (its body an
/// axum [`Body`]; a form body read for verification is passed on unchanged) or answers the
/// refusal itself.
#[derive(Clone, Debug)]
pub struct Protect<S> {
    inner: S,
    layer: ProtectLayer,
}

impl<S, B, ResBody> Service<Request<B>> for Protect<S>
where
    S: Service<Request<Body>, Response = http::Response<ResBody>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    B: HttpBody<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
    ResBody: HttpBody<Data = Bytes> + Send + 'static,
    ResBody::Error: Into<BoxError>,
{
    type Response = Response;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Response, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request<B>) -> Self::Future {
        // The service that was polled ready goes into the future; a clone stays.
        let ready = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, ready);
        let layer = self.layer.clone();
        Box::pin(async move {
            match layer.verify(req).await {
                Ok(req) => inner.call(req).await.map(|res| res.map(Body::new)),
                Err(refusal) => Ok(refusal.into_response()),
            }
        })
    }
}
