//! The authorization server's endpoints: temporary credentials
//! ([RFC 5849 §2.1](https://www.rfc-editor.org/rfc/rfc5849#section-2.1)) and token credentials
//! ([§2.3](https://www.rfc-editor.org/rfc/rfc5849#section-2.3)), as handlers or as a ready
//! [`Router`] to `nest`. They answer every outcome themselves with the core's response: a
//! refusal (400, 401 with the realm, 405 with `Allow: POST` for another method, 413 over the
//! [`BodyLimit`], 503) is the response, not a rejection. Form bodies are read, other bodies
//! never are. Resource-owner authorization (§2.2) is your page: see [`crate::consent`].
//!
//! ```
//! # use std::sync::Arc;
//! use axum::{Router, body::Body, http::Request};
//! use oauth1::sign::Signer;
//! use tower::ServiceExt;
//! # use oauth1::{AuthorizationServer, Config, Stores, store::Client};
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! # let store = Arc::new(oauth1_memory::MemoryStore::new());
//! # store.insert_client(Client::new("dpf43f3p2l4k3l03", "kd94hf93k423kf44"));
//! # let server = AuthorizationServer::new(Stores::single(store), Config::default().with_realm("Photos"));
//!
//! let app: Router = Router::new().nest("/oauth", oauth1_axum::endpoints(server));
//!
//! // Accepted: the printer asks for temporary credentials (the signature covers the nested path).
//! let printer = Signer::new("dpf43f3p2l4k3l03", "kd94hf93k423kf44").callback("oob");
//! let req = printer.sign(Request::post("http://photos.example.net/oauth/initiate").body(Vec::new())?)?;
//! let res = app.clone().oneshot(req.map(Body::from)).await?;
//! assert_eq!(res.status(), 200);
//!
//! // Refused: another method (405 with `Allow: POST`).
//! let res = app.oneshot(Request::get("http://photos.example.net/oauth/initiate").body(Body::empty())?).await?;
//! assert_eq!((res.status().as_u16(), res.headers()["allow"].to_str()?), (405, "POST"));
//! # Ok::<_, Box<dyn std::error::Error>>(())
//! # }).unwrap();
//! ```

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::routing::any;
use oauth1::request::is_form;
use oauth1::{AuthorizationServer, Error};

use crate::OAuthResponse;
use crate::body::{BodyLimit, read_limited};
use crate::verified::signed_uri;

/// `/initiate` ([`temporary_credentials`]) and `/token` ([`token_credentials`]) for any
/// method (the core answers 405 to all but `POST`), with `server` as their state: nest it
/// where your endpoints live, `Router::new().nest("/oauth", endpoints(server))`.
pub fn endpoints<S>(server: AuthorizationServer) -> Router<S>
where
    S: Clone + Send + Sync + 'static,
{
    Router::new()
        .route("/initiate", any(temporary_credentials))
        .route("/token", any(token_credentials))
        .with_state(server)
}

/// The request as the core reads it: the URI the client signed, the form body (up to the
/// [`BodyLimit`]) or none.
async fn endpoint_request(req: Request) -> Result<http::Request<Bytes>, Error> {
    let (mut parts, body) = req.into_parts();
    let bytes = if is_form(&parts.headers) {
        read_limited(&parts.headers, body, BodyLimit::of(&parts.extensions)).await?
    } else {
        Bytes::new()
    };
    signed_uri(&mut parts);
    Ok(http::Request::from_parts(parts, bytes))
}

/// Temporary credentials ([RFC 5849 §2.1](https://www.rfc-editor.org/rfc/rfc5849#section-2.1)),
/// a handler for a router whose state gives an [`AuthorizationServer`] (`FromRef`): the
/// response, success or refusal.
pub async fn temporary_credentials(State(server): State<AuthorizationServer>, req: Request) -> OAuthResponse {
    let result = match endpoint_request(req).await {
        Ok(req) => server.temporary_credentials(&req).await,
        Err(e) => Err(e),
    };
    OAuthResponse(server.respond(result))
}

/// Token credentials ([RFC 5849 §2.3](https://www.rfc-editor.org/rfc/rfc5849#section-2.3)),
/// a handler for a router whose state gives an [`AuthorizationServer`] (`FromRef`): the
/// response, success or refusal.
pub async fn token_credentials(State(server): State<AuthorizationServer>, req: Request) -> OAuthResponse {
    let result = match endpoint_request(req).await {
        Ok(req) => server.token_credentials(&req).await,
        Err(e) => Err(e),
    };
    OAuthResponse(server.respond(result))
}
