//! The store traits of [`oauth1::store`]: nonces, temporary and token credentials (clients are
//! in [`crate::clients`]).

use std::sync::Arc;

use async_trait::async_trait;
use oauth1::signature::Secret;
use oauth1::store::{
    Authorization, AuthorizeOutcome, NonceCheck, NonceKey, NonceStore, StoreError, TemporaryCredentialStore,
    TemporaryCredentials, TokenCredentialStore, TokenCredentials,
};
use sqlx::Row as _;

use crate::limits::{MAX_CALLBACK_LEN, MAX_KEY_LEN, MAX_REALM_LEN, MAX_USER_ID_LEN};
use crate::{SqlStore, check_len, db_error, is_duplicate, to_i64, to_u64, with_pool};

/// Temporary credentials from a row of `token, secret, consumer_key, callback, realm,
/// expires_at, user_id, verifier`. Text is read unchecked: MySQL marks `utf8mb4_bin` columns
/// binary, which sqlx's `String` refuses; the decoding still checks UTF-8.
macro_rules! temporary_from_row {
    ($row:expr) => {{
        let r = &$row;
        (|| -> Result<TemporaryCredentials, sqlx::Error> {
            let mut c = TemporaryCredentials::new(
                r.try_get_unchecked::<String, _>(0)?,
                Secret::new(r.try_get_unchecked::<String, _>(1)?),
                r.try_get_unchecked::<String, _>(2)?,
                r.try_get_unchecked::<String, _>(3)?,
                to_u64(r.try_get::<i64, _>(5)?),
            )
            .with_realm(r.try_get_unchecked::<Option<String>, _>(4)?);
            let user = r.try_get_unchecked::<Option<String>, _>(6)?;
            let verifier = r.try_get_unchecked::<Option<String>, _>(7)?;
            if let (Some(user), Some(verifier)) = (user, verifier) {
                c.authorization = Some(Authorization::new(user, Secret::new(verifier)));
            }
            Ok(c)
        })()
    }};
}

/// Token credentials from a row of `token, secret, consumer_key, user_id, realm, expires_at`.
macro_rules! token_from_row {
    ($row:expr) => {{
        let r = &$row;
        (|| -> Result<TokenCredentials, sqlx::Error> {
            Ok(TokenCredentials::new(
                r.try_get_unchecked::<String, _>(0)?,
                Secret::new(r.try_get_unchecked::<String, _>(1)?),
                r.try_get_unchecked::<String, _>(2)?,
                r.try_get_unchecked::<String, _>(3)?,
            )
            .with_realm(r.try_get_unchecked::<Option<String>, _>(4)?)
            .with_expiry(r.try_get::<Option<i64>, _>(5)?.map(to_u64)))
        })()
    }};
}

#[async_trait]
impl NonceStore for SqlStore {
    /// One `INSERT` of `(consumer key, token, timestamp, nonce)` (RFC 5849 §3.3): inserted is
    /// fresh; a row already there (`ON CONFLICT DO NOTHING` inserting none, or MySQL's
    /// duplicate-key error) is a replay. Never [`NonceCheck::Stale`]: a database does not
    /// forget live nonces.
    async fn check_and_insert(&self, key: &NonceKey<'_>, expires_at: u64) -> Result<NonceCheck, StoreError> {
        check_len("consumer key", key.consumer_key, MAX_KEY_LEN)?;
        check_len("token", key.token.unwrap_or_default(), MAX_KEY_LEN)?;
        check_len("nonce", key.nonce, MAX_KEY_LEN)?;
        let sql = &self.inner.sql.insert_nonce;
        self.timed(async {
            let result = with_pool!(&self.inner.pool, |pool| sqlx::query(sql)
                .bind(key.consumer_key)
                .bind(key.token.unwrap_or_default())
                .bind(to_i64(key.timestamp))
                .bind(key.nonce)
                .bind(to_i64(expires_at))
                .execute(pool)
                .await
                .map(|r| r.rows_affected()));
            match result {
                Ok(1) => Ok(NonceCheck::Fresh),
                Ok(_) => Ok(NonceCheck::Replayed),
                Err(e) if is_duplicate(&e) => Ok(NonceCheck::Replayed),
                Err(e) => Err(db_error(e)),
            }
        })
        .await
    }
}

