//! Signing requests as a client does ([RFC 5849 §3](https://www.rfc-editor.org/rfc/rfc5849#section-3)),
//! for your integration tests and for ours.
//!
//! The signer builds the base string with the same code the verifier uses, so it is checked
//! against the published vectors (`tests/vectors.rs`), not only against our own verifier.
//!
//! ```
//! use oauth1::sign::Signer;
//! use oauth1::{ParseOptions, SignedRequest, signature::{SignatureMethods, VerifyingKeys, InteropFallback}};
//!
//! let req = http::Request::get("http://photos.example.net/photos?file=vacation.jpg")
//!     .body(Vec::new())
//!     .unwrap();
//! let signed = Signer::new("dpf43f3p2l4k3l03", "kd94hf93k423kf44")
//!     .token("nnch734d00sl2jdk", "pfkkdhi9sl3r4s00")
//!     .sign(req)
//!     .unwrap();
//! let parsed = SignedRequest::parse(&signed, &ParseOptions::default()).unwrap();
//! let keys = VerifyingKeys { consumer_secret: "kd94hf93k423kf44", token_secret: "pfkkdhi9sl3r4s00", rsa_public_keys: &[] };
//! parsed.verify(&SignatureMethods::default(), &keys, InteropFallback::Off).unwrap();
//! ```

use std::borrow::Cow;
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use http::header::{AUTHORIZATION, CONTENT_TYPE, HOST, HeaderValue};
use http::uri::{PathAndQuery, Uri};
use sha1::{Digest, Sha1};

use crate::encoding::{encode, form_text, parse_form};
use crate::error::Error;
use crate::origin::normalize_authority;
use crate::request::{BaseString, Param, Transport, sort_params};
use crate::response::form_encode;
use crate::signature::{Algorithm, HmacMethod, PLAINTEXT, RsaMethod, RsaPrivateKey, signing_key};

/// The method a [`Signer`] signs with.
#[derive(Clone)]
pub enum SigningMethod {
    /// `HMAC-SHA1`, `HMAC-SHA256`, `HMAC-SHA512`.
    Hmac(Algorithm),
    /// `RSA-SHA1`, `RSA-SHA256`, `RSA-SHA512` with a private key.
    Rsa(Algorithm, Box<RsaPrivateKey>),
    /// `PLAINTEXT`.
    Plaintext,
}

impl std::fmt::Debug for SigningMethod {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl SigningMethod {
    /// The `oauth_signature_method` value.
    pub fn name(&self) -> &'static str {
        match self {
            SigningMethod::Hmac(alg) => HmacMethod(*alg).static_name(),
            SigningMethod::Rsa(alg, _) => RsaMethod(*alg).static_name(),
            SigningMethod::Plaintext => PLAINTEXT.static_name(),
        }
    }
}

/// Signs `http::Request`s for one consumer (and optionally one token). See the
/// [module docs](self).
#[derive(Clone)]
pub struct Signer {
    consumer_key: String,
    consumer_secret: String,
    token: Option<String>,
    token_secret: String,
    method: SigningMethod,
    transport: Transport,
    realm: Option<String>,
    nonce: Option<String>,
    timestamp: Option<String>,
    omit_timestamp_and_nonce: bool,
    version: bool,
    body_hash: bool,
    extra: Vec<(String, String)>,
}

impl std::fmt::Debug for Signer {
    /// Secrets are never shown.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer")
            .field("consumer_key", &self.consumer_key)
            .field("token", &self.token)
            .field("method", &self.method.name())
            .field("transport", &self.transport)
            .finish_non_exhaustive()
    }
}

/// A fresh random nonce: 16 bytes from the OS CSPRNG, URL-safe base64.
pub fn random_nonce() -> String {
    let mut bytes = [0u8; 16];
    if getrandom::fill(&mut bytes).is_err() {
        // No OS randomness: fall back to the clock, which still gives a unique-enough client nonce.
        let t = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or_default();
        bytes = t.to_le_bytes();
    }
    URL_SAFE_NO_PAD.encode(bytes)
}

