//! Provider settings: one [`Config`], built from safe defaults with a consuming builder.
//!
//! ```
//! use std::time::Duration;
//! use oauth1::server::{CallbackPolicy, Config};
//!
//! let config = Config::default()
//!     .with_realm("Photos")
//!     .with_timestamp_window(Duration::from_secs(120), Duration::from_secs(30))
//!     .with_token_lifetime(Duration::from_secs(30 * 24 * 3600))
//!     .with_callback_policy(CallbackPolicy::Registered);
//! assert_eq!(config.realm(), Some("Photos"));
//! assert_eq!(config.timestamp_window(), (Duration::from_secs(120), Duration::from_secs(30)));
//! ```

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::clock::{Clock, SystemClock};
use crate::consent::ConsentKey;
use crate::generate::{RandomTokens, TokenGenerator};
use crate::origin::Origin;
use crate::request::ParseOptions;
use crate::signature::{InteropFallback, SignatureMethod, SignatureMethods};
use crate::store::TokenCredentials;

use super::callback::CallbackPolicy;

/// Extra parameters for the token credentials response (e.g. `user_id`, `screen_name`).
pub type TokenResponseHook = Arc<dyn Fn(&TokenCredentials) -> Vec<(String, String)> + Send + Sync>;

/// Provider settings. Start from `Config::default()` (the safe choice for every option) and
/// change what you need with the `with_*` methods; the options named `insecure_*` are unsafe
/// and say why.
#[derive(Clone)]
pub struct Config {
    pub(super) request_parsing: ParseOptions,
    pub(super) signature_methods: SignatureMethods,
    pub(super) timestamp_past: u64,
    pub(super) timestamp_future: u64,
    pub(super) interop_fallback: InteropFallback,
    pub(super) realm: Option<String>,
    pub(super) callback_schemes: Vec<String>,
    pub(super) callback_policy: CallbackPolicy,
    pub(super) temporary_lifetime: u64,
    pub(super) token_lifetime: Option<u64>,
    pub(super) reject_unknown_protocol_parameters: bool,
    pub(super) require_body_hash: bool,
    pub(super) token_generator: Arc<dyn TokenGenerator>,
    pub(super) clock: Arc<dyn Clock>,
    pub(super) token_response: Option<TokenResponseHook>,
    pub(super) insecure_plaintext_over_http: bool,
    pub(super) insecure_plaintext_without_nonce: bool,
    pub(super) opaque_errors: bool,
    pub(super) consent_key: ConsentKey,
}

impl Default for Config {
    /// Realm none, the built-in methods without PLAINTEXT (and without the `-SHA512` ones), a
    /// 300-second timestamp window both ways, temporary credentials for 600 seconds, token
    /// credentials until revoked, callbacks `http`/`https` under
    /// [`CallbackPolicy::RegisteredWhenPresent`], unknown `oauth_*` parameters refused, the
    /// interop fallback on, 192-bit random tokens, a random consent key.
    fn default() -> Self {
        Config {
            request_parsing: ParseOptions::default(),
            signature_methods: SignatureMethods::default(),
            timestamp_past: 300,
            timestamp_future: 300,
            interop_fallback: InteropFallback::default(),
            realm: None,
            callback_schemes: vec!["http".into(), "https".into()],
            callback_policy: CallbackPolicy::default(),
            temporary_lifetime: 600,
            token_lifetime: None,
            reject_unknown_protocol_parameters: true,
            require_body_hash: false,
            token_generator: Arc::new(RandomTokens::default()),
            clock: Arc::new(SystemClock),
            token_response: None,
            insecure_plaintext_over_http: false,
            insecure_plaintext_without_nonce: false,
            opaque_errors: false,
            consent_key: ConsentKey::random(),
        }
    }
}

impl fmt::Debug for Config {
    /// Every setting but the consent key (a secret), the token generator, the clock and the
    /// token-response hook (opaque functions).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("request_parsing", &self.request_parsing)
            .field("signature_methods", &self.signature_methods)
            .field("timestamp_past", &self.timestamp_past)
            .field("timestamp_future", &self.timestamp_future)
            .field("interop_fallback", &self.interop_fallback)
            .field("realm", &self.realm)
            .field("callback_schemes", &self.callback_schemes)
            .field("callback_policy", &self.callback_policy)
            .field("temporary_lifetime", &self.temporary_lifetime)
            .field("token_lifetime", &self.token_lifetime)
            .field("reject_unknown_protocol_parameters", &self.reject_unknown_protocol_parameters)
            .field("require_body_hash", &self.require_body_hash)
            .field("insecure_plaintext_over_http", &self.insecure_plaintext_over_http)
            .field("insecure_plaintext_without_nonce", &self.insecure_plaintext_without_nonce)
            .field("opaque_errors", &self.opaque_errors)
            .finish_non_exhaustive()
    }
}

/// Whole seconds (a fraction of a second is dropped: the protocol's timestamps are seconds).
fn secs(d: Duration) -> u64 {
    d.as_secs()
}

