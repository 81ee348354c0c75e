//! The one error type of the provider, with its HTTP status and machine-readable codes.
//!
//! Every refusal carries three names for the same problem:
//!
//! * an HTTP status, per [RFC 5849 §3.2]: 400 for a malformed request (missing, unsupported,
//!   duplicated or malformed parameters, unsupported signature method), 401 for bad credentials
//!   (consumer key, token, signature, nonce, timestamp, verifier), 405 for a wrong method and 503
//!   when a store is unavailable;
//! * an `error` code as Authlib's provider sends it ([`Error::code`]), so clients and tests written
//!   against Authlib keep working;
//! * an `oauth_problem` from the OAuth Problem Reporting extension ([`Error::problem`]).
//!
//! [RFC 5849 §3.2]: https://www.rfc-editor.org/rfc/rfc5849#section-3.2

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use http::StatusCode;

/// What went wrong, independent of wording. See the [module docs](self).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A required protocol parameter is absent or empty (400).
    MissingParameter,
    /// A protocol parameter came in more than one transport or more than once (400).
    DuplicatedParameter,
    /// The request could not be read: a malformed `Authorization` header, invalid
    /// percent-encoding or UTF-8, an unusable `Host` (400).
    MalformedRequest,
    /// A parameter this endpoint does not accept (400).
    UnsupportedParameter,
    /// A parameter whose value is malformed: a timestamp that is not ASCII digits, a callback
    /// that is not `oob` or an allowed absolute URI (400).
    InvalidParameter,
    /// `oauth_version` is present and is not `1.0` (400).
    VersionRejected,
    /// The signature method is not registered or not allowed (400).
    UnsupportedSignatureMethod,
    /// The timestamp is outside the accepted window (401).
    TimestampRefused,
    /// Unknown consumer key (401).
    InvalidClient,
    /// Unknown, expired or wrong-kind token (401).
    InvalidToken,
    /// The signature does not verify (401).
    InvalidSignature,
    /// The nonce was already used with this consumer key, token and timestamp (401).
    InvalidNonce,
    /// The verifier does not match the temporary credentials (401).
    InvalidVerifier,
    /// `oauth_body_hash` does not match the body, or is required and absent (401).
    BodyHashInvalid,
    /// The resource owner denied the request (400; normally sent inside a redirect).
    AccessDenied,
    /// A consent decision without the consent page's anti-forgery values, or with values of
    /// another page (403): a cross-site request, or a form replayed from elsewhere
    /// ([`crate::consent`]). Nothing was changed.
    ConsentForgery,
    /// The HTTP method is not allowed at this endpoint (405).
    MethodNotAllowed,
    /// The request body is larger than the configured limit (413).
    PayloadTooLarge,
    /// A store failed or is unreachable (503). Never turned into acceptance.
    TemporarilyUnavailable,
}

impl ErrorKind {
    /// The HTTP status for this kind ([RFC 5849 §3.2](https://www.rfc-editor.org/rfc/rfc5849#section-3.2)).
    pub fn status(self) -> StatusCode {
        use ErrorKind::*;
        match self {
            MissingParameter
            | DuplicatedParameter
            | MalformedRequest
            | UnsupportedParameter
            | InvalidParameter
            | VersionRejected
            | UnsupportedSignatureMethod
            | AccessDenied => StatusCode::BAD_REQUEST,
            TimestampRefused | InvalidClient | InvalidToken | InvalidSignature | InvalidNonce | InvalidVerifier
            | BodyHashInvalid => StatusCode::UNAUTHORIZED,
            ConsentForgery => StatusCode::FORBIDDEN,
            MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            TemporarilyUnavailable => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    /// The `error` code, as Authlib's provider names it.
    pub fn code(self) -> &'static str {
        use ErrorKind::*;
        match self {
            MissingParameter => "missing_required_parameter",
            DuplicatedParameter => "duplicated_oauth_protocol_parameter",
            MalformedRequest | InvalidParameter | VersionRejected | TimestampRefused | InvalidVerifier => {
                "invalid_request"
            }
            UnsupportedParameter => "unsupported_parameter",
            UnsupportedSignatureMethod => "unsupported_signature_method",
            InvalidClient => "invalid_client",
            InvalidToken => "invalid_token",
            InvalidSignature | BodyHashInvalid => "invalid_signature",
            InvalidNonce => "invalid_nonce",
            AccessDenied => "access_denied",
            ConsentForgery => "invalid_consent",
            MethodNotAllowed => "method_not_allowed",
            PayloadTooLarge => "request_too_large",
            TemporarilyUnavailable => "temporarily_unavailable",
        }
    }

    /// The `oauth_problem` name from the OAuth Problem Reporting extension.
    pub fn problem(self) -> &'static str {
        use ErrorKind::*;
        match self {
            MissingParameter => "parameter_absent",
            DuplicatedParameter | MalformedRequest | UnsupportedParameter | InvalidParameter | PayloadTooLarge => {
                "parameter_rejected"
            }
            VersionRejected => "version_rejected",
            UnsupportedSignatureMethod => "signature_method_rejected",
            TimestampRefused => "timestamp_refused",
            InvalidClient => "consumer_key_unknown",
            InvalidToken => "token_rejected",
            InvalidSignature | BodyHashInvalid => "signature_invalid",
            InvalidNonce => "nonce_used",
            InvalidVerifier => "verifier_invalid",
            AccessDenied => "permission_denied",
            ConsentForgery => "permission_unknown",
            MethodNotAllowed => "method_not_allowed",
            TemporarilyUnavailable => "temporarily_unavailable",
        }
    }
}

