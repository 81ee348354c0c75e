//! Reading a signed request: the parameters of every transport, the protocol parameters, and
//! the signature base string ([RFC 5849 §3.4.1](https://www.rfc-editor.org/rfc/rfc5849#section-3.4.1)).
//!
//! [`SignedRequest::parse`] reads an `http::Request` once and borrows from it wherever nothing
//! had to be decoded:
//!
//! * the `Authorization: OAuth` header ([`crate::header`]), the query, and the body only when its
//!   `Content-Type` is `application/x-www-form-urlencoded` (any method; multipart and other
//!   bodies are never read for parameters);
//! * every name and value percent-decoded exactly once;
//! * protocol (`oauth_*`) parameters from more than one transport, or repeated within one, are a
//!   400 ([RFC 5849 §3.1](https://www.rfc-editor.org/rfc/rfc5849#section-3.1));
//! * `realm` is left out of the base string only when it comes from the header;
//!   `oauth_signature` is left out wherever it comes from.
//!
//! ```
//! use oauth1::{ParseOptions, SignedRequest};
//! let req = http::Request::get("/photos?file=vacation.jpg&size=original")
//!     .header("host", "photos.example.net")
//!     .header("authorization", "OAuth realm=\"Photos\", oauth_consumer_key=\"dpf43f3p2l4k3l03\", \
//!         oauth_token=\"nnch734d00sl2jdk\", oauth_signature_method=\"HMAC-SHA1\", \
//!         oauth_signature=\"tR3%2BTy81lMeYAr%2FFid0kMTYa%2FWM%3D\", oauth_timestamp=\"1191242096\", \
//!         oauth_nonce=\"kllo9940pd9333jh\", oauth_version=\"1.0\"")
//!     .body(Vec::new())
//!     .unwrap();
//! let signed = SignedRequest::parse(&req, &ParseOptions::default()).unwrap();
//! assert_eq!(signed.consumer_key(), Some("dpf43f3p2l4k3l03"));
//! assert_eq!(signed.realm(), Some("Photos"));
//! assert_eq!(signed.base_string().to_string(),
//!     "GET&http%3A%2F%2Fphotos.example.net%2Fphotos&file%3Dvacation.jpg%26\
//!      oauth_consumer_key%3Ddpf43f3p2l4k3l03%26oauth_nonce%3Dkllo9940pd9333jh%26\
//!      oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1191242096%26\
//!      oauth_token%3Dnnch734d00sl2jdk%26oauth_version%3D1.0%26size%3Doriginal");
//! ```

use std::borrow::Cow;
use std::fmt;

use http::HeaderMap;

use crate::encoding::{Marked, Plus, cmp_encoded, decode, has_percent_escape};
use crate::origin::Origin;

mod base_string;
mod parse;
#[cfg(test)]
mod tests;

pub use base_string::{BaseString, normalize};

/// Where the protocol parameters came from ([RFC 5849 §3.5](https://www.rfc-editor.org/rfc/rfc5849#section-3.5)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Transport {
    /// The `Authorization` header (§3.5.1).
    Header,
    /// A form-encoded body (§3.5.2).
    Body,
    /// The query string (§3.5.3).
    Query,
}

impl Transport {
    fn label(self) -> &'static str {
        match self {
            Transport::Header => "HEADER",
            Transport::Body => "BODY",
            Transport::Query => "QUERY",
        }
    }
}

/// How requests are read.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct ParseOptions {
    /// Where the base string URI's scheme and authority come from.
    pub origin: Origin,
}

impl ParseOptions {
    /// Options with the given origin policy.
    pub fn with_origin(origin: Origin) -> Self {
        ParseOptions { origin }
    }
}

/// One decoded parameter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Param<'a> {
    pub(crate) name: Cow<'a, str>,
    pub(crate) value: Cow<'a, str>,
    pub(crate) source: Transport,
    /// The name, and the value, are plain ([`crate::encoding::Marked`]): the base string
    /// copies them as they are. `false` only costs a scan.
    pub(crate) plain: (bool, bool),
}

