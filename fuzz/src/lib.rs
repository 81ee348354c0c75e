//! Shared pieces of the fuzz targets: independent reference implementations (percent-decoding,
//! form splitting, normalization, base strings) written from RFC 5849 rather than from the
//! library's code, a request builder driven by fuzz input, a minimal executor, and the provider
//! fixture of `tests/src/lib.rs` (memory store, manual clock).
//!
//! Only the public API of `oauth1` is used.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::future::Future;
use std::sync::{Arc, OnceLock};
use std::task::{Context, Poll, Waker};

use arbitrary::Arbitrary;
use oauth1::clock::ManualClock;
use oauth1::encoding::encode;
use oauth1::signature::{RsaPrivateKey, RsaPublicKey, Secret};
use oauth1::store::{Client, Stores, TokenCredentialStore, TokenCredentials};
use oauth1::{AuthorizationServer, Config, Origin, ResourceProtector};
use oauth1_memory::MemoryStore;

/// "Now" for the provider fixture (the same instant as `tests/src/lib.rs`).
pub const NOW: u64 = 1_795_798_111;

/// The first client and its token credentials (as in `tests/src/lib.rs`).
pub const CLIENT: &str = "client";
pub const SECRET: &str = "secret";
pub const TOKEN: &str = "valid-token";
pub const TOKEN_SECRET: &str = "valid-token-secret";
/// A second client whose secrets need percent-encoding in the signing key.
pub const CLIENT2: &str = "client2";
pub const SECRET2: &str = "s3cr&t %é+";
pub const TOKEN2: &str = "tok2";
pub const TOKEN2_SECRET: &str = "t%k&2 ~s/";

/// The oauth.net wiki's 1024-bit RSA test key (vector `wiki-9.3-rsa-sha1`).
const RSA_PRIVATE_PEM: &str = "-----BEGIN PRIVATE KEY-----
MIICdgIBADANBgkqhkiG9w0BAQEFAASCAmAwggJcAgEAAoGBALRiMLAh9iimur8V
A7qVvdqxevEuUkW4K+2KdMXmnQbG9Aa7k7eBjK1S+0LYmVjPKlJGNXHDGuy5Fw/d
7rjVJ0BLB+ubPK8iA/Tw3hLQgXMRRGRXXCn8ikfuQfjUS1uZSatdLB81mydBETlJ
hI6GH4twrbDJCR2Bwy/XWXgqgGRzAgMBAAECgYBYWVtleUzavkbrPjy0T5FMou8H
X9u2AC2ry8vD/l7cqedtwMPp9k7TubgNFo+NGvKsl2ynyprOZR1xjQ7WgrgVB+mm
uScOM/5HVceFuGRDhYTCObE+y1kxRloNYXnx3ei1zbeYLPCHdhxRYW7T0qcynNmw
rn05/KO2RLjgQNalsQJBANeA3Q4Nugqy4QBUCEC09SqylT2K9FrrItqL2QKc9v0Z
zO2uwllCbg0dwpVuYPYXYvikNHHg+aCWF+VXsb9rpPsCQQDWR9TT4ORdzoj+Nccn
qkMsDmzt0EfNaAOwHOmVJ2RVBspPcxt5iN4HI7HNeG6U5YsFBb+/GZbgfBT3kpNG
WPTpAkBI+gFhjfJvRw38n3g/+UeAkwMI2TJQS4n8+hid0uus3/zOjDySH3XHCUno
cn1xOJAyZODBo47E+67R4jV1/gzbAkEAklJaspRPXP877NssM5nAZMU0/O/NGCZ+
3jPgDUno6WbJn5cqm8MqWhW1xGkImgRk+fkDBquiq4gPiT898jusgQJAd5Zrr6Q8
AO/0isr/3aa6O6NLQxISLKcPDk2NOccAfS/xOtfOz4sJYM3+Bs4Io9+dZGSDCA54
Lw03eHTNQghS0A==
-----END PRIVATE KEY-----";

/// The RSA test key pair, parsed once.
pub fn rsa_pair() -> &'static (RsaPrivateKey, RsaPublicKey) {
    static PAIR: OnceLock<(RsaPrivateKey, RsaPublicKey)> = OnceLock::new();
    PAIR.get_or_init(|| {
        let private = RsaPrivateKey::from_pem(RSA_PRIVATE_PEM).expect("the test key parses");
        let public = private.public_key();
        (private, public)
    })
}