/// A refused request: its [`ErrorKind`] plus a human-readable description, and the
/// [`source`](std::error::Error::source) that caused it, if any (a [`StoreError`] for a 503).
///
/// What goes on the wire is the kind, the description and the [`Advice`]; descriptions never
/// contain secrets or a store's own messages (they may name a parameter). The source is for
/// logs. The `Display` text is for people, not a contract: match on [`Error::kind`].
///
/// [`StoreError`]: crate::store::StoreError
///
/// ```
/// use std::sync::Arc;
/// use oauth1::{Config, ErrorKind, ResourceProtector, Scope, Stores, sign::Signer, store::Client};
///
/// # let store = Arc::new(oauth1_memory::MemoryStore::new());
/// # store.insert_client(Client::new("printer", "kd94hf93k423kf44"));
/// let protector = ResourceProtector::new(Stores::single(store), Config::default().with_realm("Photos"));
/// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
/// let req = Signer::new("printer", "not-the-secret")
///     .sign(http::Request::get("http://photos.example/me").body(Vec::new())?)?;
/// let error = protector.verify(&req, Scope::ConsumerOnly).await.unwrap_err();
/// // Match on the kind; the status and the codes follow from it.
/// assert_eq!(error.kind(), ErrorKind::InvalidSignature);
/// assert_eq!((error.status().as_u16(), error.code(), error.problem()), (401, "invalid_signature", "signature_invalid"));
/// // The response a handler sends: form-encoded, with `WWW-Authenticate` on a 401.
/// let res = protector.error_response(&error);
/// assert_eq!(res.headers()["www-authenticate"], "OAuth realm=\"Photos\"");
/// assert!(String::from_utf8(res.into_body())?.starts_with("error=invalid_signature&"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Error {
    kind: ErrorKind,
    description: Option<Cow<'static, str>>,
    advice: Option<Advice>,
    source: Option<Arc<dyn std::error::Error + Send + Sync>>,
}

impl PartialEq for Error {
    /// The same refusal on the wire: kind, description and advice (the source is not compared).
    fn eq(&self, other: &Self) -> bool {
        (self.kind, &self.description, &self.advice) == (other.kind, &other.description, &other.advice)
    }
}

impl Eq for Error {}

