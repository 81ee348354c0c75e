//! # oauth1-memory: in-memory stores for the `oauth1` provider
//!
//! [`MemoryStore`] implements every store trait of [`oauth1::store`] for tests, demos and
//! single-process services, keeping every guarantee the traits promise:
//!
//! * **nonces** ([RFC 5849 §3.3](https://www.rfc-editor.org/rfc/rfc5849#section-3.3)): one
//!   atomic check-and-insert per `(consumer key, token, timestamp, nonce)`, kept until the
//!   timestamp leaves the accepted window (not a fixed 24 h), grouped by timestamp so that a
//!   whole second's nonces expire together on a later insert (no sweep over live entries), in
//!   16 independently locked shards;
//! * **bounded memory**: live nonces, temporary credentials and token credentials are capped
//!   ([`DEFAULT_MAX_TOKENS`]; expired token credentials are dropped). At the cap the
//!   store *refuses* ([`StoreError::CapacityExceeded`], which the provider answers with 503)
//!   rather than evicting a live nonce, because forgetting a live nonce would let its request be
//!   replayed. A flood can make the provider unavailable for its duration; it can never make it
//!   accept a replay;
//! * **temporary credentials** expire (10 minutes by default, the server's `temporary_ttl`),
//!   are authorized at most once and taken at most once;
//! * an injectable [`Clock`] so expiry is tested without sleeping.
//!
//! Each nonce is kept as a 128-bit keyed fingerprint (two outputs of one SipHash-1-3 pass with
//! a per-process random key) in a group of its request timestamp; groups expire whole.
//!
//! ```
//! use std::sync::Arc;
//! use oauth1::{AuthorizationServer, Config, Stores, store::Client};
//! use oauth1_memory::MemoryStore;
//!
//! let store = Arc::new(MemoryStore::new());
//! store.insert_client(Client::new("dpf43f3p2l4k3l03", "kd94hf93k423kf44").with_name("Printer"));
//! let server = AuthorizationServer::new(Stores::single(store), Config::default());
//! # let _ = server;
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

use std::cmp::Reverse;
use std::collections::hash_map::RandomState;
use std::collections::{BTreeMap, BinaryHeap, HashMap, HashSet};
use std::hash::{BuildHasher, BuildHasherDefault, Hash, Hasher};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock};

use async_trait::async_trait;
use oauth1::clock::{Clock, SystemClock};
use oauth1::signature::{RsaPublicKey, Secret};
use oauth1::store::{
    Authorization, AuthorizeOutcome, Client, ClientStore, NonceCheck, NonceKey, NonceStore, StoreError,
    TemporaryCredentialStore, TemporaryCredentials, TokenCredentialStore, TokenCredentials,
};
use serde::Deserialize;

/// Default cap on live nonces.
pub const DEFAULT_MAX_NONCES: usize = 1_000_000;
/// Default cap on live temporary credentials.
pub const DEFAULT_MAX_TEMPORARY: usize = 100_000;
/// Default cap on stored token credentials (each is a few hundred bytes: about 0.5 GB at the
/// cap). At the cap, new ones are refused ([`StoreError::CapacityExceeded`]) until some are
/// revoked or expire.
pub const DEFAULT_MAX_TOKENS: usize = 1_000_000;
const SHARDS: usize = 16;

/// A nonce's fingerprint: 128 bits from one keyed SipHash-1-3 pass, finished twice (over the
/// key's prefix-free encoding, then over that encoding and one more byte: two outputs of the
/// keyed function on distinct inputs). The first word picks the shard, the second is the hash
/// inside it.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Fingerprint(u64, u64);

impl Hash for Fingerprint {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.1);
    }
}

/// The fingerprints are already uniformly random: the hash is the word itself.
#[derive(Default)]
struct FingerprintHasher(u64);

impl Hasher for FingerprintHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // Not reached (only `write_u64` is called); fold anything else in rather than panic.
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// The live nonces of one request timestamp. The timestamp is part of every nonce key, so a
/// key always lands in the same group; the group expires whole at the latest expiry any of
/// its keys was given (never earlier than one of them asked for).
struct NonceGroup {
    expires_at: u64,
    live: HashSet<Fingerprint, BuildHasherDefault<FingerprintHasher>>,
}

/// Nonce groups by timestamp. Requests carry timestamps near "now", so the groups being
/// written are few, small and warm in cache; expiry drops whole groups, oldest first, with no
/// per-entry bookkeeping.
#[derive(Default)]
struct NonceShard {
    by_timestamp: BTreeMap<u64, NonceGroup>,
}

