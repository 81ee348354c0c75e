//! The photos demo provider on Rocket and the memory store, per `docs/demo-contract.md`;
//! everything but the routing is in `oauth1-demo`.
//!
//! `cargo run --release -p oauth1-rocket --example photos`
//! (`OAUTH1_DEMO_ADDR`, default `127.0.0.1:8000`; `OAUTH1_DEMO_CLIENTS`, a JSON clients file;
//! `OAUTH1_DEMO_REDIS_URL`, Redis for nonces and credentials shared by several processes;
//! `OAUTH1_DEMO_DATABASE_URL`, a SQL database for clients and token credentials, e.g.
//! `sqlite://photos.db?mode=rwc`).
//!
//! Rocket 0.5 cannot bound slow clients, so the demo serves `OAUTH1_DEMO_ADDR` with
//! [`oauth1_rocket::front::launch`], which forwards to Rocket on an internal loopback port:
//! `OAUTH1_DEMO_HEADER_TIMEOUT_MS` (default 10000) for each request head and idle connection,
//! `OAUTH1_DEMO_REQUEST_TIMEOUT_MS` (default 30000) for each request after its head, body
//! included, and `OAUTH1_DEMO_MAX_CONNECTIONS` (default 1024) connections at once.
#![allow(missing_docs)]

use std::net::SocketAddr;

use oauth1::consent::ConsentProof;
use oauth1::{AuthorizationServer, Error, ErrorKind};
use oauth1_demo as demo;
use oauth1_rocket::{ErrorResponse, OAuth1, OAuthRequest, OAuthResponse, PendingConsent, SignedBody, SignedForm};
use rocket::data::{Data, FromData};
use rocket::fairing::AdHoc;
use rocket::form::{Form, FromForm};
use rocket::http::Method;
use rocket::request::{FromRequest, Request};
use rocket::response::content::RawJson;
use rocket::route::{self, Handler, Route};
use rocket::{State, get, post, routes};

#[post("/initiate", data = "<req>")]
async fn initiate(server: &State<AuthorizationServer>, req: OAuthRequest) -> OAuthResponse {
    oauth1_rocket::temporary_credentials(server, &req).await
}

#[post("/token", data = "<req>")]
async fn token(server: &State<AuthorizationServer>, req: OAuthRequest) -> OAuthResponse {
    oauth1_rocket::token_credentials(server, &req).await
}

#[get("/authorize")]
async fn consent(consent: Result<PendingConsent, Error>) -> Result<OAuthResponse, ErrorResponse> {
    let pending = consent?.pending;
    let mut res = http::Response::new(demo::consent_page(&pending).into_bytes());
    let headers = res.headers_mut();
    headers.insert("content-type", http::HeaderValue::from_static("text/html; charset=utf-8"));
    headers.extend(oauth1::consent::page_headers());
    headers.insert("set-cookie", pending.anti_forgery.set_cookie(false));
    Ok(OAuthResponse(res))
}

#[derive(FromForm)]
struct Decision<'r> {
    oauth_token: &'r str,
    user: Option<&'r str>,
    decision: &'r str,
    #[field(name = "oauth1_consent")]
    anti_forgery: Option<&'r str>,
}

/// The anti-forgery cookie as the core reads it (`consent::cookie_value`: two cookies of the
/// name, one perhaps planted, count as none).
struct ConsentCookie(String);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for ConsentCookie {
    type Error = std::convert::Infallible;

    async fn from_request(req: &'r Request<'_>) -> rocket::request::Outcome<Self, Self::Error> {
        let mut headers = http::HeaderMap::new();
        for value in req.headers().get("cookie") {
            if let Ok(v) = http::HeaderValue::from_str(value) {
                headers.append(http::header::COOKIE, v);
            }
        }
        let value = oauth1::consent::cookie_value(&headers, oauth1::consent::COOKIE_NAME).unwrap_or_default();
        rocket::request::Outcome::Success(ConsentCookie(value.to_owned()))
    }
}

