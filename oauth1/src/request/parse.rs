//! [`SignedRequest::parse`]: the parameters of every transport, checked for duplicates
//! ([RFC 5849 §3.1](https://www.rfc-editor.org/rfc/rfc5849#section-3.1)), sorted, and the
//! protocol parameters found.

use std::borrow::Cow;

use http::{HeaderMap, Method, Uri};

use super::{Param, ParseOptions, SignedRequest, Slots, Transport, is_form, sort_params};
use crate::encoding::{form_text, parse_form};
use crate::error::{Error, ErrorKind};
use crate::header;

impl<'a> SignedRequest<'a> {
    /// Reads `req` (see the [module docs](crate::request)).
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
                if name.0 == "realm" {
                    c.realms += 1;
                    c.realm = Some(value.0);
                } else {
                    c.push(Param::marked(name, value, Transport::Header));
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
            return Err(Error::duplicated("realm"));
        }
        if let Some(q) = uri.query() {
            for pair in parse_form(q) {
                let (name, value) = pair?;
                c.push(Param::marked(name, value, Transport::Query));
            }
        }
        if !body.is_empty() && is_form(headers) {
            for pair in parse_form(form_text(body)?) {
                let (name, value) = pair?;
                c.push(Param::marked(name, value, Transport::Body));
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
            return Err(Error::duplicated("oauth_signature"));
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
                return Err(Error::duplicated(&p.name));
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
    #[expect(clippy::indexing_slicing, reason = "0, 1 or 2 into three entries")]
    fn push(&mut self, p: Param<'a>) {
        if p.is_protocol() {
            let i = match p.source {
                Transport::Query => 0,
                Transport::Body => 1,
                Transport::Header => 2,
            };
            self.seen[i] = true;
            if p.name == "oauth_signature" {
                // Not in the base string: it is only ever decoded, base64 or PLAINTEXT.
                self.signatures += 1;
                self.signature = Some(p.value);
                return;
            }
        }
        self.params.push(p);
    }
}
