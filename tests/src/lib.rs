//! Cross-crate integration tests of the oauth1 provider, and the fixtures they share: a
//! provider on the memory store with a manual clock, Authlib's test client, and helpers to
//! sign and read requests.
#![forbid(unsafe_code)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::collections::HashMap;
use std::sync::Arc;

use oauth1::clock::ManualClock;
use oauth1::sign::{Signer, SigningMethod};
use oauth1::signature::{Algorithm, RsaPrivateKey, RsaPublicKey, Secret};
use oauth1::store::{Client, Stores, TokenCredentialStore, TokenCredentials};
use oauth1::{AuthorizationServer, Config};
use oauth1_memory::MemoryStore;

/// "Now" for every fixture: a fixed time, moved explicitly.
pub const NOW: u64 = 1_795_798_111;

/// Authlib's test client: `client` / `secret`, default redirect `https://client.test`.
pub const CLIENT: &str = "client";
/// Its secret.
pub const SECRET: &str = "secret";

/// The RSA test key pair (the oauth.net wiki's 1024-bit key, from the shared vectors).
pub fn rsa_pair() -> (RsaPrivateKey, RsaPublicKey) {
    let v: serde_json::Value = serde_json::from_str(include_str!("../../oauth1/tests/data/vectors.json")).unwrap();
    let vector = v.as_array().unwrap().iter().find(|v| v["name"] == "wiki-9.3-rsa-sha1").unwrap();
    let private = RsaPrivateKey::from_pem(vector["rsa_private_key_pem"].as_str().unwrap()).unwrap();
    let public = RsaPublicKey::from_pem(vector["rsa_public_key_pem"].as_str().unwrap()).unwrap();
    (private, public)
}

/// A provider on the memory store with a manual clock.
pub struct Provider {
    /// The authorization server.
    pub server: AuthorizationServer,
    /// Its store.
    pub store: Arc<MemoryStore>,
    /// Its clock.
    pub clock: ManualClock,
}

impl Provider {
    /// The default fixture: realm `Photos`, PLAINTEXT and every HMAC/RSA method allowed.
    pub fn new() -> Self {
        Self::with_config(|c| c)
    }

    /// The fixture with a changed configuration.
    pub fn with_config(f: impl FnOnce(Config) -> Config) -> Self {
        let clock = ManualClock::new(NOW);
        let store = Arc::new(MemoryStore::new().with_clock(clock.clone()));
        let (_, public) = rsa_pair();
        store.insert_client(
            Client::new(CLIENT, SECRET)
                .with_name("Authlib test client")
                .with_rsa_public_key(public)
                .with_callback("https://client.test"),
        );
        store.insert_client(Client::new("client2", "secret2").with_name("Another client"));
        let config = Config::default()
            .with_realm("Photos")
            .with_clock(clock.clone())
            .allow_signature_method("PLAINTEXT")
            .allow_signature_method("HMAC-SHA512")
            .allow_signature_method("RSA-SHA512");
        let server = AuthorizationServer::new(Stores::single(store.clone()), f(config));
        Provider { server, store, clock }
    }

    /// Adds token credentials `valid-token` / `valid-token-secret` for `client` and user `1`.
    pub async fn with_token(self) -> Self {
        self.store
            .create_token(TokenCredentials::new("valid-token", Secret::new("valid-token-secret"), CLIENT, "1"))
            .await
            .unwrap();
        self
    }
}

impl Default for Provider {
    fn default() -> Self {
        Self::new()
    }
}

/// A signer for `client` at [`NOW`] with HMAC-SHA1 in the header.
pub fn signer() -> Signer {
    Signer::new(CLIENT, SECRET).timestamp(NOW)
}

/// The RSA-SHA1 method with the test key.
pub fn rsa_sha1() -> SigningMethod {
    SigningMethod::Rsa(Algorithm::Sha1, Box::new(rsa_pair().0))
}

/// A request with a form body (or none when `body` is `None`).
pub fn request(method: &str, uri: &str, body: Option<&str>) -> http::Request<Vec<u8>> {
    let mut b = http::Request::builder().method(method).uri(uri);
    if body.is_some() {
        b = b.header("content-type", "application/x-www-form-urlencoded");
    }
    b.body(body.unwrap_or("").as_bytes().to_vec()).unwrap()
}

/// Decodes a form-encoded body.
pub fn form(body: &[u8]) -> HashMap<String, String> {
    let text = std::str::from_utf8(body).unwrap();
    text.split('&')
        .filter(|s| !s.is_empty())
        .map(|pair| {
            let (n, v) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(n), decode(v))
        })
        .collect()
}

fn decode(s: &str) -> String {
    let bytes = s.replace('+', " ").into_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() + 1 {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
            out.push(u8::from_str_radix(hex, 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

/// The `error` of a response body.
pub fn error_of(res: &http::Response<Vec<u8>>) -> String {
    form(res.body()).get("error").cloned().unwrap_or_default()
}
