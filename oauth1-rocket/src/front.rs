//! [`launch`]: Rocket behind a small front server with deadlines for slow clients and a
//! connection limit.
//!
//! Rocket 0.5 cannot bound slow clients: its server builds hyper's connection with
//! `header_read_timeout(None)` and no timer, `Config` has no timeout (`keep_alive` only turns
//! HTTP/1 keep-alive on or off, `limits` bound sizes, not time), there is no connection
//! limit, and it cannot be launched on a listener of one's own. So the front serves the public
//! address itself, with the deadlines and the limit, and forwards each request to Rocket
//! listening on an internal loopback port. The docs of [`launch`] say what each limit does.
//! The front is [`oauth1_serve`] (the engine of `oauth1_warp::serve` too) with a forwarding
//! service; this module is the forwarding.

use std::convert::Infallible;
use std::future::IntoFuture;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::pin::pin;
use std::sync::Arc;
use std::time::Duration;

use http::header::{CONNECTION, EXPECT, HOST, TE, TRANSFER_ENCODING, UPGRADE};
use http::{HeaderMap, HeaderName, HeaderValue, Request, Response, StatusCode, Uri, Version};
use http_body_util::{Either, Full};
use hyper::body::{Bytes, Incoming};
use hyper::service::service_fn;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioTimer};
use oauth1_serve::{PeerAddr, refusal};
use rocket::fairing::AdHoc;
use rocket::{Build, Config, Ignite, Rocket};
use tokio::net::TcpListener;

/// The limits [`launch`] enforces: [`oauth1_serve::Limits`] (10 s for each request head, 30 s
/// for each request, 1,024 client connections by default). Rocket sees at most
/// `max_connections` connections from the front; keep it below the process's open-file limit
/// (`ulimit -n`), which the front's connections to Rocket and Rocket's own count against too.
pub use oauth1_serve::Limits;

/// Launches `rocket` on an internal port (`127.0.0.1`, chosen by the system) and serves the
/// public `listener` in front of it, forwarding every request, until Rocket shuts down.
/// Returns what [`Rocket::launch`] returns. Attach an `on_liftoff` fairing to announce the
/// public address: Rocket's own `config()` names the internal one.
///
/// The front speaks HTTP/1.1 (as Rocket without its `http2` feature) and bounds slow clients:
///
/// * **Request heads**: a client has [`Limits::header_read_timeout`] (10 s) to send a
///   complete request head, from when its connection opens or its previous request ends, and
///   is then disconnected. That covers a client that sends nothing, one that sends a partial
///   head and stalls, one that trickles a head a byte at a time, and idle keep-alive
///   connections.
/// * **Requests**: once its head is read, a request has [`Limits::request_timeout`] (30 s)
///   to be answered, its body included: past it the client gets `408 Request Timeout` and
///   `Connection: close`, and the forwarded request is dropped (Rocket sees its connection
///   close). Sending the response has no deadline of its own.
/// * **Connections**: at most [`Limits::max_connections`] (1,024) are served at once. At
///   the limit a new connection is still accepted, and the connection that has waited longest
///   for a request head (a stalled one, or an idle keep-alive one) is closed to make room: a
///   client that sends its request promptly is served at once even while the limit is full of
///   stalled connections. Only when every connection is in the middle of a request does
///   accepting pause, until one ends (at most `request_timeout` later); new connections then
///   wait in the kernel's backlog.
///
/// Rocket sees every request as the client sent it (method, target, `Host`, the other headers
/// and the body), except the hop-by-hop headers (`Connection`, `Keep-Alive`,
/// `Proxy-Connection`, `TE`, `Transfer-Encoding`, `Upgrade`) and `Expect`, which the front
/// answers itself; the body is framed anew. Its connections come from `127.0.0.1`: when the
/// request lacks Rocket's `ip_header` (default `X-Real-IP`), the front adds it with the
/// client's address, so [`rocket::Request::client_ip`] is what it would be without the front
/// ([`rocket::Request::remote`] is the loopback address). Not supported: TLS on Rocket
/// (terminate it before the front) and protocol upgrades (WebSocket).
///
/// ```no_run
/// use std::time::Duration;
/// use rocket::fairing::AdHoc;
///
/// #[rocket::main]
/// async fn main() -> Result<(), Box<dyn std::error::Error>> {
///     let listener = tokio::net::TcpListener::bind("0.0.0.0:8000").await?;
///     let public = listener.local_addr()?;
///     let rocket = rocket::build()
///         .attach(AdHoc::on_liftoff("announce", move |_| {
///             Box::pin(async move { println!("listening on http://{public}") })
///         }));
///     let limits = oauth1_rocket::front::Limits::default().header_read_timeout(Duration::from_secs(5));
///     let _ = oauth1_rocket::front::launch(rocket, listener, limits).await?;
///     Ok(())
/// }
/// ```
pub async fn launch(
    rocket: Rocket<Build>,
    listener: TcpListener,
    limits: Limits,
) -> Result<Rocket<Ignite>, rocket::Error> {
    let internal =
        rocket.figment().clone().merge((Config::ADDRESS, IpAddr::V4(Ipv4Addr::LOCALHOST))).merge((Config::PORT, 0u16));
    let (ready, bound) = tokio::sync::oneshot::channel();
    let rocket = rocket.configure(internal).attach(AdHoc::on_liftoff("oauth1 front", move |rocket| {
        Box::pin(async move {
            let config = rocket.config();
            let ip_header = config.ip_header.as_ref().and_then(|h| HeaderName::from_bytes(h.as_str().as_bytes()).ok());
            let _ = ready.send((SocketAddr::new(config.address, config.port), ip_header));
        })
    }));
    let mut launch = pin!(rocket.launch());
    let bound = tokio::select! {
        ended = launch.as_mut() => return ended,
        bound = bound => bound,
    };
    let Ok((upstream, ip_header)) = bound else { return launch.await };
    let proxy = Arc::new(Proxy::new(upstream, ip_header));
    let forward = service_fn(move |req: Request<Incoming>| {
        let proxy = proxy.clone();
        async move { Ok::<_, Infallible>(proxy.answer(req).await) }
    });
    // HTTP/1.1, as Rocket; `TCP_NODELAY`, as response bodies are forwarded chunk by chunk.
    let front = oauth1_serve::serve(forward, listener, limits).http1_only().tcp_nodelay(true);
    tokio::select! {
        ended = launch => ended,
        never = front.into_future() => match never {},
    }
}