impl NonceShard {
    /// Drops the groups whose time has passed, oldest timestamp first. The server gives every
    /// key the expiry "timestamp + window", so timestamp order is expiry order; a group behind
    /// a later-expiring one waits for it (kept longer, never shorter).
    fn prune(&mut self, now: u64, live_total: &AtomicUsize) {
        while let Some(oldest) = self.by_timestamp.first_entry() {
            if oldest.get().expires_at > now {
                break;
            }
            live_total.fetch_sub(oldest.remove().live.len(), Ordering::Relaxed);
        }
    }
}

struct Temporary {
    map: HashMap<String, TemporaryCredentials>,
    by_expiry: BinaryHeap<Reverse<(u64, String)>>,
}

impl Temporary {
    fn prune(&mut self, now: u64) {
        while let Some(Reverse((expires_at, _))) = self.by_expiry.peek() {
            if *expires_at > now {
                break;
            }
            if let Some(Reverse((expires_at, token))) = self.by_expiry.pop()
                && self.map.get(&token).is_some_and(|c| c.expires_at == expires_at)
            {
                self.map.remove(&token);
            }
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding the lock cannot leave these maps half-updated in a way that
    // matters more than losing the store; keep serving.
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// In-memory clients, temporary credentials, token credentials and nonces.
/// See the [crate docs](crate).
pub struct MemoryStore {
    clients: RwLock<HashMap<String, Arc<Client>>>,
    temporary: Mutex<Temporary>,
    tokens: RwLock<HashMap<String, Arc<TokenCredentials>>>,
    /// Expiring token credentials by expiry, to drop them when they expire.
    token_expiry: Mutex<BinaryHeap<Reverse<(u64, String)>>>,
    max_tokens: usize,
    nonces: [Mutex<NonceShard>; SHARDS],
    live_nonces: AtomicUsize,
    max_nonces: usize,
    max_temporary: usize,
    fingerprint_key: RandomState,
    clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryStore")
            .field("live_nonces", &self.nonce_count())
            .field("max_nonces", &self.max_nonces)
            .field("max_temporary", &self.max_temporary)
            .finish_non_exhaustive()
    }
}

impl Default for MemoryStore {
    fn default() -> Self {
        Self::new()
    }
}

impl MemoryStore {
    /// An empty store on the system clock with the default caps.
    pub fn new() -> Self {
        MemoryStore {
            clients: RwLock::default(),
            temporary: Mutex::new(Temporary { map: HashMap::new(), by_expiry: BinaryHeap::new() }),
            tokens: RwLock::default(),
            token_expiry: Mutex::default(),
            max_tokens: DEFAULT_MAX_TOKENS,
            nonces: std::array::from_fn(|_| Mutex::default()),
            live_nonces: AtomicUsize::new(0),
            max_nonces: DEFAULT_MAX_NONCES,
            max_temporary: DEFAULT_MAX_TEMPORARY,
            fingerprint_key: RandomState::new(),
            clock: Arc::new(SystemClock),
        }
    }

    /// Uses `clock` for expiry (give the server the same clock).
    pub fn with_clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// Caps live nonces (default [`DEFAULT_MAX_NONCES`]).
    pub fn with_max_nonces(mut self, max: usize) -> Self {
        self.max_nonces = max;
        self
    }

    /// Caps live temporary credentials (default [`DEFAULT_MAX_TEMPORARY`]).
    pub fn with_max_temporary(mut self, max: usize) -> Self {
        self.max_temporary = max;
        self
    }

    /// Caps stored token credentials (default [`DEFAULT_MAX_TOKENS`]).
    pub fn with_max_tokens(mut self, max: usize) -> Self {
        self.max_tokens = max;
        self
    }

    /// How many token credentials are stored (including expired ones not yet dropped).
    pub fn token_count(&self) -> usize {
        self.tokens.read().unwrap_or_else(PoisonError::into_inner).len()
    }

    /// Registers (or replaces) a client.
    pub fn insert_client(&self, client: Client) {
        self.clients
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(client.consumer_key.clone(), Arc::new(client));
    }

    /// Registers the clients of a JSON array in the demo format:
    /// `{"client_id", "client_secret", "name", "redirect_uri": str|null, "rsa_public_key": PEM|null}`.
    /// A null or empty `client_secret` means the client has no shared secret and signs with RSA
    /// only; a client with neither a secret nor a key is refused, and so is the whole file.
    pub fn load_clients_json(&self, json: &str) -> Result<usize, ClientsError> {
        let value: serde_json::Value = serde_json::from_str(json).map_err(|e| ClientsError(e.to_string()))?;
        self.load_clients(value)
    }

    /// As [`load_clients_json`](Self::load_clients_json), from a parsed value.
    pub fn load_clients(&self, value: serde_json::Value) -> Result<usize, ClientsError> {
        let records: Vec<ClientRecord> = serde_json::from_value(value).map_err(|e| ClientsError(e.to_string()))?;
        let mut clients = Vec::with_capacity(records.len());
        for r in records {
            let mut c = Client::new(r.client_id, Secret::new(r.client_secret.unwrap_or_default()))
                .with_name(r.name.unwrap_or_default());
            if let Some(cb) = r.redirect_uri {
                c = c.with_callback(cb);
            }
            if let Some(pem) = r.rsa_public_key {
                let key = RsaPublicKey::from_pem(&pem)
                    .map_err(|e| ClientsError(format!("client {}: {e}", c.consumer_key)))?;
                c = c.with_rsa_public_key(key);
            }
            // A null or empty secret means none: such a client signs with RSA only, so it needs
            // a key (without one it could never authenticate, or worse, with an empty HMAC key).
            if c.shared_secret().is_none() && c.rsa_public_keys.is_empty() {
                return Err(ClientsError(format!(
                    "client {}: neither a client_secret nor an rsa_public_key",
                    c.consumer_key
                )));
            }
            clients.push(c);
        }
        let n = clients.len();
        for c in clients {
            self.insert_client(c);
        }
        Ok(n)
    }

    /// How many nonces are live (not yet pruned).
    pub fn nonce_count(&self) -> usize {
        self.live_nonces.load(Ordering::Relaxed)
    }

    /// How many temporary credentials are stored (including expired ones not yet pruned).
    pub fn temporary_count(&self) -> usize {
        lock(&self.temporary).map.len()
    }

    fn fingerprint(&self, key: &NonceKey<'_>) -> Fingerprint {
        let mut hasher = self.fingerprint_key.build_hasher();
        key.hash(&mut hasher);
        let first = hasher.clone().finish();
        hasher.write_u8(1);
        Fingerprint(first, hasher.finish())
    }
}

/// A clients file that could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientsError(pub(crate) String);

impl std::fmt::Display for ClientsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "invalid clients: {}", self.0)
    }
}

