//! The 83 verified signature vectors, checked both ways: our verifier reads each request and
//! accepts its published signature, and our signer produces that same signature.
//!
//! Source: `shared/vectors.json` of the project (verified by `shared/verify_vectors.py` against
//! an independent implementation and python oauthlib); copied to `tests/data/vectors.json` so
//! the crate's tests stand alone.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, missing_docs)]

use oauth1::encoding::encode;
use oauth1::request::normalize;
use oauth1::sign::{Signer, SigningMethod};
use oauth1::signature::{
    Algorithm, HMAC_SHA1, HMAC_SHA256, HMAC_SHA512, InteropFallback, RsaPrivateKey, RsaPublicKey, SignatureMatch,
    SignatureMethods, VerifyingKeys, signing_key,
};
use oauth1::{Origin, ParseOptions, SignedRequest};
use serde_json::Value;

fn vectors() -> Vec<Value> {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/vectors.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn s<'v>(v: &'v Value, key: &str) -> Option<&'v str> {
    v.get(key).and_then(Value::as_str)
}

fn params(v: &Value) -> Vec<(String, String)> {
    v["params"]
        .as_array()
        .map(|a| a.iter().map(|p| (p[0].as_str().unwrap().to_owned(), p[1].as_str().unwrap().to_owned())).collect())
        .unwrap_or_default()
}

fn all_methods() -> SignatureMethods {
    let mut m = SignatureMethods::default();
    for name in ["HMAC-SHA512", "RSA-SHA512", "PLAINTEXT"] {
        assert!(m.allow(name));
    }
    m
}

fn split_url(url: &str) -> (String, String) {
    let url = url.split('#').next().unwrap();
    let scheme = url.split("://").next().unwrap().to_owned();
    (scheme, url.to_owned())
}

/// The vector's URL; a pure crypto vector whose URL lacks the query its parameters list gets
/// that query, so the request reproduces the vector's base string.
fn request_url(v: &Value) -> (String, String) {
    let (scheme, url) = split_url(s(v, "url").unwrap());
    let others: Vec<(String, String)> = params(v).into_iter().filter(|(n, _)| !n.starts_with("oauth_")).collect();
    if url.contains('?') || s(v, "body").is_some() || others.is_empty() {
        return (scheme, url);
    }
    let query: Vec<String> = others.iter().map(|(n, val)| format!("{}={}", encode(n), encode(val))).collect();
    (scheme, format!("{url}?{}", query.join("&")))
}

/// Whether the vector's own `oauth_signature_method` parameter names another method than it
/// signs with (a pure crypto vector over the RFC example's base string).
fn crypto_only(v: &Value) -> bool {
    params(v).iter().any(|(n, val)| n == "oauth_signature_method" && Some(val.as_str()) != s(v, "signature_method"))
}

/// Drops `oauth_*` segments from a query or form body, keeping the rest byte for byte.
fn without_protocol(form: &str) -> String {
    form.split('&').filter(|seg| !seg.starts_with("oauth_")).collect::<Vec<_>>().join("&")
}

fn build(v: &Value, url: &str, body: &str, authorization: Option<&str>) -> http::Request<Vec<u8>> {
    let mut b = http::Request::builder().method(s(v, "method").unwrap()).uri(url);
    if let Some(ct) = s(v, "body_content_type") {
        b = b.header("content-type", ct);
    }
    if let Some(a) = authorization {
        b = b.header("authorization", a);
    }
    b.body(body.as_bytes().to_vec()).unwrap()
}

#[test]
fn there_are_83_vectors() {
    assert_eq!(vectors().len(), 83);
}

#[test]
fn percent_encode_vectors() {
    let mut n = 0;
    for v in vectors().iter().filter(|v| v["kind"] == "percent_encode") {
        assert_eq!(encode(s(v, "input").unwrap()).to_string(), s(v, "expected").unwrap(), "{}", v["name"]);
        n += 1;
    }
    assert_eq!(n, 14);
}

#[test]
fn normalize_vectors() {
    let mut n = 0;
    for v in vectors().iter().filter(|v| v["kind"] == "normalize") {
        let p = params(v);
        let got = normalize(p.iter().map(|(a, b)| (a.as_str(), b.as_str())));
        assert_eq!(got, s(v, "expected_normalized").unwrap(), "{}", v["name"]);
        n += 1;
    }
    assert_eq!(n, 5);
}

