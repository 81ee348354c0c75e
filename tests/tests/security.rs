//! Regression tests for the attack report of 2026-12 (shared/docs/attack-report-2026-12.md):
//! each failed on the code the attack ran against.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, missing_docs)]

use oauth1::request::ParseOptions;
use oauth1::server::Scope;
use oauth1::sign::{Signer, SigningMethod};
use oauth1::signature::{HMAC_SHA1, PLAINTEXT, SignatureMethod, VerifyingKeys};
use oauth1::{ErrorKind, SignedRequest};
use oauth1_tests::*;
use proptest::prelude::*;

const INITIATE: &str = "http://localhost/oauth/initiate";
const PHOTOS: &str = "http://localhost/photos?file=vacation.jpg";

// ---- 1. A client without a shared secret cannot be impersonated with an empty key ----

#[tokio::test]
async fn rsa_only_client_refuses_hmac_and_plaintext_with_an_empty_secret() {
    let p = Provider::new();
    for method in [SigningMethod::Hmac(oauth1::signature::Algorithm::Sha1), SigningMethod::Plaintext] {
        let req = Signer::new(RSA_ONLY, "")
            .method(method)
            .timestamp(NOW)
            .callback("http://evil.example/steal")
            .sign(request("POST", INITIATE, None))
            .unwrap();
        let e = p.server.temporary_credentials(&req).await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::UnsupportedSignatureMethod, "{e:?}");
    }
    // PLAINTEXT's signature `%26` (`&`) written by hand, as the attacker sent it.
    let mut req = request("POST", INITIATE, None);
    req.headers_mut().insert(
        "authorization",
        format!(
            "OAuth oauth_consumer_key=\"{RSA_ONLY}\", oauth_signature_method=\"PLAINTEXT\", \
             oauth_callback=\"oob\", oauth_signature=\"%26\""
        )
        .parse()
        .unwrap(),
    );
    assert!(p.server.temporary_credentials(&req).await.is_err());
    // Its own RSA signature works.
    let req = Signer::new(RSA_ONLY, "")
        .method(rsa_sha1())
        .timestamp(NOW)
        .callback("oob")
        .sign(request("POST", INITIATE, None))
        .unwrap();
    assert_eq!(p.server.temporary_credentials(&req).await.unwrap().status(), 200);
}

#[test]
fn shared_secret_methods_refuse_an_empty_consumer_secret() {
    let req = Signer::new("k", "").timestamp(NOW).sign(request("GET", PHOTOS, None)).unwrap();
    let signed = SignedRequest::parse(&req, &ParseOptions::default()).unwrap();
    let keys = VerifyingKeys { consumer_secret: "", token_secret: "", rsa_public_keys: &[] };
    // The signature is right for the key `&`, and still refused.
    assert_eq!(HMAC_SHA1.sign(&signed.base_string(), "", ""), signed.signature().unwrap());
    assert!(!HMAC_SHA1.verify(&signed.base_string(), signed.signature().unwrap(), &keys));
    assert!(!PLAINTEXT.verify(&signed.base_string(), "&", &keys));
    // With a token secret but no consumer secret: refused too.
    let keys = VerifyingKeys { consumer_secret: "", token_secret: "t", rsa_public_keys: &[] };
    assert!(!PLAINTEXT.verify(&signed.base_string(), "&t", &keys));
}

#[test]
fn an_empty_secret_is_no_secret() {
    assert!(oauth1::store::Client::new("k", "").shared_secret().is_none());
    assert!(oauth1::store::Client::new("k", "s").shared_secret().is_some());
}

// ---- 2. No replay through the interop fallback ----

