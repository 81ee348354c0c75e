//! # oauth1-serve: a hyper service on a tokio listener, bounded against slow clients
//!
//! Neither `warp::serve` nor Rocket 0.5 bounds slow clients: they wait as long as a client
//! likes for a request head, a request body or the next keep-alive request, and accept every
//! connection. Clients that open connections and then send nothing, or a byte now and then,
//! hold the server's sockets and memory for as long as they like; enough of them (thousands,
//! from one machine) and legitimate requests time out.
//!
//! [`serve`] runs any hyper [`Service`] (a tower service through
//! [`hyper_util::service::TowerToHyperService`]) on a [`TcpListener`] with hyper's connection
//! builder, deadlines for request heads and requests, and a connection limit; [`Limits`] holds
//! them and the docs of [`serve`] say what each does. It is the one engine behind both
//! adapters: `oauth1_warp::serve` passes `warp::service(routes)`, and `oauth1_rocket::front`
//! passes a service that forwards to Rocket on an internal loopback port ([`Serve::http1_only`]).
//!
//! ```no_run
//! use std::convert::Infallible;
//! use std::time::Duration;
//!
//! use http_body_util::Full;
//! use hyper::body::{Bytes, Incoming};
//! use hyper::service::service_fn;
//! use hyper::{Request, Response};
//! use oauth1_serve::{Limits, PeerAddr};
//!
//! #[tokio::main(flavor = "current_thread")]
//! async fn main() -> std::io::Result<()> {
//!     let hello = service_fn(|req: Request<Incoming>| async move {
//!         let peer = req.extensions().get::<PeerAddr>().map(|PeerAddr(addr)| *addr);
//!         Ok::<_, Infallible>(Response::new(Full::new(Bytes::from(format!("hello {peer:?}\n")))))
//!     });
//!     let listener = tokio::net::TcpListener::bind("127.0.0.1:8000").await?;
//!     let limits = Limits::default().header_read_timeout(Duration::from_secs(5));
//!     match oauth1_serve::serve(hello, listener, limits).await {}
//! }
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

use std::convert::Infallible;
use std::error::Error as StdError;
use std::fmt;
use std::future::{Future, IntoFuture};
use std::net::SocketAddr;
use std::pin::{Pin, pin};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use http_body_util::{Either, Full};
use hyper::body::{Body, Bytes, Frame, Incoming, SizeHint};
use hyper::header::{CONNECTION, CONTENT_TYPE, HeaderValue};
use hyper::service::{Service, service_fn};
use hyper::{Request, Response, StatusCode, Version};
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulConnection;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

mod conns;

use conns::{Busy, Closing, Registration, Waiting};

/// The limits [`serve`] enforces; see there. Build with [`Limits::default`] and the consuming
/// setters:
///
/// ```
/// use std::time::Duration;
/// let limits = oauth1_serve::Limits::default()
///     .header_read_timeout(Duration::from_secs(5))
///     .request_timeout(Duration::from_secs(20))
///     .max_connections(4096);
/// # let _ = limits;
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    header_read_timeout: Duration,
    request_timeout: Duration,
    max_connections: usize,
}

impl Default for Limits {
    /// 10 s for each request head (and for an idle connection), 30 s for each request after its
    /// head, 1,024 connections.
    fn default() -> Self {
        Limits {
            header_read_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            max_connections: 1024,
        }
    }
}

impl Limits {
    /// How long a client may take to send a complete request head, counted from when the
    /// connection opens or its previous request ends; an idle connection is closed after as
    /// long. Default: 10 s.
    pub fn header_read_timeout(mut self, timeout: Duration) -> Self {
        self.header_read_timeout = timeout;
        self
    }

