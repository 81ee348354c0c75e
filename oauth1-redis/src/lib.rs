//! # oauth1-redis: one provider across many instances
//!
//! [`RedisStore`] keeps nonces, temporary credentials and token credentials in Redis so that
//! every instance behind a load balancer sees the same ones: a request accepted by one instance
//! and replayed to another is refused, and temporary credentials issued by one can be
//! authorized on a second and exchanged on a third, once. Clients stay wherever you keep them
//! ([`RedisStore::stores`] combines any [`ClientStore`]).
//!
//! Every operation is one round trip and atomic:
//!
//! | operation | Redis |
//! |---|---|
//! | nonce check-and-insert | `SET n:<key> 1 NX EXAT <expiry>` |
//! | create temporary credentials | `SET t:<token> <json> NX EXAT <expiry>` |
//! | read temporary credentials | `GET t:<token>` |
//! | authorize once | a short Lua script (read, check, `SET … KEEPTTL`) |
//! | take once | `GETDEL t:<token>` |
//! | create / read / revoke token credentials | `SET k:<token> <json> NX [EXAT <expiry>]` / `GET` / `DEL` |
//!
//! A protected request costs two round trips (token, nonce); a token exchange four. Creating
//! credentials never overwrites: a token already present is [`StoreError::Conflict`].
//!
//! Keys live under a configurable prefix (`oauth1:` by default) with a one-letter kind
//! ([`RedisStore::nonce_key`], [`RedisStore::temporary_key`], [`RedisStore::token_key`]), and
//! nonce keys use [`NonceKey::encoded`], so two different tuples never share a key. A failed
//! command is a [`StoreError`] whose [`source`](std::error::Error::source) is the
//! [`redis::RedisError`].
//!
//! **Fail closed.** Every call has a timeout (500 ms by default); an error or timeout is a
//! [`StoreError`], which the provider answers with 503, never with acceptance. The connection
//! manager reconnects by itself, so service resumes when Redis returns. Redis 6.2 or newer.
//! A write that timed out may still be applied by a slow Redis: the client's retry of the same
//! signed request is then refused as a replay (clients sign a retry anew, with a new nonce).
//!
//! One server ([`RedisStore::connect`]) or a Redis Cluster ([`RedisStore::connect_cluster`]):
//! the same operations, timeouts and failure behaviour.
//!
//! # Running Redis safely
//!
//! **`maxmemory-policy noeviction` is required**, and [`RedisStore::check_server`] checks it:
//! call it at startup and refuse to start on an error (again after adding nodes, or in a
//! readiness probe: the policy can be changed at runtime with `CONFIG SET`).
//!
//! - A nonce key is the only record that a request was seen. A key that Redis *evicts* before
//!   it expires lets the same signed request be accepted again until its timestamp leaves the
//!   window: a replay. `allkeys-*` policies evict any key; `volatile-*` policies evict keys with
//!   an expiry, and every nonce key and temporary-credential key has one (they are the *first*
//!   candidates), so both families are refused. Many managed services default to
//!   `volatile-lru`: set `noeviction` in their configuration.
//! - With `noeviction` a full Redis answers writes with an `OOM` error: every nonce check and
//!   every new credential fails, which this store reports as [`StoreError::CapacityExceeded`]
//!   and the provider answers with 503, never with acceptance (a replay of an accepted request
//!   is refused too). Reads still work. Service resumes as keys expire (a nonce key lives until
//!   its timestamp leaves the window) or memory is added. Size `maxmemory` for signed
//!   requests per second × how long a nonce key lives (300 s for a request signed now, with
//!   the default window of 300 s each way) × its size (with Redis 7 about 90 bytes plus the
//!   key's length: around 200 bytes for typical consumer keys, tokens and nonces), plus the
//!   credentials; watch `used_memory`.
//! - Where `CONFIG` is disabled or renamed (managed Redis) the check fails with
//!   [`ServerCheckError::PolicyUnreadable`], saying what to set. Once you have set
//!   `noeviction` in the service's configuration, either allow `CONFIG GET` for this client
//!   (ACL `+config|get`) or opt out explicitly with [`RedisStore::assume_noeviction_unchecked`].
//!
//! **Persistence.** A Redis that restarts empty forgets the nonces of the last window (a
//! request captured before the restart can be replayed until its timestamp leaves the window),
//! pending temporary credentials (users start over) and every token credential (every client
//! must be authorized again). With AOF, `appendfsync always` loses nothing at a cost in write
//! latency; `everysec` may lose the last second of writes, and so the nonces of that second;
//! RDB snapshots alone lose minutes. Without persistence, keep the instances out of service for
//! one timestamp window after an unclean Redis restart. Replication is asynchronous: a failover
//! to a replica can lose the last writes the same way.
//!
//! **Cluster.** Every operation touches exactly one key (the authorize script gets its key
//! through `KEYS[1]`), so keys spread over all masters and any slot layout works. Do not put a
//! hash tag (`{…}`) in the prefix: it would pin every key to one master. [`RedisStore::check_server`]
//! asks every node the client knows of. When a master is down, requests whose keys live on it
//! answer 503 within the timeout; once the cluster marks it failed (`cluster-node-timeout`) and
//! `cluster-require-full-coverage` is `yes` (the default), every request answers 503 until the
//! master or a replica promoted in its place serves its slots again. Give each master a replica
//! for availability; the persistence notes above apply to each master.
//!
//! # Getting started
//!
//! Connect, check the server, share the consent key, and build the provider: clients here in
//! the memory store (or your own [`ClientStore`] over your database), everything else in Redis.
//! The example is compiled but not run by the test suite (`no_run`), because it needs a Redis
//! server on `127.0.0.1:6379`.
//!
//! ```no_run
//! use std::sync::Arc;
//! use oauth1::{AuthorizationServer, Config, Origin};
//! use oauth1_memory::MemoryStore;
//! use oauth1_redis::RedisStore;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let redis = RedisStore::connect("redis://127.0.0.1:6379/")?;
//! // Refuse to start unless Redis is set never to evict a nonce (`maxmemory-policy noeviction`).
//! redis.check_server().await?;
//! // One consent key for every instance: a consent page served by one is answered on another.
//! let consent_key = redis.shared_consent_key().await?;
//!
//! let clients = Arc::new(MemoryStore::new());
//! let config = Config::default()
//!     .with_origin(Origin::fixed("https://api.example.com")?) // the same base string URI everywhere
//!     .with_consent_key(consent_key);
//! let server = AuthorizationServer::new(redis.stores(clients), config);
//! # let _ = server;
//! # Ok(())
//! # }
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use oauth1::consent::ConsentKey;
use oauth1::signature::Secret;
use oauth1::store::{
    Authorization, AuthorizeOutcome, ClientStore, NonceCheck, NonceKey, NonceStore, StoreError, Stores,
    TemporaryCredentialStore, TemporaryCredentials, TokenCredentialStore, TokenCredentials,
};
use redis::aio::{ConnectionLike, ConnectionManager, ConnectionManagerConfig};
use redis::cluster_async::ClusterConnection;
use redis::cluster_routing::{MultipleNodeRoutingInfo, RoutingInfo};
use serde::{Deserialize, Serialize};

