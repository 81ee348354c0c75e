//! Against real databases: SQLite (a file, always), PostgreSQL and MariaDB/MySQL (the servers
//! `tests/db/start.sh` starts and names in `OAUTH1_TEST_POSTGRES_URL` / `OAUTH1_TEST_MYSQL_URL`;
//! `.ci/run` runs it). Each test works under its own table prefix, so tests share a server.
//! Every test runs on every backend: `sqlite::…`, `postgres::…`, `mysql::…`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, missing_docs, unreachable_pub)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use oauth1::clock::ManualClock;
use oauth1::server::{Grant, Scope};
use oauth1::signature::Secret;
use oauth1::store::{
    Authorization, AuthorizeOutcome, ClientStore, NonceCheck, NonceKey, NonceStore, StoreError, Stores,
    TemporaryCredentialStore, TemporaryCredentials, TokenCredentialStore, TokenCredentials,
};
use oauth1_sqlx::{Backend, ClientRegistration, ManageError, SqlOptions, SqlStore};
use oauth1_tests::{CLIENT, SECRET, form, instance, live_signer, request, unix_now};

/// A database for one test: a URL and a table prefix of its own.
struct Db {
    url: String,
    prefix: String,
    name: &'static str,
    dir: Option<std::path::PathBuf>,
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

impl Db {
    fn prefix() -> String {
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos();
        format!("t{}_{}_{}_", std::process::id(), nanos % 100_000, COUNTER.fetch_add(1, Ordering::Relaxed))
    }

    /// A fresh SQLite file (on tmpfs when there is one: the race tests commit thousands of
    /// times, and durability is not what they test).
    fn sqlite() -> Option<Db> {
        let base = if std::path::Path::new("/dev/shm").is_dir() {
            std::path::PathBuf::from("/dev/shm")
        } else {
            std::env::temp_dir()
        };
        let dir = base.join(format!("oauth1-sqlx-test-{}", Self::prefix()));
        std::fs::create_dir_all(&dir).unwrap();
        let url = format!("sqlite://{}/oauth1.db?mode=rwc", dir.display());
        Some(Db { url, prefix: Self::prefix(), name: "sqlite", dir: Some(dir) })
    }

    fn postgres() -> Option<Db> {
        let url = oauth1_tests::database_url("OAUTH1_TEST_POSTGRES_URL", "the PostgreSQL store's tests")?;
        Some(Db { url, prefix: Self::prefix(), name: "postgres", dir: None })
    }

    fn mysql() -> Option<Db> {
        let url = oauth1_tests::database_url("OAUTH1_TEST_MYSQL_URL", "the MySQL/MariaDB store's tests")?;
        Some(Db { url, prefix: Self::prefix(), name: "mysql", dir: None })
    }

    fn options(&self) -> SqlOptions {
        SqlOptions::new().with_prefix(self.prefix.clone()).unwrap().with_timeout(Duration::from_secs(10))
    }

