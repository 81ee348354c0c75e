//! The provider's endpoints against the memory store: the cases of Authlib's own server tests
//! re-expressed against our API, the validation order, what Authlib's server gets wrong and
//! this provider does not, and races.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, missing_docs)]

use oauth1::server::{BodyHint, Scope};
use std::sync::Arc;

use async_trait::async_trait;
use oauth1::consent::ConsentProof;
use oauth1::server::{CallbackPolicy, Denial, Grant};
use oauth1::sign::SigningMethod;
use oauth1::signature::{Algorithm, Secret};
use oauth1::store::{
    Authorization, NonceCheck, NonceKey, NonceStore, StoreError, Stores, TemporaryCredentialStore,
    TemporaryCredentials, TokenCredentialStore,
};
use oauth1::{AuthorizationServer, Config, Transport};
use oauth1_tests::*;

const INITIATE: &str = "http://localhost/oauth/initiate";
const TOKEN: &str = "http://localhost/oauth/token";
const USER: &str = "http://localhost/user";

async fn initiate(p: &Provider, callback: &str) -> (String, String) {
    let req = signer().callback(callback).sign(request("POST", INITIATE, None)).unwrap();
    let res = p.server.temporary_credentials(&req).await.unwrap();
    let f = form(res.body());
    (f["oauth_token"].clone(), f["oauth_token_secret"].clone())
}

/// Authlib's `prepare_temporary_credential`: `abc` / `abc-secret`, authorized by user 1 with
/// verifier `abc-verifier`.
async fn prepare(p: &Provider) {
    p.store
        .create_temporary(TemporaryCredentials::new("abc", Secret::new("abc-secret"), CLIENT, "oob", NOW + 600))
        .await
        .unwrap();
    p.store.authorize_temporary("abc", Authorization::new("1", Secret::new("abc-verifier"))).await.unwrap();
}

// ---- Temporary credentials (§2.1; the cases of Authlib's temporary credential tests) ----

#[tokio::test]
async fn temporary_credentials_need_post_and_every_required_parameter() {
    let p = Provider::new();
    // GET is 405 with an `Allow` header (Authlib's 405 has no `Allow`).
    let err = p.server.temporary_credentials(&request("GET", INITIATE, None)).await.unwrap_err();
    let res = err.to_response(None);
    assert_eq!((res.status().as_u16(), error_of(&res)), (405, "method_not_allowed".into()));
    assert_eq!(res.headers()["allow"], "POST");
    // No parameters at all, then a consumer key alone: each names what is missing.
    let e = p.server.temporary_credentials(&request("POST", INITIATE, Some(""))).await.unwrap_err();
    assert_eq!(
        (e.code(), e.description().unwrap()),
        ("missing_required_parameter", "missing \"oauth_consumer_key\" in parameters")
    );
    let e = p
        .server
        .temporary_credentials(&request("POST", INITIATE, Some("oauth_consumer_key=client")))
        .await
        .unwrap_err();
    assert!(e.description().unwrap().contains("oauth_callback"));
    // A callback that is neither `oob` nor a URI.
    let e = p
        .server
        .temporary_credentials(&request("POST", INITIATE, Some("oauth_consumer_key=client&oauth_callback=invalid_url")))
        .await
        .unwrap_err();
    assert_eq!((e.status().as_u16(), e.code()), (400, "invalid_request"));
    assert!(e.description().unwrap().contains("oauth_callback"));
    // An unknown consumer, fully signed, is invalid_client (401).
    let req = oauth1::sign::Signer::new("invalid-client", "x")
        .timestamp(NOW)
        .callback("oob")
        .sign(request("POST", INITIATE, None))
        .unwrap();
    let e = p.server.temporary_credentials(&req).await.unwrap_err();
    assert_eq!((e.status().as_u16(), e.code()), (401, "invalid_client"));
}

#[tokio::test]
async fn temporary_credentials_need_a_digit_timestamp_inside_the_window() {
    let p = Provider::new();
    let body =
        |extra: &str| request("POST", INITIATE, Some(&format!("oauth_consumer_key=client&oauth_callback=oob{extra}")));
    // No timestamp, then a timestamp without a nonce.
    let e = p.server.temporary_credentials(&body("")).await.unwrap_err();
    assert!(e.description().unwrap().contains("oauth_timestamp"));
    let e = p.server.temporary_credentials(&body(&format!("&oauth_timestamp={NOW}"))).await.unwrap_err();
    assert!(e.description().unwrap().contains("oauth_nonce"));
    // Only ASCII digits are a timestamp (400). Authlib's parsing also takes a sign, whitespace,
    // `_` and non-ASCII digits.
    for ts in ["sss", "-1", "+1795798111", "%201795798111", "17_95798111", "%D9%A3", "1.5", "99999999999999999999999"] {
        let e = p
            .server
            .temporary_credentials(&body(&format!(
                "&oauth_timestamp={ts}&oauth_nonce=n&oauth_signature_method=PLAINTEXT&oauth_signature=secret%26"
            )))
            .await
            .unwrap_err();
        assert_eq!((e.status().as_u16(), e.code()), (400, "invalid_request"), "{ts}");
        assert!(e.description().unwrap().contains("oauth_timestamp"), "{ts}");
    }
    // The window, both ways: Authlib never refuses a timestamp in the future, so with its 24 h
    // nonce lifetime a request signed far ahead can be replayed once its nonce has expired.
    for (ts, ok) in [(NOW - 300, true), (NOW + 300, true), (NOW - 301, false), (NOW + 301, false), (123, false)] {
        let req = signer().timestamp(ts).callback("oob").sign(request("POST", INITIATE, None)).unwrap();
        match p.server.temporary_credentials(&req).await {
            Ok(res) => assert!(ok, "{ts} accepted: {res:?}"),
            Err(e) => {
                assert!(!ok, "{ts} refused: {e}");
                assert_eq!((e.status().as_u16(), e.problem()), (401, "timestamp_refused"));
                let res = e.to_response(Some("Photos"));
                assert_eq!(form(res.body())["oauth_acceptable_timestamps"], format!("{}-{}", NOW - 300, NOW + 300));
            }
        }
    }
}

