//! Extractors for protected resources ([RFC 5849 §3](https://www.rfc-editor.org/rfc/rfc5849#section-3)).
//! The type says whether the body is read:
//!
//! | extractor | trait | body | scope |
//! |---|---|---|---|
//! | [`Signed`] | `FromRequestParts` | never read: header or query signatures | token |
//! | [`SignedForm<T>`] | `FromRequest` | read (limited), its form parsed into `T` | token |
//! | [`SignedBody`] | `FromRequest` | read (limited); form signed, or `oauth_body_hash` checked | token |
//! | [`ConsumerOnly<T>`] | `FromRequest` | read (limited), its form parsed into `T` | consumer only (two-legged, LTI 1.1) |
//!
//! Each finds the [`ResourceProtector`] in the router's state through [`FromRef`]: the state
//! may be the protector itself, an [`OAuthState`](crate::OAuthState), or your own state with
//! `impl FromRef<AppState> for ResourceProtector`. Refusals are [`OAuthRejection`]s: the core's
//! status, body and `WWW-Authenticate`.
//!
//! **Once per request.** The first of them (or the [layer](crate::ProtectLayer)) to run
//! verifies the request and caches the outcome in its extensions; any other one on the same
//! request uses that outcome, so the nonce is spent once whatever the combination. axum picks
//! the route before any extractor runs, so a route that was not chosen never verifies.
//!
//! **Which one.** [`Signed`] cannot see the body, so it refuses (400) a request whose body
//! could carry signed form parameters or a body hash: a form content type with a body, or one
//! that may have one (no `Content-Length`: HTTP/2, chunked). Some clients sign *every* method
//! with the OAuth parameters in a form body, GET included; on routes that may receive such
//! requests use a body-reading extractor, which verifies header- and query-signed requests
//! without a body just the same.
//!
//! ```
//! # use std::sync::Arc;
//! use axum::{Router, body::Body, http::Request, routing::get};
//! use oauth1::sign::Signer;
//! use oauth1_axum::Signed;
//! use tower::ServiceExt;
//! # use oauth1::{ResourceProtector, Config, Stores, store::{Client, TokenCredentials, TokenCredentialStore}};
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! # let store = Arc::new(oauth1_memory::MemoryStore::new());
//! # store.insert_client(Client::new("dpf43f3p2l4k3l03", "kd94hf93k423kf44"));
//! # store.create_token(TokenCredentials::new("nnch734d00sl2jdk", "pfkkdhi9sl3r4s00".into(), "dpf43f3p2l4k3l03", "jane")).await.unwrap();
//! # let protector = ResourceProtector::new(Stores::single(store), Config::default().with_realm("Photos"));
//!
//! let app = Router::new()
//!     .route("/photos", get(|Signed(who): Signed| async move { format!("hello {}", who.user_id().unwrap_or_default()) }))
//!     .with_state(protector);
//!
//! // Accepted: signed with the client's and the token's credentials.
//! let printer = Signer::new("dpf43f3p2l4k3l03", "kd94hf93k423kf44").token("nnch734d00sl2jdk", "pfkkdhi9sl3r4s00");
//! let req = printer.sign(Request::get("http://photos.example.net/photos?size=original").body(Vec::new())?)?;
//! let res = app.clone().oneshot(req.clone().map(Body::from)).await?;
//! assert_eq!(res.status(), 200);
//!
//! // Refused: the same request again (its nonce is spent), 401 with the realm.
//! let res = app.oneshot(req.map(Body::from)).await?;
//! assert_eq!(res.status(), 401);
//! assert_eq!(res.headers()["www-authenticate"], "OAuth realm=\"Photos\"");
//! # Ok::<_, Box<dyn std::error::Error>>(())
//! # }).unwrap();
//! ```

use axum::body::Bytes;
use axum::extract::{FromRef, FromRequest, FromRequestParts, Request};
use http::request::Parts;
use oauth1::request::is_form;
use oauth1::{Authenticated, BodyHint, Error, ResourceProtector, Scope};
use serde::de::DeserializeOwned;

use crate::OAuthRejection;
use crate::body::{BodyLimit, read_limited};
use crate::verified::{Verification, signed_uri, verify_head};

/// The credential of a request signed in the `Authorization` header or the query
/// ([RFC 5849 §3.5.1, §3.5.3](https://www.rfc-editor.org/rfc/rfc5849#section-3.5)), token scope
/// (three-legged). Never reads the body (`FromRequestParts`): a request whose body could carry
/// signed parameters (§3.5.2) is refused (400, [`BodyHint::FromHeaders`]); use a body-reading
/// extractor there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signed(pub Authenticated);

