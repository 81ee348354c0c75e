//! The demo providers' store choice (`shared/demo-contract.md`): Redis when
//! `OAUTH1_DEMO_REDIS_URL` is set, so several demo processes act as one provider; the memory
//! store otherwise. Clients always come from the memory store (`OAUTH1_DEMO_CLIENTS`).

use oauth1::store::Stores;
use oauth1_memory::demo::store_from_env;

use crate::RedisStore;

/// The stores for a demo provider.
pub fn stores_from_env() -> Result<Stores, Box<dyn std::error::Error>> {
    let memory = store_from_env()?;
    Ok(match std::env::var("OAUTH1_DEMO_REDIS_URL") {
        Ok(url) if !url.is_empty() => RedisStore::connect(&url)?.stores(memory),
        _ => Stores::single(memory),
    })
}
