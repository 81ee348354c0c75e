//! Clients: the [`ClientStore`] with its cache, and what a provider does with its clients —
//! register, update, disable, rotate a secret — and with its users' authorizations.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, PoisonError, RwLock};

use async_trait::async_trait;
use oauth1::signature::{RsaPublicKey, Secret};
use oauth1::store::{Client, ClientStore, StoreError};
use sqlx::Row as _;

use crate::limits::{
    MAX_CALLBACK_LEN, MAX_CALLBACKS_JSON, MAX_KEY_LEN, MAX_LISTED_APPLICATIONS, MAX_METADATA_JSON, MAX_NAME_LEN,
    MAX_RSA_KEYS_JSON, MAX_SIGNATURE_METHODS_JSON, MAX_USER_ID_LEN,
};
use crate::{SqlStore, db_error, is_duplicate, to_i64, to_u64, with_pool};

/// A client as registered ([RFC 5849 §3.1](https://www.rfc-editor.org/rfc/rfc5849#section-3.1):
/// its consumer key, shared secret and RSA public keys), in the form it is stored: RSA keys as
/// PEM (SubjectPublicKeyInfo, PKCS#1 or an X.509 certificate), parsed when registered (a key
/// that does not parse is refused) and once more when the store first serves the client.
/// `Debug` never shows the secret.
///
/// ```
/// use oauth1_sqlx::ClientRegistration;
/// let printer = ClientRegistration::new("dpf43f3p2l4k3l03", "kd94hf93k423kf44")
///     .with_name("Printer")
///     .with_callback("http://printer.example.com/ready");
/// assert!(!format!("{printer:?}").contains("kd94hf93k423kf44"));
/// ```
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct ClientRegistration {
    /// The consumer key: 1 to 255 bytes.
    pub consumer_key: String,
    /// The shared secret; `None` for a client that signs with RSA only.
    pub secret: Option<Secret>,
    /// The name shown to resource owners (at most 255 bytes).
    pub name: String,
    /// Registered callback URIs (each at most 2,048 bytes).
    pub callbacks: Vec<String>,
    /// RSA public keys, PEM.
    pub rsa_public_keys: Vec<String>,
    /// The signature methods this client may use; `None`: whatever the server allows.
    pub signature_methods: Option<Vec<String>>,
    /// Anything else a consent page needs.
    pub metadata: Vec<(String, String)>,
}

impl ClientRegistration {
    /// A client with a shared secret (an empty secret is none, as in [`Client::new`]).
    pub fn new(consumer_key: impl Into<String>, secret: impl Into<Secret>) -> Self {
        let secret: Secret = secret.into();
        ClientRegistration {
            consumer_key: consumer_key.into(),
            secret: (!secret.expose().is_empty()).then_some(secret),
            ..Self::default()
        }
    }

    /// A client that signs with RSA only, with one public key (PEM).
    pub fn rsa_only(consumer_key: impl Into<String>, public_key_pem: impl Into<String>) -> Self {
        ClientRegistration {
            consumer_key: consumer_key.into(),
            rsa_public_keys: vec![public_key_pem.into()],
            ..Self::default()
        }
    }

    /// Sets the display name.
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// Registers a callback URI.
    pub fn with_callback(mut self, callback: impl Into<String>) -> Self {
        self.callbacks.push(callback.into());
        self
    }

    /// Adds an RSA public key (PEM).
    pub fn with_rsa_public_key(mut self, pem: impl Into<String>) -> Self {
        self.rsa_public_keys.push(pem.into());
        self
    }

    /// Restricts the signature methods.
    pub fn with_signature_methods<I: IntoIterator<Item = S>, S: Into<String>>(mut self, methods: I) -> Self {
        self.signature_methods = Some(methods.into_iter().map(Into::into).collect());
        self
    }

    /// Adds a metadata entry.
    pub fn with_metadata(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.metadata.push((key.into(), value.into()));
        self
    }