/// Stores on Redis. Cheap to clone (one multiplexed, self-reconnecting connection, to one server
/// or to every node of a cluster).
#[derive(Clone)]
pub struct RedisStore {
    conn: Connection,
    prefix: Arc<str>,
    timeout: Duration,
    authorize: Arc<redis::Script>,
    assume_noeviction: bool,
}

impl std::fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match &self.conn {
            Connection::Single { .. } => "single",
            Connection::Cluster(_) => "cluster",
        };
        f.debug_struct("RedisStore")
            .field("kind", &kind)
            .field("prefix", &self.prefix)
            .field("timeout", &self.timeout)
            .field("assume_noeviction", &self.assume_noeviction)
            .finish_non_exhaustive()
    }
}

/// One server or a cluster; both reconnect by themselves.
#[derive(Clone)]
enum Connection {
    Single { conn: ConnectionManager, addr: Arc<str> },
    Cluster(ClusterConnection),
}

impl ConnectionLike for Connection {
    fn req_packed_command<'a>(&'a mut self, cmd: &'a redis::Cmd) -> redis::RedisFuture<'a, redis::Value> {
        match self {
            Connection::Single { conn, .. } => conn.req_packed_command(cmd),
            // Routed by the command's key (for EVALSHA: its first key).
            Connection::Cluster(conn) => conn.req_packed_command(cmd),
        }
    }

