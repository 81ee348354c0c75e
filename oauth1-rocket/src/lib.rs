//! # oauth1-rocket: Rocket 0.5 support for the `oauth1` provider
//!
//! Thin translations between Rocket and the sans-IO core: every decision is the core's.
//!
//! * [`OAuth1`]: the fairing. It manages the [`AuthorizationServer`] and its
//!   [`ResourceProtector`] as state and snapshots the method the client sent, before Rocket
//!   rewrites it (`POST` with a `_method` form field, and `HEAD` routed to `GET`): the signature
//!   covers the original. **Attach it first.**
//! * [`Signed`]: a request guard for header- or query-signed requests. It verifies once per
//!   request even when routes forward (the result is cached on the request), and fails closed
//!   when a form body is present that it cannot see: use a data guard for those.
//! * [`SignedForm<T>`], [`SignedBody`], [`ConsumerForm<T>`]: data guards for form-signed
//!   requests (the form parsed into `T`), for any body (with `oauth_body_hash`), and for the
//!   consumer-only (LTI 1.1) mode. Limit: `limits.form/oauth1` (default: the `form` limit,
//!   32 KiB); a truncated body is refused with 413.
//!   Some clients sign *every* method with the OAuth parameters in a form body, GET included:
//!   for a GET route that may receive one, read it with [`SignedBody`] (a data guard, so a
//!   manual [`Handler`](rocket::route::Handler) route: Rocket's attributes warn on `data` for
//!   GET; the photos demo's `GET /photos` does this); [`Signed`] refuses such requests (400).
//! * [`OAuthRequest`] + [`temporary_credentials`] / [`token_credentials`]: the endpoints as
//!   one-liners; [`OAuthResponse`] answers with the core's response.
//! * [`PendingConsent`]: a request guard for the consent page: the pending request named by
//!   `?oauth_token=` ([RFC 5849 §2.2](https://www.rfc-editor.org/rfc/rfc5849#section-2.2)).
//! * [`ErrorResponse`] turns an error into the core's response (status, form body,
//!   `WWW-Authenticate`, `Allow`); [`catchers`] do the same for the refusals of these guards
//!   (and only those: other errors reach Rocket's default or your own catchers,
//!   [`catchers_over`]).
//!
//! A route that takes `Signed` without the fairing cannot launch (a [`Sentinel`]).
//!
//! ```
//! use std::sync::Arc;
//! use oauth1::{AuthorizationServer, Config, Stores};
//! use oauth1_rocket::{OAuth1, OAuthRequest, OAuthResponse, Signed};
//! use rocket::{get, post, routes, State};
//! # use oauth1::{sign::Signer, signature::Secret};
//! # use oauth1::store::{Client, TokenCredentialStore, TokenCredentials};
//! # use rocket::http::{Header, Status};
//!
//! #[post("/initiate", data = "<req>")]
//! async fn initiate(server: &State<AuthorizationServer>, req: OAuthRequest) -> OAuthResponse {
//!     oauth1_rocket::temporary_credentials(server, &req).await
//! }
//!
//! #[get("/photos")]
//! fn photos(who: Signed) -> String {
//!     format!("hello {}", who.auth.user_id().unwrap_or_default())
//! }
//!
//! # #[rocket::main]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let store = Arc::new(oauth1_memory::MemoryStore::new());
//! # store.insert_client(Client::new("printer", "kd94hf93k423kf44"));
//! # store.create_token(TokenCredentials::new("nnch734d00sl2jdk", Secret::new("pfkkdhi9sl3r4s00"), "printer", "alice")).await?;
//! let server = AuthorizationServer::new(Stores::single(store), Config::default().with_realm("Photos"));
//! let rocket = rocket::build()
//!     .attach(OAuth1::fairing(server))
//!     .mount("/", routes![initiate, photos])
//!     .register("/", oauth1_rocket::catchers());
//! // Serve it with `rocket.launch().await` (or `oauth1_rocket::front::launch`); here, Rocket's
//! // local client sends a request signed with alice's token credentials: accepted...
//! let client = rocket::local::asynchronous::Client::tracked(rocket).await?;
//! # let signed = Signer::new("printer", "kd94hf93k423kf44").token("nnch734d00sl2jdk", "pfkkdhi9sl3r4s00")
//! #     .sign(http::Request::get("http://photos.example/photos").body(Vec::new())?)?;
//! # let authorization = signed.headers()["authorization"].to_str()?.to_owned();
//! let send = || {
//!     client
//!         .get("/photos")
//!         .header(Header::new("Host", "photos.example"))
//!         .header(Header::new("Authorization", authorization.clone()))
//! };
//! let res = send().dispatch().await;
//! assert_eq!(res.status(), Status::Ok);
//! assert_eq!(res.into_string().await.as_deref(), Some("hello alice"));
//! // ...and the same request replayed: refused, 401 with the realm.
//! let res = send().dispatch().await;
//! assert_eq!(res.status(), Status::Unauthorized);
//! assert_eq!(res.headers().get_one("WWW-Authenticate"), Some("OAuth realm=\"Photos\""));
//! # Ok(())
//! # }
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

