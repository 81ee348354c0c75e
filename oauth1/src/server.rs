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
//! * a client without a shared secret ([`Client::rsa_only`]) can only sign with RSA; HMAC
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
//! ```
//! # use std::sync::Arc;
//! use oauth1::server::{AuthorizationServer, Config};
//! # fn stores() -> oauth1::store::Stores { unimplemented!() }
//! # fn doc() {
//! let server = AuthorizationServer::new(stores(), Config::default().with_realm("Photos"));
//! let protector = server.resource_protector();
//! # }
//! ```

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use http::{Method, Response, StatusCode};
use tracing::info;

use crate::clock::{Clock, SystemClock};
use crate::consent::{AntiForgery, ConsentKey, ConsentProof};
use crate::error::{Advice, Error, ErrorKind};
use crate::generate::{RandomTokens, TokenGenerator, random_string};
use crate::origin::Origin;
use crate::request::{ParseOptions, SignedRequest, announces_body, decoded_again, is_form};
use crate::response::{form_encode, form_response};
use crate::signature::{
    InteropFallback, Secret, SignatureMatch, SignatureMethods, VerifyingKeys, ct_eq_str, method_name,
};
use crate::store::{
    Authorization, AuthorizeOutcome, Client, NonceCheck, NonceKey, StoreError, Stores, TemporaryCredentials,
    TokenCredentials,
};

/// Which callbacks a temporary credential request may name
/// ([RFC 5849 §2.1](https://www.rfc-editor.org/rfc/rfc5849#section-2.1)). `oob` is always
/// allowed; every URI must also have an allowed scheme ([`Config::callback_schemes`]).
///
/// The callback is where the verifier goes: a client that registered its callbacks must not be
/// able to have the verifier sent anywhere else, which the default enforces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CallbackPolicy {
    /// A client with registered callbacks must name one of them (to which the request may add
    /// query parameters); a client that registered none may name any URI (default).
    #[default]
    RegisteredWhenPresent,
    /// Every client must name one of its registered callbacks; a client that registered none
    /// may only use `oob`.
    Registered,
    /// **Unsafe**: any URI, even when the client registered its callbacks. Anybody holding a
    /// client's credentials can then have a resource owner's verifier sent to a host of their
    /// choosing (an open redirect). Only for providers whose clients cannot register callbacks.
    InsecureAnyUri,
}

/// The longest `oauth_callback` accepted, in bytes, after non-ASCII characters are
/// percent-encoded (it is stored with the temporary credentials): 400 beyond it.
pub const MAX_CALLBACK_LEN: usize = 2048;
/// The longest `realm` accepted from a temporary credential request, in bytes (it is stored
/// with the credentials): 400 beyond it.
pub const MAX_REALM_LEN: usize = 256;
/// The longest resource-owner id [`AuthorizationServer::grant`] stores, in bytes.
pub const MAX_USER_ID_LEN: usize = 256;

/// Extra parameters for the token credentials response (e.g. `user_id`, `screen_name`).
pub type TokenResponseHook = Arc<dyn Fn(&TokenCredentials) -> Vec<(String, String)> + Send + Sync>;

/// Provider settings. Start from `Config::default()` and change what you need.
#[derive(Clone)]
#[non_exhaustive]
pub struct Config {
    /// How requests are read (the base string URI's origin policy).
    pub parse: ParseOptions,
    /// Known and allowed signature methods.
    pub signature_methods: SignatureMethods,
    /// How far in the past a timestamp may be, in seconds (default 300).
    pub timestamp_past: u64,
    /// How far in the future a timestamp may be, in seconds (default 300).
    pub timestamp_future: u64,
    /// The double-decoding interop fallback (on by default).
    pub interop_fallback: InteropFallback,
    /// The realm for `WWW-Authenticate`.
    pub realm: Option<String>,
    /// Callback URI schemes accepted (default `http`, `https`).
    pub callback_schemes: Vec<String>,
    /// Whether callbacks must be registered for the client (default
    /// [`CallbackPolicy::RegisteredWhenPresent`]).
    pub callback_policy: CallbackPolicy,
    /// Lifetime of temporary credentials, in seconds (default 600).
    pub temporary_ttl: u64,
    /// Lifetime of token credentials, in seconds; `None` (default): until revoked.
    pub token_ttl: Option<u64>,
    /// Refuse `oauth_*` parameters the endpoint does not use (400, default on; RFC 5849 §3.2).
    pub reject_unknown_protocol_parameters: bool,
    /// Require `oauth_body_hash` on protected requests with a body that is not a form.
    pub require_body_hash: bool,
    /// Makes tokens, secrets and verifiers.
    pub tokens: Arc<dyn TokenGenerator>,
    /// The clock.
    pub clock: Arc<dyn Clock>,
    /// Extra token-response parameters.
    pub token_response: Option<TokenResponseHook>,
    /// **Unsafe**: accept PLAINTEXT when the base string URI is not `https` (default `false`).
    /// PLAINTEXT sends the secrets themselves, so RFC 5849 §3.4.4 only permits it over TLS.
    /// Set with [`Config::insecure_allow_plaintext_over_http`].
    pub insecure_plaintext_over_http: bool,
    /// **Unsafe**: accept PLAINTEXT requests without `oauth_timestamp` and `oauth_nonce`, as
    /// RFC 5849 §3.1 allows (default `false`: such a request could be replayed as it is). Set
    /// with [`Config::insecure_allow_plaintext_without_nonce`].
    pub insecure_plaintext_without_nonce: bool,
    /// Answer an unknown consumer key, an unknown token and a bad signature alike (401
    /// `invalid_signature`), so that responses do not tell which consumer keys and tokens
    /// exist (default `false`: Authlib's distinct codes). Set with [`Config::opaque_errors`].
    pub opaque_errors: bool,
    /// The key of the consent page's anti-forgery values ([`crate::consent`]); random per
    /// `Config::default()`. Set with [`Config::with_consent_key`].
    pub consent_key: ConsentKey,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            parse: ParseOptions::default(),
            signature_methods: SignatureMethods::default(),
            timestamp_past: 300,
            timestamp_future: 300,
            interop_fallback: InteropFallback::default(),
            realm: None,
            callback_schemes: vec!["http".into(), "https".into()],
            callback_policy: CallbackPolicy::default(),
            temporary_ttl: 600,
            token_ttl: None,
            reject_unknown_protocol_parameters: true,
            require_body_hash: false,
            tokens: Arc::new(RandomTokens::default()),
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
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("parse", &self.parse)
            .field("signature_methods", &self.signature_methods)
            .field("timestamp_past", &self.timestamp_past)
            .field("timestamp_future", &self.timestamp_future)
            .field("interop_fallback", &self.interop_fallback)
            .field("realm", &self.realm)
            .field("callback_schemes", &self.callback_schemes)
            .field("callback_policy", &self.callback_policy)
            .field("temporary_ttl", &self.temporary_ttl)
            .field("token_ttl", &self.token_ttl)
            .field("insecure_plaintext_over_http", &self.insecure_plaintext_over_http)
            .field("insecure_plaintext_without_nonce", &self.insecure_plaintext_without_nonce)
            .field("opaque_errors", &self.opaque_errors)
            .finish_non_exhaustive()
    }
}

