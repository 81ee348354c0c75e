//! Temporary and token credentials: lifecycle, caps, shares, conflicts, races.

use std::sync::Arc;

use oauth1::clock::ManualClock;
use oauth1::signature::Secret;
use oauth1::store::{
    Authorization, AuthorizeOutcome, NonceCheck, NonceKey, NonceStore, StoreError, TemporaryCredentialStore,
    TemporaryCredentials, TokenCredentialStore, TokenCredentials,
};

use crate::{MemoryStore, lock};

#[tokio::test]
async fn temporary_credentials_lifecycle() {
    let clock = ManualClock::new(1000);
    let store = MemoryStore::new().with_clock(clock.clone()).with_max_temporary(2);
    let t = |tok: &str| TemporaryCredentials::new(tok, Secret::new("s"), "ck", "oob", 1600);
    store.create_temporary(t("a")).await.unwrap();
    store.create_temporary(t("b")).await.unwrap();
    assert!(matches!(store.create_temporary(t("c")).await, Err(StoreError::CapacityExceeded)));
    let auth = || Authorization::new("alice", Secret::new("v"));
    assert!(matches!(store.authorize_temporary("a", auth()).await.unwrap(), AuthorizeOutcome::Authorized(_)));
    assert!(matches!(store.authorize_temporary("a", auth()).await.unwrap(), AuthorizeOutcome::AlreadyAuthorized));
    assert!(matches!(store.authorize_temporary("zz", auth()).await.unwrap(), AuthorizeOutcome::NotFound));
    assert!(store.take_temporary("a").await.unwrap().is_some());
    assert!(store.take_temporary("a").await.unwrap().is_none());
    // Expiry: b is gone at 1600, and its place is freed.
    clock.set(1600);
    assert!(store.temporary("b").await.unwrap().is_none());
    assert!(matches!(store.authorize_temporary("b", auth()).await.unwrap(), AuthorizeOutcome::NotFound));
    store.create_temporary(TemporaryCredentials::new("c", Secret::new("s"), "ck", "oob", 2200)).await.unwrap();
    assert_eq!(store.temporary_count(), 1);
}

#[tokio::test]
async fn token_credentials_are_capped_and_expire() {
    let clock = ManualClock::new(1000);
    let store = MemoryStore::new().with_clock(clock.clone()).with_max_tokens(2);
    let t = |tok: &str, exp: Option<u64>| TokenCredentials::new(tok, Secret::new("s"), "ck", "u").with_expiry(exp);
    store.create_token(t("a", Some(1100))).await.unwrap();
    store.create_token(t("b", None)).await.unwrap();
    assert!(store.token("a").await.unwrap().is_some());
    clock.set(1100);
    assert!(store.token("a").await.unwrap().is_none(), "expired");
    // Its place is freed on the next insert: b stays.
    store.create_token(t("c", None)).await.unwrap();
    assert_eq!(store.token_count(), 2);
    assert!(store.token("b").await.unwrap().is_some());
    // At the cap the oldest goes (b), never a refusal: one client cannot lock others out.
    store.create_token(t("d", None)).await.unwrap();
    assert!(store.token("b").await.unwrap().is_none());
    assert!(store.token("c").await.unwrap().is_some() && store.token("d").await.unwrap().is_some());
    // Revoked ones leave no gap to evict twice.
    assert!(store.revoke_token("c").await.unwrap());
    store.create_token(t("e", Some(5000))).await.unwrap();
    assert_eq!(store.token_count(), 2);
    assert!(store.token("d").await.unwrap().is_some());
    for i in 0..1000 {
        store.create_token(t(&format!("x{i}"), None)).await.unwrap();
    }
    assert_eq!(store.token_count(), 2);
    assert!(lock(&store.tokens.order).len() <= 2 * 2 + 64 + 1, "the order list stays bounded");
}