#[tokio::test]
async fn temporary_credentials_need_a_signature_and_a_supported_signature_method() {
    let p = Provider::new();
    let body =
        |extra: &str| request("POST", INITIATE, Some(&format!("oauth_consumer_key=client&oauth_callback=oob{extra}")));
    // PLAINTEXT may omit the timestamp and the nonce, not the signature.
    let e = p.server.temporary_credentials(&body("&oauth_signature_method=PLAINTEXT")).await.unwrap_err();
    assert!(e.description().unwrap().contains("oauth_signature\""));
    // No signature method.
    let e = p.server.temporary_credentials(&body(&format!("&oauth_timestamp={NOW}&oauth_nonce=a"))).await.unwrap_err();
    assert!(e.description().unwrap().contains("oauth_signature_method"));
    // An unknown signature method; and method names are case-sensitive.
    for m in ["INVALID", "hmac-sha1"] {
        let e = p
            .server
            .temporary_credentials(&body(&format!(
                "&oauth_signature_method={m}&oauth_timestamp={NOW}&oauth_nonce=b&oauth_signature=c"
            )))
            .await
            .unwrap_err();
        assert_eq!((e.status().as_u16(), e.code()), (400, "unsupported_signature_method"), "{m}");
    }
}

#[tokio::test]
async fn plaintext_temporary_credential_requests_in_the_body_and_the_header() {
    let p = Provider::new();
    // Signed in the body, then in the header with a raw '&' in the signature.
    let res = p
        .server
        .temporary_credentials(&request(
            "POST",
            INITIATE,
            Some("oauth_consumer_key=client&oauth_callback=oob&oauth_signature_method=PLAINTEXT&oauth_signature=secret%26"),
        ))
        .await
        .unwrap();
    let f = form(res.body());
    assert!(f.contains_key("oauth_token") && f.contains_key("oauth_token_secret"));
    // The RFC's `true`, not Python's `True` (what Authlib sends).
    assert_eq!(f["oauth_callback_confirmed"], "true");
    assert_eq!(
        (res.headers()["cache-control"].to_str().unwrap(), res.headers()["pragma"].to_str().unwrap()),
        ("no-store", "no-cache")
    );
    let mut req = request("POST", INITIATE, None);
    req.headers_mut().insert(
        "authorization",
        "OAuth oauth_consumer_key=\"client\",oauth_signature_method=\"PLAINTEXT\",oauth_callback=\"oob\",oauth_signature=\"secret&\""
            .parse()
            .unwrap(),
    );
    assert!(p.server.temporary_credentials(&req).await.is_ok());
    // A wrong PLAINTEXT signature.
    let e = p
        .server
        .temporary_credentials(&request(
            "POST",
            INITIATE,
            Some("oauth_consumer_key=client&oauth_callback=oob&oauth_signature_method=PLAINTEXT&oauth_signature=invalid-signature"),
        ))
        .await
        .unwrap_err();
    assert_eq!((e.status().as_u16(), e.code()), (401, "invalid_signature"));
}

#[tokio::test]
async fn hmac_and_rsa_temporary_credential_requests_are_accepted_once() {
    let p = Provider::new();
    // HMAC-SHA1: accepted, then refused when replayed.
    let req = signer().nonce("hmac-sha1-nonce").callback("oob").sign(request("POST", INITIATE, None)).unwrap();
    assert!(p.server.temporary_credentials(&req).await.is_ok());
    let e = p.server.temporary_credentials(&req).await.unwrap_err();
    assert_eq!((e.status().as_u16(), e.code()), (401, "invalid_nonce"));
    // RSA-SHA1: a changed nonce breaks the signature; the untouched request is then accepted.
    let req = signer()
        .method(rsa_sha1())
        .nonce("rsa-sha1-nonce")
        .callback("oob")
        .sign(request("POST", INITIATE, None))
        .unwrap();
    let mut tampered = req.clone();
    let h = req.headers()["authorization"].to_str().unwrap().replace("rsa-sha1-nonce", "alt-sha1-nonce");
    tampered.headers_mut().insert("authorization", h.parse().unwrap());
    assert_eq!(p.server.temporary_credentials(&tampered).await.unwrap_err().code(), "invalid_signature");
    assert!(p.server.temporary_credentials(&req).await.is_ok(), "the failed attempt did not burn the nonce");
}

#[tokio::test]
async fn signature_methods_must_be_allowed_by_the_server_and_the_client() {
    // PLAINTEXT is registered but not allowed by default.
    let p = Provider::with_config(|_| {
        Config::default().with_clock(oauth1::clock::ManualClock::new(NOW)).with_realm("Photos")
    });
    let e = p
        .server
        .temporary_credentials(&request(
            "POST",
            INITIATE,
            Some("oauth_consumer_key=client&oauth_callback=oob&oauth_signature_method=PLAINTEXT&oauth_signature=secret%26"),
        ))
        .await
        .unwrap_err();
    assert_eq!(e.code(), "unsupported_signature_method");
    // Per client: a client restricted to RSA cannot use HMAC.
    p.store.insert_client(oauth1::store::Client::new("rsa-only", "s").with_signature_methods(["RSA-SHA1"]));
    let req = oauth1::sign::Signer::new("rsa-only", "s")
        .timestamp(NOW)
        .callback("oob")
        .sign(request("POST", INITIATE, None))
        .unwrap();
    assert_eq!(p.server.temporary_credentials(&req).await.unwrap_err().code(), "unsupported_signature_method");
}