use std::io::Cursor;

use oauth1::server::PendingAuthorization;
use oauth1::{Authenticated, AuthorizationServer, BodyHint, Error, ErrorKind, ResourceProtector, Scope};
use rocket::data::{ByteUnit, Data, FromData, Limits};
use rocket::fairing::{self, Fairing, Info, Kind};
use rocket::form::{Form, FromForm};
use rocket::http::{Method, Status};
use rocket::request::{FromRequest, Outcome, Request};
use rocket::response::{self, Responder, Response};
use rocket::{Build, Catcher, Ignite, Rocket, Sentinel};

pub mod front;

/// The fairing: manages the server and protector, and snapshots the original method.
#[derive(Clone, Debug)]
pub struct OAuth1 {
    server: AuthorizationServer,
}

impl OAuth1 {
    /// The fairing for `server` (its resource protector is managed too).
    pub fn fairing(server: AuthorizationServer) -> Self {
        OAuth1 { server }
    }
}

/// The method as the client sent it, before Rocket's rewrites.
#[derive(Clone, Debug)]
struct OriginalMethod(Option<Method>);

/// Whether the request has a body (seen by the fairing, which may peek at it).
struct BodyPresent(bool);

/// The guard verification of this request, cached so forwarding routes verify once.
struct CachedVerification(Result<Authenticated, Error>);

/// The error of a guard that failed, for the catchers.
struct StashedError(Option<Error>);

#[rocket::async_trait]
impl Fairing for OAuth1 {
    fn info(&self) -> Info {
        Info { name: "OAuth 1.0a (oauth1)", kind: Kind::Ignite | Kind::Request | Kind::Singleton }
    }

    async fn on_ignite(&self, rocket: Rocket<Build>) -> fairing::Result {
        let mut rocket = rocket;
        if rocket.state::<AuthorizationServer>().is_none() {
            rocket = rocket.manage(self.server.clone());
        }
        if rocket.state::<ResourceProtector>().is_none() {
            rocket = rocket.manage(self.server.resource_protector());
        }
        Ok(rocket)
    }

    async fn on_request(&self, req: &mut Request<'_>, data: &mut Data<'_>) {
        // Rocket has already applied a `_method` form field to a POST; undo it. The current
        // method equals the override only when Rocket applied it, or when the client sent that
        // method itself with the same `_method` field (indistinguishable here; taken as POST).
        // HEAD becomes GET only after this, so HEAD is still HEAD here.
        let method = req.method();
        let original = match method_override(req, data).await {
            Some(overridden) if overridden == method => Method::Post,
            _ => method,
        };
        req.local_cache(|| OriginalMethod(Some(original)));
        let present = !data.peek(1).await.is_empty();
        req.local_cache(|| BodyPresent(present));
    }
}

