//! Property tests: sign-then-verify holds for arbitrary requests in every transport, and
//! changing any one signed element makes verification fail.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, missing_docs)]

use oauth1::encoding::encode;
use oauth1::sign::{Signer, SigningMethod};
use oauth1::signature::{Algorithm, InteropFallback, RsaPrivateKey, RsaPublicKey, SignatureMethods, VerifyingKeys};
use oauth1::{Origin, ParseOptions, SignedRequest, Transport};
use proptest::prelude::*;

const CONSUMER_SECRET: &str = "c s&%~";
const TOKEN_SECRET: &str = "t+s/é";

fn rsa_private() -> RsaPrivateKey {
    let v: serde_json::Value = serde_json::from_str(include_str!("data/vectors.json")).expect("vectors.json is JSON");
    let pem = v
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == "wiki-9.3-rsa-sha1")
        .and_then(|v| v["rsa_private_key_pem"].as_str())
        .unwrap()
        .to_owned();
    RsaPrivateKey::from_pem(&pem).unwrap()
}

/// Names: a small pool (so they repeat) or arbitrary text, never `oauth_*`.
fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec!["a", "b", "A", "a b", "+", "%", "&=", "ключ", "realm", ""]).prop_map(str::to_owned),
        "\\PC{0,8}".prop_filter("not a protocol parameter", |n| !n.starts_with("oauth_")),
    ]
}

/// Values: reserved characters, space, empty, non-ASCII.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec!["", " ", "+", "%", "%20", "&", "=", "~", "*", "!", "'", "(", ")", "x y", "日本"])
            .prop_map(str::to_owned),
        "\\PC{0,12}",
    ]
}

#[derive(Debug, Clone)]
struct Case {
    method: &'static str,
    scheme: &'static str,
    host: &'static str,
    port: Option<u16>,
    path: Vec<String>,
    query: Vec<(String, String)>,
    body: Option<Vec<(String, String)>>,
    transport: Transport,
}

fn case() -> impl Strategy<Value = Case> {
    (
        prop::sample::select(vec!["GET", "POST", "PUT", "DELETE", "PATCH", "M-SEARCH"]),
        prop::sample::select(vec!["http", "https"]),
        prop::sample::select(vec!["example.com", "photos.example.net", "127.0.0.1", "[::1]"]),
        prop::option::of(prop::sample::select(vec![80u16, 443, 8080, 1])),
        prop::collection::vec("\\PC{0,6}", 0..3),
        prop::collection::vec((name(), value()), 0..5),
        prop::option::of(prop::collection::vec((name(), value()), 0..5)),
        prop::sample::select(vec![Transport::Header, Transport::Query, Transport::Body]),
    )
        .prop_map(|(method, scheme, host, port, path, query, body, transport)| {
            // The body transport needs a form body to append to.
            let body = if transport == Transport::Body { Some(body.unwrap_or_default()) } else { body };
            Case { method, scheme, host, port, path, query, body, transport }
        })
}

fn form(pairs: &[(String, String)]) -> String {
    pairs.iter().map(|(n, v)| format!("{}={}", encode(n), encode(v))).collect::<Vec<_>>().join("&")
}

fn authority(host: &str, port: Option<u16>) -> String {
    match port {
        Some(p) => format!("{host}:{p}"),
        None => host.to_owned(),
    }
}

fn build(c: &Case) -> http::Request<Vec<u8>> {
    let path: String = c.path.iter().map(|seg| format!("/{}", encode(seg))).collect();
    let mut uri = format!("{}://{}{}", c.scheme, authority(c.host, c.port), if path.is_empty() { "/" } else { &path });
    if !c.query.is_empty() {
        uri.push('?');
        uri.push_str(&form(&c.query));
    }
    let mut b = http::Request::builder().method(c.method).uri(uri);
    let body = match &c.body {
        Some(pairs) => {
            b = b.header("content-type", "application/x-www-form-urlencoded");
            form(pairs)
        }
        None => String::new(),
    };
    b.body(body.into_bytes()).unwrap()
}

fn verify(req: &http::Request<Vec<u8>>, scheme: &str, rsa: &[RsaPublicKey]) -> Result<(), oauth1::Error> {
    let mut methods = SignatureMethods::default();
    methods.allow("PLAINTEXT");
    methods.allow("HMAC-SHA512");
    methods.allow("RSA-SHA512");
    let parsed = SignedRequest::parse(req, &ParseOptions::with_origin(Origin::host(scheme).unwrap()))?;
    let keys = VerifyingKeys { consumer_secret: CONSUMER_SECRET, token_secret: TOKEN_SECRET, rsa_public_keys: rsa };
    parsed.verify(&methods, &keys, InteropFallback::Off).map(|_| ())
}

fn signer(method: SigningMethod, transport: Transport) -> Signer {
    Signer::new("dpf43f3p2l4k3l03", CONSUMER_SECRET)
        .token("nnch734d00sl2jdk", TOKEN_SECRET)
        .method(method)
        .transport(transport)
        .realm("Photos")
}

fn with_uri(req: &http::Request<Vec<u8>>, uri: String) -> http::Request<Vec<u8>> {
    let mut out = req.clone();
    *out.uri_mut() = uri.parse().unwrap();
    out
}