/// Runs a future that never waits (the memory store answers at once) to completion.
///
/// # Panics
/// If the future is still pending after many polls: the memory store must never wait.
pub fn block_on<F: Future>(f: F) -> F::Output {
    let mut f = std::pin::pin!(f);
    let mut cx = Context::from_waker(Waker::noop());
    for _ in 0..64 {
        if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
    }
    panic!("a future on the memory store stayed pending");
}

/// A fresh provider (its own store, so nonces never leak from one input to the next): clients
/// `client` (with the RSA key) and `client2`, token credentials `valid-token` (client, user 1)
/// and `tok2` (client2, user 2), every built-in method allowed, the base string URI's scheme
/// `https` or `http`.
pub fn protector(https: bool) -> ResourceProtector {
    let clock = ManualClock::new(NOW);
    let store = Arc::new(MemoryStore::new().with_clock(clock.clone()));
    store.insert_client(Client::new(CLIENT, SECRET).with_rsa_public_key(rsa_pair().1.clone()));
    store.insert_client(Client::new(CLIENT2, SECRET2));
    block_on(store.create_token(TokenCredentials::new(TOKEN, Secret::new(TOKEN_SECRET), CLIENT, "1")))
        .expect("memory store");
    block_on(store.create_token(TokenCredentials::new(TOKEN2, Secret::new(TOKEN2_SECRET), CLIENT2, "2")))
        .expect("memory store");
    let origin = Origin::host(if https { "https" } else { "http" }).expect("valid scheme");
    let config = Config::default()
        .with_clock(clock)
        .with_origin(origin)
        .allow_signature_method("PLAINTEXT")
        .allow_signature_method("HMAC-SHA512")
        .allow_signature_method("RSA-SHA512");
    AuthorizationServer::new(Stores::single(store), config).resource_protector()
}

/// RFC 5849 §3.6 encoding, as a `String`.
pub fn enc(s: &str) -> String {
    encode(s).to_string()
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Reference percent-decoding, one byte at a time: `%XX` (either case) is the byte, a `%`
/// without two hex digits is an error, `+` is a space when `plus_is_space`, and the result
/// must be UTF-8.
pub fn ref_decode(input: &str, plus_is_space: bool) -> Option<String> {
    let mut out = Vec::with_capacity(input.len());
    let mut bytes = input.bytes();
    while let Some(b) = bytes.next() {
        match b {
            b'%' => {
                let hi = hex(bytes.next()?)?;
                let lo = hex(bytes.next()?)?;
                out.push(hi << 4 | lo);
            }
            b'+' if plus_is_space => out.push(b' '),
            b => out.push(b),
        }
    }
    String::from_utf8(out).ok()
}

/// Whether `s` holds a valid `%XX` escape.
pub fn has_escape(s: &str) -> bool {
    s.as_bytes().windows(3).any(|w| w[0] == b'%' && hex(w[1]).is_some() && hex(w[2]).is_some())
}

/// Reference `application/x-www-form-urlencoded` splitting: `&`-separated segments, empty ones
/// skipped, each split at its first `=` (none: an empty value), both sides decoded with `+` as
/// a space. `None` when any segment fails to decode.
pub fn ref_form(input: &str) -> Option<Vec<(String, String)>> {
    input
        .split('&')
        .filter(|s| !s.is_empty())
        .map(|seg| {
            let (n, v) = seg.split_once('=').unwrap_or((seg, ""));
            Some((ref_decode(n, true)?, ref_decode(v, true)?))
        })
        .collect()
}

/// Reference normalization (§3.4.1.3.2): encode every name and value, sort by encoded name
/// then encoded value (byte order), join with `=` and `&`.
pub fn ref_normalize<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut encoded: Vec<(String, String)> = pairs.into_iter().map(|(n, v)| (enc(n), enc(v))).collect();
    encoded.sort();
    encoded.iter().map(|(n, v)| format!("{n}={v}")).collect::<Vec<_>>().join("&")
}

/// Reference base string (§3.4.1.1): method upper-cased, base string URI and normalized
/// parameters, each encoded, joined with `&`.
pub fn ref_base_string<'a>(method: &str, uri: &str, pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    format!("{}&{}&{}", enc(&method.to_ascii_uppercase()), enc(uri), enc(&ref_normalize(pairs)))
}

/// The interop fallback's variant of the parameters: every `oauth_*` value holding a `%XX`
/// escape decoded once more (kept as is when that fails).
pub fn double_decoded(pairs: &[(String, String)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(n, v)| {
            let v = if n.starts_with("oauth_") && has_escape(v) {
                ref_decode(v, false).unwrap_or(v.clone())
            } else {
                v.clone()
            };
            (n.clone(), v)
        })
        .collect()
}

