//! An adapter's routes behind a real server on 127.0.0.1: HTTP/2 with prior knowledge (h2c, no
//! `Host` header, bodies without `Content-Length`) and HTTP/1.1 chunked bodies, spoken with
//! hyper's client. Each adapter's `tests/wire.rs` starts its own server (`serve`) with these
//! routes and runs the scenarios against it through [`wire_tests!`](crate::wire_tests):
//!
//! - `/oauth/initiate`: the temporary credentials endpoint, reading form bodies;
//! - `/photos` (GET, POST): a protected resource that does not read bodies, answering the
//!   user id;
//! - `/form` (GET, POST): a protected resource reading form bodies of at most 1024 bytes,
//!   answering `{user id}:{body}`.

use std::convert::Infallible;
use std::net::SocketAddr;

use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Empty};
use hyper::body::{Bytes, Frame};
use hyper_util::rt::{TokioExecutor, TokioIo};
use oauth1::Transport;
use tokio::net::TcpStream;

use crate::{form, request, signer};

type Body = BoxBody<Bytes, Infallible>;

/// A body with no known length: hyper sends it without `Content-Length` (HTTP/2 DATA frames,
/// or HTTP/1.1 chunked), in two pieces.
fn streamed(bytes: &[u8]) -> Body {
    let (a, b) = bytes.split_at(bytes.len() / 2);
    BodyExt::boxed(Chunks([Bytes::copy_from_slice(a), Bytes::copy_from_slice(b)].into()))
}

/// Data frames of unknown total length.
struct Chunks(std::collections::VecDeque<Bytes>);

impl hyper::body::Body for Chunks {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        std::task::Poll::Ready(self.0.pop_front().map(|b| Ok(Frame::data(b))))
    }
}

fn empty() -> Body {
    BodyExt::boxed(Empty::new())
}

struct Reply2 {
    status: u16,
    body: String,
}

/// Sends `req` over a fresh HTTP/2 prior-knowledge connection: `:authority` from its URI, no
/// `Host` header (unless `req` has one).
async fn h2(addr: SocketAddr, req: http::Request<Body>) -> Reply2 {
    let stream = TcpStream::connect(addr).await.unwrap();
    let (mut sender, conn) =
        hyper::client::conn::http2::handshake(TokioExecutor::new(), TokioIo::new(stream)).await.unwrap();
    tokio::spawn(conn);
    let res = sender.send_request(req).await.unwrap();
    assert_eq!(res.version(), http::Version::HTTP_2);
    let status = res.status().as_u16();
    let body = res.into_body().collect().await.unwrap().to_bytes();
    Reply2 { status, body: String::from_utf8(body.to_vec()).unwrap() }
}

/// Sends `req` over HTTP/1.1 (origin-form target, `Host` from its URI).
async fn h1(addr: SocketAddr, req: http::Request<Body>) -> Reply2 {
    let stream = TcpStream::connect(addr).await.unwrap();
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await.unwrap();
    tokio::spawn(conn);
    let (mut parts, body) = req.into_parts();
    let host = parts.uri.authority().unwrap().as_str().parse().unwrap();
    parts.headers.insert("host", host);
    parts.uri = parts.uri.path_and_query().unwrap().as_str().parse().unwrap();
    let res = sender.send_request(http::Request::from_parts(parts, body)).await.unwrap();
    let status = res.status().as_u16();
    let body = res.into_body().collect().await.unwrap().to_bytes();
    Reply2 { status, body: String::from_utf8(body.to_vec()).unwrap() }
}

/// A signed request with its body swapped for `body`.
fn with_body(req: http::Request<Vec<u8>>, body: Body) -> http::Request<Body> {
    let (parts, _) = req.into_parts();
    http::Request::from_parts(parts, body)
}

/// A signed GET over h2c (no `Host` header) is verified with the `:authority` pseudo-header,
/// signed in the header or in the query.
pub async fn h2c_signed_get_is_verified_with_the_authority_pseudo_header(addr: SocketAddr) {
    let req = signer()
        .token("valid-token", "valid-token-secret")
        .sign(request("GET", &format!("http://{addr}/photos?size=original"), None))
        .unwrap();
    assert!(!req.headers().contains_key("host"));
    let r = h2(addr, with_body(req, empty())).await;
    assert_eq!((r.status, r.body.as_str()), (200, "1"));
    // The query signature too.
    let req = signer()
        .token("valid-token", "valid-token-secret")
        .transport(Transport::Query)
        .sign(request("GET", &format!("http://{addr}/photos"), None))
        .unwrap();
    let r = h2(addr, with_body(req, empty())).await;
    assert_eq!((r.status, r.body.as_str()), (200, "1"));
}

