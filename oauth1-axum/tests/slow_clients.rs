//! Slow clients against the photos demo (`examples/photos.rs`) as its own process, with short
//! limits set through its environment: the shared tests of `oauth1_tests::slow_clients`.
//! Also here: HTTP/2 with prior knowledge, which warp and axum serve (Rocket's front is HTTP/1.1).
#![allow(clippy::unwrap_used, missing_docs)]

use std::time::{Duration, Instant};

use oauth1_tests::process::{Demo, example_binary};

const PACKAGE: &str = "oauth1-axum";

oauth1_tests::slow_clients_tests!(PACKAGE);

fn demo(env: &[(&str, &str)]) -> Demo {
    Demo::start(&example_binary(PACKAGE, "photos"), env)
}

/// HTTP/2 with prior knowledge (h2c) is still served, and an HTTP/2 connection with no open
/// stream is closed after the header timeout (2 s here): within 10 s.
#[tokio::test]
async fn h2c_is_served_and_an_idle_http2_connection_is_closed() {
    use http_body_util::{BodyExt, Empty};
    use hyper_util::rt::{TokioExecutor, TokioIo};

    let demo = demo(&[("OAUTH1_DEMO_HEADER_TIMEOUT_MS", "2000")]);
    let stream = tokio::net::TcpStream::connect(&demo.addr).await.unwrap();
    let (mut sender, connection) =
        hyper::client::conn::http2::handshake(TokioExecutor::new(), TokioIo::new(stream)).await.unwrap();
    let connection = tokio::spawn(connection);
    let req = http::Request::get(format!("http://{}/public?file=vacation.jpg", demo.addr))
        .body(Empty::<axum::body::Bytes>::new())
        .unwrap();
    let res = sender.send_request(req).await.unwrap();
    assert_eq!((res.version(), res.status().as_u16()), (http::Version::HTTP_2, 200));
    let body = res.into_body().collect().await.unwrap().to_bytes();
    assert!(String::from_utf8_lossy(&body).contains("vacation.jpg"), "{body:?}");

    let idle = Instant::now();
    let closed = tokio::time::timeout(Duration::from_secs(10), connection).await;
    eprintln!("idle HTTP/2 connection: {closed:?} after {:?}", idle.elapsed());
    assert!(closed.is_ok(), "an idle HTTP/2 connection was still open after 10 s");
    assert!(idle.elapsed() >= Duration::from_secs(1), "closed before the header timeout: {:?}", idle.elapsed());
}
