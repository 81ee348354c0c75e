//! What the provider keeps, and the async traits it keeps it through.
//!
//! Every trait is object safe and `Send + Sync`, so servers hold them as `Arc<dyn …>`; every
//! operation is designed to be one atomic step on a shared store such as Redis (`SET … NX EXAT`,
//! `GETDEL`, a short script):
//!
//! * [`ClientStore`]: look a client up by consumer key;
//! * [`TemporaryCredentialStore`]: create, read, authorize **once**, take **once** (two
//!   concurrent exchanges: exactly one gets it), remove; entries expire;
//! * [`TokenCredentialStore`]: create, read, revoke;
//! * [`NonceStore`]: one atomic check-and-insert per `(consumer key, token, timestamp, nonce)`
//!   ([RFC 5849 §3.3](https://www.rfc-editor.org/rfc/rfc5849#section-3.3)).
//!
//! A [`StoreError`] is answered with 503 and never turns into acceptance.
//!
//! Implement the traits with [`async_trait`](crate::store::async_trait) (re-exported here, so
//! a store needs no dependency of its own for it).

use std::fmt;
use std::sync::Arc;

pub use async_trait::async_trait;

use crate::signature::{RsaPublicKey, Secret};

/// A registered client (consumer).
///
/// A client has a shared secret, RSA public keys, or both. One without a shared secret can only
/// sign with methods that do not use it (RSA): HMAC and PLAINTEXT requests from it are refused,
/// and the shared-secret methods themselves refuse an empty key
/// ([RFC 5849 §3.4.2](https://www.rfc-editor.org/rfc/rfc5849#section-3.4.2) keys HMAC with the
/// client's secret; an empty one is a key anybody knows). "No shared secret" is `None`, never
/// an empty string: [`Client::new`] turns an empty secret into `None`.
///
/// ```
/// use oauth1::store::Client;
/// assert!(Client::new("printer", "kd94hf93k423kf44").shared_secret().is_some());
/// assert!(Client::new("rsa-only", "").shared_secret().is_none());
/// ```
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct Client {
    /// The consumer key (client identifier).
    pub consumer_key: String,
    /// The shared secret; `None` when the client only signs with RSA (never empty).
    secret: Option<Secret>,
    /// RSA public keys, parsed once when the client is loaded.
    pub rsa_public_keys: Vec<RsaPublicKey>,
    /// The signature methods this client may use; `None`: whatever the server allows.
    pub signature_methods: Option<Vec<String>>,
    /// Registered callback URIs. With [`CallbackPolicy::Registered`](crate::server::CallbackPolicy)
    /// a request's callback must be one of these (optionally with extra query parameters).
    pub callbacks: Vec<String>,
    /// A name to show the resource owner.
    pub name: String,
    /// Anything else a consent page needs (description, home page, logo URL, …).
    pub metadata: Vec<(String, String)>,
}

impl Client {
    /// A client with a shared secret. An empty secret means none: such a client can only sign
    /// with RSA once [`with_rsa_public_key`](Self::with_rsa_public_key) gives it a key.
    pub fn new(consumer_key: impl Into<String>, secret: impl Into<Secret>) -> Self {
        let secret: Secret = secret.into();
        let secret = (!secret.expose().is_empty()).then_some(secret);
        Client { consumer_key: consumer_key.into(), secret, ..Client::default() }
    }

    /// A client that signs with RSA only ([RFC 5849 §3.4.3](https://www.rfc-editor.org/rfc/rfc5849#section-3.4.3)):
    /// no shared secret, so HMAC and PLAINTEXT requests naming it are refused.
    pub fn rsa_only(consumer_key: impl Into<String>, key: RsaPublicKey) -> Self {
        Client { consumer_key: consumer_key.into(), rsa_public_keys: vec![key], ..Client::default() }
    }

    /// The shared secret; `None` for an RSA-only client. Never an empty secret.
    pub fn shared_secret(&self) -> Option<&Secret> {
        self.secret.as_ref()
    }

    /// Adds an RSA public key.
    pub fn with_rsa_public_key(mut self, key: RsaPublicKey) -> Self {
        self.rsa_public_keys.push(key);
        self
    }

    /// Registers a callback URI.
    pub fn with_callback(mut self, callback: impl Into<String>) -> Self {
        self.callbacks.push(callback.into());
        self
    }

