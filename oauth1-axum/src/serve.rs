//! [`serve`]: an axum [`Router`] behind deadlines for slow clients and a connection limit.
//!
//! `axum::serve` has no such knobs: it waits as long as a client likes for a request head or
//! body, and accepts every connection. [`serve`] runs the router on [`oauth1_serve`], the
//! engine of `oauth1_warp::serve` and `oauth1_rocket::front`, which bounds them.

use axum::Router;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;

/// The limits [`serve`] enforces: [`oauth1_serve::Limits`] (10 s for each request head, 30 s
/// for each request, 1,024 connections by default).
pub use oauth1_serve::Limits as ServeLimits;
/// The address of the peer of a request's connection, in its extensions under [`serve`]
/// (`Extension<PeerAddr>`; axum's `ConnectInfo` only works under `axum::serve`).
pub use oauth1_serve::PeerAddr;

/// Serves `router` on `listener` until the future is dropped (HTTP/1.1 and HTTP/2 with prior
/// knowledge, upgrades), with deadlines for slow clients and a connection limit:
/// [`oauth1_serve::serve`], whose docs say what each limit does. In short: a client has
/// [`ServeLimits::header_read_timeout`] (10 s) to send each request head (idle keep-alive
/// connections included), a request has [`ServeLimits::request_timeout`] (30 s) to be
/// answered, body included, or gets `408`, and at [`ServeLimits::max_connections`] (1,024)
/// the connection that has waited longest for a request head is closed to make room.
///
/// ```no_run
/// use std::time::Duration;
/// use axum::{Router, routing::get};
///
/// #[tokio::main]
/// async fn main() -> std::io::Result<()> {
///     let app = Router::new().route("/public", get(|| async { "hello" }));
///     let listener = tokio::net::TcpListener::bind("127.0.0.1:8000").await?;
///     let limits = oauth1_axum::ServeLimits::default().header_read_timeout(Duration::from_secs(5));
///     oauth1_axum::serve(app, listener, limits).await;
///     Ok(())
/// }
/// ```
pub async fn serve(router: Router, listener: TcpListener, limits: ServeLimits) {
    let service = TowerToHyperService::new(router);
    match oauth1_serve::serve(service, listener, limits).await {}
}