/// The built-in HTTP methods a request is picked from (the last slot takes a custom one).
pub const METHODS: [&str; 9] = ["GET", "POST", "PUT", "DELETE", "HEAD", "PATCH", "OPTIONS", "get", "M-SEARCH"];

/// `Content-Type` values a request is picked from (`None`: no header).
pub const CONTENT_TYPES: [Option<&str>; 7] = [
    None,
    Some("application/x-www-form-urlencoded"),
    Some("Application/X-WWW-Form-URLEncoded; charset=UTF-8"),
    Some("application/json"),
    Some("multipart/form-data; boundary=x"),
    Some(" application/x-www-form-urlencoded ;q"),
    Some("text/plain"),
];

/// An arbitrary HTTP request, shaped enough that most inputs build one.
///
/// Layout (what `fuzz/seed.py` writes): four choice bytes, then `rest` split at NUL bytes into
/// custom method, host, path-and-query, `Authorization` value and body (the body keeps any
/// further NULs).
#[derive(Arbitrary, Debug, Clone)]
pub struct RawRequest<'a> {
    /// Index into [`METHODS`]; one past it: the custom method.
    pub method: u8,
    /// Bit 0-1: 0 origin-form with `Host`, 1 absolute URI without `Host`, 2 absolute with the
    /// same `Host`, 3 origin-form without `Host`.
    pub target: u8,
    /// Index into [`CONTENT_TYPES`].
    pub content_type: u8,
    /// Bit 0: a second `Authorization: Basic` header; bit 1: the `Authorization` header twice;
    /// bit 2: a `Content-Length`; bit 3: a second, different `Host`.
    pub extra: u8,
    /// Custom method, host, path-and-query, `Authorization`, body; NUL-separated.
    pub rest: &'a [u8],
}

/// The five NUL-separated fields of [`RawRequest::rest`].
pub struct RawFields<'a> {
    pub custom_method: &'a [u8],
    pub host: &'a [u8],
    pub path_and_query: &'a [u8],
    pub authorization: &'a [u8],
    pub body: &'a [u8],
}

impl<'a> RawRequest<'a> {
    pub fn fields(&self) -> RawFields<'a> {
        let mut it = self.rest.splitn(5, |b| *b == 0);
        RawFields {
            custom_method: it.next().unwrap_or_default(),
            host: it.next().unwrap_or_default(),
            path_and_query: it.next().unwrap_or_default(),
            authorization: it.next().unwrap_or_default(),
            body: it.next().unwrap_or_default(),
        }
    }

    /// The request, or `None` when `http` refuses its parts (invalid method, URI or header).
    pub fn build(&self) -> Option<http::Request<Vec<u8>>> {
        let f = self.fields();
        let method = match METHODS.get(usize::from(self.method) % (METHODS.len() + 1)) {
            Some(m) => http::Method::from_bytes(m.as_bytes()).ok()?,
            None => http::Method::from_bytes(f.custom_method).ok()?,
        };
        let host = std::str::from_utf8(f.host).ok()?;
        let pq = std::str::from_utf8(f.path_and_query).ok()?;
        let pq = if pq.starts_with('/') { pq.to_owned() } else { format!("/{pq}") };
        let (uri, host_header) = match self.target & 3 {
            0 => (pq, true),
            1 => (format!("http://{host}{pq}"), false),
            2 => (format!("http://{host}{pq}"), true),
            _ => (pq, false),
        };
        let mut b = http::Request::builder().method(method).uri(uri);
        if host_header {
            b = b.header(http::header::HOST, http::HeaderValue::from_bytes(f.host).ok()?);
        }
        if self.extra & 8 != 0 {
            b = b.header(http::header::HOST, "other.example");
        }
        if let Some(ct) = CONTENT_TYPES[usize::from(self.content_type) % CONTENT_TYPES.len()] {
            b = b.header(http::header::CONTENT_TYPE, ct);
        }
        if !f.authorization.is_empty() {
            let v = http::HeaderValue::from_bytes(f.authorization).ok()?;
            b = b.header(http::header::AUTHORIZATION, v.clone());
            if self.extra & 2 != 0 {
                b = b.header(http::header::AUTHORIZATION, v);
            }
        }
        if self.extra & 1 != 0 {
            b = b.header(http::header::AUTHORIZATION, "Basic Zm9vOmJhcg==");
        }
        if self.extra & 4 != 0 {
            b = b.header(http::header::CONTENT_LENGTH, f.body.len());
        }
        b.body(f.body.to_vec()).ok()
    }
}