    /// Sets the display name.
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// Restricts the signature methods this client may use.
    ///
    /// ```
    /// # use std::sync::Arc;
    /// # use oauth1::{AuthorizationServer, Config, Stores, sign::Signer};
    /// # let store = Arc::new(oauth1_memory::MemoryStore::new());
    /// # use oauth1::{ResourceProtector, Scope};
    /// # use oauth1::sign::SigningMethod;
    /// # use oauth1::signature::Algorithm;
    /// use oauth1::store::Client;
    ///
    /// store.insert_client(Client::new("printer", "kd94hf93k423kf44").with_signature_methods(["HMAC-SHA256"]));
    /// let protector = ResourceProtector::new(Stores::single(store), Config::default());
    /// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
    /// let signer = Signer::new("printer", "kd94hf93k423kf44");
    /// let req = signer.clone().method(SigningMethod::Hmac(Algorithm::Sha256))
    ///     .sign(http::Request::get("http://photos.example/me").body(Vec::new())?)?;
    /// assert!(protector.verify(&req, Scope::ConsumerOnly).await.is_ok());
    /// // HMAC-SHA1 is allowed by the server, not for this client.
    /// let req = signer.sign(http::Request::get("http://photos.example/me").body(Vec::new())?)?;
    /// assert_eq!(protector.verify(&req, Scope::ConsumerOnly).await.unwrap_err().code(), "unsupported_signature_method");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_signature_methods<I: IntoIterator<Item = S>, S: Into<String>>(mut self, methods: I) -> Self {
        self.signature_methods = Some(methods.into_iter().map(Into::into).collect());
        self
    }
}

/// The resource owner's decision bound to temporary credentials
/// ([RFC 5849 §2.2](https://www.rfc-editor.org/rfc/rfc5849#section-2.2)).
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Authorization {
    /// The resource owner who granted access.
    pub user_id: String,
    /// The verifier the client must present.
    pub verifier: Secret,
}

impl Authorization {
    /// A grant by `user_id` with `verifier`.
    pub fn new(user_id: impl Into<String>, verifier: Secret) -> Self {
        Authorization { user_id: user_id.into(), verifier }
    }
}

/// Temporary credentials ([RFC 5849 §2.1](https://www.rfc-editor.org/rfc/rfc5849#section-2.1)).
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct TemporaryCredentials {
    /// `oauth_token`.
    pub token: String,
    /// `oauth_token_secret`.
    pub secret: Secret,
    /// The consumer they were issued to.
    pub consumer_key: String,
    /// `oob` or the callback URI.
    pub callback: String,
    /// The `realm` of the request that created them.
    pub realm: Option<String>,
    /// Unix time (seconds) after which they are gone.
    pub expires_at: u64,
    /// Set once the resource owner granted access.
    pub authorization: Option<Authorization>,
}

impl TemporaryCredentials {
    /// New, not yet authorized credentials.
    pub fn new(
        token: impl Into<String>,
        secret: Secret,
        consumer_key: impl Into<String>,
        callback: impl Into<String>,
        expires_at: u64,
    ) -> Self {
        TemporaryCredentials {
            token: token.into(),
            secret,
            consumer_key: consumer_key.into(),
            callback: callback.into(),
            realm: None,
            expires_at,
            authorization: None,
        }
    }

    /// With a realm.
    pub fn with_realm(mut self, realm: Option<String>) -> Self {
        self.realm = realm;
        self
    }

    /// Whether the callback is out of band.
    pub fn is_out_of_band(&self) -> bool {
        self.callback == "oob"
    }
}

/// Token credentials ([RFC 5849 §2.3](https://www.rfc-editor.org/rfc/rfc5849#section-2.3)).
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct TokenCredentials {
    /// `oauth_token`.
    pub token: String,
    /// `oauth_token_secret`.
    pub secret: Secret,
    /// The consumer they were issued to.
    pub consumer_key: String,
    /// The resource owner who granted them.
    pub user_id: String,
    /// The realm of the authorization.
    pub realm: Option<String>,
    /// Unix time (seconds) from which they are no longer accepted; `None`: until revoked.
    /// Stores may drop them from then on.
    pub expires_at: Option<u64>,
}