/// The method Rocket 0.5 rewrites a `POST` to, exactly as its request preprocessing decides
/// (`rocket::Rocket::preprocess_request`): a form content type, a peek of
/// `"_method=delete".len()` bytes holding at least `"_method=get".len()`, valid UTF-8, the first
/// non-empty `&`-separated field parsed by [`Form::values`] named `_method`, and its raw value
/// a method. Keep in step with Rocket's code when upgrading it.
async fn method_override(req: &Request<'_>, data: &mut Data<'_>) -> Option<Method> {
    let (min_len, max_len) = ("_method=get".len(), "_method=delete".len());
    if !req.content_type().is_some_and(|ct| ct.is_form()) {
        return None;
    }
    let peek = data.peek(max_len).await;
    if peek.len() < min_len {
        return None;
    }
    std::str::from_utf8(peek)
        .ok()
        .and_then(|raw_form| Form::values(raw_form).next())
        .filter(|field| field.name == "_method")
        .and_then(|field| field.value.parse().ok())
}

fn status_of(e: &Error) -> Status {
    Status::new(e.status().as_u16())
}

/// Rebuilds the `http` request the core reads: the original method, the raw origin-form URI,
/// every header, and `body`. Without a `Host` header (HTTP/2), the URI is absolute with
/// Rocket's [`Request::host`] (the `:authority`) as its authority, where [`oauth1::Origin`]
/// looks for it; the URI's scheme is never used.
pub fn to_http(req: &Request<'_>, body: Vec<u8>) -> Result<http::Request<Vec<u8>>, Error> {
    fn unreadable<E>(_: E) -> Error {
        Error::malformed("the request cannot be read")
    }
    let method = req.local_cache(|| OriginalMethod(None)).0.unwrap_or_else(|| req.method());
    let mut out = http::Request::new(body);
    *out.method_mut() = http::Method::from_bytes(method.as_str().as_bytes()).map_err(unreadable)?;
    // The origin-form target as Rocket received it (its `Display` writes these same raw
    // strings), without the formatting machinery.
    let (path, query) = (req.uri().path().as_str(), req.uri().query().map(|q| q.as_str()));
    let authority = req.host().filter(|_| !req.headers().contains("host"));
    let mut target = String::with_capacity(path.len() + query.map_or(0, |q| q.len() + 1));
    if let Some(host) = authority {
        use std::fmt::Write as _;
        let _ = write!(target, "http://{host}");
    }
    target.push_str(path);
    if let Some(q) = query {
        target.push('?');
        target.push_str(q);
    }
    *out.uri_mut() = http::Uri::try_from(target).map_err(unreadable)?;
    let headers = out.headers_mut();
    headers.reserve(req.headers().len());
    for h in req.headers().iter() {
        let name = http::HeaderName::from_bytes(h.name().as_str().as_bytes()).map_err(unreadable)?;
        headers.append(name, http::HeaderValue::from_str(h.value()).map_err(unreadable)?);
    }
    Ok(out)
}

fn stash(req: &Request<'_>, e: &Error) {
    req.local_cache(|| StashedError(Some(e.clone())));
}

fn fail<T>(req: &Request<'_>, e: Error) -> Outcome<T, Error> {
    stash(req, &e);
    Outcome::Error((status_of(&e), e))
}

/// The credential of a header- or query-signed request (a request guard; never reads the body).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Signed {
    /// Who signed it.
    pub auth: Authenticated,
}