/// Whether the headers make the body a form (reference for `Content-Type` matching: the media
/// type before any `;`, trimmed, case-insensitive).
pub fn ref_is_form(headers: &http::HeaderMap) -> bool {
    headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or("").trim().to_ascii_lowercase())
        .is_some_and(|m| m == "application/x-www-form-urlencoded")
}

/// Which transport a parameter came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Source {
    Query,
    Body,
    Header,
}

/// What the reference reading of a request's parameters found.
#[derive(Debug, Default)]
pub struct RefParams {
    /// Every parameter except header `realm` and `oauth_signature`, with its transport.
    pub params: Vec<(String, String, Source)>,
    /// `oauth_signature` values, from any transport.
    pub signatures: Vec<String>,
    /// Header `realm` values.
    pub realms: Vec<String>,
    /// How many `Authorization` headers are OAuth ones.
    pub oauth_headers: usize,
    /// Some part could not be read (bad header, bad encoding, body not UTF-8).
    pub unreadable: bool,
}

impl RefParams {
    /// Reads the parameters of every transport of `req`, independently of `SignedRequest`
    /// (the header through the public `oauth1::header::parse`).
    pub fn read<B: AsRef<[u8]>>(req: &http::Request<B>) -> Self {
        let mut r = RefParams::default();
        for value in req.headers().get_all(http::header::AUTHORIZATION) {
            match oauth1::header::parse(value.as_bytes()) {
                Err(_) => r.unreadable = true,
                Ok(None) => {}
                Ok(Some(params)) => {
                    r.oauth_headers += 1;
                    for (n, v) in params {
                        if n == "realm" {
                            r.realms.push(v.into_owned());
                        } else if n == "oauth_signature" {
                            r.signatures.push(v.into_owned());
                        } else {
                            r.params.push((n.into_owned(), v.into_owned(), Source::Header));
                        }
                    }
                }
            }
        }
        let add = |text: &str, source: Source, r: &mut RefParams| match ref_form(text) {
            None => r.unreadable = true,
            Some(pairs) => {
                for (n, v) in pairs {
                    if n == "oauth_signature" {
                        r.signatures.push(v);
                    } else {
                        r.params.push((n, v, source));
                    }
                }
            }
        };
        if let Some(q) = req.uri().query() {
            add(q, Source::Query, &mut r);
        }
        let body = req.body().as_ref();
        if !body.is_empty() && ref_is_form(req.headers()) {
            match std::str::from_utf8(body) {
                Ok(text) => add(text, Source::Body, &mut r),
                Err(_) => r.unreadable = true,
            }
        }
        r
    }

    /// The transports that carried `oauth_*` parameters (`oauth_signature` included).
    pub fn protocol_sources(&self, req_signature_sources: &[Source]) -> Vec<Source> {
        let mut s: Vec<Source> =
            self.params.iter().filter(|(n, _, _)| n.starts_with("oauth_")).map(|(_, _, s)| *s).collect();
        s.extend_from_slice(req_signature_sources);
        s.sort();
        s.dedup();
        s
    }

    /// Whether some `oauth_*` name (other than `oauth_signature`) occurs twice.
    pub fn duplicated_protocol_name(&self) -> bool {
        let mut names: Vec<&str> =
            self.params.iter().filter(|(n, _, _)| n.starts_with("oauth_")).map(|(n, _, _)| n.as_str()).collect();
        names.sort_unstable();
        names.windows(2).any(|w| w[0] == w[1])
    }
}

/// Where each `oauth_signature` of a request came from (for the one-transport rule).
pub fn signature_sources<B: AsRef<[u8]>>(req: &http::Request<B>) -> Vec<Source> {
    let mut out = Vec::new();
    for value in req.headers().get_all(http::header::AUTHORIZATION) {
        if let Ok(Some(params)) = oauth1::header::parse(value.as_bytes())
            && params.iter().any(|(n, _)| n == "oauth_signature")
        {
            out.push(Source::Header);
        }
    }
    if let Some(pairs) = req.uri().query().and_then(ref_form)
        && pairs.iter().any(|(n, _)| n == "oauth_signature")
    {
        out.push(Source::Query);
    }
    let body = req.body().as_ref();
    if !body.is_empty()
        && ref_is_form(req.headers())
        && let Some(pairs) = std::str::from_utf8(body).ok().and_then(ref_form)
        && pairs.iter().any(|(n, _)| n == "oauth_signature")
    {
        out.push(Source::Body);
    }
    out
}