impl Config {
    /// Sets the realm.
    pub fn with_realm(mut self, realm: impl Into<String>) -> Self {
        self.realm = Some(realm.into());
        self
    }

    /// Sets the origin policy.
    pub fn with_origin(mut self, origin: Origin) -> Self {
        self.parse = ParseOptions::with_origin(origin);
        self
    }

    /// Sets the clock.
    pub fn with_clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// Allows a registered signature method (e.g. `"PLAINTEXT"`, for TLS-only deployments).
    pub fn allow_signature_method(mut self, name: &str) -> Self {
        self.signature_methods.allow(name);
        self
    }

    /// Sets the timestamp window (seconds into the past and into the future).
    pub fn with_timestamp_window(mut self, past: u64, future: u64) -> Self {
        self.timestamp_past = past;
        self.timestamp_future = future;
        self
    }

    /// Sets the callback policy.
    pub fn with_callback_policy(mut self, policy: CallbackPolicy) -> Self {
        self.callback_policy = policy;
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

    /// Token credentials expire `seconds` after they are issued (default: never, until
    /// revoked). Expired ones are refused with `invalid_token`, and stores may drop them.
    pub fn with_token_lifetime(mut self, seconds: u64) -> Self {
        self.token_ttl = Some(seconds);
        self
    }

    /// The key of the consent page's anti-forgery values. Give every process that serves one
    /// consent flow (the page from one, the decision posted to another) the same key; by
    /// default each `Config` makes a random one.
    pub fn with_consent_key(mut self, key: ConsentKey) -> Self {
        self.consent_key = key;
        self
    }

    /// Adds parameters to every token credentials response.
    pub fn with_token_response(
        mut self,
        hook: impl Fn(&TokenCredentials) -> Vec<(String, String)> + Send + Sync + 'static,
    ) -> Self {
        self.token_response = Some(Arc::new(hook));
        self
    }
}

/// The credential a verified request carries: what a handler needs to know about the caller
/// (Authlib's `request.client` and `request.credential`).
///
/// It shares the records the stores handed out (no copy per request): [`client`](Self::client)
/// is the registered [`Client`], [`token_credentials`](Self::token_credentials) the token
/// credentials of a three-legged request.
#[derive(Clone, Debug)]
pub struct Authenticated {
    client: Arc<Client>,
    token: Option<Arc<TokenCredentials>>,
    signature_method: Cow<'static, str>,
    realm: Option<String>,
    interop_fallback: bool,
}

impl Authenticated {
    /// The client's consumer key.
    pub fn consumer_key(&self) -> &str {
        &self.client.consumer_key
    }

    /// The registered client (name, callbacks, keys).
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The token credentials' `oauth_token`; `None` for consumer-only requests.
    pub fn token(&self) -> Option<&str> {
        self.token.as_deref().map(|t| t.token.as_str())
    }

    /// The token credentials ([RFC 5849 §2.3](https://www.rfc-editor.org/rfc/rfc5849#section-2.3));
    /// `None` for consumer-only requests.
    pub fn token_credentials(&self) -> Option<&TokenCredentials> {
        self.token.as_deref()
    }

    /// The resource owner who granted the token; `None` for consumer-only requests.
    pub fn user_id(&self) -> Option<&str> {
        self.token.as_deref().map(|t| t.user_id.as_str())
    }

    /// The signature method used (`HMAC-SHA1`, `RSA-SHA256`, …).
    pub fn signature_method(&self) -> &str {
        &self.signature_method
    }

    /// The `realm` of the `Authorization` header.
    pub fn realm(&self) -> Option<&str> {
        self.realm.as_deref()
    }

    /// Whether the signature only matched through the double-decoding interop fallback.
    pub fn interop_fallback(&self) -> bool {
        self.interop_fallback
    }
}

impl PartialEq for Authenticated {
    /// The same caller: consumer key, token, resource owner, signature method, realm and fallback.
    fn eq(&self, other: &Self) -> bool {
        (
            self.consumer_key(),
            self.token(),
            self.user_id(),
            self.signature_method(),
            self.realm(),
            self.interop_fallback,
        ) == (
            other.consumer_key(),
            other.token(),
            other.user_id(),
            other.signature_method(),
            other.realm(),
            other.interop_fallback,
        )
    }
}

impl Eq for Authenticated {}

/// Which token a request must carry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Endpoint {
    /// §2.1: no token; `oauth_callback` required.
    Temporary,
    /// §2.3: temporary credentials and `oauth_verifier`.
    Token,
    /// §3: token credentials.
    Resource,
    /// Consumer only (two-legged, LTI 1.1): no token.
    Consumer,
}

impl Endpoint {
    /// Whether a signed `oauth_*` parameter may be present at this endpoint (see "Parameters
    /// of other steps" in the module docs).
    fn allows(self, name: &str) -> bool {
        // Every RFC 5849 protocol parameter is allowed everywhere: one defined for another step
        // (`oauth_callback` outside §2.1, `oauth_verifier` outside §2.3, Authlib's and
        // oauthlib's clients send them on every request of a session) is ignored, and stays in
        // the base string, so the signature still covers it. A token where none may be is
        // refused by the required-parameter checks; unknown names are refused here.
        matches!(
            name,
            "oauth_consumer_key"
                | "oauth_signature_method"
                | "oauth_timestamp"
                | "oauth_nonce"
                | "oauth_version"
                | "oauth_body_hash"
                | "oauth_callback"
                | "oauth_verifier"
                | "oauth_token"
        )
    }
}

/// What the shared verification found.
struct Verified {
    client: Arc<Client>,
    temporary: Option<TemporaryCredentials>,
    token: Option<Arc<TokenCredentials>>,
    matched: SignatureMatch,
}

struct Inner {
    config: Config,
    stores: Stores,
    /// Stands in for the secret of an unknown client or token.
    dummy_secret: Secret,
}

fn store_error(e: StoreError) -> Error {
    Error::store(e)
}

/// A protocol value as the matched signature covers it: decoded twice when the interop fallback
/// matched (see [`decoded_again`]), as parsed otherwise.
fn signed_value(value: &str, matched: SignatureMatch) -> Cow<'_, str> {
    match matched {
        SignatureMatch::Rfc => Cow::Borrowed(value),
        SignatureMatch::DoubleDecoded => decoded_again(value),
    }
}