    /// The client the provider serves, its keys parsed; every bound checked.
    fn to_client(&self) -> Result<Client, ManageError> {
        let invalid = |field: &'static str, reason: String| ManageError::Invalid { field, reason };
        if self.consumer_key.is_empty() || self.consumer_key.len() > MAX_KEY_LEN {
            return Err(invalid("consumer_key", format!("must be 1 to {MAX_KEY_LEN} bytes")));
        }
        if self.secret.as_ref().is_some_and(|s| s.expose().len() > MAX_KEY_LEN) {
            return Err(invalid("secret", format!("must be at most {MAX_KEY_LEN} bytes")));
        }
        if self.name.len() > MAX_NAME_LEN {
            return Err(invalid("name", format!("must be at most {MAX_NAME_LEN} bytes")));
        }
        if let Some(cb) = self.callbacks.iter().find(|c| c.len() > MAX_CALLBACK_LEN || c.is_empty()) {
            return Err(invalid(
                "callbacks",
                format!("each must be 1 to {MAX_CALLBACK_LEN} bytes ({} given)", cb.len()),
            ));
        }
        let mut client = Client::new(self.consumer_key.clone(), self.secret.clone().unwrap_or_default());
        for (i, pem) in self.rsa_public_keys.iter().enumerate() {
            let key = RsaPublicKey::from_pem(pem).map_err(|e| invalid("rsa_public_keys", format!("key {i}: {e}")))?;
            client = client.with_rsa_public_key(key);
        }
        if client.shared_secret().is_none() && client.rsa_public_keys.is_empty() {
            return Err(invalid(
                "secret",
                "a client needs a shared secret or an RSA public key (without either it could never sign)".into(),
            ));
        }
        client.name = self.name.clone();
        client.callbacks = self.callbacks.clone();
        client.signature_methods = self.signature_methods.clone();
        client.metadata = self.metadata.clone();
        Ok(client)
    }

    /// The JSON columns, each within its bound.
    fn json_columns(&self) -> Result<JsonColumns, ManageError> {
        let encode = |field: &'static str, value: Result<String, serde_json::Error>, max: usize| {
            let value = value.map_err(|e| ManageError::Invalid { field, reason: e.to_string() })?;
            if value.len() > max {
                return Err(ManageError::Invalid {
                    field,
                    reason: format!("{} bytes as stored, over the bound of {max}", value.len()),
                });
            }
            Ok(value)
        };
        Ok(JsonColumns {
            callbacks: encode("callbacks", serde_json::to_string(&self.callbacks), MAX_CALLBACKS_JSON)?,
            rsa_public_keys: encode(
                "rsa_public_keys",
                serde_json::to_string(&self.rsa_public_keys),
                MAX_RSA_KEYS_JSON,
            )?,
            signature_methods: match &self.signature_methods {
                Some(m) => Some(encode("signature_methods", serde_json::to_string(m), MAX_SIGNATURE_METHODS_JSON)?),
                None => None,
            },
            metadata: encode("metadata", serde_json::to_string(&self.metadata), MAX_METADATA_JSON)?,
        })
    }
}

struct JsonColumns {
    callbacks: String,
    rsa_public_keys: String,
    signature_methods: Option<String>,
    metadata: String,
}

/// A registered client as stored, with its state.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct RegisteredClient {
    /// The registration.
    pub registration: ClientRegistration,
    /// When it was disabled (Unix seconds); `None`: enabled.
    pub disabled_at: Option<u64>,
    /// Bumped by every change.
    pub version: i64,
    /// When it was registered (Unix seconds).
    pub created_at: u64,
    /// When it last changed (Unix seconds).
    pub updated_at: u64,
}

/// An application a user has authorized: a client holding unexpired token credentials granted
/// by that user.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct AuthorizedApplication {
    /// The client's consumer key.
    pub consumer_key: String,
    /// Its name (empty when the client is not registered in this database).
    pub name: String,
    /// How many token credentials it holds for the user.
    pub tokens: u64,
    /// When the first of them was issued (Unix seconds).
    pub first_authorized_at: u64,
    /// When the last of them was issued (Unix seconds).
    pub last_authorized_at: u64,
}

/// Why a client-management call failed. Invalid input and a missing or duplicate client are
/// the caller's to answer (4xx); [`ManageError::Store`] is the database's (5xx). Messages name
/// fields and bounds, never secrets.
#[derive(Debug)]
#[non_exhaustive]
pub enum ManageError {
    /// A field is out of its bounds or does not parse (an RSA key).
    Invalid {
        /// The field.
        field: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// No client with this consumer key.
    NotFound,
    /// A client with this consumer key exists already.
    Conflict,
    /// The database failed.
    Store(StoreError),
}

impl fmt::Display for ManageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ManageError::Invalid { field, reason } => write!(f, "invalid {field}: {reason}"),
            ManageError::NotFound => f.write_str("no such client"),
            ManageError::Conflict => f.write_str("a client with this consumer key exists already"),
            ManageError::Store(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for ManageError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ManageError::Store(e) => Some(e),
            _ => None,
        }
    }
}

