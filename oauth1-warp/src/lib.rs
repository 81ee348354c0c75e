//! # oauth1-warp: warp filters for the `oauth1` provider
//!
//! Thin translations between warp and the sans-IO core: every decision is the core's.
//!
//! | filter | extracts | body |
//! |---|---|---|
//! | [`temporary_credentials`] | the endpoint's response (errors included) | form only, limited |
//! | [`token_credentials`] | the endpoint's response (errors included) | form only, limited |
//! | [`protected`] | [`Authenticated`] (header or query signatures) | never touched |
//! | [`protected_form`] | ([`Authenticated`], body) (form-signed requests, `oauth_body_hash`) | read, limited |
//! | [`consumer_only`] | ([`Authenticated`], body) (two-legged, LTI 1.1 launches) | read, limited |
//! | [`pending_authorization`] | [`PendingAuthorization`] from `?oauth_token=` | never touched |
//!
//! Bodies are read with or without `Content-Length` (HTTP/1.1 chunked, HTTP/2), counting bytes
//! as they come: over the limit is 413, and a truncated body is never verified. Without a `Host`
//! header (HTTP/2's `:authority`), the authority comes from the request URI.
//!
//! **Which filter.** `protected` for routes whose requests carry no body, or a body that is
//! not a form (with `oauth_body_hash` use `protected_form`). Some clients sign *every* method
//! with the OAuth parameters in a form body, GET included (`Content-Type:
//! application/x-www-form-urlencoded` on a GET); for routes that may receive such requests use
//! [`protected_form`] (or [`consumer_only`]) even on GET: it reads the bounded body and
//! verifies header- and query-signed requests without one just the same. `protected` refuses
//! them (400), because it cannot see the signed body parameters.
//!
//! Refusals are [`Rejected`]; add [`recover`] to the route so they become the core's responses
//! (status, form body, `WWW-Authenticate`, `Allow`). Other rejections pass through.
//!
//! **Where protection sits.** warp evaluates `a.or(b)` by trying `a` first; a protection
//! filter placed before a path or method filter that then fails has already spent the nonce,
//! and `b` sees a replay. Put the protection filter *last*, after the path and method filters:
//!
//! ```
//! use warp::Filter;
//! # fn routes(protector: oauth1::ResourceProtector) {
//! let photos = warp::path("photos")
//!     .and(warp::get())
//!     .and(oauth1_warp::protected(protector)) // last: only runs for GET /photos
//!     .map(|who: oauth1::Authenticated| format!("hello {}", who.user_id().unwrap_or_default()))
//!     .recover(oauth1_warp::recover);
//! # let _ = photos;
//! # }
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

use std::convert::Infallible;
use std::sync::Arc;

use bytes::{Buf, BufMut, Bytes, BytesMut};
use futures_util::{Stream, StreamExt};
use oauth1::request::is_form;
use oauth1::server::PendingAuthorization;
use oauth1::{Authenticated, AuthorizationServer, BodyHint, Error, ResourceProtector, Scope};
use warp::host::Authority;
use warp::http::header::{CONTENT_LENGTH, HOST};
use warp::http::{HeaderMap, Method, Request, Response};
use warp::path::FullPath;
use warp::reject::Rejection;
use warp::{Filter, Reply};

mod serve;
pub use serve::{PeerAddr, ServeLimits, serve};

/// The default body limit for form-reading filters: 64 KiB.
pub const DEFAULT_BODY_LIMIT: u64 = 64 * 1024;

/// An OAuth refusal as a warp rejection; [`recover`] turns it into the core's response. Build
/// one from a core [`Error`] to refuse from your own handlers and filters the same way.
///
/// ```
/// use oauth1::{Error, ErrorKind};
/// let rejection: warp::Rejection = oauth1_warp::Rejected::new(Error::new(ErrorKind::InvalidToken)).with_realm("Photos").into();
/// assert!(rejection.find::<oauth1_warp::Rejected>().is_some());
/// ```
#[derive(Debug)]
pub struct Rejected {
    error: Error,
    realm: Option<Arc<str>>,
}

impl Rejected {
    /// A refusal with `error` (no realm in `WWW-Authenticate` until [`with_realm`](Self::with_realm)).
    pub fn new(error: Error) -> Self {
        Rejected { error, realm: None }
    }

    /// The realm of `WWW-Authenticate` on a 401.
    pub fn with_realm(mut self, realm: impl Into<Arc<str>>) -> Self {
        self.realm = Some(realm.into());
        self
    }

    /// What the core refused.
    pub fn error(&self) -> &Error {
        &self.error
    }