/// Replaces the `oauth_nonce="…"` of a signed request's header with `wire`.
fn with_nonce(req: &http::Request<Vec<u8>>, wire: &str) -> http::Request<Vec<u8>> {
    let header = req.headers()["authorization"].to_str().unwrap();
    let start = header.find("oauth_nonce=\"").unwrap() + "oauth_nonce=\"".len();
    let end = start + header[start..].find('"').unwrap();
    let replaced = format!("{}{wire}{}", &header[..start], &header[end..]);
    let mut out = request(req.method().as_str(), &req.uri().to_string(), None);
    *out.headers_mut() = req.headers().clone();
    out.headers_mut().insert("authorization", replaced.parse().unwrap());
    *out.body_mut() = req.body().clone();
    out
}

#[tokio::test]
async fn a_re_encoded_nonce_is_a_replay_at_the_resource() {
    let p = Provider::new().with_token().await;
    let protector = p.server.resource_protector();
    let req = signer()
        .token("valid-token", "valid-token-secret")
        .nonce("abc123nonce")
        .sign(request("GET", PHOTOS, None))
        .unwrap();
    assert!(protector.verify(&req, Scope::Token).await.is_ok());
    for wire in ["%2561bc123nonce", "%2561%2562c123nonce", "abc123non%2563e", "%61bc123nonce"] {
        let e = protector.verify(&with_nonce(&req, wire), Scope::Token).await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidNonce, "{wire}: {e:?}");
    }
}

#[tokio::test]
async fn a_re_encoded_nonce_is_a_replay_at_initiate() {
    let p = Provider::new();
    let req = signer().nonce("abc123nonce").callback("oob").sign(request("POST", INITIATE, None)).unwrap();
    assert_eq!(p.server.temporary_credentials(&req).await.unwrap().status(), 200);
    let before = p.store.temporary_count();
    let e = p.server.temporary_credentials(&with_nonce(&req, "%2561bc123nonce")).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidNonce);
    assert_eq!(p.store.temporary_count(), before, "no new temporary credentials");
}

/// A client with the requests-oauthlib quirk: it signs the `oauth_*` values decoded twice. Its
/// own request passes through the fallback; a re-encoding of it is still the same nonce.
#[tokio::test]
async fn a_request_accepted_through_the_fallback_cannot_be_replayed_re_encoded() {
    let p = Provider::new().with_token().await;
    let protector = p.server.resource_protector();
    // Signed with the nonce `abc`, sent as `%2561bc` (decoded once: `%61bc`).
    let original =
        signer().token("valid-token", "valid-token-secret").nonce("abc").sign(request("GET", PHOTOS, None)).unwrap();
    let quirky = with_nonce(&original, "%2561bc");
    let who = protector.verify(&quirky, Scope::Token).await.unwrap();
    assert!(who.interop_fallback());
    for wire in ["abc", "%61bc", "%2561bc", "a%2562c", "%2561%2562%2563"] {
        let e = protector.verify(&with_nonce(&original, wire), Scope::Token).await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidNonce, "{wire}");
    }
}

/// One character of a nonce written on the wire so that it decodes to itself once
/// (`c`, `%XX`) or twice (`%25XX`).
fn spellings(c: char) -> Vec<String> {
    let hex = |b: u8| format!("%{b:02X}");
    let mut out = Vec::new();
    let mut buf = [0u8; 4];
    let bytes = c.encode_utf8(&mut buf).as_bytes().to_vec();
    if c.is_ascii_alphanumeric() {
        out.push(c.to_string());
    }
    out.push(bytes.iter().map(|&b| hex(b)).collect());
    out.push(bytes.iter().map(|&b| format!("%25{:02X}", b)).collect());
    out.push(bytes.iter().map(|&b| format!("%{:02x}", b)).collect());
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// No two distinct wire requests that verify share a base string yet get distinct nonce
    /// keys: whatever spelling of a captured request's nonce is sent, once the original was
    /// accepted, every spelling that verifies is refused as a replay.
    #[test]
    fn every_spelling_of_a_used_nonce_is_a_replay(
        nonce in "[a-zA-Z0-9%é]{1,8}",
        picks in proptest::collection::vec(proptest::collection::vec(0usize..4, 1..12), 1..12),
    ) {
        let p = ready(Provider::new().with_token());
        let protector = p.server.resource_protector();
        let original = signer()
            .token("valid-token", "valid-token-secret")
            .nonce(nonce.clone())
            .sign(request("GET", PHOTOS, None))
            .unwrap();
        prop_assert!(ready(protector.verify(&original, Scope::Token)).is_ok());
        for pick in picks {
            let wire: String = nonce
                .chars()
                .zip(pick.iter().cycle())
                .map(|(c, i)| {
                    let s = spellings(c);
                    s[i % s.len()].clone()
                })
                .collect();
            let result = ready(protector.verify(&with_nonce(&original, &wire), Scope::Token));
            match result {
                Ok(_) => prop_assert!(false, "{wire:?} accepted again (nonce {nonce:?})"),
                Err(e) => prop_assert!(
                    e.kind() != ErrorKind::InvalidNonce || e.status() == 401,
                    "{wire:?}: {e:?}"
                ),
            }
        }
    }
}