impl From<StoreError> for ManageError {
    fn from(e: StoreError) -> Self {
        ManageError::Store(e)
    }
}

/// Parsed clients by consumer key, with the version they were read at.
pub(crate) struct ClientCache {
    entries: RwLock<HashMap<String, Cached>>,
    ttl: u64,
    capacity: usize,
}

#[derive(Clone)]
struct Cached {
    client: Arc<Client>,
    version: i64,
    confirmed_at: u64,
}

impl ClientCache {
    pub(crate) fn new(ttl: u64, capacity: usize) -> Self {
        ClientCache { entries: RwLock::default(), ttl, capacity }
    }

    fn get(&self, key: &str) -> Option<Cached> {
        self.entries.read().unwrap_or_else(PoisonError::into_inner).get(key).cloned()
    }

    fn put(&self, key: &str, entry: Cached) {
        if self.capacity == 0 {
            return;
        }
        let mut entries = self.entries.write().unwrap_or_else(PoisonError::into_inner);
        if entries.len() >= self.capacity && !entries.contains_key(key) {
            entries.clear();
        }
        entries.insert(key.to_owned(), entry);
    }

    pub(crate) fn forget(&self, key: &str) {
        self.entries.write().unwrap_or_else(PoisonError::into_inner).remove(key);
    }
}

/// A registration from a row of [`crate::sql::CLIENT`]'s columns.
macro_rules! registered_from_row {
    ($row:expr) => {{
        let r = &$row;
        (|| -> Result<RegisteredClient, sqlx::Error> {
            let json = |i: usize| -> Result<String, sqlx::Error> { r.try_get_unchecked::<String, _>(i) };
            let decode = |e: serde_json::Error| sqlx::Error::Decode(Box::new(e));
            let methods: Option<String> = r.try_get_unchecked(5)?;
            Ok(RegisteredClient {
                registration: ClientRegistration {
                    consumer_key: r.try_get_unchecked(0)?,
                    secret: r.try_get_unchecked::<Option<String>, _>(1)?.map(Secret::new),
                    name: r.try_get_unchecked(2)?,
                    callbacks: serde_json::from_str(&json(3)?).map_err(decode)?,
                    rsa_public_keys: serde_json::from_str(&json(4)?).map_err(decode)?,
                    signature_methods: methods.map(|m| serde_json::from_str(&m)).transpose().map_err(decode)?,
                    metadata: serde_json::from_str(&json(6)?).map_err(decode)?,
                },
                version: r.try_get(7)?,
                disabled_at: r.try_get::<Option<i64>, _>(8)?.map(to_u64),
                created_at: to_u64(r.try_get(9)?),
                updated_at: to_u64(r.try_get(10)?),
            })
        })()
    }};
}

#[async_trait]
impl ClientStore for SqlStore {
    /// The enabled client with this key: from the cache while its entry is younger than the
    /// TTL; then one `SELECT version` confirms it, and only a changed client is read and
    /// parsed again. A disabled or removed client is dropped from the cache.
    async fn client(&self, consumer_key: &str) -> Result<Option<Arc<Client>>, StoreError> {
        if consumer_key.is_empty() || consumer_key.len() > MAX_KEY_LEN {
            return Ok(None);
        }
        let cache = &self.inner.cache;
        let now = self.inner.clock.now();
        let cached = cache.get(consumer_key);
        if let Some(c) = &cached
            && now < c.confirmed_at.saturating_add(cache.ttl)
        {
            return Ok(Some(c.client.clone()));
        }
        let s = &self.inner.sql;
        self.timed(async {
            if let Some(c) = cached {
                let version: Option<i64> = with_pool!(&self.inner.pool, |pool| sqlx::query_scalar(&s.client_version)
                    .bind(consumer_key)
                    .fetch_optional(pool)
                    .await
                    .map_err(db_error))?;
                if version == Some(c.version) {
                    cache.put(consumer_key, Cached { confirmed_at: now, ..c.clone() });
                    return Ok(Some(c.client));
                }
            }
            let registered = self.read_client(consumer_key).await?;
            let Some(registered) = registered.filter(|r| r.disabled_at.is_none()) else {
                cache.forget(consumer_key);
                return Ok(None);
            };
            let client = Arc::new(registered.registration.to_client().map_err(|e| {
                StoreError::unavailable(format!("oauth1-sqlx: the stored client {consumer_key:?} is invalid: {e}"))
            })?);
            cache.put(consumer_key, Cached { client: client.clone(), version: registered.version, confirmed_at: now });
            Ok(Some(client))
        })
        .await
    }
}