    /// The response for this refusal.
    pub fn to_response(&self) -> Response<Vec<u8>> {
        self.error.to_response(self.realm.as_deref())
    }
}

impl warp::reject::Reject for Rejected {}

fn reject(error: Error, realm: Option<&str>) -> Rejection {
    warp::reject::custom(Rejected { error, realm: realm.map(Arc::from) })
}

/// Turns [`Rejected`] (and a body over the limit) into responses; passes anything else on.
pub async fn recover(err: Rejection) -> Result<warp::reply::Response, Rejection> {
    if let Some(r) = err.find::<Rejected>() {
        return Ok(r.to_response().into_response());
    }
    if err.find::<warp::reject::PayloadTooLarge>().is_some() {
        return Ok(Error::payload_too_large().to_response(None).into_response());
    }
    Err(err)
}

/// The request line and headers exactly as received: method, raw target and headers (warp's
/// `FullPath` has no query, and `query::raw` rejects an empty one).
///
/// Without a `Host` header (HTTP/2 sends `:authority`, which hyper puts into the request URI),
/// the target is absolute, `http://{authority}{path}`, so the core finds the authority where
/// [`oauth1::Origin`] looks for it (the URI's scheme is never used: the origin policy decides).
fn request_head() -> impl Filter<Extract = (Method, String, HeaderMap), Error = Infallible> + Clone {
    let query = warp::query::raw().or(warp::any().map(String::new)).unify();
    // `host::optional` only fails on a malformed or mismatching `Host` header, and the authority
    // is only used without one: the core judges the `Host` header itself.
    let authority = warp::host::optional().or(warp::any().map(|| None)).unify();
    let head = warp::method().and(warp::path::full()).and(query).and(authority).and(warp::header::headers_cloned());
    head.map(|method, path: FullPath, query: String, authority: Option<Authority>, headers: HeaderMap| {
        let mut target = String::new();
        if let Some(authority) = authority.filter(|_| !headers.contains_key(HOST)) {
            target.push_str("http://");
            target.push_str(authority.as_str());
        }
        target.push_str(path.as_str());
        if !query.is_empty() {
            target.push('?');
            target.push_str(&query);
        }
        (method, target, headers)
    })
    .untuple_one()
}

fn build<B>(method: Method, target: String, headers: HeaderMap, body: B) -> Result<Request<B>, Error> {
    let mut req = Request::builder()
        .method(method)
        .uri(target)
        .body(body)
        .map_err(|_| Error::malformed("the request target is not a valid URI"))?;
    *req.headers_mut() = headers;
    Ok(req)
}

fn too_large() -> Rejection {
    reject(Error::payload_too_large(), None)
}

/// Reads the whole body, counting as it goes: 413 as soon as it passes `limit` (a declared
/// `Content-Length` over it is refused before reading), so a truncated body is never verified.
/// Works without `Content-Length` (HTTP/1.1 chunked, HTTP/2).
async fn read_limited<S, B>(headers: HeaderMap, stream: S, limit: u64) -> Result<Bytes, Rejection>
where
    S: Stream<Item = Result<B, warp::Error>>,
    B: Buf,
{
    let declared = headers.get(CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(too_large());
    }
    let mut body = BytesMut::with_capacity(usize::try_from(declared.unwrap_or(0)).unwrap_or(0));
    let mut stream = std::pin::pin!(stream);
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|_| reject(Error::malformed("the request body could not be read"), None))?;
        let len = u64::try_from(chunk.remaining()).unwrap_or(u64::MAX);
        if u64::try_from(body.len()).unwrap_or(u64::MAX).saturating_add(len) > limit {
            return Err(too_large());
        }
        body.put(chunk);
    }
    Ok(body.freeze())
}

/// The body, up to `limit` bytes (413 above it), with or without `Content-Length`. With
/// `form_only`, bodies that are not `application/x-www-form-urlencoded` are never read (an
/// empty body stands in).
fn body(limit: u64, form_only: bool) -> impl Filter<Extract = (Bytes,), Error = Rejection> + Clone {
    let wanted = move |headers: &HeaderMap| !form_only || is_form(headers);
    let read_it = move |headers: HeaderMap| async move {
        if wanted(&headers) { Ok(headers) } else { Err(warp::reject::not_found()) }
    };
    let skip_it =
        move |headers: HeaderMap| async move { if wanted(&headers) { Err(warp::reject::not_found()) } else { Ok(()) } };
    let read = warp::header::headers_cloned()
        .and_then(read_it)
        .and(warp::body::stream())
        .and_then(move |headers, stream| read_limited(headers, stream, limit));
    let skip = warp::header::headers_cloned().and_then(skip_it).untuple_one().map(Bytes::new);
    read.or(skip).unify()
}

