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

use http::{HeaderMap, Method, Uri};

use crate::encoding::{
    Plus, all_unreserved, cmp_encoded, decode, form_text, has_percent_escape, hex_upper, is_unreserved, parse_form,
};
use crate::error::{Error, ErrorKind};
use crate::header;
use crate::origin::Origin;

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
}

impl Param<'_> {
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

impl<'a> SignedRequest<'a> {
    /// Reads `req` (see the [module docs](self)).
    pub fn parse<B: AsRef<[u8]>>(req: &'a http::Request<B>, options: &ParseOptions) -> Result<Self, Error> {
        Self::from_parts(req.method(), req.uri(), req.headers(), req.body().as_ref(), options)
    }

    /// Reads a request given as its parts; `body` is only read for form-encoded requests.
    pub fn from_parts(
        method: &'a Method,
        uri: &'a Uri,
        headers: &'a HeaderMap,
        body: &'a [u8],
        options: &ParseOptions,
    ) -> Result<Self, Error> {
        let method_str = method.as_str();
        let method = if method_str.bytes().any(|b| b.is_ascii_lowercase()) {
            Cow::Owned(method_str.to_ascii_uppercase())
        } else {
            Cow::Borrowed(method_str)
        };

        let path = match uri.path() {
            "" => "/",
            p => p,
        };
        let mut base_uri = String::with_capacity(64 + path.len());
        options.origin.write_origin(uri, headers, &mut base_uri)?;
        base_uri.push_str(path);

        let mut c = Collector {
            params: Vec::with_capacity(16),
            seen: [false; 3],
            signature: None,
            signatures: 0,
            realm: None,
            realms: 0,
        };
        let mut oauth_headers = 0;
        for value in headers.get_all(http::header::AUTHORIZATION) {
            let ours = header::parse_each(value.as_bytes(), |name, value| {
                if name == "realm" {
                    c.realms += 1;
                    c.realm = Some(value);
                } else {
                    c.push(Param { name, value, source: Transport::Header });
                }
            })?;
            oauth_headers += usize::from(ours);
        }
        if oauth_headers > 1 {
            return Err(Error::with_description(
                ErrorKind::DuplicatedParameter,
                "more than one OAuth Authorization header",
            ));
        }
        if c.realms > 1 {
            return Err(duplicated("realm"));
        }
        if let Some(q) = uri.query() {
            for pair in parse_form(q) {
                let (name, value) = pair?;
                c.push(Param { name, value, source: Transport::Query });
            }
        }
        if !body.is_empty() && is_form(headers) {
            for pair in parse_form(form_text(body)?) {
                let (name, value) = pair?;
                c.push(Param { name, value, source: Transport::Body });
            }
        }

        // Authlib's order and wording: QUERY, BODY, HEADER.
        const ORDER: [Transport; 3] = [Transport::Query, Transport::Body, Transport::Header];
        let mut carried = ORDER.iter().zip(c.seen).filter(|(_, seen)| *seen).map(|(t, _)| *t);
        let transport = carried.next();
        if carried.next().is_some() {
            let labels: Vec<&str> =
                ORDER.iter().zip(c.seen).filter(|(_, seen)| *seen).map(|(t, _)| t.label()).collect();
            return Err(Error::with_description(
                ErrorKind::DuplicatedParameter,
                format!(
                    "\"oauth_\" params must come from only 1 signature type but were found in {}",
                    labels.join(",")
                ),
            ));
        }
        if c.signatures > 1 {
            return Err(duplicated("oauth_signature"));
        }
        let Collector { mut params, signature, realm, .. } = c;

        sort_params(&mut params);

        let mut slots = Slots::default();
        let mut previous: Option<&str> = None;
        for (i, p) in params.iter().enumerate() {
            if !p.is_protocol() {
                previous = None;
                continue;
            }
            if previous == Some(p.name.as_ref()) {
                return Err(duplicated_owned(&p.name));
            }
            previous = Some(p.name.as_ref());
            let slot = match p.name.as_ref() {
                "oauth_consumer_key" => &mut slots.consumer_key,
                "oauth_token" => &mut slots.token,
                "oauth_signature_method" => &mut slots.signature_method,
                "oauth_timestamp" => &mut slots.timestamp,
                "oauth_nonce" => &mut slots.nonce,
                "oauth_version" => &mut slots.version,
                "oauth_callback" => &mut slots.callback,
                "oauth_verifier" => &mut slots.verifier,
                "oauth_body_hash" => &mut slots.body_hash,
                _ => continue,
            };
            *slot = Some(i);
        }

        Ok(SignedRequest { method, base_uri, params, signature, realm, transport, slots })
    }

