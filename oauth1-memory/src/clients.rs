//! Registered clients: a map from consumer key to a shared [`Client`].

use std::sync::{Arc, PoisonError};

use async_trait::async_trait;
use oauth1::store::{Client, ClientStore, StoreError};

use crate::MemoryStore;

impl MemoryStore {
    /// Registers (or replaces) a client.
    ///
    /// ```
    /// use oauth1::store::{Client, ClientStore};
    /// use oauth1_memory::MemoryStore;
    ///
    /// let store = MemoryStore::new();
    /// store.insert_client(Client::new("printer", "kd94hf93k423kf44").with_name("Printer"));
    /// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
    /// assert_eq!(store.client("printer").await?.map(|c| c.name.clone()).as_deref(), Some("Printer"));
    /// assert!(store.client("scanner").await?.is_none());
    /// // Replaced, under the same consumer key.
    /// store.insert_client(Client::new("printer", "kd94hf93k423kf44").with_name("Printer v2"));
    /// assert_eq!(store.client("printer").await?.map(|c| c.name.clone()).as_deref(), Some("Printer v2"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
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
