//! The demo providers' store choice (`shared/demo-contract.md`): Redis when
//! `OAUTH1_DEMO_REDIS_URL` is set, so several demo processes act as one provider; the memory
//! store otherwise. Clients always come from the memory store (`OAUTH1_DEMO_CLIENTS`).

use oauth1::Config;
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

/// The demo's provider settings ([`oauth1_memory::demo::config`]); with Redis, after checking
/// that its eviction policy cannot drop nonces ([`RedisStore::check_server`]), the consent
/// page's anti-forgery key shared through it ([`RedisStore::shared_consent_key`]), so that
/// the consent page of one demo process can be answered on another.
pub async fn config_from_env() -> Result<Config, Box<dyn std::error::Error + Send + Sync>> {
    let config = oauth1_memory::demo::config()?;
    Ok(match std::env::var("OAUTH1_DEMO_REDIS_URL") {
        Ok(url) if !url.is_empty() => {
            let store = RedisStore::connect(&url)?;
            // Refuse to start on a Redis that could evict nonces (a replay risk).
            store.check_server().await?;
            let key = store.shared_consent_key().await?;
            config.with_consent_key(key)
        }
        _ => config,
    })
}
