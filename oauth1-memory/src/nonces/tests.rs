//! The nonce store: fresh, replayed, expired; the cap and the shrinking window; races.

use std::sync::{Arc, Mutex};

use oauth1::clock::ManualClock;
use oauth1::store::{NonceCheck, NonceKey, NonceStore, StoreError};

use crate::{MIN_WINDOW_SECS, MemoryStore, lock};

fn key(nonce: &str) -> NonceKey<'_> {
    NonceKey { consumer_key: "ck", token: Some("tk"), timestamp: 1000, nonce }
}

#[tokio::test]
async fn nonce_fresh_then_replayed_then_expired() {
    let clock = ManualClock::new(1000);
    let store = MemoryStore::new().with_clock(clock.clone());
    assert_eq!(store.check_and_insert(&key("a"), 1301).await.unwrap(), NonceCheck::Fresh);
    assert_eq!(store.check_and_insert(&key("a"), 1301).await.unwrap(), NonceCheck::Replayed);
    // Other scope elements make it a different nonce.
    let other_token = NonceKey { token: None, ..key("a") };
    assert_eq!(store.check_and_insert(&other_token, 1301).await.unwrap(), NonceCheck::Fresh);
    let other_ts = NonceKey { timestamp: 1001, ..key("a") };
    assert_eq!(store.check_and_insert(&other_ts, 1302).await.unwrap(), NonceCheck::Fresh);
    // The same key with another expiry is still the same nonce.
    assert_eq!(store.check_and_insert(&other_ts, 1999).await.unwrap(), NonceCheck::Replayed);
    assert_eq!(store.nonce_count(), 3);
    clock.set(1301);
    // Pruning happens on the shards that are touched; touch all with fresh keys.
    fn later(nonce: &str) -> NonceKey<'_> {
        NonceKey { timestamp: 1290, ..key(nonce) }
    }
    for i in 0..200 {
        let n = format!("p{i}");
        store.check_and_insert(&later(&n), 1591).await.unwrap();
    }
    assert_eq!(store.nonce_count(), 200 + 1, "the entry of timestamp 1001 is still live");
    assert_eq!(store.check_and_insert(&other_ts, 1302).await.unwrap(), NonceCheck::Replayed);
    clock.set(1302);
    for i in 200..400 {
        let n = format!("p{i}");
        store.check_and_insert(&later(&n), 1591).await.unwrap();
    }
    assert_eq!(store.nonce_count(), 400);
}

#[tokio::test]
async fn a_nonce_is_kept_until_its_expiry_and_no_longer_than_its_group() {
    let clock = ManualClock::new(1000);
    let store = MemoryStore::new().with_clock(clock.clone());
    assert_eq!(store.check_and_insert(&key("n"), 1100).await.unwrap(), NonceCheck::Fresh);
    clock.set(1099);
    assert_eq!(store.check_and_insert(&key("n"), 1100).await.unwrap(), NonceCheck::Replayed);
    clock.set(1100);
    assert_eq!(store.check_and_insert(&key("n"), 1100).await.unwrap(), NonceCheck::Fresh);
    assert_eq!(store.nonce_count(), 1);
}

#[tokio::test]
async fn nonce_cap_refuses_and_keeps_live_entries() {
    let store = MemoryStore::new().with_clock(ManualClock::new(1000)).with_max_nonces(10);
    for i in 0..10 {
        let n = i.to_string();
        assert_eq!(store.check_and_insert(&key(&n), 2000).await.unwrap(), NonceCheck::Fresh);
    }
    assert!(matches!(store.check_and_insert(&key("x"), 2000).await, Err(StoreError::CapacityExceeded)));
    // Every live nonce is still remembered.
    for i in 0..10 {
        let n = i.to_string();
        assert_eq!(store.check_and_insert(&key(&n), 2000).await.unwrap(), NonceCheck::Replayed);
    }
    assert_eq!(store.nonce_count(), 10);
}

fn nonce<'a>(consumer: &'a str, timestamp: u64, nonce: &'a str) -> NonceKey<'a> {
    NonceKey { consumer_key: consumer, token: Some("tk"), timestamp, nonce }
}

/// What the server gives: the timestamp plus its 300 s past window, plus one.
fn insert(store: &MemoryStore, consumer: &str, timestamp: u64, n: &str) -> Result<NonceCheck, StoreError> {
    store.check_and_insert_sync(&nonce(consumer, timestamp, n), timestamp + 301)
}