impl SqlStore {
    async fn read_client(&self, consumer_key: &str) -> Result<Option<RegisteredClient>, StoreError> {
        let sql = &self.inner.sql.select_client;
        with_pool!(&self.inner.pool, |pool| {
            let row = sqlx::query(sql).bind(consumer_key).fetch_optional(pool).await.map_err(db_error)?;
            row.map(|r| registered_from_row!(r)).transpose().map_err(db_error)
        })
    }

    /// A client as registered, disabled or not.
    pub async fn registered_client(&self, consumer_key: &str) -> Result<Option<RegisteredClient>, ManageError> {
        if consumer_key.is_empty() || consumer_key.len() > MAX_KEY_LEN {
            return Ok(None);
        }
        Ok(self.timed(self.read_client(consumer_key)).await?)
    }

    /// Registers a new client ([RFC 5849 §3.1](https://www.rfc-editor.org/rfc/rfc5849#section-3.1)):
    /// [`ManageError::Invalid`] when a field is out of bounds or a key does not parse,
    /// [`ManageError::Conflict`] when the consumer key is taken (nothing is overwritten).
    pub async fn register_client(&self, registration: ClientRegistration) -> Result<(), ManageError> {
        registration.to_client()?;
        let json = registration.json_columns()?;
        let now = self.now_i64();
        let sql = &self.inner.sql.insert_client;
        let r = &registration;
        let result = self
            .timed(async {
                Ok(with_pool!(&self.inner.pool, |pool| sqlx::query(sql)
                    .bind(&r.consumer_key)
                    .bind(r.secret.as_ref().map(Secret::expose))
                    .bind(&r.name)
                    .bind(&json.callbacks)
                    .bind(&json.rsa_public_keys)
                    .bind(json.signature_methods.as_deref())
                    .bind(&json.metadata)
                    .bind(now)
                    .bind(now)
                    .execute(pool)
                    .await
                    .map(|_| ())))
            })
            .await?;
        self.inner.cache.forget(&r.consumer_key);
        match result {
            Ok(_) => Ok(()),
            Err(e) if is_duplicate(&e) => Err(ManageError::Conflict),
            Err(e) => Err(ManageError::Store(db_error(e))),
        }
    }