/// A header-signed request whose form body the signature does not cover, sent without
/// `Content-Length`: `/photos` never sees the body and must refuse it.
pub async fn h2c_unsigned_form_body_without_content_length_is_refused(addr: SocketAddr) {
    let uri = format!("http://{addr}/photos");
    for host_header in [true, false] {
        let mut req = request("POST", &uri, Some(""));
        if host_header {
            // Isolates the body from the missing-Host finding.
            req.headers_mut().insert("host", addr.to_string().parse().unwrap());
        }
        let req =
            signer().token("valid-token", "valid-token-secret").nonce(format!("n{host_header}")).sign(req).unwrap();
        let r = h2(addr, with_body(req, streamed(b"admin=true&user=mallory"))).await;
        assert_eq!(r.status, 400, "Host header: {host_header}: {}", r.body);
        assert!(form(r.body.as_bytes())["error_description"].contains("does not read request bodies"), "{}", r.body);
    }
    // The same request with no body at all passes.
    let req = signer()
        .token("valid-token", "valid-token-secret")
        .nonce("empty")
        .sign(request("POST", &uri, Some("")))
        .unwrap();
    let r = h2(addr, with_body(req, empty())).await;
    assert_eq!((r.status, r.body.as_str()), (200, "1"));
}

/// Form bodies streamed without Content-Length (h2c, or HTTP/1.1 chunked) are read, limited
/// (413 without a Content-Length to say so up front) and read by the endpoints too.
pub async fn streamed_form_bodies(addr: SocketAddr, http2: bool) {
    let send = |req: http::Request<Vec<u8>>| {
        let body = req.body().clone();
        let req = with_body(req, streamed(&body));
        async move { if http2 { h2(addr, req).await } else { h1(addr, req).await } }
    };
    let token = || signer().token("valid-token", "valid-token-secret").transport(Transport::Body);
    let r = send(token().sign(request("POST", &format!("http://{addr}/form"), Some("a=1"))).unwrap()).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.starts_with("1:a=1&oauth_"), "{}", r.body);
    let big = format!("a={}", "x".repeat(2000));
    let r = send(token().sign(request("POST", &format!("http://{addr}/form"), Some(&big))).unwrap()).await;
    assert_eq!(r.status, 413, "{}", r.body);
    assert_eq!(form(r.body.as_bytes())["error"], "request_too_large");
    let initiate = signer().callback("oob").transport(Transport::Body);
    let r = send(initiate.sign(request("POST", &format!("http://{addr}/oauth/initiate"), Some(""))).unwrap()).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(form(r.body.as_bytes()).contains_key("oauth_token"));
}

/// [`streamed_form_bodies`] over HTTP/1.1 chunked, and `/photos` refuses a chunked form body it
/// does not read.
pub async fn http1_chunked_form_bodies_are_read_and_limited(addr: SocketAddr) {
    streamed_form_bodies(addr, false).await;
    let req = signer()
        .token("valid-token", "valid-token-secret")
        .sign(request("POST", &format!("http://{addr}/photos"), Some("")))
        .unwrap();
    let r = h1(addr, with_body(req, streamed(b"admin=true"))).await;
    assert_eq!(r.status, 400, "{}", r.body);
}

/// The scenarios above as `#[tokio::test]` functions of the calling test crate, each against
/// a server started by `$serve` (`async fn serve(&Provider) -> SocketAddr`) on a
/// [`Provider`](crate::Provider) with a token; `$refused` names the test of
/// [`h2c_unsigned_form_body_without_content_length_is_refused`] (after the adapter's type):
/// `oauth1_tests::wire_tests!(serve, h2c_unsigned_form_body_without_content_length_is_refused_by_signed);`.
#[macro_export]
macro_rules! wire_tests {
    ($serve:ident, $refused:ident) => {
        #[tokio::test]
        async fn h2c_signed_get_is_verified_with_the_authority_pseudo_header() {
            let p = $crate::Provider::new().with_token().await;
            $crate::wire::h2c_signed_get_is_verified_with_the_authority_pseudo_header($serve(&p).await).await;
        }

        #[tokio::test]
        async fn $refused() {
            let p = $crate::Provider::new().with_token().await;
            $crate::wire::h2c_unsigned_form_body_without_content_length_is_refused($serve(&p).await).await;
        }

        #[tokio::test]
        async fn h2c_form_bodies_without_content_length_are_read_and_limited() {
            let p = $crate::Provider::new().with_token().await;
            $crate::wire::streamed_form_bodies($serve(&p).await, true).await;
        }

        #[tokio::test]
        async fn http1_chunked_form_bodies_are_read_and_limited() {
            let p = $crate::Provider::new().with_token().await;
            $crate::wire::http1_chunked_form_bodies_are_read_and_limited($serve(&p).await).await;
        }
    };
}