#[tokio::test]
async fn callbacks_by_policy() {
    let p = Provider::new();
    for bad in ["OOB", "javascript://x/%0aalert(1)", "https://user@evil.test/", "/relative", "myapp:/cb"] {
        let req = signer().callback(bad).sign(request("POST", INITIATE, None)).unwrap();
        let e = p.server.temporary_credentials(&req).await.unwrap_err();
        assert_eq!((e.status().as_u16(), e.code()), (400, "invalid_request"), "{bad}");
    }
    let p = Provider::with_config(|c| c.with_callback_policy(CallbackPolicy::Registered));
    for (cb, ok) in [
        ("https://client.test", true),
        ("https://client.test?x=1", true),
        ("oob", true),
        ("https://other.test", false),
        ("https://client.test.evil", false),
    ] {
        let req = signer().callback(cb).sign(request("POST", INITIATE, None)).unwrap();
        assert_eq!(p.server.temporary_credentials(&req).await.is_ok(), ok, "{cb}");
    }
}

#[tokio::test]
async fn unsupported_and_version_parameters() {
    let p = Provider::new();
    // Unknown protocol parameters and other versions are refused (Authlib checks neither).
    let req =
        signer().callback("oob").param("oauth_session_handle", "x").sign(request("POST", INITIATE, None)).unwrap();
    let e = p.server.temporary_credentials(&req).await.unwrap_err();
    assert_eq!((e.status().as_u16(), e.code()), (400, "unsupported_parameter"));
    assert_eq!(form(e.to_response(None).body())["oauth_parameters_rejected"], "oauth_session_handle");
    // A parameter of another step is ignored (Authlib's client signs oauth_verifier along).
    let req = signer().callback("oob").param("oauth_verifier", "x").sign(request("POST", INITIATE, None)).unwrap();
    assert!(p.server.temporary_credentials(&req).await.is_ok());
    let req = signer()
        .callback("oob")
        .version(false)
        .param("oauth_version", "2.0")
        .sign(request("POST", INITIATE, None))
        .unwrap();
    let e = p.server.temporary_credentials(&req).await.unwrap_err();
    assert_eq!((e.status().as_u16(), e.problem()), (400, "version_rejected"));
    // An empty oauth_token at the temporary endpoint is tolerated (some clients send it).
    let req = signer().callback("oob").token("", "").sign(request("POST", INITIATE, None)).unwrap();
    assert!(p.server.temporary_credentials(&req).await.is_ok());
}

// ---- Resource-owner authorization (§2.2; the cases of Authlib's authorization tests) ----

#[tokio::test]
async fn consent_decisions_on_missing_or_unknown_tokens_are_refused() {
    let p = Provider::new();
    let (token, _) = initiate(&p, "oob").await;
    let page = p.server.pending_authorization(&token).await.unwrap();
    let proof = page.anti_forgery.proof();
    assert_eq!(p.server.grant("", "1", &proof).await.unwrap_err().code(), "missing_required_parameter");
    // A proof for another token is no proof for this one.
    assert_eq!(p.server.grant("a", "1", &proof).await.unwrap_err().code(), "invalid_consent");
    assert_eq!(p.server.deny("a", &proof).await.unwrap_err().code(), "invalid_consent");
    assert_eq!(p.server.pending_authorization("a").await.unwrap_err().code(), "invalid_token");
    // An unknown token with a proof issued for it (a server with the same key).
    let other = oauth1::consent::AntiForgery::issue(p.server.config().consent_key(), "a", "");
    assert_eq!(p.server.grant("a", "1", &other.proof()).await.unwrap_err().code(), "invalid_token");
    assert_eq!(p.server.deny("a", &other.proof()).await.unwrap_err().code(), "invalid_token");
}

#[tokio::test]
async fn deny_discards_the_temporary_credentials_and_tells_the_callback() {
    let p = Provider::new();
    let (token, _) = initiate(&p, "oob").await;
    assert_eq!(deny(&p.server, &token).await.unwrap(), Denial::OutOfBand);
    assert!(p.server.pending_authorization(&token).await.is_err(), "discarded");
    let (token, _) = initiate(&p, "https://client.test").await;
    let page = p.server.pending_authorization(&token).await.unwrap();
    let Denial::Redirect(to) = p.server.deny(&token, &page.anti_forgery.proof()).await.unwrap() else { panic!() };
    assert_eq!(
        to,
        "https://client.test?error=access_denied&error_description=The%20resource%20owner%20or%20authorization%20server%20denied%20the%20request"
    );
    let e = p.server.grant(&token, "1", &page.anti_forgery.proof()).await.unwrap_err();
    assert_eq!(e.code(), "invalid_token", "a denied request cannot be granted");
}

#[tokio::test]
async fn grant_gives_the_verifier_once_at_the_callback_or_out_of_band() {
    let p = Provider::new();
    let (token, _) = initiate(&p, "oob").await;
    let pending = p.server.pending_authorization(&token).await.unwrap();
    assert_eq!((pending.client.name.as_str(), pending.callback.as_str()), ("Authlib test client", "oob"));
    // `oob` hands the verifier back for display; Authlib redirects to the client's default URI
    // (a relative URL when that is empty) instead.
    let proof = pending.anti_forgery.proof();
    let Grant::OutOfBand { token: t, verifier } = p.server.grant(&token, "1", &proof).await.unwrap() else { panic!() };
    assert_eq!((t.as_str(), verifier.len()), (token.as_str(), 32));
    // Authorized at most once (Authlib lets the owner authorize the same credentials again).
    assert_eq!(p.server.grant(&token, "2", &proof).await.unwrap_err().code(), "invalid_token");
    assert!(p.server.pending_authorization(&token).await.is_err());
    // The callback's own query and fragment are kept (as Authlib keeps them).
    let (token, _) = initiate(&p, "https://client.test/ready?x=1&next=%2Fhome#frag").await;
    let Grant::Redirect(to) = grant(&p.server, &token, "1").await.unwrap() else { panic!() };
    assert!(
        to.starts_with(&format!("https://client.test/ready?x=1&next=%2Fhome&oauth_token={token}&oauth_verifier=")),
        "{to}"
    );
    assert!(to.ends_with("#frag"));
}

