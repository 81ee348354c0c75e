//! # oauth1-demo: what the photos demo providers share
//!
//! Every adapter ships a demo provider, its `examples/photos.rs`, following
//! `docs/demo-contract.md`. This crate holds all of it but the routing: the settings read from
//! `OAUTH1_DEMO_*` variables, the clients file, the stores (memory; a SQL database and/or Redis
//! for credentials that outlive the process and several processes acting as one), the consent
//! page and the photos JSON. It is not published; the
//! library crates carry no demo code.
//!
//! | variable | what |
//! |---|---|
//! | `OAUTH1_DEMO_ADDR` | listen address ([`addr_from_env`]), default `127.0.0.1:8000` |
//! | `OAUTH1_DEMO_CLIENTS` | path of a clients file ([`parse_clients`]); unset: the RFC's printer ([`PRINTER_KEY`]) |
//! | `OAUTH1_DEMO_MAX_NONCES` | cap on the memory store's live nonces (the load test drives the store past it) |
//! | `OAUTH1_DEMO_ORIGIN` | the base string URI's scheme and authority, e.g. `https://photos.example.net` |
//! | `OAUTH1_DEMO_REDIS_URL` | Redis for nonces, temporary and token credentials, e.g. `redis://127.0.0.1:6379/` |
//! | `OAUTH1_DEMO_DATABASE_URL` | a SQL database for clients and token credentials, e.g. `sqlite://photos.db?mode=rwc`, `postgres://…`, `mysql://…` ([`oauth1_sqlx`]); with Redis too, nonces and temporary credentials go to Redis |
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let (stores, config) = oauth1_demo::provider_from_env().await?;
//! let server = oauth1::AuthorizationServer::new(stores, config);
//! println!("{}", oauth1_demo::PLAINTEXT_WARNING);
//! # let _ = server;
//! # Ok(())
//! # }
//! ```
#![forbid(unsafe_code)]

use std::error::Error;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use oauth1::Origin;
use oauth1::server::Config;
use oauth1::store::{Client, Stores};
use oauth1_memory::MemoryStore;
use oauth1_redis::RedisStore;
use oauth1_sqlx::{ClientRegistration, SqlStore};

mod clients;
mod page;

pub use clients::{ClientsError, load_clients, load_clients_file, parse_clients, parse_registrations};
pub use page::{consent_page, escape_html, first, photos_json};

/// The RFC 5849 example client: the printer.
pub const PRINTER_KEY: &str = "dpf43f3p2l4k3l03";
/// Its secret.
pub const PRINTER_SECRET: &str = "kd94hf93k423kf44";
/// Its redirect URI.
pub const PRINTER_CALLBACK: &str = "http://printer.example.com/ready";

/// The warning line a demo prints when it starts: it serves PLAINTEXT over plain http.
pub const PLAINTEXT_WARNING: &str = "warning: this demo accepts PLAINTEXT signatures over plain http \
    (Config::insecure_allow_plaintext_over_http): PLAINTEXT sends the secrets themselves; never do this \
    outside a local test";

/// Why a demo cannot start.
#[derive(Debug)]
#[non_exhaustive]
pub enum SetupError {
    /// An `OAUTH1_DEMO_*` variable whose value cannot be used.
    Variable {
        /// The variable.
        name: &'static str,
        /// Its value.
        value: String,
        /// What is wrong with it.
        source: Box<dyn Error + Send + Sync>,
    },
    /// The clients file (`OAUTH1_DEMO_CLIENTS`) cannot be loaded.
    Clients(ClientsError),
    /// Redis (`OAUTH1_DEMO_REDIS_URL`) cannot be reached, or could evict nonces.
    Redis(Box<dyn Error + Send + Sync>),
    /// The SQL database (`OAUTH1_DEMO_DATABASE_URL`) cannot be reached or migrated, or the
    /// clients cannot be registered in it.
    Database(Box<dyn Error + Send + Sync>),
}

impl std::fmt::Display for SetupError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SetupError::Variable { name, value, source } => write!(f, "{name}={value}: {source}"),
            SetupError::Clients(e) => write!(f, "OAUTH1_DEMO_CLIENTS: {e}"),
            SetupError::Redis(e) => write!(f, "OAUTH1_DEMO_REDIS_URL: {e}"),
            SetupError::Database(e) => write!(f, "OAUTH1_DEMO_DATABASE_URL: {e}"),
        }
    }
}

impl Error for SetupError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        match self {
            SetupError::Variable { source, .. } => Some(source.as_ref()),
            SetupError::Clients(e) => Some(e),
            SetupError::Redis(e) | SetupError::Database(e) => Some(e.as_ref()),
        }
    }
}