fn non_empty(v: Option<&str>) -> Option<&str> {
    v.filter(|s| !s.is_empty())
}

/// Validates `oob` or an absolute URI with an allowed scheme, a host and no userinfo.
fn check_callback(callback: &str, schemes: &[String]) -> Result<(), Error> {
    let invalid = invalid_callback;
    if callback == "oob" {
        return Ok(());
    }
    if callback.bytes().any(|b| b <= b' ' || b == 0x7f) {
        return Err(invalid());
    }
    let (scheme, rest) = callback.split_once("://").ok_or_else(invalid)?;
    if !schemes.iter().any(|s| s.eq_ignore_ascii_case(scheme)) {
        return Err(invalid());
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    crate::origin::normalize_authority(&scheme.to_ascii_lowercase(), authority).map_err(|_| invalid())?;
    Ok(())
}

/// The callback as a URI: non-ASCII characters (an IRI, RFC 3987 §3.1) percent-encoded as
/// UTF-8, so that it can be sent in a `Location` header.
fn callback_uri(callback: &str) -> Cow<'_, str> {
    if callback.is_ascii() {
        return Cow::Borrowed(callback);
    }
    let mut out = String::with_capacity(callback.len() * 3);
    for c in callback.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push('%');
                out.push(char::from(crate::encoding::hex_upper(b >> 4)));
                out.push(char::from(crate::encoding::hex_upper(b)));
            }
        }
    }
    Cow::Owned(out)
}

/// The one answer of [`Config::opaque_errors`] for an unknown consumer key or token, a wrong
/// signature, or a method the client may not use.
fn opaque_refusal() -> Error {
    Error::with_description(ErrorKind::InvalidSignature, "Invalid credentials or signature")
}

fn invalid_callback() -> Error {
    Error::with_description(ErrorKind::InvalidParameter, "Invalid \"oauth_callback\" value")
        .with_advice(Advice::ParameterRejected("oauth_callback".into()))
}

/// Whether `callback` is `registered`, possibly with query parameters added.
fn matches_registered(callback: &str, registered: &str) -> bool {
    if callback == registered {
        return true;
    }
    let Some(rest) = callback.strip_prefix(registered) else { return false };
    let sep = if registered.contains('?') { '&' } else { '?' };
    rest.starts_with(sep) && !registered.contains('#')
}

/// Adds `pairs` to the query of `uri`, keeping its own query and fragment as they are.
pub fn add_query_parameters(uri: &str, pairs: &[(&str, &str)]) -> String {
    let (base, fragment) = match uri.split_once('#') {
        Some((b, f)) => (b, Some(f)),
        None => (uri, None),
    };
    let mut out = String::from(base);
    if !out.ends_with(['?', '&']) {
        out.push(if base.contains('?') { '&' } else { '?' });
    }
    out.push_str(&form_encode(pairs.iter().copied()));
    if let Some(f) = fragment {
        out.push('#');
        out.push_str(f);
    }
    out
}

impl Inner {
    fn now(&self) -> u64 {
        self.config.clock.now()
    }

    /// The consent page's anti-forgery values came back for this token.
    fn check_consent(&self, oauth_token: &str, proof: &ConsentProof<'_>) -> Result<(), Error> {
        if proof.verify(&self.config.consent_key, oauth_token) {
            Ok(())
        } else {
            Err(Error::with_description(
                ErrorKind::ConsentForgery,
                "the decision did not come from this consent page (anti-forgery values missing or wrong)",
            ))
        }
    }

    /// `oob` or an absolute URI with an allowed scheme, no longer than [`MAX_CALLBACK_LEN`].
    fn check_callback_shape(&self, callback: &str) -> Result<(), Error> {
        if callback_uri(callback).len() > MAX_CALLBACK_LEN {
            return Err(Error::with_description(ErrorKind::InvalidParameter, "\"oauth_callback\" is too long")
                .with_advice(Advice::ParameterRejected("oauth_callback".into())));
        }
        check_callback(callback, &self.config.callback_schemes)
    }

    /// Whether `client` may have its verifier sent to `callback` (a URI, not `oob`) under the
    /// configured [`CallbackPolicy`].
    fn callback_allowed(&self, client: &Client, callback: &str, matched: SignatureMatch) -> bool {
        let registered = || {
            client.callbacks.iter().any(|r| {
                let r = callback_uri(r);
                // Through the interop fallback the client signed its registered callback decoded
                // a second time; accept that form only when the scheme, host and path are the
                // same in both (the second decoding only touched the query).
                matches_registered(callback, &r)
                    || (matched == SignatureMatch::DoubleDecoded
                        && r.split(['?', '#']).next().is_some_and(|head| !head.contains('%'))
                        && matches_registered(callback, &decoded_again(&r)))
            })
        };
        match self.config.callback_policy {
            CallbackPolicy::RegisteredWhenPresent => client.callbacks.is_empty() || registered(),
            CallbackPolicy::Registered => registered(),
            CallbackPolicy::InsecureAnyUri => true,
        }
    }