    fn slot(&self, slot: Option<usize>) -> Option<&str> {
        slot.and_then(|i| self.params.get(i)).map(|p| p.value.as_ref())
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
        BaseString { method: &self.method, uri: &self.base_uri, params: &self.params }
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
                Param { name: Cow::Borrowed(p.name.as_ref()), value, source: p.source }
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

fn duplicated(name: &'static str) -> Error {
    Error::with_description(ErrorKind::DuplicatedParameter, format!("duplicated \"{name}\" in parameters"))
}

fn duplicated_owned(name: &str) -> Error {
    Error::with_description(ErrorKind::DuplicatedParameter, format!("duplicated \"{name}\" in parameters"))
}

/// Gathers the parameters of every transport, noting which carried protocol parameters.
struct Collector<'a> {
    params: Vec<Param<'a>>,
    /// Query, body, header: which carried protocol parameters.
    seen: [bool; 3],
    signature: Option<Cow<'a, str>>,
    signatures: usize,
    realm: Option<Cow<'a, str>>,
    realms: usize,
}

impl<'a> Collector<'a> {
    fn push(&mut self, p: Param<'a>) {
        if p.is_protocol() {
            let i = match p.source {
                Transport::Query => 0,
                Transport::Body => 1,
                Transport::Header => 2,
            };
            if let Some(seen) = self.seen.get_mut(i) {
                *seen = true;
            }
            if p.name == "oauth_signature" {
                self.signatures += 1;
                self.signature = Some(p.value);
                return;
            }
        }
        self.params.push(p);
    }
}

/// A signature base string, written on demand ([RFC 5849 §3.4.1.1]).
///
/// Signature methods stream it into their MAC or hash with [`write_to`](Self::write_to), so it
/// is never allocated on the verification path; `to_string()` gives it for logs and tests.
///
/// [RFC 5849 §3.4.1.1]: https://www.rfc-editor.org/rfc/rfc5849#section-3.4.1.1
#[derive(Clone, Copy)]
pub struct BaseString<'r> {
    method: &'r str,
    uri: &'r str,
    params: &'r [Param<'r>],
}

/// Buffers small writes so hashes see few, large updates.
struct Buffered<'s> {
    buf: [u8; 512],
    len: usize,
    out: &'s mut dyn FnMut(&[u8]),
}

impl Buffered<'_> {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        if self.buf.len() - self.len < bytes.len() {
            self.flush();
            if bytes.len() > self.buf.len() {
                (self.out)(bytes);
                return;
            }
        }
        if let Some(dst) = self.buf.get_mut(self.len..self.len + bytes.len()) {
            dst.copy_from_slice(bytes);
            self.len += bytes.len();
        }
    }

    /// Percent-encodes (§3.6) straight into the buffer; `prefix` is `%` for one encoding and
    /// `%25` for two (normalization §3.4.1.3.2, then the base string §3.4.1.1).
    #[inline]
    fn encode(&mut self, s: &str, prefix: &[u8]) {
        let widest = prefix.len() + 2;
        // Each chunk fits an empty buffer even if every byte needs escaping.
        for chunk in s.as_bytes().chunks(self.buf.len() / widest) {
            if self.buf.len() - self.len < chunk.len() * widest {
                self.flush();
            }
            let mut len = self.len;
            // Runs of 16 unreserved bytes (most of any token, nonce or long value) are copied
            // whole; a block with something to escape, and the tail, go byte by byte.
            let mut rest = chunk;
            while let Some((block, tail)) = rest.split_first_chunk::<16>() {
                match self.buf.get_mut(len..len + 16) {
                    Some(d) if all_unreserved(block) => {
                        d.copy_from_slice(block);
                        len += 16;
                    }
                    _ => len = self.encode_bytes(len, block, prefix),
                }
                rest = tail;
            }
            self.len = self.encode_bytes(len, rest, prefix);
        }
    }

    /// Escapes `bytes` into the buffer at `len` (which has room); returns the new length.
    #[inline]
    fn encode_bytes(&mut self, mut len: usize, bytes: &[u8], prefix: &[u8]) -> usize {
        for &b in bytes {
            if is_unreserved(b) {
                if let Some(d) = self.buf.get_mut(len) {
                    *d = b;
                }
                len += 1;
            } else {
                if let Some(d) = self.buf.get_mut(len..len + prefix.len()) {
                    d.copy_from_slice(prefix);
                }
                len += prefix.len();
                if let Some([hi, lo]) = self.buf.get_mut(len..len + 2) {
                    *hi = hex_upper(b >> 4);
                    *lo = hex_upper(b);
                }
                len += 2;
            }
        }
        len
    }

    fn flush(&mut self) {
        if self.len > 0 {
            (self.out)(self.buf.get(..self.len).unwrap_or_default());
            self.len = 0;
        }
    }
}

