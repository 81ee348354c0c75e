//! # oauth1-sqlx: clients, credentials and nonces in your own SQL database
//!
//! [`SqlStore`] implements every store trait of [`oauth1::store`] on
//! [sqlx](https://docs.rs/sqlx/0.8): **SQLite** (bundled, the default feature, nothing to
//! install), **PostgreSQL** (feature `postgres`) and **MySQL 8 / MariaDB 10.5+** (feature
//! `mysql`). Token credentials survive restarts, several provider processes on one database act
//! as one provider, and the schema lives next to your own tables (under a prefix, `oauth1_` by
//! default).
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use oauth1::{AuthorizationServer, Config};
//! use oauth1_sqlx::{ClientRegistration, SqlStore};
//!
//! # let dir = std::env::temp_dir().join(format!("oauth1-sqlx-doc-{}", std::process::id()));
//! # std::fs::create_dir_all(&dir)?;
//! # let url = format!("sqlite://{}/photos.db?mode=rwc", dir.display());
//! let store = SqlStore::connect(&url).await?; // or postgres://…, mysql://…
//! store.migrate().await?;
//! store.register_client(ClientRegistration::new("dpf43f3p2l4k3l03", "kd94hf93k423kf44").with_name("Printer")).await?;
//! let server = AuthorizationServer::new(store.stores(), Config::default());
//! # let _ = server;
//! # std::fs::remove_dir_all(&dir)?;
//! # Ok(())
//! # }
//! ```
//!
//! ## Every operation is one atomic statement
//!
//! | operation ([RFC 5849](https://www.rfc-editor.org/rfc/rfc5849)) | SQLite, PostgreSQL | MySQL, MariaDB |
//! |---|---|---|
//! | nonce check-and-insert (§3.3) | `INSERT … ON CONFLICT DO NOTHING`: a row inserted is fresh, none a replay | `INSERT`: a duplicate-key error is a replay |
//! | create temporary (§2.1) / token (§2.3) credentials | `INSERT` (a duplicate token is [`StoreError::Conflict`], never an overwrite) | the same |
//! | read (unexpired) | `SELECT … WHERE token = ? AND expires_at > now` | the same |
//! | authorize once (§2.2) | `UPDATE … WHERE token = ? AND expires_at > now AND user_id IS NULL RETURNING …` | that `UPDATE`, then a `SELECT` of the row it locked, in one transaction |
//! | take once (§2.3) | `DELETE … WHERE token = ? AND expires_at > now RETURNING …` | `SELECT … FOR UPDATE`, `DELETE`, in one transaction |
//! | revoke token credentials | `DELETE … WHERE token = ?` | the same |
//!
//! The statement itself decides: of two concurrent authorizations one `UPDATE` matches the row
//! (the other finds `user_id` set), of two concurrent exchanges one `DELETE` removes it, of two
//! concurrent uses of one nonce one `INSERT` adds the row. Expiry is part of each `WHERE`, with
//! "now" from the store's [`Clock`], never checked after reading. A failed
//! authorization costs one more `SELECT` to tell "already authorized" from "not found"; the
//! outcome was decided before it.
//!
//! A protected request costs **two round trips** (token credentials, nonce) once the client is
//! cached; a token exchange on SQLite and PostgreSQL four (temporary credentials, nonce,
//! `DELETE … RETURNING`, `INSERT`), on MySQL seven (the take is a transaction).
//!
//! Any database error, and any call over the store's timeout (2 s by default,
//! [`SqlOptions::with_timeout`]), is a [`StoreError`], which the provider answers with 503 and
//! never with acceptance; the sqlx error is its [`source`](std::error::Error::source).
//!
//! ## Why runtime queries, one type for three backends
//!
//! The SQL differs per backend only where the dialects do (`RETURNING`, `ON CONFLICT`,
//! placeholders), so one [`SqlStore`] holds a pool of whichever backend the URL names and the
//! statements for it, written once in [`sql`](crate) with `?` placeholders. `sqlx::Any` would
//! not do: it neither translates placeholders nor `RETURNING`. The statements are built when
//! the store is created because the table prefix is part of them, so they are checked by the
//! tests against each real server rather than by `query!` at compile time (which needs string
//! literals and a database, or offline data, at build time). Every value is a bound parameter;
//! only the prefix, checked to be `[a-z_][a-z0-9_]{0,31}`, is part of the SQL text.
//!
//! ## Schema
//!
//! Five tables and a migrations table, created by [`SqlStore::migrate`] (embedded scripts, one
//! per backend; print them with [`schema_sql`]). Times are Unix seconds; every text column is
//! bounded, and the store checks each bound (in bytes) before writing ([`limits`]).
//!
//! | table | key | indexes (the query each serves) |
//! |---|---|---|
//! | `<prefix>clients` | `consumer_key` | — (lookups by key) |
//! | `<prefix>temporary_credentials` | `token` | `expires_at` (purge) |
//! | `<prefix>token_credentials` | `token` | `(user_id, consumer_key)` (a user's applications, revoking one), `consumer_key` (revoking a client's tokens), `expires_at` (purge) |
//! | `<prefix>nonces` | `(consumer_key, token, ts, nonce)`, token `''` when none | `expires_at` (purge) |
//! | `<prefix>settings` | `name` | — (the shared consent key, [`SqlStore::shared_consent_key`]) |
//! | `<prefix>schema_migrations` | `version` | — |
//!
//! On MySQL every text column compares bytes (`utf8mb4_bin`): with the default case-insensitive
//! collation, `abc` and `ABC` would be one consumer key, token or nonce.
//!
//! ## Clients
//!
//! [`SqlStore::register_client`], [`update_client`](SqlStore::update_client),
//! [`disable_client`](SqlStore::disable_client) / [`enable_client`](SqlStore::enable_client),
//! [`rotate_client_secret`](SqlStore::rotate_client_secret); a user's authorized applications
//! ([`authorized_applications`](SqlStore::authorized_applications)) and revoking one
//! ([`revoke_authorization`](SqlStore::revoke_authorization)), or every token of a client
//! ([`revoke_client_tokens`](SqlStore::revoke_client_tokens)). A client is read and its RSA
//! keys parsed once, then served from a cache for [`DEFAULT_CLIENT_CACHE_TTL`]; after that one
//! `SELECT version` confirms it (parsing again only when it changed). A change through this
//! store takes effect in this process at once, and in other processes on the same database
//! within the TTL ([`SqlOptions::with_client_cache_ttl`]; zero: confirm on every request).
//!
//! ## Expired rows
//!
//! Expired rows are never served; [`SqlStore::purge_expired`] deletes them (nonces whose
//! timestamp left the window, temporary credentials and token credentials past their expiry),
//! in batches of 10,000 rows, and [`SqlStore::spawn_purge`] does so periodically in a task
//! that stops when its [`PurgeTask`] handle is stopped or dropped. Run one per database (more
//! are harmless).
//!
//! ## Durability and several processes
//!
//! A nonce is the only record that a request was seen: keep the database's durability settings
//! (PostgreSQL `synchronous_commit = on`, SQLite's default `synchronous = FULL`, InnoDB
//! `innodb_flush_log_at_trx_commit = 1`), or a crash can forget the nonces of its last moments
//! and let those requests be replayed until their timestamps leave the window. Processes
//! sharing one database share nonces, credentials and clients; give them one consent key
//! ([`Config::with_consent_key`](oauth1::Config::with_consent_key)) and one base string origin,
//! as with Redis. SQLite is for one machine: several processes may share the file (WAL mode,
//! writes wait for each other up to the timeout).
#![forbid(unsafe_code)]
#![warn(missing_docs)]

