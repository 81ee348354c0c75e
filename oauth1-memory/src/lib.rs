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
//!   ([`StoreError::CapacityExceeded`](oauth1::store::StoreError::CapacityExceeded), which the provider answers with 503), and so are a
//!   consumer's beyond its share ([`DEFAULT_MAX_TEMPORARY_PER_CONSUMER`]), so one client cannot
//!   exhaust them for the others;
//! * **temporary credentials** expire (10 minutes by default, `Config::with_temporary_lifetime`),
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
//! [`NonceCheck::Stale`](oauth1::store::NonceCheck::Stale): the provider refuses it like a timestamp outside its own window (401,
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
//! nothing can be dropped and the store refuses ([`StoreError::CapacityExceeded`](oauth1::store::StoreError::CapacityExceeded), 503) until
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

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock};

use oauth1::clock::{Clock, SystemClock};
use oauth1::store::Client;

use crate::credentials::{Temporary, Tokens};
use crate::nonces::Nonces;

mod clients;
mod credentials;
mod nonces;

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
/// everything live is that close to now, the store refuses
/// ([`StoreError::CapacityExceeded`](oauth1::store::StoreError::CapacityExceeded), 503) instead.
pub const MIN_WINDOW_SECS: u64 = 30;
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
    max_temporary: usize,
    max_temporary_per_consumer: usize,
    tokens: Tokens,
    nonces: Nonces,
    clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryStore")
            .field("live_nonces", &self.nonce_count())
            .field("max_nonces", &self.nonces.max)
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
    ///
    /// ```
    /// use oauth1::store::{NonceCheck, NonceKey};
    /// use oauth1_memory::MemoryStore;
    ///
    /// let store = MemoryStore::new();
    /// let key = NonceKey { consumer_key: "printer", token: None, timestamp: 1_700_000_000, nonce: "kllo9940pd9333jh" };
    /// // The first use of a nonce is recorded; the second is a replay.
    /// assert_eq!(store.check_and_insert_sync(&key, u64::MAX)?, NonceCheck::Fresh);
    /// assert_eq!(store.check_and_insert_sync(&key, u64::MAX)?, NonceCheck::Replayed);
    /// // Another nonce, or the same one with another timestamp, is fresh.
    /// assert_eq!(store.check_and_insert_sync(&NonceKey { timestamp: 1_700_000_001, ..key }, u64::MAX)?, NonceCheck::Fresh);
    /// assert_eq!(store.nonce_count(), 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new() -> Self {
        MemoryStore {
            clients: RwLock::default(),
            temporary: Mutex::default(),
            max_temporary: DEFAULT_MAX_TEMPORARY,
            max_temporary_per_consumer: DEFAULT_MAX_TEMPORARY_PER_CONSUMER,
            tokens: Tokens::new(DEFAULT_MAX_TOKENS),
            nonces: Nonces::new(DEFAULT_MAX_NONCES),
            clock: Arc::new(SystemClock),
        }
    }

    /// Uses `clock` for expiry (give the server the same clock).
    ///
    /// ```
    /// # use oauth1::signature::Secret;
    /// # use oauth1::store::{TemporaryCredentialStore, TemporaryCredentials};
    /// use oauth1::clock::ManualClock;
    /// use oauth1_memory::MemoryStore;
    ///
    /// let clock = ManualClock::new(1_700_000_000);
    /// let store = MemoryStore::new().with_clock(clock.clone());
    /// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
    /// let credentials =
    ///     TemporaryCredentials::new("hh5s93j4hdidpola", Secret::new("hdhd0244k9j7ao03"), "printer", "oob", 1_700_000_600);
    /// store.create_temporary(credentials).await?;
    /// assert!(store.temporary("hh5s93j4hdidpola").await?.is_some());
    /// // Expired: gone, without waiting ten minutes.
    /// clock.advance(600);
    /// assert!(store.temporary("hh5s93j4hdidpola").await?.is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// Caps live nonces (default [`DEFAULT_MAX_NONCES`]); about [`BYTES_PER_NONCE`] each. See
    /// [sizing the nonce cap](crate#sizing-the-nonce-cap).
    ///
    /// ```
    /// use oauth1::store::{NonceKey, StoreError};
    /// use oauth1_memory::{BYTES_PER_NONCE, MemoryStore};
    ///
    /// // A 64 MiB budget for nonces.
    /// let store = MemoryStore::new().with_max_nonces((64 << 20) / BYTES_PER_NONCE);
    /// # let _ = store;
    ///
    /// // A tiny cap, all of it taken by nonces of this second: the next one is refused (503), never
    /// // accepted as fresh.
    /// # let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_secs();
    /// let store = MemoryStore::new().with_max_nonces(2);
    /// let key = |nonce| NonceKey { consumer_key: "printer", token: None, timestamp: now, nonce };
    /// store.check_and_insert_sync(&key("a"), now + 300)?;
    /// store.check_and_insert_sync(&key("b"), now + 300)?;
    /// assert!(matches!(store.check_and_insert_sync(&key("c"), now + 300), Err(StoreError::CapacityExceeded)));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_max_nonces(mut self, max: usize) -> Self {
        self.nonces.max = max;
        self
    }

    /// Caps live temporary credentials (default [`DEFAULT_MAX_TEMPORARY`]).
    ///
    /// ```
    /// # use oauth1::signature::Secret;
    /// # use oauth1::store::{TemporaryCredentialStore, TemporaryCredentials};
    /// use oauth1::store::StoreError;
    /// use oauth1_memory::MemoryStore;
    ///
    /// let store = MemoryStore::new().with_max_temporary(1);
    /// # let expires_at = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_secs() + 600;
    /// let temporary = |token: &str| TemporaryCredentials::new(token, Secret::new("s"), "printer", "oob", expires_at);
    /// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
    /// store.create_temporary(temporary("t1")).await?;
    /// // Full: refused (the provider answers 503), nothing evicted.
    /// assert!(matches!(store.create_temporary(temporary("t2")).await, Err(StoreError::CapacityExceeded)));
    /// assert_eq!(store.temporary_count(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_max_temporary(mut self, max: usize) -> Self {
        self.max_temporary = max;
        self
    }

    /// Caps the live temporary credentials of any one consumer key (default
    /// [`DEFAULT_MAX_TEMPORARY_PER_CONSUMER`]).
    ///
    /// ```
    /// # use oauth1::signature::Secret;
    /// # use oauth1::store::{TemporaryCredentialStore, TemporaryCredentials};
    /// use oauth1::store::StoreError;
    /// use oauth1_memory::MemoryStore;
    ///
    /// let store = MemoryStore::new().with_max_temporary_per_consumer(1);
    /// # let expires_at = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_secs() + 600;
    /// let temporary = |token: &str, consumer: &str| TemporaryCredentials::new(token, Secret::new("s"), consumer, "oob", expires_at);
    /// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
    /// store.create_temporary(temporary("t1", "printer")).await?;
    /// // The same consumer again: over its share, refused.
    /// assert!(matches!(store.create_temporary(temporary("t2", "printer")).await, Err(StoreError::CapacityExceeded)));
    /// // Another consumer is not affected.
    /// store.create_temporary(temporary("t3", "scanner")).await?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_max_temporary_per_consumer(mut self, max: usize) -> Self {
        self.max_temporary_per_consumer = max;
        self
    }

    /// Caps stored token credentials (default [`DEFAULT_MAX_TOKENS`]).
    ///
    /// ```
    /// # use oauth1::signature::Secret;
    /// use oauth1::store::{TokenCredentialStore, TokenCredentials};
    /// use oauth1_memory::MemoryStore;
    ///
    /// let store = MemoryStore::new().with_max_tokens(1);
    /// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
    /// store.create_token(TokenCredentials::new("old", Secret::new("s1"), "printer", "alice")).await?;
    /// store.create_token(TokenCredentials::new("new", Secret::new("s2"), "printer", "bob")).await?;
    /// // At the cap the oldest is dropped: its owner authorizes the client again.
    /// assert_eq!(store.token_count(), 1);
    /// assert!(store.token("old").await?.is_none());
    /// assert!(store.token("new").await?.is_some());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_max_tokens(mut self, max: usize) -> Self {
        self.tokens.max = max;
        self
    }

    /// How many token credentials are stored (including expired ones not yet dropped).
    pub fn token_count(&self) -> usize {
        self.tokens.map.read().unwrap_or_else(PoisonError::into_inner).len()
    }

    /// How many nonces are live (not yet pruned).
    pub fn nonce_count(&self) -> usize {
        self.nonces.count()
    }

    /// How many temporary credentials are stored (including expired ones not yet pruned).
    pub fn temporary_count(&self) -> usize {
        lock(&self.temporary).map.len()
    }
}
