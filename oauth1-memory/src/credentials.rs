//! Temporary credentials (expiring, capped in total and per consumer, authorized once, taken
//! once) and token credentials (capped: expired ones, then the oldest, are dropped).

use std::cmp::Reverse;
use std::collections::binary_heap::PeekMut;
use std::collections::{BinaryHeap, HashMap, VecDeque};
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use async_trait::async_trait;
use oauth1::store::{
    Authorization, AuthorizeOutcome, StoreError, TemporaryCredentialStore, TemporaryCredentials, TokenCredentialStore,
    TokenCredentials,
};

use crate::{MemoryStore, lock};

/// Live temporary credentials, with their expiry order and per-consumer counts.
#[derive(Default)]
pub(crate) struct Temporary {
    pub(crate) map: HashMap<String, TemporaryCredentials>,
    by_expiry: BinaryHeap<Reverse<(u64, String)>>,
    /// Live temporary credentials per consumer key (for the per-consumer share).
    pub(crate) per_consumer: HashMap<String, usize>,
}

impl Temporary {
    fn prune(&mut self, now: u64) {
        loop {
            let Some(earliest) = self.by_expiry.peek_mut() else { break };
            if earliest.0.0 > now {
                break;
            }
            let Reverse((expires_at, token)) = PeekMut::pop(earliest);
            // Unless taken since (and perhaps created again).
            if self.map.get(&token).is_some_and(|c| c.expires_at == expires_at) {
                self.remove(&token);
            }
        }
    }

    fn remove(&mut self, token: &str) -> Option<TemporaryCredentials> {
        let removed = self.map.remove(token)?;
        let held = self.per_consumer.get_mut(&removed.consumer_key);
        debug_assert!(held.is_some(), "every stored credential is counted for its consumer");
        if let Some(n) = held {
            *n = n.saturating_sub(1);
            if *n == 0 {
                self.per_consumer.remove(&removed.consumer_key);
            }
        }
        Some(removed)
    }
}

/// Stored token credentials, with what drops them: expiry and, at the cap, age.
pub(crate) struct Tokens {
    pub(crate) map: RwLock<HashMap<String, Arc<TokenCredentials>>>,
    /// Expiring token credentials by expiry, to drop them when they expire.
    expiry: Mutex<BinaryHeap<Reverse<(u64, String)>>>,
    /// Token credentials in the order they were created, to drop the oldest at the cap
    /// (revoked ones are skipped, and compacted away).
    pub(crate) order: Mutex<VecDeque<String>>,
    pub(crate) max: usize,
}

impl Tokens {
    /// None stored, at most `max`.
    pub(crate) fn new(max: usize) -> Self {
        Tokens { map: RwLock::default(), expiry: Mutex::default(), order: Mutex::default(), max }
    }
}

#[async_trait]
impl TemporaryCredentialStore for MemoryStore {
    async fn create_temporary(&self, credentials: TemporaryCredentials) -> Result<(), StoreError> {
        let now = self.clock.now();
        let mut t = lock(&self.temporary);
        t.prune(now);
        // Never overwrite live credentials (an expired one was pruned just now).
        if t.map.contains_key(&credentials.token) {
            return Err(StoreError::Conflict);
        }
        // A consumer past its share is refused (503) alone: one client cannot exhaust the
        // temporary credentials of every other.
        let held = t.per_consumer.get(&credentials.consumer_key).copied().unwrap_or(0);
        if t.map.len() >= self.max_temporary || held >= self.max_temporary_per_consumer {
            return Err(StoreError::CapacityExceeded);
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
        let mut expiry = lock(&self.tokens.expiry);
        let mut tokens = self.tokens.map.write().unwrap_or_else(PoisonError::into_inner);
        // Drop what has expired, earliest first (an entry revoked and created again since is
        // left alone).
        while let Some(earliest) = expiry.peek_mut() {
            if earliest.0.0 > now {
                break;
            }
            let Reverse((at, token)) = PeekMut::pop(earliest);
            if tokens.get(&token).is_some_and(|c| c.expires_at == Some(at)) {
                tokens.remove(&token);
            }
        }
        // Never overwrite live credentials (expired ones were dropped just now).
        if tokens.contains_key(&credentials.token) {
            return Err(StoreError::Conflict);
        }
        let mut order = lock(&self.tokens.order);
        while tokens.len() >= self.tokens.max {
            // Empty only with a cap of zero.
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
            .map
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(token)
            .filter(|c| !c.is_expired(now))
            .cloned())
    }

    async fn revoke_token(&self, token: &str) -> Result<bool, StoreError> {
        Ok(self.tokens.map.write().unwrap_or_else(PoisonError::into_inner).remove(token).is_some())
    }
}

#[cfg(test)]
mod tests;