#[cfg(not(any(feature = "sqlite", feature = "postgres", feature = "mysql")))]
compile_error!("oauth1-sqlx needs at least one backend feature: sqlite, postgres or mysql");

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use oauth1::clock::{Clock, SystemClock};
use oauth1::store::{StoreError, Stores};

mod clients;
mod purge;
mod schema;
mod sql;
mod stores;

pub use clients::{AuthorizedApplication, ClientRegistration, ManageError, RegisteredClient};
pub use purge::{PurgeTask, Purged};
pub use schema::{SCHEMA_VERSION, schema_sql};

/// The bounds of every stored field, in bytes. The store refuses longer values before
/// writing; the schema's column types repeat them.
pub mod limits {
    /// A consumer key, token, token secret, client secret, verifier or nonce.
    pub const MAX_KEY_LEN: usize = 255;
    /// A client's display name.
    pub const MAX_NAME_LEN: usize = 255;
    /// A callback URI ([`oauth1::server::MAX_CALLBACK_LEN`]).
    pub const MAX_CALLBACK_LEN: usize = oauth1::server::MAX_CALLBACK_LEN;
    /// A realm ([`oauth1::server::MAX_REALM_LEN`]).
    pub const MAX_REALM_LEN: usize = oauth1::server::MAX_REALM_LEN;
    /// A user id ([`oauth1::server::MAX_USER_ID_LEN`]).
    pub const MAX_USER_ID_LEN: usize = oauth1::server::MAX_USER_ID_LEN;
    /// A client's registered callbacks, as stored (a JSON array).
    pub const MAX_CALLBACKS_JSON: usize = 16_384;
    /// A client's RSA public keys, as stored (a JSON array of PEM texts).
    pub const MAX_RSA_KEYS_JSON: usize = 32_768;
    /// A client's allowed signature methods, as stored (a JSON array).
    pub const MAX_SIGNATURE_METHODS_JSON: usize = 1_024;
    /// A client's metadata, as stored (a JSON array of pairs).
    pub const MAX_METADATA_JSON: usize = 8_192;
    /// How many applications [`SqlStore::authorized_applications`](crate::SqlStore::authorized_applications) lists at most.
    pub const MAX_LISTED_APPLICATIONS: usize = 1_000;
}

