//! Responses: form-encoded bodies with `Cache-Control: no-store` and `Pragma: no-cache`
//! ([RFC 5849 §2.1](https://www.rfc-editor.org/rfc/rfc5849#section-2.1)), and errors with their
//! status, `error`, `error_description`, `oauth_problem`, `WWW-Authenticate` (401) and `Allow` (405).
//!
//! ```
//! use oauth1::{Error, ErrorKind};
//! let res = Error::new(ErrorKind::InvalidSignature).to_response(Some("Photos"));
//! assert_eq!(res.status(), 401);
//! assert_eq!(res.headers()["www-authenticate"], "OAuth realm=\"Photos\"");
//! assert_eq!(res.body().as_slice(), b"error=invalid_signature&oauth_problem=signature_invalid");
//! ```

use http::header::{ALLOW, CACHE_CONTROL, CONTENT_TYPE, HeaderValue, PRAGMA, WWW_AUTHENTICATE};
use http::{Response, StatusCode};

use crate::encoding::encode;
use crate::error::{Advice, Error, ErrorKind};

/// `application/x-www-form-urlencoded` from pairs, each name and value percent-encoded as
/// [RFC 5849 §3.6](https://www.rfc-editor.org/rfc/rfc5849#section-3.6) encodes them (the form
/// of every credentials response, §2.1 and §2.3).
///
/// ```
/// use oauth1::response::form_encode;
/// let body = form_encode([("oauth_token", "a b"), ("oauth_token_secret", "ü/+")]);
/// assert_eq!(body, "oauth_token=a%20b&oauth_token_secret=%C3%BC%2F%2B");
/// ```
pub fn form_encode<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut out = String::new();
    for (n, v) in pairs {
        if !out.is_empty() {
            out.push('&');
        }
        out.extend(encode(n));
        out.push('=');
        out.extend(encode(v));
    }
    out
}

/// A form-encoded response that no cache keeps
/// ([RFC 5849 §2.1](https://www.rfc-editor.org/rfc/rfc5849#section-2.1)).
///
/// ```
/// use http::StatusCode;
/// use oauth1::response::{form_encode, form_response};
/// let res = form_response(StatusCode::OK, form_encode([("oauth_token", "t")]));
/// assert_eq!(res.headers()["content-type"], "application/x-www-form-urlencoded");
/// assert_eq!(res.headers()["cache-control"], "no-store");
/// assert_eq!(res.body().as_slice(), b"oauth_token=t");
/// ```
pub fn form_response(status: StatusCode, body: String) -> Response<Vec<u8>> {
    let mut res = Response::new(body.into_bytes());
    *res.status_mut() = status;
    let h = res.headers_mut();
    h.insert(CONTENT_TYPE, HeaderValue::from_static("application/x-www-form-urlencoded"));
    h.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(PRAGMA, HeaderValue::from_static("no-cache"));
    res
}

/// The `WWW-Authenticate` value for a realm
/// ([RFC 5849 §3.5.1](https://www.rfc-editor.org/rfc/rfc5849#section-3.5.1)), the realm quoted
/// with `"` and `\\` escaped.
///
/// ```
/// use oauth1::response::www_authenticate;
/// assert_eq!(www_authenticate(Some("Photos")), "OAuth realm=\"Photos\"");
/// assert_eq!(www_authenticate(Some("a\"b")), "OAuth realm=\"a\\\"b\"");
/// assert_eq!(www_authenticate(None), "OAuth realm=\"\"");
/// ```
pub fn www_authenticate(realm: Option<&str>) -> HeaderValue {
    let mut v = String::from("OAuth realm=\"");
    for c in realm.unwrap_or("").chars() {
        if c == '"' || c == '\\' {
            v.push('\\');
        }
        v.push(c);
    }
    v.push('"');
    HeaderValue::from_str(&v).unwrap_or_else(|_| HeaderValue::from_static("OAuth realm=\"\""))
}

impl Error {
    /// The pairs of the error body: `error`, `error_description`, `oauth_problem` and the
    /// problem's advice (`oauth_parameters_absent`, `oauth_acceptable_timestamps`, …).
    pub fn body_pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = vec![("error", self.code().to_owned())];
        if let Some(d) = self.description() {
            pairs.push(("error_description", d.to_owned()));
        }
        pairs.push(("oauth_problem", self.problem().to_owned()));
        match self.advice() {
            Some(Advice::ParametersAbsent(p)) => pairs.push(("oauth_parameters_absent", (*p).to_owned())),
            Some(Advice::ParameterRejected(p)) => pairs.push(("oauth_parameters_rejected", p.to_string())),
            Some(Advice::AcceptableTimestamps(a, b)) => pairs.push(("oauth_acceptable_timestamps", format!("{a}-{b}"))),
            Some(Advice::AcceptableVersions) => pairs.push(("oauth_acceptable_versions", "1.0-1.0".to_owned())),
            Some(Advice::Allow(_)) | None => {}
        }
        pairs
    }

    /// The HTTP response for this error. `realm` goes into `WWW-Authenticate` on a 401.
    pub fn to_response(&self, realm: Option<&str>) -> Response<Vec<u8>> {
        let pairs = self.body_pairs();
        let body = form_encode(pairs.iter().map(|(n, v)| (*n, v.as_str())));
        let mut res = form_response(self.status(), body);
        if self.status() == StatusCode::UNAUTHORIZED {
            res.headers_mut().insert(WWW_AUTHENTICATE, www_authenticate(realm));
        }
        if self.kind() == ErrorKind::MethodNotAllowed {
            let allow = match self.advice() {
                Some(Advice::Allow(a)) => a,
                _ => "POST",
            };
            res.headers_mut().insert(ALLOW, HeaderValue::from_static(allow));
        }
        res
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_bodies_carry_problem_advice() {
        let res = Error::missing("oauth_nonce").to_response(None);
        assert_eq!(res.status(), 400);
        assert_eq!(res.headers()["cache-control"], "no-store");
        assert_eq!(res.headers()["pragma"], "no-cache");
        assert!(!res.headers().contains_key("www-authenticate"));
        let body = String::from_utf8(res.into_body()).unwrap();
        assert_eq!(
            body,
            "error=missing_required_parameter&error_description=missing%20%22oauth_nonce%22%20in%20parameters\
             &oauth_problem=parameter_absent&oauth_parameters_absent=oauth_nonce"
        );
        let res =
            Error::new(ErrorKind::TimestampRefused).with_advice(Advice::AcceptableTimestamps(1, 2)).to_response(None);
        assert!(String::from_utf8(res.body().clone()).unwrap().ends_with("oauth_acceptable_timestamps=1-2"));
        assert_eq!(res.headers()["www-authenticate"], "OAuth realm=\"\"");
    }

    #[test]
    fn method_not_allowed_has_allow() {
        let res = Error::new(ErrorKind::MethodNotAllowed).with_advice(Advice::Allow("POST")).to_response(None);
        assert_eq!(res.status(), 405);
        assert_eq!(res.headers()["allow"], "POST");
    }

    #[test]
    fn realm_is_escaped() {
        assert_eq!(www_authenticate(Some("a\"b")), "OAuth realm=\"a\\\"b\"");
    }
}