fn fairing_missing() -> Error {
    Error::with_description(ErrorKind::TemporarilyUnavailable, "the OAuth1 fairing is not attached")
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for Signed {
    type Error = Error;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Error> {
        let cached = req
            .local_cache_async(async {
                let Some(protector) = req.rocket().state::<ResourceProtector>() else {
                    return CachedVerification(Err(fairing_missing()));
                };
                let verified = match to_http(req, Vec::new()) {
                    Ok(http_req) => {
                        // The fairing peeked at the body: it knows whether there is one.
                        let hint =
                            if req.local_cache(|| BodyPresent(false)).0 { BodyHint::Present } else { BodyHint::Empty };
                        protector.verify_head(&http_req.into_parts().0, hint, Scope::Token).await
                    }
                    Err(e) => Err(e),
                };
                CachedVerification(verified)
            })
            .await;
        match &cached.0 {
            Ok(auth) => Outcome::Success(Signed { auth: auth.clone() }),
            Err(e) => fail(req, e.clone()),
        }
    }
}

impl Sentinel for Signed {
    fn abort(rocket: &Rocket<Ignite>) -> bool {
        rocket.state::<ResourceProtector>().is_none()
    }
}

/// The consent page's pending request, named by `?oauth_token=` (a request guard,
/// [RFC 5849 §2.2](https://www.rfc-editor.org/rfc/rfc5849#section-2.2)): exactly one
/// `oauth_token`, unknown, expired or already authorized ones refused (the core decides). Its
/// anti-forgery values are not bound to a session; with sessions, call
/// [`AuthorizationServer::pending_authorization_at`] in your handler.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct PendingConsent {
    /// The pending request, with the page's anti-forgery values.
    pub pending: PendingAuthorization,
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for PendingConsent {
    type Error = Error;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Error> {
        let Some(server) = req.rocket().state::<AuthorizationServer>() else {
            return fail(req, fairing_missing());
        };
        let pending = match to_http(req, Vec::new()) {
            Ok(http_req) => server.pending_authorization_at(http_req.uri(), "").await,
            Err(e) => Err(e),
        };
        match pending {
            Ok(pending) => Outcome::Success(PendingConsent { pending }),
            Err(e) => fail(req, e),
        }
    }
}

impl Sentinel for PendingConsent {
    fn abort(rocket: &Rocket<Ignite>) -> bool {
        rocket.state::<AuthorizationServer>().is_none()
    }
}

/// The body limit of the data guards: `limits.form/oauth1`, falling back to `form` (32 KiB).
fn limit(req: &Request<'_>) -> ByteUnit {
    req.limits().get("form/oauth1").unwrap_or(Limits::FORM)
}

/// Reads the whole body (413 when it is over the limit: never verify a truncated body).
async fn read_body<'r>(req: &'r Request<'_>, data: Data<'r>) -> Result<Vec<u8>, Error> {
    let capped =
        data.open(limit(req)).into_bytes().await.map_err(|_| Error::malformed("the body could not be read"))?;
    if !capped.is_complete() {
        return Err(Error::payload_too_large());
    }
    Ok(capped.into_inner())
}

async fn verify_with_body<'r>(
    req: &'r Request<'_>,
    data: Data<'r>,
    scope: Scope,
) -> Result<(Authenticated, Vec<u8>), Error> {
    let protector = req.rocket().state::<ResourceProtector>().ok_or_else(fairing_missing)?;
    let body = read_body(req, data).await?;
    let http_req = to_http(req, body)?;
    let who = protector.verify(&http_req, scope).await?;
    Ok((who, http_req.into_body()))
}

/// A data guard's outcome; a refusal is stashed for the catchers.
fn data_outcome<'r, T>(req: &'r Request<'_>, result: Result<T, Error>) -> rocket::data::Outcome<'r, T, Error> {
    match result {
        Ok(v) => rocket::data::Outcome::Success(v),
        Err(e) => {
            stash(req, &e);
            rocket::data::Outcome::Error((status_of(&e), e))
        }
    }
}

fn parse_form<T: for<'a> FromForm<'a> + 'static>(body: &[u8]) -> Result<T, Error> {
    let text = std::str::from_utf8(body).map_err(|_| Error::malformed("the form is not UTF-8"))?;
    Form::<T>::parse_encoded(text.into()).map_err(|e| Error::malformed(format!("the form does not parse: {e}")))
}

/// A form-signed request: the credential and the form parsed into `T` (a data guard).
#[derive(Debug)]
pub struct SignedForm<T> {
    /// Who signed it.
    pub auth: Authenticated,
    /// The form.
    pub form: T,
}

#[rocket::async_trait]
impl<'r, T: for<'a> FromForm<'a> + Send + 'static> FromData<'r> for SignedForm<T> {
    type Error = Error;

    async fn from_data(req: &'r Request<'_>, data: Data<'r>) -> rocket::data::Outcome<'r, Self> {
        let result = verify_with_body(req, data, Scope::Token).await;
        data_outcome(req, result.and_then(|(auth, body)| Ok(SignedForm { auth, form: parse_form(&body)? })))
    }
}

impl<T> Sentinel for SignedForm<T> {
    fn abort(rocket: &Rocket<Ignite>) -> bool {
        rocket.state::<ResourceProtector>().is_none()
    }
}