/// A variable's value: `None` when unset (or not Unicode).
fn var(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// The listen address: `OAUTH1_DEMO_ADDR`, default `127.0.0.1:8000`.
pub fn addr_from_env() -> String {
    var("OAUTH1_DEMO_ADDR").unwrap_or_else(|| "127.0.0.1:8000".to_owned())
}

/// The demo's provider settings: realm `Photos`, every built-in method allowed so that every
/// client can be tried, PLAINTEXT over plain http through the library's named opt-out (print
/// [`PLAINTEXT_WARNING`]; a real deployment allows PLAINTEXT over TLS only), and the base
/// string URI's origin from `OAUTH1_DEMO_ORIGIN` (e.g. `https://photos.example.net`; unset or
/// empty: `http://` and the request's `Host`).
pub fn config_from_env() -> Result<Config, SetupError> {
    config(var("OAUTH1_DEMO_ORIGIN").as_deref())
}

fn config(origin: Option<&str>) -> Result<Config, SetupError> {
    let config = Config::default()
        .with_realm("Photos")
        .allow_signature_method("PLAINTEXT")
        .allow_signature_method("HMAC-SHA512")
        .allow_signature_method("RSA-SHA512")
        .insecure_allow_plaintext_over_http();
    Ok(match origin {
        Some(origin) if !origin.is_empty() => config.with_origin(Origin::fixed(origin).map_err(|e| {
            SetupError::Variable { name: "OAUTH1_DEMO_ORIGIN", value: origin.to_owned(), source: Box::new(e) }
        })?),
        _ => config,
    })
}

/// A memory store with the clients of the file named by `OAUTH1_DEMO_CLIENTS`, or the printer
/// when it is unset; `OAUTH1_DEMO_MAX_NONCES` caps its live nonces (default
/// [`oauth1_memory::DEFAULT_MAX_NONCES`]).
pub fn memory_store_from_env() -> Result<Arc<MemoryStore>, SetupError> {
    memory_store(var("OAUTH1_DEMO_MAX_NONCES").as_deref(), var("OAUTH1_DEMO_CLIENTS").as_deref()).map(Arc::new)
}

fn memory_store(max_nonces: Option<&str>, clients: Option<&str>) -> Result<MemoryStore, SetupError> {
    let mut store = MemoryStore::new();
    if let Some(cap) = max_nonces {
        let cap = cap.parse().map_err(|e| SetupError::Variable {
            name: "OAUTH1_DEMO_MAX_NONCES",
            value: cap.to_owned(),
            source: Box::new(e),
        })?;
        store = store.with_max_nonces(cap);
    }
    match clients {
        Some(path) => {
            load_clients_file(&store, Path::new(path)).map_err(SetupError::Clients)?;
        }
        None => store.insert_client(
            Client::new(PRINTER_KEY, PRINTER_SECRET).with_name("Printer").with_callback(PRINTER_CALLBACK),
        ),
    }
    Ok(store)
}

/// The stores and settings of a demo provider.
///
/// * `OAUTH1_DEMO_DATABASE_URL` set (and not empty): clients and token credentials live in that
///   SQL database ([`oauth1_sqlx::SqlStore`]: migrated at startup, the clients of the clients
///   file, or the printer, registered if absent, expired rows purged every minute), so that
///   token credentials outlive the process. Nonces and temporary credentials live there too,
///   unless Redis is set as well.
/// * `OAUTH1_DEMO_REDIS_URL` set (and not empty): nonces and temporary credentials (and token
///   credentials, without a database) live in Redis, after checking that its eviction policy
///   cannot drop nonces ([`RedisStore::check_server`]).
/// * Neither: everything lives in the memory store ([`memory_store_from_env`]).
///
/// With either, the consent page's anti-forgery key is shared through it
/// ([`RedisStore::shared_consent_key`], [`SqlStore::shared_consent_key`]), so that several
/// demo processes act as one provider (a consent page served by one can be answered on
/// another).
pub async fn provider_from_env() -> Result<(Stores, Config), SetupError> {
    let config = config_from_env()?;
    let memory = memory_store_from_env()?;
    let redis = match var("OAUTH1_DEMO_REDIS_URL") {
        Some(url) if !url.is_empty() => {
            let redis = RedisStore::connect(&url).map_err(|e| SetupError::Redis(Box::new(e)))?;
            // Refuse to start on a Redis that could evict nonces (a replay risk).
            redis.check_server().await.map_err(|e| SetupError::Redis(Box::new(e)))?;
            Some(redis)
        }
        _ => None,
    };
    let database = match var("OAUTH1_DEMO_DATABASE_URL") {
        Some(url) if !url.is_empty() => Some(sql_store(&url, var("OAUTH1_DEMO_CLIENTS").as_deref()).await?),
        _ => None,
    };
    Ok(match (database, redis) {
        (Some(sql), Some(redis)) => {
            let key = redis.shared_consent_key().await.map_err(|e| SetupError::Redis(Box::new(e)))?;
            let (sql, redis) = (Arc::new(sql), Arc::new(redis));
            let stores = Stores { clients: sql.clone(), tokens: sql, temporary: redis.clone(), nonces: redis };
            (stores, config.with_consent_key(key))
        }
        (Some(sql), None) => {
            let key = sql.shared_consent_key().await.map_err(|e| SetupError::Database(Box::new(e)))?;
            (sql.stores(), config.with_consent_key(key))
        }
        (None, Some(redis)) => {
            let key = redis.shared_consent_key().await.map_err(|e| SetupError::Redis(Box::new(e)))?;
            (redis.stores(memory), config.with_consent_key(key))
        }
        (None, None) => (Stores::single(memory), config),
    })
}

/// The SQL store at `url`: migrated, with the clients of the clients file at `clients` (the
/// printer when `None`) registered unless present, and a purge every minute.
async fn sql_store(url: &str, clients: Option<&str>) -> Result<SqlStore, SetupError> {
    let failed = |e: Box<dyn Error + Send + Sync>| SetupError::Database(e);
    let registrations = match clients {
        Some(path) => {
            let json = std::fs::read_to_string(path)
                .map_err(|e| SetupError::Clients(ClientsError::new(format!("{path}: {e}"))))?;
            parse_registrations(&json).map_err(SetupError::Clients)?
        }
        None => vec![
            ClientRegistration::new(PRINTER_KEY, PRINTER_SECRET).with_name("Printer").with_callback(PRINTER_CALLBACK),
        ],
    };
    let store = SqlStore::connect(url).await.map_err(|e| failed(Box::new(e)))?;
    store.migrate().await.map_err(|e| failed(Box::new(e)))?;
    for registration in registrations {
        store.register_client_if_absent(registration).await.map_err(|e| failed(Box::new(e)))?;
    }
    store.spawn_purge(Duration::from_secs(60)).detach();
    Ok(store)
}

#[cfg(test)]
mod tests {
    use oauth1::store::ClientStore;

    use super::*;

    #[tokio::test]
    async fn without_a_clients_file_the_printer_is_registered() {
        let store = memory_store(None, None).unwrap();
        let printer = store.client(PRINTER_KEY).await.unwrap().unwrap();
        assert_eq!(
            (printer.name.as_str(), printer.callbacks.as_slice()),
            ("Printer", &[PRINTER_CALLBACK.to_owned()][..])
        );
        assert!(printer.shared_secret().is_some());
    }

    #[test]
    fn unusable_variables_are_named() {
        let e = memory_store(Some("many"), None).unwrap_err();
        assert!(matches!(e, SetupError::Variable { name: "OAUTH1_DEMO_MAX_NONCES", .. }), "{e:?}");
        assert!(e.to_string().starts_with("OAUTH1_DEMO_MAX_NONCES=many: "), "{e}");
        assert!(e.source().is_some());
        let e = memory_store(Some("10"), Some("/nonexistent/clients.json")).unwrap_err();
        assert!(matches!(e, SetupError::Clients(_)), "{e:?}");
        let Err(e) = config(Some("not an origin")) else { panic!("an invalid origin is refused") };
        assert!(matches!(e, SetupError::Variable { name: "OAUTH1_DEMO_ORIGIN", .. }), "{e:?}");
        assert!(config(Some("https://photos.example.net")).is_ok());
        assert!(config(Some("")).is_ok(), "empty is unset");
    }

    /// The demos' `main` futures must be `Send` (Rocket's launch requires it), and so must
    /// this one: checked when the tests compile.
    #[allow(dead_code, clippy::let_underscore_future)]
    fn provider_from_env_is_send() {
        fn send<T: Send>(_: T) {}
        send(provider_from_env());
    }

    /// A SQLite database gets the schema and the printer; a second start keeps what is there.
    #[tokio::test]
    async fn a_database_is_migrated_and_gets_the_printer_once() {
        let dir = std::env::temp_dir().join(format!("oauth1-demo-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let url = format!("sqlite://{}/photos.db?mode=rwc", dir.display());
        let store = sql_store(&url, None).await.unwrap();
        let printer = store.client(PRINTER_KEY).await.unwrap().unwrap();
        assert_eq!(printer.callbacks, [PRINTER_CALLBACK]);
        store.rotate_client_secret(PRINTER_KEY).await.unwrap();
        let again = sql_store(&url, None).await.unwrap();
        let printer = again.registered_client(PRINTER_KEY).await.unwrap().unwrap();
        assert!(!printer.registration.secret.unwrap().ct_eq(PRINTER_SECRET), "registered if absent only");
        let e = sql_store(&url, Some("/nonexistent/clients.json")).await.unwrap_err();
        assert!(matches!(e, SetupError::Clients(_)), "{e:?}");
        let e = sql_store("mysql://nobody@127.0.0.1:1/db", None).await.unwrap_err();
        assert!(e.to_string().starts_with("OAUTH1_DEMO_DATABASE_URL: "), "{e}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
