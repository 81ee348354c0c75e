//! Against a real `redis-server` each test starts on a free port (`.ci/run` installs it):
//! atomicity, expiry, two providers sharing one Redis, failing closed and recovering, the
//! number of round trips, the eviction-policy check and a full Redis (`maxmemory`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, missing_docs)]

use oauth1::server::Scope;
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use oauth1::AuthorizationServer;
use oauth1::server::Grant;
use oauth1::sign::Signer;
use oauth1::signature::Secret;
use oauth1::store::{
    Authorization, AuthorizeOutcome, NonceCheck, NonceKey, NonceStore, StoreError, TemporaryCredentialStore,
    TemporaryCredentials, TokenCredentialStore, TokenCredentials,
};
use oauth1_redis::{RedisStore, ServerCheckError};
use oauth1_tests::{
    CLIENT, Provider, flow_across, form, instance, live_signer, prerequisite, request, token_request, unix_now, winners,
};

struct RedisServer {
    child: Child,
    port: u16,
}

impl RedisServer {
    /// A fresh redis-server on a free port; `None` (the test is skipped, except in CI) when
    /// redis-server is not installed.
    fn start() -> Option<RedisServer> {
        Self::start_with(&[])
    }

    /// [`RedisServer::start`] with more configuration (`--name value` pairs).
    fn start_with(config: &[&str]) -> Option<RedisServer> {
        if !prerequisite("redis-server", "the Redis store's tests") {
            return None;
        }
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        Some(Self::spawn(port, config))
    }

    fn start_on(port: u16) -> RedisServer {
        Self::spawn(port, &[])
    }