    /// Steps 2–4 of the module docs: parameters, method, timestamp.
    fn check_parameters(&self, signed: &SignedRequest<'_>, endpoint: Endpoint) -> Result<Option<u64>, Error> {
        if non_empty(signed.consumer_key()).is_none() {
            return Err(Error::missing("oauth_consumer_key"));
        }
        match endpoint {
            Endpoint::Temporary => {
                match non_empty(signed.callback()) {
                    None => return Err(Error::missing("oauth_callback")),
                    Some(cb) => self.check_callback_shape(cb)?,
                }
                if signed.realm().is_some_and(|r| r.len() > MAX_REALM_LEN) {
                    return Err(Error::with_description(ErrorKind::InvalidParameter, "\"realm\" is too long")
                        .with_advice(Advice::ParameterRejected("realm".into())));
                }
                if non_empty(signed.token()).is_some() {
                    return Err(unsupported("oauth_token"));
                }
            }
            Endpoint::Token => {
                if non_empty(signed.token()).is_none() {
                    return Err(Error::missing("oauth_token"));
                }
                if non_empty(signed.verifier()).is_none() {
                    return Err(Error::missing("oauth_verifier"));
                }
            }
            Endpoint::Resource => {
                if non_empty(signed.token()).is_none() {
                    return Err(Error::missing("oauth_token"));
                }
            }
            Endpoint::Consumer => {
                if non_empty(signed.token()).is_some() {
                    return Err(unsupported("oauth_token"));
                }
            }
        }
        if self.config.reject_unknown_protocol_parameters
            && let Some((name, _, _)) = signed.params().find(|(n, _, _)| n.starts_with("oauth_") && !endpoint.allows(n))
        {
            return Err(unsupported_owned(name));
        }
        if let Some(v) = signed.version()
            && v != "1.0"
        {
            return Err(Error::with_description(ErrorKind::VersionRejected, "\"oauth_version\" must be 1.0")
                .with_advice(Advice::AcceptableVersions));
        }
        let method_name = non_empty(signed.signature_method());
        let (timestamp, nonce) = (non_empty(signed.timestamp()), non_empty(signed.nonce()));
        let may_omit = method_name
            .and_then(|n| self.config.signature_methods.get(n))
            .is_some_and(|m| m.allows_omitting_timestamp_and_nonce());
        if !(may_omit && timestamp.is_none() && nonce.is_none()) {
            if timestamp.is_none() {
                return Err(Error::missing("oauth_timestamp"));
            }
            if nonce.is_none() {
                return Err(Error::missing("oauth_nonce"));
            }
        }
        if method_name.is_none() {
            return Err(Error::missing("oauth_signature_method"));
        }
        if non_empty(signed.signature()).is_none() {
            return Err(Error::missing("oauth_signature"));
        }
        let method = self.config.signature_methods.resolve(method_name)?;
        // A method that does not sign the base string (PLAINTEXT) sends the secrets: TLS only
        // (RFC 5849 §3.4.4), unless explicitly allowed.
        if !method.uses_base_string()
            && !self.config.insecure_plaintext_over_http
            && !signed.base_string_uri().starts_with("https://")
        {
            return Err(Error::with_description(
                ErrorKind::UnsupportedSignatureMethod,
                "this signature method is only accepted over https",
            ));
        }
        // Without a nonce the request can be replayed as it is: only when explicitly allowed.
        if timestamp.is_none() && !self.config.insecure_plaintext_without_nonce {
            return Err(Error::missing("oauth_timestamp"));
        }
        if nonce.is_some_and(|n| n.len() > 255) {
            return Err(Error::with_description(ErrorKind::InvalidParameter, "\"oauth_nonce\" is too long")
                .with_advice(Advice::ParameterRejected("oauth_nonce".into())));
        }
        let Some(timestamp) = timestamp else { return Ok(None) };
        let ts = if !timestamp.is_empty() && timestamp.len() <= 19 && timestamp.bytes().all(|b| b.is_ascii_digit()) {
            timestamp.parse::<u64>().ok()
        } else {
            None
        };
        let Some(ts) = ts else {
            return Err(Error::with_description(ErrorKind::InvalidParameter, "Invalid \"oauth_timestamp\" value")
                .with_advice(Advice::ParameterRejected("oauth_timestamp".into())));
        };
        let now = self.now();
        let (earliest, latest) =
            (now.saturating_sub(self.config.timestamp_past), now.saturating_add(self.config.timestamp_future));
        if ts < earliest || ts > latest {
            return Err(Error::with_description(
                ErrorKind::TimestampRefused,
                "\"oauth_timestamp\" is outside the accepted window",
            )
            .with_advice(Advice::AcceptableTimestamps(earliest, latest)));
        }
        Ok(Some(ts))
    }

    /// The whole verification of the module docs for one endpoint.
    async fn authenticate(&self, signed: &SignedRequest<'_>, endpoint: Endpoint) -> Result<Verified, Error> {
        let timestamp = self.check_parameters(signed, endpoint)?;
        let consumer_key = signed.consumer_key().unwrap_or_default();
        let method = self.config.signature_methods.resolve(signed.signature_method())?;

        let client = self.stores.clients.client(consumer_key).await.map_err(store_error)?;
        let token_value = non_empty(signed.token());
        let mut temporary = None;
        let mut token = None;
        let mut token_known = true;
        match (endpoint, token_value) {
            (Endpoint::Token, Some(t)) => {
                temporary = self
                    .stores
                    .temporary
                    .temporary(t)
                    .await
                    .map_err(store_error)?
                    .filter(|c| c.consumer_key == consumer_key && c.expires_at > self.now());
                token_known = temporary.is_some();
            }
            (Endpoint::Resource, Some(t)) => {
                let now = self.now();
                token = self
                    .stores
                    .tokens
                    .token(t)
                    .await
                    .map_err(store_error)?
                    .filter(|c| c.consumer_key == consumer_key && !c.is_expired(now));
                token_known = token.is_some();
            }
            _ => {}
        }

        if let Some(c) = &client {
            let restricted =
                c.signature_methods.as_ref().is_some_and(|allowed| !allowed.iter().any(|m| m == method.name()));
            // A client without a shared secret never signs with one: an empty HMAC key or the
            // PLAINTEXT signature `&` is known to everybody (RFC 5849 §3.4.2, §3.4.4).
            if restricted || (method.uses_shared_secret() && c.shared_secret().is_none()) {
                if self.config.opaque_errors {
                    // Spend what an unknown consumer key costs, so timing does not tell either.
                    let dummy = self.dummy_secret.expose();
                    let keys = VerifyingKeys { consumer_secret: dummy, token_secret: dummy, rsa_public_keys: &[] };
                    let _ = signed.verify_signature(method, &keys, self.config.interop_fallback);
                    return Err(opaque_refusal());
                }
                return Err(Error::with_description(
                    ErrorKind::UnsupportedSignatureMethod,
                    "this client may not use that signature method",
                ));
            }
        }

        let token_secret = match (&temporary, &token, token_value) {
            (Some(t), _, _) => t.secret.expose(),
            (_, Some(t), _) => t.secret.expose(),
            (None, None, Some(_)) if endpoint == Endpoint::Token || endpoint == Endpoint::Resource => {
                self.dummy_secret.expose()
            }
            _ => "",
        };
        let no_keys = [];
        let keys = VerifyingKeys {
            consumer_secret: client
                .as_ref()
                .map_or(self.dummy_secret.expose(), |c| c.shared_secret().map_or("", Secret::expose)),
            token_secret,
            rsa_public_keys: client.as_ref().map_or(&no_keys[..], |c| &c.rsa_public_keys),
        };
        let verified = signed.verify_signature(method, &keys, self.config.interop_fallback);
        if self.config.opaque_errors && (client.is_none() || !token_known || verified.is_err()) {
            return Err(opaque_refusal());
        }
        let Some(client) = client else {
            return Err(Error::with_description(ErrorKind::InvalidClient, "Invalid \"oauth_consumer_key\""));
        };
        if !token_known {
            return Err(Error::with_description(
                ErrorKind::InvalidToken,
                "Invalid or expired \"oauth_token\" in parameters",
            ));
        }
        let matched = verified?;
        // Through the interop fallback the signature covers the protocol values decoded twice:
        // those are the ones that count from here on. The client and token were looked up by
        // the values decoded once; if a second decoding would name another one, the signature
        // is not theirs.
        if matched == SignatureMatch::DoubleDecoded
            && (decoded_again(consumer_key) != consumer_key || token_value.is_some_and(|t| decoded_again(t) != t))
        {
            return Err(Error::with_description(ErrorKind::InvalidSignature, "Invalid \"oauth_signature\""));
        }

        if let (Some(ts), Some(nonce)) = (timestamp, non_empty(signed.nonce())) {
            let nonce = signed_value(nonce, matched);
            let key = NonceKey { consumer_key, token: token_value, timestamp: ts, nonce: &nonce };
            let expires_at = ts.saturating_add(self.config.timestamp_past).saturating_add(1);
            match self.stores.nonces.check_and_insert(&key, expires_at).await.map_err(store_error)? {
                NonceCheck::Fresh => {}
                NonceCheck::Replayed => {
                    return Err(Error::with_description(ErrorKind::InvalidNonce, "\"oauth_nonce\" was already used"));
                }
                // The store narrowed this consumer's window (it is full): stale, never accepted.
                NonceCheck::Stale => {
                    return Err(Error::with_description(
                        ErrorKind::TimestampRefused,
                        "\"oauth_timestamp\" is outside the accepted window",
                    ));
                }
            }
        }
        Ok(Verified { client, temporary, token, matched })
    }