fn request_with_body(
    limit: u64,
    form_only: bool,
) -> impl Filter<Extract = (Request<Bytes>,), Error = Rejection> + Clone {
    request_head().and(body(limit, form_only)).and_then(|method, target, headers, body| async move {
        build(method, target, headers, body).map_err(|e| reject(e, None))
    })
}

/// Temporary credentials ([RFC 5849 §2.1](https://www.rfc-editor.org/rfc/rfc5849#section-2.1)).
/// Extracts the response, success or error; reads form bodies up to `limit` bytes.
pub fn temporary_credentials(
    server: AuthorizationServer,
    limit: u64,
) -> impl Filter<Extract = (Response<Vec<u8>>,), Error = Rejection> + Clone {
    request_with_body(limit, true).then(move |req: Request<Bytes>| {
        let server = server.clone();
        async move { server.respond(server.temporary_credentials(&req).await) }
    })
}

/// Token credentials ([RFC 5849 §2.3](https://www.rfc-editor.org/rfc/rfc5849#section-2.3)).
/// Extracts the response, success or error; reads form bodies up to `limit` bytes.
pub fn token_credentials(
    server: AuthorizationServer,
    limit: u64,
) -> impl Filter<Extract = (Response<Vec<u8>>,), Error = Rejection> + Clone {
    request_with_body(limit, true).then(move |req: Request<Bytes>| {
        let server = server.clone();
        async move { server.respond(server.token_credentials(&req).await) }
    })
}

/// A protected resource signed in the header or query
/// ([RFC 5849 §3](https://www.rfc-editor.org/rfc/rfc5849#section-3)). Never reads the body;
/// fails closed when the request carries a form body, or may carry one: a form type without
/// `Content-Length` (HTTP/2, chunked) counts as a body, since warp cannot tell without reading
/// it ([`BodyHint::FromHeaders`]; use [`protected_form`], or send `Content-Length: 0`).
pub fn protected(protector: ResourceProtector) -> impl Filter<Extract = (Authenticated,), Error = Rejection> + Clone {
    request_head().and_then(move |method, target, headers| {
        let protector = protector.clone();
        async move {
            let (head, ()) = build(method, target, headers, ()).map_err(|e| reject(e, protector.realm()))?.into_parts();
            protector
                .verify_head(&head, BodyHint::FromHeaders, Scope::Token)
                .await
                .map_err(|e| reject(e, protector.realm()))
        }
    })
}

fn verified_with_body(
    protector: ResourceProtector,
    limit: u64,
    scope: Scope,
) -> impl Filter<Extract = (Authenticated, Bytes), Error = Rejection> + Clone {
    request_with_body(limit, false)
        .and_then(move |req: Request<Bytes>| {
            let protector = protector.clone();
            async move {
                let who = protector.verify(&req, scope).await.map_err(|e| reject(e, protector.realm()))?;
                Ok::<_, Rejection>((who, req.into_body()))
            }
        })
        .untuple_one()
}

/// A protected resource whose request has a body: form parameters are signed, and
/// `oauth_body_hash` is checked for other bodies. Extracts the credential and the body (up to
/// `limit` bytes).
pub fn protected_form(
    protector: ResourceProtector,
    limit: u64,
) -> impl Filter<Extract = (Authenticated, Bytes), Error = Rejection> + Clone {
    verified_with_body(protector, limit, Scope::Token)
}

/// A consumer-only (two-legged, LTI 1.1) request: no token. Extracts the credential and the
/// body (up to `limit` bytes).
pub fn consumer_only(
    protector: ResourceProtector,
    limit: u64,
) -> impl Filter<Extract = (Authenticated, Bytes), Error = Rejection> + Clone {
    verified_with_body(protector, limit, Scope::ConsumerOnly)
}

/// The pending request named by `?oauth_token=`, for the consent page
/// ([RFC 5849 §2.2](https://www.rfc-editor.org/rfc/rfc5849#section-2.2)); its anti-forgery
/// values are not bound to a session (with sessions, call
/// [`AuthorizationServer::pending_authorization_at`] in your handler). Refusals carry the
/// server's realm.
pub fn pending_authorization(
    server: AuthorizationServer,
) -> impl Filter<Extract = (PendingAuthorization,), Error = Rejection> + Clone {
    request_head().and_then(move |method, target, headers| {
        let server = server.clone();
        async move {
            let realm = server.config().realm();
            let (head, ()) = build(method, target, headers, ()).map_err(|e| reject(e, realm))?.into_parts();
            server.pending_authorization_at(&head.uri, "").await.map_err(|e| reject(e, realm))
        }
    })
}
