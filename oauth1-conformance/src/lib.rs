//! # oauth1-conformance: does a store keep the promises of `oauth1::store`?
//!
//! One call runs every store-level property the provider relies on against any implementation
//! of the store traits ([`Stores`]): yours, [`oauth1-memory`], [`oauth1-redis`] or
//! [`oauth1-sqlx`] on each database. Run it in your store's tests:
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! use std::sync::Arc;
//! use oauth1::clock::ManualClock;
//! use oauth1::store::Stores;
//! use oauth1_memory::MemoryStore;
//!
//! let clock = ManualClock::new(1_800_000_000);
//! let store = Arc::new(MemoryStore::new().with_clock(clock.clone()));
//! let report = oauth1_conformance::Conformance::new(Stores::single(store))
//!     .with_manual_clock(clock) // the store's clock: expiry is also checked by moving it
//!     .run()
//!     .await
//!     .unwrap_or_else(|failure| panic!("{failure}"));
//! assert!(report.checks.len() >= 14);
//! # }
//! ```
//!
//! | check | what the provider relies on |
//! |---|---|
//! | nonce fresh, then replayed | [RFC 5849 §3.3](https://www.rfc-editor.org/rfc/rfc5849#section-3.3): a nonce is accepted once |
//! | nonce scope | another consumer key, token (or none) or timestamp is another nonce; no two tuples share a key |
//! | nonce race | of 64 concurrent inserts of one nonce exactly one is fresh |
//! | temporary credentials round trip | every field back as created, bound to its consumer (§2.1) |
//! | duplicate create | a taken token is [`StoreError::Conflict`], never an overwrite (temporary and token credentials) |
//! | expired temporary credentials | absent to read, authorize and take |
//! | authorize once | §2.2: authorized, then already authorized; unknown is not found |
//! | authorize race | of 64 concurrent authorizations by different users one wins, and the credentials name the winner |
//! | take race | §2.3: of 64 concurrent takes exactly one gets the credentials, with their authorization |
//! | token credentials round trip, revoke | every field back, bound to consumer and user; revoked ones are gone; revoking twice says so |
//! | expired token credentials | never served as valid |
//! | expiry while stored | with [`Conformance::with_manual_clock`]: credentials that expire after being stored are gone when the clock passes their expiry |
//!
//! Every check uses fresh random tokens and nonces, so the kit can run against a store shared
//! with other tests, and again. The store's notion of "now" must be the clock given here (the
//! system clock by default): stores that expire by real time (Redis) are checked with records
//! already expired when created; stores with an injectable clock also by moving it.
//!
//! [`oauth1-memory`]: https://docs.rs/oauth1-memory
//! [`oauth1-redis`]: https://docs.rs/oauth1-redis
//! [`oauth1-sqlx`]: https://docs.rs/oauth1-sqlx
#![forbid(unsafe_code)]
#![warn(missing_docs)]

use std::fmt;
use std::sync::Arc;

use oauth1::clock::{Clock, ManualClock, SystemClock};
use oauth1::generate::random_string;
use oauth1::signature::Secret;
use oauth1::store::{
    Authorization, AuthorizeOutcome, NonceCheck, NonceKey, StoreError, Stores, TemporaryCredentials, TokenCredentials,
};

/// How many tasks race in each race check.
pub const RACERS: usize = 64;

/// The conformance kit for one set of stores.
pub struct Conformance {
    stores: Stores,
    clock: Arc<dyn Clock>,
    manual: Option<ManualClock>,
}

impl fmt::Debug for Conformance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Conformance").field("manual_clock", &self.manual.is_some()).finish_non_exhaustive()
    }
}

/// The checks that passed.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct Report {
    /// Their names, in the order they ran.
    pub checks: Vec<&'static str>,
}

/// The first check that failed, and how.
#[derive(Debug)]
#[non_exhaustive]
pub struct Failure {
    /// The check.
    pub check: &'static str,
    /// What went wrong.
    pub message: String,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "store conformance: {}: {}", self.check, self.message)
    }
}

impl std::error::Error for Failure {}

