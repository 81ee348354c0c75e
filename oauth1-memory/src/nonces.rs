//! Nonces: 128-bit keyed fingerprints in groups by consumer and timestamp, in independently
//! locked shards, bounded by narrowing the fullest consumer's window (see the
//! [crate docs](crate#when-the-nonce-store-is-full)).

use std::collections::hash_map::RandomState;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{BuildHasher, BuildHasherDefault, Hash, Hasher};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use async_trait::async_trait;
use oauth1::store::{NonceCheck, NonceKey, NonceStore, StoreError};

use crate::{MIN_WINDOW_SECS, MemoryStore, lock};

/// How many independently locked shards the nonces are spread over.
const SHARDS: usize = 16;
/// The widest run of future timestamps excluded at once past a dropped one (an hour: more
/// than any sane window; the dropped timestamp itself is always excluded).
const MAX_EXCLUDED_SPAN: u64 = 3600;

/// A nonce's fingerprint: 128 bits from one keyed SipHash-1-3 pass, finished twice (over the
/// key's prefix-free encoding, then over that encoding and one more byte: two outputs of the
/// keyed function on distinct inputs).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Fingerprint {
    /// Picks the shard.
    shard_selector: u64,
    /// The hash inside the shard's sets.
    hash: u64,
}

impl Hash for Fingerprint {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.hash);
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

/// The nonce half of a [`MemoryStore`]: shards, the cap, and the shrunk windows.
pub(crate) struct Nonces {
    shards: [Mutex<NonceShard>; SHARDS],
    live: AtomicUsize,
    pub(crate) max: usize,
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
    fingerprint_key: RandomState,
}

impl Nonces {
    /// No nonces, at most `max` live.
    pub(crate) fn new(max: usize) -> Self {
        Nonces {
            shards: std::array::from_fn(|_| Mutex::default()),
            live: AtomicUsize::new(0),
            max,
            exclusions: RwLock::default(),
            excluded_consumers: AtomicUsize::new(0),
            evicting: Mutex::new(()),
            lifetime: AtomicU64::new(0),
            ahead: AtomicU64::new(0),
            fingerprint_key: RandomState::new(),
        }
    }

    /// How many nonces are live (not yet pruned).
    pub(crate) fn count(&self) -> usize {
        self.live.load(Ordering::Relaxed)
    }

    /// The nonce's fingerprint, and the consumer key's hash (what `hash_one(consumer_key)`
    /// gives) from the same pass: the consumer key is hashed first, and the state cloned there.
    fn fingerprint(&self, key: &NonceKey<'_>) -> (Fingerprint, u64) {
        let mut hasher = self.fingerprint_key.build_hasher();
        key.consumer_key.hash(&mut hasher);
        let consumer = hasher.clone().finish();
        (key.token, key.timestamp, key.nonce).hash(&mut hasher);
        let shard_selector = hasher.clone().finish();
        hasher.write_u8(1);
        (Fingerprint { shard_selector, hash: hasher.finish() }, consumer)
    }

    /// The shard a fingerprint lives in.
    fn shard(&self, fingerprint: Fingerprint) -> &Mutex<NonceShard> {
        // The selector is uniformly random: its low bits pick the shard (truncating it to
        // `usize` first keeps them).
        let index = fingerprint.shard_selector as usize % SHARDS;
        debug_assert!(index < self.shards.len());
        #[expect(clippy::indexing_slicing, reason = "a remainder of SHARDS, the length of the array")]
        &self.shards[index]
    }

    /// Records `key` if it is new; `now` is the store's clock.
    pub(crate) fn check_and_insert(
        &self,
        key: &NonceKey<'_>,
        expires_at: u64,
        now: u64,
    ) -> Result<NonceCheck, StoreError> {
        let (fp, consumer) = self.fingerprint(key);
        self.lifetime.fetch_max(expires_at.saturating_sub(key.timestamp), Ordering::Relaxed);
        self.ahead.fetch_max(key.timestamp.saturating_sub(now), Ordering::Relaxed);
        let shard = self.shard(fp);
        // Full: make room (drop the groups at the window's edges) and try again; a few rounds
        // at most, as racing inserts may take the room first.
        for _ in 0..4 {
            {
                let mut shard = lock(shard);
                shard.prune(now, &self.live);
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
                    .live
                    .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| (n < self.max).then_some(n + 1))
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
        if self.live.load(Ordering::Relaxed) < self.max {
            return true;
        }
        let mut holdings: HashMap<u64, Holdings> = HashMap::new();
        for shard in &self.shards {
            let mut shard = lock(shard);
            shard.prune(now, &self.live);
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
        let live = self.live.load(Ordering::Relaxed);
        if live < self.max {
            return true;
        }
        // Free a little more than one place (1/32 of the cap), so that a full store makes room
        // once per many inserts rather than on each.
        let mut need = live.saturating_sub(self.max - self.max / 32).max(1);
        let mut drops: Vec<(u64, u64, u64)> = Vec::new();
        while need > 0 {
            let victim = holdings
                .iter_mut()
                .filter_map(|(&c, h)| h.farthest(now).map(|t| (h.live, c, t, h)))
                .max_by_key(|&(live, c, _, _)| (live, c));
            let Some((_, consumer, timestamp, h)) = victim else { break };
            let group = h.by_timestamp.remove(&timestamp);
            debug_assert!(group.is_some(), "farthest() is one of the consumer's timestamps");
            let (n, expires_at) = group.unwrap_or_default();
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
        // First exclude, then drop: see `check_and_insert`.
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
        for shard in &self.shards {
            let mut shard = lock(shard);
            for &(consumer, timestamp, _) in &drops {
                if let Some(group) = shard.by_timestamp.remove(&(timestamp, consumer)) {
                    self.live.fetch_sub(group.live.len(), Ordering::Relaxed);
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
                max_nonces = self.max,
                "nonce store full: dropped this consumer's nonces at the edges of the timestamp window \
                 and narrowed its accepted window to exclude them"
            );
        }
        true
    }
}

impl MemoryStore {
    /// [`NonceStore::check_and_insert`] as a plain function call, without a future (for
    /// benchmarks and synchronous callers): the same atomic check-and-insert.
    pub fn check_and_insert_sync(&self, key: &NonceKey<'_>, expires_at: u64) -> Result<NonceCheck, StoreError> {
        self.nonces.check_and_insert(key, expires_at, self.clock.now())
    }
}

#[async_trait]
impl NonceStore for MemoryStore {
    async fn check_and_insert(&self, key: &NonceKey<'_>, expires_at: u64) -> Result<NonceCheck, StoreError> {
        self.check_and_insert_sync(key, expires_at)
    }
}

#[cfg(test)]
mod tests;