impl Signer {
    /// A signer for HMAC-SHA1 in the `Authorization` header, with a fresh nonce and the current
    /// time for every request, and `oauth_version=1.0`.
    ///
    /// ```
    /// use oauth1::sign::Signer;
    ///
    /// let req = Signer::new("printer", "kd94hf93k423kf44")
    ///     .sign(http::Request::get("http://photos.example/me").body(Vec::new())?)?;
    /// let header = req.headers()["authorization"].to_str()?;
    /// assert!(header.starts_with("OAuth oauth_consumer_key=\"printer\", oauth_signature_method=\"HMAC-SHA1\""));
    /// assert!(header.contains("oauth_version=\"1.0\"") && header.contains("oauth_signature="));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(consumer_key: impl Into<String>, consumer_secret: impl Into<String>) -> Self {
        Signer {
            consumer_key: consumer_key.into(),
            consumer_secret: consumer_secret.into(),
            token: None,
            token_secret: String::new(),
            method: SigningMethod::Hmac(Algorithm::Sha1),
            transport: Transport::Header,
            realm: None,
            nonce: None,
            timestamp: None,
            omit_timestamp_and_nonce: false,
            version: true,
            body_hash: false,
            extra: Vec::new(),
        }
    }

    /// Signs with a token (temporary or token credentials) and its secret.
    pub fn token(mut self, token: impl Into<String>, secret: impl Into<String>) -> Self {
        self.token = Some(token.into());
        self.token_secret = secret.into();
        self
    }

    /// The signature method.
    ///
    /// ```
    /// use oauth1::sign::{Signer, SigningMethod};
    /// use oauth1::signature::Algorithm;
    ///
    /// let req = Signer::new("printer", "kd94hf93k423kf44")
    ///     .method(SigningMethod::Hmac(Algorithm::Sha256))
    ///     .sign(http::Request::get("http://photos.example/me").body(Vec::new())?)?;
    /// assert!(req.headers()["authorization"].to_str()?.contains("oauth_signature_method=\"HMAC-SHA256\""));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn method(mut self, method: SigningMethod) -> Self {
        self.method = method;
        self
    }

    /// Where the protocol parameters go.
    ///
    /// ```
    /// use oauth1::Transport;
    /// use oauth1::sign::Signer;
    ///
    /// // In the query...
    /// let req = Signer::new("printer", "kd94hf93k423kf44")
    ///     .transport(Transport::Query)
    ///     .sign(http::Request::get("http://photos.example/photos?size=original").body(Vec::new())?)?;
    /// assert!(req.uri().query().unwrap_or("").starts_with("size=original&oauth_consumer_key=printer&"));
    /// assert!(!req.headers().contains_key("authorization"));
    ///
    /// // ...or in a form body (not for other bodies).
    /// let form = http::Request::post("http://photos.example/albums")
    ///     .header("content-type", "application/x-www-form-urlencoded")
    ///     .body(b"name=Holidays".to_vec())?;
    /// let req = Signer::new("printer", "kd94hf93k423kf44").transport(Transport::Body).sign(form)?;
    /// assert!(req.body().starts_with(b"name=Holidays&oauth_consumer_key=printer&"));
    /// let json = http::Request::post("http://photos.example/albums")
    ///     .header("content-type", "application/json")
    ///     .body(b"{}".to_vec())?;
    /// assert!(Signer::new("printer", "kd94hf93k423kf44").transport(Transport::Body).sign(json).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn transport(mut self, transport: Transport) -> Self {
        self.transport = transport;
        self
    }

    /// A `realm` for the `Authorization` header.
    pub fn realm(mut self, realm: impl Into<String>) -> Self {
        self.realm = Some(realm.into());
        self
    }

    /// A fixed nonce (tests); by default each request gets a random one.
    pub fn nonce(mut self, nonce: impl Into<String>) -> Self {
        self.nonce = Some(nonce.into());
        self
    }

    /// A fixed timestamp (tests); by default the current time. Any text is sent as is.
    ///
    /// ```
    /// # use oauth1::{ParseOptions, SignedRequest, signature::{InteropFallback, SignatureMethods, VerifyingKeys}};
    /// use oauth1::sign::Signer;
    ///
    /// // OAuth Core 1.0 Appendix A: fixed nonce and timestamp give the published signature.
    /// let req = Signer::new("dpf43f3p2l4k3l03", "kd94hf93k423kf44")
    ///     .token("nnch734d00sl2jdk", "pfkkdhi9sl3r4s00")
    ///     .nonce("kllo9940pd9333jh")
    ///     .timestamp(1191242096)
    ///     .sign(http::Request::get("http://photos.example.net/photos?file=vacation.jpg&size=original").body(Vec::new())?)?;
    /// let parsed = SignedRequest::parse(&req, &ParseOptions::default())?;
    /// assert_eq!(parsed.signature(), Some("tR3+Ty81lMeYAr/Fid0kMTYa/WM="));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn timestamp(mut self, timestamp: impl ToString) -> Self {
        self.timestamp = Some(timestamp.to_string());
        self
    }

    /// Sends neither `oauth_timestamp` nor `oauth_nonce` (PLAINTEXT may, RFC 5849 §3.1).
    pub fn without_timestamp_and_nonce(mut self) -> Self {
        self.omit_timestamp_and_nonce = true;
        self
    }

    /// Whether to send `oauth_version=1.0` (default: yes).
    pub fn version(mut self, send: bool) -> Self {
        self.version = send;
        self
    }

    /// `oauth_callback` (temporary credential requests).
    pub fn callback(self, callback: impl Into<String>) -> Self {
        self.param("oauth_callback", callback)
    }

    /// `oauth_verifier` (token requests).
    pub fn verifier(self, verifier: impl Into<String>) -> Self {
        self.param("oauth_verifier", verifier)
    }

    /// Adds `oauth_body_hash` (base64 SHA-1 of the body) to requests whose body is not a form.
    ///
    /// ```
    /// # use oauth1::{ParseOptions, SignedRequest, signature::{InteropFallback, SignatureMethods, VerifyingKeys}};
    /// use oauth1::sign::Signer;
    ///
    /// let req = http::Request::post("https://lms.example/outcomes")
    ///     .header("content-type", "application/json")
    ///     .body(br#"{"a":1,"b":"x y"}"#.to_vec())?;
    /// let signed = Signer::new("printer", "kd94hf93k423kf44").body_hash(true).sign(req)?;
    /// let parsed = SignedRequest::parse(&signed, &ParseOptions::default())?;
    /// assert_eq!(parsed.body_hash(), Some("fu5v1RrBNsjb/ZFHtUhluQNDWIM="));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn body_hash(mut self, on: bool) -> Self {
        self.body_hash = on;
        self
    }

    /// Any other protocol parameter, sent and signed as given.
    pub fn param(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.extra.push((name.into(), value.into()));
        self
    }

    fn protocol_params(&self, body_sha1: Option<String>) -> Vec<(Cow<'_, str>, Cow<'_, str>)> {
        let mut p: Vec<(Cow<'_, str>, Cow<'_, str>)> = Vec::with_capacity(10);
        p.push(("oauth_consumer_key".into(), self.consumer_key.as_str().into()));
        if let Some(t) = &self.token {
            p.push(("oauth_token".into(), t.as_str().into()));
        }
        p.push(("oauth_signature_method".into(), self.method.name().into()));
        if !self.omit_timestamp_and_nonce {
            let ts = match &self.timestamp {
                Some(t) => Cow::Borrowed(t.as_str()),
                None => Cow::Owned(
                    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or_default().to_string(),
                ),
            };
            p.push(("oauth_timestamp".into(), ts));
            let nonce = match &self.nonce {
                Some(n) => Cow::Borrowed(n.as_str()),
                None => Cow::Owned(random_nonce()),
            };
            p.push(("oauth_nonce".into(), nonce));
        }
        if self.version {
            p.push(("oauth_version".into(), "1.0".into()));
        }
        for (n, v) in &self.extra {
            p.push((n.as_str().into(), v.as_str().into()));
        }
        if let Some(h) = body_sha1 {
            p.push(("oauth_body_hash".into(), h.into()));
        }
        p
    }

    /// Signs `req`: adds the protocol parameters and `oauth_signature` to its header, query or
    /// form body. The URI must be absolute or the request must carry a `Host` header (then the
    /// scheme is `http`).
    ///
    /// ```
    /// # use oauth1::{ParseOptions, SignedRequest, signature::{InteropFallback, SignatureMethods, VerifyingKeys}};
    /// use oauth1::sign::Signer;
    ///
    /// let signer = Signer::new("printer", "kd94hf93k423kf44");
    /// // A path-only URI takes its host from `Host`.
    /// let req = signer.sign(http::Request::get("/photos").header("host", "photos.example").body(Vec::new())?)?;
    /// let keys = VerifyingKeys { consumer_secret: "kd94hf93k423kf44", token_secret: "", rsa_public_keys: &[] };
    /// SignedRequest::parse(&req, &ParseOptions::default())?.verify(&SignatureMethods::default(), &keys, InteropFallback::Off)?;
    /// // Neither an absolute URI nor a `Host`: there is no base string URI to sign.
    /// assert!(signer.sign(http::Request::get("/photos").body(Vec::new())?).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn sign<B: Into<Vec<u8>>>(&self, req: http::Request<B>) -> Result<http::Request<Vec<u8>>, Error> {
        let (mut parts, body) = req.into_parts();
        let mut body: Vec<u8> = body.into();
        let scheme = parts.uri.scheme_str().unwrap_or("http").to_ascii_lowercase();
        let raw_authority = match parts.uri.authority() {
            Some(a) => a.as_str().to_owned(),
            None => parts
                .headers
                .get(HOST)
                .and_then(|h| h.to_str().ok())
                .ok_or_else(|| Error::malformed("the request needs an absolute URI or a Host header"))?
                .to_owned(),
        };
        let authority = normalize_authority(&scheme, &raw_authority)?;
        let path = match parts.uri.path() {
            "" => "/",
            p => p,
        };
        let base_uri = format!("{scheme}://{authority}{path}");
        let method = parts.method.as_str().to_ascii_uppercase();

        let is_form = crate::request::is_form(&parts.headers);
        if self.transport == Transport::Body && !is_form {
            if !body.is_empty() || parts.headers.contains_key(CONTENT_TYPE) {
                return Err(Error::malformed("the body transport needs an application/x-www-form-urlencoded body"));
            }
            parts.headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/x-www-form-urlencoded"));
        }
        // The body transport makes the body a form (even an empty one): no body hash then
        // (the body hash extension is not used with form bodies; found by the `verify` fuzzer).
        let is_form = is_form || self.transport == Transport::Body;
        let body_sha1 = (self.body_hash && !is_form).then(|| STANDARD.encode(Sha1::digest(&body)));

        let protocol = self.protocol_params(body_sha1);
        let query = parts.uri.query().unwrap_or("").to_owned();
        let mut params: Vec<Param<'_>> = Vec::new();
        for pair in parse_form(&query) {
            let (name, value) = pair?;
            params.push(Param::marked(name, value, Transport::Query));
        }
        if is_form {
            for pair in parse_form(form_text(&body)?) {
                let (name, value) = pair?;
                params.push(Param::marked(name, value, Transport::Body));
            }
        }
        for (n, v) in &protocol {
            params.push(Param::new(Cow::Borrowed(n), Cow::Borrowed(v), self.transport));
        }
        sort_params(&mut params);
        let base_string = BaseString::from_params(&method, &base_uri, &params);
        let signature = match &self.method {
            SigningMethod::Hmac(alg) => HmacMethod(*alg).sign(&base_string, &self.consumer_secret, &self.token_secret),
            SigningMethod::Rsa(alg, key) => RsaMethod(*alg)
                .sign(&base_string, key)
                .map_err(|e| Error::malformed(format!("RSA signing failed: {e}")))?,
            SigningMethod::Plaintext => signing_key(&self.consumer_secret, &self.token_secret),
        };

        let mut all: Vec<(&str, &str)> = protocol.iter().map(|(n, v)| (n.as_ref(), v.as_ref())).collect();
        all.push(("oauth_signature", &signature));
        match self.transport {
            Transport::Header => {
                let mut h = String::from("OAuth ");
                if let Some(realm) = &self.realm {
                    h.push_str("realm=\"");
                    for c in realm.chars() {
                        if c == '"' || c == '\\' {
                            h.push('\\');
                        }
                        h.push(c);
                    }
                    h.push_str("\", ");
                }
                let fields: Vec<String> = all.iter().map(|(n, v)| format!("{}=\"{}\"", encode(n), encode(v))).collect();
                h.push_str(&fields.join(", "));
                let value =
                    HeaderValue::from_str(&h).map_err(|_| Error::malformed("realm is not a valid header value"))?;
                parts.headers.insert(AUTHORIZATION, value);
            }
            Transport::Query => {
                let mut q = query;
                append_pairs(&mut q, &all);
                let pq: PathAndQuery = format!("{}?{q}", parts.uri.path())
                    .parse()
                    .map_err(|_| Error::malformed("cannot rebuild the URI"))?;
                let mut uri_parts = parts.uri.clone().into_parts();
                uri_parts.path_and_query = Some(pq);
                parts.uri = Uri::from_parts(uri_parts).map_err(|_| Error::malformed("cannot rebuild the URI"))?;
            }
            Transport::Body => {
                let mut b = String::from_utf8(std::mem::take(&mut body))
                    .map_err(|_| Error::malformed("form body is not UTF-8"))?;
                append_pairs(&mut b, &all);
                body = b.into_bytes();
            }
        }
        if parts.headers.contains_key(http::header::CONTENT_LENGTH) {
            parts.headers.insert(http::header::CONTENT_LENGTH, HeaderValue::from(body.len()));
        }
        Ok(http::Request::from_parts(parts, body))
    }
}