/// The advice of the OAuth Problem Reporting extension that some refusals carry onto the wire
/// (`oauth_parameters_absent`, `oauth_acceptable_timestamps`, …), and the `Allow` header of a 405.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Advice {
    /// `oauth_parameters_absent`: the names of the missing parameters.
    ParametersAbsent(&'static str),
    /// `oauth_parameters_rejected`: the name of the rejected parameter.
    ParameterRejected(Cow<'static, str>),
    /// `oauth_acceptable_timestamps`: the accepted window, inclusive.
    AcceptableTimestamps(u64, u64),
    /// `oauth_acceptable_versions`.
    AcceptableVersions,
    /// The methods the `Allow` header must list on a 405.
    Allow(&'static str),
}

impl Error {
    /// An error of `kind` with no description.
    pub fn new(kind: ErrorKind) -> Self {
        Error { kind, description: None, advice: None, source: None }
    }

    /// An error of `kind` with a description.
    pub fn with_description(kind: ErrorKind, description: impl Into<Cow<'static, str>>) -> Self {
        Error { kind, description: Some(description.into()), advice: None, source: None }
    }

    /// `missing "<name>" in parameters` (Authlib's wording).
    pub fn missing(name: &'static str) -> Self {
        Error::with_description(ErrorKind::MissingParameter, format!("missing \"{name}\" in parameters"))
            .with_advice(Advice::ParametersAbsent(name))
    }

    /// A malformed request, with a description.
    pub fn malformed(description: impl Into<Cow<'static, str>>) -> Self {
        Error::with_description(ErrorKind::MalformedRequest, description)
    }

    /// `Invalid "<name>" value`: a value this provider does not accept (400
    /// `invalid_request`, `oauth_parameters_rejected=<name>`).
    pub fn invalid_value(name: &'static str) -> Self {
        Error::with_description(ErrorKind::InvalidParameter, format!("Invalid \"{name}\" value"))
            .with_advice(Advice::ParameterRejected(name.into()))
    }

    /// `"<name>" is too long`: over the bound of a stored value (400 `invalid_request`).
    pub fn too_long(name: &'static str) -> Self {
        Error::with_description(ErrorKind::InvalidParameter, format!("\"{name}\" is too long"))
            .with_advice(Advice::ParameterRejected(name.into()))
    }

    /// `"<name>"` is not supported here (400 `unsupported_parameter`).
    pub fn unsupported(name: impl Into<Cow<'static, str>>) -> Self {
        let name = name.into();
        Error::with_description(ErrorKind::UnsupportedParameter, format!("\"{name}\" is not supported here"))
            .with_advice(Advice::ParameterRejected(name))
    }

    /// `duplicated "<name>" in parameters`: a protocol parameter came more than once, or in
    /// more than one transport (400, Authlib's wording).
    pub fn duplicated(name: &str) -> Self {
        Error::with_description(ErrorKind::DuplicatedParameter, format!("duplicated \"{name}\" in parameters"))
    }

    /// The `oauth_token` is unknown, expired, of another client or already used (401
    /// `invalid_token`, Authlib's wording).
    pub fn invalid_token() -> Self {
        Error::with_description(ErrorKind::InvalidToken, "Invalid or expired \"oauth_token\" in parameters")
    }

    /// The temporary credentials were already authorized: a decision is final (401 `invalid_token`).
    pub fn already_authorized() -> Self {
        Error::with_description(ErrorKind::InvalidToken, "\"oauth_token\" was already authorized")
    }

    /// The signature does not verify (401 `invalid_signature`).
    pub fn invalid_signature() -> Self {
        Error::with_description(ErrorKind::InvalidSignature, "Invalid \"oauth_signature\"")
    }

    /// The timestamp is outside the accepted window (401); with the window when it is known.
    pub fn timestamp_refused(window: Option<(u64, u64)>) -> Self {
        let e =
            Error::with_description(ErrorKind::TimestampRefused, "\"oauth_timestamp\" is outside the accepted window");
        match window {
            Some((earliest, latest)) => e.with_advice(Advice::AcceptableTimestamps(earliest, latest)),
            None => e,
        }
    }

    /// The request body is over the adapter's limit (413).
    pub fn payload_too_large() -> Self {
        Error::with_description(ErrorKind::PayloadTooLarge, "the request body is too large")
    }

    /// A store failed (503 `temporarily_unavailable`). The client is told only that; `cause`
    /// is kept as the [`source`](std::error::Error::source), for logs.
    pub fn store(cause: crate::store::StoreError) -> Self {
        Error::with_description(ErrorKind::TemporarilyUnavailable, "the service is temporarily unavailable")
            .with_source(cause)
    }

    /// Attaches problem-reporting advice.
    pub fn with_advice(mut self, advice: Advice) -> Self {
        self.advice = Some(advice);
        self
    }

    /// Keeps `cause` as this error's [`source`](std::error::Error::source). It is never sent
    /// to the client.
    pub fn with_source(mut self, cause: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.source = Some(Arc::new(cause));
        self
    }

    /// What went wrong.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The HTTP status to answer with.
    ///
    /// ```
    /// use oauth1::{Error, ErrorKind};
    /// assert_eq!(Error::missing("oauth_nonce").status(), 400);
    /// assert_eq!(Error::invalid_signature().status(), 401);
    /// assert_eq!(Error::new(ErrorKind::ConsentForgery).status(), 403);
    /// assert_eq!(Error::new(ErrorKind::TemporarilyUnavailable).status(), 503);
    /// ```
    pub fn status(&self) -> StatusCode {
        self.kind.status()
    }

    /// The `error` code (Authlib's names).
    ///
    /// ```
    /// use oauth1::Error;
    /// let error = Error::missing("oauth_nonce");
    /// assert_eq!(error.code(), "missing_required_parameter");
    /// assert_eq!(error.problem(), "parameter_absent");
    /// assert_eq!(error.description(), Some("missing \"oauth_nonce\" in parameters"));
    /// // Refusals that RFC 5849 groups under one status keep distinct codes.
    /// assert_eq!(Error::invalid_token().code(), "invalid_token");
    /// assert_eq!(Error::invalid_signature().code(), "invalid_signature");
    /// ```
    pub fn code(&self) -> &'static str {
        self.kind.code()
    }

    /// The `oauth_problem` name.
    pub fn problem(&self) -> &'static str {
        self.kind.problem()
    }

    /// The human-readable description, if any.
    pub fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }

    /// Problem-reporting advice, if any.
    pub fn advice(&self) -> Option<&Advice> {
        self.advice.as_ref()
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("kind", &self.kind)
            .field("description", &self.description)
            .field("advice", &self.advice)
            // Only whether there is one: a store's message may name hosts or users, and some
            // frameworks print a `Debug` into a response (warp's unhandled rejections).
            .field("source", &self.source.as_ref().map(|_| ".."))
            .finish()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())?;
        if let Some(d) = &self.description {
            write!(f, ": {d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_deref().map(|e| e as &(dyn std::error::Error + 'static))
    }
}