#[test]
fn base_string_uri_vectors() {
    let mut n = 0;
    for v in vectors().iter().filter(|v| v["kind"] == "base_string_uri") {
        let (scheme, url) = split_url(s(v, "url").unwrap());
        let req = http::Request::get(url.as_str()).body(Vec::new()).unwrap();
        let options = ParseOptions::with_origin(Origin::host(&scheme).unwrap());
        let parsed = SignedRequest::parse(&req, &options).unwrap_or_else(|e| panic!("{}: {e}", v["name"]));
        assert_eq!(parsed.base_string_uri(), s(v, "expected_base_string_uri").unwrap(), "{}", v["name"]);
        n += 1;
    }
    assert_eq!(n, 11);
}

#[test]
fn raw_signature_vectors() {
    let mut n = 0;
    for v in vectors().iter().filter(|v| v["kind"] == "raw_signature") {
        let base = s(v, "expected_base_string").unwrap();
        let (cs, ts) = (s(v, "consumer_secret").unwrap_or(""), s(v, "token_secret").unwrap_or(""));
        let got = match s(v, "signature_method").unwrap() {
            "HMAC-SHA1" => HMAC_SHA1.sign_text(base, cs, ts),
            "HMAC-SHA256" => HMAC_SHA256.sign_text(base, cs, ts),
            "HMAC-SHA512" => HMAC_SHA512.sign_text(base, cs, ts),
            "PLAINTEXT" => signing_key(cs, ts),
            other => panic!("unexpected method {other}"),
        };
        assert_eq!(got, s(v, "expected_signature").unwrap(), "{}", v["name"]);
        n += 1;
    }
    assert_eq!(n, 6);
}

fn rsa_public_keys(v: &Value) -> Vec<Vec<RsaPublicKey>> {
    // Each form of the public key the vector gives is checked on its own.
    ["rsa_public_key_pem", "rsa_certificate_pem"]
        .iter()
        .filter_map(|k| s(v, k))
        .map(|pem| {
            let key = RsaPublicKey::from_pem(pem).unwrap();
            // With `native-rsa`, aws-lc verifies every vector's key (no silent fallback).
            assert_eq!(key.is_native(), cfg!(feature = "native-rsa"), "{pem}");
            vec![key]
        })
        .collect()
}

/// An RSA signature altered in one bit, cut short, or checked under another digest is
/// refused — by whichever backend verifies (`native-rsa` or the `rsa` crate).
fn assert_refuses_altered_rsa(
    name: &str,
    method: &str,
    base: &oauth1::BaseString<'_>,
    sig: &str,
    keys: &VerifyingKeys<'_>,
) {
    use base64::Engine as _;
    use base64::engine::general_purpose::STANDARD;
    use oauth1::signature::{RSA_SHA1, RSA_SHA256, RSA_SHA512, SignatureMethod};
    let (this, others): (&dyn SignatureMethod, [&dyn SignatureMethod; 2]) = match method {
        "RSA-SHA1" => (&RSA_SHA1, [&RSA_SHA256, &RSA_SHA512]),
        "RSA-SHA256" => (&RSA_SHA256, [&RSA_SHA1, &RSA_SHA512]),
        _ => (&RSA_SHA512, [&RSA_SHA1, &RSA_SHA256]),
    };
    assert!(this.verify(base, sig, keys), "{name}: the published signature");
    for other in others {
        assert!(!other.verify(base, sig, keys), "{name}: under {}", other.name());
    }
    let mut bytes = STANDARD.decode(sig).unwrap();
    for i in [0, bytes.len() / 2, bytes.len() - 1] {
        bytes[i] ^= 1;
        assert!(!this.verify(base, &STANDARD.encode(&bytes), keys), "{name}: bit flipped at {i}");
        bytes[i] ^= 1;
    }
    assert!(!this.verify(base, &STANDARD.encode(&bytes[1..]), keys), "{name}: one byte short");
}

