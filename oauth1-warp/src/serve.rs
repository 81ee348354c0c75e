//! [`serve`]: warp routes behind deadlines for slow clients and a connection limit.
//!
//! `warp::serve` has no knobs: it waits as long as a client likes for a request head, a request
//! body or the next keep-alive request, and accepts every connection. [`serve`] runs the same
//! routes (through [`warp::service`], so every filter behaves as under `warp::serve`) on
//! [`oauth1_serve`], the engine `oauth1_rocket::front` shares, which bounds them.

use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use warp::{Filter, Reply};

/// The limits [`serve`] enforces: [`oauth1_serve::Limits`] (10 s for each request head, 30 s
/// for each request, 1,024 connections by default).
pub use oauth1_serve::Limits as ServeLimits;
/// The address of the peer of a request's connection, for [`warp::ext::get`] under [`serve`]
/// (`warp::addr::remote()` only works under `warp::serve`).
pub use oauth1_serve::PeerAddr;

/// Serves `filter` on `listener` until the future is dropped, as `warp::serve(filter)` does
/// (HTTP/1.1 and HTTP/2 with prior knowledge, upgrades), with deadlines for slow clients and a
/// connection limit: [`oauth1_serve::serve`] with `warp::service(filter)`, whose docs say what
/// each limit does. In short: a client has [`ServeLimits::header_read_timeout`] (10 s) to send
/// each request head (idle keep-alive connections included), a request has
/// [`ServeLimits::request_timeout`] (30 s) to be answered, body included, or gets `408`, and at
/// [`ServeLimits::max_connections`] (1,024) the connection that has waited longest for a
/// request head is closed to make room for a new one.
///
/// The peer's address is in the request's extensions as [`PeerAddr`]. Upgraded connections
/// (WebSocket) stop counting once upgraded.
///
/// ```no_run
/// use std::time::Duration;
/// use warp::Filter;
///
/// #[tokio::main]
/// async fn main() -> std::io::Result<()> {
///     let routes = warp::path!("public").map(|| "hello");
///     let listener = tokio::net::TcpListener::bind("127.0.0.1:8000").await?;
///     let limits = oauth1_warp::ServeLimits::default().header_read_timeout(Duration::from_secs(5));
///     oauth1_warp::serve(routes, listener, limits).await;
///     Ok(())
/// }
/// ```
pub async fn serve<F>(filter: F, listener: TcpListener, limits: ServeLimits)
where
    F: Filter + Clone + Send + Sync + 'static,
    F::Extract: Reply,
{
    let service = TowerToHyperService::new(warp::service(filter));
    match oauth1_serve::serve(service, listener, limits).await {}
}