#[async_trait]
impl TemporaryCredentialStore for SqlStore {
    async fn create_temporary(&self, c: TemporaryCredentials) -> Result<(), StoreError> {
        check_len("token", &c.token, MAX_KEY_LEN)?;
        check_len("token secret", c.secret.expose(), MAX_KEY_LEN)?;
        check_len("consumer key", &c.consumer_key, MAX_KEY_LEN)?;
        check_len("callback", &c.callback, MAX_CALLBACK_LEN)?;
        check_len("realm", c.realm.as_deref().unwrap_or_default(), MAX_REALM_LEN)?;
        let now = self.now_i64();
        let sql = &self.inner.sql.insert_temporary;
        self.timed(async {
            let result = with_pool!(&self.inner.pool, |pool| sqlx::query(sql)
                .bind(&c.token)
                .bind(c.secret.expose())
                .bind(&c.consumer_key)
                .bind(&c.callback)
                .bind(c.realm.as_deref())
                .bind(to_i64(c.expires_at))
                .bind(now)
                .execute(pool)
                .await
                .map(|_| ()));
            match result {
                Ok(_) => Ok(()),
                Err(e) if is_duplicate(&e) => Err(StoreError::Conflict),
                Err(e) => Err(db_error(e)),
            }
        })
        .await
    }

    async fn temporary(&self, token: &str) -> Result<Option<TemporaryCredentials>, StoreError> {
        if token.is_empty() || token.len() > MAX_KEY_LEN {
            return Ok(None);
        }
        let now = self.now_i64();
        let sql = &self.inner.sql.select_temporary;
        self.timed(async {
            with_pool!(&self.inner.pool, |pool| {
                let row = sqlx::query(sql).bind(token).bind(now).fetch_optional(pool).await.map_err(db_error)?;
                row.map(|r| temporary_from_row!(r)).transpose().map_err(db_error)
            })
        })
        .await
    }

    /// RFC 5849 §2.2, at most once: one conditional `UPDATE` (`user_id IS NULL`, unexpired)
    /// decides. SQLite and PostgreSQL return the row with `RETURNING`; MySQL reads the row it
    /// has just locked in the same transaction.
    async fn authorize_temporary(
        &self,
        token: &str,
        authorization: Authorization,
    ) -> Result<AuthorizeOutcome, StoreError> {
        if token.is_empty() || token.len() > MAX_KEY_LEN {
            return Ok(AuthorizeOutcome::NotFound);
        }
        check_len("user id", &authorization.user_id, MAX_USER_ID_LEN)?;
        check_len("verifier", authorization.verifier.expose(), MAX_KEY_LEN)?;
        let now = self.now_i64();
        let s = &self.inner.sql;
        let returning = s.backend != crate::Backend::MySql;
        self.timed(async {
            with_pool!(&self.inner.pool, |pool| {
                let update = sqlx::query(&s.authorize_temporary)
                    .bind(&authorization.user_id)
                    .bind(authorization.verifier.expose())
                    .bind(token)
                    .bind(now);
                if returning {
                    if let Some(row) = update.fetch_optional(pool).await.map_err(db_error)? {
                        return Ok(AuthorizeOutcome::Authorized(temporary_from_row!(row).map_err(db_error)?));
                    }
                    // Decided: not authorized now. Only why remains to be told.
                    let exists = sqlx::query(&s.temporary_exists).bind(token).bind(now).fetch_optional(pool).await;
                    Ok(match exists.map_err(db_error)? {
                        Some(_) => AuthorizeOutcome::AlreadyAuthorized,
                        None => AuthorizeOutcome::NotFound,
                    })
                } else {
                    let mut tx = pool.begin().await.map_err(db_error)?;
                    let updated = update.execute(&mut *tx).await.map_err(db_error)?.rows_affected();
                    let row = sqlx::query(&s.select_temporary_locked)
                        .bind(token)
                        .bind(now)
                        .fetch_optional(&mut *tx)
                        .await
                        .map_err(db_error)?;
                    tx.commit().await.map_err(db_error)?;
                    Ok(match (updated, row) {
                        (1, Some(row)) => AuthorizeOutcome::Authorized(temporary_from_row!(row).map_err(db_error)?),
                        (1, None) => {
                            return Err(StoreError::unavailable(
                                "oauth1-sqlx: authorized temporary credentials vanished within their transaction",
                            ));
                        }
                        (_, Some(_)) => AuthorizeOutcome::AlreadyAuthorized,
                        (_, None) => AuthorizeOutcome::NotFound,
                    })
                }
            })
        })
        .await
    }