/// Verifying: the request as a client sends it, read by our parser, must give the expected
/// base string and accept the expected signature.
#[test]
fn signature_vectors_verify() {
    let methods = all_methods();
    let mut verified = 0;
    let mut refused_without_secret = 0;
    let mut rsa_altered = 0;
    let mut checked = 0;
    for v in vectors().iter().filter(|v| v["kind"] == "signature") {
        let name = v["name"].as_str().unwrap();
        let (scheme, url) = request_url(v);
        let body = s(v, "body").unwrap_or("");
        let carries_protocol = url.contains("oauth_") || body.contains("oauth_");
        let expected_sig = s(v, "expected_signature");
        let header = match (s(v, "authorization_header"), carries_protocol, expected_sig) {
            (Some(h), _, _) => Some(h.to_owned()),
            (None, true, _) => None,
            (None, false, sig) => {
                let mut fields: Vec<String> = params(v)
                    .iter()
                    .filter(|(n, _)| n.starts_with("oauth_"))
                    .map(|(n, val)| format!("{}=\"{}\"", encode(n), encode(val)))
                    .collect();
                if let Some(sig) = sig {
                    fields.push(format!("oauth_signature=\"{}\"", encode(sig)));
                }
                (!fields.is_empty()).then(|| format!("OAuth {}", fields.join(", ")))
            }
        };
        let req = build(v, &url, body, header.as_deref());
        let options = ParseOptions::with_origin(Origin::host(&scheme).unwrap());
        let parsed = SignedRequest::parse(&req, &options).unwrap_or_else(|e| panic!("{name}: {e}"));

        // Every parameter the vector lists is read, and nothing else.
        let mut got: Vec<(String, String)> = parsed.params().map(|(n, v, _)| (n.to_owned(), v.to_owned())).collect();
        let mut want = params(v);
        got.sort();
        want.sort();
        assert_eq!(got, want, "{name}: parameters");

        if let Some(uri) = s(v, "expected_base_string_uri") {
            assert_eq!(parsed.base_string_uri(), uri, "{name}");
        }
        if let Some(norm) = s(v, "expected_normalized") {
            assert_eq!(parsed.base_string().normalized_parameters(), norm, "{name}");
        }
        assert_eq!(parsed.base_string().to_string(), s(v, "expected_base_string").unwrap(), "{name}: base string");
        checked += 1;

        if expected_sig.is_none() {
            continue;
        }
        let (cs, ts) = (s(v, "consumer_secret").unwrap_or(""), s(v, "token_secret").unwrap_or(""));
        let method = methods.resolve(s(v, "signature_method")).unwrap();
        let key_sets =
            if s(v, "signature_method").unwrap_or("").starts_with("RSA") { rsa_public_keys(v) } else { vec![vec![]] };
        assert!(!key_sets.is_empty(), "{name}: no public key");
        for rsa_keys in &key_sets {
            let keys = VerifyingKeys { consumer_secret: cs, token_secret: ts, rsa_public_keys: rsa_keys };
            match s(v, "received_signature") {
                // The client's own (non-RFC) signature is in the request: the strict verifier
                // refuses it, the documented interop fallback accepts it.
                Some(_) => {
                    assert!(parsed.verify_signature(method, &keys, InteropFallback::Off).is_err(), "{name}: strict");
                    assert_eq!(
                        parsed.verify_signature(method, &keys, InteropFallback::DoubleDecodedProtocolValues).unwrap(),
                        SignatureMatch::DoubleDecoded,
                        "{name}: fallback"
                    );
                    // And the RFC-correct signature verifies strictly.
                    let hmac = HMAC_SHA1.sign_text(s(v, "expected_base_string").unwrap(), cs, ts);
                    assert_eq!(hmac, expected_sig.unwrap(), "{name}: RFC signature");
                }
                // No consumer secret: the signature is right for the key `&…` (signing checks
                // it), and a verifier refuses it all the same, as anybody could have made it.
                None if cs.is_empty() && method.uses_shared_secret() => {
                    assert!(parsed.verify_signature(method, &keys, InteropFallback::Off).is_err(), "{name}");
                    refused_without_secret += 1;
                    continue;
                }
                None => {
                    assert_eq!(
                        parsed
                            .verify_signature(method, &keys, InteropFallback::Off)
                            .unwrap_or_else(|e| panic!("{name}: {e}")),
                        SignatureMatch::Rfc,
                        "{name}"
                    );
                    if let Some(rsa) = s(v, "signature_method").filter(|m| m.starts_with("RSA")) {
                        assert_refuses_altered_rsa(name, rsa, &parsed.base_string(), expected_sig.unwrap(), &keys);
                        rsa_altered += 1;
                    }
                }
            }
            verified += 1;
        }
        // A wrong secret never verifies.
        if !s(v, "signature_method").unwrap_or("").starts_with("RSA") {
            let keys = VerifyingKeys { consumer_secret: "wrong", token_secret: ts, rsa_public_keys: &[] };
            assert!(
                parsed.verify_signature(method, &keys, InteropFallback::DoubleDecodedProtocolValues).is_err(),
                "{name}"
            );
        }
    }
    assert_eq!(checked, 47);
    // oauthlib's client vectors without a client secret: -hmac-sha1-no-secrets,
    // -hmac-sha256-no-secrets, -signature-in-body, -signature-in-query, -unicode-body-1 and -2.
    assert_eq!(refused_without_secret, 6, "the oauthlib client vectors without secrets");
    assert!(rsa_altered >= 4, "RSA vectors altered and refused: {rsa_altered}");
    assert!(verified >= 40, "verified {verified}");
}