    fn spawn(port: u16, config: &[&str]) -> RedisServer {
        let child = Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            .args(config)
            .stdout(Stdio::null())
            .spawn()
            .expect("redis-server must be installed (.ci/run installs it with apt)");
        let server = RedisServer { child, port };
        for _ in 0..200 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return server;
            }
            std::thread::sleep(Duration::from_millis(25));
        }
        panic!("redis-server did not start on port {port}");
    }

    fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    async fn client(&self) -> redis::aio::MultiplexedConnection {
        redis::Client::open(self.url()).unwrap().get_multiplexed_async_connection().await.unwrap()
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A provider with the shared fixture's clients and nonces and credentials in Redis, on the
/// system clock (Redis expires keys by real time).
fn provider_on(redis: &RedisServer, clients_from: &Provider) -> AuthorizationServer {
    let store = RedisStore::connect(&redis.url()).unwrap().with_prefix("test:");
    instance(store.stores(clients_from.store.clone()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nonces_are_atomic_and_expire_with_the_window() {
    let Some(redis) = RedisServer::start() else { return };
    let store = Arc::new(RedisStore::connect(&redis.url()).unwrap());
    let key = NonceKey { consumer_key: "a-b", token: None, timestamp: 1, nonce: "c" };
    let expires = unix_now() + 300;
    assert_eq!(store.check_and_insert(&key, expires).await.unwrap(), NonceCheck::Fresh);
    assert_eq!(store.check_and_insert(&key, expires).await.unwrap(), NonceCheck::Replayed);
    // A tuple that `-`-joined keys would confuse with the first is a different nonce.
    let other = NonceKey { consumer_key: "a", token: Some("b"), timestamp: 1, nonce: "c" };
    assert_eq!(store.check_and_insert(&other, expires).await.unwrap(), NonceCheck::Fresh);
    // The key expires exactly when the timestamp leaves the window.
    let mut conn = redis.client().await;
    let at: i64 = redis::cmd("EXPIRETIME").arg(store.nonce_key(&key)).query_async(&mut conn).await.unwrap();
    assert_eq!(at, expires as i64);
    // 64 concurrent inserts of one nonce: exactly one is fresh.
    let key = NonceKey { consumer_key: "k", token: Some("t"), timestamp: 2, nonce: "race" };
    let tasks: Vec<_> = (0..64)
        .map(|_| {
            let store = store.clone();
            let key = (key.consumer_key.to_owned(), key.nonce.to_owned());
            tokio::spawn(async move {
                let k = NonceKey { consumer_key: &key.0, token: Some("t"), timestamp: 2, nonce: &key.1 };
                store.check_and_insert(&k, expires).await.unwrap() == NonceCheck::Fresh
            })
        })
        .collect();
    assert_eq!(winners(tasks).await, 1, "exactly one of the racing tasks wins");
}

/// The store conformance kit (`oauth1-conformance`). Redis expires keys by real time, so expiry
/// is checked with records already expired when created.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_conformance_kit_passes() {
    let Some(redis) = RedisServer::start() else { return };
    let store = RedisStore::connect(&redis.url()).unwrap();
    let report = oauth1_conformance::Conformance::new(store.stores(Provider::new().store.clone()))
        .run()
        .await
        .unwrap_or_else(|f| panic!("{f}"));
    eprintln!("redis: {} checks passed", report.checks.len());
    assert_eq!(report.checks.len(), 12, "{:?}", report.checks);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn temporary_credentials_authorize_once_take_once_and_expire() {
    let Some(redis) = RedisServer::start() else { return };
    let store = Arc::new(RedisStore::connect(&redis.url()).unwrap());
    let expires = unix_now() + 600;
    store
        .create_temporary(
            TemporaryCredentials::new("t1", Secret::new("s"), "ck", "oob", expires).with_realm(Some("r".into())),
        )
        .await
        .unwrap();
    let read = store.temporary("t1").await.unwrap().unwrap();
    assert_eq!(
        (read.consumer_key.as_str(), read.realm.as_deref(), read.authorization.is_none()),
        ("ck", Some("r"), true)
    );
    let auth = || Authorization::new("alice", Secret::new("v"));
    let AuthorizeOutcome::Authorized(c) = store.authorize_temporary("t1", auth()).await.unwrap() else { panic!() };
    assert_eq!(c.authorization.unwrap().user_id, "alice");
    assert!(matches!(store.authorize_temporary("t1", auth()).await.unwrap(), AuthorizeOutcome::AlreadyAuthorized));
    assert!(matches!(store.authorize_temporary("zz", auth()).await.unwrap(), AuthorizeOutcome::NotFound));
    let mut conn = redis.client().await;
    let at: i64 = redis::cmd("EXPIRETIME").arg(store.temporary_key("t1")).query_async(&mut conn).await.unwrap();
    assert_eq!(at, expires as i64, "authorizing keeps the expiry");
    // Ten concurrent takes: one gets the credentials.
    let tasks: Vec<_> = (0..10)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move { store.take_temporary("t1").await.unwrap().is_some() })
        })
        .collect();
    assert_eq!(winners(tasks).await, 1, "exactly one of the racing tasks wins");
    // Token credentials: create, read, revoke.
    store.create_token(TokenCredentials::new("k1", Secret::new("ks"), "ck", "alice")).await.unwrap();
    assert_eq!(store.token("k1").await.unwrap().unwrap().user_id, "alice");
    assert!(store.revoke_token("k1").await.unwrap());
    assert!(store.token("k1").await.unwrap().is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_providers_act_as_one() {
    let Some(redis) = RedisServer::start() else { return };
    let fixture = Provider::new();
    let (a, b) = (provider_on(&redis, &fixture), provider_on(&redis, &fixture));

    // Issued by A, consent page on A, decision on B, exchanged on A.
    let (_, access) = flow_across(&a, &b).await;

    // Accepted by A, replayed to B: refused.
    let req = live_signer()
        .token(&access["oauth_token"], &access["oauth_token_secret"])
        .sign(request("GET", "http://localhost/photos", None))
        .unwrap();
    let who = a.resource_protector().verify(&req, Scope::Token).await.unwrap();
    assert_eq!(who.user_id(), Some("alice"));
    let e = b.resource_protector().verify(&req, Scope::Token).await.unwrap_err();
    assert_eq!((e.status().as_u16(), e.code()), (401, "invalid_nonce"));

    // Ten concurrent exchanges of one authorized temporary credential, spread over A and B.
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
    assert_eq!(winners(tasks).await, 1, "exactly one of the racing tasks wins");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_down_is_503_and_service_resumes() {
    let Some(mut redis) = RedisServer::start() else { return };
    let fixture = Provider::new();
    let server = provider_on(&redis, &fixture);
    let initiate = |nonce: &str| {
        live_signer()
            .nonce(nonce)
            .callback("oob")
            .sign(request("POST", "http://localhost/oauth/initiate", None))
            .unwrap()
    };
    assert!(server.temporary_credentials(&initiate("n1")).await.is_ok());

    redis.stop();
    let e = server.temporary_credentials(&initiate("n2")).await.unwrap_err();
    assert_eq!((e.status().as_u16(), e.code()), (503, "temporarily_unavailable"));
    let req = live_signer().token("t", "s").sign(request("GET", "http://localhost/photos", None)).unwrap();
    assert_eq!(server.resource_protector().verify(&req, Scope::Token).await.unwrap_err().status(), 503);

    let _again = RedisServer::start_on(redis.port);
    let mut ok = false;
    for i in 0..40 {
        if server.temporary_credentials(&initiate(&format!("r{i}"))).await.is_ok() {
            ok = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert!(ok, "requests succeed again once Redis is back");
}

/// Round trips, counted by Redis itself (`INFO commandstats` after `CONFIG RESETSTAT`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn round_trips_per_request() {
    let Some(redis) = RedisServer::start() else { return };
    let fixture = Provider::new();
    let server = provider_on(&redis, &fixture);
    let mut conn = redis.client().await;
    async fn calls(conn: &mut redis::aio::MultiplexedConnection) -> u64 {
        let info: String = redis::cmd("INFO").arg("commandstats").query_async(conn).await.unwrap();
        info.lines()
            .filter(|l| l.starts_with("cmdstat_") && !l.starts_with("cmdstat_info") && !l.starts_with("cmdstat_config"))
            .filter_map(|l| l.split("calls=").nth(1)?.split(',').next()?.parse::<u64>().ok())
            .sum()
    }
    async fn reset(conn: &mut redis::aio::MultiplexedConnection) {
        let _: () = redis::cmd("CONFIG").arg("RESETSTAT").query_async(conn).await.unwrap();
    }

    let req = live_signer().callback("oob").sign(request("POST", "http://localhost/oauth/initiate", None)).unwrap();
    let f = form(server.temporary_credentials(&req).await.unwrap().body());
    // Load the authorize script once, as a running provider would have.
    let Grant::OutOfBand { verifier, .. } = oauth1_tests::grant(&server, &f["oauth_token"], "alice").await.unwrap()
    else {
        panic!()
    };

    reset(&mut conn).await;
    let req = token_request(live_signer(), &f, &verifier);
    let access = form(server.token_credentials(&req).await.unwrap().body());
    let exchange = calls(&mut conn).await;

    reset(&mut conn).await;
    let req = live_signer()
        .token(&access["oauth_token"], &access["oauth_token_secret"])
        .sign(request("GET", "http://localhost/photos", None))
        .unwrap();
    server.resource_protector().verify(&req, Scope::Token).await.unwrap();
    let protected = calls(&mut conn).await;

    eprintln!("redis round trips: protected request {protected}, token exchange {exchange}");
    assert_eq!(protected, 2, "token GET + nonce SET NX");
    assert_eq!(exchange, 4, "temporary GET + nonce SET NX + GETDEL + token SET");
}

/// The warp, Rocket and axum demos as three processes sharing one Redis
/// (`OAUTH1_DEMO_REDIS_URL`): one provider.
#[test]
fn the_demos_share_one_redis() {
    use oauth1_tests::process::{Demo, example_binary};
    let Some(redis) = RedisServer::start() else { return };
    let url = redis.url();
    let a = Demo::start(&example_binary("oauth1-warp", "photos"), &[("OAUTH1_DEMO_REDIS_URL", &url)]);
    let b = Demo::start(&example_binary("oauth1-rocket", "photos"), &[("OAUTH1_DEMO_REDIS_URL", &url)]);
    let c = Demo::start(&example_binary("oauth1-axum", "photos"), &[("OAUTH1_DEMO_REDIS_URL", &url)]);
    let printer = Signer::new("dpf43f3p2l4k3l03", "kd94hf93k423kf44");
    let post = |demo: &Demo, path: &str, body: &str| {
        http::Request::post(format!("http://{}{path}", demo.addr))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body.as_bytes().to_vec())
            .unwrap()
    };
    let res = a.send(&printer.clone().callback("oob").sign(post(&a, "/initiate", "")).unwrap());
    let temp = form(res.body());
    // The consent page from A, the decision to B: they share the consent key through Redis.
    let page = a.send(
        &http::Request::get(format!("http://{}/authorize?oauth_token={}", a.addr, temp["oauth_token"]))
            .body(Vec::new())
            .unwrap(),
    );
    let html = String::from_utf8(page.body().clone()).unwrap();
    let marker = "name=\"oauth1_consent\" value=\"";
    let start = html.find(marker).unwrap() + marker.len();
    let hidden = &html[start..start + html[start..].find('"').unwrap()];
    let cookie = page.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned();
    let mut decision = post(
        &b,
        "/authorize",
        &format!("oauth_token={}&user=alice&decision=allow&oauth1_consent={hidden}", temp["oauth_token"]),
    );
    decision.headers_mut().insert("cookie", cookie.parse().unwrap());
    let res = b.send(&decision);
    assert_eq!(res.status(), 200, "{}", String::from_utf8_lossy(res.body()));
    let verifier = form(res.body())["oauth_verifier"].clone();
    // The token exchange on C.
    let res = c.send(
        &printer
            .clone()
            .token(&temp["oauth_token"], &temp["oauth_token_secret"])
            .verifier(&verifier)
            .sign(post(&c, "/token", ""))
            .unwrap(),
    );
    assert_eq!(res.status(), 200);
    let access = form(res.body());
    let req = printer
        .token(&access["oauth_token"], &access["oauth_token_secret"])
        .sign(http::Request::get(format!("http://{}/photos?file=f", b.addr)).body(Vec::new()).unwrap())
        .unwrap();
    assert_eq!(b.send(&req).status(), 200);
    // The same request replayed to the other processes.
    for other in [&a, &c] {
        let mut replay = req.clone();
        *replay.uri_mut() = format!("http://{}/photos?file=f", other.addr).parse().unwrap();
        replay.headers_mut().insert("host", b.addr.parse().unwrap());
        let res = other.send(&replay);
        assert_eq!((res.status().as_u16(), form(res.body())["error"].as_str()), (401, "invalid_nonce"));
    }
}

/// Instances on one Redis share one consent key: created once, read by all.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_consent_key_is_shared_through_redis() {
    let Some(redis) = RedisServer::start() else { return };
    let a = RedisStore::connect(&redis.url()).unwrap().with_prefix("test:");
    let b = RedisStore::connect(&redis.url()).unwrap().with_prefix("test:");
    let (ka, kb) = (a.shared_consent_key().await.unwrap(), b.shared_consent_key().await.unwrap());
    assert_eq!(ka.to_hex(), kb.to_hex());
    assert_eq!(a.shared_consent_key().await.unwrap().to_hex(), ka.to_hex(), "stable");
    let other = RedisStore::connect(&redis.url()).unwrap().with_prefix("other:");
    assert_ne!(other.shared_consent_key().await.unwrap().to_hex(), ka.to_hex(), "per prefix");
}

/// `check_server` accepts `noeviction` only, says what to do where `CONFIG` is unavailable, and
/// has an explicit opt-out for that case that still refuses a policy it can read.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_check_refuses_evicting_policies() {
    let Some(default) = RedisServer::start() else { return };
    let started = std::time::Instant::now();
    // Redis's default policy is noeviction.
    RedisStore::connect(&default.url()).unwrap().check_server().await.unwrap();

    for policy in ["allkeys-lru", "volatile-lru", "volatile-ttl", "allkeys-random"] {
        let redis = RedisServer::start_with(&["--maxmemory-policy", policy]).unwrap();
        let store = RedisStore::connect(&redis.url()).unwrap();
        let e = store.check_server().await.unwrap_err();
        let ServerCheckError::EvictionPolicy { node, policy: reported } = &e else { panic!("{e:?}") };
        assert_eq!((node.clone(), reported.as_str()), (format!("127.0.0.1:{}", redis.port), policy));
        assert!(e.to_string().contains("set maxmemory-policy noeviction"), "{e}");
        // The opt-out covers an unreadable policy, never an evicting one.
        let e = store.assume_noeviction_unchecked().check_server().await.unwrap_err();
        assert!(matches!(e, ServerCheckError::EvictionPolicy { .. }), "{e:?}");
    }

    // CONFIG renamed away (managed Redis) or not permitted by an ACL: unreadable, with advice.
    for config in [
        &["--rename-command", "CONFIG", ""][..],
        &["--user", "default", "on", "nopass", "~*", "&*", "+@all", "-config"][..],
    ] {
        let redis = RedisServer::start_with(config).unwrap();
        let store = RedisStore::connect(&redis.url()).unwrap();
        let e = store.check_server().await.unwrap_err();
        let ServerCheckError::PolicyUnreadable { .. } = &e else { panic!("{e:?}") };
        let message = e.to_string();
        assert!(message.contains("maxmemory-policy noeviction") && message.contains("assume_noeviction_unchecked"));
        assert!(std::error::Error::source(&e).is_some(), "the cause is kept");
        eprintln!("{message}");
        store.assume_noeviction_unchecked().check_server().await.unwrap();
    }

    // Redis down: unavailable, within the timeout.
    let port = default.port;
    drop(default);
    let store = RedisStore::connect(&format!("redis://127.0.0.1:{port}/")).unwrap();
    let at = std::time::Instant::now();
    let e = store.check_server().await.unwrap_err();
    assert!(matches!(e, ServerCheckError::Unavailable(_)), "{e:?}");
    assert!(at.elapsed() < Duration::from_secs(2));
    eprintln!("server checks: {:?}", started.elapsed());
}

/// `maxmemory` with `noeviction`: a full Redis refuses writes, so every request that needs a
/// nonce answers 503 (never accepted, a replay included); nothing accepted before is lost, and
/// service resumes when memory is available.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_redis_fails_closed() {
    let Some(redis) = RedisServer::start_with(&["--maxmemory", "2mb", "--maxmemory-policy", "noeviction"]) else {
        return;
    };
    let started = std::time::Instant::now();
    let fixture = Provider::new();
    let server = provider_on(&redis, &fixture);
    let store = Arc::new(RedisStore::connect(&redis.url()).unwrap().with_prefix("test:"));
    store.check_server().await.unwrap();
    store.create_token(TokenCredentials::new("tok", Secret::new("tok-secret"), CLIENT, "alice")).await.unwrap();
    let photos = |nonce: &str| {
        live_signer()
            .token("tok", "tok-secret")
            .nonce(nonce)
            .sign(request("GET", "http://localhost/photos", None))
            .unwrap()
    };
    let accepted = photos("before");
    server.resource_protector().verify(&accepted, Scope::Token).await.unwrap();

    let mut conn = redis.client().await;
    async fn used_memory(conn: &mut redis::aio::MultiplexedConnection) -> i64 {
        let info: String = redis::cmd("INFO").arg("memory").query_async(conn).await.unwrap();
        info.lines().find_map(|l| l.strip_prefix("used_memory:")).unwrap().trim().parse().unwrap()
    }
    let before = used_memory(&mut conn).await;

    // Fill it with nonces, 500 at a time, until writes fail.
    let expires = unix_now() + 600;
    let mut fresh = 0usize;
    let mut full = false;
    for round in 0..400 {
        let mut tasks = tokio::task::JoinSet::new();
        for i in 0..500 {
            let store = store.clone();
            tasks.spawn(async move {
                let nonce = format!("fill-{round}-{i}");
                let key = NonceKey { consumer_key: CLIENT, token: Some("tok"), timestamp: 1, nonce: &nonce };
                store.check_and_insert(&key, expires).await
            });
        }
        while let Some(result) = tasks.join_next().await {
            match result.unwrap() {
                Ok(NonceCheck::Fresh) => fresh += 1,
                Ok(other) => panic!("distinct nonces in a store that forgets none: {other:?}"),
                Err(StoreError::CapacityExceeded) => full = true,
                Err(e) => panic!("a full Redis is CapacityExceeded, not {e}"),
            }
        }
        if full {
            break;
        }
    }
    assert!(full, "2 MB are full after {fresh} nonces");
    let used = used_memory(&mut conn).await;
    eprintln!("full after {fresh} nonces ({} bytes each) in {:?}", (used - before) / fresh as i64, started.elapsed());

    // Full: no write succeeds, nothing is accepted.
    for i in 0..100 {
        let nonce = format!("after-{i}");
        let key = NonceKey { consumer_key: CLIENT, token: Some("tok"), timestamp: 1, nonce: &nonce };
        let e = store.check_and_insert(&key, expires).await.unwrap_err();
        assert!(matches!(e, StoreError::CapacityExceeded), "{e}");
    }
    let e = server.resource_protector().verify(&photos("fresh"), Scope::Token).await.unwrap_err();
    assert_eq!((e.status().as_u16(), e.code()), (503, "temporarily_unavailable"));
    let e = server.resource_protector().verify(&accepted, Scope::Token).await.unwrap_err();
    assert_eq!(e.status(), 503, "the replay is refused");
    let initiate =
        live_signer().callback("oob").sign(request("POST", "http://localhost/oauth/initiate", None)).unwrap();
    assert_eq!(server.temporary_credentials(&initiate).await.unwrap_err().status(), 503);

    // Memory again: service resumes, and the nonce accepted before was never evicted.
    let _: () = redis::cmd("CONFIG").arg("SET").arg("maxmemory").arg("0").query_async(&mut conn).await.unwrap();
    server.resource_protector().verify(&photos("fresh"), Scope::Token).await.unwrap();
    let e = server.resource_protector().verify(&accepted, Scope::Token).await.unwrap_err();
    assert_eq!((e.status().as_u16(), e.code()), (401, "invalid_nonce"));
    eprintln!("maxmemory test: {:?}", started.elapsed());
}

/// A create with a token already present (`SET … NX` not set) is a conflict, not "unavailable",
/// and leaves the stored credentials as they were.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_duplicate_create_is_a_conflict() {
    let Some(redis) = RedisServer::start() else { return };
    let store = RedisStore::connect(&redis.url()).unwrap();
    let expires = unix_now() + 600;
    let temporary = |secret: &str| TemporaryCredentials::new("t", Secret::new(secret), "ck", "oob", expires);
    store.create_temporary(temporary("first")).await.unwrap();
    let e = store.create_temporary(temporary("second")).await.unwrap_err();
    assert!(matches!(e, StoreError::Conflict), "{e:?}");
    assert_eq!(store.temporary("t").await.unwrap().unwrap().secret.expose(), "first");

    let token = |secret: &str| TokenCredentials::new("k", Secret::new(secret), "ck", "alice");
    store.create_token(token("first")).await.unwrap();
    let e = store.create_token(token("second")).await.unwrap_err();
    assert!(matches!(e, StoreError::Conflict), "{e:?}");
    assert_eq!(store.token("k").await.unwrap().unwrap().secret.expose(), "first");
    // The same record again (a SET retried after its reply was lost) is not a conflict.
    store.create_token(token("first")).await.unwrap();
    store.create_temporary(temporary("first")).await.unwrap();
    // Once revoked, the token can be created again.
    assert!(store.revoke_token("k").await.unwrap());
    store.create_token(token("third")).await.unwrap();
    assert_eq!(store.token("k").await.unwrap().unwrap().secret.expose(), "third");
}

