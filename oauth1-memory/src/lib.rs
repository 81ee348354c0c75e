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
//! * **bounded memory**: live nonces ([`DEFAULT_MAX_NONCES`], sized from a memory budget),
//!   temporary credentials and token credentials are capped ([`DEFAULT_MAX_TOKENS`]: expired,
//!   then the oldest, token credentials are dropped). A full nonce store keeps serving fresh
//!   requests and never accepts a replay: it drops the nonces at the edges of the timestamp
//!   window and narrows the window to refuse their timestamps
//!   ([below](#when-the-nonce-store-is-full)). Full temporary credentials are refused
//!   ([`StoreError::CapacityExceeded`], which the provider answers with 503), and so are a
//!   consumer's beyond its share ([`DEFAULT_MAX_TEMPORARY_PER_CONSUMER`]), so one client cannot
//!   exhaust them for the others;
//! * **temporary credentials** expire (10 minutes by default, the server's `temporary_ttl`),
//!   are authorized at most once and taken at most once;
//! * an injectable [`Clock`] so expiry is tested without sleeping.
//!
//! Each nonce is kept as a 128-bit keyed fingerprint (two outputs of one SipHash-1-3 pass with
//! a per-process random key) in a group of its consumer and request timestamp; groups expire
//! whole.
//!
//! ## When the nonce store is full
//!
//! A nonce must be remembered for as long as its timestamp is inside the server's window
//! (300 s either way by default): forgetting it earlier would let its request be replayed.
//! Refusing every request at the cap (503) would let a single consumer lock every other out by
//! flooding, even with timestamps at `now + 290`. Instead, at the cap, the store:
//!
//! 1. drops the groups that have expired (on every shard);
//! 2. picks the consumer holding the **most live nonces** that has a group outside the
//!    minimum window `now ± `[`MIN_WINDOW_SECS`], and takes its group **farthest from now**,
//!    past or future; again (recounting) until 1/32 of the cap is free;
//! 3. narrows **that consumer's** accepted window to exclude each dropped timestamp —
//!    everything below a dropped past timestamp, and a dropped future timestamp with every later
//!    one the window held — *before* dropping the groups;
//! 4. drops the groups and logs a warning (`target: "oauth1"`) with the consumer key and its
//!    effective window (`accepted_from`, `accepted_to`, in seconds either side of now).
//!
//! A request whose timestamp the consumer's window excludes is answered
//! [`NonceCheck::Stale`]: the provider refuses it like a timestamp outside its own window (401,
//! `oauth_problem=timestamp_refused`). So a replay of a dropped nonce is never accepted. The
//! exclusion of a timestamp lasts until it leaves the server's window (learned from the
//! `expires_at` the server passes), so the window recovers as time passes, and it takes at most
//! one entry per second of the window per consumer.
//!
//! **Exact under concurrency.** An insert checks the exclusions while holding the lock of its
//! nonce's shard, and the store drops a group from a shard under that lock, after the
//! exclusion was recorded: an insert racing the eviction either sees the exclusion (stale) or
//! is in the group when it is dropped — and then any later use of that nonce sees the
//! exclusion.
//!
//! **Fair.** The flood's consumer holds the most nonces, so its window shrinks first, and
//! mostly only its window: a consumer with a sane clock sends timestamps near now and keeps its
//! whole window while another floods. (This needs a cap sized for the legitimate load, below:
//! when one legitimate consumer alone holds more nonces than the flood, its window is the one
//! that shrinks — from the far past first, which costs it nothing while its clock is sane.) The groups within `now ± MIN_WINDOW_SECS` are never
//! dropped, so fresh requests are always served — with one caveat the store cannot avoid
//! without remembering the nonces: a consumer whose *future* timestamps were dropped (it sent
//! timestamps more than [`MIN_WINDOW_SECS`] ahead and held the most nonces) finds those
//! timestamps still refused when they come. When every live nonce is inside the minimum window,
//! nothing can be dropped and the store refuses ([`StoreError::CapacityExceeded`], 503) until
//! some expire.
//!
//! ## Sizing the nonce cap
//!
//! Every signed request keeps one nonce for the whole window, so at `rps` signed requests per
//! second the store holds `rps × window` nonces, `rps × window × `[`BYTES_PER_NONCE`] bytes:
//! 3,000 requests per second with the default 300 s past window hold 900,000 nonces, 43 MB.
//! Set [`MemoryStore::with_max_nonces`] to (memory budget) / [`BYTES_PER_NONCE`]; the default,
//! [`DEFAULT_MAX_NONCES`], is sized for [`DEFAULT_NONCE_MEMORY`] (128 MiB, ~9,300 requests per
//! second with the whole window kept). Above `cap / window` requests per second the store
//! narrows windows as described above; it answers 503 only above `cap / (2 × MIN_WINDOW_SECS +
//! 1)` requests per second of timestamps within the minimum window (~45,000 per second with the
//! default cap).
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
use std::collections::{BTreeMap, BinaryHeap, HashMap, HashSet, VecDeque};
use std::hash::{BuildHasher, BuildHasherDefault, Hash, Hasher};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock};

