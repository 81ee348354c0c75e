//! What Authlib's server gets wrong when it reads and verifies requests, each mistake a
//! provider could repeat, and each shown not to happen here.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, missing_docs)]

use oauth1::sign::{Signer, SigningMethod};
use oauth1::signature::{HMAC_SHA1, InteropFallback, RsaPublicKey, SignatureMatch, SignatureMethods, VerifyingKeys};
use oauth1::{ErrorKind, ParseOptions, SignedRequest, Transport};

const CS: &str = "kd94hf93k423kf44";
const TS: &str = "pfkkdhi9sl3r4s00";

fn signer() -> Signer {
    Signer::new("dpf43f3p2l4k3l03", CS).token("nnch734d00sl2jdk", TS)
}

fn get(uri: &str) -> http::Request<Vec<u8>> {
    http::Request::get(uri).body(Vec::new()).unwrap()
}

fn verify_strict(req: &http::Request<Vec<u8>>) -> Result<SignatureMatch, oauth1::Error> {
    let parsed = SignedRequest::parse(req, &ParseOptions::default())?;
    let keys = VerifyingKeys { consumer_secret: CS, token_secret: TS, rsa_public_keys: &[] };
    let mut methods = SignatureMethods::default();
    methods.allow("PLAINTEXT");
    parsed.verify(&methods, &keys, InteropFallback::Off)
}

/// `oauth_*` values are decoded once, so RFC clients whose values hold `%` verify (Authlib
/// decodes them twice in the base string, and such clients fail).
#[test]
fn protocol_values_are_decoded_exactly_once() {
    for transport in [Transport::Header, Transport::Query, Transport::Body] {
        let mut req = http::Request::post("http://photos.example.net/initiate");
        if transport == Transport::Body {
            req = req.header("content-type", "application/x-www-form-urlencoded");
        }
        let signed = signer()
            .transport(transport)
            .callback("https://c.test/cb?next=%2Fhome")
            .nonce("abc%41def")
            .sign(req.body(Vec::new()).unwrap())
            .unwrap();
        let parsed = SignedRequest::parse(&signed, &ParseOptions::default()).unwrap();
        assert_eq!(parsed.callback(), Some("https://c.test/cb?next=%2Fhome"));
        assert_eq!(parsed.nonce(), Some("abc%41def"));
        assert_eq!(verify_strict(&signed).unwrap(), SignatureMatch::Rfc, "{transport:?}");
    }
}

/// `realm` is only left out of the base string when it is the header's; elsewhere it is
/// an ordinary signed parameter (Authlib leaves it out of the query and the body too).
#[test]
fn realm_outside_the_header_is_signed() {
    let signed = signer().realm("Photos").sign(get("http://example.com/r?realm=q")).unwrap();
    assert_eq!(verify_strict(&signed).unwrap(), SignatureMatch::Rfc);
    let parsed = SignedRequest::parse(&signed, &ParseOptions::default()).unwrap();
    assert_eq!(parsed.realm(), Some("Photos"));
    assert!(parsed.base_string().to_string().contains("realm%3Dq"));
    assert!(!parsed.base_string().to_string().contains("Photos"));
}

/// Repeated body parameters are all signed; repeated protocol parameters are refused (Authlib
/// keeps one value of a repeated body parameter, and accepts a repeated `oauth_*` one).
#[test]
fn repeated_body_parameters_are_all_signed() {
    let req = http::Request::post("http://example.com/r")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(b"a=1&a=2&a=1".to_vec())
        .unwrap();
    let signed = signer().sign(req).unwrap();
    assert!(verify_strict(&signed).is_ok());
    // Dropping one of the repeats breaks the signature.
    let mut dropped = signed.clone();
    *dropped.body_mut() = b"a=1&a=2".to_vec();
    assert_eq!(verify_strict(&dropped).unwrap_err().kind(), ErrorKind::InvalidSignature);
    // A protocol parameter twice in the body is a 400, not "first/last one wins".
    let twice = http::Request::post("http://example.com/r")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(b"oauth_nonce=a&oauth_nonce=b".to_vec())
        .unwrap();
    let err = SignedRequest::parse(&twice, &ParseOptions::default()).unwrap_err();
    assert_eq!((err.kind(), err.status().as_u16()), (ErrorKind::DuplicatedParameter, 400));
}

/// The path is the request target's own bytes, and any valid query parses (Authlib signs the
/// path with its escapes decoded, and answers 500 to UTF-8 or sub-delimiters in the query).
#[test]
fn path_is_taken_as_sent_and_any_valid_query_parses() {
    for uri in [
        "http://example.com/a%40b/caf%C3%A9/%7euser?cjk=%E5%95%A6%E5%95%A6",
        "http://provider.test?cjk=%E5%95%A6%E5%95%A6",
        "http://example.com/r?q='$&filter%5Ba%5D=1&s=a+b",
    ] {
        let signed = signer().sign(get(uri)).unwrap();
        assert_eq!(verify_strict(&signed).unwrap(), SignatureMatch::Rfc, "{uri}");
    }
    let raw = get("http://example.com/a%40b/caf%C3%A9");
    let parsed = SignedRequest::parse(&raw, &ParseOptions::default()).unwrap();
    assert_eq!(parsed.base_string_uri(), "http://example.com/a%40b/caf%C3%A9");
    // Authlib's client vector (https): the CJK query verifies.
    let req = http::Request::post("https://provider.test?cjk=%E5%95%A6%E5%95%A6")
        .header(
            "authorization",
            "OAuth oauth_nonce=\"abc\", oauth_timestamp=\"123\", oauth_version=\"1.0\", \
             oauth_signature_method=\"HMAC-SHA1\", oauth_consumer_key=\"foo\", \
             oauth_signature=\"USkqQvV76SCKBewYI9cut6FfYcI%3D\"",
        )
        .body(Vec::new())
        .unwrap();
    let https = ParseOptions::with_origin(oauth1::Origin::host("https").unwrap());
    let parsed = SignedRequest::parse(&req, &https).unwrap();
    // The vector's consumer secret is empty: our base string gives its signature, but a
    // verifier never accepts an empty HMAC key (anybody could sign with it).
    assert_eq!(HMAC_SHA1.sign(&parsed.base_string(), "", ""), parsed.signature().unwrap());
    let keys = VerifyingKeys { consumer_secret: "", token_secret: "", rsa_public_keys: &[] };
    assert!(parsed.verify(&SignatureMethods::default(), &keys, InteropFallback::Off).is_err());
}

