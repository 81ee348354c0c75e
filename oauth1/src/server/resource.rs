//! Protected resources ([RFC 5849 §3](https://www.rfc-editor.org/rfc/rfc5849#section-3)): the
//! one contract every adapter uses. The type says whether the body was read:
//!
//! * [`ResourceProtector::verify`] takes the whole request, body included: form parameters
//!   are signed, and `oauth_body_hash` is checked;
//! * [`ResourceProtector::verify_head`] takes only the request head and a [`BodyHint`]: for
//!   header- and query-signed requests. It fails closed when a body it cannot see may carry
//!   signed parameters or a body hash.
//!
//! Both take a [`Scope`]: token credentials (three-legged) or consumer only (two-legged,
//! LTI 1.1).
//!
//! ```
//! # use std::sync::Arc;
//! use oauth1::server::{BodyHint, ResourceProtector, Scope};
//! use oauth1::{Config, Stores, store::Client};
//! use oauth1::sign::Signer;
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let store = Arc::new(oauth1_memory::MemoryStore::new());
//! store.insert_client(Client::new("dpf43f3p2l4k3l03", "kd94hf93k423kf44"));
//! let protector = ResourceProtector::new(Stores::single(store), Config::default());
//!
//! // A consumer-only (two-legged) request signed in the header: accepted.
//! let signer = Signer::new("dpf43f3p2l4k3l03", "kd94hf93k423kf44");
//! let req = signer.sign(http::Request::get("http://photos.test/me").body(Vec::new())?)?;
//! let who = protector.verify(&req, Scope::ConsumerOnly).await?;
//! assert_eq!(who.consumer_key(), "dpf43f3p2l4k3l03");
//!
//! // The same request again: the nonce was used (401 invalid_nonce).
//! let (head, _) = req.into_parts();
//! let refused = protector.verify_head(&head, BodyHint::Empty, Scope::ConsumerOnly).await.unwrap_err();
//! assert_eq!((refused.status().as_u16(), refused.code()), (401, "invalid_nonce"));
//! # Ok(())
//! # }
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(demo()).unwrap();
//! ```

use std::fmt;
use std::sync::Arc;

use http::HeaderMap;
use http::header::CONTENT_LENGTH;
use http::request::Parts;

use crate::error::{Error, ErrorKind};
use crate::request::{SignedRequest, announces_body, is_form};
use crate::signature::{SignatureMatch, ct_eq_str};
use crate::store::Stores;

use super::params::{ProtocolParams, Scope, Step};
use super::{Authenticated, AuthorizationServer, Config, Provider};

/// What an adapter that did not read the body knows about it, for
/// [`ResourceProtector::verify_head`]. Whatever the hint, a request whose headers announce a
/// body (`Transfer-Encoding`, a `Content-Length` other than 0) counts as having one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum BodyHint {
    /// The adapter looked: the request has no body.
    Empty,
    /// The adapter saw a body it did not read.
    Present,
    /// The adapter cannot look without reading the body: the headers decide, failing closed,
    /// and a form without `Content-Length` (HTTP/2, chunked) counts as a body.
    FromHeaders,
}

impl BodyHint {
    fn body_present(self, headers: &HeaderMap) -> bool {
        match self {
            BodyHint::Present => true,
            BodyHint::Empty => announces_body(headers),
            BodyHint::FromHeaders => {
                announces_body(headers) || (is_form(headers) && !headers.contains_key(CONTENT_LENGTH))
            }
        }
    }
}

/// What verification sees of the body.
#[derive(Clone, Copy)]
enum SeenBody<'b> {
    /// The whole body.
    Read(&'b [u8]),
    /// Not read; `true` when the request has, or may have, one.
    Unread { present: bool },
}

/// Protects resources: verifies signed requests and yields the [`Authenticated`] credential
/// (Authlib's `ResourceProtector`). Cheap to clone.
#[derive(Clone)]
pub struct ResourceProtector {
    provider: Arc<Provider>,
}