/// How long a client read from the database is served from the cache before its version is
/// confirmed again: 5 seconds.
pub const DEFAULT_CLIENT_CACHE_TTL: Duration = Duration::from_secs(5);
/// How many clients the cache holds at most (beyond, it is emptied and refilled).
pub const DEFAULT_CLIENT_CACHE_CAPACITY: usize = 10_000;
/// The time limit of every store call.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(2);
/// The default table prefix.
pub const DEFAULT_PREFIX: &str = "oauth1_";

/// The database behind a [`SqlStore`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Backend {
    /// SQLite (`sqlite:` URLs).
    Sqlite,
    /// PostgreSQL (`postgres:` and `postgresql:` URLs).
    Postgres,
    /// MySQL or MariaDB (`mysql:` and `mariadb:` URLs).
    MySql,
}

impl Backend {
    /// The backend a database URL names, by its scheme.
    ///
    /// ```
    /// use oauth1_sqlx::Backend;
    /// assert_eq!(Backend::from_url("sqlite://photos.db?mode=rwc"), Some(Backend::Sqlite));
    /// assert_eq!(Backend::from_url("postgresql://u@127.0.0.1/db"), Some(Backend::Postgres));
    /// assert_eq!(Backend::from_url("mariadb://u@127.0.0.1/db"), Some(Backend::MySql));
    /// assert_eq!(Backend::from_url("redis://127.0.0.1/"), None);
    /// ```
    pub fn from_url(url: &str) -> Option<Backend> {
        let scheme = url.split_once(':')?.0.to_ascii_lowercase();
        match scheme.as_str() {
            "sqlite" => Some(Backend::Sqlite),
            "postgres" | "postgresql" => Some(Backend::Postgres),
            "mysql" | "mariadb" => Some(Backend::MySql),
            _ => None,
        }
    }
}

/// One pool of whichever backend the store runs on.
#[derive(Clone)]
pub(crate) enum Pool {
    #[cfg(feature = "sqlite")]
    Sqlite(sqlx::SqlitePool),
    #[cfg(feature = "postgres")]
    Postgres(sqlx::PgPool),
    #[cfg(feature = "mysql")]
    MySql(sqlx::MySqlPool),
}

/// Runs `$body` with `$p` bound to the concrete pool: the same code, type-checked for each
/// backend compiled in.
macro_rules! with_pool {
    ($pool:expr, |$p:ident| $body:expr) => {
        match $pool {
            #[cfg(feature = "sqlite")]
            $crate::Pool::Sqlite($p) => $body,
            #[cfg(feature = "postgres")]
            $crate::Pool::Postgres($p) => $body,
            #[cfg(feature = "mysql")]
            $crate::Pool::MySql($p) => $body,
        }
    };
}
pub(crate) use with_pool;

/// A table prefix that is not `[a-z_][a-z0-9_]{0,31}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidPrefix(String);