/// Cross-site request forgery of the consent decision: a POST from another site (no cookie, no
/// page) must not get a verifier, and a forged `deny` must not destroy credentials the user
/// authorized.
#[tokio::test]
async fn consent_decisions_need_the_pages_anti_forgery_values() {
    let p = Provider::new();
    let (token, secret) = initiate(&p, "oob").await;
    let page = p.server.pending_authorization(&token).await.unwrap();
    let af = &page.anti_forgery;
    // The attacker's own view of the page for the same token: valid values, another browser.
    let attackers = p.server.pending_authorization(&token).await.unwrap().anti_forgery;
    for (cookie_value, form_value) in [
        ("", ""),
        ("", af.form_value()),
        (af.cookie_value(), ""),
        (af.cookie_value(), attackers.form_value()),
        (attackers.cookie_value(), af.form_value()),
        (af.cookie_value(), "x"),
    ] {
        let proof = ConsentProof::new(cookie_value, form_value);
        let e = p.server.grant(&token, "victim", &proof).await.unwrap_err();
        assert_eq!((e.status().as_u16(), e.code()), (403, "invalid_consent"));
        let e = p.server.deny(&token, &proof).await.unwrap_err();
        assert_eq!((e.status().as_u16(), e.code()), (403, "invalid_consent"));
    }
    let pending = p.store.temporary(&token).await.unwrap().unwrap();
    assert!(pending.authorization.is_none(), "nothing changed");
    // The page's own values: granted. A later deny, even with valid values, is refused and the
    // grant stands.
    let Grant::OutOfBand { verifier, .. } = p.server.grant(&token, "alice", &af.proof()).await.unwrap() else {
        panic!()
    };
    let e = p.server.deny(&token, &af.proof()).await.unwrap_err();
    assert_eq!(e.code(), "invalid_token");
    let e = p.server.deny(&token, &attackers.proof()).await.unwrap_err();
    assert_eq!(e.code(), "invalid_token");
    let req = signer().token(&token, &secret).verifier(&verifier).sign(request("POST", TOKEN, None)).unwrap();
    assert_eq!(p.server.token_credentials(&req).await.unwrap().status(), 200, "the grant was not destroyed");
}

/// A planted cookie: the attacker's own anti-forgery pair (its cookie planted in the victim's
/// browser) is worthless once the page is bound to the victim's session.
#[tokio::test]
async fn consent_bound_to_a_session_refuses_a_planted_pair() {
    let p = Provider::new();
    let (token, _) = initiate(&p, "oob").await;
    let attackers = p.server.pending_authorization_in_session(&token, "mallory-session").await.unwrap();
    let planted = attackers.anti_forgery.proof().in_session("victim-session");
    let e = p.server.grant(&token, "victim", &planted).await.unwrap_err();
    assert_eq!(e.code(), "invalid_consent");
    // Unbound values are refused in a session too, and bound ones outside it.
    let unbound = p.server.pending_authorization(&token).await.unwrap();
    assert!(
        p.server.grant(&token, "victim", &unbound.anti_forgery.proof().in_session("victim-session")).await.is_err()
    );
    let victims = p.server.pending_authorization_in_session(&token, "victim-session").await.unwrap();
    assert!(p.server.grant(&token, "victim", &victims.anti_forgery.proof()).await.is_err());
    // The victim's own page, in the victim's session: granted.
    let proof = victims.anti_forgery.proof().in_session("victim-session");
    assert!(matches!(p.server.grant(&token, "victim", &proof).await.unwrap(), Grant::OutOfBand { .. }));
}

#[tokio::test]
async fn granted_user_ids_are_bounded() {
    let p = Provider::new();
    let (token, _) = initiate(&p, "oob").await;
    let page = p.server.pending_authorization(&token).await.unwrap();
    for user in [String::new(), "u".repeat(oauth1::server::MAX_USER_ID_LEN + 1)] {
        let e = p.server.grant(&token, &user, &page.anti_forgery.proof()).await.unwrap_err();
        assert_eq!(e.status(), 400);
    }
    assert!(p.server.grant(&token, &"u".repeat(256), &page.anti_forgery.proof()).await.is_ok());
}

// ---- Token credentials (§2.3; the cases of Authlib's token credential tests) ----