    fn req_packed_commands<'a>(
        &'a mut self,
        pipeline: &'a redis::Pipeline,
        offset: usize,
        count: usize,
    ) -> redis::RedisFuture<'a, Vec<redis::Value>> {
        match self {
            Connection::Single { conn, .. } => conn.req_packed_commands(pipeline, offset, count),
            Connection::Cluster(conn) => conn.req_packed_commands(pipeline, offset, count),
        }
    }

    fn get_db(&self) -> i64 {
        match self {
            Connection::Single { conn, .. } => conn.get_db(),
            Connection::Cluster(conn) => conn.get_db(),
        }
    }
}

/// Binds user and verifier to temporary credentials at most once, keeping their expiry.
const AUTHORIZE: &str = r#"
local v = redis.call('GET', KEYS[1])
if not v then return {0} end
local c = cjson.decode(v)
if c.user_id ~= nil and c.user_id ~= cjson.null then return {1} end
c.user_id = ARGV[1]
c.verifier = ARGV[2]
local n = cjson.encode(c)
redis.call('SET', KEYS[1], n, 'KEEPTTL')
return {2, n}
"#;

#[derive(Serialize, Deserialize)]
struct TemporaryRecord {
    token: String,
    secret: String,
    consumer_key: String,
    callback: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    realm: Option<String>,
    expires_at: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    user_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    verifier: Option<String>,
}

impl From<&TemporaryCredentials> for TemporaryRecord {
    fn from(c: &TemporaryCredentials) -> Self {
        TemporaryRecord {
            token: c.token.clone(),
            secret: c.secret.expose().to_owned(),
            consumer_key: c.consumer_key.clone(),
            callback: c.callback.clone(),
            realm: c.realm.clone(),
            expires_at: c.expires_at,
            user_id: c.authorization.as_ref().map(|a| a.user_id.clone()),
            verifier: c.authorization.as_ref().map(|a| a.verifier.expose().to_owned()),
        }
    }
}

impl From<TemporaryRecord> for TemporaryCredentials {
    fn from(r: TemporaryRecord) -> Self {
        let mut c = TemporaryCredentials::new(r.token, Secret::new(r.secret), r.consumer_key, r.callback, r.expires_at)
            .with_realm(r.realm);
        if let (Some(user), Some(verifier)) = (r.user_id, r.verifier) {
            c.authorization = Some(Authorization::new(user, Secret::new(verifier)));
        }
        c
    }
}

#[derive(Serialize, Deserialize)]
struct TokenRecord {
    token: String,
    secret: String,
    consumer_key: String,
    user_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    realm: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    expires_at: Option<u64>,
}

/// The latest expiry given to Redis (the end of year 9999); later ones are clamped (temporary
/// credentials) or left without expiry (token credentials): Redis refuses `EXAT` beyond its
/// range, which would make every exchange fail.
const MAX_EXPIRY: u64 = 253_402_300_799;

/// A failed command: Redis's `OOM` (full, under `noeviction`) is [`StoreError::CapacityExceeded`];
/// anything else is [`StoreError::Unavailable`] with the Redis error as its
/// [`source`](std::error::Error::source).
fn failed(e: redis::RedisError) -> StoreError {
    if e.code() == Some("OOM") { StoreError::CapacityExceeded } else { StoreError::backend(e) }
}

fn timed_out() -> StoreError {
    StoreError::unavailable("redis: timed out")
}

/// The only eviction policy that never drops a key before it expires.
const NOEVICTION: &str = "noeviction";

