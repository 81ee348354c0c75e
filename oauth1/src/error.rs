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

/// A refused request: its [`ErrorKind`] plus a human-readable description.
///
/// Descriptions never contain secrets; they may name a parameter.
#[derive(Clone, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
    description: Option<Cow<'static, str>>,
    detail: Option<Detail>,
}

/// Structured extras some errors carry onto the wire.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Detail {
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
        Error { kind, description: None, detail: None }
    }

    /// An error of `kind` with a description.
    pub fn with_description(kind: ErrorKind, description: impl Into<Cow<'static, str>>) -> Self {
        Error { kind, description: Some(description.into()), detail: None }
    }

    /// `missing "<name>" in parameters` (Authlib's wording).
    pub fn missing(name: &'static str) -> Self {
        Error {
            kind: ErrorKind::MissingParameter,
            description: Some(Cow::Owned(format!("missing \"{name}\" in parameters"))),
            detail: Some(Detail::ParametersAbsent(name)),
        }
    }

    /// A malformed request, with a description.
    pub fn malformed(description: impl Into<Cow<'static, str>>) -> Self {
        Error::with_description(ErrorKind::MalformedRequest, description)
    }

    /// Attaches structured detail.
    pub fn with_detail(mut self, detail: Detail) -> Self {
        self.detail = Some(detail);
        self
    }

    /// What went wrong.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The HTTP status to answer with.
    pub fn status(&self) -> StatusCode {
        self.kind.status()
    }

    /// The `error` code (Authlib's names).
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

    /// Structured detail, if any.
    pub fn detail(&self) -> Option<&Detail> {
        self.detail.as_ref()
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("kind", &self.kind)
            .field("description", &self.description)
            .field("detail", &self.detail)
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

impl std::error::Error for Error {}

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
}