#[tokio::test]
async fn incomplete_or_unauthenticated_token_requests_leave_the_credentials_usable() {
    let p = Provider::new();
    prepare(&p).await;
    let post = |body: &str| request("POST", TOKEN, Some(body));
    let e = p.server.token_credentials(&post("")).await.unwrap_err();
    assert!(e.description().unwrap().contains("oauth_consumer_key"));
    let e = p.server.token_credentials(&post("oauth_consumer_key=client")).await.unwrap_err();
    assert!(e.description().unwrap().contains("oauth_token"));
    // No verifier. The credentials survive an unauthenticated failure (Authlib deletes the
    // temporary credentials on every failure).
    let e = p.server.token_credentials(&post("oauth_consumer_key=client&oauth_token=abc")).await.unwrap_err();
    assert!(e.description().unwrap().contains("oauth_verifier"));
    // Fully signed: an unknown consumer, then an unknown token.
    let req = oauth1::sign::Signer::new("a", "x")
        .timestamp(NOW)
        .token("abc", "abc-secret")
        .verifier("abc-verifier")
        .sign(request("POST", TOKEN, None))
        .unwrap();
    assert_eq!(p.server.token_credentials(&req).await.unwrap_err().code(), "invalid_client");
    let req = signer().token("a", "x").verifier("abc-verifier").sign(request("POST", TOKEN, None)).unwrap();
    assert_eq!(p.server.token_credentials(&req).await.unwrap_err().code(), "invalid_token");
    // A protocol parameter in two transports.
    let e = p
        .server
        .token_credentials(&request(
            "POST",
            "http://localhost/oauth/token?oauth_consumer_key=client",
            Some("oauth_consumer_key=client&oauth_token=abc&oauth_verifier=abc"),
        ))
        .await
        .unwrap_err();
    assert_eq!(e.code(), "duplicated_oauth_protocol_parameter");
    // A bad signature; the credentials still work afterwards (Authlib would have deleted them).
    let bad = request(
        "POST",
        TOKEN,
        Some(
            "oauth_consumer_key=client&oauth_signature_method=PLAINTEXT&oauth_token=abc&oauth_verifier=abc-verifier&oauth_signature=invalid-signature",
        ),
    );
    assert_eq!(p.server.token_credentials(&bad).await.unwrap_err().code(), "invalid_signature");
    // PLAINTEXT in the header: accepted.
    let mut req = request("POST", TOKEN, None);
    req.headers_mut().insert(
        "authorization",
        "OAuth oauth_consumer_key=\"client\",oauth_signature_method=\"PLAINTEXT\",oauth_token=\"abc\",oauth_verifier=\"abc-verifier\",oauth_signature=\"secret&abc-secret\""
            .parse()
            .unwrap(),
    );
    let res = p.server.token_credentials(&req).await.unwrap();
    let f = form(res.body());
    assert!(f.contains_key("oauth_token") && f.contains_key("oauth_token_secret"));
    assert_eq!(res.headers()["cache-control"], "no-store");
    // Single use.
    assert_eq!(p.server.token_credentials(&req).await.unwrap_err().code(), "invalid_token");
}

#[tokio::test]
async fn a_wrong_verifier_from_the_signing_client_discards_the_credentials() {
    let p = Provider::new();
    prepare(&p).await;
    let req = signer().token("abc", "abc-secret").verifier("abc").sign(request("POST", TOKEN, None)).unwrap();
    let e = p.server.token_credentials(&req).await.unwrap_err();
    assert_eq!((e.status().as_u16(), e.problem()), (401, "verifier_invalid"));
    // An authenticated client guessing verifiers loses the credentials.
    let req = signer().token("abc", "abc-secret").verifier("abc-verifier").sign(request("POST", TOKEN, None)).unwrap();
    assert_eq!(p.server.token_credentials(&req).await.unwrap_err().code(), "invalid_token");
}

#[tokio::test]
async fn hmac_and_rsa_token_requests_are_accepted_once() {
    let p = Provider::new();
    prepare(&p).await;
    let req = signer()
        .token("abc", "abc-secret")
        .verifier("abc-verifier")
        .nonce("hmac-sha1-nonce")
        .sign(request("POST", TOKEN, None))
        .unwrap();
    assert!(p.server.token_credentials(&req).await.is_ok());
    prepare(&p).await;
    assert_eq!(p.server.token_credentials(&req).await.unwrap_err().code(), "invalid_nonce");
    let req = signer()
        .method(rsa_sha1())
        .token("abc", "abc-secret")
        .verifier("abc-verifier")
        .nonce("rsa-sha1-nonce")
        .sign(request("POST", TOKEN, None))
        .unwrap();
    let mut tampered = req.clone();
    let h = req.headers()["authorization"].to_str().unwrap().replace("rsa-sha1-nonce", "alt-sha1-nonce");
    tampered.headers_mut().insert("authorization", h.parse().unwrap());
    assert_eq!(p.server.token_credentials(&tampered).await.unwrap_err().code(), "invalid_signature");
    assert!(p.server.token_credentials(&req).await.is_ok());
}

#[tokio::test]
async fn token_endpoint_binds_consumer_and_method() {
    let p = Provider::with_config(|c| c.with_token_response(|t| vec![("user_id".into(), t.user_id.clone())]));
    prepare(&p).await;
    // client2 cannot redeem client's temporary credentials, even knowing their secret (Authlib
    // does not bind temporary credentials to the consumer they were issued to).
    let req = oauth1::sign::Signer::new("client2", "secret2")
        .timestamp(NOW)
        .token("abc", "abc-secret")
        .verifier("abc-verifier")
        .sign(request("POST", TOKEN, None))
        .unwrap();
    assert_eq!(p.server.token_credentials(&req).await.unwrap_err().code(), "invalid_token");
    // POST only (Authlib's token endpoint takes any method).
    let get = signer().token("abc", "abc-secret").verifier("abc-verifier").sign(request("GET", TOKEN, None)).unwrap();
    assert_eq!(p.server.token_credentials(&get).await.unwrap_err().status(), 405);
    // The hook adds parameters.
    let req = signer().token("abc", "abc-secret").verifier("abc-verifier").sign(request("POST", TOKEN, None)).unwrap();
    let res = p.server.token_credentials(&req).await.unwrap();
    assert_eq!(form(res.body())["user_id"], "1");
}

#[tokio::test]
async fn temporary_credentials_expire() {
    let p = Provider::new();
    let (token, secret) = initiate(&p, "oob").await;
    let Grant::OutOfBand { verifier, .. } = grant(&p.server, &token, "1").await.unwrap() else { panic!() };
    p.clock.advance(601);
    let req = signer()
        .timestamp(NOW + 601)
        .token(&token, &secret)
        .verifier(&verifier)
        .sign(request("POST", TOKEN, None))
        .unwrap();
    assert_eq!(p.server.token_credentials(&req).await.unwrap_err().code(), "invalid_token");
}

// ---- Protected resources (§3; the cases of Authlib's resource protector tests) ----