/// Why [`RedisStore::check_server`] refused the server.
#[derive(Debug)]
#[non_exhaustive]
pub enum ServerCheckError {
    /// A node's `maxmemory-policy` can evict nonce keys (any policy but `noeviction`, see
    /// [Running Redis safely](crate#running-redis-safely)).
    EvictionPolicy {
        /// The node (`host:port`).
        node: String,
        /// Its policy, e.g. `allkeys-lru` or `volatile-ttl`.
        policy: String,
    },
    /// A node did not tell its policy: `CONFIG` is disabled, renamed or not permitted (typical of
    /// managed Redis).
    PolicyUnreadable {
        /// The node (`host:port`).
        node: String,
        /// Redis's answer.
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// Redis could not be reached, failed or timed out.
    Unavailable(StoreError),
}

impl std::fmt::Display for ServerCheckError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ServerCheckError::EvictionPolicy { node, policy } => write!(
                f,
                "redis {node} has maxmemory-policy {policy}, which can evict nonce keys and let replays \
                 through: set maxmemory-policy {NOEVICTION}"
            ),
            ServerCheckError::PolicyUnreadable { node, source } => write!(
                f,
                "cannot read maxmemory-policy from redis {node} (CONFIG GET failed: {source}): set \
                 maxmemory-policy {NOEVICTION} in the server's configuration, then allow CONFIG GET for \
                 this client (ACL +config|get) or call RedisStore::assume_noeviction_unchecked()"
            ),
            ServerCheckError::Unavailable(e) => write!(f, "cannot check the redis server: {e}"),
        }
    }
}

impl std::error::Error for ServerCheckError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ServerCheckError::EvictionPolicy { .. } => None,
            ServerCheckError::PolicyUnreadable { source, .. } => Some(source.as_ref()),
            ServerCheckError::Unavailable(e) => Some(e),
        }
    }
}

/// One node's answer to `CONFIG GET maxmemory-policy`.
fn judge(node: String, answer: Result<redis::Value, redis::RedisError>, assume: bool) -> Result<(), ServerCheckError> {
    let value = match answer {
        Ok(redis::Value::ServerError(e)) => return judge(node, Err(e.into()), assume),
        Ok(value) => value,
        // A server's refusal (unknown command, no permission): the policy is unreadable.
        Err(e) if matches!(e.code(), Some("ERR" | "NOPERM")) => {
            return if assume { Ok(()) } else { Err(ServerCheckError::PolicyUnreadable { node, source: Box::new(e) }) };
        }
        Err(e) => return Err(ServerCheckError::Unavailable(failed(e))),
    };
    let reply: std::collections::HashMap<String, String> = redis::from_redis_value_ref(&value)
        .map_err(|e| ServerCheckError::PolicyUnreadable { node: node.clone(), source: Box::new(e) })?;
    match reply.get("maxmemory-policy") {
        Some(policy) if policy.eq_ignore_ascii_case(NOEVICTION) => Ok(()),
        Some(policy) => Err(ServerCheckError::EvictionPolicy { node, policy: policy.clone() }),
        None if assume => Ok(()),
        None => Err(ServerCheckError::PolicyUnreadable { node, source: "no maxmemory-policy in the reply".into() }),
    }
}