impl<'a> Param<'a> {
    /// A parameter from a transport, with what decoding learnt of its name and value.
    pub(crate) fn marked((name, name_plain): Marked<'a>, (value, value_plain): Marked<'a>, source: Transport) -> Self {
        Param { name, value, source, plain: (name_plain, value_plain) }
    }

    /// A parameter whose name and value the base string will scan as it encodes them.
    pub(crate) fn new(name: Cow<'a, str>, value: Cow<'a, str>, source: Transport) -> Self {
        Param { name, value, source, plain: (false, false) }
    }

    fn is_protocol(&self) -> bool {
        self.name.starts_with("oauth_")
    }
}

/// Indices of the known protocol parameters in the sorted parameter list.
#[derive(Clone, Copy, Debug, Default)]
struct Slots {
    consumer_key: Option<usize>,
    token: Option<usize>,
    signature_method: Option<usize>,
    timestamp: Option<usize>,
    nonce: Option<usize>,
    version: Option<usize>,
    callback: Option<usize>,
    verifier: Option<usize>,
    body_hash: Option<usize>,
}

/// A request read for OAuth: its parameters, protocol parameters and base string.
/// See the [module docs](self).
#[derive(Clone)]
pub struct SignedRequest<'a> {
    method: Cow<'a, str>,
    base_uri: String,
    /// Signed parameters, sorted in base-string order.
    params: Vec<Param<'a>>,
    signature: Option<Cow<'a, str>>,
    realm: Option<Cow<'a, str>>,
    transport: Option<Transport>,
    slots: Slots,
}

impl fmt::Debug for SignedRequest<'_> {
    /// Shows names only: parameter values can be secrets (PLAINTEXT signatures, verifiers).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignedRequest")
            .field("method", &self.method)
            .field("base_uri", &self.base_uri)
            .field("params", &self.params.iter().map(|p| p.name.as_ref()).collect::<Vec<_>>())
            .field("transport", &self.transport)
            .field("realm", &self.realm)
            .finish_non_exhaustive()
    }
}

/// Whether the body is `application/x-www-form-urlencoded` (charset parameter allowed): the
/// only body whose parameters are signed ([RFC 5849 §3.4.1.3.1](https://www.rfc-editor.org/rfc/rfc5849#section-3.4.1.3.1)).
pub fn is_form(headers: &HeaderMap) -> bool {
    headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|media| media.trim().eq_ignore_ascii_case("application/x-www-form-urlencoded"))
}

/// Whether the headers announce a body (`Transfer-Encoding`, or a `Content-Length` other
/// than 0).
pub fn announces_body(headers: &HeaderMap) -> bool {
    headers.contains_key(http::header::TRANSFER_ENCODING)
        || headers.get(http::header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).is_some_and(|v| v.trim() != "0")
}