impl TokenCredentials {
    /// New token credentials.
    pub fn new(
        token: impl Into<String>,
        secret: Secret,
        consumer_key: impl Into<String>,
        user_id: impl Into<String>,
    ) -> Self {
        TokenCredentials {
            token: token.into(),
            secret,
            consumer_key: consumer_key.into(),
            user_id: user_id.into(),
            realm: None,
            expires_at: None,
        }
    }

    /// With a realm.
    pub fn with_realm(mut self, realm: Option<String>) -> Self {
        self.realm = realm;
        self
    }

    /// With an expiry (Unix seconds); `None`: until revoked.
    pub fn with_expiry(mut self, expires_at: Option<u64>) -> Self {
        self.expires_at = expires_at;
        self
    }

    /// Whether they have expired at `now` (Unix seconds).
    ///
    /// ```
    /// use oauth1::signature::Secret;
    /// use oauth1::store::TokenCredentials;
    ///
    /// let token = TokenCredentials::new("nnch734d00sl2jdk", Secret::new("pfkkdhi9sl3r4s00"), "printer", "alice")
    ///     .with_expiry(Some(1_700_086_400));
    /// assert!(!token.is_expired(1_700_000_000));
    /// assert!(token.is_expired(1_700_086_400));
    /// // Without an expiry: until revoked.
    /// assert!(!TokenCredentials::new("t", Secret::new("s"), "printer", "alice").is_expired(u64::MAX));
    /// ```
    pub fn is_expired(&self, now: u64) -> bool {
        self.expires_at.is_some_and(|e| e <= now)
    }
}

/// The scope of a nonce ([RFC 5849 §3.3](https://www.rfc-editor.org/rfc/rfc5849#section-3.3)):
/// a nonce may be reused with another consumer key, token or timestamp.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct NonceKey<'a> {
    /// `oauth_consumer_key`.
    pub consumer_key: &'a str,
    /// `oauth_token`; `None` when absent or empty.
    pub token: Option<&'a str>,
    /// `oauth_timestamp`.
    pub timestamp: u64,
    /// `oauth_nonce`.
    pub nonce: &'a str,
}

impl NonceKey<'_> {
    /// An unambiguous string form for key-value stores: each text field is length-prefixed, so
    /// two different tuples never share a key (unlike the `-`-joined strings of Authlib, where a
    /// `-` in a consumer key or nonce makes two tuples one key).
    ///
    /// ```
    /// use oauth1::store::NonceKey;
    /// let a = NonceKey { consumer_key: "a-b", token: None, timestamp: 1, nonce: "c" };
    /// let b = NonceKey { consumer_key: "a", token: Some("b"), timestamp: 1, nonce: "c" };
    /// assert_ne!(a.encoded(), b.encoded());
    /// assert_eq!(b.encoded(), "1:a|1:b|1|1:c");
    /// ```
    pub fn encoded(&self) -> String {
        let token = self.token.map_or_else(|| "-".to_owned(), |t| format!("{}:{t}", t.len()));
        format!(
            "{}:{}|{token}|{}|{}:{}",
            self.consumer_key.len(),
            self.consumer_key,
            self.timestamp,
            self.nonce.len(),
            self.nonce
        )
    }
}

/// Whether a nonce was new.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NonceCheck {
    /// First use: recorded.
    Fresh,
    /// Seen before: a replay.
    Replayed,
    /// Not checked: the store narrowed this consumer's accepted timestamp window to stay within
    /// its memory bound (it forgot the nonces of this timestamp), and the timestamp is outside
    /// it. The provider answers as for a timestamp outside its own window (401,
    /// `timestamp_refused`). Stores that never forget a live nonce never return it.
    Stale,
}

/// Outcome of [`TemporaryCredentialStore::authorize_temporary`].
#[derive(Clone, Debug)]
pub enum AuthorizeOutcome {
    /// Bound to the user and verifier now; the updated credentials.
    Authorized(TemporaryCredentials),
    /// Already authorized before: nothing changed.
    AlreadyAuthorized,
    /// No such (unexpired) credentials.
    NotFound,
}

/// A store failure. The provider answers 503 with a fixed description and accepts nothing;
/// the `StoreError` stays the [`source`](std::error::Error::source) of the provider's
/// [`Error`](crate::Error), for logs, and is never sent to the client (a backend's message may
/// name hosts, users or queries).
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum StoreError {
    /// The store is full (bounded stores refuse rather than evict live entries).
    CapacityExceeded,
    /// A record with this key already exists: `create_temporary` or `create_token` was given a
    /// token that is taken. Token generators make this practically impossible; a store that
    /// sees it must refuse rather than overwrite.
    Conflict,
    /// The backend failed or could not be reached; the backend's error is the source.
    Unavailable(Arc<dyn std::error::Error + Send + Sync>),
}