impl RedisStore {
    /// Connects to `url` (e.g. `redis://127.0.0.1:6379/`) lazily: the provider starts even while
    /// Redis is down, answering 503 until it is reachable. Must be called inside a Tokio runtime
    /// (the connection manager runs as a task on it): outside one it returns an error.
    ///
    /// Compiled, not run by the test suite (`no_run`): it needs a Redis server on `127.0.0.1:6379`.
    ///
    /// ```no_run
    /// use std::sync::Arc;
    /// use oauth1::{AuthorizationServer, Config};
    /// use oauth1_memory::MemoryStore;
    /// use oauth1_redis::RedisStore;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let redis = RedisStore::connect("redis://127.0.0.1:6379/")?;
    /// redis.check_server().await?;
    /// let server = AuthorizationServer::new(redis.stores(Arc::new(MemoryStore::new())), Config::default());
    /// # let _ = server;
    /// # Ok(())
    /// # }
    /// ```
    pub fn connect(url: &str) -> Result<Self, StoreError> {
        let client = redis::Client::open(url).map_err(StoreError::backend)?;
        // The connection manager spawns its task on the current runtime: outside one it would
        // panic, so this is an error instead, as for `connect_cluster`.
        if tokio::runtime::Handle::try_current().is_err() {
            return Err(StoreError::unavailable("redis: connect must be called inside a Tokio runtime"));
        }
        let timeout = Duration::from_millis(500);
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(timeout))
            .set_response_timeout(Some(timeout))
            .set_number_of_retries(1);
        let addr = Arc::from(client.get_connection_info().addr().to_string());
        let conn = ConnectionManager::new_lazy_with_config(client, config).map_err(StoreError::backend)?;
        Ok(Self::new(Connection::Single { conn, addr }, timeout))
    }

    /// Connects to a Redis Cluster through any of its nodes (e.g.
    /// `["redis://10.0.0.1:6379/", "redis://10.0.0.2:6379/"]`), lazily like [`RedisStore::connect`]:
    /// the client learns the other nodes and the slot layout from the first that answers, follows
    /// `MOVED` redirections and reconnects by itself. Must be called inside a Tokio runtime (the
    /// connection runs as a task on it); outside one it returns an error.
    pub fn connect_cluster<I, S>(nodes: I) -> Result<Self, StoreError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let nodes: Vec<String> = nodes.into_iter().map(|n| n.as_ref().to_owned()).collect();
        if nodes.is_empty() {
            return Err(StoreError::unavailable("redis: connect_cluster needs at least one node"));
        }
        if tokio::runtime::Handle::try_current().is_err() {
            return Err(StoreError::unavailable("redis: connect_cluster must be called inside a Tokio runtime"));
        }
        let timeout = Duration::from_millis(500);
        let client = redis::cluster::ClusterClient::builder(nodes)
            .retries(2)
            .min_retry_wait(10)
            .max_retry_wait(100)
            .build()
            .map_err(StoreError::backend)?;
        let config = redis::cluster::ClusterConfig::new().set_connection_timeout(timeout).set_response_timeout(timeout);
        let conn = client.get_pending_async_connection_with_config(config);
        Ok(Self::new(Connection::Cluster(conn), timeout))
    }

    fn new(conn: Connection, timeout: Duration) -> Self {
        RedisStore {
            conn,
            prefix: Arc::from("oauth1:"),
            timeout,
            authorize: Arc::new(redis::Script::new(AUTHORIZE)),
            assume_noeviction: false,
        }
    }

    /// Checks that Redis will not evict nonce keys: every node (one server, or every node of
    /// the cluster the client knows of) must answer `CONFIG GET maxmemory-policy` with
    /// `noeviction` (see [Running Redis safely](crate#running-redis-safely)). Call it at startup
    /// and refuse to start on an error.
    ///
    /// A method rather than a checking constructor: the store connects lazily (the provider
    /// starts while Redis is down and answers 503), the policy can change at runtime, and cluster
    /// nodes come and go, so the check can be repeated (after adding nodes, in a readiness probe).
    ///
    /// # Errors
    /// [`ServerCheckError::EvictionPolicy`] naming the node and policy;
    /// [`ServerCheckError::PolicyUnreadable`] where `CONFIG` is disabled, renamed or not
    /// permitted (unless [`RedisStore::assume_noeviction_unchecked`]);
    /// [`ServerCheckError::Unavailable`] when Redis cannot be reached within the timeout.
    pub async fn check_server(&self) -> Result<(), ServerCheckError> {
        let mut cmd = redis::cmd("CONFIG");
        cmd.arg("GET").arg("maxmemory-policy");
        let answers: Vec<(String, Result<redis::Value, redis::RedisError>)> = match &self.conn {
            Connection::Single { conn, addr } => {
                let mut conn = conn.clone();
                let answer = tokio::time::timeout(self.timeout, cmd.query_async::<redis::Value>(&mut conn))
                    .await
                    .map_err(|_| ServerCheckError::Unavailable(timed_out()))?;
                vec![(addr.to_string(), answer)]
            }
            Connection::Cluster(conn) => {
                let mut conn = conn.clone();
                // Every node, replicas too (one may be promoted); each answer separately.
                let routing = RoutingInfo::MultiNode((MultipleNodeRoutingInfo::AllNodes, None));
                let answer = tokio::time::timeout(self.timeout, conn.route_command(cmd, routing))
                    .await
                    .map_err(|_| ServerCheckError::Unavailable(timed_out()))?
                    .map_err(|e| ServerCheckError::Unavailable(failed(e)))?;
                let redis::Value::Map(nodes) = answer else {
                    return Err(ServerCheckError::Unavailable(StoreError::unavailable(
                        "redis: unexpected answer from the cluster to CONFIG GET",
                    )));
                };
                nodes
                    .into_iter()
                    .map(|(node, value)| {
                        let node = redis::from_redis_value::<String>(node).unwrap_or_else(|_| "?".to_owned());
                        (node, Ok(value))
                    })
                    .collect()
            }
        };
        if answers.is_empty() {
            return Err(ServerCheckError::Unavailable(StoreError::unavailable("redis: no cluster node answered")));
        }
        for (node, answer) in answers {
            judge(node, answer, self.assume_noeviction)?;
        }
        Ok(())
    }

    /// For servers whose policy cannot be read (managed Redis with `CONFIG` disabled or renamed):
    /// you assert that `maxmemory-policy` is `noeviction`, and [`RedisStore::check_server`]
    /// takes your word for the nodes that do not tell. A node that does report an evicting
    /// policy is still refused.
    pub fn assume_noeviction_unchecked(mut self) -> Self {
        self.assume_noeviction = true;
        self
    }

    /// Puts every key under `prefix` (default `oauth1:`).
    ///
    /// ```
    /// use oauth1::store::NonceKey;
    /// use oauth1_redis::RedisStore;
    ///
    /// // Inside a Tokio runtime (the connection runs as a task on it). Connecting is lazy: nothing
    /// // is sent to Redis until the first store operation.
    /// let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    /// let _inside = runtime.enter();
    /// let store = RedisStore::connect("redis://127.0.0.1:6379/")?.with_prefix("photos:");
    /// assert_eq!(store.temporary_key("hh5s93j4hdidpola"), "photos:t:hh5s93j4hdidpola");
    /// assert_eq!(store.token_key("nnch734d00sl2jdk"), "photos:k:nnch734d00sl2jdk");
    /// let nonce = NonceKey { consumer_key: "printer", token: None, timestamp: 1_700_000_000, nonce: "n-1" };
    /// assert_eq!(store.nonce_key(&nonce), "photos:n:7:printer|-|1700000000|3:n-1");
    /// // A URL that is not a Redis URL is refused at once.
    /// assert!(RedisStore::connect("http://127.0.0.1:6379/").is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = Arc::from(prefix.into());
        self
    }

    /// The time limit of every call (default 500 ms).
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The four stores: clients from `clients`, everything else in Redis.
    ///
    /// Compiled, not run by the test suite (`no_run`): it needs a Redis server on `127.0.0.1:6379`.
    ///
    /// ```no_run
    /// use std::sync::Arc;
    /// use oauth1::{AuthorizationServer, Config, store::Client};
    /// use oauth1_memory::MemoryStore;
    /// use oauth1_redis::RedisStore;
    ///
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// // Clients from the memory store (or your own `ClientStore`); credentials and nonces in Redis.
    /// let clients = Arc::new(MemoryStore::new());
    /// clients.insert_client(Client::new("printer", "kd94hf93k423kf44"));
    /// let stores = RedisStore::connect("redis://127.0.0.1:6379/")?.with_prefix("photos:").stores(clients);
    /// let server = AuthorizationServer::new(stores, Config::default());
    /// # let _ = server;
    /// # Ok(())
    /// # }
    /// ```
    pub fn stores(self, clients: Arc<dyn ClientStore>) -> Stores {
        let this = Arc::new(self);
        Stores { clients, temporary: this.clone(), tokens: this.clone(), nonces: this }
    }

    /// The consent page's anti-forgery key ([`oauth1::consent`]) shared by every instance on
    /// this Redis: the first call anywhere creates a random one (`SET <prefix>consent-key … NX`),
    /// every later call reads it. Give it to [`Config::with_consent_key`](oauth1::Config::with_consent_key)
    /// so that a consent page served by one instance can be answered on another. It is as
    /// sensitive as the credentials kept next to it; to rotate it, delete the key and restart the
    /// instances (pending consent pages then need a reload).
    pub async fn shared_consent_key(&self) -> Result<ConsentKey, StoreError> {
        let name = format!("{}consent-key", self.prefix);
        let fresh = ConsentKey::random();
        let mut set = redis::cmd("SET");
        set.arg(&name).arg(fresh.to_hex()).arg("NX");
        let _: Option<String> = self.query(&set).await?;
        let stored: Option<String> = self.query(redis::cmd("GET").arg(&name)).await?;
        stored
            .as_deref()
            .and_then(ConsentKey::from_hex)
            .ok_or_else(|| StoreError::unavailable("redis: the shared consent key is missing or malformed"))
    }

    /// The Redis key of a nonce: `<prefix>n:` and [`NonceKey::encoded`].
    pub fn nonce_key(&self, key: &NonceKey<'_>) -> String {
        format!("{}n:{}", self.prefix, key.encoded())
    }

    /// The Redis key of temporary credentials: `<prefix>t:<token>`.
    pub fn temporary_key(&self, token: &str) -> String {
        format!("{}t:{token}", self.prefix)
    }

    /// The Redis key of token credentials: `<prefix>k:<token>`.
    pub fn token_key(&self, token: &str) -> String {
        format!("{}k:{token}", self.prefix)
    }

    /// `SET key json NX [EXAT at]`: a record is created once and never overwritten
    /// ([`StoreError::Conflict`] when the key holds another value). Idempotent: a `SET` that a
    /// connection retried after its reply was lost (the cluster client retries) finds its own
    /// value, and succeeds.
    async fn create_once(&self, key: String, json: String, expires_at: Option<u64>) -> Result<(), StoreError> {
        let mut set = redis::cmd("SET");
        set.arg(&key).arg(&json).arg("NX");
        if let Some(at) = expires_at {
            set.arg("EXAT").arg(at);
        }
        let created: Option<String> = self.query(&set).await?;
        if created.is_some() {
            return Ok(());
        }
        let existing: Option<String> = self.query(redis::cmd("GET").arg(&key)).await?;
        if existing.as_deref() == Some(json.as_str()) { Ok(()) } else { Err(StoreError::Conflict) }
    }

    async fn query<T: redis::FromRedisValue>(&self, cmd: &redis::Cmd) -> Result<T, StoreError> {
        let mut conn = self.conn.clone();
        match tokio::time::timeout(self.timeout, cmd.query_async::<T>(&mut conn)).await {
            Ok(result) => result.map_err(failed),
            Err(_) => Err(timed_out()),
        }
    }

    async fn get_json<T: for<'de> Deserialize<'de>>(&self, cmd: &redis::Cmd) -> Result<Option<T>, StoreError> {
        let raw: Option<String> = self.query(cmd).await?;
        raw.map(|s| serde_json::from_str(&s).map_err(StoreError::backend)).transpose()
    }
}