impl<S> FromRequestParts<S> for Signed
where
    ResourceProtector: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = OAuthRejection;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let protector = ResourceProtector::from_ref(state);
        verify_head(parts, &protector, BodyHint::FromHeaders, Scope::Token).await.map(Signed)
    }
}

/// Reads the body (limited by [`BodyLimit`]) and verifies the request with it, once per
/// request; returns the credential, whether the body is a form, and the body.
async fn verify_with_body(
    req: Request,
    protector: &ResourceProtector,
    scope: Scope,
) -> Result<(Authenticated, bool, Bytes), OAuthRejection> {
    let realm = protector.realm();
    let (mut parts, body) = req.into_parts();
    let form = is_form(&parts.headers);
    let cached = Verification::cached(&parts.extensions).map(|v| v.outcome(scope, realm)).transpose()?;
    let limit = BodyLimit::of(&parts.extensions);
    let bytes = read_limited(&parts.headers, body, limit).await.map_err(|e| OAuthRejection::in_realm(e, realm))?;
    if let Some(who) = cached {
        return Ok((who, form, bytes));
    }
    // The request is consumed here: no later extractor sees it, so nothing to cache.
    signed_uri(&mut parts);
    let req = http::Request::from_parts(parts, bytes);
    let who = protector.verify(&req, scope).await.map_err(|e| OAuthRejection::in_realm(e, realm))?;
    Ok((who, form, req.into_body()))
}

/// Parses the body as a form into `T`; an empty body is an empty form.
fn parse_form<T: DeserializeOwned>(form: bool, body: &[u8], realm: Option<&str>) -> Result<T, OAuthRejection> {
    if !form && !body.is_empty() {
        let e = Error::malformed("the body is not application/x-www-form-urlencoded");
        return Err(OAuthRejection::in_realm(e, realm));
    }
    serde_urlencoded::from_bytes(body)
        .map_err(|e| OAuthRejection::in_realm(Error::malformed(format!("the form does not parse: {e}")), realm))
}

/// The credential and the form of a form-signed request, token scope: the body is read (up
/// to the [`BodyLimit`], 413 over it), its parameters verified as part of the signature
/// ([RFC 5849 §3.4.1.3.1](https://www.rfc-editor.org/rfc/rfc5849#section-3.4.1.3.1)), then
/// parsed into `T` with `serde_urlencoded` (the `oauth_*` fields are there too; unknown fields
/// are ignored unless `T` says otherwise). A request without a body is verified from its
/// header or query, and `T` parsed from an empty form; a body of another type is refused (400).
#[derive(Clone, Debug)]
pub struct SignedForm<T>(pub Authenticated, pub T);

impl<S, T> FromRequest<S> for SignedForm<T>
where
    ResourceProtector: FromRef<S>,
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = OAuthRejection;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let protector = ResourceProtector::from_ref(state);
        let (who, form, body) = verify_with_body(req, &protector, Scope::Token).await?;
        Ok(SignedForm(who, parse_form(form, &body, protector.realm())?))
    }
}

/// The credential and the raw body of a signed request, token scope: the body is read (up to
/// the [`BodyLimit`], 413 over it); a form body's parameters are verified as part of the
/// signature, and any other body against its `oauth_body_hash` (the OAuth Request Body Hash
/// extension) when the request has one.
#[derive(Clone, Debug)]
pub struct SignedBody(pub Authenticated, pub Bytes);

impl<S> FromRequest<S> for SignedBody
where
    ResourceProtector: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = OAuthRejection;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let (who, _, body) = verify_with_body(req, &ResourceProtector::from_ref(state), Scope::Token).await?;
        Ok(SignedBody(who, body))
    }
}

/// The credential and the form of a consumer-only request: two-legged OAuth, or an LTI 1.1
/// launch ([RFC 5849 §3](https://www.rfc-editor.org/rfc/rfc5849#section-3) with client
/// credentials only; a request with an `oauth_token` is refused). Reads the body as
/// [`SignedForm`] does; `T` may be a map (`HashMap<String, String>`) or your launch struct.
#[derive(Clone, Debug)]
pub struct ConsumerOnly<T>(pub Authenticated, pub T);

impl<S, T> FromRequest<S> for ConsumerOnly<T>
where
    ResourceProtector: FromRef<S>,
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = OAuthRejection;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let protector = ResourceProtector::from_ref(state);
        let (who, form, body) = verify_with_body(req, &protector, Scope::ConsumerOnly).await?;
        Ok(ConsumerOnly(who, parse_form(form, &body, protector.realm())?))
    }
}