use async_trait::async_trait;
use oauth1::clock::{Clock, SystemClock};
use oauth1::store::{
    Authorization, AuthorizeOutcome, Client, ClientStore, NonceCheck, NonceKey, NonceStore, StoreError,
    TemporaryCredentialStore, TemporaryCredentials, TokenCredentialStore, TokenCredentials,
};

/// The memory the default nonce cap is sized for: 128 MiB.
pub const DEFAULT_NONCE_MEMORY: usize = 128 << 20;
/// The memory one live nonce takes, rounded up: a 16-byte fingerprint and one control byte in
/// a hash table kept between 7/16 and 7/8 full (17 × 16/7 ≈ 39 bytes just after the table
/// doubled, about 26 on average), plus the overhead of its group (one per consumer, timestamp
/// and shard) and of the allocator. Measured: 37 bytes of resident-set growth per nonce at
/// 1 M live nonces of 10 consumers over 300 timestamps (`cargo run --release -p oauth1-memory
/// --example nonce_memory`; the `nonces` benchmark prints the same for one timestamp).
pub const BYTES_PER_NONCE: usize = 48;
/// Default cap on live nonces: [`DEFAULT_NONCE_MEMORY`] / [`BYTES_PER_NONCE`] = 2,796,202,
/// enough for about 9,300 signed requests per second with every nonce kept for the whole
/// default 300 s window (see [the sizing rule](crate#sizing-the-nonce-cap)).
pub const DEFAULT_MAX_NONCES: usize = DEFAULT_NONCE_MEMORY / BYTES_PER_NONCE;
/// When the nonce store is full, the accepted window never shrinks to less than this many
/// seconds either side of the store's clock at the time it shrinks: a nonce with a timestamp
/// within `now ± MIN_WINDOW_SECS` is never dropped, so fresh requests keep being served. When
/// everything live is that close to now, the store refuses ([`StoreError::CapacityExceeded`],
/// 503) instead.
pub const MIN_WINDOW_SECS: u64 = 30;
/// The widest run of future timestamps excluded at once past a dropped one (an hour: more
/// than any sane window; the dropped timestamp itself is always excluded).
const MAX_EXCLUDED_SPAN: u64 = 3600;
/// Default cap on live temporary credentials.
pub const DEFAULT_MAX_TEMPORARY: usize = 100_000;
/// Default share of [`DEFAULT_MAX_TEMPORARY`] any one consumer key may hold: a consumer past it
/// is refused (503) alone, so one client cannot exhaust temporary credentials for the others
/// (a client needs one per resource owner in the middle of authorizing, for up to the
/// temporary credentials' lifetime).
pub const DEFAULT_MAX_TEMPORARY_PER_CONSUMER: usize = 10_000;
/// Default cap on stored token credentials (each is a few hundred bytes: about 0.5 GB at the
/// cap). At the cap, expired ones are dropped first, then the oldest: forgetting token
/// credentials fails closed (their resource owner authorizes the client again), unlike
/// forgetting a nonce, and refusing new ones would let one client lock every other out.
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

