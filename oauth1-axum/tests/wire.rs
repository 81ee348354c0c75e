//! The extractors and endpoints behind a real server on 127.0.0.1 (`oauth1_axum::serve`):
//! HTTP/2 with prior knowledge (h2c, no `Host` header, bodies without `Content-Length`) and
//! HTTP/1.1 chunked bodies, spoken with hyper's client: the scenarios of `oauth1_tests::wire`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, missing_docs)]

use std::net::SocketAddr;

use axum::routing::get;
use axum::{Extension, Router};
use oauth1_axum::{BodyLimit, OAuthState, ServeLimits, Signed, SignedBody};
use oauth1_tests::Provider;
use tokio::net::TcpListener;

const LIMIT: usize = 1024;

/// Starts the routes on 127.0.0.1 (a free port); the server ends with the test's runtime.
async fn serve(p: &Provider) -> SocketAddr {
    let app = Router::new()
        .nest("/oauth", oauth1_axum::endpoints(p.server.clone()))
        .route("/photos", get(photos).post(photos))
        .route("/form", get(form_route).post(form_route))
        .with_state(OAuthState::new(p.server.clone()))
        .layer(Extension(BodyLimit::new(LIMIT)));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(oauth1_axum::serve(app, listener, ServeLimits::default()));
    addr
}

async fn photos(Signed(who): Signed) -> String {
    who.user_id().unwrap_or_default().to_owned()
}

async fn form_route(SignedBody(who, body): SignedBody) -> String {
    format!("{}:{}", who.user_id().unwrap_or_default(), String::from_utf8_lossy(&body))
}

oauth1_tests::wire_tests!(serve, h2c_unsigned_form_body_without_content_length_is_refused_by_signed);