/// Forwards requests to Rocket.
struct Proxy {
    client: Client<HttpConnector, Incoming>,
    upstream: SocketAddr,
    ip_header: Option<HeaderName>,
}

type FrontBody = Either<Incoming, Full<Bytes>>;

impl Proxy {
    fn new(upstream: SocketAddr, ip_header: Option<HeaderName>) -> Self {
        let mut connector = HttpConnector::new();
        connector.set_nodelay(true);
        let client = Client::builder(TokioExecutor::new())
            .pool_timer(TokioTimer::new())
            .pool_idle_timeout(Duration::from_secs(30))
            .set_host(false)
            .build(connector);
        Proxy { client, upstream, ip_header }
    }

    /// Rocket's answer to `req` (the front answers 408 in its place past the request timeout).
    async fn answer(&self, req: Request<Incoming>) -> Response<FrontBody> {
        let version = req.version();
        let Some(req) = self.upstream_request(req) else {
            return refusal(StatusCode::BAD_REQUEST, version).map(Either::Right);
        };
        match self.client.request(req).await {
            Ok(res) => {
                let (mut parts, body) = res.into_parts();
                remove_hop_by_hop(&mut parts.headers);
                Response::from_parts(parts, Either::Left(body))
            }
            Err(_unreachable) => refusal(StatusCode::BAD_GATEWAY, version).map(Either::Right),
        }
    }

    /// `req` addressed to Rocket; `None` for a target that cannot be forwarded (`*`).
    fn upstream_request(&self, req: Request<Incoming>) -> Option<Request<Incoming>> {
        let (mut parts, body) = req.into_parts();
        let peer = parts.extensions.get::<PeerAddr>().map(|&PeerAddr(peer)| peer);
        // An absolute-form target names the host in place of `Host`.
        if let Some(authority) = parts.uri.authority().filter(|_| !parts.headers.contains_key(HOST)) {
            parts.headers.insert(HOST, HeaderValue::from_str(authority.as_str()).ok()?);
        }
        let target = parts.uri.path_and_query().map_or("/", |pq| pq.as_str());
        if !target.starts_with('/') {
            return None;
        }
        parts.uri = Uri::try_from(format!("http://{}{target}", self.upstream)).ok()?;
        parts.version = Version::HTTP_11;
        remove_hop_by_hop(&mut parts.headers);
        parts.headers.remove(EXPECT);
        if let (Some(name), Some(peer)) =
            (self.ip_header.as_ref().filter(|name| !parts.headers.contains_key(*name)), peer)
        {
            parts.headers.insert(name.clone(), HeaderValue::from_str(&peer.ip().to_string()).ok()?);
        }
        Some(Request::from_parts(parts, body))
    }
}

fn remove_hop_by_hop(headers: &mut HeaderMap) {
    for name in [CONNECTION, TE, TRANSFER_ENCODING, UPGRADE] {
        headers.remove(name);
    }
    headers.remove("keep-alive");
    headers.remove("proxy-connection");
}
