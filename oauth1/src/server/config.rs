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
    pub fn with_realm(mut self, realm: impl Into<String>) -> Self {
        self.realm = Some(realm.into());
        self
    }

    /// Where the base string URI's scheme and authority come from
    /// ([RFC 5849 §3.4.1.2](https://www.rfc-editor.org/rfc/rfc5849#section-3.4.1.2)); by default
    /// `http` and the `Host` header. Behind a proxy, see [`Origin`].
    pub fn with_origin(mut self, origin: Origin) -> Self {
        self.request_parsing = ParseOptions::with_origin(origin);
        self
    }

    /// The clock (tests: [`ManualClock`](crate::clock::ManualClock)).
    pub fn with_clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// Allows a registered signature method (e.g. `"PLAINTEXT"`, for TLS-only deployments).
    pub fn allow_signature_method(mut self, name: &str) -> Self {
        self.signature_methods.allow(name);
        self
    }

    /// Refuses a signature method server-wide (e.g. `"RSA-SHA1"` once every client signs with
    /// SHA-256): requests naming it get 400 `unsupported_signature_method`.
    pub fn disallow_signature_method(mut self, name: &str) -> Self {
        self.signature_methods.disallow(name);
        self
    }

    /// Replaces the whole registry of signature methods.
    pub fn with_signature_methods(mut self, methods: SignatureMethods) -> Self {
        self.signature_methods = methods;
        self
    }

    /// Registers (and allows) a signature method of your own
    /// ([RFC 5849 §3.4](https://www.rfc-editor.org/rfc/rfc5849#section-3.4) leaves room for them).
    pub fn with_signature_method(mut self, method: impl SignatureMethod + 'static) -> Self {
        self.signature_methods.register(method);
        self
    }

    /// How far into the past and the future an `oauth_timestamp` may be (default 300 seconds
    /// each; [RFC 5849 §3.3](https://www.rfc-editor.org/rfc/rfc5849#section-3.3)). Nonces are
    /// kept for the past window.
    pub fn with_timestamp_window(mut self, past: Duration, future: Duration) -> Self {
        self.timestamp_past = secs(past);
        self.timestamp_future = secs(future);
        self
    }

    /// Which callbacks a client may name (default [`CallbackPolicy::RegisteredWhenPresent`]).
    pub fn with_callback_policy(mut self, policy: CallbackPolicy) -> Self {
        self.callback_policy = policy;
        self
    }

    /// The URI schemes a callback may have (default `http` and `https`), e.g. a desktop app's
    /// own scheme. `oob` is always accepted.
    pub fn with_callback_schemes<I: IntoIterator<Item = S>, S: Into<String>>(mut self, schemes: I) -> Self {
        self.callback_schemes = schemes.into_iter().map(Into::into).collect();
        self
    }

    /// How long temporary credentials live (default 600 seconds): the resource owner must decide
    /// and the client exchange them within it.
    pub fn with_temporary_lifetime(mut self, lifetime: Duration) -> Self {
        self.temporary_lifetime = secs(lifetime);
        self
    }

    /// Token credentials expire `lifetime` after they are issued (default: never, until
    /// revoked). Expired ones are refused with `invalid_token`, and stores may drop them.
    pub fn with_token_lifetime(mut self, lifetime: Duration) -> Self {
        self.token_lifetime = Some(secs(lifetime));
        self
    }

    /// Requires `oauth_body_hash` on protected requests whose body is not a form (default off:
    /// it is an extension most clients do not send).
    pub fn require_body_hash(mut self, on: bool) -> Self {
        self.require_body_hash = on;
        self
    }

    /// The double-decoding interop fallback (default on; see [`InteropFallback`]).
    pub fn with_interop_fallback(mut self, fallback: InteropFallback) -> Self {
        self.interop_fallback = fallback;
        self
    }

    /// Whether `oauth_*` parameters RFC 5849 does not define are refused (400, default on:
    /// [RFC 5849 §3.2](https://www.rfc-editor.org/rfc/rfc5849#section-3.2)). Off, they are
    /// signed like any other parameter and ignored.
    pub fn reject_unknown_protocol_parameters(mut self, on: bool) -> Self {
        self.reject_unknown_protocol_parameters = on;
        self
    }

    /// What makes tokens, secrets and verifiers (default [`RandomTokens`]: 192-bit tokens and
    /// verifiers, 288-bit secrets, from the OS CSPRNG).
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
    pub fn insecure_allow_plaintext_over_http(mut self) -> Self {
        self.insecure_plaintext_over_http = true;
        self
    }

    /// **Unsafe**: accepts PLAINTEXT requests that omit both `oauth_timestamp` and
    /// `oauth_nonce` (RFC 5849 §3.1 allows it). Such a request has no nonce to record, so the
    /// same request is accepted again whenever it is replayed; by default PLAINTEXT requests
    /// need a timestamp and a nonce like every other method.
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
    pub fn opaque_errors(mut self, on: bool) -> Self {
        self.opaque_errors = on;
        self
    }

    /// The key of the consent page's anti-forgery values. Give every process that serves one
    /// consent flow (the page from one, the decision posted to another) the same key; by
    /// default each `Config` makes a random one.
    pub fn with_consent_key(mut self, key: ConsentKey) -> Self {
        self.consent_key = key;
        self
    }

    /// Adds parameters to every token credentials response
    /// ([RFC 5849 §2.3](https://www.rfc-editor.org/rfc/rfc5849#section-2.3)).
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