/// The live nonces of one consumer and one request timestamp. Both are part of every nonce
/// key, so a key always lands in the same group; the group expires whole at the latest expiry
/// any of its keys was given (never earlier than one of them asked for), or is dropped whole
/// when the store is full (see the [crate docs](crate#when-the-nonce-store-is-full)).
struct NonceGroup {
    expires_at: u64,
    /// The consumer key, for the warning when its window shrinks.
    consumer: Arc<str>,
    live: HashSet<Fingerprint, BuildHasherDefault<FingerprintHasher>>,
}

/// Nonce groups by `(timestamp, consumer fingerprint)`. Requests carry timestamps near "now",
/// so the groups being written are few, small and warm in cache; expiry drops whole groups,
/// oldest first, with no per-entry bookkeeping.
#[derive(Default)]
struct NonceShard {
    by_timestamp: BTreeMap<(u64, u64), NonceGroup>,
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

/// The timestamps refused for one consumer because the store dropped (or, beyond the dropped
/// edge, would have dropped) its nonces of them: its accepted window, shrunk.
#[derive(Default)]
struct Exclusion {
    /// Timestamps below this are refused (`0`: none) …
    floor: u64,
    /// … until this time (when the highest dropped one has left every window).
    floor_until: u64,
    /// Refused timestamps at or after "now" when they were excluded, each with the time it
    /// leaves the window. At most one entry per second of the window.
    above: BTreeMap<u64, u64>,
}

impl Exclusion {
    fn refuses(&self, timestamp: u64, now: u64) -> bool {
        (timestamp < self.floor && now < self.floor_until)
            || self.above.get(&timestamp).is_some_and(|&until| now < until)
    }

    /// Forgets what has left the window; `true` when nothing is left.
    fn prune(&mut self, now: u64) -> bool {
        if self.floor_until <= now {
            self.floor = 0;
        }
        self.above.retain(|_, until| *until > now);
        self.floor == 0 && self.above.is_empty()
    }