    /// How long the service may take to answer a request, counted from the end of its head:
    /// reading the body is part of it. Past it the answer is `408 Request Timeout` and an
    /// HTTP/1 connection is closed. Default: 30 s.
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = timeout;
        self
    }

    /// How many connections are served at once (at least 1). Keep it below the process's
    /// open-file limit (`ulimit -n`), counting any other sockets the process opens per
    /// connection (a forwarding service's own connections). Default: 1,024.
    pub fn max_connections(mut self, max: usize) -> Self {
        self.max_connections = max;
        self
    }

    /// [`Limits::default`], with the limits that environment variables named with `prefix`
    /// set: `{prefix}HEADER_TIMEOUT_MS` ([`Limits::header_read_timeout`], in milliseconds),
    /// `{prefix}REQUEST_TIMEOUT_MS` ([`Limits::request_timeout`], in milliseconds) and
    /// `{prefix}MAX_CONNECTIONS` ([`Limits::max_connections`]). An unset variable keeps the
    /// default; one that is not a whole number is an error naming it.
    ///
    /// ```no_run
    /// // OAUTH1_DEMO_HEADER_TIMEOUT_MS, OAUTH1_DEMO_REQUEST_TIMEOUT_MS, OAUTH1_DEMO_MAX_CONNECTIONS
    /// let limits = oauth1_serve::Limits::from_env_with_prefix("OAUTH1_DEMO_")?;
    /// # let _ = limits;
    /// # Ok::<(), oauth1_serve::EnvError>(())
    /// ```
    pub fn from_env_with_prefix(prefix: &str) -> Result<Self, EnvError> {
        Self::from_lookup(prefix, |name| std::env::var(name))
    }

    /// [`Limits::from_env_with_prefix`] over any lookup of variables.
    fn from_lookup(
        prefix: &str,
        lookup: impl Fn(&str) -> Result<String, std::env::VarError>,
    ) -> Result<Self, EnvError> {
        let var = |suffix: &str| -> Result<Option<u64>, EnvError> {
            let name = format!("{prefix}{suffix}");
            match lookup(&name) {
                Ok(v) => v.parse().map(Some).map_err(|e| EnvError(format!("{name}={v}: {e}"))),
                Err(std::env::VarError::NotPresent) => Ok(None),
                Err(e) => Err(EnvError(format!("{name}: {e}"))),
            }
        };
        let mut limits = Limits::default();
        if let Some(ms) = var("HEADER_TIMEOUT_MS")? {
            limits = limits.header_read_timeout(Duration::from_millis(ms));
        }
        if let Some(ms) = var("REQUEST_TIMEOUT_MS")? {
            limits = limits.request_timeout(Duration::from_millis(ms));
        }
        if let Some(n) = var("MAX_CONNECTIONS")? {
            let n = usize::try_from(n).map_err(|e| EnvError(format!("{prefix}MAX_CONNECTIONS={n}: {e}")))?;
            limits = limits.max_connections(n);
        }
        Ok(limits)
    }
}

/// An environment variable read by [`Limits::from_env_with_prefix`] that is not a whole number
/// (or not Unicode); the message names it and its value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnvError(String);

impl fmt::Display for EnvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl StdError for EnvError {}

/// The address of the peer of a request's connection, in every request's extensions under
/// [`serve`] (`warp::addr::remote()` only works under `warp::serve`: warp keeps its own type
/// private).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PeerAddr(pub SocketAddr);

/// Serves `service` on `listener` (once awaited) until the future is dropped, over HTTP/1.1
/// and HTTP/2 with prior knowledge (h2c), with upgrades, deadlines for slow clients and a
/// connection limit:
///
/// * **Request heads**: a client has [`Limits::header_read_timeout`] (10 s) to send a complete
///   request head, from when its connection opens or its previous request ends, and is then
///   disconnected. That covers a client that sends nothing, one that sends a partial head (or
///   HTTP/2 preface) and stalls, one that trickles a head a byte at a time (each byte resets
///   no timer), and idle keep-alive connections (HTTP/1 between requests, HTTP/2 with no open
///   stream).
/// * **Requests**: once its head is read, a request has [`Limits::request_timeout`] (30 s) to
///   be answered, reading its body included: a body that stalls or trickles cannot hold a
///   request longer. Past it the client gets `408 Request Timeout` (with `Connection: close`
///   on HTTP/1) and the service's future is dropped. Sending the response has no deadline of
///   its own.
/// * **Connections**: at most [`Limits::max_connections`] (1,024) are served at once. At the
///   limit a new connection is still accepted, and the connection that has waited longest for
///   a request head (a stalled one, or an idle keep-alive one) is closed to make room: a client
///   that sends its request promptly is served at once even while the limit is full of stalled
///   connections, and an attacker must open connections faster than legitimate clients send
///   their heads to keep them out. Only when every connection is in the middle of a request
///   does accepting pause, until one ends (at most `request_timeout` later); new connections
///   then wait in the kernel's backlog. (Accepting and closing at once would fail every
///   legitimate client while the limit is full; only pausing would make them wait up to a
///   header timeout behind every stalled connection queued before them.)
///
/// The peer's address is in the request's extensions as [`PeerAddr`]. Upgraded connections
/// (WebSocket) stop counting once upgraded. A request that arrives on a connection just closed
/// to make room is answered `503 Service Unavailable`. The service's errors go to hyper, which
/// closes the connection (HTTP/1) or resets the stream (HTTP/2).
///
/// The [`Serve`] returned serves when awaited (its output, [`Infallible`], never comes); set
/// its other settings (HTTP/1.1 only, `TCP_NODELAY`) first.
pub fn serve<S>(service: S, listener: TcpListener, limits: Limits) -> Serve<S> {
    Serve { service, listener, limits, http1_only: false, nodelay: false }
}