/// A failed command is `Unavailable` with the `redis::RedisError` itself as its source, and a
/// record that does not parse has the parser's error as its source.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_errors_are_kept_as_the_cause() {
    let Some(redis) = RedisServer::start() else { return };
    let store = RedisStore::connect(&redis.url()).unwrap();
    let mut conn = redis.client().await;
    // A key of the wrong type: GET answers WRONGTYPE.
    let _: i64 = redis::cmd("LPUSH").arg(store.token_key("listed")).arg("x").query_async(&mut conn).await.unwrap();
    let e = store.token("listed").await.unwrap_err();
    assert!(matches!(e, StoreError::Unavailable(_)), "{e:?}");
    let cause = std::error::Error::source(&e).expect("a cause");
    let redis_error = cause.downcast_ref::<redis::RedisError>().expect("the RedisError itself");
    assert_eq!(redis_error.code(), Some("WRONGTYPE"), "{redis_error}");
    // A value that is not a record.
    let _: () = redis::cmd("SET").arg(store.token_key("garbled")).arg("{").query_async(&mut conn).await.unwrap();
    let e = store.token("garbled").await.unwrap_err();
    let cause = std::error::Error::source(&e).expect("a cause");
    assert!(cause.downcast_ref::<serde_json::Error>().is_some(), "{cause:?}");
}

/// Outside a Tokio runtime `connect` is an error, not the `redis` crate's panic (no server needed).
#[test]
fn connect_outside_a_runtime_is_an_error() {
    let Err(err) = RedisStore::connect("redis://127.0.0.1:1/") else { panic!("refused outside a runtime") };
    assert!(err.to_string().contains("Tokio runtime"), "{err}");
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async { assert!(RedisStore::connect("redis://127.0.0.1:1/").is_ok(), "lazy inside one") });
}