#[post("/authorize", data = "<form>")]
async fn decide(
    server: &State<AuthorizationServer>,
    cookie: ConsentCookie,
    form: Form<Decision<'_>>,
) -> Result<OAuthResponse, ErrorResponse> {
    let proof = ConsentProof::new(&cookie.0, form.anti_forgery.unwrap_or_default());
    match form.decision {
        "allow" => {
            let user = form.user.filter(|u| !u.is_empty()).ok_or_else(|| Error::missing("user"))?;
            Ok(OAuthResponse(server.grant(form.oauth_token, user, &proof).await?.to_response()))
        }
        "deny" => Ok(OAuthResponse(server.deny(form.oauth_token, &proof).await?.to_response())),
        _ => Err(Error::with_description(ErrorKind::InvalidParameter, "decision must be allow or deny").into()),
    }
}

/// `GET /photos`. Some clients sign a GET with the OAuth parameters in a form body (the body
/// transport on every method), so this route reads a bounded body with the `SignedBody` data
/// guard, which also verifies header- and query-signed GETs. Rocket's attribute routes warn on
/// `data` for GET, so it is a handler of its own.
#[derive(Clone)]
struct PhotosGet;

#[rocket::async_trait]
impl Handler for PhotosGet {
    async fn handle<'r>(&self, req: &'r Request<'_>, data: Data<'r>) -> route::Outcome<'r> {
        match SignedBody::from_data(req, data).await {
            rocket::data::Outcome::Success(SignedBody { auth, body }) => {
                let text = std::str::from_utf8(&body).unwrap_or_default();
                let pairs = oauth1::encoding::decode_form(text).unwrap_or_default();
                let field = |name: &str| {
                    req.query_value::<&str>(name).and_then(Result::ok).or_else(|| demo::first(&pairs, name))
                };
                let json = demo::photos_json(auth.user_id(), Some(auth.consumer_key()), field("file"), field("size"));
                route::Outcome::from(req, RawJson(json))
            }
            rocket::data::Outcome::Error((_, e)) => route::Outcome::from(req, ErrorResponse(e)),
            rocket::data::Outcome::Forward((data, status)) => route::Outcome::forward(data, status),
        }
    }
}

impl From<PhotosGet> for Vec<Route> {
    fn from(handler: PhotosGet) -> Self {
        vec![Route::new(Method::Get, "/photos", handler)]
    }
}

#[derive(FromForm)]
struct Photo {
    file: Option<String>,
    size: Option<String>,
}

#[post("/photos", data = "<signed>")]
fn photos_form(signed: SignedForm<Photo>) -> RawJson<String> {
    let SignedForm { auth, form } = signed;
    RawJson(demo::photos_json(auth.user_id(), Some(auth.consumer_key()), form.file.as_deref(), form.size.as_deref()))
}

#[get("/public?<file>&<size>")]
fn public(file: Option<&str>, size: Option<&str>) -> RawJson<String> {
    RawJson(demo::photos_json(None, None, file, size))
}

#[rocket::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let addr: SocketAddr = demo::addr_from_env().parse()?;
    let (stores, config) = demo::provider_from_env().await?;
    let server = AuthorizationServer::new(stores, config);
    println!("{}", demo::PLAINTEXT_WARNING);
    let figment = rocket::Config::figment().merge(("log_level", "critical")).merge(("cli_colors", false));
    // Rocket listens on an internal port behind `oauth1_rocket::front`, which serves `addr`.
    let limits = oauth1_rocket::front::Limits::from_env_with_prefix("OAUTH1_DEMO_")?;
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let public_addr = listener.local_addr()?;
    let rocket = rocket::custom(figment)
        .attach(OAuth1::fairing(server))
        .attach(AdHoc::on_liftoff("announce", move |_| {
            Box::pin(async move {
                println!("listening on http://{public_addr}");
            })
        }))
        .mount("/", routes![initiate, token, consent, decide, photos_form, public])
        .mount("/", PhotosGet)
        .register("/", oauth1_rocket::catchers());
    let _ = oauth1_rocket::front::launch(rocket, listener, limits).await?;
    Ok(())
}