impl From<ErrorKind> for Error {
    fn from(kind: ErrorKind) -> Self {
        Error::new(kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_follow_rfc_5849_section_3_2() {
        assert_eq!(Error::missing("oauth_nonce").status(), 400);
        assert_eq!(Error::new(ErrorKind::UnsupportedSignatureMethod).status(), 400);
        assert_eq!(Error::new(ErrorKind::DuplicatedParameter).status(), 400);
        for k in [
            ErrorKind::InvalidClient,
            ErrorKind::InvalidToken,
            ErrorKind::InvalidSignature,
            ErrorKind::InvalidNonce,
            ErrorKind::TimestampRefused,
            ErrorKind::InvalidVerifier,
        ] {
            assert_eq!(k.status(), 401, "{k:?}");
        }
        assert_eq!(ErrorKind::MethodNotAllowed.status(), 405);
        assert_eq!(ErrorKind::TemporarilyUnavailable.status(), 503);
    }

    #[test]
    fn missing_uses_authlib_wording() {
        let e = Error::missing("oauth_consumer_key");
        assert_eq!(e.code(), "missing_required_parameter");
        assert_eq!(e.problem(), "parameter_absent");
        assert_eq!(e.description(), Some("missing \"oauth_consumer_key\" in parameters"));
    }

    #[test]
    fn a_store_failure_keeps_its_cause_and_tells_the_client_nothing_of_it() {
        use std::error::Error as _;
        let e = Error::store(crate::store::StoreError::unavailable("db.internal:5432 refused user admin"));
        assert_eq!(e.status(), 503);
        assert!(!e.description().unwrap_or_default().contains("db.internal"));
        let body = String::from_utf8(e.to_response(None).into_body()).unwrap();
        assert!(!body.contains("db.internal"), "{body}");
        assert!(!format!("{e:?}").contains("db.internal"), "{e:?}");
        let cause = e.source().expect("the store error is the source");
        assert!(cause.to_string().contains("db.internal"));
        assert!(cause.source().is_some_and(|c| c.to_string().contains("refused user admin")));
    }
}