#[async_trait]
impl NonceStore for RedisStore {
    async fn check_and_insert(&self, key: &NonceKey<'_>, expires_at: u64) -> Result<NonceCheck, StoreError> {
        let mut cmd = redis::cmd("SET");
        cmd.arg(self.nonce_key(key)).arg(1).arg("NX").arg("EXAT").arg(expires_at.min(MAX_EXPIRY));
        let set: Option<String> = self.query(&cmd).await?;
        Ok(if set.is_some() { NonceCheck::Fresh } else { NonceCheck::Replayed })
    }
}

#[async_trait]
impl TemporaryCredentialStore for RedisStore {
    async fn create_temporary(&self, credentials: TemporaryCredentials) -> Result<(), StoreError> {
        let json = serde_json::to_string(&TemporaryRecord::from(&credentials)).map_err(StoreError::backend)?;
        let expires_at = credentials.expires_at.min(MAX_EXPIRY);
        self.create_once(self.temporary_key(&credentials.token), json, Some(expires_at)).await
    }

    async fn temporary(&self, token: &str) -> Result<Option<TemporaryCredentials>, StoreError> {
        let record: Option<TemporaryRecord> = self.get_json(redis::cmd("GET").arg(self.temporary_key(token))).await?;
        Ok(record.map(Into::into))
    }