/// Fails the current check with a message unless `$cond`.
macro_rules! ensure {
    ($check:expr, $cond:expr, $($msg:tt)+) => {
        if !$cond {
            return Err(Failure { check: $check, message: format!($($msg)+) });
        }
    };
}

/// A store call that must succeed.
fn ok<T>(check: &'static str, what: &str, r: Result<T, StoreError>) -> Result<T, Failure> {
    r.map_err(|e| Failure { check, message: format!("{what} failed: {e}") })
}

impl Conformance {
    /// The kit for `stores`, whose "now" is the system clock.
    pub fn new(stores: Stores) -> Self {
        Conformance { stores, clock: Arc::new(SystemClock), manual: None }
    }

    /// The store reads `clock` (not the system clock).
    pub fn with_clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// The store reads `clock`, a [`ManualClock`] the kit may move forward to check expiry
    /// while stored. It is moved only forward, by a few hundred seconds in all.
    pub fn with_manual_clock(mut self, clock: ManualClock) -> Self {
        self.clock = Arc::new(clock.clone());
        self.manual = Some(clock);
        self
    }

    /// Runs every check; the first failure stops the run.
    pub async fn run(&self) -> Result<Report, Failure> {
        let mut report = Report::default();
        let run = random_string(12);
        report.checks.push(self.nonce_fresh_then_replayed(&run).await?);
        report.checks.push(self.nonce_scope(&run).await?);
        report.checks.push(self.nonce_race(&run).await?);
        report.checks.push(self.temporary_round_trip(&run).await?);
        report.checks.push(self.temporary_duplicate(&run).await?);
        report.checks.push(self.temporary_expired(&run).await?);
        report.checks.push(self.authorize_once(&run).await?);
        report.checks.push(self.authorize_race(&run).await?);
        report.checks.push(self.take_race(&run).await?);
        report.checks.push(self.token_round_trip(&run).await?);
        report.checks.push(self.token_duplicate(&run).await?);
        report.checks.push(self.token_expired(&run).await?);
        if let Some(clock) = &self.manual {
            report.checks.push(self.temporary_expire_while_stored(&run, clock).await?);
            report.checks.push(self.token_expire_while_stored(&run, clock).await?);
        }
        Ok(report)
    }

    fn now(&self) -> u64 {
        self.clock.now()
    }