/// A server [`serve`] has set up: `.await` it to serve, after changing its settings.
///
/// ```no_run
/// use std::convert::Infallible;
///
/// use http_body_util::Full;
/// use hyper::body::{Bytes, Incoming};
/// use hyper::service::service_fn;
/// use hyper::{Request, Response};
/// use oauth1_serve::Limits;
///
/// # async fn run() -> std::io::Result<()> {
/// let service = service_fn(|_: Request<Incoming>| async {
///     Ok::<_, Infallible>(Response::new(Full::new(Bytes::from_static(b"hello\n"))))
/// });
/// let listener = tokio::net::TcpListener::bind("127.0.0.1:8000").await?;
/// let server = oauth1_serve::serve(service, listener, Limits::default()).http1_only().tcp_nodelay(true);
/// match server.await {}
/// # }
/// ```
#[must_use = "a server serves only when awaited"]
pub struct Serve<S> {
    service: S,
    listener: TcpListener,
    limits: Limits,
    http1_only: bool,
    nodelay: bool,
}

impl<S> Serve<S> {
    /// Speaks HTTP/1.1 (and 1.0) only, without upgrades: an HTTP/2 preface is an HTTP/1
    /// parse error. For a service that forwards to a server that speaks HTTP/1.1 only.
    pub fn http1_only(mut self) -> Self {
        self.http1_only = true;
        self
    }

    /// Sets `TCP_NODELAY` on every accepted connection (when `nodelay`; default: as the system
    /// sets it): responses are sent as written rather than coalesced, which a service that
    /// forwards a response body chunk by chunk wants.
    pub fn tcp_nodelay(mut self, nodelay: bool) -> Self {
        self.nodelay = nodelay;
        self
    }
}

impl<S> fmt::Debug for Serve<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Serve")
            .field("listener", &self.listener)
            .field("limits", &self.limits)
            .field("http1_only", &self.http1_only)
            .field("nodelay", &self.nodelay)
            .finish_non_exhaustive()
    }
}

impl<S, B> IntoFuture for Serve<S>
where
    S: Service<Request<Incoming>, Response = Response<B>> + Send + Sync + 'static,
    S::Future: Send + 'static,
    S::Error: Into<Box<dyn StdError + Send + Sync>>,
    B: Body<Data = Bytes> + Send + 'static,
    B::Error: Into<Box<dyn StdError + Send + Sync>>,
{
    type Output = Infallible;
    type IntoFuture = Pin<Box<dyn Future<Output = Infallible> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        let Serve { service, listener, limits, http1_only, nodelay } = self;
        Box::pin(async move {
            let mut builder = auto::Builder::new(TokioExecutor::new());
            builder.http1().timer(TokioTimer::new()).header_read_timeout(limits.header_read_timeout);
            if http1_only {
                builder = builder.http1_only();
            }
            let builder = Arc::new(builder);
            let service = Arc::new(service);
            let slots = Arc::new(Semaphore::new(limits.max_connections.clamp(1, Semaphore::MAX_PERMITS)));
            let waiting = Arc::new(Waiting::default());
            loop {
                let (stream, peer) = match listener.accept().await {
                    Ok(accepted) => accepted,
                    Err(e) => {
                        conns::accept_failed(&e, &waiting).await;
                        continue;
                    }
                };
                if nodelay {
                    let _ = stream.set_nodelay(true);
                }
                let permit = conns::slot(&slots, &waiting).await;
                let registration = Registration::open(waiting.clone());
                let (builder, service, limits) = (builder.clone(), service.clone(), limits.clone());
                tokio::spawn(async move {
                    let _permit = permit;
                    let tracker = registration.tracker();
                    let handler = service_fn(move |mut req: Request<Incoming>| {
                        req.extensions_mut().insert(PeerAddr(peer));
                        let (service, tracker, timeout) = (service.clone(), tracker.clone(), limits.request_timeout);
                        async move {
                            let busy = tracker.begin();
                            let res = match busy {
                                Some(_) => answer_within(&*service, req, timeout).await?,
                                None => refusal(StatusCode::SERVICE_UNAVAILABLE, req.version()).map(Either::Right),
                            };
                            Ok::<_, S::Error>(res.map(|body| Tracked { body, _busy: busy }))
                        }
                    });
                    let io = TokioIo::new(stream);
                    let idle_timeout = limits.header_read_timeout;
                    if http1_only {
                        run(builder.serve_connection(io, handler), &registration, idle_timeout).await;
                    } else {
                        run(builder.serve_connection_with_upgrades(io, handler), &registration, idle_timeout).await;
                    }
                });
            }
        })
    }
}