impl SignedRequest<'_> {
    #[expect(clippy::indexing_slicing, reason = "slots are indices into `params`, set when it was sorted")]
    fn slot(&self, slot: Option<usize>) -> Option<&str> {
        slot.map(|i| self.params[i].value.as_ref())
    }

    /// The HTTP method, upper-cased, as it enters the base string.
    pub fn method(&self) -> &str {
        &self.method
    }

    /// The base string URI ([§3.4.1.2](https://www.rfc-editor.org/rfc/rfc5849#section-3.4.1.2)).
    pub fn base_string_uri(&self) -> &str {
        &self.base_uri
    }

    /// Which transport carried the protocol parameters; `None` when there were none.
    pub fn transport(&self) -> Option<Transport> {
        self.transport
    }

    /// `realm` from the `Authorization` header.
    pub fn realm(&self) -> Option<&str> {
        self.realm.as_deref()
    }

    /// `oauth_consumer_key`.
    pub fn consumer_key(&self) -> Option<&str> {
        self.slot(self.slots.consumer_key)
    }

    /// `oauth_token`.
    pub fn token(&self) -> Option<&str> {
        self.slot(self.slots.token)
    }

    /// `oauth_signature_method`.
    pub fn signature_method(&self) -> Option<&str> {
        self.slot(self.slots.signature_method)
    }

    /// `oauth_signature`, decoded once.
    pub fn signature(&self) -> Option<&str> {
        self.signature.as_deref()
    }

    /// `oauth_timestamp`, as sent.
    pub fn timestamp(&self) -> Option<&str> {
        self.slot(self.slots.timestamp)
    }

    /// `oauth_nonce`.
    pub fn nonce(&self) -> Option<&str> {
        self.slot(self.slots.nonce)
    }

    /// `oauth_version`.
    pub fn version(&self) -> Option<&str> {
        self.slot(self.slots.version)
    }

    /// `oauth_callback`.
    pub fn callback(&self) -> Option<&str> {
        self.slot(self.slots.callback)
    }

    /// `oauth_verifier`.
    pub fn verifier(&self) -> Option<&str> {
        self.slot(self.slots.verifier)
    }

    /// `oauth_body_hash` (the Request Body Hash extension).
    pub fn body_hash(&self) -> Option<&str> {
        self.slot(self.slots.body_hash)
    }

    /// The first signed parameter called `name`, from any transport.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params.iter().find(|p| p.name == name).map(|p| p.value.as_ref())
    }

    /// Every signed parameter (all transports, `oauth_signature` and header `realm` excluded),
    /// in base-string order, with the transport it came in.
    pub fn params(&self) -> impl Iterator<Item = (&str, &str, Transport)> {
        self.params.iter().map(|p| (p.name.as_ref(), p.value.as_ref(), p.source))
    }

    /// The signature base string ([§3.4.1](https://www.rfc-editor.org/rfc/rfc5849#section-3.4.1)).
    /// It is only written out when asked for: `to_string()` it, or stream it with
    /// [`BaseString::write_to`].
    pub fn base_string(&self) -> BaseString<'_> {
        BaseString::from_params(&self.method, &self.base_uri, &self.params)
    }

    /// The parameters with every `oauth_*` value that still holds a `%XX` escape decoded a
    /// second time, as requests-oauthlib and Authlib's client sign them; `None` when no value
    /// changes (then the variant is the RFC base string itself).
    pub(crate) fn double_decoded_params(&self) -> Option<Vec<Param<'_>>> {
        if !self.params.iter().any(|p| p.is_protocol() && has_percent_escape(&p.value)) {
            return None;
        }
        let mut params: Vec<Param<'_>> = self
            .params
            .iter()
            .map(|p| {
                let value = if p.is_protocol() { decoded_again(&p.value) } else { Cow::Borrowed(p.value.as_ref()) };
                let value_plain = p.plain.1 && matches!(value, Cow::Borrowed(_));
                Param { name: Cow::Borrowed(p.name.as_ref()), value, source: p.source, plain: (p.plain.0, value_plain) }
            })
            .collect();
        sort_params(&mut params);
        Some(params)
    }
}

/// A protocol value as the interop fallback signs it: decoded a second time when it still
/// holds a `%XX` escape, unchanged otherwise (also when the second decoding fails).
///
/// When a signature matched through the fallback
/// ([`SignatureMatch::DoubleDecoded`](crate::signature::SignatureMatch)), *these* are the values
/// the signature covers, so they are the ones every policy decision must use: the nonce, the
/// callback, the verifier. (Otherwise re-encoding `a` as `%2561` would give a captured request a
/// new nonce and the same base string: a replay.)
///
/// ```
/// use oauth1::request::decoded_again;
/// assert_eq!(decoded_again("%61bc"), "abc");
/// assert_eq!(decoded_again("abc"), "abc");
/// assert_eq!(decoded_again("100%"), "100%");
/// ```
pub fn decoded_again(value: &str) -> Cow<'_, str> {
    if has_percent_escape(value) {
        decode(value, Plus::Literal).unwrap_or(Cow::Borrowed(value))
    } else {
        Cow::Borrowed(value)
    }
}

/// Sorts parameters in base-string order: by encoded name, then encoded value (§3.4.1.3.2).
pub(crate) fn sort_params(params: &mut [Param<'_>]) {
    params.sort_by(|a, b| cmp_encoded(&a.name, &b.name).then_with(|| cmp_encoded(&a.value, &b.value)));
}