/// A signed request with any body (form parameters signed, or `oauth_body_hash` checked): the
/// credential and the raw body (a data guard).
#[derive(Debug)]
pub struct SignedBody {
    /// Who signed it.
    pub auth: Authenticated,
    /// The body.
    pub body: Vec<u8>,
}

#[rocket::async_trait]
impl<'r> FromData<'r> for SignedBody {
    type Error = Error;

    async fn from_data(req: &'r Request<'_>, data: Data<'r>) -> rocket::data::Outcome<'r, Self> {
        let result = verify_with_body(req, data, Scope::Token).await;
        data_outcome(req, result.map(|(auth, body)| SignedBody { auth, body }))
    }
}

impl Sentinel for SignedBody {
    fn abort(rocket: &Rocket<Ignite>) -> bool {
        rocket.state::<ResourceProtector>().is_none()
    }
}

/// A consumer-only (two-legged, LTI 1.1) form request: the credential (no token) and the form
/// parsed into `T` (a data guard).
#[derive(Debug)]
pub struct ConsumerForm<T> {
    /// The consumer that signed it.
    pub auth: Authenticated,
    /// The form.
    pub form: T,
}

#[rocket::async_trait]
impl<'r, T: for<'a> FromForm<'a> + Send + 'static> FromData<'r> for ConsumerForm<T> {
    type Error = Error;

    async fn from_data(req: &'r Request<'_>, data: Data<'r>) -> rocket::data::Outcome<'r, Self> {
        let result = verify_with_body(req, data, Scope::ConsumerOnly).await;
        data_outcome(req, result.and_then(|(auth, body)| Ok(ConsumerForm { auth, form: parse_form(&body)? })))
    }
}

impl<T> Sentinel for ConsumerForm<T> {
    fn abort(rocket: &Rocket<Ignite>) -> bool {
        rocket.state::<ResourceProtector>().is_none()
    }
}

/// The whole request for an endpoint (a data guard): reads form bodies up to the limit, never
/// other bodies.
#[derive(Debug)]
pub struct OAuthRequest(pub Result<http::Request<Vec<u8>>, Error>);

#[rocket::async_trait]
impl<'r> FromData<'r> for OAuthRequest {
    type Error = std::convert::Infallible;

    async fn from_data(req: &'r Request<'_>, data: Data<'r>) -> rocket::data::Outcome<'r, Self> {
        let is_form = req.content_type().is_some_and(|ct| ct.is_form());
        let body = if is_form { read_body(req, data).await } else { Ok(Vec::new()) };
        rocket::data::Outcome::Success(OAuthRequest(body.and_then(|b| to_http(req, b))))
    }
}

impl Sentinel for OAuthRequest {
    fn abort(rocket: &Rocket<Ignite>) -> bool {
        rocket.state::<AuthorizationServer>().is_none()
    }
}

/// Temporary credentials ([RFC 5849 §2.1](https://www.rfc-editor.org/rfc/rfc5849#section-2.1)):
/// the endpoint's response, success or error.
pub async fn temporary_credentials(server: &AuthorizationServer, req: &OAuthRequest) -> OAuthResponse {
    OAuthResponse(match &req.0 {
        Ok(r) => server.respond(server.temporary_credentials(r).await),
        Err(e) => server.error_response(e),
    })
}

/// Token credentials ([RFC 5849 §2.3](https://www.rfc-editor.org/rfc/rfc5849#section-2.3)):
/// the endpoint's response, success or error.
pub async fn token_credentials(server: &AuthorizationServer, req: &OAuthRequest) -> OAuthResponse {
    OAuthResponse(match &req.0 {
        Ok(r) => server.respond(server.token_credentials(r).await),
        Err(e) => server.error_response(e),
    })
}

/// A core response as a Rocket responder.
#[derive(Debug)]
pub struct OAuthResponse(pub http::Response<Vec<u8>>);

impl<'r> Responder<'r, 'static> for OAuthResponse {
    fn respond_to(self, _: &'r Request<'_>) -> response::Result<'static> {
        let (parts, body) = self.0.into_parts();
        let mut res = Response::build();
        res.status(Status::new(parts.status.as_u16()));
        for (name, value) in &parts.headers {
            if let Ok(v) = value.to_str() {
                res.raw_header_adjoin(name.as_str().to_owned(), v.to_owned());
            }
        }
        res.sized_body(body.len(), Cursor::new(body)).ok()
    }
}