/// The default port is dropped for IPv6 literals too (Authlib keeps it).
#[test]
fn ipv6_default_port_is_dropped() {
    let signed = signer().sign(get("http://[::1]/photos")).unwrap();
    let mut via_host = signed.clone();
    *via_host.uri_mut() = signed.uri().path_and_query().unwrap().as_str().parse().unwrap();
    via_host.headers_mut().insert("host", "[::1]:80".parse().unwrap());
    let parsed = SignedRequest::parse(&via_host, &ParseOptions::default()).unwrap();
    assert_eq!(parsed.base_string_uri(), "http://[::1]/photos");
    assert!(verify_strict(&via_host).is_ok());
}

/// Malformed input is a 4xx, never a panic or a 500 (Authlib answers 500 to a malformed or
/// non-OAuth `Authorization` header, a non-ASCII signature, bad RSA padding, an invalid query).
#[test]
fn malformed_input_is_a_4xx_never_a_panic_or_a_500() {
    let with_auth = |a: &str| {
        http::Request::get("http://h/?oauth_consumer_key=k").header("authorization", a).body(Vec::new()).unwrap()
    };
    // Other schemes are not ours: the query's protocol parameters are read.
    for other in ["Basic Zm9vOmJhcg==", "Bearer abc", "Negotiate xyz"] {
        let req = with_auth(other);
        assert_eq!(SignedRequest::parse(&req, &ParseOptions::default()).unwrap().consumer_key(), Some("k"));
    }
    // Bare `OAuth`, empty list elements and an empty value read fine.
    for ok in ["OAuth", "OAuth a=\"1\",,b=\"2\"", "OAuth oauth_nonce="] {
        let req = http::Request::get("http://h/").header("authorization", ok).body(Vec::new()).unwrap();
        assert!(SignedRequest::parse(&req, &ParseOptions::default()).is_ok(), "{ok}");
    }
    // Garbage is a 400.
    for bad in ["OAuth a", "OAuth a=\"1", "OAuth a=\"1\" b"] {
        let req = http::Request::get("http://h/").header("authorization", bad).body(Vec::new()).unwrap();
        assert_eq!(SignedRequest::parse(&req, &ParseOptions::default()).unwrap_err().status(), 400, "{bad}");
    }
    assert_eq!(SignedRequest::parse(&get("http://h/?a=%zz"), &ParseOptions::default()).unwrap_err().status(), 400);
    // Non-ASCII or badly padded signatures are simply invalid (401).
    for sig in ["%C3%A9t%C3%A9", "abc", "!!!!", "a%3D%3D%3D"] {
        for method in ["HMAC-SHA1", "PLAINTEXT", "RSA-SHA1"] {
            let req = http::Request::get("http://h/")
                .header(
                    "authorization",
                    format!(
                        "OAuth oauth_consumer_key=\"k\", oauth_signature_method=\"{method}\", oauth_signature=\"{sig}\""
                    ),
                )
                .body(Vec::new())
                .unwrap();
            let parsed = SignedRequest::parse(&req, &ParseOptions::default()).unwrap();
            let mut methods = SignatureMethods::default();
            methods.allow("PLAINTEXT");
            let rsa = [rsa_key()];
            let keys = VerifyingKeys { consumer_secret: "s", token_secret: "", rsa_public_keys: &rsa };
            let err = parsed.verify(&methods, &keys, InteropFallback::default()).unwrap_err();
            assert_eq!((err.kind(), err.status().as_u16()), (ErrorKind::InvalidSignature, 401), "{method} {sig}");
        }
    }
}

fn rsa_key() -> RsaPublicKey {
    let v: serde_json::Value = serde_json::from_str(include_str!("data/vectors.json")).unwrap();
    let pem = v.as_array().unwrap().iter().find(|v| v["name"] == "wiki-9.3-rsa-sha1").unwrap()["rsa_public_key_pem"]
        .as_str()
        .unwrap()
        .to_owned();
    RsaPublicKey::from_pem(&pem).unwrap()
}

/// A tab after the scheme, spaces around `=`, and any case of the scheme and header name all
/// work (Authlib needs a space after `OAuth` and drops a parameter with spaces around `=`).
#[test]
fn header_whitespace_and_case_are_accepted() {
    let signed = signer().method(SigningMethod::Plaintext).sign(get("http://h/r")).unwrap();
    let header = signed.headers().get("authorization").unwrap().to_str().unwrap().to_owned();
    let spaced = header.replacen("OAuth ", "OAuth\t", 1).replace("=\"", " = \"").replace("\", ", "\" ,\t");
    let mut req = get("http://h/r");
    req.headers_mut().insert(http::HeaderName::from_static("authorization"), spaced.parse().unwrap());
    assert!(verify_strict(&req).is_ok(), "{spaced}");
    let lower = header.replacen("OAuth", "oauth", 1);
    let mut req = get("http://h/r");
    req.headers_mut().insert("Authorization", lower.parse().unwrap());
    assert!(verify_strict(&req).is_ok());
}