fn append_pairs(out: &mut String, pairs: &[(&str, &str)]) {
    if !out.is_empty() {
        out.push('&');
    }
    out.push_str(&form_encode(pairs.iter().copied()));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::{ParseOptions, SignedRequest};
    use crate::signature::{InteropFallback, SignatureMatch, SignatureMethods, VerifyingKeys};

    fn verify(req: &http::Request<Vec<u8>>, cs: &str, ts: &str) -> Result<SignatureMatch, Error> {
        let parsed = SignedRequest::parse(req, &ParseOptions::default())?;
        let mut methods = SignatureMethods::default();
        methods.allow("PLAINTEXT");
        methods.allow("HMAC-SHA512");
        let keys = VerifyingKeys { consumer_secret: cs, token_secret: ts, rsa_public_keys: &[] };
        parsed.verify(&methods, &keys, InteropFallback::Off)
    }

    /// The body transport without a body: the body becomes a form, so no `oauth_body_hash`
    /// (a server refuses one on a form body). Found by the `verify` fuzzer.
    #[test]
    fn body_transport_never_adds_a_body_hash() {
        let req = http::Request::post("http://example.com/r").body(Vec::new()).unwrap();
        let signed = Signer::new("k", "s").transport(Transport::Body).body_hash(true).sign(req).unwrap();
        let body = String::from_utf8(signed.body().clone()).unwrap();
        assert!(!body.contains("oauth_body_hash"), "{body}");
        assert_eq!(signed.headers()[CONTENT_TYPE], "application/x-www-form-urlencoded");
        // A non-form body in the header transport still gets one.
        let req = http::Request::post("http://example.com/r").body(b"{}".to_vec()).unwrap();
        let signed = Signer::new("k", "s").body_hash(true).sign(req).unwrap();
        assert!(signed.headers()["authorization"].to_str().unwrap().contains("oauth_body_hash"));
    }

    #[test]
    fn each_transport_round_trips() {
        for transport in [Transport::Header, Transport::Query, Transport::Body] {
            for method in
                [SigningMethod::Hmac(Algorithm::Sha1), SigningMethod::Hmac(Algorithm::Sha512), SigningMethod::Plaintext]
            {
                let req = http::Request::post("http://example.com/r?a=1&a=2")
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(b"b=x+y".to_vec())
                    .unwrap();
                let signed = Signer::new("ck", "c s&")
                    .token("tk", "t%s")
                    .method(method.clone())
                    .transport(transport)
                    .sign(req)
                    .unwrap();
                assert_eq!(verify(&signed, "c s&", "t%s").unwrap(), SignatureMatch::Rfc, "{transport:?} {method:?}");
                assert!(verify(&signed, "c s&", "other").is_err());
            }
        }
    }

    #[test]
    fn body_transport_refuses_non_form_bodies() {
        let req =
            http::Request::post("http://h/").header("content-type", "application/json").body(b"{}".to_vec()).unwrap();
        assert!(Signer::new("a", "b").transport(Transport::Body).sign(req).is_err());
    }

    #[test]
    fn body_hash_for_non_form_bodies() {
        let req = http::Request::post("https://example.com/outcomes")
            .header("content-type", "application/json")
            .body(br#"{"a":1,"b":"x y"}"#.to_vec())
            .unwrap();
        let signed = Signer::new("a", "b").body_hash(true).sign(req).unwrap();
        let parsed = SignedRequest::parse(&signed, &ParseOptions::default()).unwrap();
        assert_eq!(parsed.body_hash(), Some("fu5v1RrBNsjb/ZFHtUhluQNDWIM="));
    }
}