    /// A store with its own pool, migrated.
    async fn store(&self, options: SqlOptions) -> SqlStore {
        let store = options.connect(&self.url).await.unwrap_or_else(|e| panic!("{}: connect: {e}", self.name));
        store.migrate().await.unwrap();
        store
    }
}

impl Drop for Db {
    fn drop(&mut self) {
        if let Some(dir) = &self.dir {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// The RSA test key's public half (the shared vectors' PEM).
fn rsa_public_key_pem() -> String {
    let v: serde_json::Value = serde_json::from_str(include_str!("../../oauth1/tests/data/vectors.json")).unwrap();
    let vector = v.as_array().unwrap().iter().find(|v| v["name"] == "wiki-9.3-rsa-sha1").unwrap();
    vector["rsa_public_key_pem"].as_str().unwrap().to_owned()
}

/// Every test below, once per backend.
macro_rules! on_every_backend {
    ($($test:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $test() {
                    if let Some(db) = super::Db::sqlite() { super::$test(db).await }
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $test() {
                    if let Some(db) = super::Db::postgres() { super::$test(db).await }
                }
            )*
        }
        mod mysql {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $test() {
                    if let Some(db) = super::Db::mysql() { super::$test(db).await }
                }
            )*
        }
    };
}

on_every_backend!(
    conformance,
    races_across_two_pools,
    two_providers_act_as_one,
    purge_deletes_what_expired,
    clients_are_managed_and_cached,
    authorizations_are_listed_and_revoked,
    migrations_are_idempotent_and_per_prefix,
    bounds_are_refused_before_writing,
);

/// The conformance kit, with the store on a manual clock.
async fn conformance(db: Db) {
    let clock = ManualClock::new(unix_now());
    let store = db.store(db.options().with_clock(clock.clone())).await;
    let report = oauth1_conformance::Conformance::new(store.stores())
        .with_manual_clock(clock)
        .run()
        .await
        .unwrap_or_else(|f| panic!("{}: {f}", db.name));
    eprintln!("{}: conformance: {} checks passed", db.name, report.checks.len());
    assert_eq!(report.checks.len(), 14);
}

/// 1,000 contested rounds per operation, 8 racers per round, half on each of two pools
/// (two processes' worth of connections): exactly one winner every round.
async fn races_across_two_pools(db: Db) {
    const ROUNDS: usize = 1_000;
    const RACERS: usize = 8;
    let options = db.options().with_max_connections(RACERS as u32);
    let (a, b) = (db.store(options.clone()).await, db.store(options).await);
    let pools = [a.clone(), b.clone()];
    let expires = unix_now() + 600;
    let started = std::time::Instant::now();
    let (mut nonce_doubles, mut auth_doubles, mut take_doubles, mut none) = (0, 0, 0, 0);
    for round in 0..ROUNDS {
        // The nonce.
        let wins = race(&pools, RACERS, move |s, _| async move {
            let nonce = format!("n{round}");
            let key = NonceKey { consumer_key: "ck", token: Some("tok"), timestamp: 1, nonce: &nonce };
            s.check_and_insert(&key, expires).await.unwrap() == NonceCheck::Fresh
        })
        .await;
        nonce_doubles += usize::from(wins > 1);
        none += usize::from(wins == 0);
        // Authorize once.
        let token = format!("race-{round}");
        a.create_temporary(TemporaryCredentials::new(&token, Secret::new("s"), "ck", "oob", expires)).await.unwrap();
        let t = token.clone();
        let wins = race(&pools, RACERS, move |s, i| {
            let t = t.clone();
            async move {
                let auth = Authorization::new(format!("user{i}"), Secret::new("v"));
                matches!(s.authorize_temporary(&t, auth).await.unwrap(), AuthorizeOutcome::Authorized(_))
            }
        })
        .await;
        auth_doubles += usize::from(wins > 1);
        none += usize::from(wins == 0);
        // Take once.
        let t = token.clone();
        let wins = race(&pools, RACERS, move |s, _| {
            let t = t.clone();
            async move { s.take_temporary(&t).await.unwrap().is_some() }
        })
        .await;
        take_doubles += usize::from(wins > 1);
        none += usize::from(wins == 0);
    }
    eprintln!(
        "{}: {ROUNDS} contested rounds per operation, {RACERS} racers over 2 pools, in {:?}: double wins: nonce \
         {nonce_doubles}, authorize {auth_doubles}, take {take_doubles}; rounds without a winner: {none}",
        db.name,
        started.elapsed()
    );
    assert_eq!((nonce_doubles, auth_doubles, take_doubles, none), (0, 0, 0, 0));
}

/// Runs `racers` copies of `f` at once, alternating between the stores; how many returned `true`.
async fn race<F, Fut>(stores: &[SqlStore; 2], racers: usize, f: F) -> usize
where
    F: Fn(SqlStore, usize) -> Fut,
    Fut: std::future::Future<Output = bool> + Send + 'static,
{
    let barrier = Arc::new(tokio::sync::Barrier::new(racers));
    let tasks: Vec<_> = (0..racers)
        .map(|i| {
            let fut = f(stores[i % 2].clone(), i);
            let barrier = barrier.clone();
            tokio::spawn(async move {
                barrier.wait().await;
                fut.await
            })
        })
        .collect();
    oauth1_tests::winners(tasks).await
}

/// Two providers, each on its own pool, on one database: one provider. Temporary credentials
/// issued by A are authorized on B and exchanged on A; a request accepted by A is a replay on B;
/// of ten concurrent exchanges spread over both, one succeeds.
async fn two_providers_act_as_one(db: Db) {
    let (sa, sb) = (db.store(db.options()).await, db.store(db.options()).await);
    sa.register_client(ClientRegistration::new(CLIENT, SECRET).with_name("Test client")).await.unwrap();
    let (a, b) = (instance(sa.stores()), instance(sb.stores()));

    let (_, access) = oauth1_tests::flow_across(&a, &b).await;
    let req = live_signer()
        .token(&access["oauth_token"], &access["oauth_token_secret"])
        .sign(request("GET", "http://localhost/photos", None))
        .unwrap();
    let who = a.resource_protector().verify(&req, Scope::Token).await.unwrap();
    assert_eq!(who.user_id(), Some("alice"));
    let e = b.resource_protector().verify(&req, Scope::Token).await.unwrap_err();
    assert_eq!((e.status().as_u16(), e.code()), (401, "invalid_nonce"));

    let req = live_signer().callback("oob").sign(request("POST", "http://localhost/oauth/initiate", None)).unwrap();
    let f = form(b.temporary_credentials(&req).await.unwrap().body());
    let Grant::OutOfBand { verifier, .. } = oauth1_tests::grant(&a, &f["oauth_token"], "bob").await.unwrap() else {
        panic!()
    };
    let tasks: Vec<_> = (0..10)
        .map(|i| {
            let server = if i % 2 == 0 { a.clone() } else { b.clone() };
            let req = live_signer()
                .token(&f["oauth_token"], &f["oauth_token_secret"])
                .verifier(&verifier)
                .nonce(format!("x{i}"))
                .sign(request("POST", "http://localhost/oauth/token", None))
                .unwrap();
            tokio::spawn(async move { server.token_credentials(&req).await.is_ok() })
        })
        .collect();
    assert_eq!(oauth1_tests::winners(tasks).await, 1, "exactly one exchange wins");
    // The user's applications: the test client, twice authorized (alice once, bob once).
    assert_eq!(sb.authorized_applications("bob").await.unwrap().len(), 1);
}

/// Expired rows are deleted by `purge_expired` and by the background task; live ones stay.
async fn purge_deletes_what_expired(db: Db) {
    // Every time below is the store's clock: connecting and migrating may take a second or more,
    // so the wall clock read after `db.store` is not the manual clock's now.
    let now = unix_now();
    let clock = ManualClock::new(now);
    let store = db.store(db.options().with_clock(clock.clone())).await;
    for i in 0..25 {
        let nonce = format!("n{i}");
        let key = NonceKey { consumer_key: "ck", token: None, timestamp: now, nonce: &nonce };
        // 10 expire in 100 s, 15 in 1,000 s.
        let at = if i < 10 { now + 100 } else { now + 1_000 };
        assert_eq!(store.check_and_insert(&key, at).await.unwrap(), NonceCheck::Fresh);
    }
    for i in 0..4 {
        let at = if i < 3 { now + 100 } else { now + 1_000 };
        let t = TemporaryCredentials::new(format!("tmp{i}"), Secret::new("s"), "ck", "oob", at);
        store.create_temporary(t).await.unwrap();
        let k = TokenCredentials::new(format!("tok{i}"), Secret::new("s"), "ck", "alice");
        store.create_token(k.with_expiry((i < 2).then_some(now + 100))).await.unwrap();
    }
    assert_eq!(store.purge_expired().await.unwrap(), oauth1_sqlx::Purged::default(), "nothing has expired");
    clock.advance(100);
    let purged = store.purge_expired().await.unwrap();
    assert_eq!((purged.nonces, purged.temporary, purged.tokens), (10, 3, 2), "{purged:?}");
    // The nonces left are still replays; the live credentials are still there.
    let key = NonceKey { consumer_key: "ck", token: None, timestamp: now, nonce: "n20" };
    assert_eq!(store.check_and_insert(&key, now + 1_000).await.unwrap(), NonceCheck::Replayed);
    assert!(store.temporary("tmp3").await.unwrap().is_some());
    assert!(store.token("tok3").await.unwrap().is_some() && store.token("tok2").await.unwrap().is_some());

    // The background task: a first round at once, the rest every interval; stopped on request.
    clock.advance(1_000);
    let mut task = store.spawn_purge(Duration::from_secs(3_600));
    tokio::time::timeout(Duration::from_secs(30), task.wait_for_rounds(1)).await.unwrap();
    assert!(task.rounds() >= 1);
    let again = store.purge_expired().await.unwrap();
    assert_eq!((again.nonces, again.temporary), (0, 0), "the task purged them: {again:?}");
    tokio::time::timeout(Duration::from_secs(30), task.stop()).await.unwrap();
}

/// Register, conflict, update, disable, enable, rotate; one process's change seen by another
/// within the cache TTL, and by the changing one at once; RSA keys parsed once.
async fn clients_are_managed_and_cached(db: Db) {
    let clock = ManualClock::new(unix_now());
    let options = db.options().with_clock(clock.clone()).with_client_cache_ttl(Duration::from_secs(5));
    let (a, b) = (db.store(options.clone()).await, db.store(options).await);
    let pem = &rsa_public_key_pem();
    a.register_client(
        ClientRegistration::new("printer", "s1")
            .with_name("Printer")
            .with_callback("https://printer.example/ready")
            .with_rsa_public_key(pem)
            .with_signature_methods(["HMAC-SHA1", "RSA-SHA1"])
            .with_metadata("homepage", "https://printer.example"),
    )
    .await
    .unwrap();
    let e = a.register_client(ClientRegistration::new("printer", "other")).await.unwrap_err();
    assert!(matches!(e, ManageError::Conflict), "{e:?}");

    let c = b.client("printer").await.unwrap().unwrap();
    assert_eq!(c.name, "Printer");
    assert!(c.shared_secret().unwrap().ct_eq("s1"));
    assert_eq!(c.rsa_public_keys.len(), 1);
    assert_eq!(c.callbacks, ["https://printer.example/ready"]);
    assert_eq!(c.signature_methods.as_deref(), Some(&["HMAC-SHA1".to_owned(), "RSA-SHA1".to_owned()][..]));
    assert_eq!(c.metadata, [("homepage".to_owned(), "https://printer.example".to_owned())]);
    // Cached: the same parsed client.
    assert!(Arc::ptr_eq(&c, &b.client("printer").await.unwrap().unwrap()));
    clock.advance(5);
    // Confirmed (same version): still the same parsed client.
    assert!(Arc::ptr_eq(&c, &b.client("printer").await.unwrap().unwrap()));

    // A rotates the secret: A at once; B once its entry is older than the TTL.
    let fresh = a.rotate_client_secret("printer").await.unwrap();
    assert_eq!(fresh.expose().len(), 48);
    assert!(a.client("printer").await.unwrap().unwrap().shared_secret().unwrap().ct_eq(fresh.expose()));
    assert!(b.client("printer").await.unwrap().unwrap().shared_secret().unwrap().ct_eq("s1"), "cached in B");
    clock.advance(5);
    assert!(b.client("printer").await.unwrap().unwrap().shared_secret().unwrap().ct_eq(fresh.expose()));

    // Disabled: unknown to the provider (and to B after the TTL); enabled again.
    a.disable_client("printer").await.unwrap();
    assert!(a.client("printer").await.unwrap().is_none());
    clock.advance(5);
    assert!(b.client("printer").await.unwrap().is_none());
    assert!(a.registered_client("printer").await.unwrap().unwrap().disabled_at.is_some());
    a.enable_client("printer").await.unwrap();
    assert!(b.client("printer").await.unwrap().is_some(), "not cached while disabled");

    // Update replaces the registration.
    a.update_client(ClientRegistration::rsa_only("printer", pem).with_name("Printer 2")).await.unwrap();
    let c = a.client("printer").await.unwrap().unwrap();
    assert_eq!((c.name.as_str(), c.shared_secret().is_none(), c.callbacks.len()), ("Printer 2", true, 0));
    let registered = a.registered_client("printer").await.unwrap().unwrap();
    assert_eq!(registered.version, 5, "registered, then rotated, disabled, enabled and updated");

    // Unknown clients.
    for e in [
        a.update_client(ClientRegistration::new("nobody", "s")).await.unwrap_err(),
        a.disable_client("nobody").await.unwrap_err(),
        a.rotate_client_secret("nobody").await.unwrap_err(),
    ] {
        assert!(matches!(e, ManageError::NotFound), "{e:?}");
    }
    assert!(a.client("nobody").await.unwrap().is_none());
    assert!(a.client(&"x".repeat(10_000)).await.unwrap().is_none(), "an over-long key is simply unknown");
    // Keys compare exactly (MySQL's default collation would say PRINTER = printer).
    assert!(a.client("PRINTER").await.unwrap().is_none());
}

/// A user's authorized applications, revoking one, and revoking a client's tokens.
async fn authorizations_are_listed_and_revoked(db: Db) {
    let now = unix_now();
    let clock = ManualClock::new(now);
    let store = db.store(db.options().with_clock(clock.clone())).await;
    store.register_client(ClientRegistration::new("printer", "s").with_name("Printer")).await.unwrap();
    store.register_client(ClientRegistration::new("scanner", "s").with_name("Scanner")).await.unwrap();
    let token = |t: &str, client: &str, user: &str| TokenCredentials::new(t, Secret::new("s"), client, user);
    store.create_token(token("p1", "printer", "alice")).await.unwrap();
    clock.advance(10);
    store.create_token(token("p2", "printer", "alice")).await.unwrap();
    store.create_token(token("s1", "scanner", "alice")).await.unwrap();
    store.create_token(token("s2", "scanner", "bob")).await.unwrap();
    store.create_token(token("u1", "unregistered", "alice").with_expiry(Some(now + 10_000))).await.unwrap();
    store.create_token(token("x1", "expired", "alice").with_expiry(Some(now + 10))).await.unwrap();

    let apps = store.authorized_applications("alice").await.unwrap();
    let summary: Vec<_> = apps.iter().map(|a| (a.consumer_key.as_str(), a.name.as_str(), a.tokens)).collect();
    assert_eq!(summary, [("printer", "Printer", 2), ("scanner", "Scanner", 1), ("unregistered", "", 1)]);
    assert_eq!(apps[0].last_authorized_at - apps[0].first_authorized_at, 10);

    assert_eq!(store.revoke_authorization("alice", "printer").await.unwrap(), 2);
    assert!(store.token("p1").await.unwrap().is_none() && store.token("p2").await.unwrap().is_none());
    assert_eq!(store.authorized_applications("alice").await.unwrap().len(), 2);
    assert_eq!(store.revoke_client_tokens("scanner").await.unwrap(), 2, "alice's and bob's");
    assert!(store.authorized_applications("bob").await.unwrap().is_empty());
    assert_eq!(store.revoke_user_tokens("alice").await.unwrap(), 2, "the unregistered client's and the expired one");
    assert!(store.authorized_applications("alice").await.unwrap().is_empty());
}

/// `migrate` twice applies nothing the second time; concurrent migrations from two pools both
/// succeed; two prefixes are two independent stores in one database.
async fn migrations_are_idempotent_and_per_prefix(db: Db) {
    let a = db.options().connect(&db.url).await.unwrap();
    assert_eq!(a.schema_version().await.unwrap(), 0);
    let b = db.options().connect(&db.url).await.unwrap();
    let (ra, rb) = tokio::join!(a.migrate(), b.migrate());
    let (ra, rb) = (ra.unwrap(), rb.unwrap());
    assert_eq!(ra.len() + rb.len(), 2, "each migration applied once: {ra:?} {rb:?}");
    assert!(a.migrate().await.unwrap().is_empty());
    assert_eq!(a.schema_version().await.unwrap(), oauth1_sqlx::SCHEMA_VERSION);

    let other = db.store(SqlOptions::new().with_prefix(Db::prefix()).unwrap()).await;
    a.create_token(TokenCredentials::new("t", Secret::new("s"), "ck", "alice")).await.unwrap();
    assert!(other.token("t").await.unwrap().is_none(), "another prefix, another store");
    other.create_token(TokenCredentials::new("t", Secret::new("s"), "ck", "bob")).await.unwrap();
    assert_eq!(a.token("t").await.unwrap().unwrap().user_id, "alice");
    // One consent key per database and prefix, whoever asks first.
    let (ka, kb) = tokio::join!(a.shared_consent_key(), b.shared_consent_key());
    assert_eq!(ka.unwrap().to_hex(), kb.unwrap().to_hex());
    assert_ne!(other.shared_consent_key().await.unwrap().to_hex(), a.shared_consent_key().await.unwrap().to_hex());
    assert_eq!(format!("{:?}", a.backend()), format!("{:?}", Backend::from_url(&db.url).unwrap()));
    assert!(!format!("{a:?}").contains(&db.url), "Debug never shows the URL");
}

/// Over-long values and invalid registrations are refused before any write (the caller's
/// error, never the database's); nothing is stored.
async fn bounds_are_refused_before_writing(db: Db) {
    let store = db.store(db.options()).await;
    let long = "x".repeat(256);
    for reg in [
        ClientRegistration::new("", "s"),
        ClientRegistration::new(long.clone(), "s"),
        ClientRegistration::new("k", long.clone()),
        ClientRegistration::new("k", "s").with_name("n".repeat(256)),
        ClientRegistration::new("k", "s").with_callback("c".repeat(2049)),
        ClientRegistration::new("k", ""),
        ClientRegistration::rsa_only("k", "-----BEGIN PUBLIC KEY-----\nnot a key\n-----END PUBLIC KEY-----\n"),
        ClientRegistration::new("k", "s").with_metadata("m", "v".repeat(9_000)),
    ] {
        let e = store.register_client(reg).await.unwrap_err();
        assert!(matches!(e, ManageError::Invalid { .. }), "{e:?}");
        assert!(!e.to_string().contains(&long), "the message names the field, not the value: {e}");
    }
    assert!(store.registered_client("k").await.unwrap().is_none());
    let e = store.create_token(TokenCredentials::new(long.clone(), Secret::new("s"), "ck", "u")).await.unwrap_err();
    assert!(matches!(e, StoreError::Unavailable(_)), "{e:?}");
    let e = store.create_token(TokenCredentials::new("t", Secret::new("s"), "ck", "u".repeat(257))).await.unwrap_err();
    assert!(matches!(e, StoreError::Unavailable(_)), "{e:?}");
    assert!(store.token("t").await.unwrap().is_none());
    // Unknown, over-long tokens are simply not found (no statement needed).
    assert!(store.temporary(&long).await.unwrap().is_none());
    assert!(matches!(
        store.authorize_temporary(&long, Authorization::new("u", Secret::new("v"))).await.unwrap(),
        AuthorizeOutcome::NotFound
    ));
    let _ = Stores::single(Arc::new(store));
}

/// Every public future is `Send`, so a store works inside any multi-threaded server (Rocket
/// requires its launch future to be `Send`; a compile-time check).
#[allow(dead_code, clippy::let_underscore_future)]
fn futures_are_send(store: SqlStore) {
    fn send<T: Send>(_: T) {}
    send(SqlStore::connect("sqlite::memory:"));
    send(SqlOptions::new().connect("sqlite::memory:"));
    send(store.migrate());
    send(store.schema_version());
    send(store.shared_consent_key());
    send(store.purge_expired());
    send(store.register_client(ClientRegistration::new("k", "s")));
    send(store.register_client_if_absent(ClientRegistration::new("k", "s")));
    send(store.update_client(ClientRegistration::new("k", "s")));
    send(store.registered_client("k"));
    send(store.disable_client("k"));
    send(store.enable_client("k"));
    send(store.rotate_client_secret("k"));
    send(store.authorized_applications("u"));
    send(store.revoke_authorization("u", "k"));
    send(store.revoke_user_tokens("u"));
    send(store.revoke_client_tokens("k"));
    send(store.close());
}

/// A database that cannot be reached fails closed (an error, never acceptance), within the
/// timeout, and the error keeps sqlx's as its cause.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_database_fails_closed() {
    let Some(db) = Db::sqlite() else { return };
    let store = db.store(db.options()).await;
    store.close().await;
    let key = NonceKey { consumer_key: "ck", token: None, timestamp: 1, nonce: "n" };
    let e = store.check_and_insert(&key, unix_now() + 300).await.unwrap_err();
    assert!(matches!(e, StoreError::Unavailable(_)), "{e:?}");
    let cause = std::error::Error::source(&e).expect("a cause");
    assert!(cause.downcast_ref::<sqlx::Error>().is_some(), "{cause:?}");
    // A port nobody listens on (loopback).
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let options = SqlOptions::new().with_timeout(Duration::from_secs(2));
    assert!(options.connect(&format!("postgres://u:p@127.0.0.1:{port}/db")).await.is_err());
    assert!(SqlStore::connect("redis://127.0.0.1/").await.is_err(), "not a SQL URL");
}