    fn log_refusal(&self, endpoint: &'static str, signed: Option<&SignedRequest<'_>>, e: &Error) {
        info!(
            target: "oauth1",
            endpoint,
            status = e.status().as_u16(),
            error = e.code(),
            problem = e.problem(),
            description = e.description().unwrap_or(""),
            consumer_key = signed.and_then(SignedRequest::consumer_key).unwrap_or(""),
            "request refused"
        );
    }

    fn parse<'r, B: AsRef<[u8]>>(&self, req: &'r http::Request<B>) -> Result<SignedRequest<'r>, Error> {
        SignedRequest::parse(req, &self.config.parse)
    }
}

fn unsupported(name: &'static str) -> Error {
    Error::with_description(ErrorKind::UnsupportedParameter, format!("\"{name}\" is not supported here"))
        .with_advice(Advice::ParameterRejected(name.into()))
}

fn unsupported_owned(name: &str) -> Error {
    Error::with_description(ErrorKind::UnsupportedParameter, format!("\"{name}\" is not supported here"))
        .with_advice(Advice::ParameterRejected(name.to_owned().into()))
}

fn post_only(method: &Method) -> Result<(), Error> {
    if method == Method::POST {
        Ok(())
    } else {
        Err(Error::with_description(ErrorKind::MethodNotAllowed, "use POST").with_advice(Advice::Allow("POST")))
    }
}

/// A temporary credential request waiting for the resource owner
/// ([RFC 5849 §2.2](https://www.rfc-editor.org/rfc/rfc5849#section-2.2)): what a consent page shows.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct PendingAuthorization {
    /// The temporary `oauth_token`.
    pub token: String,
    /// The client asking for access.
    pub client: Client,
    /// `oob` or the callback URI.
    pub callback: String,
    /// The requested realm.
    pub realm: Option<String>,
    /// The anti-forgery values for this page view: set the cookie, put the form value in a
    /// hidden field, and hand both back to [`AuthorizationServer::grant`] or
    /// [`AuthorizationServer::deny`] ([`crate::consent`]).
    pub anti_forgery: AntiForgery,
}

impl PendingAuthorization {
    /// A pending request (for tests and custom stores), with anti-forgery values under a
    /// random key of its own: no server accepts them.
    pub fn new(token: impl Into<String>, client: Client, callback: impl Into<String>, realm: Option<String>) -> Self {
        let token = token.into();
        let anti_forgery = AntiForgery::issue(&ConsentKey::random(), &token, "");
        PendingAuthorization { token, client, callback: callback.into(), realm, anti_forgery }
    }
}

/// The resource owner granted access.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Grant {
    /// Redirect the user agent here (the callback with `oauth_token` and `oauth_verifier`).
    Redirect(String),
    /// `oob`: show the verifier to the user, who enters it in the client.
    OutOfBand {
        /// The temporary `oauth_token`.
        token: String,
        /// The verifier to display.
        verifier: String,
    },
}

/// The resource owner denied access; the temporary credentials are gone.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Denial {
    /// Redirect the user agent here (the callback with `error=access_denied`).
    Redirect(String),
    /// `oob`: tell the user; the client learns when its exchange fails.
    OutOfBand,
}

impl Grant {
    /// The response for the user agent: a `302` to the callback, or for `oob` a `200` form body
    /// `oauth_token=…&oauth_verifier=…` to show.
    pub fn to_response(&self) -> Response<Vec<u8>> {
        match self {
            Grant::Redirect(to) => redirect(to),
            Grant::OutOfBand { token, verifier } => form_response(
                StatusCode::OK,
                form_encode([("oauth_token", token.as_str()), ("oauth_verifier", verifier.as_str())]),
            ),
        }
    }
}

impl Denial {
    /// The response for the user agent: a `302` to the callback with `error=access_denied`, or
    /// for `oob` a `400` with `error=access_denied`.
    pub fn to_response(&self) -> Response<Vec<u8>> {
        match self {
            Denial::Redirect(to) => redirect(to),
            Denial::OutOfBand => Error::with_description(
                ErrorKind::AccessDenied,
                "The resource owner or authorization server denied the request",
            )
            .to_response(None),
        }
    }
}

fn redirect(to: &str) -> Response<Vec<u8>> {
    let mut res = form_response(StatusCode::FOUND, String::new());
    match http::HeaderValue::from_str(to) {
        Ok(location) => {
            res.headers_mut().insert(http::header::LOCATION, location);
            res
        }
        // Callbacks are validated when stored, so this is not reached; never redirect blindly.
        Err(_) => Error::malformed("invalid callback").to_response(None),
    }
}

/// The authorization server: temporary credentials, resource-owner authorization and token
/// credentials. Cheap to clone; share one per process.
#[derive(Clone)]
pub struct AuthorizationServer {
    inner: Arc<Inner>,
}

impl fmt::Debug for AuthorizationServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthorizationServer").field("config", &self.inner.config).finish_non_exhaustive()
    }
}