    async fn authorize_temporary(
        &self,
        token: &str,
        authorization: Authorization,
    ) -> Result<AuthorizeOutcome, StoreError> {
        let mut conn = self.conn.clone();
        let mut invocation = self.authorize.key(self.temporary_key(token));
        invocation.arg(&authorization.user_id).arg(authorization.verifier.expose());
        let reply: Vec<redis::Value> =
            match tokio::time::timeout(self.timeout, invocation.invoke_async(&mut conn)).await {
                Ok(r) => r.map_err(failed)?,
                Err(_) => return Err(timed_out()),
            };
        authorize_outcome(&reply)
    }

    async fn take_temporary(&self, token: &str) -> Result<Option<TemporaryCredentials>, StoreError> {
        let record: Option<TemporaryRecord> =
            self.get_json(redis::cmd("GETDEL").arg(self.temporary_key(token))).await?;
        Ok(record.map(Into::into))
    }
}

/// The authorize script's reply: `{0}` not found, `{1}` already authorized, `{2, json}` the
/// credentials just authorized. Anything else is an error, never "not found".
fn authorize_outcome(reply: &[redis::Value]) -> Result<AuthorizeOutcome, StoreError> {
    let unexpected = || StoreError::unavailable("redis: unexpected reply from the authorize script");
    let (status, json) = match reply {
        [status] => (status, None),
        [status, json] => (status, Some(json)),
        _ => return Err(unexpected()),
    };
    match (redis::from_redis_value_ref::<i64>(status).map_err(StoreError::backend)?, json) {
        (0, None) => Ok(AuthorizeOutcome::NotFound),
        (1, None) => Ok(AuthorizeOutcome::AlreadyAuthorized),
        (2, Some(json)) => {
            let json: String = redis::from_redis_value_ref(json).map_err(StoreError::backend)?;
            let record: TemporaryRecord = serde_json::from_str(&json).map_err(StoreError::backend)?;
            Ok(AuthorizeOutcome::Authorized(record.into()))
        }
        _ => Err(unexpected()),
    }
}

