//! The photos demo provider on warp and the memory store, per `docs/demo-contract.md`;
//! everything but the routing is in `oauth1-demo`.
//!
//! `cargo run --release -p oauth1-warp --example photos`
//! (`OAUTH1_DEMO_ADDR`, default `127.0.0.1:8000`; `OAUTH1_DEMO_CLIENTS`, a JSON clients file;
//! `OAUTH1_DEMO_REDIS_URL`, Redis for nonces and credentials shared by several processes;
//! `OAUTH1_DEMO_DATABASE_URL`, a SQL database for clients and token credentials, e.g.
//! `sqlite://photos.db?mode=rwc`).
//!
//! Served by [`oauth1_warp::serve`], which bounds slow clients: `OAUTH1_DEMO_HEADER_TIMEOUT_MS`
//! (default 10000) for each request head and idle connection, `OAUTH1_DEMO_REQUEST_TIMEOUT_MS`
//! (default 30000) for each request after its head, body included, and
//! `OAUTH1_DEMO_MAX_CONNECTIONS` (default 1024) connections at once.
#![allow(missing_docs)]

use std::collections::HashMap;

use bytes::Bytes;
use oauth1::consent::ConsentProof;
use oauth1::encoding::decode_form;
use oauth1::server::PendingAuthorization;
use oauth1::{Authenticated, AuthorizationServer, Error, ErrorKind};
use oauth1_demo as demo;
use oauth1_warp::DEFAULT_BODY_LIMIT;
use warp::Filter;
use warp::http::{HeaderMap, Response};

fn json(body: String) -> Response<String> {
    let mut res = Response::new(body);
    res.headers_mut().insert("content-type", warp::http::HeaderValue::from_static("application/json"));
    res
}

fn photos_from(
    who: &Authenticated,
    pairs: &[(std::borrow::Cow<'_, str>, std::borrow::Cow<'_, str>)],
) -> Response<String> {
    json(demo::photos_json(
        who.user_id(),
        Some(who.consumer_key()),
        demo::first(pairs, "file"),
        demo::first(pairs, "size"),
    ))
}

/// The consent page: the anti-forgery cookie, the page's security headers, the form.
fn consent_page(pending: &PendingAuthorization) -> Response<String> {
    let mut res = Response::new(demo::consent_page(pending));
    let headers = res.headers_mut();
    headers.insert("content-type", warp::http::HeaderValue::from_static("text/html; charset=utf-8"));
    headers.extend(oauth1::consent::page_headers());
    headers.insert("set-cookie", pending.anti_forgery.set_cookie(false));
    res
}

async fn decide(
    server: AuthorizationServer,
    cookies: HeaderMap,
    form: HashMap<String, String>,
) -> Result<Response<Vec<u8>>, warp::Rejection> {
    let reject = |e: Error| warp::reject::custom(oauth1_warp::Rejected::new(e));
    let field = |name: &str| form.get(name).map(String::as_str).unwrap_or_default();
    let token = field("oauth_token");
    let proof = ConsentProof::new(
        oauth1::consent::cookie_value(&cookies, oauth1::consent::COOKIE_NAME).unwrap_or_default(),
        field(oauth1::consent::FORM_FIELD),
    );
    match field("decision") {
        "allow" => {
            let user = field("user");
            if user.is_empty() {
                return Err(reject(Error::missing("user")));
            }
            Ok(server.grant(token, user, &proof).await.map_err(reject)?.to_response())
        }
        "deny" => Ok(server.deny(token, &proof).await.map_err(reject)?.to_response()),
        _ => Err(reject(Error::with_description(ErrorKind::InvalidParameter, "decision must be allow or deny"))),
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (stores, config) = demo::provider_from_env().await?;
    let server = AuthorizationServer::new(stores, config);
    println!("{}", demo::PLAINTEXT_WARNING);
    let protector = server.resource_protector();

    let initiate = warp::path!("initiate").and(oauth1_warp::temporary_credentials(server.clone(), DEFAULT_BODY_LIMIT));
    let token = warp::path!("token").and(oauth1_warp::token_credentials(server.clone(), DEFAULT_BODY_LIMIT));
    let consent = warp::path!("authorize")
        .and(warp::get())
        .and(oauth1_warp::pending_authorization(server.clone()))
        .map(|pending: PendingAuthorization| consent_page(&pending));
    let decision = {
        let server = server.clone();
        warp::path!("authorize")
            .and(warp::post())
            .and(warp::body::content_length_limit(DEFAULT_BODY_LIMIT))
            .and(warp::header::headers_cloned())
            .and(warp::body::form::<HashMap<String, String>>())
            .and_then(move |cookies, form| decide(server.clone(), cookies, form))
    };
    let query_pairs = warp::query::raw().or(warp::any().map(String::new)).unify();
    // Some clients sign a GET with the OAuth parameters in a form body (the body transport on
    // every method): `protected_form` reads a bounded form body when one comes, and verifies
    // header- or query-signed GETs without one just the same.
    let photos_get = warp::path!("photos")
        .and(warp::get())
        .and(query_pairs)
        .and(oauth1_warp::protected_form(protector.clone(), DEFAULT_BODY_LIMIT))
        .map(|query: String, who: Authenticated, body: Bytes| {
            let mut pairs = decode_form(&query).unwrap_or_default();
            pairs.extend(decode_form(std::str::from_utf8(&body).unwrap_or_default()).unwrap_or_default());
            photos_from(&who, &pairs)
        });
    let photos_post = warp::path!("photos")
        .and(warp::post())
        .and(oauth1_warp::protected_form(protector.clone(), DEFAULT_BODY_LIMIT))
        .map(|who: Authenticated, body: Bytes| {
            let text = std::str::from_utf8(&body).unwrap_or_default();
            photos_from(&who, &decode_form(text).unwrap_or_default())
        });
    let public = warp::path!("public").and(warp::get()).and(query_pairs).map(|query: String| {
        let pairs = decode_form(&query).unwrap_or_default();
        json(demo::photos_json(None, None, demo::first(&pairs, "file"), demo::first(&pairs, "size")))
    });

    let routes = initiate
        .or(token)
        .or(consent)
        .or(decision)
        .or(photos_get)
        .or(photos_post)
        .or(public)
        .recover(oauth1_warp::recover);

    let limits = oauth1_warp::ServeLimits::from_env_with_prefix("OAUTH1_DEMO_")?;
    let listener = tokio::net::TcpListener::bind(demo::addr_from_env()).await?;
    println!("listening on http://{}", listener.local_addr()?);
    oauth1_warp::serve(routes, listener, limits).await;
    Ok(())
}