impl AuthorizationServer {
    /// A server over `stores` with `config`.
    pub fn new(stores: Stores, config: Config) -> Self {
        AuthorizationServer { inner: Arc::new(Inner { config, stores, dummy_secret: Secret::new(random_string(32)) }) }
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// A resource protector sharing this server's stores and configuration.
    pub fn resource_protector(&self) -> ResourceProtector {
        ResourceProtector { inner: self.inner.clone() }
    }

    /// The response for an endpoint result: the success, or the error's response with this
    /// server's realm.
    pub fn respond(&self, result: Result<Response<Vec<u8>>, Error>) -> Response<Vec<u8>> {
        result.unwrap_or_else(|e| e.to_response(self.inner.config.realm.as_deref()))
    }

    /// Temporary credentials ([RFC 5849 §2.1](https://www.rfc-editor.org/rfc/rfc5849#section-2.1)):
    /// `POST` only; `oauth_callback` required; answers `oauth_token`, `oauth_token_secret`,
    /// `oauth_callback_confirmed=true`.
    pub async fn temporary_credentials<B: AsRef<[u8]>>(
        &self,
        req: &http::Request<B>,
    ) -> Result<Response<Vec<u8>>, Error> {
        let inner = &self.inner;
        post_only(req.method()).inspect_err(|e| inner.log_refusal("temporary_credentials", None, e))?;
        let signed = inner.parse(req).inspect_err(|e| inner.log_refusal("temporary_credentials", None, e))?;
        self.issue_temporary(&signed)
            .await
            .inspect_err(|e| inner.log_refusal("temporary_credentials", Some(&signed), e))
    }

    async fn issue_temporary(&self, signed: &SignedRequest<'_>) -> Result<Response<Vec<u8>>, Error> {
        let inner = &self.inner;
        let verified = inner.authenticate(signed, Endpoint::Temporary).await?;
        // The callback the signature covers (decoded twice through the interop fallback).
        let callback = signed_value(signed.callback().unwrap_or_default(), verified.matched);
        if verified.matched == SignatureMatch::DoubleDecoded {
            inner.check_callback_shape(&callback)?;
        }
        let callback = callback_uri(&callback);
        if callback != "oob" && !inner.callback_allowed(&verified.client, &callback, verified.matched) {
            return Err(invalid_callback());
        }
        let token = inner.config.tokens.token();
        let secret = inner.config.tokens.secret();
        let credentials = TemporaryCredentials::new(
            token.clone(),
            Secret::new(secret.clone()),
            verified.client.consumer_key.clone(),
            callback,
            inner.now().saturating_add(inner.config.temporary_ttl),
        )
        .with_realm(signed.realm().map(str::to_owned));
        inner.stores.temporary.create_temporary(credentials).await.map_err(store_error)?;
        let body = form_encode([
            ("oauth_token", token.as_str()),
            ("oauth_token_secret", secret.as_str()),
            ("oauth_callback_confirmed", "true"),
        ]);
        Ok(form_response(StatusCode::OK, body))
    }

    /// The pending request behind `oauth_token`, for the consent page
    /// ([RFC 5849 §2.2](https://www.rfc-editor.org/rfc/rfc5849#section-2.2)). Unknown, expired or
    /// already authorized: `invalid_token`.
    ///
    /// Its [`anti_forgery`](PendingAuthorization::anti_forgery) values are not bound to a
    /// session; when your app has signed-in users, prefer
    /// [`pending_authorization_in_session`](Self::pending_authorization_in_session).
    pub async fn pending_authorization(&self, oauth_token: &str) -> Result<PendingAuthorization, Error> {
        self.pending_authorization_in_session(oauth_token, "").await
    }

    /// As [`pending_authorization`](Self::pending_authorization), with the anti-forgery values
    /// bound to `session` (the signed-in session's id, or the user's): the decision must then
    /// come with [`ConsentProof::in_session`] of the same value, so a cookie planted from
    /// another visit to the page is worthless ([`crate::consent`]).
    pub async fn pending_authorization_in_session(
        &self,
        oauth_token: &str,
        session: &str,
    ) -> Result<PendingAuthorization, Error> {
        let inner = &self.inner;
        let invalid =
            || Error::with_description(ErrorKind::InvalidToken, "Invalid or expired \"oauth_token\" in parameters");
        if oauth_token.is_empty() {
            return Err(Error::missing("oauth_token"));
        }
        let credentials = inner
            .stores
            .temporary
            .temporary(oauth_token)
            .await
            .map_err(store_error)?
            .filter(|c| c.expires_at > inner.now() && c.authorization.is_none())
            .ok_or_else(invalid)?;
        let client =
            inner.stores.clients.client(&credentials.consumer_key).await.map_err(store_error)?.ok_or_else(invalid)?;
        let anti_forgery = AntiForgery::issue(&inner.config.consent_key, &credentials.token, session);
        Ok(PendingAuthorization {
            token: credentials.token,
            client: Client::clone(&client),
            callback: credentials.callback,
            realm: credentials.realm,
            anti_forgery,
        })
    }

    /// The resource owner `user_id` grants access. A temporary credential is authorized at most
    /// once; the verifier goes to the callback (its own query and fragment kept) or, for `oob`,
    /// back to you to display.
    ///
    /// `proof` is what the browser sent back of the consent page's
    /// [`anti_forgery`](PendingAuthorization::anti_forgery) values; without a valid one the
    /// answer is 403 `invalid_consent` and nothing changes ([`crate::consent`]). `user_id` is
    /// stored with the credentials: at most [`MAX_USER_ID_LEN`] bytes.
    pub async fn grant(&self, oauth_token: &str, user_id: &str, proof: &ConsentProof<'_>) -> Result<Grant, Error> {
        let inner = &self.inner;
        if oauth_token.is_empty() {
            return Err(Error::missing("oauth_token"));
        }
        inner.check_consent(oauth_token, proof)?;
        if user_id.is_empty() || user_id.len() > MAX_USER_ID_LEN {
            return Err(Error::with_description(ErrorKind::InvalidParameter, "invalid resource owner id")
                .with_advice(Advice::ParameterRejected("user".into())));
        }
        let verifier = inner.config.tokens.verifier();
        let outcome = inner
            .stores
            .temporary
            .authorize_temporary(oauth_token, Authorization::new(user_id, Secret::new(verifier.clone())))
            .await
            .map_err(store_error)?;
        let credentials = match outcome {
            AuthorizeOutcome::Authorized(c) => c,
            AuthorizeOutcome::AlreadyAuthorized => {
                return Err(Error::with_description(ErrorKind::InvalidToken, "\"oauth_token\" was already authorized"));
            }
            AuthorizeOutcome::NotFound => {
                return Err(Error::with_description(
                    ErrorKind::InvalidToken,
                    "Invalid or expired \"oauth_token\" in parameters",
                ));
            }
        };
        if credentials.is_out_of_band() {
            return Ok(Grant::OutOfBand { token: credentials.token, verifier });
        }
        Ok(Grant::Redirect(add_query_parameters(
            &credentials.callback,
            &[("oauth_token", &credentials.token), ("oauth_verifier", &verifier)],
        )))
    }

    /// The resource owner denies access: the temporary credentials are discarded and the client
    /// is told `access_denied`. Like [`grant`](Self::grant) it needs the consent page's `proof`;
    /// credentials that were already authorized are not touched (`invalid_token`): a decision
    /// is final.
    pub async fn deny(&self, oauth_token: &str, proof: &ConsentProof<'_>) -> Result<Denial, Error> {
        let inner = &self.inner;
        if oauth_token.is_empty() {
            return Err(Error::missing("oauth_token"));
        }
        inner.check_consent(oauth_token, proof)?;
        let unknown =
            || Error::with_description(ErrorKind::InvalidToken, "Invalid or expired \"oauth_token\" in parameters");
        let already = || Error::with_description(ErrorKind::InvalidToken, "\"oauth_token\" was already authorized");
        let pending = inner.stores.temporary.temporary(oauth_token).await.map_err(store_error)?;
        match pending {
            Some(c) if c.expires_at > inner.now() && c.authorization.is_none() => {}
            Some(c) if c.expires_at > inner.now() => return Err(already()),
            _ => return Err(unknown()),
        }
        let credentials = inner
            .stores
            .temporary
            .take_temporary(oauth_token)
            .await
            .map_err(store_error)?
            .filter(|c| c.expires_at > inner.now())
            .ok_or_else(unknown)?;
        if credentials.authorization.is_some() {
            // Authorized between the read and the take (a grant racing this denial): the grant
            // stands; put the credentials back.
            inner.stores.temporary.create_temporary(credentials).await.map_err(store_error)?;
            return Err(already());
        }
        if credentials.is_out_of_band() {
            return Ok(Denial::OutOfBand);
        }
        Ok(Denial::Redirect(add_query_parameters(
            &credentials.callback,
            &[
                ("error", "access_denied"),
                ("error_description", "The resource owner or authorization server denied the request"),
            ],
        )))
    }

    /// Token credentials ([RFC 5849 §2.3](https://www.rfc-editor.org/rfc/rfc5849#section-2.3)):
    /// `POST` only. The temporary credentials must belong to the signing client and be
    /// authorized; the verifier is compared in constant time; the exchange is single-use under
    /// races. A request that is not authenticated never destroys the temporary credentials; an
    /// authenticated one with a wrong verifier does (no guessing).
    pub async fn token_credentials<B: AsRef<[u8]>>(&self, req: &http::Request<B>) -> Result<Response<Vec<u8>>, Error> {
        let inner = &self.inner;
        post_only(req.method()).inspect_err(|e| inner.log_refusal("token_credentials", None, e))?;
        let signed = inner.parse(req).inspect_err(|e| inner.log_refusal("token_credentials", None, e))?;
        self.issue_token(&signed).await.inspect_err(|e| inner.log_refusal("token_credentials", Some(&signed), e))
    }

    async fn issue_token(&self, signed: &SignedRequest<'_>) -> Result<Response<Vec<u8>>, Error> {
        let inner = &self.inner;
        let verified = inner.authenticate(signed, Endpoint::Token).await?;
        let oauth_token = signed.token().unwrap_or_default();
        let presented = signed_value(signed.verifier().unwrap_or_default(), verified.matched);
        let verifier_ok = verified
            .temporary
            .as_ref()
            .and_then(|t| t.authorization.as_ref())
            .is_some_and(|a| ct_eq_str(a.verifier.expose(), &presented));
        let taken = inner.stores.temporary.take_temporary(oauth_token).await.map_err(store_error)?;
        if !verifier_ok {
            // The client is authenticated: it is guessing, or its user never approved.
            return Err(Error::with_description(ErrorKind::InvalidVerifier, "Invalid \"oauth_verifier\""));
        }
        let Some((taken, Authorization { user_id, .. })) = taken.and_then(|t| t.authorization.clone().map(|a| (t, a)))
        else {
            // Another exchange of the same credentials won the race.
            return Err(Error::with_description(
                ErrorKind::InvalidToken,
                "Invalid or expired \"oauth_token\" in parameters",
            ));
        };
        let token = inner.config.tokens.token();
        let secret = inner.config.tokens.secret();
        let realm = verified.temporary.and_then(|t| t.realm);
        let expires_at = inner.config.token_ttl.map(|ttl| inner.now().saturating_add(ttl));
        let credentials =
            TokenCredentials::new(token.clone(), Secret::new(secret.clone()), &verified.client.consumer_key, user_id)
                .with_realm(realm)
                .with_expiry(expires_at);
        let extra = inner.config.token_response.as_ref().map(|hook| hook(&credentials)).unwrap_or_default();
        if let Err(e) = inner.stores.tokens.create_token(credentials).await {
            // The exchange did not happen: give the client its authorized temporary
            // credentials back, so that it can retry once the store recovers.
            let _ = inner.stores.temporary.create_temporary(taken).await;
            return Err(store_error(e));
        }
        let mut pairs: Vec<(&str, &str)> = vec![("oauth_token", &token), ("oauth_token_secret", &secret)];
        pairs.extend(extra.iter().map(|(n, v)| (n.as_str(), v.as_str())));
        Ok(form_response(StatusCode::OK, form_encode(pairs)))
    }
}

/// Protects resources: verifies signed requests and yields the [`Authenticated`] credential.
/// Cheap to clone.
#[derive(Clone)]
pub struct ResourceProtector {
    inner: Arc<Inner>,
}

impl fmt::Debug for ResourceProtector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResourceProtector").field("config", &self.inner.config).finish_non_exhaustive()
    }
}