impl std::error::Error for ClientsError {}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClientRecord {
    client_id: String,
    client_secret: Option<String>,
    name: Option<String>,
    redirect_uri: Option<String>,
    rsa_public_key: Option<String>,
}

#[async_trait]
impl ClientStore for MemoryStore {
    async fn client(&self, consumer_key: &str) -> Result<Option<Arc<Client>>, StoreError> {
        Ok(self.clients.read().unwrap_or_else(PoisonError::into_inner).get(consumer_key).cloned())
    }
}

#[async_trait]
impl TemporaryCredentialStore for MemoryStore {
    async fn create_temporary(&self, credentials: TemporaryCredentials) -> Result<(), StoreError> {
        let now = self.clock.now();
        let mut t = lock(&self.temporary);
        t.prune(now);
        if t.map.len() >= self.max_temporary {
            return Err(StoreError::CapacityExceeded);
        }
        t.by_expiry.push(Reverse((credentials.expires_at, credentials.token.clone())));
        t.map.insert(credentials.token.clone(), credentials);
        Ok(())
    }

    async fn temporary(&self, token: &str) -> Result<Option<TemporaryCredentials>, StoreError> {
        let now = self.clock.now();
        Ok(lock(&self.temporary).map.get(token).filter(|c| c.expires_at > now).cloned())
    }

    async fn authorize_temporary(
        &self,
        token: &str,
        authorization: Authorization,
    ) -> Result<AuthorizeOutcome, StoreError> {
        let now = self.clock.now();
        let mut t = lock(&self.temporary);
        Ok(match t.map.get_mut(token).filter(|c| c.expires_at > now) {
            None => AuthorizeOutcome::NotFound,
            Some(c) if c.authorization.is_some() => AuthorizeOutcome::AlreadyAuthorized,
            Some(c) => {
                c.authorization = Some(authorization);
                AuthorizeOutcome::Authorized(c.clone())
            }
        })
    }

    async fn take_temporary(&self, token: &str) -> Result<Option<TemporaryCredentials>, StoreError> {
        let now = self.clock.now();
        Ok(lock(&self.temporary).map.remove(token).filter(|c| c.expires_at > now))
    }
}