#[test]
fn at_the_cap_the_edges_are_dropped_and_their_replays_are_stale() {
    let now = 100_000;
    let clock = ManualClock::new(now);
    let store = MemoryStore::new().with_clock(clock.clone()).with_max_nonces(10);
    for i in 0..5 {
        assert_eq!(insert(&store, "ck", now - 100, &format!("old{i}")).unwrap(), NonceCheck::Fresh);
        assert_eq!(insert(&store, "ck", now + 100, &format!("new{i}")).unwrap(), NonceCheck::Fresh);
    }
    assert_eq!(store.nonce_count(), 10);
    // Full: a fresh request is served; the farthest group (the past one, at a tie) goes.
    assert_eq!(insert(&store, "ck", now, "fresh0").unwrap(), NonceCheck::Fresh);
    assert_eq!(store.nonce_count(), 6);
    for i in 0..5 {
        // A replay of a dropped nonce is refused as stale, never accepted.
        assert_eq!(insert(&store, "ck", now - 100, &format!("old{i}")).unwrap(), NonceCheck::Stale);
        assert_eq!(insert(&store, "ck", now + 100, &format!("new{i}")).unwrap(), NonceCheck::Replayed);
    }
    // The window is shrunk, not only the dropped second: everything older is stale too.
    assert_eq!(insert(&store, "ck", now - 150, "older").unwrap(), NonceCheck::Stale);
    assert_eq!(insert(&store, "ck", now - 99, "inside").unwrap(), NonceCheck::Fresh);
    for i in 1..4 {
        assert_eq!(insert(&store, "ck", now, &format!("fresh{i}")).unwrap(), NonceCheck::Fresh);
    }
    assert_eq!(store.nonce_count(), 10);
    // Full again: now the future edge goes (100 s ahead beats 99 s behind).
    assert_eq!(insert(&store, "ck", now, "fresh4").unwrap(), NonceCheck::Fresh);
    for i in 0..5 {
        assert_eq!(insert(&store, "ck", now + 100, &format!("new{i}")).unwrap(), NonceCheck::Stale);
    }
    assert_eq!(insert(&store, "ck", now + 100, "other").unwrap(), NonceCheck::Stale);
    assert_eq!(insert(&store, "ck", now + 99, "before").unwrap(), NonceCheck::Fresh);
    assert!(store.nonce_count() <= 10);
    // Other consumers' windows are untouched.
    assert_eq!(insert(&store, "other", now - 150, "x").unwrap(), NonceCheck::Fresh);
    // The window recovers as time passes: the dropped timestamps leave the window.
    clock.set(now + 100 + 301);
    assert_eq!(insert(&store, "ck", now + 100, "new0").unwrap(), NonceCheck::Fresh);
}

/// Collects the warnings' fields as text.
#[derive(Default, Clone)]
struct Warnings(Arc<Mutex<Vec<String>>>);

impl tracing::Subscriber for Warnings {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        struct Fields(String);
        impl tracing::field::Visit for Fields {
            fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
                self.0.push_str(&format!("{}={value:?} ", field.name()));
            }
        }
        if *event.metadata().level() == tracing::Level::WARN && event.metadata().target() == "oauth1" {
            let mut fields = Fields(String::new());
            event.record(&mut fields);
            lock(&self.0).push(fields.0);
        }
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

#[test]
fn shrinking_is_logged_with_the_effective_window() {
    let now = 100_000;
    let store = MemoryStore::new().with_clock(ManualClock::new(now)).with_max_nonces(4);
    let warnings = Warnings::default();
    tracing::subscriber::with_default(warnings.clone(), || {
        // Another test's thread may have registered the warning's callsite while no subscriber
        // wanted it (tracing then caches "never"): recompute with this one in place.
        tracing::callsite::rebuild_interest_cache();
        for (i, t) in [now - 200, now + 100, now, now].into_iter().enumerate() {
            assert_eq!(insert(&store, "flood", t, &i.to_string()).unwrap(), NonceCheck::Fresh);
        }
        assert!(lock(&warnings.0).is_empty());
        assert_eq!(insert(&store, "sane", now, "x").unwrap(), NonceCheck::Fresh);
    });
    let warnings = lock(&warnings.0);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    // The past edge went (200 s > 100 s): the window is [now - 199, now + 100].
    let w = &warnings[0];
    for field in ["consumer_key=\"flood\"", "seconds_before_now=199", "seconds_after_now=100", "accepted_from=99801"] {
        assert!(w.contains(field), "{field} in {w}");
    }
}

#[test]
fn nothing_inside_the_minimum_window_is_dropped() {
    let now = 100_000;
    let store = MemoryStore::new().with_clock(ManualClock::new(now)).with_max_nonces(4);
    for (i, t) in [now - MIN_WINDOW_SECS, now, now + 1, now + MIN_WINDOW_SECS].into_iter().enumerate() {
        assert_eq!(insert(&store, "ck", t, &i.to_string()).unwrap(), NonceCheck::Fresh);
    }
    assert!(matches!(insert(&store, "ck", now, "x"), Err(StoreError::CapacityExceeded)));
    assert!(matches!(insert(&store, "ck", now + 200, "y"), Err(StoreError::CapacityExceeded)));
    for (i, t) in [now - MIN_WINDOW_SECS, now, now + 1, now + MIN_WINDOW_SECS].into_iter().enumerate() {
        assert_eq!(insert(&store, "ck", t, &i.to_string()).unwrap(), NonceCheck::Replayed);
    }
}

