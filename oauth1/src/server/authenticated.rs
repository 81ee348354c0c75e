//! The credential of a verified request.

use std::sync::Arc;

use crate::store::{Client, TokenCredentials};

/// The credential a verified request carries: what a handler needs to know about the caller
/// (Authlib's `request.client` and `request.credential`).
///
/// It shares the records the stores handed out (no copy per request): [`client`](Self::client)
/// is the registered [`Client`], [`token_credentials`](Self::token_credentials) the token
/// credentials of a three-legged request.
///
/// ```
/// # use std::sync::Arc;
/// # use oauth1::{AuthorizationServer, Config, Scope, Stores, sign::Signer, signature::Secret};
/// # use oauth1::store::{Client, TokenCredentialStore, TokenCredentials};
/// # let store = Arc::new(oauth1_memory::MemoryStore::new());
/// # store.insert_client(Client::new("printer", "kd94hf93k423kf44").with_name("Printer"));
/// # let protector = AuthorizationServer::new(Stores::single(store.clone()), Config::default()).resource_protector();
/// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
/// # store.create_token(TokenCredentials::new("nnch734d00sl2jdk", Secret::new("pfkkdhi9sl3r4s00"), "printer", "alice")).await?;
/// let req = Signer::new("printer", "kd94hf93k423kf44")
///     .token("nnch734d00sl2jdk", "pfkkdhi9sl3r4s00")
///     .realm("Photos")
///     .sign(http::Request::get("http://photos.example/photos").body(Vec::new())?)?;
/// let who = protector.verify(&req, Scope::Token).await?;
/// assert_eq!((who.consumer_key(), who.client().name.as_str()), ("printer", "Printer"));
/// assert_eq!((who.token(), who.user_id()), (Some("nnch734d00sl2jdk"), Some("alice")));
/// assert_eq!((who.signature_method(), who.realm()), ("HMAC-SHA1", Some("Photos")));
/// assert!(!who.interop_fallback());
///
/// // Consumer-only (two-legged): no token, no resource owner.
/// let req = Signer::new("printer", "kd94hf93k423kf44")
///     .sign(http::Request::get("http://photos.example/photos").body(Vec::new())?)?;
/// let who = protector.verify(&req, Scope::ConsumerOnly).await?;
/// assert_eq!((who.token(), who.user_id()), (None, None));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct Authenticated {
    pub(super) client: Arc<Client>,
    pub(super) token: Option<Arc<TokenCredentials>>,
    pub(super) signature_method: &'static str,
    pub(super) realm: Option<String>,
    pub(super) interop_fallback: bool,
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
    pub fn signature_method(&self) -> &'static str {
        self.signature_method
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