impl fmt::Display for InvalidPrefix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid table prefix {:?}: it must be 1 to 32 of a-z, 0-9 and _, not starting with a digit", self.0)
    }
}

impl std::error::Error for InvalidPrefix {}

/// How a [`SqlStore`] is set up: table prefix, pool size, timeout, clock, client cache.
///
/// ```
/// use std::time::Duration;
/// use oauth1_sqlx::SqlOptions;
/// let options = SqlOptions::new().with_prefix("app_oauth1_")?.with_max_connections(16).with_timeout(Duration::from_secs(1));
/// assert!(SqlOptions::new().with_prefix("Robert'); DROP TABLE students;--").is_err());
/// # let _ = options;
/// # Ok::<(), oauth1_sqlx::InvalidPrefix>(())
/// ```
#[derive(Clone)]
pub struct SqlOptions {
    prefix: String,
    max_connections: u32,
    timeout: Duration,
    clock: Arc<dyn Clock>,
    client_cache_ttl: Duration,
    client_cache_capacity: usize,
}

impl fmt::Debug for SqlOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SqlOptions")
            .field("prefix", &self.prefix)
            .field("max_connections", &self.max_connections)
            .field("timeout", &self.timeout)
            .field("client_cache_ttl", &self.client_cache_ttl)
            .field("client_cache_capacity", &self.client_cache_capacity)
            .finish_non_exhaustive()
    }
}

impl Default for SqlOptions {
    fn default() -> Self {
        SqlOptions {
            prefix: DEFAULT_PREFIX.to_owned(),
            max_connections: 10,
            timeout: DEFAULT_TIMEOUT,
            clock: Arc::new(SystemClock),
            client_cache_ttl: DEFAULT_CLIENT_CACHE_TTL,
            client_cache_capacity: DEFAULT_CLIENT_CACHE_CAPACITY,
        }
    }
}

impl SqlOptions {
    /// The defaults: prefix [`DEFAULT_PREFIX`], 10 connections, [`DEFAULT_TIMEOUT`], the system
    /// clock, [`DEFAULT_CLIENT_CACHE_TTL`].
    pub fn new() -> Self {
        Self::default()
    }

    /// Every table's name starts with `prefix` (default `oauth1_`): 1 to 32 characters of
    /// `a-z`, `0-9` and `_`, not starting with a digit.
    pub fn with_prefix(mut self, prefix: impl Into<String>) -> Result<Self, InvalidPrefix> {
        let prefix = prefix.into();
        let ok = (1..=32).contains(&prefix.len())
            && prefix.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
            && !prefix.starts_with(|c: char| c.is_ascii_digit());
        if !ok {
            return Err(InvalidPrefix(prefix));
        }
        self.prefix = prefix;
        Ok(self)
    }

    /// The pool's connections (default 10; an in-memory SQLite database always has one).
    pub fn with_max_connections(mut self, n: u32) -> Self {
        self.max_connections = n.max(1);
        self
    }

    /// The time limit of every store call, waiting for a connection included (default
    /// [`DEFAULT_TIMEOUT`]). Past it the call fails (503), never accepts.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The clock that says what has expired (tests: [`oauth1::clock::ManualClock`]; give the
    /// provider's [`Config`](oauth1::Config) the same one).
    pub fn with_clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// How long a cached client is served before its version is confirmed again (default
    /// [`DEFAULT_CLIENT_CACHE_TTL`], whole seconds of the store's clock; zero: on every request).
    pub fn with_client_cache_ttl(mut self, ttl: Duration) -> Self {
        self.client_cache_ttl = ttl;
        self
    }

    /// How many parsed clients are cached at most (default [`DEFAULT_CLIENT_CACHE_CAPACITY`]).
    pub fn with_client_cache_capacity(mut self, n: usize) -> Self {
        self.client_cache_capacity = n;
        self
    }