/// An error as the core's response (status, form body, `WWW-Authenticate` with the server's
/// realm on a 401, `Allow` on a 405): return it from handlers that refuse with a core [`Error`].
#[derive(Debug, Clone)]
pub struct ErrorResponse(pub Error);

impl<'r> Responder<'r, 'static> for ErrorResponse {
    fn respond_to(self, req: &'r Request<'_>) -> response::Result<'static> {
        let realm = req.rocket().state::<ResourceProtector>().and_then(ResourceProtector::realm);
        OAuthResponse(self.0.to_response(realm)).respond_to(req)
    }
}

impl From<Error> for ErrorResponse {
    fn from(e: Error) -> Self {
        ErrorResponse(e)
    }
}

/// The refusal an `oauth1-rocket` guard stashed on this request, if its status is `status`:
/// for an app's own catcher that answers OAuth refusals itself (see [`catchers_over`]).
pub fn stashed_error(req: &Request<'_>, status: Status) -> Option<ErrorResponse> {
    let stashed = req.local_cache(|| StashedError(None)).0.clone()?;
    (status_of(&stashed) == status).then_some(ErrorResponse(stashed))
}

/// The statuses an `oauth1-rocket` guard fails with.
const STATUSES: [u16; 6] = [400, 401, 403, 405, 413, 503];

/// A catcher that answers the refusal a guard stashed, and otherwise hands over to `fallback`.
#[derive(Clone)]
struct StashedOr {
    fallback: Box<dyn rocket::catcher::Handler>,
}

#[rocket::async_trait]
impl rocket::catcher::Handler for StashedOr {
    async fn handle<'r>(&self, status: Status, req: &'r Request<'_>) -> rocket::catcher::Result<'r> {
        match stashed_error(req, status) {
            Some(refusal) => refusal.respond_to(req),
            None => self.fallback.handle(status, req).await,
        }
    }
}

/// Catchers for the statuses the guards fail with (400, 401, 403, 405, 413, 503). Each answers
/// with the core's response for the refusal an `oauth1-rocket` guard stashed on the request,
/// so routes may take [`Signed`] rather than `Result<Signed, Error>`; any other error of that
/// status (an unrelated guard's 401, a malformed form's 400) gets Rocket's default response,
/// as if these catchers were not there. To keep your own catchers for these statuses, use
/// [`catchers_over`].
pub fn catchers() -> Vec<Catcher> {
    catchers_over(Vec::new())
}

/// [`catchers`] over your own: for a status where `app` has a catcher, it answers every error
/// of that status that is not a stashed OAuth refusal; for the others, `app`'s default catcher
/// (`#[catch(default)]`) when it has one, else Rocket's; `app`'s catchers keep answering what they
/// answered. Register
/// the result at one base (registering [`catchers`] next to your own catcher for one of these
/// statuses at the same base is a collision Rocket refuses at launch: use this instead).
///
/// ```
/// use rocket::{catch, catchers, Request};
///
/// #[catch(401)]
/// fn login_required(_: &Request<'_>) -> &'static str {
///     "please sign in"
/// }
///
/// let all = oauth1_rocket::catchers_over(catchers![login_required]);
/// assert_eq!(all.len(), 6);
/// let _ = rocket::build().register("/", all);
/// ```
pub fn catchers_over(app: Vec<Catcher>) -> Vec<Catcher> {
    let mut app = app;
    let mut out = Vec::with_capacity(app.len() + STATUSES.len());
    let default =
        app.iter().find(|c| c.code.is_none()).map_or_else(|| Catcher::default().handler, |c| c.handler.clone());
    for code in STATUSES {
        let fallback = match app.iter().position(|c| c.code == Some(code)) {
            Some(i) => app.swap_remove(i).handler,
            None => default.clone(),
        };
        let mut catcher = Catcher::new(code, StashedOr { fallback });
        catcher.name = Some("oauth1-rocket refusal".into());
        out.push(catcher);
    }
    out.extend(app);
    out
}
