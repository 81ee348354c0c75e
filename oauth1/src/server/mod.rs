//! The three RFC 5849 endpoints ([`AuthorizationServer`]) and resource protection
//! ([`ResourceProtector`]), over the async [stores](crate::store).
//!
//! Every signed request goes through the same steps, in this order:
//!
//! 1. parse (400 for malformed or duplicated parameters);
//! 2. required parameters, unsupported parameters, `oauth_version` (400);
//! 3. the signature method is registered and allowed (400);
//! 4. `oauth_timestamp` is ASCII digits inside the window, both past and future (401);
//! 5. the client, then the token, are looked up: an unknown one continues with a dummy secret,
//!    so the response time does not tell which consumer keys or tokens exist;
//! 6. the signature (401);
//! 7. the nonce is checked and recorded, atomically, **only now**: unauthenticated traffic can
//!    neither burn nonces nor grow the store (401 when replayed).
//!
//! A store failure is a 503; it never turns into acceptance.
//!
//! **Parameters of other steps.** A protocol parameter that RFC 5849 defines for another step
//! and that the client signed is accepted and ignored: `oauth_callback` outside the temporary
//! credential request (§2.1), `oauth_verifier` outside the token request (§2.3). Authlib's and
//! requests-oauthlib's sessions sign them into every request once set, and Authlib's own server
//! and oauthlib accept them. They stay in the base string, so changing one breaks the
//! signature. What changes a request's meaning is refused (400): a protocol parameter twice
//! or in two transports, a missing required one, an `oauth_token` where the step takes none, an
//! unsupported signature method or `oauth_version`, and `oauth_*` names RFC 5849 does not
//! define (e.g. `oauth_session_handle` of the session extension: the client expects semantics
//! this provider does not have; RFC 5849 §3.2 answers an unsupported parameter with 400) unless
//! [`Config::reject_unknown_protocol_parameters`] is off. `oauth_body_hash` (the body hash
//! extension) is supported; `xoauth_*` names are not protocol parameters and are signed like
//! any other.
//!
//! Safe by default, with every unsafe choice named as such:
//!
//! * a client without a shared secret ([`Client::rsa_only`](crate::store::Client::rsa_only)) can only sign with RSA; HMAC
//!   and PLAINTEXT never accept an empty consumer secret;
//! * when a signature matched through the [interop fallback](crate::signature::InteropFallback),
//!   the nonce, callback and verifier are the values it covers (decoded twice), so a re-encoded
//!   replay is still a replay;
//! * a client that registered callbacks gets its verifier only at one of them
//!   ([`CallbackPolicy::RegisteredWhenPresent`]); callbacks and realms are bounded
//!   ([`MAX_CALLBACK_LEN`], [`MAX_REALM_LEN`]) and non-ASCII callbacks percent-encoded;
//! * PLAINTEXT is refused unless the base string URI is `https`
//!   ([`Config::insecure_allow_plaintext_over_http`]) and needs a nonce like every method
//!   ([`Config::insecure_allow_plaintext_without_nonce`]);
//! * consent decisions need the consent page's anti-forgery values ([`crate::consent`]), and a
//!   decision is final: `deny` never destroys authorized credentials;
//! * token credentials may expire ([`Config::with_token_lifetime`]);
//! * [`Config::opaque_errors`] gives one answer for an unknown consumer key, an unknown token
//!   and a bad signature.
//!
//! The code follows the protocol: [`config`](Config), the parameter policy (`params.rs`, pure),
//! the shared verification (`authenticate.rs`), then one file per step: temporary credentials
//! (§2.1), resource-owner authorization (§2.2), token credentials (§2.3) and protected
//! resources (§3).
//!
//! # The whole flow
//!
//! The three legs and a protected request on the memory store (`oauth1-memory`), the client's
//! side played by [`Signer`](crate::sign::Signer). An adapter (warp, axum, Rocket) does the
//! same with your routes; here the requests are built by hand.
//!
//! ```
//! use std::sync::Arc;
//! use oauth1::encoding::decode_form;
//! use oauth1::server::Grant;
//! use oauth1::sign::Signer;
//! use oauth1::store::Client;
//! use oauth1::{AuthorizationServer, Config, Scope, Stores};
//! use oauth1_memory::MemoryStore;
//!
//! /// The value of `name` in a form-encoded body or query: what the client reads.
//! fn field(form: &[u8], name: &str) -> Option<String> {
//!     let pairs = decode_form(std::str::from_utf8(form).ok()?).ok()?;
//!     pairs.into_iter().find(|(n, _)| n == name).map(|(_, v)| v.into_owned())
//! }
//!
//! # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
//! // The provider: one store for clients, credentials and nonces, and one registered client.
//! let store = Arc::new(MemoryStore::new());
//! store.insert_client(
//!     Client::new("printer", "kd94hf93k423kf44").with_name("Printer").with_callback("https://printer.example/ready"),
//! );
//! let server = AuthorizationServer::new(Stores::single(store), Config::default().with_realm("Photos"));
//! let printer = Signer::new("printer", "kd94hf93k423kf44");
//!
//! // 1. Temporary credentials (§2.1): the client asks, naming its callback.
//! let req = printer
//!     .clone()
//!     .callback("https://printer.example/ready")
//!     .sign(http::Request::post("http://photos.example/initiate").body(Vec::new())?)?;
//! let res = server.temporary_credentials(&req).await?;
//! let temporary = field(res.body(), "oauth_token").ok_or("no oauth_token")?;
//! let temporary_secret = field(res.body(), "oauth_token_secret").ok_or("no oauth_token_secret")?;
//!
//! // 2. Resource-owner authorization (§2.2): the client sends the user to
//! //    `/authorize?oauth_token=…`; the consent page shows who asks...
//! let page = server.pending_authorization(&temporary).await?;
//! assert_eq!(page.client.name, "Printer");
//! // ...and the signed-in user's decision comes back with the page's anti-forgery values.
//! let Grant::Redirect(location) = server.grant(&page.token, "alice", &page.anti_forgery.proof()).await? else {
//!     return Err("a client with a callback URI gets a redirect".into());
//! };
//! // The user agent follows the redirect: the client receives the verifier.
//! let (_, query) = location.split_once('?').ok_or("no query")?;
//! let verifier = field(query.as_bytes(), "oauth_verifier").ok_or("no oauth_verifier")?;
//!
//! // 3. Token credentials (§2.3): the client exchanges the authorized temporary credentials.
//! let req = printer
//!     .clone()
//!     .token(&temporary, &temporary_secret)
//!     .verifier(&verifier)
//!     .sign(http::Request::post("http://photos.example/token").body(Vec::new())?)?;
//! let res = server.token_credentials(&req).await?;
//! let token = field(res.body(), "oauth_token").ok_or("no oauth_token")?;
//! let token_secret = field(res.body(), "oauth_token_secret").ok_or("no oauth_token_secret")?;
//! // Exchanged once: the same request again is refused (the temporary credentials are gone).
//! assert_eq!(server.token_credentials(&req).await.unwrap_err().code(), "invalid_token");
//!
//! // 4. A protected request (§3) signed with the token credentials: accepted, on alice's behalf.
//! let protector = server.resource_protector();
//! let req = printer
//!     .clone()
//!     .token(&token, &token_secret)
//!     .sign(http::Request::get("http://photos.example/photos").body(Vec::new())?)?;
//! let who = protector.verify(&req, Scope::Token).await?;
//! assert_eq!((who.consumer_key(), who.user_id()), ("printer", Some("alice")));
//!
//! // The same request replayed: refused, with the 401 a handler sends back.
//! let refused = protector.verify(&req, Scope::Token).await.unwrap_err();
//! assert_eq!((refused.status().as_u16(), refused.code()), (401, "invalid_nonce"));
//! let res = protector.error_response(&refused);
//! assert_eq!(res.headers()["www-authenticate"], "OAuth realm=\"Photos\"");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! # })?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Refusals are logged at `debug` under the target `oauth1::refusal` (step, status, `error`,
//! `oauth_problem`, description, consumer key; never a secret); store failures at `warn` under
//! `oauth1::store`, with their cause.