// ---- 3. Bounded storage ----

#[tokio::test]
async fn stored_fields_are_bounded() {
    let p = Provider::new();
    let long_realm = "r".repeat(oauth1::server::MAX_REALM_LEN + 1);
    let req = signer().realm(long_realm).callback("oob").sign(request("POST", INITIATE, None)).unwrap();
    let e = p.server.temporary_credentials(&req).await.unwrap_err();
    assert_eq!((e.status().as_u16(), e.code()), (400, "invalid_request"));
    let long_callback = format!("https://client.test?{}", "x".repeat(oauth1::server::MAX_CALLBACK_LEN));
    let req = signer().callback(long_callback).sign(request("POST", INITIATE, None)).unwrap();
    let e = p.server.temporary_credentials(&req).await.unwrap_err();
    assert_eq!((e.status().as_u16(), e.code()), (400, "invalid_request"));
    assert_eq!(p.store.temporary_count(), 0, "nothing stored");
    // At the limits: accepted.
    let realm = "r".repeat(oauth1::server::MAX_REALM_LEN);
    let req = signer().realm(realm).callback("oob").sign(request("POST", INITIATE, None)).unwrap();
    assert!(p.server.temporary_credentials(&req).await.is_ok());
}

#[tokio::test]
async fn token_credentials_can_expire() {
    let p = Provider::with_config(|c| c.with_token_lifetime(std::time::Duration::from_secs(3600)));
    let req = signer().callback("oob").sign(request("POST", INITIATE, None)).unwrap();
    let f = form(p.server.temporary_credentials(&req).await.unwrap().body());
    let oauth1::server::Grant::OutOfBand { verifier, .. } = grant(&p.server, &f["oauth_token"], "alice").await.unwrap()
    else {
        panic!()
    };
    let req = token_request(signer(), &f, &verifier);
    let access = form(p.server.token_credentials(&req).await.unwrap().body());
    let protected = |at: u64| {
        signer()
            .timestamp(at)
            .token(&access["oauth_token"], &access["oauth_token_secret"])
            .sign(request("GET", PHOTOS, None))
            .unwrap()
    };
    let protector = p.server.resource_protector();
    assert!(protector.verify(&protected(NOW), Scope::Token).await.is_ok());
    p.clock.set(NOW + 3600);
    let e = protector.verify(&protected(NOW + 3600), Scope::Token).await.unwrap_err();
    assert_eq!(e.code(), "invalid_token");
}

// ---- 4. The verifier goes only to a registered callback ----

