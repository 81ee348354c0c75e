//! Protocol parameters of other steps (`oauth_callback` outside §2.1, `oauth_verifier` outside
//! §2.3) are accepted and ignored, as Authlib's and requests-oauthlib's sessions send them;
//! the signature still covers them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, missing_docs)]

use oauth1::server::Grant;
use oauth1::server::Scope;
use oauth1_tests::*;

const INITIATE: &str = "http://localhost/oauth/initiate";
const TOKEN: &str = "http://localhost/oauth/token";
const PHOTOS: &str = "http://localhost/photos?file=vacation.jpg";

/// Replaces the first `name="…"` value of a signed request's header.
fn with_header_value(req: &http::Request<Vec<u8>>, name: &str, value: &str) -> http::Request<Vec<u8>> {
    let header = req.headers()["authorization"].to_str().unwrap();
    let marker = format!("{name}=\"");
    let start = header.find(&marker).unwrap() + marker.len();
    let end = start + header[start..].find('"').unwrap();
    let mut out = req.clone();
    out.headers_mut()
        .insert("authorization", format!("{}{value}{}", &header[..start], &header[end..]).parse().unwrap());
    out
}

/// Authlib's `OAuth1Session(…, redirect_uri=…)` signs `oauth_callback` into every request of
/// the session: the token request and the protected requests.
#[tokio::test]
async fn a_session_that_signs_its_callback_everywhere_is_served() {
    let p = Provider::new();
    let callback = "https://client.test/ready";
    let req = signer().callback(callback).sign(request("POST", INITIATE, None)).unwrap();
    let f = form(p.server.temporary_credentials(&req).await.unwrap().body());
    let Grant::Redirect(to) = grant(&p.server, &f["oauth_token"], "alice").await.unwrap() else { panic!() };
    let verifier = to.split("oauth_verifier=").nth(1).unwrap();
    let req = signer()
        .callback(callback)
        .token(&f["oauth_token"], &f["oauth_token_secret"])
        .verifier(verifier)
        .sign(request("POST", TOKEN, None))
        .unwrap();
    let access = form(p.server.token_credentials(&req).await.unwrap().body());
    // A protected request carrying the callback and even the old verifier.
    let session =
        signer().callback(callback).verifier(verifier).token(&access["oauth_token"], &access["oauth_token_secret"]);
    let req = session.clone().sign(request("GET", PHOTOS, None)).unwrap();
    let protector = p.server.resource_protector();
    assert_eq!(protector.verify(&req, Scope::Token).await.unwrap().user_id(), Some("alice"));
    // The ignored parameters are still signed: changing one breaks the signature.
    let req = session.clone().sign(request("GET", PHOTOS, None)).unwrap();
    let tampered = with_header_value(&req, "oauth_callback", "https%3A%2F%2Fevil.example%2F");
    assert_eq!(protector.verify(&tampered, Scope::Token).await.unwrap_err().code(), "invalid_signature");
    let tampered = with_header_value(&req, "oauth_verifier", "guess");
    assert_eq!(protector.verify(&tampered, Scope::Token).await.unwrap_err().code(), "invalid_signature");
    assert!(protector.verify(&req, Scope::Token).await.is_ok(), "the failed attempts did not burn the nonce");
}

/// The callback of the token request is not used for anything: the verifier still goes
/// where the temporary credentials' callback said, and a different callback signed into the
/// token request changes nothing.
#[tokio::test]
async fn a_callback_at_the_token_step_changes_nothing() {
    let p = Provider::new();
    let req = signer().callback("oob").sign(request("POST", INITIATE, None)).unwrap();
    let f = form(p.server.temporary_credentials(&req).await.unwrap().body());
    let Grant::OutOfBand { verifier, .. } = grant(&p.server, &f["oauth_token"], "alice").await.unwrap() else {
        panic!()
    };
    let req = signer()
        .callback("http://evil.example/")
        .token(&f["oauth_token"], &f["oauth_token_secret"])
        .verifier(&verifier)
        .sign(request("POST", TOKEN, None))
        .unwrap();
    assert_eq!(p.server.token_credentials(&req).await.unwrap().status(), 200);
}

/// What still changes meaning is refused: an unknown `oauth_*` name, a token at the
/// consumer-only step, a duplicate.
#[tokio::test]
async fn what_changes_meaning_is_still_refused() {
    let p = Provider::new().with_token().await;
    let protector = p.server.resource_protector();
    let req = signer()
        .token("valid-token", "valid-token-secret")
        .param("oauth_session_handle", "h")
        .sign(request("GET", PHOTOS, None))
        .unwrap();
    assert_eq!(protector.verify(&req, Scope::Token).await.unwrap_err().code(), "unsupported_parameter");
    let req = signer().token("valid-token", "valid-token-secret").sign(request("GET", PHOTOS, None)).unwrap();
    assert_eq!(protector.verify(&req, Scope::ConsumerOnly).await.unwrap_err().code(), "unsupported_parameter");
    let req = signer()
        .token("valid-token", "valid-token-secret")
        .sign(request("GET", &format!("{PHOTOS}&oauth_verifier=a&oauth_verifier=b"), None))
        .unwrap();
    assert_eq!(protector.verify(&req, Scope::Token).await.unwrap_err().status(), 400);
    // xoauth_* is an ordinary, signed parameter.
    let req = signer()
        .token("valid-token", "valid-token-secret")
        .sign(request("GET", &format!("{PHOTOS}&xoauth_requestor_id=a"), None))
        .unwrap();
    assert!(protector.verify(&req, Scope::Token).await.is_ok());
}