impl<'r> BaseString<'r> {
    pub(crate) fn from_params(method: &'r str, uri: &'r str, params: &'r [Param<'r>]) -> Self {
        BaseString { method, uri, params }
    }

    /// Streams the base string into `sink` in a few large chunks.
    pub fn write_to(&self, sink: &mut dyn FnMut(&[u8])) {
        let mut w = Buffered { buf: [0; 512], len: 0, out: sink };
        w.encode(self.method, b"%");
        w.write(b"&");
        w.encode(self.uri, b"%");
        w.write(b"&");
        for (i, p) in self.params.iter().enumerate() {
            if i > 0 {
                w.write(b"%26");
            }
            w.encode(&p.name, b"%25");
            w.write(b"%3D");
            w.encode(&p.value, b"%25");
        }
        w.flush();
    }

    /// The normalized request parameters ([§3.4.1.3.2](https://www.rfc-editor.org/rfc/rfc5849#section-3.4.1.3.2)).
    pub fn normalized_parameters(&self) -> String {
        normalize(self.params.iter().map(|p| (p.name.as_ref(), p.value.as_ref())))
    }
}

impl fmt::Display for BaseString<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = Vec::with_capacity(256);
        self.write_to(&mut |b| out.extend_from_slice(b));
        f.write_str(std::str::from_utf8(&out).map_err(|_| fmt::Error)?)
    }
}

impl fmt::Debug for BaseString<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BaseString({self})")
    }
}