impl Config {
    /// The realm of `WWW-Authenticate` on 401 responses
    /// ([RFC 5849 §3.5.1](https://www.rfc-editor.org/rfc/rfc5849#section-3.5.1)).
    ///
    /// ```
    /// # use std::sync::Arc;
    /// # use oauth1::{Config, ResourceProtector, Scope, Stores, sign::Signer, store::Client};
    /// # let store = Arc::new(oauth1_memory::MemoryStore::new());
    /// # store.insert_client(Client::new("printer", "kd94hf93k423kf44"));
    /// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
    /// let protector = ResourceProtector::new(Stores::single(store), Config::default().with_realm("Photos"));
    /// // A request from an unknown consumer: 401, and the response names the realm.
    /// let req = Signer::new("stranger", "guess").sign(http::Request::get("http://photos.example/me").body(Vec::new())?)?;
    /// let refused = protector.verify(&req, Scope::ConsumerOnly).await.unwrap_err();
    /// let res = protector.error_response(&refused);
    /// assert_eq!(res.status(), 401);
    /// assert_eq!(res.headers()["www-authenticate"], "OAuth realm=\"Photos\"");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_realm(mut self, realm: impl Into<String>) -> Self {
        self.realm = Some(realm.into());
        self
    }

    /// Where the base string URI's scheme and authority come from
    /// ([RFC 5849 §3.4.1.2](https://www.rfc-editor.org/rfc/rfc5849#section-3.4.1.2)); by default
    /// `http` and the `Host` header. Behind a proxy, see [`Origin`].
    ///
    /// ```
    /// # use std::sync::Arc;
    /// # use oauth1::{Config, ResourceProtector, Scope, Stores, sign::Signer, store::Client};
    /// # let store = Arc::new(oauth1_memory::MemoryStore::new());
    /// # store.insert_client(Client::new("printer", "kd94hf93k423kf44"));
    /// # use oauth1::Origin;
    /// let config = Config::default().with_origin(Origin::fixed("https://api.example.com")?);
    /// let protector = ResourceProtector::new(Stores::single(store), config);
    /// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
    /// // The client signs the public URL; behind the proxy the request arrives as plain http on an
    /// // internal address, and verifies against the public origin: accepted.
    /// let signed = Signer::new("printer", "kd94hf93k423kf44")
    ///     .sign(http::Request::get("https://api.example.com/photos").body(Vec::new())?)?;
    /// let (mut head, body) = signed.into_parts();
    /// head.uri = "/photos".parse()?;
    /// head.headers.insert("host", "10.0.0.7:8080".parse()?);
    /// let received = http::Request::from_parts(head, body);
    /// assert!(protector.verify(&received, Scope::ConsumerOnly).await.is_ok());
    ///
    /// // Signed for another host (a request captured elsewhere and sent here): refused.
    /// let elsewhere = Signer::new("printer", "kd94hf93k423kf44")
    ///     .sign(http::Request::get("https://other.example/photos").body(Vec::new())?)?;
    /// let refused = protector.verify(&elsewhere, Scope::ConsumerOnly).await.unwrap_err();
    /// assert_eq!((refused.status().as_u16(), refused.code()), (401, "invalid_signature"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_origin(mut self, origin: Origin) -> Self {
        self.request_parsing = ParseOptions::with_origin(origin);
        self
    }

    /// The clock (tests: [`ManualClock`](crate::clock::ManualClock)).
    ///
    /// ```
    /// # use std::sync::Arc;
    /// # use oauth1::{Config, ResourceProtector, Scope, Stores, sign::Signer, store::Client};
    /// # let store = Arc::new(oauth1_memory::MemoryStore::new());
    /// # store.insert_client(Client::new("printer", "kd94hf93k423kf44"));
    /// # use oauth1::clock::ManualClock;
    /// let clock = ManualClock::new(1_700_000_000);
    /// let protector = ResourceProtector::new(Stores::single(store), Config::default().with_clock(clock.clone()));
    /// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
    /// let req = Signer::new("printer", "kd94hf93k423kf44")
    ///     .timestamp(1_700_000_000)
    ///     .sign(http::Request::get("http://photos.example/me").body(Vec::new())?)?;
    /// assert!(protector.verify(&req, Scope::ConsumerOnly).await.is_ok());
    ///
    /// // Ten minutes later, a request signed with the same timestamp is outside the window.
    /// clock.advance(600);
    /// let late = Signer::new("printer", "kd94hf93k423kf44")
    ///     .timestamp(1_700_000_000)
    ///     .sign(http::Request::get("http://photos.example/me").body(Vec::new())?)?;
    /// let refused = protector.verify(&late, Scope::ConsumerOnly).await.unwrap_err();
    /// assert_eq!((refused.status().as_u16(), refused.problem()), (401, "timestamp_refused"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// Allows a registered signature method (e.g. `"PLAINTEXT"`, for TLS-only deployments).
    ///
    /// ```
    /// # use std::sync::Arc;
    /// # use oauth1::{Config, ResourceProtector, Scope, Stores, sign::Signer, store::Client};
    /// # let store = Arc::new(oauth1_memory::MemoryStore::new());
    /// # store.insert_client(Client::new("printer", "kd94hf93k423kf44"));
    /// # use oauth1::Origin;
    /// # use oauth1::sign::SigningMethod;
    /// let plaintext = Signer::new("printer", "kd94hf93k423kf44").method(SigningMethod::Plaintext);
    /// let https = Origin::fixed("https://photos.example")?;
    ///
    /// // By default PLAINTEXT is not allowed: 400 unsupported_signature_method.
    /// let default = ResourceProtector::new(Stores::single(store.clone()), Config::default().with_origin(https.clone()));
    /// // Allowed, over https: accepted.
    /// let config = Config::default().with_origin(https).allow_signature_method("PLAINTEXT");
    /// let allowing = ResourceProtector::new(Stores::single(store), config);
    /// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
    /// let req = plaintext.sign(http::Request::get("https://photos.example/me").body(Vec::new())?)?;
    /// let refused = default.verify(&req, Scope::ConsumerOnly).await.unwrap_err();
    /// assert_eq!((refused.status().as_u16(), refused.code()), (400, "unsupported_signature_method"));
    /// assert!(allowing.verify(&req, Scope::ConsumerOnly).await.is_ok());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn allow_signature_method(mut self, name: &str) -> Self {
        self.signature_methods.allow(name);
        self
    }

    /// Refuses a signature method server-wide (e.g. `"RSA-SHA1"` once every client signs with
    /// SHA-256): requests naming it get 400 `unsupported_signature_method`.
    ///
    /// ```
    /// # use std::sync::Arc;
    /// # use oauth1::{Config, ResourceProtector, Scope, Stores, sign::Signer, store::Client};
    /// # let store = Arc::new(oauth1_memory::MemoryStore::new());
    /// # store.insert_client(Client::new("printer", "kd94hf93k423kf44"));
    /// # use oauth1::sign::SigningMethod;
    /// # use oauth1::signature::Algorithm;
    /// let config = Config::default().disallow_signature_method("HMAC-SHA1");
    /// let protector = ResourceProtector::new(Stores::single(store), config);
    /// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
    /// // HMAC-SHA256 is still accepted.
    /// let sha256 = Signer::new("printer", "kd94hf93k423kf44").method(SigningMethod::Hmac(Algorithm::Sha256));
    /// let req = sha256.sign(http::Request::get("http://photos.example/me").body(Vec::new())?)?;
    /// assert!(protector.verify(&req, Scope::ConsumerOnly).await.is_ok());
    ///
    /// // HMAC-SHA1 (the signer's default) is refused.
    /// let sha1 = Signer::new("printer", "kd94hf93k423kf44");
    /// let req = sha1.sign(http::Request::get("http://photos.example/me").body(Vec::new())?)?;
    /// let refused = protector.verify(&req, Scope::ConsumerOnly).await.unwrap_err();
    /// assert_eq!((refused.status().as_u16(), refused.code()), (400, "unsupported_signature_method"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn disallow_signature_method(mut self, name: &str) -> Self {
        self.signature_methods.disallow(name);
        self
    }

    /// Replaces the whole registry of signature methods.
    ///
    /// ```
    /// # use std::sync::Arc;
    /// # use oauth1::{Config, ResourceProtector, Scope, Stores, sign::Signer, store::Client};
    /// # let store = Arc::new(oauth1_memory::MemoryStore::new());
    /// # store.insert_client(Client::new("printer", "kd94hf93k423kf44"));
    /// # use oauth1::sign::SigningMethod;
    /// use oauth1::signature::{Algorithm, HMAC_SHA256, SignatureMethods};
    ///
    /// // Only HMAC-SHA256.
    /// let mut methods = SignatureMethods::empty();
    /// methods.register(HMAC_SHA256);
    /// let protector = ResourceProtector::new(Stores::single(store), Config::default().with_signature_methods(methods));
    /// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
    /// let sha256 = Signer::new("printer", "kd94hf93k423kf44").method(SigningMethod::Hmac(Algorithm::Sha256));
    /// let req = sha256.sign(http::Request::get("http://photos.example/me").body(Vec::new())?)?;
    /// assert!(protector.verify(&req, Scope::ConsumerOnly).await.is_ok());
    ///
    /// let sha1 = Signer::new("printer", "kd94hf93k423kf44");
    /// let req = sha1.sign(http::Request::get("http://photos.example/me").body(Vec::new())?)?;
    /// assert_eq!(protector.verify(&req, Scope::ConsumerOnly).await.unwrap_err().code(), "unsupported_signature_method");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_signature_methods(mut self, methods: SignatureMethods) -> Self {
        self.signature_methods = methods;
        self
    }

    /// Registers (and allows) a signature method of your own
    /// ([RFC 5849 §3.4](https://www.rfc-editor.org/rfc/rfc5849#section-3.4) leaves room for them).
    ///
    /// ```
    /// # use std::sync::Arc;
    /// # use oauth1::{Config, ResourceProtector, Scope, Stores, sign::Signer, store::Client};
    /// # let store = Arc::new(oauth1_memory::MemoryStore::new());
    /// # store.insert_client(Client::new("printer", "kd94hf93k423kf44"));
    /// use oauth1::request::BaseString;
    /// use oauth1::signature::{SignatureMethod, VerifyingKeys, ct_eq_str};
    ///
    /// /// A made-up method for the example: the signature is the consumer secret reversed.
    /// struct Reversed;
    ///
    /// impl SignatureMethod for Reversed {
    ///     fn name(&self) -> &'static str {
    ///         "X-REVERSED"
    ///     }
    ///     fn verify(&self, _: &BaseString<'_>, signature: &str, keys: &VerifyingKeys<'_>) -> bool {
    ///         let expected: String = keys.consumer_secret.chars().rev().collect();
    ///         ct_eq_str(&expected, signature)
    ///     }
    /// }
    ///
    /// let protector = ResourceProtector::new(Stores::single(store), Config::default().with_signature_method(Reversed));
    /// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
    /// # let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_secs();
    /// let request = |signature: &str, nonce: &str| {
    ///     http::Request::get("http://photos.example/me")
    ///         .header(
    ///             "authorization",
    ///             format!(
    ///                 "OAuth oauth_consumer_key=\"printer\", oauth_signature_method=\"X-REVERSED\", \
    ///                  oauth_timestamp=\"{now}\", oauth_nonce=\"{nonce}\", oauth_signature=\"{signature}\""
    ///             ),
    ///         )
    ///         .body(Vec::new())
    /// };
    /// let req = request("44fk324k39fh49dk", "n1")?;
    /// assert_eq!(protector.verify(&req, Scope::ConsumerOnly).await?.signature_method(), "X-REVERSED");
    /// let wrong = request("kd94hf93k423kf44", "n2")?;
    /// assert_eq!(protector.verify(&wrong, Scope::ConsumerOnly).await.unwrap_err().code(), "invalid_signature");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_signature_method(mut self, method: impl SignatureMethod + 'static) -> Self {
        self.signature_methods.register(method);
        self
    }

    /// How far into the past and the future an `oauth_timestamp` may be (default 300 seconds
    /// each; [RFC 5849 §3.3](https://www.rfc-editor.org/rfc/rfc5849#section-3.3)). Nonces are
    /// kept for the past window.
    ///
    /// ```
    /// # use std::sync::Arc;
    /// # use oauth1::{Config, ResourceProtector, Scope, Stores, sign::Signer, store::Client};
    /// # let store = Arc::new(oauth1_memory::MemoryStore::new());
    /// # store.insert_client(Client::new("printer", "kd94hf93k423kf44"));
    /// # use std::time::Duration;
    /// # use oauth1::clock::ManualClock;
    /// let clock = ManualClock::new(1_700_000_000);
    /// let config = Config::default()
    ///     .with_clock(clock.clone())
    ///     .with_timestamp_window(Duration::from_secs(120), Duration::from_secs(30));
    /// let protector = ResourceProtector::new(Stores::single(store), config);
    /// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
    /// let signed_at = |timestamp: u64| -> Result<_, Box<dyn std::error::Error>> {
    ///     Ok(Signer::new("printer", "kd94hf93k423kf44")
    ///         .timestamp(timestamp)
    ///         .sign(http::Request::get("http://photos.example/me").body(Vec::new())?)?)
    /// };
    /// // 100 seconds old: inside the window.
    /// assert!(protector.verify(&signed_at(1_700_000_000 - 100)?, Scope::ConsumerOnly).await.is_ok());
    /// // 60 seconds ahead: outside it.
    /// let refused = protector.verify(&signed_at(1_700_000_000 + 60)?, Scope::ConsumerOnly).await.unwrap_err();
    /// assert_eq!(refused.problem(), "timestamp_refused");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_timestamp_window(mut self, past: Duration, future: Duration) -> Self {
        self.timestamp_past = secs(past);
        self.timestamp_future = secs(future);
        self
    }

    /// Which callbacks a client may name (default [`CallbackPolicy::RegisteredWhenPresent`]).
    ///
    /// ```
    /// # use std::sync::Arc;
    /// # use oauth1::{AuthorizationServer, Config, Stores, sign::Signer, store::Client};
    /// # let store = Arc::new(oauth1_memory::MemoryStore::new());
    /// use oauth1::server::CallbackPolicy;
    ///
    /// // "printer" registered no callback: under `Registered` it may only use `oob`.
    /// store.insert_client(Client::new("printer", "kd94hf93k423kf44"));
    /// let config = Config::default().with_callback_policy(CallbackPolicy::Registered);
    /// let server = AuthorizationServer::new(Stores::single(store), config);
    /// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
    /// let initiate = |callback: &str| -> Result<_, Box<dyn std::error::Error>> {
    ///     Ok(Signer::new("printer", "kd94hf93k423kf44")
    ///         .callback(callback)
    ///         .sign(http::Request::post("http://photos.example/initiate").body(Vec::new())?)?)
    /// };
    /// assert!(server.temporary_credentials(&initiate("oob")?).await.is_ok());
    /// let refused = server.temporary_credentials(&initiate("https://anywhere.example/")?).await.unwrap_err();
    /// assert_eq!((refused.status().as_u16(), refused.code()), (400, "invalid_request"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_callback_policy(mut self, policy: CallbackPolicy) -> Self {
        self.callback_policy = policy;
        self
    }

    /// The URI schemes a callback may have (default `http` and `https`), e.g. a desktop app's
    /// own scheme. `oob` is always accepted.
    ///
    /// ```
    /// # use std::sync::Arc;
    /// # use oauth1::{AuthorizationServer, Config, Stores, sign::Signer, store::Client};
    /// # let store = Arc::new(oauth1_memory::MemoryStore::new());
    /// # store.insert_client(Client::new("photos-app", "kd94hf93k423kf44"));
    /// // A desktop app that receives its verifier through its own URI scheme, over https otherwise.
    /// let config = Config::default().with_callback_schemes(["https", "photosapp"]);
    /// let server = AuthorizationServer::new(Stores::single(store), config);
    /// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
    /// let initiate = |callback: &str| -> Result<_, Box<dyn std::error::Error>> {
    ///     Ok(Signer::new("photos-app", "kd94hf93k423kf44")
    ///         .callback(callback)
    ///         .sign(http::Request::post("http://photos.example/initiate").body(Vec::new())?)?)
    /// };
    /// assert!(server.temporary_credentials(&initiate("photosapp://authorized")?).await.is_ok());
    /// // Plain http is no longer a callback scheme.
    /// let refused = server.temporary_credentials(&initiate("http://photos-app.example/done")?).await.unwrap_err();
    /// assert_eq!((refused.status().as_u16(), refused.code()), (400, "invalid_request"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_callback_schemes<I: IntoIterator<Item = S>, S: Into<String>>(mut self, schemes: I) -> Self {
        self.callback_schemes = schemes.into_iter().map(Into::into).collect();
        self
    }

    /// How long temporary credentials live (default 600 seconds): the resource owner must decide
    /// and the client exchange them within it.
    ///
    /// ```
    /// # use std::sync::Arc;
    /// # use std::time::Duration;
    /// # use oauth1::{AuthorizationServer, Config, Stores, sign::Signer, store::Client};
    /// # use oauth1::clock::ManualClock;
    /// # fn field(body: &[u8], name: &str) -> String {
    /// #     let pairs = oauth1::encoding::decode_form(std::str::from_utf8(body).unwrap_or("")).unwrap_or_default();
    /// #     pairs.into_iter().find(|(n, _)| n == name).map(|(_, v)| v.into_owned()).unwrap_or_default()
    /// # }
    /// let clock = ManualClock::new(1_700_000_000);
    /// # let store = Arc::new(oauth1_memory::MemoryStore::new().with_clock(clock.clone()));
    /// # store.insert_client(Client::new("printer", "kd94hf93k423kf44"));
    /// let config = Config::default().with_clock(clock.clone()).with_temporary_lifetime(Duration::from_secs(120));
    /// let server = AuthorizationServer::new(Stores::single(store), config);
    /// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
    /// # let initiate = |callback: &str| -> Result<_, Box<dyn std::error::Error>> {
    /// #     Ok(Signer::new("printer", "kd94hf93k423kf44").timestamp(1_700_000_000).callback(callback)
    /// #         .sign(http::Request::post("http://photos.example/initiate").body(Vec::new())?)?)
    /// # };
    /// let res = server.temporary_credentials(&initiate("oob")?).await?;
    /// let token = field(res.body(), "oauth_token");
    /// // The consent page can be shown within two minutes...
    /// assert!(server.pending_authorization(&token).await.is_ok());
    /// // ...not after.
    /// clock.advance(121);
    /// assert_eq!(server.pending_authorization(&token).await.unwrap_err().code(), "invalid_token");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_temporary_lifetime(mut self, lifetime: Duration) -> Self {
        self.temporary_lifetime = secs(lifetime);
        self
    }

    /// Token credentials expire `lifetime` after they are issued (default: never, until
    /// revoked). Expired ones are refused with `invalid_token`, and stores may drop them.
    ///
    /// ```
    /// # use std::sync::Arc;
    /// # use std::time::Duration;
    /// # use oauth1::{AuthorizationServer, Config, Scope, Stores, sign::Signer, store::Client};
    /// # use oauth1::clock::ManualClock;
    /// # use oauth1::server::Grant;
    /// # fn field(body: &[u8], name: &str) -> String {
    /// #     let pairs = oauth1::encoding::decode_form(std::str::from_utf8(body).unwrap_or("")).unwrap_or_default();
    /// #     pairs.into_iter().find(|(n, _)| n == name).map(|(_, v)| v.into_owned()).unwrap_or_default()
    /// # }
    /// let clock = ManualClock::new(1_700_000_000);
    /// # let clock_now = 1_700_000_000;
    /// # let store = Arc::new(oauth1_memory::MemoryStore::new().with_clock(clock.clone()));
    /// # store.insert_client(Client::new("printer", "kd94hf93k423kf44"));
    /// let day = Duration::from_secs(24 * 3600);
    /// let server = AuthorizationServer::new(Stores::single(store), Config::default().with_clock(clock.clone()).with_token_lifetime(day));
    /// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
    /// # let initiate = Signer::new("printer", "kd94hf93k423kf44").timestamp(clock_now).callback("oob")
    /// #     .sign(http::Request::post("http://photos.example/initiate").body(Vec::new())?)?;
    /// # let res = server.temporary_credentials(&initiate).await?;
    /// # let (temporary, temporary_secret) = (field(res.body(), "oauth_token"), field(res.body(), "oauth_token_secret"));
    /// # let page = server.pending_authorization(&temporary).await?;
    /// # let Grant::OutOfBand { verifier, .. } = server.grant(&temporary, "alice", &page.anti_forgery.proof()).await? else {
    /// #     return Err("oob".into());
    /// # };
    /// # let exchange = Signer::new("printer", "kd94hf93k423kf44").timestamp(clock_now)
    /// #     .token(&temporary, &temporary_secret).verifier(&verifier)
    /// #     .sign(http::Request::post("http://photos.example/token").body(Vec::new())?)?;
    /// // Token credentials issued now (the exchange is hidden here; see the `server` module docs)...
    /// let res = server.token_credentials(&exchange).await?;
    /// let (token, secret) = (field(res.body(), "oauth_token"), field(res.body(), "oauth_token_secret"));
    /// let protected = |now: u64| -> Result<_, Box<dyn std::error::Error>> {
    ///     Ok(Signer::new("printer", "kd94hf93k423kf44")
    ///         .timestamp(now)
    ///         .token(&token, &secret)
    ///         .sign(http::Request::get("http://photos.example/photos").body(Vec::new())?)?)
    /// };
    /// let protector = server.resource_protector();
    /// // ...are accepted within the day...
    /// assert!(protector.verify(&protected(1_700_000_000)?, Scope::Token).await.is_ok());
    /// // ...and refused after it.
    /// clock.advance(24 * 3600);
    /// let refused = protector.verify(&protected(1_700_000_000 + 24 * 3600)?, Scope::Token).await.unwrap_err();
    /// assert_eq!((refused.status().as_u16(), refused.code()), (401, "invalid_token"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_token_lifetime(mut self, lifetime: Duration) -> Self {
        self.token_lifetime = Some(secs(lifetime));
        self
    }

    /// Requires `oauth_body_hash` on protected requests whose body is not a form (default off:
    /// it is an extension most clients do not send).
    ///
    /// ```
    /// # use std::sync::Arc;
    /// # use oauth1::{Config, ResourceProtector, Scope, Stores, sign::Signer, store::Client};
    /// # let store = Arc::new(oauth1_memory::MemoryStore::new());
    /// # store.insert_client(Client::new("printer", "kd94hf93k423kf44"));
    /// let protector = ResourceProtector::new(Stores::single(store), Config::default().require_body_hash(true));
    /// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
    /// let json = || {
    ///     http::Request::post("http://photos.example/albums")
    ///         .header("content-type", "application/json")
    ///         .body(br#"{"name":"Holidays"}"#.to_vec())
    /// };
    /// // With `oauth_body_hash`: accepted.
    /// let req = Signer::new("printer", "kd94hf93k423kf44").body_hash(true).sign(json()?)?;
    /// assert!(protector.verify(&req, Scope::ConsumerOnly).await.is_ok());
    /// // Without: refused.
    /// let req = Signer::new("printer", "kd94hf93k423kf44").sign(json()?)?;
    /// let refused = protector.verify(&req, Scope::ConsumerOnly).await.unwrap_err();
    /// assert_eq!((refused.status().as_u16(), refused.code()), (400, "missing_required_parameter"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn require_body_hash(mut self, on: bool) -> Self {
        self.require_body_hash = on;
        self
    }

    /// The double-decoding interop fallback (default on; see [`InteropFallback`]).
    ///
    /// ```
    /// # use std::sync::Arc;
    /// # use oauth1::{Config, ResourceProtector, Scope, Stores, sign::Signer, store::Client};
    /// # let store = Arc::new(oauth1_memory::MemoryStore::new());
    /// # store.insert_client(Client::new("printer", "kd94hf93k423kf44"));
    /// use oauth1::signature::InteropFallback;
    ///
    /// let lenient = ResourceProtector::new(Stores::single(store.clone()), Config::default());
    /// let strict = ResourceProtector::new(Stores::single(store), Config::default().with_interop_fallback(InteropFallback::Off));
    /// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
    /// // What requests-oauthlib sends for the nonce `a%2Fb`: it signs the value decoded twice (`a/b`).
    /// let signed = Signer::new("printer", "kd94hf93k423kf44")
    ///     .nonce("a/b")
    ///     .sign(http::Request::get("http://photos.example/me").body(Vec::new())?)?;
    /// let header = signed.headers()["authorization"].to_str()?.replace("a%2Fb", "a%252Fb");
    /// let mut req = signed.clone();
    /// req.headers_mut().insert("authorization", header.parse()?);
    ///
    /// // By default it verifies (and the nonce recorded is `a/b`, the value the signature covers)...
    /// assert!(lenient.verify(&req, Scope::ConsumerOnly).await?.interop_fallback());
    /// // ...with the fallback off, only the RFC base string counts.
    /// assert_eq!(strict.verify(&req, Scope::ConsumerOnly).await.unwrap_err().code(), "invalid_signature");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_interop_fallback(mut self, fallback: InteropFallback) -> Self {
        self.interop_fallback = fallback;
        self
    }

    /// Whether `oauth_*` parameters RFC 5849 does not define are refused (400, default on:
    /// [RFC 5849 §3.2](https://www.rfc-editor.org/rfc/rfc5849#section-3.2)). Off, they are
    /// signed like any other parameter and ignored.
    ///
    /// ```
    /// # use std::sync::Arc;
    /// # use oauth1::{Config, ResourceProtector, Scope, Stores, sign::Signer, store::Client};
    /// # let store = Arc::new(oauth1_memory::MemoryStore::new());
    /// # store.insert_client(Client::new("printer", "kd94hf93k423kf44"));
    /// let strict = ResourceProtector::new(Stores::single(store.clone()), Config::default());
    /// let lenient = ResourceProtector::new(
    ///     Stores::single(store),
    ///     Config::default().reject_unknown_protocol_parameters(false),
    /// );
    /// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
    /// let with_session_handle = || -> Result<_, Box<dyn std::error::Error>> {
    ///     Ok(Signer::new("printer", "kd94hf93k423kf44")
    ///         .param("oauth_session_handle", "x")
    ///         .sign(http::Request::get("http://photos.example/me").body(Vec::new())?)?)
    /// };
    /// let refused = strict.verify(&with_session_handle()?, Scope::ConsumerOnly).await.unwrap_err();
    /// assert_eq!((refused.status().as_u16(), refused.code()), (400, "unsupported_parameter"));
    /// assert!(lenient.verify(&with_session_handle()?, Scope::ConsumerOnly).await.is_ok());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn reject_unknown_protocol_parameters(mut self, on: bool) -> Self {
        self.reject_unknown_protocol_parameters = on;
        self
    }

    /// What makes tokens, secrets and verifiers (default [`RandomTokens`]: 192-bit tokens and
    /// verifiers, 288-bit secrets, from the OS CSPRNG).
    ///
    /// ```
    /// # use std::sync::Arc;
    /// # use oauth1::{AuthorizationServer, Config, Stores, sign::Signer, store::Client};
    /// # fn field(body: &[u8], name: &str) -> String {
    /// #     let pairs = oauth1::encoding::decode_form(std::str::from_utf8(body).unwrap_or("")).unwrap_or_default();
    /// #     pairs.into_iter().find(|(n, _)| n == name).map(|(_, v)| v.into_owned()).unwrap_or_default()
    /// # }
    /// use oauth1::generate::RandomTokens;
    ///
    /// // Longer tokens than the default 32 characters.
    /// let tokens = RandomTokens { token_len: 43, ..RandomTokens::default() };
    /// # let store = Arc::new(oauth1_memory::MemoryStore::new());
    /// # store.insert_client(Client::new("printer", "kd94hf93k423kf44"));
    /// let server = AuthorizationServer::new(Stores::single(store), Config::default().with_token_generator(tokens));
    /// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
    /// let req = Signer::new("printer", "kd94hf93k423kf44")
    ///     .callback("oob")
    ///     .sign(http::Request::post("http://photos.example/initiate").body(Vec::new())?)?;
    /// let res = server.temporary_credentials(&req).await?;
    /// assert_eq!(field(res.body(), "oauth_token").len(), 43);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_token_generator(mut self, generator: impl TokenGenerator + 'static) -> Self {
        self.token_generator = Arc::new(generator);
        self
    }

    /// **Unsafe**: accepts PLAINTEXT (once [allowed](Self::allow_signature_method)) when the
    /// base string URI is `http`. PLAINTEXT puts the consumer and token secrets on the wire, so
    /// RFC 5849 §3.4.4 permits it only over TLS, and by default a PLAINTEXT request whose base
    /// string URI is not `https` is refused (400 `unsupported_signature_method`). Behind a
    /// TLS-terminating proxy, set the origin instead ([`Origin::fixed`]). For local tests and
    /// demos only.
    ///
    /// ```
    /// # use std::sync::Arc;
    /// # use oauth1::{Config, ResourceProtector, Scope, Stores, sign::Signer, store::Client};
    /// # let store = Arc::new(oauth1_memory::MemoryStore::new());
    /// # store.insert_client(Client::new("printer", "kd94hf93k423kf44"));
    /// # use oauth1::sign::SigningMethod;
    /// let safe = ResourceProtector::new(Stores::single(store.clone()), Config::default().allow_signature_method("PLAINTEXT"));
    /// // A local demo over plain http.
    /// let demo = ResourceProtector::new(
    ///     Stores::single(store),
    ///     Config::default().allow_signature_method("PLAINTEXT").insecure_allow_plaintext_over_http(),
    /// );
    /// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
    /// let plaintext = || -> Result<_, Box<dyn std::error::Error>> {
    ///     Ok(Signer::new("printer", "kd94hf93k423kf44")
    ///         .method(SigningMethod::Plaintext)
    ///         .sign(http::Request::get("http://localhost:8000/me").body(Vec::new())?)?)
    /// };
    /// let refused = safe.verify(&plaintext()?, Scope::ConsumerOnly).await.unwrap_err();
    /// assert_eq!((refused.status().as_u16(), refused.code()), (400, "unsupported_signature_method"));
    /// assert!(demo.verify(&plaintext()?, Scope::ConsumerOnly).await.is_ok());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn insecure_allow_plaintext_over_http(mut self) -> Self {
        self.insecure_plaintext_over_http = true;
        self
    }

    /// **Unsafe**: accepts PLAINTEXT requests that omit both `oauth_timestamp` and
    /// `oauth_nonce` (RFC 5849 §3.1 allows it). Such a request has no nonce to record, so the
    /// same request is accepted again whenever it is replayed; by default PLAINTEXT requests
    /// need a timestamp and a nonce like every other method.
    ///
    /// ```
    /// # use std::sync::Arc;
    /// # use oauth1::{Config, ResourceProtector, Scope, Stores, sign::Signer, store::Client};
    /// # let store = Arc::new(oauth1_memory::MemoryStore::new());
    /// # store.insert_client(Client::new("printer", "kd94hf93k423kf44"));
    /// # use oauth1::Origin;
    /// # use oauth1::sign::SigningMethod;
    /// let config = || Config::default().with_origin(Origin::fixed("https://photos.example").unwrap()).allow_signature_method("PLAINTEXT");
    /// let safe = ResourceProtector::new(Stores::single(store.clone()), config());
    /// let lax = ResourceProtector::new(Stores::single(store), config().insecure_allow_plaintext_without_nonce());
    /// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
    /// let req = Signer::new("printer", "kd94hf93k423kf44")
    ///     .method(SigningMethod::Plaintext)
    ///     .without_timestamp_and_nonce()
    ///     .sign(http::Request::get("https://photos.example/me").body(Vec::new())?)?;
    /// let refused = safe.verify(&req, Scope::ConsumerOnly).await.unwrap_err();
    /// assert_eq!((refused.status().as_u16(), refused.code()), (400, "missing_required_parameter"));
    /// // Accepted, and accepted again: nothing tells a replay apart.
    /// assert!(lax.verify(&req, Scope::ConsumerOnly).await.is_ok());
    /// assert!(lax.verify(&req, Scope::ConsumerOnly).await.is_ok());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn insecure_allow_plaintext_without_nonce(mut self) -> Self {
        self.insecure_plaintext_without_nonce = true;
        self
    }

    /// One answer for an unknown consumer key, an unknown token and a wrong signature: 401
    /// `invalid_signature` ("Invalid credentials or signature"). The verification already runs
    /// with a dummy secret for unknown keys and tokens, so the timing does not tell them apart
    /// either (except RSA, whose verification is skipped when the consumer is unknown); with
    /// this on, the response does not either. The cost: clients and their developers lose the
    /// precise reason, so keep it off while integrating and turn it on where enumeration of
    /// consumer keys or tokens matters.
    ///
    /// ```
    /// # use std::sync::Arc;
    /// # use oauth1::{Config, ResourceProtector, Scope, Stores, sign::Signer, store::Client};
    /// # let store = Arc::new(oauth1_memory::MemoryStore::new());
    /// # store.insert_client(Client::new("printer", "kd94hf93k423kf44"));
    /// let precise = ResourceProtector::new(Stores::single(store.clone()), Config::default());
    /// let opaque = ResourceProtector::new(Stores::single(store), Config::default().opaque_errors(true));
    /// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
    /// let unknown = || -> Result<_, Box<dyn std::error::Error>> {
    ///     Ok(Signer::new("stranger", "guess").sign(http::Request::get("http://photos.example/me").body(Vec::new())?)?)
    /// };
    /// assert_eq!(precise.verify(&unknown()?, Scope::ConsumerOnly).await.unwrap_err().code(), "invalid_client");
    /// // The same answer as a wrong signature from a registered client.
    /// assert_eq!(opaque.verify(&unknown()?, Scope::ConsumerOnly).await.unwrap_err().code(), "invalid_signature");
    /// let wrong = Signer::new("printer", "not-the-secret")
    ///     .sign(http::Request::get("http://photos.example/me").body(Vec::new())?)?;
    /// assert_eq!(opaque.verify(&wrong, Scope::ConsumerOnly).await.unwrap_err().code(), "invalid_signature");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn opaque_errors(mut self, on: bool) -> Self {
        self.opaque_errors = on;
        self
    }

    /// The key of the consent page's anti-forgery values. Give every process that serves one
    /// consent flow (the page from one, the decision posted to another) the same key; by
    /// default each `Config` makes a random one.
    ///
    /// ```
    /// # use std::sync::Arc;
    /// # use oauth1::{AuthorizationServer, Config, Stores, sign::Signer, store::Client};
    /// # fn field(body: &[u8], name: &str) -> String {
    /// #     let pairs = oauth1::encoding::decode_form(std::str::from_utf8(body).unwrap_or("")).unwrap_or_default();
    /// #     pairs.into_iter().find(|(n, _)| n == name).map(|(_, v)| v.into_owned()).unwrap_or_default()
    /// # }
    /// use oauth1::consent::ConsentKey;
    ///
    /// // Two instances on one shared store (e.g. Redis), with one key from your secret store.
    /// let key = ConsentKey::from_hex(&"4f".repeat(32)).ok_or("bad key")?;
    /// # let store = Arc::new(oauth1_memory::MemoryStore::new());
    /// # store.insert_client(Client::new("printer", "kd94hf93k423kf44"));
    /// let one = AuthorizationServer::new(Stores::single(store.clone()), Config::default().with_consent_key(key.clone()));
    /// let two = AuthorizationServer::new(Stores::single(store.clone()), Config::default().with_consent_key(key));
    /// // A third instance left with its own random key.
    /// let other = AuthorizationServer::new(Stores::single(store), Config::default());
    /// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
    /// # let req = Signer::new("printer", "kd94hf93k423kf44").callback("oob")
    /// #     .sign(http::Request::post("http://photos.example/initiate").body(Vec::new())?)?;
    /// # let token = field(one.temporary_credentials(&req).await?.body(), "oauth_token");
    /// // The consent page served by `one`...
    /// let page = one.pending_authorization(&token).await?;
    /// // ...is refused by an instance with another key...
    /// let refused = other.grant(&token, "alice", &page.anti_forgery.proof()).await.unwrap_err();
    /// assert_eq!((refused.status().as_u16(), refused.code()), (403, "invalid_consent"));
    /// // ...and answered on `two`.
    /// assert!(two.grant(&token, "alice", &page.anti_forgery.proof()).await.is_ok());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_consent_key(mut self, key: ConsentKey) -> Self {
        self.consent_key = key;
        self
    }

    /// Adds parameters to every token credentials response
    /// ([RFC 5849 §2.3](https://www.rfc-editor.org/rfc/rfc5849#section-2.3)).
    ///
    /// ```
    /// # use std::sync::Arc;
    /// # use oauth1::{AuthorizationServer, Config, Stores, sign::Signer, store::Client};
    /// # use oauth1::server::Grant;
    /// # fn field(body: &[u8], name: &str) -> String {
    /// #     let pairs = oauth1::encoding::decode_form(std::str::from_utf8(body).unwrap_or("")).unwrap_or_default();
    /// #     pairs.into_iter().find(|(n, _)| n == name).map(|(_, v)| v.into_owned()).unwrap_or_default()
    /// # }
    /// # let store = Arc::new(oauth1_memory::MemoryStore::new());
    /// # store.insert_client(Client::new("printer", "kd94hf93k423kf44"));
    /// # let clock_now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_secs();
    /// let config = Config::default().with_token_response(|credentials| {
    ///     vec![("user_id".to_owned(), credentials.user_id.clone())]
    /// });
    /// let server = AuthorizationServer::new(Stores::single(store), config);
    /// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
    /// # let initiate = Signer::new("printer", "kd94hf93k423kf44").timestamp(clock_now).callback("oob")
    /// #     .sign(http::Request::post("http://photos.example/initiate").body(Vec::new())?)?;
    /// # let res = server.temporary_credentials(&initiate).await?;
    /// # let (temporary, temporary_secret) = (field(res.body(), "oauth_token"), field(res.body(), "oauth_token_secret"));
    /// # let page = server.pending_authorization(&temporary).await?;
    /// # let Grant::OutOfBand { verifier, .. } = server.grant(&temporary, "alice", &page.anti_forgery.proof()).await? else {
    /// #     return Err("oob".into());
    /// # };
    /// # let exchange = Signer::new("printer", "kd94hf93k423kf44").timestamp(clock_now)
    /// #     .token(&temporary, &temporary_secret).verifier(&verifier)
    /// #     .sign(http::Request::post("http://photos.example/token").body(Vec::new())?)?;
    /// // The token exchange (the earlier steps are hidden; see the `server` module docs):
    /// let res = server.token_credentials(&exchange).await?;
    /// assert_eq!(field(res.body(), "user_id"), "alice");
    /// assert!(!field(res.body(), "oauth_token").is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_token_response(
        mut self,
        hook: impl Fn(&TokenCredentials) -> Vec<(String, String)> + Send + Sync + 'static,
    ) -> Self {
        self.token_response = Some(Arc::new(hook));
        self
    }

    /// The realm of `WWW-Authenticate`.
    pub fn realm(&self) -> Option<&str> {
        self.realm.as_deref()
    }

    /// The timestamp window: how far into the past and into the future.
    pub fn timestamp_window(&self) -> (Duration, Duration) {
        (Duration::from_secs(self.timestamp_past), Duration::from_secs(self.timestamp_future))
    }

    /// The consent page's anti-forgery key.
    pub fn consent_key(&self) -> &ConsentKey {
        &self.consent_key
    }

    /// The clock.
    pub fn clock(&self) -> &dyn Clock {
        &*self.clock
    }

    /// How requests are read (the origin policy).
    pub fn request_parsing(&self) -> &ParseOptions {
        &self.request_parsing
    }
}