impl StoreError {
    /// A backend failure with a message. The provider answers 503 `temporarily_unavailable`;
    /// the message stays in the error's [`source`](std::error::Error::source), for logs.
    ///
    /// ```
    /// use oauth1::store::StoreError;
    /// let e = StoreError::unavailable("nonce shard 3 unreachable");
    /// assert!(matches!(e, StoreError::Unavailable(_)));
    /// assert!(e.to_string().contains("nonce shard 3 unreachable"));
    /// ```
    pub fn unavailable(message: impl Into<String>) -> Self {
        StoreError::Unavailable(Arc::new(SimpleError(message.into())))
    }

    /// A backend failure caused by `error` (kept as the [`source`](std::error::Error::source)).
    ///
    /// ```
    /// use std::error::Error as _;
    /// use oauth1::store::StoreError;
    /// let io = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "127.0.0.1:6379");
    /// let e = StoreError::backend(io);
    /// assert_eq!(e.source().unwrap().to_string(), "127.0.0.1:6379");
    /// ```
    pub fn backend(error: impl std::error::Error + Send + Sync + 'static) -> Self {
        StoreError::Unavailable(Arc::new(error))
    }
}

#[derive(Debug)]
struct SimpleError(String);

impl fmt::Display for SimpleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SimpleError {}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::CapacityExceeded => f.write_str("store capacity exceeded"),
            StoreError::Conflict => f.write_str("a record with this key already exists"),
            StoreError::Unavailable(e) => write!(f, "store unavailable: {e}"),
        }
    }
}

impl std::error::Error for StoreError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            StoreError::Unavailable(e) => Some(&**e as &(dyn std::error::Error + 'static)),
            StoreError::CapacityExceeded | StoreError::Conflict => None,
        }
    }
}

/// Registered clients.
#[async_trait]
pub trait ClientStore: Send + Sync {
    /// The client with this consumer key. Shared, not copied: a store that keeps clients in
    /// memory hands out the same `Arc` on every request.
    async fn client(&self, consumer_key: &str) -> Result<Option<Arc<Client>>, StoreError>;
}

/// Temporary credentials. Expired entries must behave as absent.
#[async_trait]
pub trait TemporaryCredentialStore: Send + Sync {
    /// Stores new credentials.
    async fn create_temporary(&self, credentials: TemporaryCredentials) -> Result<(), StoreError>;
    /// Reads credentials without changing them.
    async fn temporary(&self, token: &str) -> Result<Option<TemporaryCredentials>, StoreError>;
    /// Binds a user and verifier, atomically and at most once.
    async fn authorize_temporary(
        &self,
        token: &str,
        authorization: Authorization,
    ) -> Result<AuthorizeOutcome, StoreError>;
    /// Removes and returns the credentials, atomically: of two concurrent calls, one gets them.
    async fn take_temporary(&self, token: &str) -> Result<Option<TemporaryCredentials>, StoreError>;
}

/// Token credentials. Expired ones ([`TokenCredentials::expires_at`]) may be returned: the
/// server refuses them itself.
#[async_trait]
pub trait TokenCredentialStore: Send + Sync {
    /// Stores new credentials.
    async fn create_token(&self, credentials: TokenCredentials) -> Result<(), StoreError>;
    /// Reads credentials (shared, like [`ClientStore::client`]).
    async fn token(&self, token: &str) -> Result<Option<Arc<TokenCredentials>>, StoreError>;
    /// Revokes credentials; `true` when they existed.
    async fn revoke_token(&self, token: &str) -> Result<bool, StoreError>;
}