/// Normalizes decoded parameters ([RFC 5849 §3.4.1.3.2]): encode each name and value, sort by
/// name then value, join with `=` and `&`. Duplicates are all kept.
///
/// ```
/// assert_eq!(oauth1::request::normalize([("a", "x y"), ("a", "x!y")]), "a=x%20y&a=x%21y");
/// ```
///
/// [RFC 5849 §3.4.1.3.2]: https://www.rfc-editor.org/rfc/rfc5849#section-3.4.1.3.2
pub fn normalize<'p>(params: impl IntoIterator<Item = (&'p str, &'p str)>) -> String {
    let mut pairs: Vec<(&str, &str)> = params.into_iter().collect();
    pairs.sort_by(|a, b| cmp_encoded(a.0, b.0).then_with(|| cmp_encoded(a.1, b.1)));
    let mut out = String::new();
    for (i, (n, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.extend(crate::encoding::encode(n));
        out.push('=');
        out.extend(crate::encoding::encode(v));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(method: &str, uri: &str, headers: &[(&str, &str)], body: &str) -> http::Request<Vec<u8>> {
        let mut b = http::Request::builder().method(method).uri(uri);
        for (n, v) in headers {
            b = b.header(*n, *v);
        }
        b.body(body.as_bytes().to_vec()).unwrap()
    }

    fn parse(req: &http::Request<Vec<u8>>) -> Result<SignedRequest<'_>, Error> {
        SignedRequest::parse(req, &ParseOptions::default())
    }

    const FORM: (&str, &str) = ("content-type", "application/x-www-form-urlencoded");

    #[test]
    fn rfc_example_parameters_and_base_string() {
        let req = request(
            "POST",
            "/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b",
            &[
                ("host", "example.com"),
                FORM,
                (
                    "authorization",
                    r#"OAuth realm="Example", oauth_consumer_key="9djdj82h48djs9d2", oauth_token="kkk9d7dh3k39sjv7", oauth_signature_method="HMAC-SHA1", oauth_timestamp="137131201", oauth_nonce="7d8f3e4a", oauth_signature="djosJKDKJSD8743243%2Fjdk33klY%3D""#,
                ),
            ],
            "c2&a3=2+q",
        );
        let s = parse(&req).unwrap();
        assert_eq!(s.transport(), Some(Transport::Header));
        assert_eq!(s.signature(), Some("djosJKDKJSD8743243/jdk33klY="));
        assert_eq!(
            s.base_string().normalized_parameters(),
            "a2=r%20b&a3=2%20q&a3=a&b5=%3D%253D&c%40=&c2=&oauth_consumer_key=9djdj82h48djs9d2&oauth_nonce=7d8f3e4a&oauth_signature_method=HMAC-SHA1&oauth_timestamp=137131201&oauth_token=kkk9d7dh3k39sjv7"
        );
    }

    #[test]
    fn body_only_for_form_content_type() {
        for ct in ["application/x-www-form-urlencoded", "Application/X-WWW-Form-URLEncoded; charset=UTF-8"] {
            let req = request("POST", "/", &[("host", "h"), ("content-type", ct)], "a=1");
            assert_eq!(parse(&req).unwrap().param("a"), Some("1"), "{ct}");
        }
        for ct in ["multipart/form-data; boundary=x", "application/json", "text/plain"] {
            let req = request("POST", "/", &[("host", "h"), ("content-type", ct)], "a=1");
            assert_eq!(parse(&req).unwrap().param("a"), None, "{ct}");
        }
        let req = request("POST", "/", &[("host", "h")], "a=1");
        assert_eq!(parse(&req).unwrap().param("a"), None, "no content type");
        // Any method: a form body on GET is signed too.
        let req = request("GET", "/", &[("host", "h"), FORM], "a=1");
        assert_eq!(parse(&req).unwrap().param("a"), Some("1"));
    }

    #[test]
    fn protocol_parameters_in_two_transports_are_rejected() {
        let req = request("POST", "/?oauth_consumer_key=a", &[("host", "h"), FORM], "oauth_nonce=b");
        let e = parse(&req).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::DuplicatedParameter);
        assert_eq!(
            e.description(),
            Some("\"oauth_\" params must come from only 1 signature type but were found in QUERY,BODY")
        );
        let req = request("GET", "/?oauth_token=a", &[("host", "h"), ("authorization", "OAuth oauth_nonce=\"x\"")], "");
        assert!(parse(&req).unwrap_err().description().unwrap().ends_with("QUERY,HEADER"));
        // A header holding only realm is no conflict.
        let req = request("GET", "/?oauth_token=a", &[("host", "h"), ("authorization", "OAuth realm=\"r\"")], "");
        assert_eq!(parse(&req).unwrap().transport(), Some(Transport::Query));
    }

    #[test]
    fn protocol_parameters_repeated_within_a_transport_are_rejected() {
        for (uri, auth) in [
            ("/?oauth_nonce=a&oauth_nonce=b", None),
            ("/?oauth_nonce=a&oauth_nonce=a", None),
            ("/?oauth_signature=a&oauth_signature=b", None),
            ("/?oauth_unknown=a&oauth_unknown=b", None),
            ("/", Some("OAuth oauth_token=\"a\", oauth_token=\"b\"")),
            ("/", Some("OAuth realm=\"a\", realm=\"b\"")),
        ] {
            let mut h = vec![("host", "h")];
            if let Some(a) = auth {
                h.push(("authorization", a));
            }
            let req = request("GET", uri, &h, "");
            assert_eq!(parse(&req).unwrap_err().kind(), ErrorKind::DuplicatedParameter, "{uri} {auth:?}");
        }
        // Non-protocol parameters may repeat, and all are signed.
        let req = request("GET", "/?a=1&a=2&a=1", &[("host", "h")], "");
        assert_eq!(parse(&req).unwrap().params().count(), 3);
    }

    #[test]
    fn realm_excluded_only_from_the_header() {
        let req = request(
            "GET",
            "/?realm=q",
            &[("host", "h"), ("authorization", "OAuth realm=\"hdr\", oauth_nonce=\"n\"")],
            "",
        );
        let s = parse(&req).unwrap();
        assert_eq!(s.realm(), Some("hdr"));
        assert_eq!(s.base_string().normalized_parameters(), "oauth_nonce=n&realm=q");
    }

    #[test]
    fn invalid_encoding_is_a_400() {
        for uri in ["/?a=%zz", "/?a=%E5%95", "/?a=%"] {
            let req = request("GET", uri, &[("host", "h")], "");
            assert_eq!(parse(&req).unwrap_err().status(), 400, "{uri}");
        }
        let req = request("POST", "/", &[("host", "h"), FORM], "a=%ff");
        assert_eq!(parse(&req).unwrap_err().status(), 400);
    }

    #[test]
    fn sub_delimiters_and_utf8_in_the_query_are_fine() {
        // Authlib D6: these gave HTTP 500.
        let req = request("GET", "/?q='%5B%5D$&cjk=%E5%95%A6", &[("host", "h")], "");
        let s = parse(&req).unwrap();
        assert_eq!(s.param("q"), Some("'[]$"));
        assert_eq!(s.param("cjk"), Some("啦"));
    }

    #[test]
    fn method_is_uppercased_and_path_verbatim() {
        let req = request("M-SEARCH", "/a%2Fb/caf%C3%A9/%7euser/~x?x=1", &[("host", "Example.COM:80")], "");
        let s = parse(&req).unwrap();
        assert_eq!(s.method(), "M-SEARCH");
        assert_eq!(s.base_string_uri(), "http://example.com/a%2Fb/caf%C3%A9/%7euser/~x");
    }

    #[test]
    fn non_oauth_authorization_is_ignored() {
        let req =
            request("GET", "/?oauth_consumer_key=k", &[("host", "h"), ("authorization", "Basic Zm9vOmJhcg==")], "");
        assert_eq!(parse(&req).unwrap().consumer_key(), Some("k"));
    }

    #[test]
    fn debug_hides_values() {
        let req = request("GET", "/?oauth_verifier=sekrit", &[("host", "h")], "");
        let s = parse(&req).unwrap();
        assert!(!format!("{s:?}").contains("sekrit"));
    }
}
