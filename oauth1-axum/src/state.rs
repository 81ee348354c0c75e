//! [`OAuthState`]: router state that gives both the [`AuthorizationServer`] and its
//! [`ResourceProtector`] to the extractors and handlers (through axum's [`FromRef`]).

use axum::extract::FromRef;
use oauth1::{AuthorizationServer, ResourceProtector};

/// Router state holding an [`AuthorizationServer`] (RFC 5849 §2) and its [`ResourceProtector`]
/// (§3): the endpoint handlers and [`PendingConsent`](crate::PendingConsent) take the server from it, the
/// protected-resource extractors the protector. With your own state, implement
/// `FromRef<AppState>` for the one(s) your routes need instead (or derive `FromRef`).
///
/// ```
/// use std::sync::Arc;
/// use axum::{Router, routing::get};
/// use oauth1::{AuthorizationServer, Config, Stores};
/// use oauth1_axum::{OAuthState, PendingConsent, Signed};
/// # use oauth1::{sign::Signer, signature::Secret};
/// # use oauth1::store::{Client, TokenCredentialStore, TokenCredentials};
/// # use tower::ServiceExt as _;
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
///
/// let store = Arc::new(oauth1_memory::MemoryStore::new());
/// # store.insert_client(Client::new("printer", "kd94hf93k423kf44"));
/// # store.create_token(TokenCredentials::new("nnch734d00sl2jdk", Secret::new("pfkkdhi9sl3r4s00"), "printer", "alice")).await?;
/// let server = AuthorizationServer::new(Stores::single(store), Config::default());
/// let app = Router::new()
///     .route("/authorize", get(|c: PendingConsent| async move { c.page("…") }))
///     .route("/photos", get(|Signed(who): Signed| async move { who.consumer_key().to_owned() }))
///     .with_state(OAuthState::new(server));
///
/// // A request signed with token credentials: accepted.
/// let req = Signer::new("printer", "kd94hf93k423kf44")
///     .token("nnch734d00sl2jdk", "pfkkdhi9sl3r4s00")
///     .sign(http::Request::get("http://photos.example/photos").body(Vec::new())?)?;
/// let res = app.clone().oneshot(req.map(axum::body::Body::from)).await?;
/// assert_eq!(res.status(), 200);
///
/// // A consent page for temporary credentials that do not exist: refused.
/// let req = http::Request::get("/authorize?oauth_token=unknown").body(axum::body::Body::empty())?;
/// let res = app.oneshot(req).await?;
/// assert_eq!(res.status(), 401);
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct OAuthState {
    server: AuthorizationServer,
    protector: ResourceProtector,
}

impl OAuthState {
    /// `server` and its resource protector.
    pub fn new(server: AuthorizationServer) -> Self {
        let protector = server.resource_protector();
        OAuthState { server, protector }
    }

    /// The authorization server.
    pub fn server(&self) -> &AuthorizationServer {
        &self.server
    }

    /// Its resource protector.
    pub fn protector(&self) -> &ResourceProtector {
        &self.protector
    }
}

impl From<AuthorizationServer> for OAuthState {
    fn from(server: AuthorizationServer) -> Self {
        OAuthState::new(server)
    }
}

impl FromRef<OAuthState> for AuthorizationServer {
    fn from_ref(state: &OAuthState) -> Self {
        state.server.clone()
    }
}

impl FromRef<OAuthState> for ResourceProtector {
    fn from_ref(state: &OAuthState) -> Self {
        state.protector.clone()
    }
}