/// A plain-text answer of `status` (its reason phrase, `text/plain; charset=utf-8`), with
/// `Connection: close` when `version` is HTTP/1: what [`serve`] answers itself (408 past the
/// request timeout, 503 on a connection closed to make room), for services that refuse a
/// request without reading its body the same way.
pub fn refusal(status: StatusCode, version: Version) -> Response<Full<Bytes>> {
    let reason = status.canonical_reason().unwrap_or_default();
    let mut res = Response::new(Full::new(Bytes::from_static(reason.as_bytes())));
    *res.status_mut() = status;
    let headers = res.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
    if version < Version::HTTP_2 {
        headers.insert(CONNECTION, HeaderValue::from_static("close"));
    }
    res
}

/// The service's answer to `req`, or 408 once `timeout` has passed.
async fn answer_within<S, B>(
    service: &S,
    req: Request<Incoming>,
    timeout: Duration,
) -> Result<Response<Either<B, Full<Bytes>>>, S::Error>
where
    S: Service<Request<Incoming>, Response = Response<B>>,
{
    let version = req.version();
    match tokio::time::timeout(timeout, service.call(req)).await {
        Ok(answered) => Ok(answered?.map(Either::Left)),
        Err(_elapsed) => Ok(refusal(StatusCode::REQUEST_TIMEOUT, version).map(Either::Right)),
    }
}

/// How long a connection closed for idling may take to close gracefully.
const GRACE: Duration = Duration::from_secs(1);

/// Drives `connection` until it ends or is to be closed.
async fn run<C: GracefulConnection>(connection: C, registration: &Registration, idle_timeout: Duration) {
    let mut connection = pin!(connection);
    let closing = tokio::select! {
        _ = connection.as_mut() => return,
        closing = registration.watch(idle_timeout) => closing,
    };
    // Idle too long: closed gracefully if that is prompt (an HTTP/2 client is told, GOAWAY).
    // Closed to make room: at once. Dropping the connection closes it.
    if closing == Closing::Idle {
        connection.as_mut().graceful_shutdown();
        let _ = tokio::time::timeout(GRACE, connection).await;
    }
}

pin_project_lite::pin_project! {
    /// A response body that keeps its request in flight until it is sent or dropped.
    struct Tracked<B> {
        #[pin]
        body: B,
        _busy: Option<Busy>,
    }
}

impl<B: Body> Body for Tracked<B> {
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<B::Data>, B::Error>>> {
        self.project().body.poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use std::env::VarError;

    use super::*;

    fn lookup(vars: &[(&str, &str)]) -> impl Fn(&str) -> Result<String, VarError> {
        let vars: Vec<(String, String)> = vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        move |name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).ok_or(VarError::NotPresent)
    }

    #[test]
    fn from_env_keeps_the_defaults_when_nothing_is_set() {
        assert_eq!(Limits::from_lookup("P_", lookup(&[])), Ok(Limits::default()));
    }

    #[test]
    fn from_env_reads_each_variable_with_the_prefix() {
        let limits = Limits::from_lookup(
            "P_",
            lookup(&[("P_HEADER_TIMEOUT_MS", "2000"), ("P_REQUEST_TIMEOUT_MS", "3000"), ("P_MAX_CONNECTIONS", "8")]),
        );
        let expected = Limits::default()
            .header_read_timeout(Duration::from_secs(2))
            .request_timeout(Duration::from_secs(3))
            .max_connections(8);
        assert_eq!(limits, Ok(expected));
        // Another prefix's variables are not read.
        assert_eq!(Limits::from_lookup("Q_", lookup(&[("P_MAX_CONNECTIONS", "8")])), Ok(Limits::default()));
    }

    #[test]
    fn from_env_names_a_bad_variable() {
        let err = Limits::from_lookup("P_", lookup(&[("P_MAX_CONNECTIONS", "many")])).unwrap_err();
        assert!(err.to_string().starts_with("P_MAX_CONNECTIONS=many: "), "{err}");
    }

    #[test]
    fn refusal_closes_http1_connections_only() {
        let res = refusal(StatusCode::REQUEST_TIMEOUT, Version::HTTP_11);
        assert_eq!(res.status(), StatusCode::REQUEST_TIMEOUT);
        assert_eq!(res.headers()[CONNECTION], "close");
        assert_eq!(res.headers()[CONTENT_TYPE], "text/plain; charset=utf-8");
        assert!(!refusal(StatusCode::REQUEST_TIMEOUT, Version::HTTP_2).headers().contains_key(CONNECTION));
    }
}