/// Every way to change one signed element of a request.
fn tampered(req: &http::Request<Vec<u8>>, c: &Case) -> Vec<(&'static str, http::Request<Vec<u8>>, &'static str)> {
    let uri = req.uri();
    let pq = uri.path_and_query().unwrap().as_str().to_owned();
    let mut out = Vec::new();
    let mut m = req.clone();
    *m.method_mut() = if c.method == "GET" { http::Method::POST } else { http::Method::GET };
    out.push(("method", m, c.scheme));
    out.push(("scheme", req.clone(), if c.scheme == "http" { "https" } else { "http" }));
    out.push(("host", with_uri(req, format!("{}://{}{pq}", c.scheme, authority("evil.example", c.port))), c.scheme));
    let other_port = if c.port == Some(8081) { 8082 } else { 8081 };
    out.push(("port", with_uri(req, format!("{}://{}{pq}", c.scheme, authority(c.host, Some(other_port)))), c.scheme));
    let (path, query) = pq.split_once('?').map_or((pq.as_str(), None), |(p, q)| (p, Some(q)));
    let q = query.map(|q| format!("?{q}")).unwrap_or_default();
    out.push(("path", with_uri(req, format!("{}://{}{path}x{q}", c.scheme, authority(c.host, c.port))), c.scheme));
    let added = match query {
        Some(q) => format!("{path}?{q}&zz=1"),
        None => format!("{path}?zz=1"),
    };
    out.push((
        "added parameter",
        with_uri(req, format!("{}://{}{added}", c.scheme, authority(c.host, c.port))),
        c.scheme,
    ));
    if let Some(q) = query.filter(|q| !q.is_empty()) {
        // Change the first query value by one character.
        let mut segs: Vec<String> = q.split('&').map(str::to_owned).collect();
        if let Some(first) = segs.iter_mut().find(|s| !s.starts_with("oauth_signature=")) {
            first.push('x');
        }
        out.push((
            "query value",
            with_uri(req, format!("{}://{}{path}?{}", c.scheme, authority(c.host, c.port), segs.join("&"))),
            c.scheme,
        ));
    }
    if c.body.is_some() {
        let mut b = req.clone();
        b.body_mut().extend_from_slice(b"&zz=1");
        out.push(("body", b, c.scheme));
    }
    // The nonce, wherever it travels.
    let mut n = req.clone();
    match c.transport {
        Transport::Header => {
            let h = n
                .headers()
                .get("authorization")
                .unwrap()
                .to_str()
                .unwrap()
                .replace("oauth_nonce=\"", "oauth_nonce=\"x");
            n.headers_mut().insert("authorization", h.parse().unwrap());
        }
        Transport::Query => {
            let u = n.uri().to_string().replace("oauth_nonce=", "oauth_nonce=x");
            *n.uri_mut() = u.parse().unwrap();
        }
        Transport::Body => {
            let b = String::from_utf8(n.body().clone()).unwrap().replace("oauth_nonce=", "oauth_nonce=x");
            *n.body_mut() = b.into_bytes();
        }
    }
    out.push(("nonce", n, c.scheme));
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn hmac_sign_then_verify_and_tamper(c in case(), alg in prop::sample::select(vec![Algorithm::Sha1, Algorithm::Sha256, Algorithm::Sha512])) {
        let signed = signer(SigningMethod::Hmac(alg), c.transport).sign(build(&c)).unwrap();
        prop_assert!(verify(&signed, c.scheme, &[]).is_ok(), "signed request must verify: {:?}", verify(&signed, c.scheme, &[]));
        let tampers = tampered(&signed, &c);
        prop_assert!(tampers.len() >= 7);
        for (what, req, scheme) in tampers {
            let err = verify(&req, scheme, &[]).expect_err(what);
            prop_assert_eq!(err.status(), 401, "{}: {}", what, err);
        }
    }

    /// The streamed base string (which copies 16-byte unreserved blocks whole) equals one
    /// built with the `percent-encoding` crate, for long mixed values.
    #[test]
    fn base_string_matches_a_reference_encoding(
        pairs in prop::collection::vec(("[a-z_]{1,20}", "[a-zA-Z0-9._~ %+&=!*/é-]{0,80}"), 0..6),
    ) {
        let query = pairs.iter().map(|(n, v)| format!("{}={}", encode(n), encode(v))).collect::<Vec<_>>().join("&");
        let req = http::Request::get(format!("http://example.com/a-long_path.with~unreserved/bytes?{query}"))
            .body(Vec::new())
            .unwrap();
        let parsed = SignedRequest::parse(&req, &ParseOptions::default()).unwrap();
        let params: Vec<(&str, &str)> = parsed.params().map(|(n, v, _)| (n, v)).collect();
        let expected = format!(
            "GET&{}&{}",
            encode("http://example.com/a-long_path.with~unreserved/bytes"),
            encode(&oauth1::request::normalize(params))
        );
        prop_assert_eq!(parsed.base_string().to_string(), expected);
    }

    #[test]
    fn plaintext_sign_then_verify(c in case()) {
        let signed = signer(SigningMethod::Plaintext, c.transport).sign(build(&c)).unwrap();
        prop_assert!(verify(&signed, c.scheme, &[]).is_ok());
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn rsa_sign_then_verify_and_tamper(c in case(), alg in prop::sample::select(vec![Algorithm::Sha1, Algorithm::Sha256])) {
        let key = rsa_private();
        let public = [key.public_key()];
        let signed = signer(SigningMethod::Rsa(alg, Box::new(key)), c.transport).sign(build(&c)).unwrap();
        prop_assert!(verify(&signed, c.scheme, &public).is_ok());
        for (what, req, scheme) in tampered(&signed, &c) {
            prop_assert!(verify(&req, scheme, &public).is_err(), "{}", what);
        }
    }
}