    /// Registers `registration` unless a client with its consumer key exists (then leaves that
    /// one as it is); `true` when registered now. For seeding clients at startup.
    pub async fn register_client_if_absent(&self, registration: ClientRegistration) -> Result<bool, ManageError> {
        match self.register_client(registration).await {
            Ok(()) => Ok(true),
            Err(ManageError::Conflict) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Replaces a client's registration (secret, name, callbacks, keys, methods, metadata;
    /// not its enabled state). Effective at once in this process, within the cache TTL in
    /// others.
    pub async fn update_client(&self, registration: ClientRegistration) -> Result<(), ManageError> {
        registration.to_client()?;
        let json = registration.json_columns()?;
        let now = self.now_i64();
        let sql = &self.inner.sql.update_client;
        let r = &registration;
        let updated = self
            .timed(async {
                with_pool!(&self.inner.pool, |pool| sqlx::query(sql)
                    .bind(r.secret.as_ref().map(Secret::expose))
                    .bind(&r.name)
                    .bind(&json.callbacks)
                    .bind(&json.rsa_public_keys)
                    .bind(json.signature_methods.as_deref())
                    .bind(&json.metadata)
                    .bind(now)
                    .bind(&r.consumer_key)
                    .execute(pool)
                    .await
                    .map(|r| r.rows_affected())
                    .map_err(db_error))
            })
            .await?;
        self.inner.cache.forget(&r.consumer_key);
        if updated == 0 { Err(ManageError::NotFound) } else { Ok(()) }
    }

    /// Disables a client: it is unknown to the provider (its requests are refused as from an
    /// unknown consumer, 401) until [`enable_client`](Self::enable_client); its token
    /// credentials are kept.
    pub async fn disable_client(&self, consumer_key: &str) -> Result<(), ManageError> {
        let now = self.now_i64();
        self.change_client(consumer_key, &self.inner.sql.disable_client, Some(now), now).await
    }

    /// Enables a disabled client again.
    pub async fn enable_client(&self, consumer_key: &str) -> Result<(), ManageError> {
        let now = self.now_i64();
        self.change_client(consumer_key, &self.inner.sql.enable_client, None, now).await
    }

    /// Gives a client a new random shared secret (48 URL-safe characters, 288 bits) and returns
    /// it; the old one stops working (in other processes within the cache TTL).
    pub async fn rotate_client_secret(&self, consumer_key: &str) -> Result<Secret, ManageError> {
        let secret = Secret::new(oauth1::generate::random_string(48));
        let now = self.now_i64();
        let sql = &self.inner.sql.rotate_secret;
        let updated = self
            .timed(async {
                with_pool!(&self.inner.pool, |pool| sqlx::query(sql)
                    .bind(secret.expose())
                    .bind(now)
                    .bind(consumer_key)
                    .execute(pool)
                    .await
                    .map(|r| r.rows_affected())
                    .map_err(db_error))
            })
            .await?;
        self.inner.cache.forget(consumer_key);
        if updated == 0 { Err(ManageError::NotFound) } else { Ok(secret) }
    }

    async fn change_client(
        &self,
        consumer_key: &str,
        sql: &str,
        disabled_at: Option<i64>,
        now: i64,
    ) -> Result<(), ManageError> {
        let updated = self
            .timed(async {
                with_pool!(&self.inner.pool, |pool| {
                    let mut q = sqlx::query(sql);
                    if let Some(at) = disabled_at {
                        q = q.bind(at);
                    }
                    q.bind(now).bind(consumer_key).execute(pool).await.map(|r| r.rows_affected()).map_err(db_error)
                })
            })
            .await?;
        self.inner.cache.forget(consumer_key);
        if updated == 0 { Err(ManageError::NotFound) } else { Ok(()) }
    }

    /// The applications `user_id` has authorized: each client holding unexpired token
    /// credentials granted by the user, by consumer key (at most
    /// [`MAX_LISTED_APPLICATIONS`]).
    pub async fn authorized_applications(&self, user_id: &str) -> Result<Vec<AuthorizedApplication>, ManageError> {
        if user_id.is_empty() || user_id.len() > MAX_USER_ID_LEN {
            return Ok(Vec::new());
        }
        let now = self.now_i64();
        let sql = &self.inner.sql.authorized_applications;
        let limit = to_i64(MAX_LISTED_APPLICATIONS as u64);
        Ok(self
            .timed(async {
                with_pool!(&self.inner.pool, |pool| {
                    let rows =
                        sqlx::query(sql).bind(user_id).bind(now).bind(limit).fetch_all(pool).await.map_err(db_error)?;
                    rows.iter()
                        .map(|r| {
                            Ok(AuthorizedApplication {
                                consumer_key: r.try_get_unchecked(0)?,
                                name: r.try_get_unchecked(1)?,
                                tokens: to_u64(r.try_get(2)?),
                                first_authorized_at: to_u64(r.try_get(3)?),
                                last_authorized_at: to_u64(r.try_get(4)?),
                            })
                        })
                        .collect::<Result<Vec<_>, sqlx::Error>>()
                        .map_err(db_error)
                })
            })
            .await?)
    }

    /// Revokes what `user_id` granted `consumer_key`: every token credential between them.
    /// How many were revoked.
    pub async fn revoke_authorization(&self, user_id: &str, consumer_key: &str) -> Result<u64, ManageError> {
        self.rows_changed(&self.inner.sql.revoke_authorization, &[user_id, consumer_key]).await
    }

    /// Revokes every token credential `user_id` granted, to any client. How many.
    pub async fn revoke_user_tokens(&self, user_id: &str) -> Result<u64, ManageError> {
        self.rows_changed(&self.inner.sql.revoke_user_tokens, &[user_id]).await
    }

    /// Revokes every token credential of a client, whoever granted it. How many.
    pub async fn revoke_client_tokens(&self, consumer_key: &str) -> Result<u64, ManageError> {
        self.rows_changed(&self.inner.sql.revoke_client_tokens, &[consumer_key]).await
    }

    /// Runs `sql` with text parameters, in order: how many rows it changed.
    async fn rows_changed(&self, sql: &str, params: &[&str]) -> Result<u64, ManageError> {
        Ok(self
            .timed(async {
                with_pool!(&self.inner.pool, |pool| {
                    let mut query = sqlx::query(sql);
                    for param in params {
                        query = query.bind(*param);
                    }
                    query.execute(pool).await.map(|r| r.rows_affected()).map_err(db_error)
                })
            })
            .await?)
    }
}