use std::fmt;
use std::sync::Arc;

use http::Response;

use crate::error::Error;
use crate::generate::random_string;
use crate::request::SignedRequest;
use crate::signature::Secret;
use crate::store::Stores;

mod authenticate;
mod authenticated;
mod authorize;
mod callback;
mod config;
mod params;
mod resource;
mod temporary;
mod token;

pub use authenticated::Authenticated;
pub use authorize::{Denial, Grant, MAX_USER_ID_LEN, PendingAuthorization};
pub use callback::{CallbackPolicy, MAX_CALLBACK_LEN, MAX_REALM_LEN, add_query_parameters};
pub use config::{Config, TokenResponseHook};
pub use params::Scope;
pub use resource::{BodyHint, ResourceProtector};

/// What the authorization server and its resource protectors share.
pub(crate) struct Provider {
    config: Config,
    stores: Stores,
    /// Stands in for the secret of an unknown client or token.
    dummy_secret: Secret,
}

impl Provider {
    fn now(&self) -> u64 {
        self.config.clock.now()
    }

    /// A credential request (§2.1, §2.3) read: `POST` only (405 otherwise), then parsed.
    fn parse_credential_request<'r, B: AsRef<[u8]>>(
        &self,
        req: &'r http::Request<B>,
        step: params::Step,
    ) -> Result<SignedRequest<'r>, Error> {
        let post_only = if req.method() == http::Method::POST {
            Ok(())
        } else {
            Err(Error::with_description(crate::ErrorKind::MethodNotAllowed, "use POST")
                .with_advice(crate::error::Advice::Allow("POST")))
        };
        post_only
            .and_then(|()| SignedRequest::parse(req, &self.config.request_parsing))
            .inspect_err(|e| self.log_refusal(step.name(), None, e))
    }

    /// Logs a refusal: `debug` under `oauth1::refusal`, or `warn` under `oauth1::store` for a
    /// store failure (with its cause, which the client never sees).
    fn log_refusal(&self, step: &'static str, signed: Option<&SignedRequest<'_>>, e: &Error) {
        let consumer_key = signed.and_then(SignedRequest::consumer_key).unwrap_or("");
        if let Some(cause) = std::error::Error::source(e) {
            tracing::warn!(target: "oauth1::store", step, consumer_key, cause = %cause, "store failure");
        } else {
            tracing::debug!(
                target: "oauth1::refusal",
                step,
                status = e.status().as_u16(),
                error = e.code(),
                problem = e.problem(),
                description = e.description().unwrap_or(""),
                consumer_key,
                "request refused"
            );
        }
    }
}

