//! Unit tests of request parsing and the base string.

use super::*;
use crate::error::{Error, ErrorKind};

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
    // The error names the parameter.
    let req = request("GET", "/?oauth_nonce=a&oauth_nonce=b", &[("host", "h")], "");
    assert_eq!(parse(&req).unwrap_err().description(), Some("duplicated \"oauth_nonce\" in parameters"));
    // Non-protocol parameters may repeat, and all are signed.
    let req = request("GET", "/?a=1&a=2&a=1", &[("host", "h")], "");
    assert_eq!(parse(&req).unwrap().params().count(), 3);
}

#[test]
fn realm_excluded_only_from_the_header() {
    let req =
        request("GET", "/?realm=q", &[("host", "h"), ("authorization", "OAuth realm=\"hdr\", oauth_nonce=\"n\"")], "");
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
    // Authlib's server answers these with HTTP 500.
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
    let req = request("GET", "/?oauth_consumer_key=k", &[("host", "h"), ("authorization", "Basic Zm9vOmJhcg==")], "");
    assert_eq!(parse(&req).unwrap().consumer_key(), Some("k"));
}

#[test]
fn debug_hides_values() {
    let req = request("GET", "/?oauth_verifier=sekrit", &[("host", "h")], "");
    let s = parse(&req).unwrap();
    assert!(!format!("{s:?}").contains("sekrit"));
}

/// Pieces longer than the write buffer, and many that fill it, give the base string of the
/// definition (§3.4.1.1: the encoded method, URI and normalized parameters joined by `&`).
#[test]
fn base_string_of_long_values_matches_its_definition() {
    use crate::encoding::encode;
    for (a, b) in
        [("x".repeat(2000), "y z".repeat(300)), ("%21".repeat(400), "é".repeat(100)), ("q".repeat(511), String::new())]
    {
        let body = format!("a={a}&b={}", encode(&b));
        let req = request("POST", "/p", &[("host", "h"), FORM], &body);
        let s = parse(&req).unwrap();
        let normalized = s.base_string().normalized_parameters();
        let expected = format!("POST&{}&{}", encode("http://h/p"), encode(&normalized));
        let mut pieces = 0;
        let mut written = Vec::new();
        s.base_string().write_to(&mut |piece| {
            pieces += 1;
            written.extend_from_slice(piece);
        });
        assert_eq!(String::from_utf8(written).unwrap(), expected);
        assert!(pieces <= expected.len() / 256 + 2, "{pieces} pieces for {} bytes", expected.len());
    }
}
