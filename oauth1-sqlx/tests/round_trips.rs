//! Round trips per request, on every backend: every statement sqlx sends is an event of its
//! `sqlx::query` log target, counted here by a subscriber of our own (alone in this test
//! binary, so no other test's statements are counted). A statement is one round trip once the
//! connection has prepared it (the warm-up request prepares them).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, missing_docs)]

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use oauth1::server::{Grant, Scope};
use oauth1_sqlx::{ClientRegistration, SqlOptions};
use oauth1_tests::{CLIENT, SECRET, form, instance, live_signer, request, token_request};

static STATEMENTS: AtomicU64 = AtomicU64::new(0);

/// Counts `sqlx::query` events; nothing else is recorded.
struct Counter;

impl tracing::Subscriber for Counter {
    fn enabled(&self, metadata: &tracing::Metadata<'_>) -> bool {
        metadata.target() == "sqlx::query"
    }
    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        if event.metadata().target() == "sqlx::query" {
            STATEMENTS.fetch_add(1, Ordering::SeqCst);
        }
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
    fn max_level_hint(&self) -> Option<tracing::level_filters::LevelFilter> {
        Some(tracing::level_filters::LevelFilter::TRACE)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn round_trips_per_request() {
    tracing::subscriber::set_global_default(Counter).unwrap();
    let sqlite_dir = std::env::temp_dir().join(format!("oauth1-sqlx-rt-{}", std::process::id()));
    std::fs::create_dir_all(&sqlite_dir).unwrap();
    let mut urls = vec![("sqlite", format!("sqlite://{}/rt.db?mode=rwc", sqlite_dir.display()))];
    for (name, var) in [("postgres", "OAUTH1_TEST_POSTGRES_URL"), ("mysql", "OAUTH1_TEST_MYSQL_URL")] {
        if let Some(url) = oauth1_tests::database_url(var, "round trips on this backend") {
            urls.push((name, url));
        }
    }
    for (name, url) in urls {
        let prefix = format!("rt{}_", std::process::id());
        // A client cache that does not expire during the test: its confirmation (one `SELECT
        // version` per client every TTL) is not part of a request; one connection, so that no
        // connection's setup statements fall inside the count.
        let options = SqlOptions::new()
            .with_prefix(prefix)
            .unwrap()
            .with_client_cache_ttl(Duration::from_secs(3_600))
            .with_max_connections(1);
        let store = options.connect(&url).await.unwrap();
        store.migrate().await.unwrap();
        store.register_client_if_absent(ClientRegistration::new(CLIENT, SECRET)).await.unwrap();
        let server = instance(store.stores());
        // Two flows: the first prepares every statement on the connections it uses.
        let mut exchange = 0;
        let mut access = Default::default();
        for _ in 0..2 {
            let req =
                live_signer().callback("oob").sign(request("POST", "http://localhost/oauth/initiate", None)).unwrap();
            let temp = form(server.temporary_credentials(&req).await.unwrap().body());
            let Grant::OutOfBand { verifier, .. } =
                oauth1_tests::grant(&server, &temp["oauth_token"], "alice").await.unwrap()
            else {
                panic!()
            };
            let before = STATEMENTS.load(Ordering::SeqCst);
            let req = token_request(live_signer(), &temp, &verifier);
            access = form(server.token_credentials(&req).await.unwrap().body());
            exchange = STATEMENTS.load(Ordering::SeqCst) - before;
        }
        let protected = |i: usize| {
            live_signer()
                .token(&access["oauth_token"], &access["oauth_token_secret"])
                .nonce(format!("rt-{i}"))
                .sign(request("GET", "http://localhost/photos", None))
                .unwrap()
        };
        for i in 0..20 {
            server.resource_protector().verify(&protected(i), Scope::Token).await.unwrap();
        }
        const N: u64 = 200;
        let before = STATEMENTS.load(Ordering::SeqCst);
        for i in 0..N {
            server.resource_protector().verify(&protected(100 + i as usize), Scope::Token).await.unwrap();
        }
        let per_request = (STATEMENTS.load(Ordering::SeqCst) - before) as f64 / N as f64;
        eprintln!("{name}: round trips per protected request {per_request:.2}, per token exchange {exchange}");
        assert_eq!(per_request, 2.0, "{name}: token SELECT + nonce INSERT (the client is cached)");
        let expected = if name == "mysql" { 7 } else { 4 };
        assert_eq!(exchange, expected, "{name}: round trips per token exchange");
        store.close().await;
    }
    std::fs::remove_dir_all(&sqlite_dir).unwrap();
}