impl fmt::Debug for ResourceProtector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResourceProtector").field("config", &self.provider.config).finish_non_exhaustive()
    }
}

impl ResourceProtector {
    /// A protector over `stores` with `config`, for a resource server without an authorization
    /// server (see [`Stores::resource_only`]).
    pub fn new(stores: Stores, config: Config) -> Self {
        AuthorizationServer::new(stores, config).resource_protector()
    }

    pub(super) fn from_provider(provider: Arc<Provider>) -> Self {
        ResourceProtector { provider }
    }

    /// The realm for `WWW-Authenticate`.
    pub fn realm(&self) -> Option<&str> {
        self.provider.config.realm()
    }

    /// The response for an error, with this protector's realm on a 401.
    pub fn error_response(&self, error: &Error) -> Response {
        error.to_response(self.realm())
    }

    /// Verifies a signed request ([RFC 5849 §3](https://www.rfc-editor.org/rfc/rfc5849#section-3))
    /// in `scope`. `req.body()` must be the whole body: form parameters are signed, and
    /// `oauth_body_hash` is checked against it.
    ///
    /// ```
    /// # use std::sync::Arc;
    /// # use oauth1::{Config, ResourceProtector, Scope, Stores, sign::Signer, store::Client};
    /// # let store = Arc::new(oauth1_memory::MemoryStore::new());
    /// # store.insert_client(Client::new("printer", "kd94hf93k423kf44"));
    /// let protector = ResourceProtector::new(Stores::single(store), Config::default());
    /// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
    /// // A form body's parameters are signed: the whole request, body included.
    /// let req = Signer::new("printer", "kd94hf93k423kf44").sign(
    ///     http::Request::post("http://photos.example/albums")
    ///         .header("content-type", "application/x-www-form-urlencoded")
    ///         .body(b"name=Holidays".to_vec())?,
    /// )?;
    /// let who = protector.verify(&req, Scope::ConsumerOnly).await?;
    /// assert_eq!(who.consumer_key(), "printer");
    ///
    /// // The body changed on the way: the signature no longer matches (401).
    /// let (head, _) = req.into_parts();
    /// let tampered = http::Request::from_parts(head, b"name=Holidays&public=true".to_vec());
    /// let refused = protector.verify(&tampered, Scope::ConsumerOnly).await.unwrap_err();
    /// assert_eq!((refused.status().as_u16(), refused.code()), (401, "invalid_signature"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub async fn verify<B: AsRef<[u8]>>(&self, req: &http::Request<B>, scope: Scope) -> Result<Authenticated, Error> {
        let body = req.body().as_ref();
        self.verify_request(req.method(), req.uri(), req.headers(), SeenBody::Read(body), scope).await
    }

    /// Verifies a request signed in the header or the query, from its head alone: for adapters
    /// that do not read the body. Fails closed (400) when the request has a body, by `hint`,
    /// that could carry signed form parameters, or an `oauth_body_hash` to check.
    ///
    /// ```
    /// # use std::sync::Arc;
    /// # use oauth1::{Config, ResourceProtector, Scope, Stores, sign::Signer, store::Client};
    /// # let store = Arc::new(oauth1_memory::MemoryStore::new());
    /// # store.insert_client(Client::new("printer", "kd94hf93k423kf44"));
    /// use oauth1::BodyHint;
    ///
    /// let protector = ResourceProtector::new(Stores::single(store), Config::default());
    /// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
    /// // Signed in the header, no body: the head is enough.
    /// let req = Signer::new("printer", "kd94hf93k423kf44")
    ///     .sign(http::Request::get("http://photos.example/photos?size=original").body(Vec::new())?)?;
    /// let (head, _) = req.into_parts();
    /// assert!(protector.verify_head(&head, BodyHint::Empty, Scope::ConsumerOnly).await.is_ok());
    ///
    /// // A form body the adapter did not read may carry signed parameters: refused (400), so use
    /// // `verify` with the whole request there.
    /// let req = Signer::new("printer", "kd94hf93k423kf44").sign(
    ///     http::Request::post("http://photos.example/albums")
    ///         .header("content-type", "application/x-www-form-urlencoded")
    ///         .body(b"name=Holidays".to_vec())?,
    /// )?;
    /// let (head, _) = req.into_parts();
    /// let refused = protector.verify_head(&head, BodyHint::Present, Scope::ConsumerOnly).await.unwrap_err();
    /// assert_eq!(refused.status(), 400);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub async fn verify_head(&self, head: &Parts, hint: BodyHint, scope: Scope) -> Result<Authenticated, Error> {
        let present = hint.body_present(&head.headers);
        self.verify_request(&head.method, &head.uri, &head.headers, SeenBody::Unread { present }, scope).await
    }

    async fn verify_request(
        &self,
        method: &http::Method,
        uri: &http::Uri,
        headers: &HeaderMap,
        body: SeenBody<'_>,
        scope: Scope,
    ) -> Result<Authenticated, Error> {
        let provider = &*self.provider;
        let step = Step::Resource(scope);
        let bytes = match body {
            SeenBody::Read(bytes) => bytes,
            SeenBody::Unread { .. } => &[],
        };
        let signed = SignedRequest::from_parts(method, uri, headers, bytes, &provider.config.request_parsing)
            .inspect_err(|e| provider.log_refusal(step.name(), None, e))?;
        self.authenticate(headers, body, &signed, step)
            .await
            .inspect_err(|e| provider.log_refusal(step.name(), Some(&signed), e))
    }

    async fn authenticate(
        &self,
        headers: &HeaderMap,
        body: SeenBody<'_>,
        signed: &SignedRequest<'_>,
        step: Step,
    ) -> Result<Authenticated, Error> {
        let provider = &*self.provider;
        let is_form = is_form(headers);
        let bytes = match body {
            SeenBody::Unread { present: true }
                if is_form || signed.body_hash().is_some() || provider.config.require_body_hash =>
            {
                return Err(Error::malformed(
                    "this endpoint does not read request bodies: sign with the header or the query, without a body",
                ));
            }
            SeenBody::Unread { .. } => &[][..],
            SeenBody::Read(bytes) => bytes,
        };
        // `oauth_body_hash` is signed: check it against the body before the nonce is spent.
        check_body_hash(signed.body_hash(), bytes, is_form, provider.config.require_body_hash)?;
        let params = ProtocolParams::check(signed, step, &provider.config, provider.now())?;
        let verified = provider.authenticate(signed, &params, step).await?;
        Ok(Authenticated {
            client: verified.client,
            token: verified.token,
            signature_method: params.method.name(),
            realm: signed.realm().map(str::to_owned),
            interop_fallback: verified.matched == SignatureMatch::DoubleDecoded,
        })
    }
}

/// The body hash extension: a form body is never hashed; another body must match its hash,
/// and must have one when `required`.
fn check_body_hash(hash: Option<&str>, body: &[u8], is_form: bool, required: bool) -> Result<(), Error> {
    match hash {
        Some(_) if is_form => Err(Error::with_description(
            ErrorKind::UnsupportedParameter,
            "\"oauth_body_hash\" is not used with form-encoded bodies",
        )),
        Some(hash) => {
            use base64::Engine as _;
            use sha1::Digest as _;
            let expected = base64::engine::general_purpose::STANDARD.encode(sha1::Sha1::digest(body));
            if ct_eq_str(&expected, hash) {
                Ok(())
            } else {
                Err(Error::with_description(ErrorKind::BodyHashInvalid, "\"oauth_body_hash\" does not match the body"))
            }
        }
        None if required && !is_form && !body.is_empty() => Err(Error::missing("oauth_body_hash")),
        None => Ok(()),
    }
}

type Response = http::Response<Vec<u8>>;
