//! The photos demo provider on axum and the memory store, per `docs/demo-contract.md`;
//! everything but the routing is in `oauth1-demo`.
//!
//! `cargo run --release -p oauth1-axum --example photos`
//! (`OAUTH1_DEMO_ADDR`, default `127.0.0.1:8000`; `OAUTH1_DEMO_CLIENTS`, a JSON clients file;
//! `OAUTH1_DEMO_REDIS_URL`, Redis for nonces and credentials shared by several processes).
//!
//! Served by [`oauth1_axum::serve`], which bounds slow clients: `OAUTH1_DEMO_HEADER_TIMEOUT_MS`
//! (default 10000) for each request head and idle connection, `OAUTH1_DEMO_REQUEST_TIMEOUT_MS`
//! (default 30000) for each request after its head, body included, and
//! `OAUTH1_DEMO_MAX_CONNECTIONS` (default 1024) connections at once.
#![allow(missing_docs)]

use std::collections::HashMap;

use axum::extract::{DefaultBodyLimit, RawQuery, State};
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Form, Router};
use oauth1::consent::ConsentProof;
use oauth1::encoding::{FormPair, decode_form};
use oauth1::{AuthorizationServer, Error, ErrorKind};
use oauth1_axum::{
    ConsentCookie, DEFAULT_BODY_LIMIT, OAuthRejection, OAuthResponse, OAuthState, PendingConsent, SignedBody,
};
use oauth1_demo as demo;

fn json(body: String) -> Response {
    ([(CONTENT_TYPE, "application/json")], body).into_response()
}

fn pairs(text: &[u8]) -> Vec<FormPair<'_>> {
    decode_form(std::str::from_utf8(text).unwrap_or_default()).unwrap_or_default()
}

/// The consent page: the anti-forgery cookie, the page's security headers, the form.
async fn consent(consent: PendingConsent) -> Response {
    let html = demo::consent_page(&consent.0);
    consent.page(html)
}

async fn decide(
    State(server): State<AuthorizationServer>,
    ConsentCookie(cookie): ConsentCookie,
    Form(form): Form<HashMap<String, String>>,
) -> Result<OAuthResponse, OAuthRejection> {
    let field = |name: &str| form.get(name).map(String::as_str).unwrap_or_default();
    let token = field("oauth_token");
    let proof = ConsentProof::new(&cookie, field(oauth1::consent::FORM_FIELD));
    match field("decision") {
        "allow" => {
            let user = field("user");
            if user.is_empty() {
                return Err(Error::missing("user").into());
            }
            Ok(OAuthResponse(server.grant(token, user, &proof).await?.to_response()))
        }
        "deny" => Ok(OAuthResponse(server.deny(token, &proof).await?.to_response())),
        _ => Err(Error::with_description(ErrorKind::InvalidParameter, "decision must be allow or deny").into()),
    }
}

/// `GET /photos`. Some clients sign a GET with the OAuth parameters in a form body (the body
/// transport on every method): `SignedBody` reads a bounded body when one comes, and verifies
/// header- or query-signed GETs without one just the same.
async fn photos_get(RawQuery(query): RawQuery, SignedBody(who, body): SignedBody) -> Response {
    let mut fields = decode_form(query.as_deref().unwrap_or_default()).unwrap_or_default();
    fields.extend(pairs(&body));
    json(demo::photos_json(
        who.user_id(),
        Some(who.consumer_key()),
        demo::first(&fields, "file"),
        demo::first(&fields, "size"),
    ))
}

async fn photos_post(SignedBody(who, body): SignedBody) -> Response {
    let fields = pairs(&body);
    json(demo::photos_json(
        who.user_id(),
        Some(who.consumer_key()),
        demo::first(&fields, "file"),
        demo::first(&fields, "size"),
    ))
}

async fn public(RawQuery(query): RawQuery) -> Response {
    let fields = decode_form(query.as_deref().unwrap_or_default()).unwrap_or_default();
    json(demo::photos_json(None, None, demo::first(&fields, "file"), demo::first(&fields, "size")))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (stores, config) = demo::provider_from_env().await?;
    let server = AuthorizationServer::new(stores, config);
    println!("{}", demo::PLAINTEXT_WARNING);

    let app = Router::new()
        .merge(oauth1_axum::endpoints(server.clone()))
        .route("/authorize", get(consent).post(decide).layer(DefaultBodyLimit::max(DEFAULT_BODY_LIMIT)))
        .route("/photos", get(photos_get).post(photos_post))
        .route("/public", get(public))
        .with_state(OAuthState::new(server));

    let limits = oauth1_axum::ServeLimits::from_env_with_prefix("OAUTH1_DEMO_")?;
    let listener = tokio::net::TcpListener::bind(demo::addr_from_env()).await?;
    println!("listening on http://{}", listener.local_addr()?);
    oauth1_axum::serve(app, listener, limits).await;
    Ok(())
}