/// The authorization server: temporary credentials (§2.1), resource-owner authorization (§2.2)
/// and token credentials (§2.3). Cheap to clone; share one per process.
#[derive(Clone)]
pub struct AuthorizationServer {
    provider: Arc<Provider>,
}

impl fmt::Debug for AuthorizationServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthorizationServer").field("config", &self.provider.config).finish_non_exhaustive()
    }
}

impl AuthorizationServer {
    /// A server over `stores` with `config`.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use oauth1::{AuthorizationServer, Config, Stores};
    /// use oauth1::store::Client;
    /// use oauth1_memory::MemoryStore;
    ///
    /// let store = Arc::new(MemoryStore::new());
    /// store.insert_client(Client::new("printer", "kd94hf93k423kf44"));
    /// let server = AuthorizationServer::new(Stores::single(store), Config::default().with_realm("Photos"));
    /// assert_eq!(server.config().realm(), Some("Photos"));
    /// ```
    pub fn new(stores: Stores, config: Config) -> Self {
        let provider = Provider { config, stores, dummy_secret: Secret::new(random_string(32)) };
        AuthorizationServer { provider: Arc::new(provider) }
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.provider.config
    }

    /// A resource protector sharing this server's stores and configuration.
    ///
    /// ```
    /// # use std::sync::Arc;
    /// # use oauth1::{AuthorizationServer, Config, Stores, sign::Signer, store::Client};
    /// # let store = Arc::new(oauth1_memory::MemoryStore::new());
    /// # store.insert_client(Client::new("printer", "kd94hf93k423kf44"));
    /// # use oauth1::Scope;
    /// let server = AuthorizationServer::new(Stores::single(store), Config::default());
    /// let protector = server.resource_protector();
    /// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
    /// let req = Signer::new("printer", "kd94hf93k423kf44")
    ///     .sign(http::Request::get("http://photos.example/me").body(Vec::new())?)?;
    /// assert_eq!(protector.verify(&req, Scope::ConsumerOnly).await?.consumer_key(), "printer");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn resource_protector(&self) -> ResourceProtector {
        ResourceProtector::from_provider(self.provider.clone())
    }

    /// The response for an endpoint result: the success, or the error's response with this
    /// server's realm.
    ///
    /// ```
    /// # use std::sync::Arc;
    /// # use oauth1::{AuthorizationServer, Config, Stores, sign::Signer, store::Client};
    /// # let store = Arc::new(oauth1_memory::MemoryStore::new());
    /// # store.insert_client(Client::new("printer", "kd94hf93k423kf44"));
    /// let server = AuthorizationServer::new(Stores::single(store), Config::default().with_realm("Photos"));
    /// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
    /// // Accepted: the endpoint's own response.
    /// let req = Signer::new("printer", "kd94hf93k423kf44")
    ///     .callback("oob")
    ///     .sign(http::Request::post("http://photos.example/initiate").body(Vec::new())?)?;
    /// let res = server.respond(server.temporary_credentials(&req).await);
    /// assert_eq!(res.status(), 200);
    /// // Refused: the error as a response, `WWW-Authenticate` with the realm on a 401.
    /// let req = Signer::new("printer", "wrong-secret")
    ///     .callback("oob")
    ///     .sign(http::Request::post("http://photos.example/initiate").body(Vec::new())?)?;
    /// let res = server.respond(server.temporary_credentials(&req).await);
    /// assert_eq!(res.status(), 401);
    /// assert_eq!(res.headers()["www-authenticate"], "OAuth realm=\"Photos\"");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn respond(&self, result: Result<Response<Vec<u8>>, Error>) -> Response<Vec<u8>> {
        result.unwrap_or_else(|e| self.error_response(&e))
    }

    /// The response for an error, with this server's realm on a 401.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use oauth1::{AuthorizationServer, Config, Error, ErrorKind, Stores};
    ///
    /// let store = Arc::new(oauth1_memory::MemoryStore::new());
    /// let server = AuthorizationServer::new(Stores::single(store), Config::default().with_realm("Photos"));
    /// // A refusal of your own, e.g. from a consent route.
    /// let res = server.error_response(&Error::new(ErrorKind::InvalidToken));
    /// assert_eq!(res.status(), 401);
    /// assert_eq!(res.headers()["www-authenticate"], "OAuth realm=\"Photos\"");
    /// assert!(res.body().starts_with(b"error=invalid_token"));
    /// ```
    pub fn error_response(&self, error: &Error) -> Response<Vec<u8>> {
        error.to_response(self.provider.config.realm())
    }
}
