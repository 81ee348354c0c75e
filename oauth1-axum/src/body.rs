//! Reading request bodies with a limit: [`BodyLimit`].

use axum::BoxError;
use axum::body::{Bytes, HttpBody};
use http::HeaderMap;
use http::header::CONTENT_LENGTH;
use http_body_util::{BodyExt, LengthLimitError, Limited};
use oauth1::Error;

/// The default [`BodyLimit`]: 64 KiB, as `oauth1_warp::DEFAULT_BODY_LIMIT`.
pub const DEFAULT_BODY_LIMIT: usize = 64 * 1024;

/// The most bytes of a request body that this crate's body-reading extractors
/// ([`SignedForm`](crate::SignedForm), [`SignedBody`](crate::SignedBody),
/// [`ConsumerOnly`](crate::ConsumerOnly)) and endpoint handlers read: over it the request is
/// refused with 413 before it is verified (a truncated body is never verified; RFC 5849
/// §3.4.1.3.1 signs every form parameter). Default: [`DEFAULT_BODY_LIMIT`].
///
/// Set it for a router (or one route) as a request extension, the way axum's own
/// `DefaultBodyLimit` is set; the [layer](crate::ProtectLayer) has its own
/// [`body_limit`](crate::ProtectLayer::body_limit).
///
/// ```
/// use axum::{Extension, Router, routing::post};
/// use oauth1_axum::{BodyLimit, SignedBody};
///
/// let app: Router<oauth1::ResourceProtector> = Router::new()
///     .route("/upload", post(|SignedBody(_, body): SignedBody| async move { body.len().to_string() }))
///     .layer(Extension(BodyLimit::new(1024 * 1024)));
/// # let _ = app;
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BodyLimit(usize);

impl BodyLimit {
    /// At most `bytes` bytes.
    pub const fn new(bytes: usize) -> Self {
        BodyLimit(bytes)
    }

    /// The limit in bytes.
    pub const fn bytes(self) -> usize {
        self.0
    }

    /// The limit set for a request (its extension), or the default.
    pub(crate) fn of(extensions: &http::Extensions) -> usize {
        extensions.get::<BodyLimit>().map_or(DEFAULT_BODY_LIMIT, |l| l.0)
    }
}

impl Default for BodyLimit {
    fn default() -> Self {
        BodyLimit(DEFAULT_BODY_LIMIT)
    }
}

/// Reads the whole body, counting as it comes: 413 as soon as it passes `limit` (a declared
/// `Content-Length` over it is refused before reading). Works without `Content-Length`
/// (HTTP/1.1 chunked, HTTP/2).
pub(crate) async fn read_limited<B>(headers: &HeaderMap, body: B, limit: usize) -> Result<Bytes, Error>
where
    B: HttpBody<Data = Bytes>,
    B::Error: Into<BoxError>,
{
    let declared = headers.get(CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > u64::try_from(limit).unwrap_or(u64::MAX)) {
        return Err(Error::payload_too_large());
    }
    match Limited::new(body, limit).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e) if e.is::<LengthLimitError>() => Err(Error::payload_too_large()),
        Err(_) => Err(Error::malformed("the request body could not be read")),
    }
}