/// One consumer filling its share of temporary credentials does not lock another out.
#[tokio::test]
async fn temporary_credentials_have_per_consumer_shares() {
    let clock = ManualClock::new(1000);
    let store = MemoryStore::new().with_clock(clock.clone()).with_max_temporary(10).with_max_temporary_per_consumer(4);
    let t = |tok: &str, ck: &str| TemporaryCredentials::new(tok, Secret::new("s"), ck, "oob", 1600);
    for i in 0..4 {
        store.create_temporary(t(&format!("f{i}"), "flood")).await.unwrap();
    }
    assert!(matches!(store.create_temporary(t("f4", "flood")).await, Err(StoreError::CapacityExceeded)));
    store.create_temporary(t("h0", "honest")).await.unwrap();
    // Taking and expiring give the share back.
    assert!(store.take_temporary("f0").await.unwrap().is_some());
    store.create_temporary(t("f5", "flood")).await.unwrap();
    clock.set(1600);
    store.create_temporary(TemporaryCredentials::new("f6", Secret::new("s"), "flood", "oob", 2200)).await.unwrap();
    assert_eq!(lock(&store.temporary).per_consumer.get("flood"), Some(&1));
    assert_eq!(lock(&store.temporary).per_consumer.get("honest"), None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn races_have_exactly_one_winner() {
    for round in 0..100 {
        let store = Arc::new(MemoryStore::new().with_clock(ManualClock::new(1000)));
        store.create_temporary(TemporaryCredentials::new("t", Secret::new("s"), "ck", "oob", 1600)).await.unwrap();
        let mut tasks = Vec::new();
        for _ in 0..64 {
            let store = store.clone();
            tasks.push(tokio::spawn(async move {
                let nonce = store
                    .check_and_insert(
                        &NonceKey { consumer_key: "ck", token: Some("tk"), timestamp: 1000, nonce: "same" },
                        1301,
                    )
                    .await
                    .unwrap()
                    == NonceCheck::Fresh;
                let taken = store.take_temporary("t").await.unwrap().is_some();
                (nonce, taken)
            }));
        }
        let mut fresh = 0;
        let mut taken = 0;
        for t in tasks {
            let (n, k) = t.await.unwrap();
            fresh += usize::from(n);
            taken += usize::from(k);
        }
        assert_eq!((fresh, taken), (1, 1), "round {round}");
    }
}

/// A create with a token already taken is refused as a conflict, and the live credentials are
/// kept; once they are gone (taken, expired, revoked) the token can be used again.
#[tokio::test]
async fn a_duplicate_create_is_a_conflict() {
    let clock = ManualClock::new(1000);
    let store = MemoryStore::new().with_clock(clock.clone());
    let temporary =
        |secret: &str, expires_at| TemporaryCredentials::new("t", Secret::new(secret), "ck", "oob", expires_at);
    store.create_temporary(temporary("first", 1600)).await.unwrap();
    assert!(matches!(store.create_temporary(temporary("second", 1600)).await, Err(StoreError::Conflict)));
    assert_eq!(store.temporary("t").await.unwrap().unwrap().secret.expose(), "first");
    assert_eq!(store.temporary_count(), 1);
    assert!(store.take_temporary("t").await.unwrap().is_some());
    store.create_temporary(temporary("third", 1600)).await.unwrap();
    clock.set(1600);
    store.create_temporary(temporary("fourth", 2200)).await.unwrap();
    assert_eq!(store.temporary("t").await.unwrap().unwrap().secret.expose(), "fourth");
    assert_eq!(lock(&store.temporary).per_consumer.get("ck"), Some(&1));

    let token =
        |secret: &str, expires_at| TokenCredentials::new("k", Secret::new(secret), "ck", "u").with_expiry(expires_at);
    store.create_token(token("first", Some(2000))).await.unwrap();
    assert!(matches!(store.create_token(token("second", None)).await, Err(StoreError::Conflict)));
    assert_eq!(store.token("k").await.unwrap().unwrap().secret.expose(), "first");
    assert_eq!(store.token_count(), 1);
    clock.set(2000);
    store.create_token(token("third", None)).await.unwrap();
    assert!(store.revoke_token("k").await.unwrap());
    store.create_token(token("fourth", None)).await.unwrap();
    assert_eq!(store.token("k").await.unwrap().unwrap().secret.expose(), "fourth");
    assert_eq!(store.token_count(), 1);
}
