//! Unit tests of the signature methods, keys and registry.

use super::keys::with_signing_key;
use super::*;

#[test]
fn secret_debug_hides_value() {
    let s = Secret::new("hunter2");
    assert_eq!(format!("{s:?}"), "Secret(..)");
    assert!(s.ct_eq("hunter2"));
    assert!(!s.ct_eq("hunter3"));
    assert!(!s.ct_eq(""));
}

#[test]
fn signing_key_on_the_stack_matches_the_allocated_one() {
    // Short keys fit the stack buffer; long ones (and ones that grow when encoded) fall back.
    for n in [0, 1, 20, 42, 43, 60, 200] {
        for (cs, ts) in [
            ("é&".repeat(n), "x~y".repeat(n)),
            ("aZ0-._~".repeat(n), "q".repeat(n)),
            ("aZ0-._~".repeat(n), "q%".repeat(n)),
            (String::new(), "Az09".repeat(n)),
        ] {
            let expected = signing_key(&cs, &ts);
            assert!(with_signing_key(&cs, &ts, |k| k == expected.as_bytes()), "n = {n}: {cs:?} {ts:?}");
        }
    }
}

#[test]
fn hmac_sha1_of_a_short_base_string() {
    // oauth.net wiki test case 9.2: HMAC-SHA1 of "bs" with key "cs&".
    let sig = HMAC_SHA1.sign_text("bs", "cs", "");
    assert_eq!(sig, "egQqG5AJep5sJ7anhXju1unge2I=");
}

#[test]
fn registry_defaults() {
    let m = SignatureMethods::default();
    let allowed: Vec<&str> = m.allowed().collect();
    assert_eq!(allowed, ["HMAC-SHA1", "HMAC-SHA256", "RSA-SHA1", "RSA-SHA256"]);
    assert_eq!(m.resolve(Some("PLAINTEXT")).err().map(|e| e.kind()), Some(ErrorKind::UnsupportedSignatureMethod));
    assert_eq!(m.resolve(Some("INVALID")).err().map(|e| e.kind()), Some(ErrorKind::UnsupportedSignatureMethod));
    assert_eq!(m.resolve(None).err().map(|e| e.kind()), Some(ErrorKind::MissingParameter));
    assert_eq!(m.resolve(Some("")).err().map(|e| e.kind()), Some(ErrorKind::MissingParameter));
}

#[test]
fn registries_are_per_server_not_global() {
    // Authlib registers signature methods globally: registering on one server changes every
    // server in the process.
    struct Always;
    impl SignatureMethod for Always {
        fn name(&self) -> &'static str {
            "X-ALWAYS"
        }
        fn verify(&self, _: &BaseString<'_>, _: &str, _: &VerifyingKeys<'_>) -> bool {
            true
        }
    }
    let mut a = SignatureMethods::default();
    a.register(Always);
    let b = SignatureMethods::default();
    assert!(a.is_allowed("X-ALWAYS"));
    assert!(!b.is_allowed("X-ALWAYS"));
    assert!(!a.allow("NOPE"), "allowing an unregistered method is refused");
}

#[test]
fn malformed_signatures_do_not_verify_or_panic() {
    let params = [];
    let base = BaseString::from_params("GET", "http://h/", &params);
    let keys = VerifyingKeys { consumer_secret: "cs", token_secret: "", rsa_public_keys: &[] };
    for sig in [
        "",
        "!!!!",
        "égalité",
        "AAAA",
        "egQqG5AJep5sJ7anhXju1unge2I",
        "egQqG5AJep5sJ7anhXju1unge2I==",
        &"A".repeat(5000),
    ] {
        for m in [&HMAC_SHA1 as &dyn SignatureMethod, &HMAC_SHA256, &HMAC_SHA512, &RSA_SHA1, &PLAINTEXT] {
            assert!(!m.verify(&base, sig, &keys), "{} {sig:?}", m.name());
        }
    }
}

#[test]
fn rsa_key_formats_and_minimum_size() {
    let err = RsaPublicKey::from_pem("not a key").unwrap_err();
    assert!(err.to_string().contains("PEM"));
    assert!(RsaPublicKey::from_pem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----").is_err());
}