#[tokio::test]
async fn protected_requests_need_every_required_parameter_and_known_credentials() {
    let p = Provider::new().with_token().await;
    let rp = p.server.resource_protector();
    let e = rp.verify(&request("GET", USER, None), Scope::Token).await.unwrap_err();
    assert!(e.description().unwrap().contains("oauth_consumer_key"));
    let e = rp
        .verify(&request("GET", "http://localhost/user?oauth_consumer_key=client", None), Scope::Token)
        .await
        .unwrap_err();
    assert!(e.description().unwrap().contains("oauth_token"));
    let e = rp
        .verify(
            &request("GET", "http://localhost/user?oauth_consumer_key=client&oauth_token=valid-token", None),
            Scope::Token,
        )
        .await
        .unwrap_err();
    assert!(e.description().unwrap().contains("oauth_timestamp"));
    let req = signer().token("a", "x").sign(request("GET", USER, None)).unwrap();
    assert_eq!(rp.verify(&req, Scope::Token).await.unwrap_err().code(), "invalid_token");
    let req = oauth1::sign::Signer::new("a", "x")
        .timestamp(NOW)
        .token("valid-token", "valid-token-secret")
        .sign(request("GET", USER, None))
        .unwrap();
    assert_eq!(rp.verify(&req, Scope::Token).await.unwrap_err().code(), "invalid_client");
}

#[tokio::test]
async fn protected_requests_verify_with_each_method_and_refuse_replays() {
    let p = Provider::new().with_token().await;
    let rp = p.server.resource_protector();
    // PLAINTEXT in the header: accepted; with a wrong token secret, refused.
    let mut req = request("GET", USER, None);
    req.headers_mut().insert(
        "authorization",
        "OAuth oauth_consumer_key=\"client\",oauth_signature_method=\"PLAINTEXT\",oauth_token=\"valid-token\",oauth_signature=\"secret&valid-token-secret\""
            .parse()
            .unwrap(),
    );
    let who = rp.verify(&req, Scope::Token).await.unwrap();
    assert_eq!((who.consumer_key(), who.user_id(), who.token()), (CLIENT, Some("1"), Some("valid-token")));
    let h = req.headers()["authorization"].to_str().unwrap().replace("valid-token-secret", "invalid");
    req.headers_mut().insert("authorization", h.parse().unwrap());
    assert_eq!(rp.verify(&req, Scope::Token).await.unwrap_err().code(), "invalid_signature");
    // HMAC-SHA1: accepted, then refused when replayed, with the realm in `WWW-Authenticate`.
    let req = signer()
        .token("valid-token", "valid-token-secret")
        .nonce("hmac-sha1-nonce")
        .sign(request("GET", USER, None))
        .unwrap();
    assert!(rp.verify(&req, Scope::Token).await.is_ok());
    let e = rp.verify(&req, Scope::Token).await.unwrap_err();
    assert_eq!(e.code(), "invalid_nonce");
    let res = rp.error_response(&e);
    assert_eq!(res.headers()["www-authenticate"], "OAuth realm=\"Photos\"");
    // RSA-SHA1: a changed nonce breaks the signature; the untouched request is then accepted.
    let req = signer()
        .method(rsa_sha1())
        .token("valid-token", "valid-token-secret")
        .nonce("rsa-sha1-nonce")
        .sign(request("GET", USER, None))
        .unwrap();
    let mut tampered = req.clone();
    let h = req.headers()["authorization"].to_str().unwrap().replace("rsa-sha1-nonce", "alt-sha1-nonce");
    tampered.headers_mut().insert("authorization", h.parse().unwrap());
    assert_eq!(rp.verify(&tampered, Scope::Token).await.unwrap_err().code(), "invalid_signature");
    assert!(rp.verify(&req, Scope::Token).await.is_ok());
}

#[tokio::test]
async fn every_transport_and_method_is_accepted() {
    let p = Provider::new().with_token().await;
    let rp = p.server.resource_protector();
    for transport in [Transport::Header, Transport::Query, Transport::Body] {
        for method in [
            SigningMethod::Hmac(Algorithm::Sha1),
            SigningMethod::Hmac(Algorithm::Sha256),
            SigningMethod::Hmac(Algorithm::Sha512),
            SigningMethod::Plaintext,
            rsa_sha1(),
            SigningMethod::Rsa(Algorithm::Sha256, Box::new(rsa_pair().0)),
        ] {
            let req = signer()
                .token("valid-token", "valid-token-secret")
                .method(method.clone())
                .transport(transport)
                .sign(request("POST", "http://localhost/user?file=vacation.jpg&size=original", Some("a=1&a=2")))
                .unwrap();
            let who = rp.verify(&req, Scope::Token).await.unwrap_or_else(|e| panic!("{transport:?} {method:?}: {e}"));
            assert_eq!(who.signature_method(), method.name());
        }
    }
}

#[tokio::test]
async fn tokens_are_bound_to_their_client_and_revocable() {
    let p = Provider::new().with_token().await;
    let rp = p.server.resource_protector();
    let req = oauth1::sign::Signer::new("client2", "secret2")
        .timestamp(NOW)
        .token("valid-token", "valid-token-secret")
        .sign(request("GET", USER, None))
        .unwrap();
    assert_eq!(rp.verify(&req, Scope::Token).await.unwrap_err().code(), "invalid_token");
    assert!(p.store.revoke_token("valid-token").await.unwrap());
    let req = signer().token("valid-token", "valid-token-secret").sign(request("GET", USER, None)).unwrap();
    assert_eq!(rp.verify(&req, Scope::Token).await.unwrap_err().code(), "invalid_token");
}