impl ResourceProtector {
    /// A protector over `stores` with `config` (without an authorization server).
    pub fn new(stores: Stores, config: Config) -> Self {
        AuthorizationServer::new(stores, config).resource_protector()
    }

    /// The realm for `WWW-Authenticate`.
    pub fn realm(&self) -> Option<&str> {
        self.inner.config.realm.as_deref()
    }

    /// The response for an error, with this protector's realm.
    pub fn error_response(&self, error: &Error) -> Response<Vec<u8>> {
        error.to_response(self.realm())
    }

    /// Verifies a request signed with token credentials
    /// ([RFC 5849 §3](https://www.rfc-editor.org/rfc/rfc5849#section-3)). `req.body()` must be
    /// the whole body: it is read for form parameters and `oauth_body_hash`.
    pub async fn verify<B: AsRef<[u8]>>(&self, req: &http::Request<B>) -> Result<Authenticated, Error> {
        self.run(req, req.body().as_ref(), Endpoint::Resource, Body::Complete).await
    }

    /// Verifies a consumer-only (two-legged, LTI 1.1) request: no token, the consumer secret
    /// only, the same timestamp and nonce rules.
    pub async fn verify_consumer<B: AsRef<[u8]>>(&self, req: &http::Request<B>) -> Result<Authenticated, Error> {
        self.run(req, req.body().as_ref(), Endpoint::Consumer, Body::Complete).await
    }