    /// Connects to the database `url` names (`sqlite://photos.db?mode=rwc`,
    /// `postgres://user:password@host/db`, `mysql://…` or `mariadb://…`), with one connection
    /// made now so that a wrong URL fails here. SQLite files use WAL mode (readers do not wait
    /// for the writer). Call [`SqlStore::migrate`] before serving.
    pub async fn connect(self, url: &str) -> Result<SqlStore, StoreError> {
        let Some(backend) = Backend::from_url(url) else {
            return Err(StoreError::unavailable(
                "oauth1-sqlx: the database URL must start with sqlite:, postgres:, postgresql:, mysql: or mariadb:",
            ));
        };
        let pool = match backend {
            #[cfg(feature = "sqlite")]
            Backend::Sqlite => {
                use std::str::FromStr as _;
                let options = sqlx::sqlite::SqliteConnectOptions::from_str(url)
                    .map_err(db_error)?
                    .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
                    .busy_timeout(self.timeout);
                let in_memory = url.contains(":memory:") || url.contains("mode=memory");
                let mut pool = sqlx::sqlite::SqlitePoolOptions::new().acquire_timeout(self.timeout);
                pool = if in_memory {
                    // One connection that never closes: the database lives as long as it does.
                    pool.max_connections(1).min_connections(1).idle_timeout(None).max_lifetime(None)
                } else {
                    pool.max_connections(self.max_connections)
                };
                Pool::Sqlite(pool.connect_with(options).await.map_err(db_error)?)
            }
            #[cfg(feature = "postgres")]
            Backend::Postgres => Pool::Postgres(
                sqlx::postgres::PgPoolOptions::new()
                    .max_connections(self.max_connections)
                    .acquire_timeout(self.timeout)
                    .connect(url)
                    .await
                    .map_err(db_error)?,
            ),
            #[cfg(feature = "mysql")]
            Backend::MySql => {
                let url = match url.strip_prefix("mariadb:") {
                    Some(rest) => format!("mysql:{rest}"),
                    None => url.to_owned(),
                };
                Pool::MySql(
                    sqlx::mysql::MySqlPoolOptions::new()
                        .max_connections(self.max_connections)
                        .acquire_timeout(self.timeout)
                        .connect(&url)
                        .await
                        .map_err(db_error)?,
                )
            }
            #[allow(unreachable_patterns)]
            other => {
                return Err(StoreError::unavailable(format!(
                    "oauth1-sqlx: built without the feature for {other:?} (features: sqlite, postgres, mysql)"
                )));
            }
        };
        Ok(self.build(backend, pool))
    }

    /// A store on your own SQLite pool.
    #[cfg(feature = "sqlite")]
    pub fn sqlite(self, pool: sqlx::SqlitePool) -> SqlStore {
        self.build(Backend::Sqlite, Pool::Sqlite(pool))
    }

    /// A store on your own PostgreSQL pool.
    #[cfg(feature = "postgres")]
    pub fn postgres(self, pool: sqlx::PgPool) -> SqlStore {
        self.build(Backend::Postgres, Pool::Postgres(pool))
    }

    /// A store on your own MySQL or MariaDB pool.
    #[cfg(feature = "mysql")]
    pub fn mysql(self, pool: sqlx::MySqlPool) -> SqlStore {
        self.build(Backend::MySql, Pool::MySql(pool))
    }

    fn build(self, backend: Backend, pool: Pool) -> SqlStore {
        let ttl = self.client_cache_ttl.as_secs();
        SqlStore {
            inner: Arc::new(Inner {
                sql: sql::Statements::new(backend, &self.prefix),
                pool,
                prefix: self.prefix,
                timeout: self.timeout,
                clock: self.clock,
                cache: clients::ClientCache::new(ttl, self.client_cache_capacity),
            }),
        }
    }
}

pub(crate) struct Inner {
    pub(crate) pool: Pool,
    pub(crate) sql: sql::Statements,
    pub(crate) prefix: String,
    pub(crate) timeout: Duration,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) cache: clients::ClientCache,
}

/// Clients, temporary and token credentials, and nonces in a SQL database. Cheap to clone (a
/// pool and the statements, shared).
#[derive(Clone)]
pub struct SqlStore {
    pub(crate) inner: Arc<Inner>,
}

impl fmt::Debug for SqlStore {
    /// The backend and prefix; never the URL (it may hold a password).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SqlStore")
            .field("backend", &self.backend())
            .field("prefix", &self.inner.prefix)
            .field("timeout", &self.inner.timeout)
            .finish_non_exhaustive()
    }
}