#[tokio::test]
async fn registered_callbacks_are_enforced_by_default() {
    let p = Provider::new();
    // `client` registered https://client.test and https://client.test/ready.
    for (cb, ok) in [
        ("http://evil.example/steal", false),
        ("https://client.test.evil.example/", false),
        ("https://client.test@evil.example/", false),
        ("http://127.0.0.1:22/", false),
        ("https://client.test/ready?x=1", true),
        ("https://client.test", true),
        ("oob", true),
    ] {
        let req = signer().callback(cb).sign(request("POST", INITIATE, None)).unwrap();
        assert_eq!(p.server.temporary_credentials(&req).await.is_ok(), ok, "{cb}");
    }
    // `client2` registered none: any http(s) callback.
    let req = Signer::new("client2", "secret2")
        .timestamp(NOW)
        .callback("https://anything.test/cb")
        .sign(request("POST", INITIATE, None))
        .unwrap();
    assert!(p.server.temporary_credentials(&req).await.is_ok());
    // The old behaviour only through the named, unsafe policy.
    let p = Provider::with_config(|c| c.with_callback_policy(oauth1::server::CallbackPolicy::InsecureAnyUri));
    let req = signer().callback("http://evil.example/steal").sign(request("POST", INITIATE, None)).unwrap();
    assert!(p.server.temporary_credentials(&req).await.is_ok());
}

// ---- 6. PLAINTEXT: TLS only, and never without a nonce, by default ----

fn plaintext_provider() -> Provider {
    Provider::with_config(|_| {
        oauth1::Config::default().with_clock(oauth1::clock::ManualClock::new(NOW)).allow_signature_method("PLAINTEXT")
    })
}

#[tokio::test]
async fn plaintext_needs_https_by_default() {
    let p = plaintext_provider();
    let plain = || signer().method(SigningMethod::Plaintext).callback("oob");
    let e = p.server.temporary_credentials(&plain().sign(request("POST", INITIATE, None)).unwrap()).await.unwrap_err();
    assert_eq!((e.status().as_u16(), e.code()), (400, "unsupported_signature_method"));
    let https = plain().sign(request("POST", "https://localhost/oauth/initiate", None)).unwrap();
    let p = Provider::with_config(|_| {
        oauth1::Config::default()
            .with_clock(oauth1::clock::ManualClock::new(NOW))
            .allow_signature_method("PLAINTEXT")
            .with_origin(oauth1::Origin::fixed("https://localhost").unwrap())
    });
    assert_eq!(p.server.temporary_credentials(&https).await.unwrap().status(), 200);
}

#[tokio::test]
async fn plaintext_without_a_nonce_is_refused_by_default() {
    let p = Provider::with_config(|_| {
        oauth1::Config::default()
            .with_clock(oauth1::clock::ManualClock::new(NOW))
            .allow_signature_method("PLAINTEXT")
            .insecure_allow_plaintext_over_http()
    });
    let req = signer()
        .method(SigningMethod::Plaintext)
        .without_timestamp_and_nonce()
        .callback("oob")
        .sign(request("POST", INITIATE, None))
        .unwrap();
    let e = p.server.temporary_credentials(&req).await.unwrap_err();
    assert_eq!((e.status().as_u16(), e.code()), (400, "missing_required_parameter"));
    // With a nonce: accepted once, then a replay.
    let req = signer().method(SigningMethod::Plaintext).callback("oob").sign(request("POST", INITIATE, None)).unwrap();
    assert!(p.server.temporary_credentials(&req).await.is_ok());
    assert_eq!(p.server.temporary_credentials(&req).await.unwrap_err().code(), "invalid_nonce");
}

// ---- 10. A non-ASCII callback is redirected to, percent-encoded ----

#[tokio::test]
async fn non_ascii_callbacks_become_uris() {
    let p = Provider::new();
    let req =
        signer().callback("https://client.test/ready?name=zoë&x=日本").sign(request("POST", INITIATE, None)).unwrap();
    let f = form(p.server.temporary_credentials(&req).await.unwrap().body());
    let oauth1::server::Grant::Redirect(to) = grant(&p.server, &f["oauth_token"], "alice").await.unwrap() else {
        panic!()
    };
    assert!(to.starts_with("https://client.test/ready?name=zo%C3%AB&x=%E6%97%A5%E6%9C%AC&oauth_token="), "{to}");
    let res = oauth1::server::Grant::Redirect(to.clone()).to_response();
    assert_eq!((res.status().as_u16(), res.headers()["location"].to_str().unwrap()), (302, to.as_str()));
}

// ---- 12. Opaque errors ----