    /// RFC 5849 §2.3, at most once: one `DELETE` of the unexpired row decides (SQLite and
    /// PostgreSQL: `DELETE … RETURNING`; MySQL: `SELECT … FOR UPDATE`, then `DELETE`, in one
    /// transaction).
    async fn take_temporary(&self, token: &str) -> Result<Option<TemporaryCredentials>, StoreError> {
        if token.is_empty() || token.len() > MAX_KEY_LEN {
            return Ok(None);
        }
        let now = self.now_i64();
        let s = &self.inner.sql;
        let returning = s.backend != crate::Backend::MySql;
        self.timed(async {
            with_pool!(&self.inner.pool, |pool| {
                if returning {
                    let row = sqlx::query(&s.take_temporary)
                        .bind(token)
                        .bind(now)
                        .fetch_optional(pool)
                        .await
                        .map_err(db_error)?;
                    row.map(|r| temporary_from_row!(r)).transpose().map_err(db_error)
                } else {
                    let mut tx = pool.begin().await.map_err(db_error)?;
                    let row = sqlx::query(&s.select_temporary_locked)
                        .bind(token)
                        .bind(now)
                        .fetch_optional(&mut *tx)
                        .await
                        .map_err(db_error)?;
                    let Some(row) = row else {
                        tx.commit().await.map_err(db_error)?;
                        return Ok(None);
                    };
                    let deleted = sqlx::query(&s.take_temporary)
                        .bind(token)
                        .bind(now)
                        .execute(&mut *tx)
                        .await
                        .map_err(db_error)?
                        .rows_affected();
                    tx.commit().await.map_err(db_error)?;
                    if deleted == 1 { temporary_from_row!(row).map(Some).map_err(db_error) } else { Ok(None) }
                }
            })
        })
        .await
    }
}

#[async_trait]
impl TokenCredentialStore for SqlStore {
    async fn create_token(&self, c: TokenCredentials) -> Result<(), StoreError> {
        check_len("token", &c.token, MAX_KEY_LEN)?;
        check_len("token secret", c.secret.expose(), MAX_KEY_LEN)?;
        check_len("consumer key", &c.consumer_key, MAX_KEY_LEN)?;
        check_len("user id", &c.user_id, MAX_USER_ID_LEN)?;
        check_len("realm", c.realm.as_deref().unwrap_or_default(), MAX_REALM_LEN)?;
        let now = self.now_i64();
        let sql = &self.inner.sql.insert_token;
        self.timed(async {
            let result = with_pool!(&self.inner.pool, |pool| sqlx::query(sql)
                .bind(&c.token)
                .bind(c.secret.expose())
                .bind(&c.consumer_key)
                .bind(&c.user_id)
                .bind(c.realm.as_deref())
                .bind(c.expires_at.map(to_i64))
                .bind(now)
                .execute(pool)
                .await
                .map(|_| ()));
            match result {
                Ok(_) => Ok(()),
                Err(e) if is_duplicate(&e) => Err(StoreError::Conflict),
                Err(e) => Err(db_error(e)),
            }
        })
        .await
    }

    /// Unexpired token credentials only: the expiry is part of the `SELECT`.
    async fn token(&self, token: &str) -> Result<Option<Arc<TokenCredentials>>, StoreError> {
        if token.is_empty() || token.len() > MAX_KEY_LEN {
            return Ok(None);
        }
        let now = self.now_i64();
        let sql = &self.inner.sql.select_token;
        self.timed(async {
            with_pool!(&self.inner.pool, |pool| {
                let row = sqlx::query(sql).bind(token).bind(now).fetch_optional(pool).await.map_err(db_error)?;
                row.map(|r| token_from_row!(r).map(Arc::new)).transpose().map_err(db_error)
            })
        })
        .await
    }

    async fn revoke_token(&self, token: &str) -> Result<bool, StoreError> {
        if token.is_empty() || token.len() > MAX_KEY_LEN {
            return Ok(false);
        }
        let sql = &self.inner.sql.revoke_token;
        self.timed(async {
            with_pool!(&self.inner.pool, |pool| sqlx::query(sql)
                .bind(token)
                .execute(pool)
                .await
                .map(|r| r.rows_affected() > 0)
                .map_err(db_error))
        })
        .await
    }
}
