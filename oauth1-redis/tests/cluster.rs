//! The Redis store on a real Redis Cluster the test starts itself: three masters on free
//! loopback ports (`redis-server --cluster-enabled yes` ×3 + `redis-cli --cluster create`),
//! two providers acting as one over it, nonces spread over every master, one master killed
//! (its requests answer 503, never acceptance) and restarted (service resumes, its nonces kept).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, missing_docs)]

use oauth1::server::Scope;
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use oauth1::AuthorizationServer;
use oauth1::store::NonceKey;
use oauth1_redis::RedisStore;
use oauth1_tests::{CLIENT, Provider, flow_across, instance, live_signer, prerequisite, request, unix_now};

/// The bound of every wait for the cluster to settle.
const SETTLE: Duration = Duration::from_secs(30);
/// How long the cluster waits before it marks an unreachable master failed.
const NODE_TIMEOUT_MS: u64 = 2000;

struct Node {
    port: u16,
    bus_port: u16,
    child: Option<Child>,
}

/// Three masters, no replicas, in a temporary directory; every process is killed and the
/// directory removed on drop.
struct Cluster {
    dir: PathBuf,
    nodes: Vec<Node>,
}

impl Cluster {
    /// `None` (the test is skipped, except in CI) when redis-server or redis-cli is missing.
    fn start() -> Option<Cluster> {
        if !prerequisite("redis-server", "the Redis Cluster test")
            || !prerequisite("redis-cli", "the Redis Cluster test")
        {
            return None;
        }
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos();
        let dir = std::env::temp_dir().join(format!("oauth1-redis-cluster-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        // Six distinct free ports (clients and cluster buses), held together while chosen.
        let listeners: Vec<TcpListener> = (0..6).map(|_| TcpListener::bind("127.0.0.1:0").unwrap()).collect();
        let ports: Vec<u16> = listeners.iter().map(|l| l.local_addr().unwrap().port()).collect();
        drop(listeners);
        let mut cluster = Cluster {
            dir,
            nodes: (0..3).map(|i| Node { port: ports[i], bus_port: ports[i + 3], child: None }).collect(),
        };
        for i in 0..3 {
            cluster.spawn(i);
        }
        let mut create = Command::new("redis-cli");
        create.arg("--cluster").arg("create");
        for node in &cluster.nodes {
            create.arg(format!("127.0.0.1:{}", node.port));
        }
        let out = create
            .args(["--cluster-replicas", "0", "--cluster-yes"])
            .stdin(Stdio::null())
            .output()
            .expect("redis-cli must be installed (.ci/run installs it with apt)");
        assert!(out.status.success(), "redis-cli --cluster create: {}", String::from_utf8_lossy(&out.stdout));
        Some(cluster)
    }

    /// Starts (or restarts) node `i` on its port with its `nodes.conf` and append-only file.
    fn spawn(&mut self, i: usize) {
        let node = &self.nodes[i];
        let (port, bus) = (node.port.to_string(), node.bus_port.to_string());
        let data = self.dir.join(&port);
        std::fs::create_dir_all(&data).unwrap();
        let conf = self.dir.join(format!("nodes-{port}.conf"));
        let child = Command::new("redis-server")
            .args(["--port", &port, "--bind", "127.0.0.1", "--cluster-enabled", "yes", "--cluster-port", &bus])
            .arg("--cluster-config-file")
            .arg(&conf)
            .args(["--cluster-node-timeout", &NODE_TIMEOUT_MS.to_string()])
            .arg("--dir")
            .arg(&data)
            // Every write on disk before it is acknowledged: a restarted master keeps its nonces.
            .args(["--save", "", "--appendonly", "yes", "--appendfsync", "always"])
            // DEBUG SLEEP stands in for a master that hangs.
            .args(["--enable-debug-command", "local"])
            .stdout(Stdio::null())
            .spawn()
            .expect("redis-server must be installed (.ci/run installs it with apt)");
        self.nodes[i].child = Some(child);
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", self.nodes[i].port)).is_err() {
            assert!(started.elapsed() < SETTLE, "redis-server did not start on port {port}");
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    fn kill(&mut self, i: usize) {
        if let Some(mut child) = self.nodes[i].child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    fn url(&self, i: usize) -> String {
        format!("redis://127.0.0.1:{}/", self.nodes[i].port)
    }

    fn urls(&self) -> Vec<String> {
        (0..self.nodes.len()).map(|i| self.url(i)).collect()
    }

    /// A plain connection to node `i` alone (no cluster routing).
    async fn node(&self, i: usize) -> redis::aio::MultiplexedConnection {
        redis::Client::open(self.url(i)).unwrap().get_multiplexed_async_connection().await.unwrap()
    }

    /// Waits until every running node reports `cluster_state:<state>`.
    async fn wait_for_state(&self, state: &str) -> Duration {
        let started = Instant::now();
        let expected = format!("cluster_state:{state}");
        'poll: loop {
            assert!(started.elapsed() < SETTLE, "the cluster did not reach {expected} within {SETTLE:?}");
            for (i, node) in self.nodes.iter().enumerate() {
                if node.child.is_none() {
                    continue;
                }
                let info: Result<String, _> =
                    match redis::Client::open(self.url(i)).unwrap().get_multiplexed_async_connection().await {
                        Ok(mut conn) => redis::cmd("CLUSTER").arg("INFO").query_async(&mut conn).await,
                        Err(e) => Err(e),
                    };
                if !info.is_ok_and(|info| info.lines().any(|l| l.trim() == expected)) {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue 'poll;
                }
            }
            return started.elapsed();
        }
    }

    /// The index of the master serving `key`.
    async fn owner(&self, via: usize, key: &str) -> usize {
        let mut conn = self.node(via).await;
        let slot: i64 = redis::cmd("CLUSTER").arg("KEYSLOT").arg(key).query_async(&mut conn).await.unwrap();
        let ranges: Vec<Vec<redis::Value>> = redis::cmd("CLUSTER").arg("SLOTS").query_async(&mut conn).await.unwrap();
        for range in ranges {
            let start: i64 = redis::from_redis_value_ref(&range[0]).unwrap();
            let end: i64 = redis::from_redis_value_ref(&range[1]).unwrap();
            if (start..=end).contains(&slot) {
                let master: Vec<redis::Value> = redis::from_redis_value_ref(&range[2]).unwrap();
                let port: u16 = redis::from_redis_value_ref(&master[1]).unwrap();
                return self.nodes.iter().position(|n| n.port == port).unwrap();
            }
        }
        panic!("slot {slot} is not served");
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        for i in 0..self.nodes.len() {
            self.kill(i);
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A provider instance on the cluster (its own connection), with the fixture's clients.
fn provider_on(cluster: &Cluster, clients_from: &Provider) -> AuthorizationServer {
    let store = RedisStore::connect_cluster(cluster.urls()).unwrap().with_prefix("test:");
    instance(store.stores(clients_from.store.clone()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cluster_acts_as_one_store_and_fails_closed_per_master() {
    let started = Instant::now();
    let Some(mut cluster) = Cluster::start() else { return };
    let settled = cluster.wait_for_state("ok").await;
    eprintln!("cluster created in {:?} (state ok after {settled:?} more)", started.elapsed());

    // The eviction check asks every node.
    let keys = RedisStore::connect_cluster(cluster.urls()).unwrap().with_prefix("test:");
    keys.check_server().await.unwrap();
    let mut conn = cluster.node(1).await;
    let _: () = redis::cmd("CONFIG")
        .arg("SET")
        .arg("maxmemory-policy")
        .arg("volatile-lru")
        .query_async(&mut conn)
        .await
        .unwrap();
    let e = keys.check_server().await.unwrap_err();
    assert!(e.to_string().contains(&format!("127.0.0.1:{}", cluster.nodes[1].port)), "{e}");
    let _: () =
        redis::cmd("CONFIG").arg("SET").arg("maxmemory-policy").arg("noeviction").query_async(&mut conn).await.unwrap();
    keys.check_server().await.unwrap();

    // Two instances on the cluster: issued by A, authorized on B, exchanged on A.
    let fixture = Provider::new();
    let (a, b) = (provider_on(&cluster, &fixture), provider_on(&cluster, &fixture));
    // (The authorize script runs on B, routed by its one key.)
    let (req, access) = flow_across(&a, &b).await;
    let (token, token_secret) = (access["oauth_token"].clone(), access["oauth_token_secret"].clone());
    // The exchanged temporary credentials are gone for B too.
    assert_eq!(b.token_credentials(&req).await.unwrap_err().status(), 401);

    // Accepted by A, replayed to B: refused.
    let timestamp = unix_now();
    let photos = |nonce: &str| {
        live_signer()
            .token(&token, &token_secret)
            .timestamp(timestamp)
            .nonce(nonce)
            .sign(request("GET", "http://localhost/photos", None))
            .unwrap()
    };
    let req = photos("first");
    assert_eq!(a.resource_protector().verify(&req, Scope::Token).await.unwrap().user_id(), Some("alice"));
    let e = b.resource_protector().verify(&req, Scope::Token).await.unwrap_err();
    assert_eq!((e.status().as_u16(), e.code()), (401, "invalid_nonce"));

    // Nonces spread over all three masters.
    let nonce_key =
        |nonce: &str| keys.nonce_key(&NonceKey { consumer_key: CLIENT, token: Some(&token), timestamp, nonce });
    let mut by_owner: [Vec<String>; 3] = Default::default();
    for i in 0..30 {
        let nonce = format!("spread-{i}");
        let server = if i % 2 == 0 { &a } else { &b };
        server.resource_protector().verify(&photos(&nonce), Scope::Token).await.unwrap();
        by_owner[cluster.owner(0, &nonce_key(&nonce)).await].push(nonce);
    }
    for (i, nonces) in by_owner.iter().enumerate() {
        let mut conn = cluster.node(i).await;
        let stored: Vec<String> = redis::cmd("KEYS").arg("test:n:*").query_async(&mut conn).await.unwrap();
        let spread = nonces.iter().filter(|n| stored.contains(&nonce_key(n))).count();
        assert!(
            !nonces.is_empty() && spread == nonces.len(),
            "master {i} holds {spread} of its {} nonces",
            nonces.len()
        );
    }
    eprintln!("nonces per master: {:?}", by_owner.iter().map(Vec::len).collect::<Vec<_>>());

    // Kill a master that does not hold the token credentials, so that requests reach the nonce.
    let token_owner = cluster.owner(0, &keys.token_key(&token)).await;
    let victim = (token_owner + 1) % 3;
    let survivor = (token_owner + 2) % 3;
    let mut on_victim = Vec::new();
    let mut on_others = Vec::new();
    for i in 0.. {
        let nonce = format!("probe-{i}");
        let owner = cluster.owner(token_owner, &nonce_key(&nonce)).await;
        if owner == victim && on_victim.len() < 9 {
            on_victim.push(nonce);
        } else if owner != victim && on_others.len() < 6 {
            on_others.push(nonce);
        }
        if on_victim.len() == 9 && on_others.len() == 6 {
            break;
        }
    }
    // One accepted before the kill, on the victim: its replay must stay refused after the restart.
    let kept = photos(&on_victim[0]);
    a.resource_protector().verify(&kept, Scope::Token).await.unwrap();

    // A master that hangs (DEBUG SLEEP, shorter than the node timeout): its requests answer 503
    // once the store's timeout (500 ms) expires, then it serves again.
    let mut hung = cluster.node(victim).await;
    let sleeping = tokio::spawn(async move {
        let _: redis::RedisResult<()> = redis::cmd("DEBUG").arg("SLEEP").arg("1.5").query_async(&mut hung).await;
    });
    tokio::time::sleep(Duration::from_millis(100)).await;
    for nonce in &on_victim[1..3] {
        let at = Instant::now();
        let e = a.resource_protector().verify(&photos(nonce), Scope::Token).await.unwrap_err();
        assert_eq!((e.status().as_u16(), e.code()), (503, "temporarily_unavailable"), "{e:?}");
        let waited = at.elapsed();
        assert!(waited >= Duration::from_millis(400) && waited < Duration::from_secs(1), "503 after {waited:?}");
        eprintln!("hung master: 503 after {waited:?}");
    }
    sleeping.await.unwrap();
    // The writes that timed out were still applied once it woke: the same request is a replay.
    let e = b.resource_protector().verify(&photos(&on_victim[1]), Scope::Token).await.unwrap_err();
    assert_eq!((e.status().as_u16(), e.code()), (401, "invalid_nonce"));
    a.resource_protector().verify(&photos(&on_victim[3]), Scope::Token).await.unwrap();

    cluster.kill(victim);
    let killed = Instant::now();
    for (i, nonce) in on_victim[4..7].iter().enumerate() {
        let server = if i % 2 == 0 { &a } else { &b };
        let at = Instant::now();
        let e = server.resource_protector().verify(&photos(nonce), Scope::Token).await.unwrap_err();
        assert_eq!((e.status().as_u16(), e.code()), (503, "temporarily_unavailable"), "{e:?}");
        assert!(at.elapsed() < Duration::from_secs(2), "503 within the timeout, not after {:?}", at.elapsed());
    }
    let e = b.resource_protector().verify(&kept, Scope::Token).await.unwrap_err();
    assert_eq!(e.status(), 503, "the replay is refused");
    eprintln!("master {victim} killed: its requests answer 503 ({:?} for three)", killed.elapsed());
    // The masters still up answer for their keys until the cluster marks the victim failed.
    let (mut served, mut refused) = (0, 0);
    for nonce in &on_others[..3] {
        match a.resource_protector().verify(&photos(nonce), Scope::Token).await {
            Ok(_) => served += 1,
            Err(e) => {
                assert_eq!(e.status(), 503, "{e:?}");
                refused += 1;
            }
        }
    }
    eprintln!("keys on the other masters right after the kill: {served} served, {refused} answered 503");
    // Once the victim is marked failed the whole cluster refuses (full coverage is required).
    cluster.wait_for_state("fail").await;
    let e = a.resource_protector().verify(&photos(&on_others[3]), Scope::Token).await.unwrap_err();
    assert_eq!(e.status(), 503, "{e:?}");
    eprintln!("cluster_state:fail {:?} after the kill: every request answers 503", killed.elapsed());

    // Restarted on its port with its nodes.conf: service resumes.
    cluster.spawn(victim);
    let restarted = Instant::now();
    let mut attempts = 0;
    // Both instances: each has its own connections, which find the restarted master on their
    // own schedule.
    for (name, server) in [("a", &a), ("b", &b)] {
        loop {
            attempts += 1;
            let nonce = format!("resume-{name}-{attempts}");
            if cluster.owner(survivor, &nonce_key(&nonce)).await != victim {
                continue;
            }
            if server.resource_protector().verify(&photos(&nonce), Scope::Token).await.is_ok() {
                break;
            }
            assert!(restarted.elapsed() < SETTLE, "service did not resume within {SETTLE:?}");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
    eprintln!("master {victim} restarted: service resumed after {:?} ({attempts} attempts)", restarted.elapsed());
    // The other masters clear their `fail` state on their own schedule (gossip): a key of theirs
    // may still answer CLUSTERDOWN (503) just after the victim serves again. Every key is served
    // once every node reports `ok`.
    let settled = cluster.wait_for_state("ok").await;
    eprintln!("every node reports cluster_state:ok {:?} after the restart ({settled:?} more)", restarted.elapsed());
    for nonce in &on_victim[7..] {
        b.resource_protector().verify(&photos(nonce), Scope::Token).await.unwrap();
    }
    for nonce in &on_others[4..] {
        b.resource_protector().verify(&photos(nonce), Scope::Token).await.unwrap();
    }
    // Its nonces survived (append-only file, fsync on every write): the replay is still refused.
    let e = b.resource_protector().verify(&kept, Scope::Token).await.unwrap_err();
    assert_eq!((e.status().as_u16(), e.code()), (401, "invalid_nonce"));
    eprintln!("cluster test: {:?}", started.elapsed());
}

/// The cluster connection runs as a task: outside a Tokio runtime, or without a node, an error
/// rather than a panic.
#[test]
fn connect_cluster_needs_a_runtime_and_a_node() {
    let e = RedisStore::connect_cluster(["redis://127.0.0.1:1/"]).unwrap_err();
    assert!(e.to_string().contains("inside a Tokio runtime"), "{e}");
    let e = RedisStore::connect_cluster(Vec::<String>::new()).unwrap_err();
    assert!(e.to_string().contains("at least one node"), "{e}");
}
