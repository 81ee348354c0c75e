//! `oauth1::header::parse` on arbitrary bytes.
//!
//! Properties:
//! * no panic; every error is a 400 `MalformedRequest`;
//! * the scheme alone decides whether the header is ours: `Ok(None)` exactly when the first
//!   token (after spaces/tabs) is not `OAuth` in any case;
//! * a parsed header was UTF-8;
//! * re-serialising the parsed names and values (encoded with `oauth1::encoding::encode`,
//!   quoted or bare, with varied whitespace and empty list elements; `realm` quoted with
//!   `\` escapes, as it is not percent-decoded) parses back to the same list;
//! * `SignedRequest::parse` (which reads the header with the crate-private `parse_each`) agrees:
//!   it fails when `parse` does, and otherwise yields the same parameters, realm and signature,
//!   or refuses exactly the duplicates the RFC forbids.
#![no_main]

use libfuzzer_sys::fuzz_target;
use oauth1::encoding::encode;
use oauth1::{ErrorKind, ParseOptions, SignedRequest};

fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// The reference answer to "is this an OAuth header?".
fn scheme_is_oauth(data: &[u8]) -> bool {
    let start = data.iter().position(|&b| b != b' ' && b != b'\t').unwrap_or(data.len());
    let rest = &data[start..];
    let len = rest.iter().position(|&b| !is_tchar(b)).unwrap_or(rest.len());
    rest[..len].eq_ignore_ascii_case(b"oauth")
}

fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// Writes `params` back as a header; `style` varies quoting, whitespace and empty elements.
fn serialise(params: &[(String, String)], style: u8) -> String {
    let scheme = ["OAuth", "oauth", "OAUTH", "oAuTh"][usize::from(style & 3)];
    let mut h = String::from(scheme);
    h.push(if style & 4 != 0 { '\t' } else { ' ' });
    if style & 8 != 0 {
        h.push_str(", ");
    }
    for (i, (n, v)) in params.iter().enumerate() {
        if i > 0 {
            h.push_str(if style & 16 != 0 { " ,\t" } else { ", " });
        }
        h.extend(encode(n));
        h.push_str(if style & 32 != 0 { " = " } else { "=" });
        if n == "realm" {
            h.push_str(&quote(v));
        } else if style & 64 != 0 && i % 2 == 1 {
            // Encoded values are all tchar: a bare token is fine.
            h.extend(encode(v));
        } else {
            h.push('"');
            h.extend(encode(v));
            h.push('"');
        }
    }
    if style & 128 != 0 {
        h.push_str(" ,, ");
    }
    h
}

fuzz_target!(|data: &[u8]| {
    let (style, data) = match data.split_first() {
        Some((s, rest)) => (*s, rest),
        None => (0, data),
    };
    let parsed = oauth1::header::parse(data);
    let ours = scheme_is_oauth(data);
    let params: Vec<(String, String)> = match &parsed {
        Err(e) => {
            assert!(ours, "an error for a header that is not ours: {e:?}");
            assert_eq!(e.kind(), ErrorKind::MalformedRequest, "{e:?}");
            assert_eq!(e.status(), 400);
            Vec::new()
        }
        Ok(None) => {
            assert!(!ours, "an OAuth header read as not ours");
            Vec::new()
        }
        Ok(Some(p)) => {
            assert!(ours, "a header that is not ours was parsed");
            assert!(std::str::from_utf8(data).is_ok(), "parsed a header that is not UTF-8");
            p.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect()
        }
    };
    if let Ok(Some(_)) = &parsed {
        let again_text = serialise(&params, style);
        let again = oauth1::header::parse(again_text.as_bytes())
            .unwrap_or_else(|e| panic!("re-serialised header {again_text:?} refused: {e:?}"))
            .unwrap_or_else(|| panic!("re-serialised header {again_text:?} not ours"));
        let again: Vec<(String, String)> = again.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect();
        assert_eq!(again, params, "round trip through {again_text:?}");
    }

    // The same bytes as the request's only Authorization header (when `http` takes them).
    let Ok(value) = http::HeaderValue::from_bytes(data) else { return };
    let req = http::Request::get("/").header("host", "h.example").header("authorization", value).body(Vec::new());
    let Ok(req) = req else { return };
    let signed = SignedRequest::parse(&req, &ParseOptions::default());
    match &parsed {
        Err(_) => {
            let Err(e) = &signed else { panic!("SignedRequest::parse accepted a header that header::parse refuses") };
            assert_eq!(e.kind(), ErrorKind::MalformedRequest);
        }
        Ok(None) => {
            let s = signed.expect("a foreign Authorization header must be ignored");
            assert_eq!(s.params().count(), 0);
            assert_eq!(s.realm(), None);
            assert_eq!(s.signature(), None);
        }
        Ok(Some(_)) => {
            let realms: Vec<&str> = params.iter().filter(|(n, _)| n == "realm").map(|(_, v)| v.as_str()).collect();
            let sigs: Vec<&str> =
                params.iter().filter(|(n, _)| n == "oauth_signature").map(|(_, v)| v.as_str()).collect();
            let mut rest: Vec<(&str, &str)> = params
                .iter()
                .filter(|(n, _)| n != "realm" && n != "oauth_signature")
                .map(|(n, v)| (n.as_str(), v.as_str()))
                .collect();
            let mut protocol: Vec<&str> = rest.iter().map(|(n, _)| *n).filter(|n| n.starts_with("oauth_")).collect();
            protocol.sort_unstable();
            let duplicated = realms.len() > 1 || sigs.len() > 1 || protocol.windows(2).any(|w| w[0] == w[1]);
            match signed {
                Err(e) => {
                    assert!(duplicated, "SignedRequest::parse refused a readable header: {e:?}");
                    assert_eq!(e.kind(), ErrorKind::DuplicatedParameter, "{e:?}");
                }
                Ok(s) => {
                    assert!(!duplicated, "duplicated realm / oauth_signature / oauth_* accepted");
                    assert_eq!(s.realm(), realms.first().copied());
                    assert_eq!(s.signature(), sigs.first().copied());
                    let mut got: Vec<(&str, &str)> = s.params().map(|(n, v, _)| (n, v)).collect();
                    assert!(s.params().all(|(_, _, t)| t == oauth1::Transport::Header));
                    got.sort_unstable();
                    rest.sort_unstable();
                    assert_eq!(got, rest);
                    let has_protocol = params.iter().any(|(n, _)| n.starts_with("oauth_"));
                    assert_eq!(s.transport(), has_protocol.then_some(oauth1::Transport::Header));
                }
            }
        }
    }
});