#[async_trait]
impl TokenCredentialStore for MemoryStore {
    async fn create_token(&self, credentials: TokenCredentials) -> Result<(), StoreError> {
        let now = self.clock.now();
        let mut expiry = lock(&self.token_expiry);
        let mut tokens = self.tokens.write().unwrap_or_else(PoisonError::into_inner);
        // Drop what has expired, earliest first (an entry replaced since is left alone).
        while let Some(Reverse((at, _))) = expiry.peek() {
            if *at > now {
                break;
            }
            if let Some(Reverse((at, token))) = expiry.pop()
                && tokens.get(&token).is_some_and(|c| c.expires_at == Some(at))
            {
                tokens.remove(&token);
            }
        }
        if tokens.len() >= self.max_tokens && !tokens.contains_key(&credentials.token) {
            return Err(StoreError::CapacityExceeded);
        }
        if let Some(at) = credentials.expires_at {
            expiry.push(Reverse((at, credentials.token.clone())));
        }
        tokens.insert(credentials.token.clone(), Arc::new(credentials));
        Ok(())
    }

    async fn token(&self, token: &str) -> Result<Option<Arc<TokenCredentials>>, StoreError> {
        let now = self.clock.now();
        Ok(self
            .tokens
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(token)
            .filter(|c| !c.is_expired(now))
            .cloned())
    }

    async fn revoke_token(&self, token: &str) -> Result<bool, StoreError> {
        Ok(self.tokens.write().unwrap_or_else(PoisonError::into_inner).remove(token).is_some())
    }
}

#[async_trait]
impl NonceStore for MemoryStore {
    async fn check_and_insert(&self, key: &NonceKey<'_>, expires_at: u64) -> Result<NonceCheck, StoreError> {
        Ok(self.check_and_insert_now(key, expires_at)?)
    }
}

impl MemoryStore {
    /// The synchronous body of [`NonceStore::check_and_insert`] (also used by benchmarks).
    pub fn check_and_insert_now(&self, key: &NonceKey<'_>, expires_at: u64) -> Result<NonceCheck, StoreError> {
        let fp = self.fingerprint(key);
        let now = self.clock.now();
        let shard_index = usize::try_from(fp.0 % SHARDS as u64).unwrap_or(0);
        let Some(shard) = self.nonces.get(shard_index) else { return Err(StoreError::unavailable("no shard")) };
        let mut shard = lock(shard);
        shard.prune(now, &self.live_nonces);
        let group = shard
            .by_timestamp
            .entry(key.timestamp)
            .or_insert_with(|| NonceGroup { expires_at, live: HashSet::default() });
        // One probe: insert, and learn from the answer whether it was already there.
        if !group.live.insert(fp) {
            return Ok(NonceCheck::Replayed);
        }
        // Take a place under the cap; never evict a live nonce. Over the cap, undo the insert.
        let reserved = self
            .live_nonces
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| (n < self.max_nonces).then_some(n + 1))
            .is_ok();
        if !reserved {
            group.live.remove(&fp);
            return Err(StoreError::CapacityExceeded);
        }
        group.expires_at = group.expires_at.max(expires_at);
        Ok(NonceCheck::Fresh)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use oauth1::clock::ManualClock;

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
        assert!(matches!(store.create_token(t("c", None)).await, Err(StoreError::CapacityExceeded)));
        // Replacing an existing one is no growth.
        store.create_token(t("b", None)).await.unwrap();
        assert!(store.token("a").await.unwrap().is_some());
        clock.set(1100);
        assert!(store.token("a").await.unwrap().is_none(), "expired");
        // Its place is freed on the next insert.
        store.create_token(t("c", None)).await.unwrap();
        assert_eq!(store.token_count(), 2);
        assert!(store.revoke_token("b").await.unwrap());
        store.create_token(t("d", Some(5000))).await.unwrap();
        assert_eq!(store.token_count(), 2);
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
                    let nonce = store.check_and_insert(&key("same"), 1301).await.unwrap() == NonceCheck::Fresh;
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

    #[test]
    fn clients_from_json() {
        let store = MemoryStore::new();
        let n = store
            .load_clients_json(
                r#"[{"client_id": "a", "client_secret": "s", "name": "A", "redirect_uri": "http://a/cb", "rsa_public_key": null},
                    {"client_id": "b", "client_secret": "t", "name": "B", "redirect_uri": null, "rsa_public_key": null}]"#,
            )
            .unwrap();
        assert_eq!(n, 2);
        assert!(store.load_clients_json(r#"[{"client_id": "c", "rsa_public_key": "junk"}]"#).is_err());
        // No secret and no key: refused (it could only be impersonated with an empty HMAC key).
        for secret in ["null", "\"\""] {
            let json = format!(r#"[{{"client_id": "d", "client_secret": {secret}, "rsa_public_key": null}}]"#);
            let err = store.load_clients_json(&json).unwrap_err();
            assert!(err.to_string().contains("neither"), "{err}");
        }
        assert!(store.clients.read().unwrap().get("d").is_none());
        assert!(store.clients.read().unwrap().get("a").unwrap().shared_secret().is_some());
        assert!(store.load_clients_json(r#"{"not": "an array"}"#).is_err());
    }
}

pub mod demo;