#[async_trait]
impl TokenCredentialStore for RedisStore {
    async fn create_token(&self, credentials: TokenCredentials) -> Result<(), StoreError> {
        let record = TokenRecord {
            token: credentials.token.clone(),
            secret: credentials.secret.expose().to_owned(),
            consumer_key: credentials.consumer_key,
            user_id: credentials.user_id,
            realm: credentials.realm,
            expires_at: credentials.expires_at,
        };
        let json = serde_json::to_string(&record).map_err(StoreError::backend)?;
        // Redis drops them when they expire (a lifetime past Redis's range is "never").
        let expires_at = credentials.expires_at.filter(|at| *at <= MAX_EXPIRY).map(|at| at.max(1));
        self.create_once(self.token_key(&credentials.token), json, expires_at).await
    }

    async fn token(&self, token: &str) -> Result<Option<Arc<TokenCredentials>>, StoreError> {
        let record: Option<TokenRecord> = self.get_json(redis::cmd("GET").arg(self.token_key(token))).await?;
        Ok(record.map(|r| {
            Arc::new(
                TokenCredentials::new(r.token, Secret::new(r.secret), r.consumer_key, r.user_id)
                    .with_realm(r.realm)
                    .with_expiry(r.expires_at),
            )
        }))
    }

    async fn revoke_token(&self, token: &str) -> Result<bool, StoreError> {
        let removed: i64 = self.query(redis::cmd("DEL").arg(self.token_key(token))).await?;
        Ok(removed > 0)
    }
}

#[cfg(test)]
mod tests {
    use redis::Value;

    use super::*;

    /// Only the three replies the script gives are outcomes; anything else is an error, never a
    /// silent "not found".
    #[test]
    fn the_authorize_reply_is_read_strictly() {
        assert!(matches!(authorize_outcome(&[Value::Int(0)]), Ok(AuthorizeOutcome::NotFound)));
        assert!(matches!(authorize_outcome(&[Value::Int(1)]), Ok(AuthorizeOutcome::AlreadyAuthorized)));
        let record = r#"{"token":"t","secret":"s","consumer_key":"ck","callback":"oob","expires_at":9,"user_id":"u","verifier":"v"}"#;
        let Ok(AuthorizeOutcome::Authorized(c)) =
            authorize_outcome(&[Value::Int(2), Value::BulkString(record.as_bytes().to_vec())])
        else {
            panic!("authorized")
        };
        assert_eq!(c.authorization.map(|a| a.user_id).as_deref(), Some("u"));
        for reply in [
            &[][..],
            &[Value::Int(3)][..],
            &[Value::Int(2)][..],
            &[Value::Int(0), Value::Int(0)][..],
            &[Value::Int(2), Value::BulkString(b"{".to_vec())][..],
            &[Value::Nil][..],
        ] {
            assert!(matches!(authorize_outcome(reply), Err(StoreError::Unavailable(_))), "{reply:?}");
        }
    }
}