    /// As [`verify`](Self::verify), for adapters that do not read the body (header or query
    /// signatures). Fails closed when the request has a form body, whose parameters would be
    /// signed, or an `oauth_body_hash` to check.
    pub async fn verify_unread_body<B>(&self, req: &http::Request<B>) -> Result<Authenticated, Error> {
        self.verify_head(req, announces_body(req.headers())).await
    }

    /// As [`verify_unread_body`](Self::verify_unread_body), for adapters that know better than
    /// the headers whether a body is present (HTTP/2 may send one without `Content-Length`).
    pub async fn verify_head<B>(&self, req: &http::Request<B>, body_present: bool) -> Result<Authenticated, Error> {
        self.run(req, &[], Endpoint::Resource, Body::Unread(body_present)).await
    }

    /// As [`verify_consumer`](Self::verify_consumer), without the body (see
    /// [`verify_unread_body`](Self::verify_unread_body)).
    pub async fn verify_consumer_unread_body<B>(&self, req: &http::Request<B>) -> Result<Authenticated, Error> {
        self.run(req, &[], Endpoint::Consumer, Body::Unread(announces_body(req.headers()))).await
    }

    /// Verifies `req` with `body` standing for its body (empty when the adapter did not read it).
    async fn run<B>(
        &self,
        req: &http::Request<B>,
        body: &[u8],
        endpoint: Endpoint,
        seen: Body,
    ) -> Result<Authenticated, Error> {
        let inner = &self.inner;
        let name = if endpoint == Endpoint::Consumer { "consumer" } else { "resource" };
        let signed = SignedRequest::from_parts(req.method(), req.uri(), req.headers(), body, &inner.config.parse)
            .inspect_err(|e| inner.log_refusal(name, None, e))?;
        self.check(req.headers(), body, &signed, endpoint, seen)
            .await
            .inspect_err(|e| inner.log_refusal(name, Some(&signed), e))
    }

    async fn check(
        &self,
        headers: &http::HeaderMap,
        bytes: &[u8],
        signed: &SignedRequest<'_>,
        endpoint: Endpoint,
        seen: Body,
    ) -> Result<Authenticated, Error> {
        let is_form = is_form(headers);
        if let Body::Unread(true) = seen
            && (is_form || signed.body_hash().is_some() || self.inner.config.require_body_hash)
        {
            return Err(Error::malformed(
                "this endpoint does not read request bodies: sign with the header or the query, without a body",
            ));
        }
        // `oauth_body_hash` is signed: check it against the body before the nonce is spent.
        let check_body_hash = || -> Result<(), Error> {
            match signed.body_hash() {
                Some(_) if is_form => Err(Error::with_description(
                    ErrorKind::UnsupportedParameter,
                    "\"oauth_body_hash\" is not used with form-encoded bodies",
                )),
                Some(hash) => {
                    use base64::Engine as _;
                    use sha1::Digest as _;
                    let expected = base64::engine::general_purpose::STANDARD.encode(sha1::Sha1::digest(bytes));
                    if ct_eq_str(&expected, hash) {
                        Ok(())
                    } else {
                        Err(Error::with_description(
                            ErrorKind::BodyHashInvalid,
                            "\"oauth_body_hash\" does not match the body",
                        ))
                    }
                }
                None if self.inner.config.require_body_hash && !is_form && !bytes.is_empty() => {
                    Err(Error::missing("oauth_body_hash"))
                }
                None => Ok(()),
            }
        };
        check_body_hash()?;
        let verified = self.inner.authenticate(signed, endpoint).await?;
        Ok(Authenticated {
            client: verified.client,
            token: verified.token,
            signature_method: method_name(signed.signature_method().unwrap_or_default()),
            realm: signed.realm().map(str::to_owned),
            interop_fallback: verified.matched == SignatureMatch::DoubleDecoded,
        })
    }
}

#[derive(Clone, Copy)]
enum Body {
    Complete,
    /// Not read by the adapter; `true` when the request says it has one.
    Unread(bool),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn callbacks() {
        let schemes = vec!["http".to_owned(), "https".to_owned()];
        for ok in [
            "oob",
            "https://provider.test/cb",
            "http://localhost:8080/cb",
            "https://a.b/c?next=user@a.b",
            "https://a.b/c#f",
        ] {
            assert!(check_callback(ok, &schemes).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "OOB",
            "invalid_url",
            "/cb",
            "provider.test/cb",
            "https://",
            "https://user:pass@provider.test/cb",
            "https://user@provider.test/cb",
            "https://provider.test@attacker.test/cb",
            "http://localhost:80@attacker.test/cb",
            "javascript://x/%0aalert(1)",
            "myapp://cb",
            "http://[not-an-ip]/cb",
            "http://a.b/c d",
        ] {
            assert!(check_callback(bad, &schemes).is_err(), "{bad}");
        }
        assert!(check_callback("myapp://cb", &["myapp".to_owned()]).is_ok());
    }

    #[test]
    fn registered_callbacks() {
        assert!(matches_registered("http://p.test/ready", "http://p.test/ready"));
        assert!(matches_registered("http://p.test/ready?x=1", "http://p.test/ready"));
        assert!(matches_registered("http://p.test/ready?a=1&x=1", "http://p.test/ready?a=1"));
        assert!(!matches_registered("http://p.test/ready.evil", "http://p.test/ready"));
        assert!(!matches_registered("http://p.test/readyx", "http://p.test/ready"));
        assert!(!matches_registered("http://p.test/ready?a=2", "http://p.test/ready?a=1"));
    }

    #[test]
    fn query_parameters_added_keep_query_and_fragment() {
        assert_eq!(
            add_query_parameters("https://i.test/cb?x=1#frag", &[("a", "b c")]),
            "https://i.test/cb?x=1&a=b%20c#frag"
        );
        assert_eq!(add_query_parameters("https://i.test/cb", &[("a", "1")]), "https://i.test/cb?a=1");
        assert_eq!(
            add_query_parameters("https://i.test/cb?next=%2Fhome&flag", &[("a", "1")]),
            "https://i.test/cb?next=%2Fhome&flag&a=1"
        );
        assert_eq!(add_query_parameters("https://i.test/cb?", &[("a", "1")]), "https://i.test/cb?a=1");
    }
}
