//! # oauth1-axum: axum extractors, a tower layer and handlers for the `oauth1` provider
//!
//! Thin translations between axum and the sans-IO core
//! ([RFC 5849](https://www.rfc-editor.org/rfc/rfc5849)): every protocol decision is the core's.
//! axum hands over an `http::Request`, so the core reads the request as it came (no copy),
//! from the URI the client signed (before `nest` stripped a prefix: [`OriginalUri`]) and, without
//! a `Host` header (HTTP/2), the authority of the request URI.
//!
//! | item | what | body |
//! |---|---|---|
//! | [`Signed`] | `FromRequestParts`: the credential of a header- or query-signed request (§3) | never read; refused when it could carry signed parameters |
//! | [`SignedForm<T>`] | `FromRequest`: the credential and the signed form parsed into `T` | read, limited ([`BodyLimit`]) |
//! | [`SignedBody`] | `FromRequest`: the credential and the raw body (`oauth_body_hash` checked) | read, limited |
//! | [`ConsumerOnly<T>`] | `FromRequest`: two-legged requests and LTI 1.1 launches | read, limited |
//! | [`ProtectLayer`] | `tower::Layer`: verifies, inserts [`Authenticated`] into the extensions | forms read and passed on |
//! | [`endpoints()`] | a `Router` with `/initiate` (§2.1) and `/token` (§2.3) to `nest`; also as handlers | forms read, limited |
//! | [`PendingConsent`] | `FromRequestParts`: the consent page's pending request (§2.2) and its response | — |
//! | [`OAuthRejection`] | every refusal: the core's status, body and `WWW-Authenticate` | — |
//! | [`serve`] | a `Router` on a listener with deadlines for slow clients and a connection limit | — |
//!
//! The extractors find the [`ResourceProtector`] (and [`PendingConsent`] the
//! [`AuthorizationServer`]) in the router's state through axum's [`FromRef`](axum::extract::FromRef):
//! the state can be the protector itself, an [`OAuthState`], or your own.
//!
//! **Verification happens once per request**, whatever the combination of extractors and the
//! layer: the first verifies and caches the outcome in the request's extensions, the others
//! use it, so the nonce (RFC 5849 §3.3) is spent once. axum chooses the route before running
//! extractors, so a route that was not chosen spends nothing. The layer verifies what it
//! wraps: put it on the routes' method routers (`get(h).route_layer(layer)`), or see
//! [`layer`] for `Router::route_layer` and `Router::layer`.
//!
//! A protected route:
//!
//! ```
//! # use std::sync::Arc;
//! # use axum::{body::Body, http::Request};
//! # use oauth1::sign::Signer;
//! # use oauth1::{ResourceProtector, Config, Stores, store::{Client, TokenCredentials, TokenCredentialStore}};
//! # use tower::ServiceExt;
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! # let store = Arc::new(oauth1_memory::MemoryStore::new());
//! # store.insert_client(Client::new("dpf43f3p2l4k3l03", "kd94hf93k423kf44"));
//! # store.create_token(TokenCredentials::new("nnch734d00sl2jdk", "pfkkdhi9sl3r4s00".into(), "dpf43f3p2l4k3l03", "jane")).await.unwrap();
//! # let server = oauth1::AuthorizationServer::new(Stores::single(store), Config::default().with_realm("Photos"));
//! use axum::{Router, routing::get};
//! use oauth1_axum::Signed;
//!
//! let app = Router::new()
//!     .route("/photos", get(|Signed(who): Signed| async move { format!("hello {}", who.user_id().unwrap_or_default()) }))
//!     .with_state(server.resource_protector());
//! # let printer = Signer::new("dpf43f3p2l4k3l03", "kd94hf93k423kf44").token("nnch734d00sl2jdk", "pfkkdhi9sl3r4s00");
//! # let req = printer.sign(Request::get("http://photos.example.net/photos").body(Vec::new())?)?;
//! # let res = app.clone().oneshot(req.map(Body::from)).await?;
//! # assert_eq!(res.status(), 200);
//! # let res = app.oneshot(Request::get("http://photos.example.net/photos").body(Body::empty())?).await?;
//! # assert_eq!(res.status(), 400);
//! # Ok::<_, Box<dyn std::error::Error>>(())
//! # }).unwrap();
//! ```
//!
//! The photos demo provider (`examples/photos.rs`, `docs/demo-contract.md`) puts all of it
//! together: `cargo run --release -p oauth1-axum --example photos`.
//!
//! [`OriginalUri`]: axum::extract::OriginalUri
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod body;
pub mod consent;
pub mod endpoints;
pub mod extract;
pub mod layer;
pub mod rejection;
mod serve;
mod state;
mod verified;

pub use body::{BodyLimit, DEFAULT_BODY_LIMIT};
pub use consent::{ConsentCookie, PendingConsent};
pub use endpoints::{endpoints, temporary_credentials, token_credentials};
pub use extract::{ConsumerOnly, Signed, SignedBody, SignedForm};
pub use layer::{Protect, ProtectLayer};
pub use oauth1::{Authenticated, AuthorizationServer, ResourceProtector};
pub use rejection::{OAuthRejection, OAuthResponse};
pub use serve::{PeerAddr, ServeLimits, serve};
pub use state::OAuthState;