/// Nonces ([RFC 5849 §3.3](https://www.rfc-editor.org/rfc/rfc5849#section-3.3)).
#[async_trait]
pub trait NonceStore: Send + Sync {
    /// Records `key` if it is new, atomically. `expires_at` (Unix seconds) is when the
    /// timestamp leaves the accepted window; the entry may be dropped after that.
    async fn check_and_insert(&self, key: &NonceKey<'_>, expires_at: u64) -> Result<NonceCheck, StoreError>;
}

/// The four stores a provider uses, possibly all the same object.
#[derive(Clone)]
pub struct Stores {
    /// Clients.
    pub clients: Arc<dyn ClientStore>,
    /// Temporary credentials.
    pub temporary: Arc<dyn TemporaryCredentialStore>,
    /// Token credentials.
    pub tokens: Arc<dyn TokenCredentialStore>,
    /// Nonces.
    pub nonces: Arc<dyn NonceStore>,
}

impl Stores {
    /// For a resource server that only verifies requests ([RFC 5849 §3](https://www.rfc-editor.org/rfc/rfc5849#section-3)):
    /// clients, token credentials and nonces. It has no temporary credentials; the
    /// authorization-server endpoints of a server built on these stores answer 503.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use oauth1::{AuthorizationServer, Config, Scope, Stores, sign::Signer, store::Client};
    /// use oauth1_memory::MemoryStore;
    ///
    /// // A resource server: clients, token credentials and nonces, no temporary credentials.
    /// let store = Arc::new(MemoryStore::new());
    /// store.insert_client(Client::new("printer", "kd94hf93k423kf44"));
    /// let stores = Stores::resource_only(store.clone(), store.clone(), store);
    /// let server = AuthorizationServer::new(stores, Config::default());
    /// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
    /// // Protected requests are verified...
    /// let req = Signer::new("printer", "kd94hf93k423kf44")
    ///     .sign(http::Request::get("http://photos.example/me").body(Vec::new())?)?;
    /// assert!(server.resource_protector().verify(&req, Scope::ConsumerOnly).await.is_ok());
    /// // ...the authorization endpoints answer 503.
    /// let req = Signer::new("printer", "kd94hf93k423kf44")
    ///     .callback("oob")
    ///     .sign(http::Request::post("http://photos.example/initiate").body(Vec::new())?)?;
    /// assert_eq!(server.temporary_credentials(&req).await.unwrap_err().status(), 503);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn resource_only(
        clients: Arc<dyn ClientStore>,
        tokens: Arc<dyn TokenCredentialStore>,
        nonces: Arc<dyn NonceStore>,
    ) -> Self {
        Stores { clients, temporary: Arc::new(NoTemporaryCredentials), tokens, nonces }
    }

    /// All four roles played by one store.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use oauth1::{AuthorizationServer, Config, Stores, store::Client};
    /// use oauth1_memory::MemoryStore;
    ///
    /// let store = Arc::new(MemoryStore::new());
    /// store.insert_client(Client::new("printer", "kd94hf93k423kf44"));
    /// // The same store keeps clients, temporary and token credentials, and nonces.
    /// let server = AuthorizationServer::new(Stores::single(store.clone()), Config::default());
    /// # let _ = server;
    /// assert_eq!(store.token_count(), 0);
    /// ```
    pub fn single<S>(store: Arc<S>) -> Self
    where
        S: ClientStore + TemporaryCredentialStore + TokenCredentialStore + NonceStore + 'static,
    {
        Stores { clients: store.clone(), temporary: store.clone(), tokens: store.clone(), nonces: store }
    }
}

/// The temporary-credential store of [`Stores::resource_only`]: every operation fails.
struct NoTemporaryCredentials;

#[derive(Debug)]
struct NoTemporaryStore;

impl fmt::Display for NoTemporaryStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("this provider has no temporary-credential store (Stores::resource_only)")
    }
}

impl std::error::Error for NoTemporaryStore {}

#[async_trait]
impl TemporaryCredentialStore for NoTemporaryCredentials {
    async fn create_temporary(&self, _: TemporaryCredentials) -> Result<(), StoreError> {
        Err(StoreError::backend(NoTemporaryStore))
    }
    async fn temporary(&self, _: &str) -> Result<Option<TemporaryCredentials>, StoreError> {
        Err(StoreError::backend(NoTemporaryStore))
    }
    async fn authorize_temporary(&self, _: &str, _: Authorization) -> Result<AuthorizeOutcome, StoreError> {
        Err(StoreError::backend(NoTemporaryStore))
    }
    async fn take_temporary(&self, _: &str) -> Result<Option<TemporaryCredentials>, StoreError> {
        Err(StoreError::backend(NoTemporaryStore))
    }
}

impl fmt::Debug for Stores {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Stores { .. }")
    }
}
