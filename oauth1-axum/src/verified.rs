//! Verification once per request: the result is cached in the request's extensions, so a
//! second extractor, or an extractor behind the layer, never verifies again (and never spends
//! the nonce twice, RFC 5849 §3.3). Also: the URI the client signed, before `nest` stripped
//! its prefix.

use axum::extract::OriginalUri;
use http::Uri;
use http::request::Parts;
use oauth1::{Authenticated, BodyHint, Error, ErrorKind, ResourceProtector, Scope};

use crate::OAuthRejection;

/// The outcome of this request's verification, in `scope`.
#[derive(Clone)]
pub(crate) struct Verification {
    scope: Scope,
    result: Result<Authenticated, Error>,
}

impl Verification {
    pub(crate) fn new(scope: Scope, result: Result<Authenticated, Error>) -> Self {
        Verification { scope, result }
    }

    /// The cached outcome for an extractor (or layer) that wants `scope`: a request verified in
    /// one scope is never verified again in another (its nonce is spent), so asking for another
    /// is a configuration error of the app, answered 503 and logged at `warn`.
    pub(crate) fn outcome(&self, scope: Scope, realm: Option<&str>) -> Result<Authenticated, OAuthRejection> {
        if self.scope != scope {
            tracing::warn!(
                target: "oauth1_axum",
                verified = ?self.scope,
                wanted = ?scope,
                "a request verified in one scope was asked for in another: use one scope per route"
            );
            let e = Error::with_description(
                ErrorKind::TemporarilyUnavailable,
                "this request was already verified in another scope",
            );
            return Err(OAuthRejection::in_realm(e, realm));
        }
        self.result.clone().map_err(|e| OAuthRejection::in_realm(e, realm))
    }

    /// The verification cached on a request, if any.
    pub(crate) fn cached(extensions: &http::Extensions) -> Option<&Verification> {
        extensions.get::<Verification>()
    }
}

/// Puts the URI the client sent into `parts` when a `Router::nest` stripped a prefix
/// ([`OriginalUri`]): the signature base string covers the whole path
/// ([RFC 5849 §3.4.1.2](https://www.rfc-editor.org/rfc/rfc5849#section-3.4.1.2)). Returns the
/// URI to put back with [`restore_uri`].
pub(crate) fn signed_uri(parts: &mut Parts) -> Option<Uri> {
    let original = parts.extensions.get::<OriginalUri>().map(|o| &o.0).filter(|o| **o != parts.uri)?.clone();
    Some(std::mem::replace(&mut parts.uri, original))
}

/// Undoes [`signed_uri`].
pub(crate) fn restore_uri(parts: &mut Parts, nested: Option<Uri>) {
    if let Some(uri) = nested {
        parts.uri = uri;
    }
}

/// Verifies a request from its head alone (header or query signatures), once per request.
pub(crate) async fn verify_head(
    parts: &mut Parts,
    protector: &ResourceProtector,
    hint: BodyHint,
    scope: Scope,
) -> Result<Authenticated, OAuthRejection> {
    if let Some(cached) = Verification::cached(&parts.extensions) {
        return cached.outcome(scope, protector.realm());
    }
    let nested = signed_uri(parts);
    let result = protector.verify_head(parts, hint, scope).await;
    restore_uri(parts, nested);
    let verification = Verification::new(scope, result);
    let outcome = verification.outcome(scope, protector.realm());
    parts.extensions.insert(verification);
    outcome
}