#[tokio::test]
async fn consumer_only_requests() {
    let p = Provider::new();
    let rp = p.server.resource_protector();
    // An LTI 1.1 launch: form POST, consumer key only, `oauth_callback=about:blank`.
    let req = signer()
        .transport(Transport::Body)
        .callback("about:blank")
        .sign(request(
            "POST",
            "http://localhost/lti/launch",
            Some("lti_message_type=basic-lti-launch-request&user_id=42"),
        ))
        .unwrap();
    let who = rp.verify(&req, Scope::ConsumerOnly).await.unwrap();
    assert_eq!((who.consumer_key(), who.token(), who.user_id()), (CLIENT, None, None));
    assert_eq!(rp.verify(&req, Scope::ConsumerOnly).await.unwrap_err().code(), "invalid_nonce");
    // Token-less requests are not accepted where a token is required, and vice versa.
    let req = signer().sign(request("GET", USER, None)).unwrap();
    assert_eq!(rp.verify(&req, Scope::Token).await.unwrap_err().code(), "missing_required_parameter");
    let req = signer().token("t", "s").sign(request("GET", USER, None)).unwrap();
    assert_eq!(rp.verify(&req, Scope::ConsumerOnly).await.unwrap_err().code(), "unsupported_parameter");
}

#[tokio::test]
async fn body_hash_is_checked() {
    let p = Provider::new().with_token().await;
    let rp = p.server.resource_protector();
    let json = |body: &str| {
        http::Request::post("http://localhost/outcomes")
            .header("content-type", "application/json")
            .body(body.as_bytes().to_vec())
            .unwrap()
    };
    let req = signer().token("valid-token", "valid-token-secret").body_hash(true).sign(json(r#"{"a":1}"#)).unwrap();
    assert!(rp.verify(&req, Scope::Token).await.is_ok());
    let mut tampered =
        signer().token("valid-token", "valid-token-secret").body_hash(true).sign(json(r#"{"a":1}"#)).unwrap();
    *tampered.body_mut() = br#"{"a":2}"#.to_vec();
    let e = rp.verify(&tampered, Scope::Token).await.unwrap_err();
    assert_eq!((e.status().as_u16(), e.code()), (401, "invalid_signature"));
    // Required: a non-form body without a hash is refused.
    let strict = Provider::with_config(|c| c.require_body_hash(true)).with_token().await;
    let req = signer().token("valid-token", "valid-token-secret").sign(json("{}")).unwrap();
    assert_eq!(
        strict.server.resource_protector().verify(&req, Scope::Token).await.unwrap_err().code(),
        "missing_required_parameter"
    );
}

#[tokio::test]
async fn header_only_verification_fails_closed_on_form_bodies() {
    let p = Provider::new().with_token().await;
    let rp = p.server.resource_protector();
    let req = signer().token("valid-token", "valid-token-secret").sign(request("POST", USER, Some("a=1"))).unwrap();
    let mut with_length = req.clone();
    with_length.headers_mut().insert("content-length", "3".parse().unwrap());
    let head = |req: &http::Request<Vec<u8>>| req.clone().into_parts().0;
    assert_eq!(rp.verify_head(&head(&with_length), BodyHint::Empty, Scope::Token).await.unwrap_err().status(), 400);
    let req = signer()
        .token("valid-token", "valid-token-secret")
        .sign(request("GET", "http://localhost/user?x=1", None))
        .unwrap();
    assert!(rp.verify_head(&head(&req), BodyHint::Empty, Scope::Token).await.is_ok());
}

#[tokio::test]
async fn unauthenticated_requests_do_not_burn_nonces() {
    // The nonce is recorded only after the signature verified (Authlib records it before).
    let p = Provider::new().with_token().await;
    let rp = p.server.resource_protector();
    let good =
        signer().token("valid-token", "valid-token-secret").nonce("n1").sign(request("GET", USER, None)).unwrap();
    let bad = oauth1::sign::Signer::new(CLIENT, "wrong")
        .timestamp(NOW)
        .token("valid-token", "valid-token-secret")
        .nonce("n1")
        .sign(request("GET", USER, None))
        .unwrap();
    assert_eq!(rp.verify(&bad, Scope::Token).await.unwrap_err().code(), "invalid_signature");
    assert_eq!(p.store.nonce_count(), 0);
    assert!(rp.verify(&good, Scope::Token).await.is_ok());
}

#[tokio::test]
async fn unknown_consumer_and_bad_signature_look_alike() {
    let p = Provider::new().with_token().await;
    let rp = p.server.resource_protector();
    let unknown = oauth1::sign::Signer::new("nobody", "x")
        .timestamp(NOW)
        .token("valid-token", "valid-token-secret")
        .sign(request("GET", USER, None))
        .unwrap();
    let bad_sig = oauth1::sign::Signer::new(CLIENT, "x")
        .timestamp(NOW)
        .token("valid-token", "valid-token-secret")
        .sign(request("GET", USER, None))
        .unwrap();
    let a = rp.error_response(&rp.verify(&unknown, Scope::Token).await.unwrap_err());
    let b = rp.error_response(&rp.verify(&bad_sig, Scope::Token).await.unwrap_err());
    assert_eq!(a.status(), b.status());
    let keys = |r: &http::Response<Vec<u8>>| {
        let mut k: Vec<String> = form(r.body()).into_keys().collect();
        k.sort();
        k
    };
    assert_eq!(keys(&a), keys(&b));
    let headers = |r: &http::Response<Vec<u8>>| {
        let mut h: Vec<String> = r.headers().keys().map(|k| k.to_string()).collect();
        h.sort();
        h
    };
    assert_eq!(headers(&a), headers(&b));
}

// ---- Stores failing and racing ----

struct DownNonces;

#[async_trait]
impl NonceStore for DownNonces {
    async fn check_and_insert(&self, _: &NonceKey<'_>, _: u64) -> Result<NonceCheck, StoreError> {
        Err(StoreError::unavailable("connection refused"))
    }
}

#[tokio::test]
async fn a_failing_store_is_503_never_acceptance() {
    let p = Provider::new().with_token().await;
    let mut stores = Stores::single(p.store.clone());
    stores.nonces = Arc::new(DownNonces);
    let config = Config::default().with_clock(p.clock.clone());
    let server = AuthorizationServer::new(stores, config);
    let req = signer().token("valid-token", "valid-token-secret").sign(request("GET", USER, None)).unwrap();
    let e = server.resource_protector().verify(&req, Scope::Token).await.unwrap_err();
    assert_eq!((e.status().as_u16(), e.code()), (503, "temporarily_unavailable"));
    // The store's own message stays in the error's cause, for logs; the client never sees it.
    let body = String::from_utf8(server.error_response(&e).into_body()).unwrap();
    assert!(!body.contains("connection refused"), "{body}");
    let cause = std::error::Error::source(&e).map(ToString::to_string).unwrap_or_default();
    assert!(cause.contains("connection refused"), "{cause}");
    let req = signer().callback("oob").sign(request("POST", INITIATE, None)).unwrap();
    assert_eq!(server.temporary_credentials(&req).await.unwrap_err().status(), 503);
    assert_eq!(p.store.temporary_count(), 0, "nothing was issued");
}

/// A resource server needs no temporary-credential store: protected requests verify, and the
/// authorization endpoints it does not serve answer 503.
#[tokio::test]
async fn a_resource_server_needs_no_temporary_credential_store() {
    let p = Provider::new().with_token().await;
    let stores = Stores::resource_only(p.store.clone(), p.store.clone(), p.store.clone());
    let server = AuthorizationServer::new(stores, Config::default().with_clock(p.clock.clone()));
    let req = signer().token("valid-token", "valid-token-secret").sign(request("GET", USER, None)).unwrap();
    assert_eq!(server.resource_protector().verify(&req, Scope::Token).await.unwrap().user_id(), Some("1"));
    let req = signer().callback("oob").sign(request("POST", INITIATE, None)).unwrap();
    assert_eq!(server.temporary_credentials(&req).await.unwrap_err().status(), 503);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_same_request_sixty_four_times_is_accepted_once() {
    let p = Provider::new().with_token().await;
    let rp = p.server.resource_protector();
    let req = Arc::new(signer().token("valid-token", "valid-token-secret").sign(request("GET", USER, None)).unwrap());
    let tasks: Vec<_> = (0..64)
        .map(|_| {
            let (rp, req) = (rp.clone(), req.clone());
            tokio::spawn(async move { rp.verify(&req, Scope::Token).await.is_ok() })
        })
        .collect();
    assert_eq!(winners(tasks).await, 1, "exactly one of the racing tasks wins");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixteen_exchanges_issue_one_token() {
    for _ in 0..20 {
        let p = Provider::new();
        prepare(&p).await;
        let tasks: Vec<_> = (0..16)
            .map(|i| {
                let server = p.server.clone();
                // Distinct nonces: every request is individually valid.
                let req = signer()
                    .token("abc", "abc-secret")
                    .verifier("abc-verifier")
                    .nonce(format!("n{i}"))
                    .sign(request("POST", TOKEN, None))
                    .unwrap();
                tokio::spawn(async move { server.token_credentials(&req).await.is_ok() })
            })
            .collect();
        assert_eq!(winners(tasks).await, 1, "exactly one of the racing tasks wins");
    }
}

// ---- The whole three-legged flow ----

#[tokio::test]
async fn three_legged_flow() {
    let p = Provider::new();
    let (token, secret) = initiate(&p, "https://client.test/ready?x=a%20b").await;
    let Grant::Redirect(to) = grant(&p.server, &token, "alice").await.unwrap() else { panic!() };
    let verifier = to.split("oauth_verifier=").nth(1).unwrap().to_owned();
    let req = signer().token(&token, &secret).verifier(&verifier).sign(request("POST", TOKEN, None)).unwrap();
    let f = form(p.server.token_credentials(&req).await.unwrap().body());
    let req = signer()
        .token(&f["oauth_token"], &f["oauth_token_secret"])
        .sign(request("GET", "http://localhost/photos?file=vacation.jpg", None))
        .unwrap();
    let who = p.server.resource_protector().verify(&req, Scope::Token).await.unwrap();
    assert_eq!(who.user_id(), Some("alice"));
}

/// `Authenticated` says when a signature only matched through the double-decoding interop
/// fallback (requests-oauthlib signs `oauth_*` values decoded twice), and the fallback can be
/// turned off.
#[tokio::test]
async fn authenticated_reports_the_interop_fallback() {
    // Signed over the nonce "abcA"; sent as "abc%2541", which decodes once to "abc%41".
    let sign = || {
        let req = signer().token("valid-token", "valid-token-secret").nonce("abcA").sign(request("GET", USER, None));
        let mut req = req.unwrap();
        let h = req.headers()["authorization"].to_str().unwrap().replace("\"abcA\"", "\"abc%2541\"");
        req.headers_mut().insert("authorization", h.parse().unwrap());
        req
    };
    let p = Provider::new().with_token().await;
    let who = p.server.resource_protector().verify(&sign(), Scope::Token).await.unwrap();
    assert!(who.interop_fallback());
    assert_eq!((who.user_id(), who.client().consumer_key.as_str()), (Some("1"), CLIENT));
    assert_eq!(who.token_credentials().map(|t| t.token.as_str()), Some("valid-token"));

    let plain = signer().token("valid-token", "valid-token-secret").sign(request("GET", USER, None)).unwrap();
    assert!(!p.server.resource_protector().verify(&plain, Scope::Token).await.unwrap().interop_fallback());

    let strict =
        Provider::with_config(|c| c.with_interop_fallback(oauth1::signature::InteropFallback::Off)).with_token().await;
    assert_eq!(
        strict.server.resource_protector().verify(&sign(), Scope::Token).await.unwrap_err().code(),
        "invalid_signature"
    );
}
