//! `SignedRequest::parse` and the signature base string on arbitrary requests.
//!
//! The input is a [`RawRequest`]: method, `Host` / absolute URI, path and query,
//! `Authorization` value, `Content-Type` (form or not), extra headers, body.
//!
//! Properties:
//! * no panic; every error is a 400 (`MalformedRequest` or `DuplicatedParameter`);
//! * the parameters equal an independent reading of the request (query, form body only for a
//!   form `Content-Type`, the header through `oauth1::header::parse`; header `realm` and
//!   `oauth_signature` left out), and the request is refused whenever that reading finds an
//!   undecodable part, `oauth_*` parameters in two transports, or a repeated `oauth_*` name;
//! * `base_string().to_string()` equals a reference built from `params()`: method upper-cased,
//!   `encode`d names and values sorted by encoded name then value, joined (§3.4.1);
//!   `normalized_parameters()` and `oauth1::request::normalize` agree with it;
//! * streaming the base string (`write_to`) gives the same bytes;
//! * the base string URI is `http://` + lower-case host + the path as sent.
#![no_main]

use libfuzzer_sys::fuzz_target;
use oauth1::{ErrorKind, ParseOptions, SignedRequest, Transport};
use oauth1_fuzz::{RawRequest, RefParams, Source, enc, ref_base_string, ref_normalize, signature_sources};

fn source(t: Transport) -> Source {
    match t {
        Transport::Query => Source::Query,
        Transport::Body => Source::Body,
        Transport::Header => Source::Header,
    }
}

fuzz_target!(|input: RawRequest<'_>| {
    let Some(req) = input.build() else { return };
    let reference = RefParams::read(&req);
    let sources = reference.protocol_sources(&signature_sources(&req));
    let must_fail = reference.unreadable
        || reference.oauth_headers > 1
        || reference.realms.len() > 1
        || reference.signatures.len() > 1
        || sources.len() > 1
        || reference.duplicated_protocol_name();

    let signed = match SignedRequest::parse(&req, &ParseOptions::default()) {
        Err(e) => {
            assert_eq!(e.status(), 400, "{e:?}");
            assert!(matches!(e.kind(), ErrorKind::MalformedRequest | ErrorKind::DuplicatedParameter), "{e:?}");
            if e.kind() == ErrorKind::DuplicatedParameter {
                assert!(must_fail, "a duplicate the reference does not see: {e:?} {reference:?}");
            }
            return;
        }
        Ok(s) => s,
    };
    assert!(!must_fail, "accepted a request the reference refuses: {reference:?}");

    // Parameters: the same multiset as the reference reading, with the same transports.
    let mut got: Vec<(String, String, Source)> =
        signed.params().map(|(n, v, t)| (n.to_owned(), v.to_owned(), source(t))).collect();
    let mut want = reference.params.clone();
    got.sort();
    want.sort();
    assert_eq!(got, want);
    assert_eq!(signed.realm(), reference.realms.first().map(String::as_str));
    assert_eq!(signed.signature(), reference.signatures.first().map(String::as_str));
    assert_eq!(signed.transport().map(source), sources.first().copied());
    for (name, accessor) in [
        ("oauth_consumer_key", signed.consumer_key()),
        ("oauth_token", signed.token()),
        ("oauth_signature_method", signed.signature_method()),
        ("oauth_timestamp", signed.timestamp()),
        ("oauth_nonce", signed.nonce()),
        ("oauth_version", signed.version()),
        ("oauth_callback", signed.callback()),
        ("oauth_verifier", signed.verifier()),
        ("oauth_body_hash", signed.body_hash()),
    ] {
        let expected = reference.params.iter().find(|(n, _, _)| n == name).map(|(_, v, _)| v.as_str());
        assert_eq!(accessor, expected, "{name}");
    }

    // The method and the base string URI.
    assert_eq!(signed.method(), req.method().as_str().to_ascii_uppercase());
    let uri = signed.base_string_uri();
    let rest = uri.strip_prefix("http://").expect("the default origin is http");
    let path = match req.uri().path() {
        "" => "/",
        p => p,
    };
    let authority = rest.strip_suffix(path).expect("the base string URI ends with the path as sent");
    assert!(!authority.is_empty() && !authority.contains('/'), "{uri:?}");
    assert!(!authority.bytes().any(|b| b.is_ascii_uppercase()), "host not lower-cased: {uri:?}");
    assert!(!authority.ends_with(":80"), "default port kept: {uri:?}");

    // The base string against the reference built from params().
    let pairs: Vec<(&str, &str)> = signed.params().map(|(n, v, _)| (n, v)).collect();
    let base = signed.base_string();
    let text = base.to_string();
    let expected = ref_base_string(signed.method(), uri, pairs.iter().copied());
    assert_eq!(text, expected);
    let normalized = ref_normalize(pairs.iter().copied());
    assert_eq!(base.normalized_parameters(), normalized);
    assert_eq!(oauth1::request::normalize(pairs.iter().copied()), normalized);
    assert_eq!(text, format!("{}&{}&{}", enc(signed.method()), enc(uri), enc(&normalized)));
    // params() is in base-string order already.
    let in_order: Vec<(String, String)> = pairs.iter().map(|(n, v)| (enc(n), enc(v))).collect();
    assert!(in_order.windows(2).all(|w| w[0] <= w[1]), "params() not in base-string order");
    let mut streamed = Vec::new();
    base.write_to(&mut |chunk| streamed.extend_from_slice(chunk));
    assert_eq!(streamed, text.as_bytes());
});