/// Signing: our signer, given the request without its protocol parameters, produces the
/// expected signature.
#[test]
fn signature_vectors_sign() {
    let mut signed = 0;
    for v in vectors().iter().filter(|v| v["kind"] == "signature") {
        let name = v["name"].as_str().unwrap();
        let Some(expected) = s(v, "expected_signature") else { continue };
        let method = match s(v, "signature_method").unwrap() {
            "HMAC-SHA1" => SigningMethod::Hmac(Algorithm::Sha1),
            "HMAC-SHA256" => SigningMethod::Hmac(Algorithm::Sha256),
            "HMAC-SHA512" => SigningMethod::Hmac(Algorithm::Sha512),
            "PLAINTEXT" => SigningMethod::Plaintext,
            rsa => {
                let Some(pem) = s(v, "rsa_private_key_pem") else { continue };
                let key = RsaPrivateKey::from_pem(pem).unwrap();
                let alg = match rsa {
                    "RSA-SHA1" => Algorithm::Sha1,
                    "RSA-SHA256" => Algorithm::Sha256,
                    _ => Algorithm::Sha512,
                };
                SigningMethod::Rsa(alg, Box::new(key))
            }
        };
        let (cs, ts) = (s(v, "consumer_secret").unwrap_or(""), s(v, "token_secret").unwrap_or(""));
        if crypto_only(v) {
            let (_, url) = request_url(v);
            let header: Vec<String> = params(v)
                .iter()
                .filter(|(n, _)| n.starts_with("oauth_"))
                .map(|(n, val)| format!("{n}=\"{}\"", encode(val)))
                .collect();
            let req = build(v, &url, s(v, "body").unwrap_or(""), Some(&format!("OAuth {}", header.join(","))));
            let parsed = SignedRequest::parse(&req, &ParseOptions::default()).unwrap();
            let SigningMethod::Rsa(alg, key) = method else { panic!("{name}: crypto-only vectors are RSA") };
            let sig = oauth1::signature::RsaMethod(alg).sign(&parsed.base_string(), &key).unwrap();
            assert_eq!(sig, expected, "{name}");
            signed += 1;
            continue;
        }
        let p = params(v);
        if !ts.is_empty() && !p.iter().any(|(n, _)| n == "oauth_token") {
            // A token secret with no token (oauthlib's client test): only PLAINTEXT, which
            // ignores the request, can express it.
            assert!(matches!(method, SigningMethod::Plaintext), "{name}");
            assert_eq!(signing_key(cs, ts), expected, "{name}");
            signed += 1;
            continue;
        }
        let consumer_key = p.iter().find(|(n, _)| n == "oauth_consumer_key").map_or("", |(_, val)| val.as_str());
        let mut signer = Signer::new(consumer_key, cs).method(method).version(false);
        for (n, val) in p {
            signer = match n.as_str() {
                "oauth_token" => signer.token(val, ts),
                "oauth_nonce" => signer.nonce(val),
                "oauth_timestamp" => signer.timestamp(val),
                "oauth_version" if val == "1.0" => signer.version(true),
                "oauth_signature_method" | "oauth_consumer_key" => signer,
                n if n.starts_with("oauth_") => signer.param(n, val),
                _ => signer,
            };
        }
        let (_, url) = split_url(s(v, "url").unwrap());
        let (path, query) = url.split_once('?').map_or((url.as_str(), None), |(p, q)| (p, Some(q)));
        let url = match query.map(without_protocol) {
            Some(q) if !q.is_empty() => format!("{path}?{q}"),
            _ => path.to_owned(),
        };
        let body = without_protocol(s(v, "body").unwrap_or(""));
        let req = build(v, &url, &body, None);
        let out = signer.sign(req).unwrap_or_else(|e| panic!("{name}: {e}"));
        let parsed = SignedRequest::parse(&out, &ParseOptions::default()).unwrap();
        assert_eq!(parsed.signature(), Some(expected), "{name}");
        signed += 1;
    }
    assert!(signed >= 40, "signed {signed}");
}