#[tokio::test]
async fn opaque_errors_do_not_tell_unknown_keys_tokens_and_signatures_apart() {
    let p = Provider::with_config(|c| c.opaque_errors(true)).with_token().await;
    let protector = p.server.resource_protector();
    let sign = |key: &str, secret: &str, token: &str, token_secret: &str| {
        Signer::new(key, secret).timestamp(NOW).token(token, token_secret).sign(request("GET", PHOTOS, None)).unwrap()
    };
    let mut answers = Vec::new();
    for req in [
        sign("unknown", "x", "valid-token", "valid-token-secret"),
        sign(CLIENT, SECRET, "unknown-token", "x"),
        sign(CLIENT, "wrong", "valid-token", "valid-token-secret"),
        sign(RSA_ONLY, "", "valid-token", "valid-token-secret"),
    ] {
        let e = protector.verify(&req, Scope::Token).await.unwrap_err();
        let res = e.to_response(None);
        answers.push((res.status().as_u16(), String::from_utf8(res.body().clone()).unwrap()));
    }
    assert!(answers.windows(2).all(|w| w[0] == w[1]), "{answers:?}");
    assert_eq!(answers[0].0, 401);
    // The right credentials still pass.
    assert!(protector.verify(&sign(CLIENT, SECRET, "valid-token", "valid-token-secret"), Scope::Token).await.is_ok());
}

// ---- Review: a token store failure at the exchange does not lose the authorization ----

/// Token credentials that cannot be stored while `down` is set.
struct FlakyTokens {
    inner: std::sync::Arc<oauth1_memory::MemoryStore>,
    down: std::sync::atomic::AtomicBool,
}

#[async_trait::async_trait]
impl oauth1::store::TokenCredentialStore for FlakyTokens {
    async fn create_token(&self, c: oauth1::store::TokenCredentials) -> Result<(), oauth1::store::StoreError> {
        if self.down.load(std::sync::atomic::Ordering::SeqCst) {
            return Err(oauth1::store::StoreError::CapacityExceeded);
        }
        self.inner.create_token(c).await
    }
    async fn token(
        &self,
        t: &str,
    ) -> Result<Option<std::sync::Arc<oauth1::store::TokenCredentials>>, oauth1::store::StoreError> {
        self.inner.token(t).await
    }
    async fn revoke_token(&self, t: &str) -> Result<bool, oauth1::store::StoreError> {
        self.inner.revoke_token(t).await
    }
}

#[tokio::test]
async fn an_exchange_that_cannot_store_its_token_can_be_retried() {
    use oauth1::store::TokenCredentialStore as _;
    let p = Provider::new();
    let flaky = std::sync::Arc::new(FlakyTokens { inner: p.store.clone(), down: true.into() });
    let mut stores = oauth1::store::Stores::single(p.store.clone());
    stores.tokens = flaky.clone();
    let server = oauth1::AuthorizationServer::new(stores, p.server.config().clone());
    let req = signer().callback("oob").sign(request("POST", INITIATE, None)).unwrap();
    let f = form(server.temporary_credentials(&req).await.unwrap().body());
    let oauth1::server::Grant::OutOfBand { verifier, .. } = grant(&server, &f["oauth_token"], "alice").await.unwrap()
    else {
        panic!()
    };
    let exchange = || {
        signer()
            .token(&f["oauth_token"], &f["oauth_token_secret"])
            .verifier(&verifier)
            .sign(request("POST", "http://localhost/oauth/token", None))
            .unwrap()
    };
    let e = server.token_credentials(&exchange()).await.unwrap_err();
    assert_eq!(e.status(), 503);
    flaky.down.store(false, std::sync::atomic::Ordering::SeqCst);
    let res = server.token_credentials(&exchange()).await.unwrap();
    assert_eq!(res.status(), 200, "the authorization survived the failed exchange");
    assert!(server.token_credentials(&exchange()).await.is_err(), "and is still single-use");
    let _ = p.store.token("x").await;
}
