//! Refusals as responses: [`OAuthRejection`], the rejection of every extractor of this crate,
//! and [`OAuthResponse`], a core response as an axum response.
//!
//! The response is the core's ([RFC 5849 §3.2](https://www.rfc-editor.org/rfc/rfc5849#section-3.2)):
//! the status (400, 401, 403, 405, 413, 503), a form-encoded body naming the error (`error`,
//! `error_description`, `oauth_problem`), `WWW-Authenticate: OAuth realm="…"` on a 401 and
//! `Allow` on a 405. Each refusal is logged at `debug` under the target `oauth1_axum::rejection`
//! when it becomes a response (the core logs why it refused under `oauth1::refusal`).
//!
//! ```
//! use axum::response::IntoResponse;
//! use oauth1::Error;
//! use oauth1_axum::OAuthRejection;
//!
//! // A handler refuses with a core error the way the extractors do.
//! let res = OAuthRejection::new(Error::invalid_token()).with_realm("Photos").into_response();
//! assert_eq!(res.status(), 401);
//! assert_eq!(res.headers()["www-authenticate"], "OAuth realm=\"Photos\"");
//!
//! // A body over the limit.
//! let res = OAuthRejection::from(Error::payload_too_large()).into_response();
//! assert_eq!(res.status(), 413);
//! ```

use std::fmt;
use std::sync::Arc;

use axum::body::Body;
use axum::response::{IntoResponse, Response};
use oauth1::Error;

/// A refused request: the core's [`Error`] and the realm for `WWW-Authenticate`. The
/// rejection of [`Signed`](crate::Signed), [`SignedForm`](crate::SignedForm),
/// [`SignedBody`](crate::SignedBody), [`ConsumerOnly`](crate::ConsumerOnly),
/// [`PendingConsent`](crate::PendingConsent) and the [layer](crate::ProtectLayer); return it
/// from your own handlers (it converts from [`Error`], so `?` works) to refuse the same way.
#[derive(Clone)]
pub struct OAuthRejection {
    error: Error,
    realm: Option<Arc<str>>,
}

impl OAuthRejection {
    /// A refusal with `error` (no realm in `WWW-Authenticate` until [`with_realm`](Self::with_realm)).
    pub fn new(error: Error) -> Self {
        OAuthRejection { error, realm: None }
    }

    /// The realm of `WWW-Authenticate` on a 401
    /// ([RFC 5849 §3.5.1](https://www.rfc-editor.org/rfc/rfc5849#section-3.5.1)).
    pub fn with_realm(mut self, realm: impl Into<Arc<str>>) -> Self {
        self.realm = Some(realm.into());
        self
    }

    /// What the core refused.
    pub fn error(&self) -> &Error {
        &self.error
    }

    /// The realm, if any.
    pub fn realm(&self) -> Option<&str> {
        self.realm.as_deref()
    }

    /// `error` with the realm of whoever refused (`None`: no realm).
    pub(crate) fn in_realm(error: Error, realm: Option<&str>) -> Self {
        OAuthRejection { error, realm: realm.map(Arc::from) }
    }
}

impl fmt::Debug for OAuthRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuthRejection").field("error", &self.error).field("realm", &self.realm).finish()
    }
}

impl fmt::Display for OAuthRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.error, f)
    }
}

impl std::error::Error for OAuthRejection {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}

impl From<Error> for OAuthRejection {
    fn from(error: Error) -> Self {
        OAuthRejection::new(error)
    }
}

impl IntoResponse for OAuthRejection {
    fn into_response(self) -> Response {
        tracing::debug!(
            target: "oauth1_axum::rejection",
            status = self.error.status().as_u16(),
            error = self.error.code(),
            description = self.error.description().unwrap_or(""),
            "rejected"
        );
        OAuthResponse(self.error.to_response(self.realm.as_deref())).into_response()
    }
}

/// A response built by the core (`http::Response<Vec<u8>>`: an endpoint's answer, a
/// [`Grant`](oauth1::server::Grant) or [`Denial`](oauth1::server::Denial)) as an axum response.
///
/// ```
/// use axum::response::IntoResponse;
/// use oauth1::server::Grant;
/// use oauth1_axum::OAuthResponse;
///
/// // RFC 5849 §2.2: the verifier for an out-of-band client.
/// let grant = Grant::OutOfBand { token: "hh5s93j4hdidpola".into(), verifier: "hfdp7dh39dks9884".into() };
/// let res = OAuthResponse(grant.to_response()).into_response();
/// assert_eq!(res.status(), 200);
/// ```
#[derive(Debug)]
pub struct OAuthResponse(pub http::Response<Vec<u8>>);

impl IntoResponse for OAuthResponse {
    fn into_response(self) -> Response {
        self.0.map(Body::from)
    }
}
