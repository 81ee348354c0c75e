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
//! | create / read / revoke token credentials | `SET` / `GET` / `DEL k:<token>` |
//!
//! A protected request costs two round trips (token, nonce); a token exchange four.
//!
//! Keys live under a configurable prefix (`oauth1:` by default) with a one-letter kind, and
//! nonce keys use [`NonceKey::encoded`], so two different tuples never share a key.
//!
//! **Fail closed.** Every call has a timeout (500 ms by default); an error or timeout is a
//! [`StoreError`], which the provider answers with 503, never with acceptance. The connection
//! manager reconnects by itself, so service resumes when Redis returns. Redis 6.2 or newer.
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
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use serde::{Deserialize, Serialize};

pub mod demo;

/// Stores on Redis. Cheap to clone (one multiplexed, self-reconnecting connection).
#[derive(Clone)]
pub struct RedisStore {
    conn: ConnectionManager,
    prefix: Arc<str>,
    timeout: Duration,
    authorize: Arc<redis::Script>,
}

impl std::fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisStore")
            .field("prefix", &self.prefix)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
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

fn unavailable(e: impl std::fmt::Display) -> StoreError {
    StoreError::unavailable(format!("redis: {e}"))
}

impl RedisStore {
    /// Connects to `url` (e.g. `redis://127.0.0.1:6379/`) lazily: the provider starts even while
    /// Redis is down, answering 503 until it is reachable.
    pub fn connect(url: &str) -> Result<Self, StoreError> {
        let client = redis::Client::open(url).map_err(unavailable)?;
        let timeout = Duration::from_millis(500);
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(timeout))
            .set_response_timeout(Some(timeout))
            .set_number_of_retries(1);
        let conn = ConnectionManager::new_lazy_with_config(client, config).map_err(unavailable)?;
        Ok(RedisStore {
            conn,
            prefix: Arc::from("oauth1:"),
            timeout,
            authorize: Arc::new(redis::Script::new(AUTHORIZE)),
        })
    }

    /// Puts every key under `prefix` (default `oauth1:`).
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

    /// The key of kind `kind` (`n`, `t`, `k`) for `id`.
    pub fn key(&self, kind: char, id: &str) -> String {
        format!("{}{kind}:{id}", self.prefix)
    }

    async fn query<T: redis::FromRedisValue>(&self, cmd: &redis::Cmd) -> Result<T, StoreError> {
        let mut conn = self.conn.clone();
        match tokio::time::timeout(self.timeout, cmd.query_async::<T>(&mut conn)).await {
            Ok(result) => result.map_err(unavailable),
            Err(_) => Err(StoreError::unavailable("redis: timed out")),
        }
    }

    async fn get_json<T: for<'de> Deserialize<'de>>(&self, cmd: &redis::Cmd) -> Result<Option<T>, StoreError> {
        let raw: Option<String> = self.query(cmd).await?;
        raw.map(|s| serde_json::from_str(&s).map_err(unavailable)).transpose()
    }
}

#[async_trait]
impl NonceStore for RedisStore {
    async fn check_and_insert(&self, key: &NonceKey<'_>, expires_at: u64) -> Result<NonceCheck, StoreError> {
        let mut cmd = redis::cmd("SET");
        cmd.arg(self.key('n', &key.encoded())).arg(1).arg("NX").arg("EXAT").arg(expires_at);
        let set: Option<String> = self.query(&cmd).await?;
        Ok(if set.is_some() { NonceCheck::Fresh } else { NonceCheck::Replayed })
    }
}

#[async_trait]
impl TemporaryCredentialStore for RedisStore {
    async fn create_temporary(&self, credentials: TemporaryCredentials) -> Result<(), StoreError> {
        let json = serde_json::to_string(&TemporaryRecord::from(&credentials)).map_err(unavailable)?;
        let mut cmd = redis::cmd("SET");
        cmd.arg(self.key('t', &credentials.token)).arg(json).arg("NX").arg("EXAT").arg(credentials.expires_at);
        let set: Option<String> = self.query(&cmd).await?;
        set.map(|_| ()).ok_or_else(|| StoreError::unavailable("redis: temporary credentials already exist"))
    }

    async fn temporary(&self, token: &str) -> Result<Option<TemporaryCredentials>, StoreError> {
        let record: Option<TemporaryRecord> = self.get_json(redis::cmd("GET").arg(self.key('t', token))).await?;
        Ok(record.map(Into::into))
    }

    async fn authorize_temporary(
        &self,
        token: &str,
        authorization: Authorization,
    ) -> Result<AuthorizeOutcome, StoreError> {
        let mut conn = self.conn.clone();
        let mut invocation = self.authorize.key(self.key('t', token));
        invocation.arg(&authorization.user_id).arg(authorization.verifier.expose());
        let reply: Vec<redis::Value> =
            match tokio::time::timeout(self.timeout, invocation.invoke_async(&mut conn)).await {
                Ok(r) => r.map_err(unavailable)?,
                Err(_) => return Err(StoreError::unavailable("redis: timed out")),
            };
        let status: i64 = reply.first().map(redis::from_redis_value_ref).transpose().map_err(unavailable)?.unwrap_or(0);
        Ok(match status {
            1 => AuthorizeOutcome::AlreadyAuthorized,
            2 => {
                let json: String =
                    reply.get(1).map(redis::from_redis_value_ref).transpose().map_err(unavailable)?.unwrap_or_default();
                let record: TemporaryRecord = serde_json::from_str(&json).map_err(unavailable)?;
                AuthorizeOutcome::Authorized(record.into())
            }
            _ => AuthorizeOutcome::NotFound,
        })
    }

    async fn take_temporary(&self, token: &str) -> Result<Option<TemporaryCredentials>, StoreError> {
        let record: Option<TemporaryRecord> = self.get_json(redis::cmd("GETDEL").arg(self.key('t', token))).await?;
        Ok(record.map(Into::into))
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
        let json = serde_json::to_string(&record).map_err(unavailable)?;
        let mut set = redis::cmd("SET");
        set.arg(self.key('k', &credentials.token)).arg(json);
        if let Some(at) = credentials.expires_at {
            // Redis drops them when they expire.
            set.arg("EXAT").arg(at.max(1));
        }
        let _: Option<String> = self.query(&set).await?;
        Ok(())
    }

    async fn token(&self, token: &str) -> Result<Option<Arc<TokenCredentials>>, StoreError> {
        let record: Option<TokenRecord> = self.get_json(redis::cmd("GET").arg(self.key('k', token))).await?;
        Ok(record.map(|r| {
            Arc::new(
                TokenCredentials::new(r.token, Secret::new(r.secret), r.consumer_key, r.user_id)
                    .with_realm(r.realm)
                    .with_expiry(r.expires_at),
            )
        }))
    }

    async fn revoke_token(&self, token: &str) -> Result<bool, StoreError> {
        let removed: i64 = self.query(redis::cmd("DEL").arg(self.key('k', token))).await?;
        Ok(removed > 0)
    }
}
