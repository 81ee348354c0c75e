//! The filters behind a real warp server on 127.0.0.1: HTTP/2 with prior knowledge (h2c, no
//! `Host` header, bodies without `Content-Length`) and HTTP/1.1 chunked bodies, spoken with
//! hyper's client: the scenarios of `oauth1_tests::wire`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, missing_docs)]

use std::net::SocketAddr;

use bytes::Bytes;
use oauth1::Authenticated;
use oauth1_tests::Provider;
use tokio::net::TcpListener;
use warp::{Filter, Reply};

const LIMIT: u64 = 1024;

/// Starts the routes on 127.0.0.1 (a free port); the server ends with the test's runtime.
async fn serve(p: &Provider) -> SocketAddr {
    let rp = p.server.resource_protector();
    let initiate = warp::path!("oauth" / "initiate").and(oauth1_warp::temporary_credentials(p.server.clone(), LIMIT));
    let photos = warp::path!("photos")
        .and(oauth1_warp::protected(rp.clone()))
        .map(|who: Authenticated| who.user_id().unwrap_or_default().to_owned());
    let form_route =
        warp::path!("form").and(oauth1_warp::protected_form(rp, LIMIT)).map(|who: Authenticated, body: Bytes| {
            format!("{}:{}", who.user_id().unwrap_or_default(), String::from_utf8_lossy(&body))
        });
    let routes = initiate
        .map(Reply::into_response)
        .or(photos.map(Reply::into_response))
        .unify()
        .or(form_route.map(Reply::into_response))
        .unify()
        .recover(oauth1_warp::recover);
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(warp::serve(routes).incoming(listener).run());
    addr
}

oauth1_tests::wire_tests!(serve, h2c_unsigned_form_body_without_content_length_is_refused_by_protected);