    async fn nonce_fresh_then_replayed(&self, run: &str) -> Result<&'static str, Failure> {
        const CHECK: &str = "nonce: fresh, then replayed";
        let nonces = &self.stores.nonces;
        let consumer = format!("ck-{run}");
        let key = NonceKey { consumer_key: &consumer, token: Some("tok"), timestamp: self.now(), nonce: "n1" };
        let expires = self.now() + 300;
        let first = ok(CHECK, "check_and_insert", nonces.check_and_insert(&key, expires).await)?;
        ensure!(CHECK, first == NonceCheck::Fresh, "a new nonce was {first:?}");
        for _ in 0..3 {
            let again = ok(CHECK, "check_and_insert", nonces.check_and_insert(&key, expires).await)?;
            ensure!(CHECK, again == NonceCheck::Replayed, "a used nonce was {again:?}, not Replayed");
        }
        Ok(CHECK)
    }

    async fn nonce_scope(&self, run: &str) -> Result<&'static str, Failure> {
        const CHECK: &str = "nonce: scoped to (consumer key, token, timestamp, nonce)";
        let nonces = &self.stores.nonces;
        let (a, ab) = (format!("a-{run}"), format!("a-{run}-b"));
        let now = self.now();
        let expires = now + 300;
        // Each differs from the first in one part, or would collide with it in a `-`-joined key.
        let keys = [
            NonceKey { consumer_key: &ab, token: None, timestamp: now, nonce: "c" },
            NonceKey { consumer_key: &a, token: Some("b"), timestamp: now, nonce: "c" },
            NonceKey { consumer_key: &a, token: None, timestamp: now, nonce: "c" },
            NonceKey { consumer_key: &a, token: Some("b"), timestamp: now + 1, nonce: "c" },
            NonceKey { consumer_key: &a, token: Some("b"), timestamp: now, nonce: "C" },
            NonceKey { consumer_key: &a, token: Some("B"), timestamp: now, nonce: "c" },
            NonceKey { consumer_key: &a, token: Some("b-c"), timestamp: now, nonce: "" },
        ];
        for key in &keys {
            let r = ok(CHECK, "check_and_insert", nonces.check_and_insert(key, expires).await)?;
            ensure!(CHECK, r == NonceCheck::Fresh, "{key:?} shares a key with an earlier tuple: {r:?}");
        }
        for key in &keys {
            let r = ok(CHECK, "check_and_insert", nonces.check_and_insert(key, expires).await)?;
            ensure!(CHECK, r == NonceCheck::Replayed, "{key:?} again: {r:?}");
        }
        Ok(CHECK)
    }

    async fn nonce_race(&self, run: &str) -> Result<&'static str, Failure> {
        const CHECK: &str = "nonce: 64 racing inserts of one nonce, one fresh";
        let consumer: Arc<str> = Arc::from(format!("race-{run}"));
        let (now, expires) = (self.now(), self.now() + 300);
        let tasks: Vec<_> = (0..RACERS)
            .map(|_| {
                let nonces = self.stores.nonces.clone();
                let consumer = consumer.clone();
                tokio::spawn(async move {
                    let key = NonceKey { consumer_key: &consumer, token: Some("t"), timestamp: now, nonce: "race" };
                    nonces.check_and_insert(&key, expires).await
                })
            })
            .collect();
        let mut fresh = 0;
        for t in tasks {
            let r = t.await.map_err(|e| Failure { check: CHECK, message: format!("a task panicked: {e}") })?;
            match ok(CHECK, "check_and_insert", r)? {
                NonceCheck::Fresh => fresh += 1,
                NonceCheck::Replayed => {}
                NonceCheck::Stale => return Err(Failure { check: CHECK, message: "a live nonce was Stale".into() }),
            }
        }
        ensure!(CHECK, fresh == 1, "{fresh} of {RACERS} racing inserts were fresh");
        Ok(CHECK)
    }

    fn temporary(&self, run: &str, name: &str, expires_at: u64) -> TemporaryCredentials {
        TemporaryCredentials::new(
            format!("tmp-{run}-{name}"),
            Secret::new(format!("secret-{name}")),
            format!("ck-{run}"),
            "https://client.example/cb?x=1",
            expires_at,
        )
        .with_realm(Some("Photos".into()))
    }

    async fn temporary_round_trip(&self, run: &str) -> Result<&'static str, Failure> {
        const CHECK: &str = "temporary credentials: created and read back, bound to their consumer";
        let store = &self.stores.temporary;
        let created = self.temporary(run, "rt", self.now() + 600);
        ok(CHECK, "create_temporary", store.create_temporary(created.clone()).await)?;
        let read = ok(CHECK, "temporary", store.temporary(&created.token).await)?;
        let Some(read) = read else {
            return Err(Failure { check: CHECK, message: "created credentials are absent".into() });
        };
        ensure!(
            CHECK,
            read.token == created.token
                && read.secret.ct_eq(created.secret.expose())
                && read.consumer_key == created.consumer_key
                && read.callback == created.callback
                && read.realm == created.realm
                && read.expires_at == created.expires_at
                && read.authorization.is_none(),
            "read back differently: {read:?}"
        );
        let unknown = ok(CHECK, "temporary", store.temporary(&format!("tmp-{run}-unknown")).await)?;
        ensure!(CHECK, unknown.is_none(), "unknown credentials were found");
        Ok(CHECK)
    }

    async fn temporary_duplicate(&self, run: &str) -> Result<&'static str, Failure> {
        const CHECK: &str = "temporary credentials: a duplicate create is a conflict";
        let store = &self.stores.temporary;
        let first = self.temporary(run, "dup", self.now() + 600);
        ok(CHECK, "create_temporary", store.create_temporary(first.clone()).await)?;
        let mut second = self.temporary(run, "dup", self.now() + 600);
        second.secret = Secret::new("another");
        let r = store.create_temporary(second).await;
        ensure!(CHECK, matches!(r, Err(StoreError::Conflict)), "the second create gave {r:?}, not Conflict");
        let read = ok(CHECK, "temporary", store.temporary(&first.token).await)?;
        ensure!(
            CHECK,
            read.is_some_and(|c| c.secret.ct_eq(first.secret.expose())),
            "the first credentials were overwritten"
        );
        Ok(CHECK)
    }

    async fn temporary_expired(&self, run: &str) -> Result<&'static str, Failure> {
        const CHECK: &str = "temporary credentials: expired ones are absent";
        let store = &self.stores.temporary;
        for (name, expires_at) in [("exp-now", self.now()), ("exp-past", self.now().saturating_sub(60))] {
            let c = self.temporary(run, name, expires_at);
            ok(CHECK, "create_temporary", store.create_temporary(c.clone()).await)?;
            let read = ok(CHECK, "temporary", store.temporary(&c.token).await)?;
            ensure!(CHECK, read.is_none(), "{name}: expired credentials were read");
            let auth = Authorization::new("alice", Secret::new("v"));
            let a = ok(CHECK, "authorize_temporary", store.authorize_temporary(&c.token, auth).await)?;
            ensure!(CHECK, matches!(a, AuthorizeOutcome::NotFound), "{name}: expired credentials authorized: {a:?}");
            let taken = ok(CHECK, "take_temporary", store.take_temporary(&c.token).await)?;
            ensure!(CHECK, taken.is_none(), "{name}: expired credentials were taken");
        }
        Ok(CHECK)
    }

    async fn authorize_once(&self, run: &str) -> Result<&'static str, Failure> {
        const CHECK: &str = "temporary credentials: authorized once";
        let store = &self.stores.temporary;
        let c = self.temporary(run, "auth", self.now() + 600);
        ok(CHECK, "create_temporary", store.create_temporary(c.clone()).await)?;
        let first = Authorization::new("alice", Secret::new("verifier-1"));
        let r = ok(CHECK, "authorize_temporary", store.authorize_temporary(&c.token, first).await)?;
        let AuthorizeOutcome::Authorized(authorized) = r else {
            return Err(Failure { check: CHECK, message: format!("the first authorization gave {r:?}") });
        };
        ensure!(
            CHECK,
            authorized.consumer_key == c.consumer_key
                && authorized
                    .authorization
                    .as_ref()
                    .is_some_and(|a| a.user_id == "alice" && a.verifier.ct_eq("verifier-1")),
            "the authorized credentials are {authorized:?}"
        );
        let second = Authorization::new("mallory", Secret::new("verifier-2"));
        let r = ok(CHECK, "authorize_temporary", store.authorize_temporary(&c.token, second).await)?;
        ensure!(CHECK, matches!(r, AuthorizeOutcome::AlreadyAuthorized), "the second authorization gave {r:?}");
        let read = ok(CHECK, "temporary", store.temporary(&c.token).await)?;
        ensure!(
            CHECK,
            read.and_then(|c| c.authorization).is_some_and(|a| a.user_id == "alice" && a.verifier.ct_eq("verifier-1")),
            "the second authorization changed the credentials"
        );
        let unknown = Authorization::new("alice", Secret::new("v"));
        let r = ok(CHECK, "authorize_temporary", store.authorize_temporary(&format!("tmp-{run}-none"), unknown).await)?;
        ensure!(CHECK, matches!(r, AuthorizeOutcome::NotFound), "unknown credentials: {r:?}");
        Ok(CHECK)
    }

    async fn authorize_race(&self, run: &str) -> Result<&'static str, Failure> {
        const CHECK: &str = "temporary credentials: 64 racing authorizations, one wins";
        let c = self.temporary(run, "auth-race", self.now() + 600);
        ok(CHECK, "create_temporary", self.stores.temporary.create_temporary(c.clone()).await)?;
        let token: Arc<str> = Arc::from(c.token.as_str());
        let tasks: Vec<_> = (0..RACERS)
            .map(|i| {
                let store = self.stores.temporary.clone();
                let token = token.clone();
                tokio::spawn(async move {
                    let auth = Authorization::new(format!("user-{i}"), Secret::new(format!("verifier-{i}")));
                    (i, store.authorize_temporary(&token, auth).await)
                })
            })
            .collect();
        let mut winners = Vec::new();
        for t in tasks {
            let (i, r) = t.await.map_err(|e| Failure { check: CHECK, message: format!("a task panicked: {e}") })?;
            match ok(CHECK, "authorize_temporary", r)? {
                AuthorizeOutcome::Authorized(_) => winners.push(i),
                AuthorizeOutcome::AlreadyAuthorized => {}
                AuthorizeOutcome::NotFound => {
                    return Err(Failure { check: CHECK, message: "live credentials were not found".into() });
                }
            }
        }
        ensure!(CHECK, winners.len() == 1, "{} of {RACERS} racing authorizations won: {winners:?}", winners.len());
        let read = ok(CHECK, "temporary", self.stores.temporary.temporary(&token).await)?;
        let user = read.and_then(|c| c.authorization).map(|a| a.user_id);
        ensure!(
            CHECK,
            winners.first().is_some_and(|w| user.as_deref() == Some(format!("user-{w}").as_str())),
            "the credentials name {user:?}, the winner was {winners:?}"
        );
        Ok(CHECK)
    }

    async fn take_race(&self, run: &str) -> Result<&'static str, Failure> {
        const CHECK: &str = "temporary credentials: 64 racing takes, one gets them";
        let store = &self.stores.temporary;
        let c = self.temporary(run, "take-race", self.now() + 600);
        ok(CHECK, "create_temporary", store.create_temporary(c.clone()).await)?;
        let auth = Authorization::new("alice", Secret::new("verifier"));
        ok(CHECK, "authorize_temporary", store.authorize_temporary(&c.token, auth).await)?;
        let token: Arc<str> = Arc::from(c.token.as_str());
        let tasks: Vec<_> = (0..RACERS)
            .map(|_| {
                let store = store.clone();
                let token = token.clone();
                tokio::spawn(async move { store.take_temporary(&token).await })
            })
            .collect();
        let mut taken = Vec::new();
        for t in tasks {
            let r = t.await.map_err(|e| Failure { check: CHECK, message: format!("a task panicked: {e}") })?;
            if let Some(c) = ok(CHECK, "take_temporary", r)? {
                taken.push(c);
            }
        }
        ensure!(CHECK, taken.len() == 1, "{} of {RACERS} racing takes got the credentials", taken.len());
        ensure!(
            CHECK,
            taken.first().is_some_and(|t| t.consumer_key == c.consumer_key
                && t.authorization.as_ref().is_some_and(|a| a.user_id == "alice" && a.verifier.ct_eq("verifier"))),
            "the taken credentials lost their consumer or authorization: {taken:?}"
        );
        let after = ok(CHECK, "temporary", store.temporary(&token).await)?;
        ensure!(CHECK, after.is_none(), "taken credentials are still readable");
        let again = ok(CHECK, "take_temporary", store.take_temporary(&token).await)?;
        ensure!(CHECK, again.is_none(), "taken credentials were taken again");
        Ok(CHECK)
    }

    fn token(&self, run: &str, name: &str) -> TokenCredentials {
        TokenCredentials::new(
            format!("tok-{run}-{name}"),
            Secret::new(format!("token-secret-{name}")),
            format!("ck-{run}"),
            "alice",
        )
        .with_realm(Some("Photos".into()))
    }

    async fn token_round_trip(&self, run: &str) -> Result<&'static str, Failure> {
        const CHECK: &str = "token credentials: created, read back bound to consumer and user, revoked";
        let store = &self.stores.tokens;
        let expires_at = self.now() + 3_600;
        for created in [self.token(run, "forever"), self.token(run, "hour").with_expiry(Some(expires_at))] {
            ok(CHECK, "create_token", store.create_token(created.clone()).await)?;
            let read = ok(CHECK, "token", store.token(&created.token).await)?;
            ensure!(
                CHECK,
                read.as_ref().is_some_and(|t| t.token == created.token
                    && t.secret.ct_eq(created.secret.expose())
                    && t.consumer_key == created.consumer_key
                    && t.user_id == created.user_id
                    && t.realm == created.realm
                    && t.expires_at == created.expires_at),
                "read back differently: {read:?}"
            );
            ensure!(CHECK, ok(CHECK, "revoke_token", store.revoke_token(&created.token).await)?, "revoke said absent");
            let gone = ok(CHECK, "token", store.token(&created.token).await)?;
            ensure!(CHECK, gone.is_none(), "revoked credentials are still served");
            let again = ok(CHECK, "revoke_token", store.revoke_token(&created.token).await)?;
            ensure!(CHECK, !again, "revoking twice said present");
        }
        let unknown = ok(CHECK, "token", store.token(&format!("tok-{run}-unknown")).await)?;
        ensure!(CHECK, unknown.is_none(), "unknown token credentials were found");
        Ok(CHECK)
    }

    async fn token_duplicate(&self, run: &str) -> Result<&'static str, Failure> {
        const CHECK: &str = "token credentials: a duplicate create is a conflict";
        let store = &self.stores.tokens;
        let first = self.token(run, "dup");
        ok(CHECK, "create_token", store.create_token(first.clone()).await)?;
        let mut second = self.token(run, "dup");
        second.secret = Secret::new("another");
        second.user_id = "mallory".into();
        let r = store.create_token(second).await;
        ensure!(CHECK, matches!(r, Err(StoreError::Conflict)), "the second create gave {r:?}, not Conflict");
        let read = ok(CHECK, "token", store.token(&first.token).await)?;
        ensure!(
            CHECK,
            read.is_some_and(|t| t.user_id == "alice" && t.secret.ct_eq(first.secret.expose())),
            "the first credentials were overwritten"
        );
        Ok(CHECK)
    }

    async fn token_expired(&self, run: &str) -> Result<&'static str, Failure> {
        const CHECK: &str = "token credentials: expired ones are never served as valid";
        let store = &self.stores.tokens;
        let now = self.now();
        for (name, at) in [("exp-now", now), ("exp-past", now.saturating_sub(60))] {
            let t = self.token(run, name).with_expiry(Some(at));
            ok(CHECK, "create_token", store.create_token(t.clone()).await)?;
            let read = ok(CHECK, "token", store.token(&t.token).await)?;
            ensure!(CHECK, read.as_ref().is_none_or(|t| t.is_expired(self.now())), "{name}: served as valid");
        }
        Ok(CHECK)
    }

    async fn temporary_expire_while_stored(&self, run: &str, clock: &ManualClock) -> Result<&'static str, Failure> {
        const CHECK: &str = "temporary credentials: gone once the clock passes their expiry";
        let store = &self.stores.temporary;
        let c = self.temporary(run, "ttl", self.now() + 100);
        let authorized = self.temporary(run, "ttl-authorized", self.now() + 100);
        ok(CHECK, "create_temporary", store.create_temporary(c.clone()).await)?;
        ok(CHECK, "create_temporary", store.create_temporary(authorized.clone()).await)?;
        let auth = Authorization::new("alice", Secret::new("v"));
        ok(CHECK, "authorize_temporary", store.authorize_temporary(&authorized.token, auth).await)?;
        clock.advance(99);
        let read = ok(CHECK, "temporary", store.temporary(&c.token).await)?;
        ensure!(CHECK, read.is_some(), "gone a second before their expiry");
        clock.advance(1);
        let read = ok(CHECK, "temporary", store.temporary(&c.token).await)?;
        ensure!(CHECK, read.is_none(), "still readable at their expiry");
        let auth = Authorization::new("alice", Secret::new("v"));
        let a = ok(CHECK, "authorize_temporary", store.authorize_temporary(&c.token, auth).await)?;
        ensure!(CHECK, matches!(a, AuthorizeOutcome::NotFound), "authorized at their expiry: {a:?}");
        let taken = ok(CHECK, "take_temporary", store.take_temporary(&authorized.token).await)?;
        ensure!(CHECK, taken.is_none(), "authorized credentials taken at their expiry");
        Ok(CHECK)
    }

    async fn token_expire_while_stored(&self, run: &str, clock: &ManualClock) -> Result<&'static str, Failure> {
        const CHECK: &str = "token credentials: not served once the clock passes their expiry";
        let store = &self.stores.tokens;
        let t = self.token(run, "ttl").with_expiry(Some(self.now() + 100));
        ok(CHECK, "create_token", store.create_token(t.clone()).await)?;
        clock.advance(99);
        let read = ok(CHECK, "token", store.token(&t.token).await)?;
        ensure!(CHECK, read.as_ref().is_some_and(|t| !t.is_expired(self.now())), "not served a second before expiry");
        clock.advance(1);
        let read = ok(CHECK, "token", store.token(&t.token).await)?;
        ensure!(CHECK, read.as_ref().is_none_or(|t| t.is_expired(self.now())), "served as valid at their expiry");
        Ok(CHECK)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use std::sync::Arc;

    use async_trait::async_trait;
    use oauth1::clock::ManualClock;
    use oauth1::store::{
        NonceCheck, NonceKey, NonceStore, StoreError, Stores, TemporaryCredentialStore, TemporaryCredentials,
    };
    use oauth1_memory::MemoryStore;

    use super::*;

    /// The memory store passes every check.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_memory_store_conforms() {
        let clock = ManualClock::new(1_800_000_000);
        let store = Arc::new(MemoryStore::new().with_clock(clock.clone()));
        let report = Conformance::new(Stores::single(store)).with_manual_clock(clock).run().await.unwrap();
        assert_eq!(report.checks.len(), 14, "{:?}", report.checks);
    }

    /// A nonce store that checks, then inserts, in two steps (the Authlib-shaped hook). The
    /// racing inserts meet in pairs between the two steps (a barrier), so that the race is
    /// certain to be lost rather than likely. The kit must catch it.
    struct CheckThenInsert(std::sync::Mutex<std::collections::HashSet<String>>, tokio::sync::Barrier);

    #[async_trait]
    impl NonceStore for CheckThenInsert {
        async fn check_and_insert(&self, key: &NonceKey<'_>, _: u64) -> Result<NonceCheck, StoreError> {
            let k = key.encoded();
            let seen = self.0.lock().unwrap().contains(&k);
            if key.nonce == "race" {
                self.1.wait().await;
            }
            if seen {
                return Ok(NonceCheck::Replayed);
            }
            self.0.lock().unwrap().insert(k);
            Ok(NonceCheck::Fresh)
        }
    }

    /// A take that reads, then deletes: two exchanges can both read (racing takes meet in pairs
    /// between the two steps).
    struct ReadThenDelete(Arc<MemoryStore>, tokio::sync::Barrier);

    #[async_trait]
    impl TemporaryCredentialStore for ReadThenDelete {
        async fn create_temporary(&self, c: TemporaryCredentials) -> Result<(), StoreError> {
            self.0.create_temporary(c).await
        }
        async fn temporary(&self, token: &str) -> Result<Option<TemporaryCredentials>, StoreError> {
            self.0.temporary(token).await
        }
        async fn authorize_temporary(&self, t: &str, a: Authorization) -> Result<AuthorizeOutcome, StoreError> {
            self.0.authorize_temporary(t, a).await
        }
        async fn take_temporary(&self, token: &str) -> Result<Option<TemporaryCredentials>, StoreError> {
            let read = self.0.temporary(token).await?;
            if token.ends_with("-take-race") {
                self.1.wait().await;
            }
            self.0.take_temporary(token).await?;
            Ok(read)
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn racy_stores_fail() {
        let memory = Arc::new(MemoryStore::new());
        let mut stores = Stores::single(memory.clone());
        stores.nonces = Arc::new(CheckThenInsert(Default::default(), tokio::sync::Barrier::new(2)));
        let failure = Conformance::new(stores).run().await.unwrap_err();
        assert_eq!(failure.check, "nonce: 64 racing inserts of one nonce, one fresh", "{failure}");

        let mut stores = Stores::single(memory.clone());
        stores.temporary = Arc::new(ReadThenDelete(memory, tokio::sync::Barrier::new(2)));
        let failure = Conformance::new(stores).run().await.unwrap_err();
        assert_eq!(failure.check, "temporary credentials: 64 racing takes, one gets them", "{failure}");
    }
}