    /// The accepted window `[from, to]` around `now` that this leaves, within `[lo, hi]`.
    fn window(&self, now: u64, lo: u64, hi: u64) -> (u64, u64) {
        let from = if now < self.floor_until { lo.max(self.floor) } else { lo };
        let to = self.above.range(now..).find(|&(_, &until)| until > now).map_or(hi, |(&t, _)| t.saturating_sub(1));
        (from, to.min(hi))
    }
}

/// What one consumer holds, summed over the shards (while making room).
struct Holdings {
    consumer: Arc<str>,
    live: usize,
    /// Live nonces and latest expiry by timestamp.
    by_timestamp: BTreeMap<u64, (usize, u64)>,
}

impl Holdings {
    /// The timestamp of this consumer's group farthest from `now`, past or future, outside the
    /// minimum window.
    fn farthest(&self, now: u64) -> Option<u64> {
        let past = self.by_timestamp.keys().next().copied().filter(|&t| t < now.saturating_sub(MIN_WINDOW_SECS));
        let future = self.by_timestamp.keys().next_back().copied().filter(|&t| t > now.saturating_add(MIN_WINDOW_SECS));
        match (past, future) {
            (Some(p), Some(f)) => Some(if now - p >= f - now { p } else { f }),
            (p, f) => p.or(f),
        }
    }
}

struct Temporary {
    map: HashMap<String, TemporaryCredentials>,
    by_expiry: BinaryHeap<Reverse<(u64, String)>>,
    /// Live temporary credentials per consumer key (for the per-consumer share).
    per_consumer: HashMap<String, usize>,
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
                self.remove(&token);
            }
        }
    }

    fn remove(&mut self, token: &str) -> Option<TemporaryCredentials> {
        let removed = self.map.remove(token)?;
        if let Some(n) = self.per_consumer.get_mut(&removed.consumer_key) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                self.per_consumer.remove(&removed.consumer_key);
            }
        }
        Some(removed)
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
    /// Token credentials in the order they were created, to drop the oldest at the cap
    /// (revoked ones are skipped, and compacted away).
    token_order: Mutex<VecDeque<String>>,
    max_tokens: usize,
    nonces: [Mutex<NonceShard>; SHARDS],
    live_nonces: AtomicUsize,
    max_nonces: usize,
    /// Shrunk windows by consumer fingerprint; read under a shard's lock.
    exclusions: RwLock<HashMap<u64, Exclusion>>,
    /// How many consumers have one (skips the read lock when none does).
    excluded_consumers: AtomicUsize,
    /// One eviction at a time.
    evicting: Mutex<()>,
    /// The longest `expires_at - timestamp` seen: the server's past window + 1.
    lifetime: AtomicU64,
    /// The farthest a timestamp was seen ahead of the clock: at most the server's future window.
    ahead: AtomicU64,
    max_temporary: usize,
    max_temporary_per_consumer: usize,
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
            temporary: Mutex::new(Temporary {
                map: HashMap::new(),
                by_expiry: BinaryHeap::new(),
                per_consumer: HashMap::new(),
            }),
            tokens: RwLock::default(),
            token_expiry: Mutex::default(),
            token_order: Mutex::default(),
            max_tokens: DEFAULT_MAX_TOKENS,
            nonces: std::array::from_fn(|_| Mutex::default()),
            live_nonces: AtomicUsize::new(0),
            max_nonces: DEFAULT_MAX_NONCES,
            exclusions: RwLock::default(),
            excluded_consumers: AtomicUsize::new(0),
            evicting: Mutex::new(()),
            lifetime: AtomicU64::new(0),
            ahead: AtomicU64::new(0),
            max_temporary: DEFAULT_MAX_TEMPORARY,
            max_temporary_per_consumer: DEFAULT_MAX_TEMPORARY_PER_CONSUMER,
            fingerprint_key: RandomState::new(),
            clock: Arc::new(SystemClock),
        }
    }

    /// Uses `clock` for expiry (give the server the same clock).
    pub fn with_clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// Caps live nonces (default [`DEFAULT_MAX_NONCES`]); about [`BYTES_PER_NONCE`] each. See
    /// [sizing the nonce cap](crate#sizing-the-nonce-cap).
    pub fn with_max_nonces(mut self, max: usize) -> Self {
        self.max_nonces = max;
        self
    }

    /// Caps live temporary credentials (default [`DEFAULT_MAX_TEMPORARY`]).
    pub fn with_max_temporary(mut self, max: usize) -> Self {
        self.max_temporary = max;
        self
    }

    /// Caps the live temporary credentials of any one consumer key (default
    /// [`DEFAULT_MAX_TEMPORARY_PER_CONSUMER`]).
    pub fn with_max_temporary_per_consumer(mut self, max: usize) -> Self {
        self.max_temporary_per_consumer = max;
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
        // A consumer past its share is refused (503) alone: one client cannot exhaust the
        // temporary credentials of every other.
        let held = t.per_consumer.get(&credentials.consumer_key).copied().unwrap_or(0);
        if t.map.len() >= self.max_temporary || held >= self.max_temporary_per_consumer {
            return Err(StoreError::CapacityExceeded);
        }
        if let Some(replaced) = t.remove(&credentials.token) {
            drop(replaced);
        }
        t.by_expiry.push(Reverse((credentials.expires_at, credentials.token.clone())));
        *t.per_consumer.entry(credentials.consumer_key.clone()).or_insert(0) += 1;
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
        Ok(lock(&self.temporary).remove(token).filter(|c| c.expires_at > now))
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
        let mut order = lock(&self.token_order);
        while tokens.len() >= self.max_tokens && !tokens.contains_key(&credentials.token) {
            let Some(oldest) = order.pop_front() else { return Err(StoreError::CapacityExceeded) };
            tokens.remove(&oldest);
        }
        if order.len() > 2 * tokens.len() + 64 {
            order.retain(|t| tokens.contains_key(t));
        }
        if let Some(at) = credentials.expires_at {
            expiry.push(Reverse((at, credentials.token.clone())));
        }
        order.push_back(credentials.token.clone());
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
        let consumer = self.fingerprint_key.hash_one(key.consumer_key);
        let now = self.clock.now();
        self.lifetime.fetch_max(expires_at.saturating_sub(key.timestamp), Ordering::Relaxed);
        self.ahead.fetch_max(key.timestamp.saturating_sub(now), Ordering::Relaxed);
        let shard_index = usize::try_from(fp.0 % SHARDS as u64).unwrap_or(0);
        let Some(shard) = self.nonces.get(shard_index) else { return Err(StoreError::unavailable("no shard")) };
        // Full: make room (drop the groups at the window's edges) and try again; a few rounds
        // at most, as racing inserts may take the room first.
        for _ in 0..4 {
            {
                let mut shard = lock(shard);
                shard.prune(now, &self.live_nonces);
                // Under the shard's lock, like the eviction of a group from this shard: an
                // insert either sees the exclusion or is in the group when it is dropped (and
                // then its timestamp was excluded before).
                if self.excluded(consumer, key.timestamp, now) {
                    return Ok(NonceCheck::Stale);
                }
                let group = shard.by_timestamp.entry((key.timestamp, consumer)).or_insert_with(|| NonceGroup {
                    expires_at,
                    consumer: key.consumer_key.into(),
                    live: HashSet::default(),
                });
                // One probe: insert, and learn from the answer whether it was already there.
                if !group.live.insert(fp) {
                    return Ok(NonceCheck::Replayed);
                }
                // Take a place under the cap. Over the cap, undo the insert.
                let reserved = self
                    .live_nonces
                    .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| (n < self.max_nonces).then_some(n + 1))
                    .is_ok();
                if reserved {
                    group.expires_at = group.expires_at.max(expires_at);
                    return Ok(NonceCheck::Fresh);
                }
                group.live.remove(&fp);
            }
            if !self.make_room(now) {
                return Err(StoreError::CapacityExceeded);
            }
        }
        Err(StoreError::CapacityExceeded)
    }

    fn excluded(&self, consumer: u64, timestamp: u64, now: u64) -> bool {
        if self.excluded_consumers.load(Ordering::Acquire) == 0 {
            return false;
        }
        self.exclusions
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&consumer)
            .is_some_and(|e| e.refuses(timestamp, now))
    }

    /// Frees room at the cap: drops expired groups, then whole groups at the edges of the
    /// window, of the consumer holding the most live nonces first, excluding their timestamps
    /// *before* dropping them. `false` when nothing could be dropped (every live nonce is
    /// inside the minimum window).
    fn make_room(&self, now: u64) -> bool {
        let _one_at_a_time = lock(&self.evicting);
        if self.live_nonces.load(Ordering::Relaxed) < self.max_nonces {
            return true;
        }
        let mut holdings: HashMap<u64, Holdings> = HashMap::new();
        for shard in &self.nonces {
            let mut shard = lock(shard);
            shard.prune(now, &self.live_nonces);
            for (&(timestamp, consumer), group) in &shard.by_timestamp {
                if group.live.is_empty() {
                    continue;
                }
                let h = holdings.entry(consumer).or_insert_with(|| Holdings {
                    consumer: group.consumer.clone(),
                    live: 0,
                    by_timestamp: BTreeMap::new(),
                });
                h.live += group.live.len();
                let slot = h.by_timestamp.entry(timestamp).or_insert((0, 0));
                slot.0 += group.live.len();
                slot.1 = slot.1.max(group.expires_at);
            }
        }
        let live = self.live_nonces.load(Ordering::Relaxed);
        if live < self.max_nonces {
            return true;
        }
        // Free a little more than one place (1/32 of the cap), so that a full store makes room
        // once per many inserts rather than on each.
        let mut need = live.saturating_sub(self.max_nonces - self.max_nonces / 32).max(1);
        let mut drops: Vec<(u64, u64, u64)> = Vec::new();
        while need > 0 {
            let victim = holdings
                .iter()
                .filter_map(|(&c, h)| h.farthest(now).map(|t| (h.live, c, t)))
                .max_by_key(|&(live, c, _)| (live, c));
            let Some((_, consumer, timestamp)) = victim else { break };
            let Some(h) = holdings.get_mut(&consumer) else { break };
            let (n, expires_at) = h.by_timestamp.remove(&timestamp).unwrap_or((0, 0));
            h.live -= n;
            need = need.saturating_sub(n);
            drops.push((consumer, timestamp, expires_at));
        }
        if drops.is_empty() {
            return false;
        }
        let lifetime = self.lifetime.load(Ordering::Relaxed);
        let (lo, hi) =
            (now.saturating_sub(lifetime.saturating_sub(1)), now.saturating_add(self.ahead.load(Ordering::Relaxed)));
        // First exclude, then drop: see `check_and_insert_now`.
        let mut windows = Vec::new();
        {
            let mut exclusions = self.exclusions.write().unwrap_or_else(PoisonError::into_inner);
            exclusions.retain(|_, e| !e.prune(now));
            for &(consumer, timestamp, expires_at) in &drops {
                let e = exclusions.entry(consumer).or_default();
                let until = expires_at.max(timestamp.saturating_add(lifetime));
                if timestamp < now {
                    e.floor = e.floor.max(timestamp + 1);
                    e.floor_until = e.floor_until.max(until);
                } else {
                    // The window's new edge: this timestamp and every later one the window
                    // holds now (groups go farthest first, so those are already gone or empty).
                    let last = hi.min(timestamp.saturating_add(MAX_EXCLUDED_SPAN)).max(timestamp);
                    for t in timestamp..=last {
                        let until = until.max(t.saturating_add(lifetime));
                        let slot = e.above.entry(t).or_insert(until);
                        *slot = (*slot).max(until);
                    }
                }
            }
            self.excluded_consumers.store(exclusions.len(), Ordering::Release);
            for &(consumer, _, _) in &drops {
                if !windows.iter().any(|&(c, _)| c == consumer)
                    && let Some(e) = exclusions.get(&consumer)
                {
                    windows.push((consumer, e.window(now, lo, hi)));
                }
            }
        }
        for shard in &self.nonces {
            let mut shard = lock(shard);
            for &(consumer, timestamp, _) in &drops {
                if let Some(group) = shard.by_timestamp.remove(&(timestamp, consumer)) {
                    self.live_nonces.fetch_sub(group.live.len(), Ordering::Relaxed);
                }
            }
        }
        for (consumer, (from, to)) in windows {
            let name = holdings.get(&consumer).map_or("", |h| &*h.consumer);
            let groups = drops.iter().filter(|d| d.0 == consumer).count();
            tracing::warn!(
                target: "oauth1",
                consumer_key = name,
                dropped_timestamps = groups,
                accepted_from = from,
                accepted_to = to,
                seconds_before_now = now.saturating_sub(from),
                seconds_after_now = to.saturating_sub(now),
                max_nonces = self.max_nonces,
                "nonce store full: dropped this consumer's nonces at the edges of the timestamp window \
                 and narrowed its accepted window to exclude them"
            );
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use oauth1::clock::ManualClock;
    use oauth1::signature::Secret;

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
        store.check_and_insert_now(&nonce(consumer, timestamp, n), timestamp + 301)
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
        for field in
            ["consumer_key=\"flood\"", "seconds_before_now=199", "seconds_after_now=100", "accepted_from=99801"]
        {
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
        assert!(lock(&store.token_order).len() <= 2 * 2 + 64 + 1, "the order list stays bounded");
    }

    /// One consumer filling its share of temporary credentials does not lock another out.
    #[tokio::test]
    async fn temporary_credentials_have_per_consumer_shares() {
        let clock = ManualClock::new(1000);
        let store =
            MemoryStore::new().with_clock(clock.clone()).with_max_temporary(10).with_max_temporary_per_consumer(4);
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
}
