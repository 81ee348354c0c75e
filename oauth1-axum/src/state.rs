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
/// # fn server() -> oauth1::AuthorizationServer { unimplemented!() }
/// use axum::{Router, routing::get};
/// use oauth1_axum::{OAuthState, PendingConsent, Signed};
///
/// # fn app(server: oauth1::AuthorizationServer) -> Router {
/// Router::new()
///     .route("/authorize", get(|c: PendingConsent| async move { c.page("…") }))
///     .route("/photos", get(|Signed(who): Signed| async move { who.consumer_key().to_owned() }))
///     .with_state(OAuthState::new(server))
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
