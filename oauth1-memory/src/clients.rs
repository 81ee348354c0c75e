//! Registered clients: a map from consumer key to a shared [`Client`].

use std::sync::{Arc, PoisonError};

use async_trait::async_trait;
use oauth1::store::{Client, ClientStore, StoreError};

use crate::MemoryStore;

impl MemoryStore {
    /// Registers (or replaces) a client.
    pub fn insert_client(&self, client: Client) {
        self.clients
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(client.consumer_key.clone(), Arc::new(client));
    }
}

#[async_trait]
impl ClientStore for MemoryStore {
    async fn client(&self, consumer_key: &str) -> Result<Option<Arc<Client>>, StoreError> {
        Ok(self.clients.read().unwrap_or_else(PoisonError::into_inner).get(consumer_key).cloned())
    }
}
