//! `serve` on 127.0.0.1 with a small service and short limits, driven over raw TCP. The
//! adapters' `slow_clients` tests cover the rest against their demos.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::convert::Infallible;
use std::future::IntoFuture;
use std::net::SocketAddr;
use std::time::Duration;

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::service::service_fn;
use hyper::{Request, Response};
use oauth1_serve::{Limits, PeerAddr};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Serves, on a free port, a service that answers `/slow` after 10 s and anything else at once
/// with the peer's address.
async fn start(limits: Limits) -> SocketAddr {
    let service = service_fn(|req: Request<Incoming>| async move {
        if req.uri().path() == "/slow" {
            tokio::time::sleep(Duration::from_secs(10)).await;
        }
        let peer = req.extensions().get::<PeerAddr>().map(|PeerAddr(addr)| addr.to_string());
        Ok::<_, Infallible>(Response::new(Full::new(Bytes::from(peer.unwrap_or_default()))))
    });
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(oauth1_serve::serve(service, listener, limits).into_future());
    addr
}

/// Everything the server sends until it closes the connection (EOF or reset; at most 5 s).
async fn read_to_close(stream: &mut TcpStream) -> String {
    let mut got = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut got)).await;
    assert!(read.is_ok(), "the connection is still open after 5 s");
    String::from_utf8_lossy(&got).into_owned()
}

fn get(path: &str) -> String {
    format!("GET {path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")
}

#[tokio::test]
async fn serves_with_the_peer_address_in_the_extensions() {
    let addr = start(Limits::default()).await;
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(get("/").as_bytes()).await.unwrap();
    let response = read_to_close(&mut stream).await;
    assert!(response.starts_with("HTTP/1.1 200 OK\r\n"), "{response}");
    assert!(response.ends_with(&stream.local_addr().unwrap().to_string()), "{response}");
}

#[tokio::test]
async fn a_request_past_the_request_timeout_is_answered_408_and_closed() {
    let addr = start(Limits::default().request_timeout(Duration::from_millis(200))).await;
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(b"GET /slow HTTP/1.1\r\nHost: test\r\n\r\n").await.unwrap();
    let response = read_to_close(&mut stream).await;
    assert!(response.starts_with("HTTP/1.1 408 Request Timeout\r\n"), "{response}");
    assert!(response.to_ascii_lowercase().contains("\r\nconnection: close\r\n"), "{response}");
}

#[tokio::test]
async fn a_stalled_head_is_closed_after_the_header_timeout() {
    let addr = start(Limits::default().header_read_timeout(Duration::from_millis(200))).await;
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(b"GET / HTTP/1.1\r\nHost: te").await.unwrap();
    let response = read_to_close(&mut stream).await;
    assert!(!response.contains("200 OK"), "{response}");
}

#[tokio::test]
async fn at_the_limit_the_connection_waiting_longest_for_its_head_makes_room() {
    let addr = start(Limits::default().max_connections(1)).await;
    let mut stalled = TcpStream::connect(addr).await.unwrap();
    stalled.write_all(b"GET / HTTP/1.1\r\nHost: te").await.unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;

    let mut fresh = TcpStream::connect(addr).await.unwrap();
    fresh.write_all(get("/").as_bytes()).await.unwrap();
    let response = read_to_close(&mut fresh).await;
    assert!(response.starts_with("HTTP/1.1 200 OK\r\n"), "{response}");
    let closed = read_to_close(&mut stalled).await;
    assert!(!closed.contains("200 OK"), "{closed}");
}