#[test]
fn fresh_requests_are_served_while_a_future_flood_fills_the_store() {
    let start = 100_000;
    let clock = ManualClock::new(start);
    let cap = 1_000;
    let store = MemoryStore::new().with_clock(clock.clone()).with_max_nonces(cap);
    let (mut flood_fresh, mut flood_stale) = (0, 0);
    for second in 0..700 {
        let now = start + second;
        clock.set(now);
        for i in 0..50 {
            match insert(&store, "ck", now + 290, &format!("f{second}-{i}")).unwrap() {
                NonceCheck::Fresh => flood_fresh += 1,
                NonceCheck::Stale => flood_stale += 1,
                NonceCheck::Replayed => panic!("no flood nonce repeats"),
            }
            assert!(store.nonce_count() <= cap);
        }
        // The flooder's own fresh requests are served too, as long as their timestamps are
        // not ones whose nonces it made the store drop (from second 290 on they are: it
        // flooded them 290 s ago). Everybody else's are always served.
        let consumers: &[&str] = if second < 290 { &["ck", "other"] } else { &["other"] };
        for consumer in consumers {
            for i in 0..2 {
                let n = format!("r{second}-{i}");
                assert_eq!(insert(&store, consumer, now, &n).unwrap(), NonceCheck::Fresh, "second {second}");
                assert_eq!(insert(&store, consumer, now, &n).unwrap(), NonceCheck::Replayed);
                assert!(store.nonce_count() <= cap);
            }
        }
    }
    assert!(flood_fresh > 0 && flood_stale > 0, "{flood_fresh} {flood_stale}");
}

#[test]
fn one_consumer_flooding_does_not_shrink_the_others_window() {
    let start = 100_000;
    let clock = ManualClock::new(start);
    let cap = 4_000;
    let store = MemoryStore::new().with_clock(clock.clone()).with_max_nonces(cap);
    let mut sane = Vec::new();
    let mut flood_stale = 0;
    for second in 0..700 {
        let now = start + second;
        clock.set(now);
        for i in 0..100 {
            // The flood: far ahead and far behind (both inside the server's window).
            for t in [now + 290, now - 290] {
                match insert(&store, "flood", t, &format!("{second}-{t}-{i}")).unwrap() {
                    NonceCheck::Fresh => {}
                    NonceCheck::Stale => flood_stale += 1,
                    NonceCheck::Replayed => panic!("no flood nonce repeats"),
                }
            }
            assert!(store.nonce_count() <= cap);
            if i % 33 == 0 {
                // The consumer with a sane clock (and requests up to a minute late or early).
                for t in [now, now - 60, now + 60] {
                    let n = format!("s{second}-{i}-{t}");
                    assert_eq!(insert(&store, "sane", t, &n).unwrap(), NonceCheck::Fresh, "second {second}");
                    sane.push((t, n));
                }
            }
        }
        // Its live nonces stay remembered.
        for (t, n) in sane.iter().rev().take(50) {
            if *t + 301 > now {
                assert_eq!(insert(&store, "sane", *t, n).unwrap(), NonceCheck::Replayed);
            }
        }
    }
    assert!(flood_stale > 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn racing_inserts_at_the_edges_never_accept_a_dropped_nonce_twice() {
    let now = 100_000;
    let edges = [now - 299, now - 250, now - 31, now, now + 31, now + 32, now + 250, now + 299];
    for round in 0..20 {
        let cap = 500;
        let store = Arc::new(MemoryStore::new().with_clock(ManualClock::new(now)).with_max_nonces(cap));
        let mut tasks = Vec::new();
        for task in 0..8u64 {
            let store = store.clone();
            tasks.push(tokio::spawn(async move {
                let consumer = if task % 3 == 0 { "a" } else { "b" };
                let mut fresh = Vec::new();
                for i in 0..2_000u64 {
                    let t = edges[usize::try_from((i + task) % 8).unwrap()];
                    let n = format!("{task}-{i}");
                    let key = nonce(consumer, t, &n);
                    match store.check_and_insert(&key, t + 301).await {
                        Ok(NonceCheck::Fresh) => fresh.push((t, n)),
                        Ok(_) | Err(StoreError::CapacityExceeded) => {}
                        Err(e) => panic!("{e}"),
                    }
                    assert!(store.nonce_count() <= cap);
                    // Replay an earlier one while the others evict.
                    if let Some((t, n)) = fresh.get(fresh.len() / 2) {
                        let replay = store.check_and_insert(&nonce(consumer, *t, n), t + 301).await;
                        assert!(!matches!(replay, Ok(NonceCheck::Fresh)), "round {round}: {t} {n} accepted twice");
                    }
                }
                (consumer, fresh)
            }));
        }
        let mut accepted = 0;
        for task in tasks {
            let (consumer, fresh) = task.await.unwrap();
            accepted += fresh.len();
            for (t, n) in fresh {
                let replay = store.check_and_insert(&nonce(consumer, t, &n), t + 301).await;
                assert!(
                    matches!(replay, Ok(NonceCheck::Replayed | NonceCheck::Stale)),
                    "round {round}: {t} {n}: {replay:?}"
                );
            }
        }
        assert!(accepted > cap, "round {round}: the store made room ({accepted} accepted)");
        assert!(store.nonce_count() <= cap);
    }
}
