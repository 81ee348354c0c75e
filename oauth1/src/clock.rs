//! Time, injectable so that expiry and timestamp windows are testable without sleeping.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// A source of Unix time in seconds.
pub trait Clock: Send + Sync {
    /// Seconds since the Unix epoch.
    fn now(&self) -> u64;
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> u64 {
        SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or_default()
    }
}

/// A clock that only moves when told to (tests). Clones share the same time.
///
/// ```
/// use oauth1::clock::{Clock, ManualClock};
/// let clock = ManualClock::new(1_000);
/// clock.advance(5);
/// assert_eq!(clock.now(), 1_005);
/// ```
#[derive(Debug, Clone, Default)]
pub struct ManualClock(Arc<AtomicU64>);

impl ManualClock {
    /// A clock reading `now`.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use oauth1::clock::ManualClock;
    /// use oauth1::{Config, ResourceProtector, Scope, Stores, sign::Signer, store::Client};
    /// use oauth1_memory::MemoryStore;
    ///
    /// // Give the server and the store the same clock.
    /// let clock = ManualClock::new(1_700_000_000);
    /// let store = Arc::new(MemoryStore::new().with_clock(clock.clone()));
    /// store.insert_client(Client::new("printer", "kd94hf93k423kf44"));
    /// let protector = ResourceProtector::new(Stores::single(store), Config::default().with_clock(clock.clone()));
    /// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
    /// let req = Signer::new("printer", "kd94hf93k423kf44")
    ///     .timestamp(1_700_000_000)
    ///     .sign(http::Request::get("http://photos.example/me").body(Vec::new())?)?;
    /// assert!(protector.verify(&req, Scope::ConsumerOnly).await.is_ok());
    /// // The replay is refused for as long as its timestamp is in the window...
    /// clock.advance(300);
    /// assert_eq!(protector.verify(&req, Scope::ConsumerOnly).await.unwrap_err().code(), "invalid_nonce");
    /// // ...and then as too old, without waiting five minutes.
    /// clock.set(1_700_000_301);
    /// assert_eq!(protector.verify(&req, Scope::ConsumerOnly).await.unwrap_err().problem(), "timestamp_refused");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(now: u64) -> Self {
        ManualClock(Arc::new(AtomicU64::new(now)))
    }

    /// Sets the time.
    pub fn set(&self, now: u64) {
        self.0.store(now, Ordering::SeqCst);
    }

    /// Moves the time forward.
    pub fn advance(&self, seconds: u64) {
        self.0.fetch_add(seconds, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> u64 {
        self.0.load(Ordering::SeqCst)
    }
}