impl SqlStore {
    /// [`SqlOptions::connect`] with the default options.
    pub async fn connect(url: &str) -> Result<SqlStore, StoreError> {
        SqlOptions::new().connect(url).await
    }

    /// The database behind this store.
    pub fn backend(&self) -> Backend {
        self.inner.sql.backend
    }

    /// The table prefix.
    pub fn prefix(&self) -> &str {
        &self.inner.prefix
    }

    /// All four stores in this database, for [`AuthorizationServer::new`](oauth1::AuthorizationServer::new).
    /// (To keep nonces and temporary credentials in Redis instead, build a [`Stores`] with this
    /// store as `clients` and `tokens`.)
    pub fn stores(&self) -> Stores {
        Stores::single(Arc::new(self.clone()))
    }

    /// The consent page's anti-forgery key ([`oauth1::consent`]) shared by every process on this
    /// database (and prefix): the first call anywhere stores a random one (an `INSERT` that
    /// loses to an existing row changes nothing), every call reads the stored one. Give it to
    /// [`Config::with_consent_key`](oauth1::Config::with_consent_key) so that a consent page
    /// served by one process can be answered on another. It is as sensitive as the credentials
    /// next to it; to rotate it, delete the `consent-key` row of `<prefix>settings` and restart
    /// the processes.
    pub async fn shared_consent_key(&self) -> Result<oauth1::consent::ConsentKey, StoreError> {
        use oauth1::consent::ConsentKey;
        let s = &self.inner.sql;
        let fresh = ConsentKey::random().to_hex();
        let stored: Option<String> = self
            .timed(async {
                with_pool!(&self.inner.pool, |pool| {
                    let inserted = sqlx::query(&s.insert_setting).bind("consent-key").bind(&fresh).execute(pool).await;
                    match inserted {
                        Ok(_) => {}
                        Err(e) if is_duplicate(&e) => {}
                        Err(e) => return Err(db_error(e)),
                    }
                    let row = sqlx::query(&s.select_setting)
                        .bind("consent-key")
                        .fetch_optional(pool)
                        .await
                        .map_err(db_error)?;
                    row.map(|r| sqlx::Row::try_get_unchecked::<String, _>(&r, 0)).transpose().map_err(db_error)
                })
            })
            .await?;
        stored
            .as_deref()
            .and_then(ConsentKey::from_hex)
            .ok_or_else(|| StoreError::unavailable("oauth1-sqlx: the shared consent key is missing or malformed"))
    }

    /// Closes the pool (waits for connections in use to be returned).
    pub async fn close(&self) {
        with_pool!(&self.inner.pool, |p| p.close().await)
    }

    /// "Now" by the store's clock, as stored.
    pub(crate) fn now_i64(&self) -> i64 {
        to_i64(self.inner.clock.now())
    }

    /// Runs `f` within the store's timeout.
    pub(crate) async fn timed<T>(
        &self,
        f: impl std::future::Future<Output = Result<T, StoreError>>,
    ) -> Result<T, StoreError> {
        match tokio::time::timeout(self.inner.timeout, f).await {
            Ok(result) => result,
            Err(_) => Err(StoreError::unavailable("oauth1-sqlx: timed out")),
        }
    }
}

/// A sqlx error as a store failure, the error kept as the cause.
pub(crate) fn db_error(e: sqlx::Error) -> StoreError {
    StoreError::backend(e)
}

/// Whether `e` is a unique-key violation (a duplicate primary key).
pub(crate) fn is_duplicate(e: &sqlx::Error) -> bool {
    e.as_database_error().is_some_and(|d| d.is_unique_violation())
}

/// A Unix time as stored (`BIGINT`); beyond `i64` is "never".
pub(crate) fn to_i64(t: u64) -> i64 {
    i64::try_from(t).unwrap_or(i64::MAX)
}

/// A stored Unix time; negative is the epoch.
pub(crate) fn to_u64(t: i64) -> u64 {
    u64::try_from(t).unwrap_or(0)
}

/// A value over its bound, refused before any write.
pub(crate) fn check_len(field: &'static str, value: &str, max: usize) -> Result<(), StoreError> {
    if value.len() > max {
        return Err(StoreError::unavailable(format!(
            "oauth1-sqlx: {field} is {} bytes, over the stored bound of {max}",
            value.len()
        )));
    }
    Ok(())
}
