//! The schema and its migrations: SQL embedded in the binary, one script per backend and
//! version, applied in order under a lock and recorded in `<prefix>schema_migrations`.

use sqlx::{Executor as _, Row as _};

use crate::{Backend, SqlStore, db_error, with_pool};
use oauth1::store::StoreError;

/// One embedded migration: its version, what it does, and its SQL per backend (with `{prefix}`
/// where the table prefix goes).
struct Migration {
    version: i64,
    description: &'static str,
    sqlite: &'static str,
    postgres: &'static str,
    mysql: &'static str,
}

/// Every migration, oldest first.
const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        description: "clients, temporary and token credentials, nonces",
        sqlite: include_str!("../migrations/sqlite/0001_init.sql"),
        postgres: include_str!("../migrations/postgres/0001_init.sql"),
        mysql: include_str!("../migrations/mysql/0001_init.sql"),
    },
    Migration {
        version: 2,
        description: "settings shared by every process (the consent key)",
        sqlite: include_str!("../migrations/sqlite/0002_settings.sql"),
        postgres: include_str!("../migrations/postgres/0002_settings.sql"),
        mysql: include_str!("../migrations/mysql/0002_settings.sql"),
    },
];

/// The schema version this crate's statements need (the newest migration).
pub const SCHEMA_VERSION: i64 = 2;

impl Migration {
    fn sql(&self, backend: Backend) -> &'static str {
        match backend {
            Backend::Sqlite => self.sqlite,
            Backend::Postgres => self.postgres,
            Backend::MySql => self.mysql,
        }
    }
}

/// The statements of a script: split at `;` ending a line, comment-only pieces dropped.
fn statements(script: &str, prefix: &str) -> Vec<String> {
    script
        .replace("{prefix}", prefix)
        .split(";\n")
        .map(str::trim)
        .filter(|s| s.lines().any(|l| !l.trim().is_empty() && !l.trim_start().starts_with("--")))
        .map(str::to_owned)
        .collect()
}

/// The whole schema for `backend` with table prefix `prefix`, as SQL: for review, or to apply
/// with your own migration tool instead of [`SqlStore::migrate`] (then also create and fill
/// `<prefix>schema_migrations` as `migrate` does, or keep calling `migrate`, which skips what
/// exists: every statement is `CREATE … IF NOT EXISTS`).
///
/// ```
/// use oauth1_sqlx::{Backend, schema_sql};
/// let sql = schema_sql(Backend::Sqlite, "oauth1_");
/// assert!(sql.contains("CREATE TABLE IF NOT EXISTS oauth1_nonces"));
/// assert!(sql.contains("PRIMARY KEY (consumer_key, token, ts, nonce)"));
/// ```
pub fn schema_sql(backend: Backend, prefix: &str) -> String {
    MIGRATIONS.iter().flat_map(|m| statements(m.sql(backend), prefix)).map(|s| s + ";\n").collect()
}

/// A 64-bit FNV-1a hash: the PostgreSQL advisory-lock key of a prefix (stable across processes
/// and Rust versions, unlike `std`'s hasher).
fn lock_key(prefix: &str) -> i64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in "oauth1-sqlx migrations ".bytes().chain(prefix.bytes()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    i64::from_ne_bytes(h.to_ne_bytes())
}

impl SqlStore {
    /// Creates or updates the tables (the embedded migrations newer than the database's
    /// `<prefix>schema_migrations`), under a lock, so that several processes starting at once
    /// apply each migration once: PostgreSQL `pg_advisory_lock`, MySQL `GET_LOCK`, SQLite a
    /// `BEGIN IMMEDIATE` transaction. On PostgreSQL and SQLite each migration is one
    /// transaction; MySQL commits DDL statement by statement, so every statement is written to
    /// be re-run safely (`IF NOT EXISTS`) after an interruption. Returns the versions applied
    /// now (empty when the schema was current).
    ///
    /// Why not `sqlx::migrate!`: sqlx 0.8 records every migration in one table,
    /// `_sqlx_migrations`, shared with your application's own sqlx migrations. Ours would
    /// appear there as versions your migrator does not know, and `migrate!().run()` then fails
    /// (`VersionMissing`); and two stores with different table prefixes in one database would
    /// share version numbers. So the scripts are embedded the same way (`include_str!`, in the
    /// binary, nothing read at run time) and recorded per prefix.
    pub async fn migrate(&self) -> Result<Vec<i64>, StoreError> {
        let prefix = self.inner.prefix.as_str();
        let backend = self.backend();
        let create = match backend {
            Backend::MySql => format!(
                "CREATE TABLE IF NOT EXISTS {prefix}schema_migrations (version BIGINT NOT NULL PRIMARY KEY, \
                 description VARCHAR(255) NOT NULL, applied_at BIGINT NOT NULL) ENGINE=InnoDB"
            ),
            _ => format!(
                "CREATE TABLE IF NOT EXISTS {prefix}schema_migrations (version BIGINT NOT NULL PRIMARY KEY, \
                 description VARCHAR(255) NOT NULL, applied_at BIGINT NOT NULL)"
            ),
        };
        let now = self.now_i64();
        let applied_sql = format!("SELECT version FROM {prefix}schema_migrations");
        let record = self.inner.sql.placeholders(&format!(
            "INSERT INTO {prefix}schema_migrations (version, description, applied_at) VALUES (?, ?, ?)"
        ));
        let mut done = Vec::new();
        with_pool!(&self.inner.pool, |pool| {
            let mut conn = pool.acquire().await.map_err(db_error)?;
            // Take the lock.
            match backend {
                Backend::Postgres => {
                    (&mut *conn)
                        .execute(sqlx::query("SELECT pg_advisory_lock($1)").bind(lock_key(prefix)))
                        .await
                        .map_err(db_error)?;
                }
                Backend::MySql => {
                    let row = (&mut *conn)
                        .fetch_one(sqlx::query("SELECT GET_LOCK(?, 60)").bind(format!("oauth1_sqlx_{prefix}")))
                        .await
                        .map_err(db_error)?;
                    let got: Option<i64> = row.try_get(0).map_err(db_error)?;
                    if got != Some(1) {
                        return Err(StoreError::unavailable("oauth1-sqlx: the migration lock was not granted"));
                    }
                }
                Backend::Sqlite => {
                    (&mut *conn).execute("BEGIN IMMEDIATE").await.map_err(db_error)?;
                }
            }
            // Statements go through `Executor` methods, which return boxed `Send` futures: the
            // `async fn`s of `Query`/`RawSql` borrowing a pooled connection make this future's
            // `Send` unprovable (rustc's "not general enough", rust#64552), and Rocket needs it.
            macro_rules! attempt {
                ($label:lifetime, $e:expr) => {
                    match $e {
                        Ok(v) => v,
                        Err(e) => break $label Err(e),
                    }
                };
            }
            let result: Result<(), sqlx::Error> = 'run: {
                attempt!('run, (&mut *conn).execute(create.as_str()).await);
                let rows = attempt!('run, (&mut *conn).fetch_all(applied_sql.as_str()).await);
                let applied: Vec<i64> =
                    attempt!('run, rows.iter().map(|r| r.try_get::<i64, _>(0)).collect::<Result<_, _>>());
                for m in MIGRATIONS.iter().filter(|m| !applied.contains(&m.version)) {
                    // PostgreSQL: one transaction per migration (SQLite is in one already).
                    if backend == Backend::Postgres {
                        attempt!('run, (&mut *conn).execute("BEGIN").await);
                    }
                    for statement in statements(m.sql(backend), prefix) {
                        attempt!('run, (&mut *conn).execute(statement.as_str()).await);
                    }
                    attempt!('run, (&mut *conn).execute(sqlx::query(&record).bind(m.version).bind(m.description).bind(now)).await
                    );
                    if backend == Backend::Postgres {
                        attempt!('run, (&mut *conn).execute("COMMIT").await);
                    }
                    done.push(m.version);
                }
                Ok(())
            };
            // Release the lock (and end the transaction) whatever happened.
            let end = match (backend, result.is_ok()) {
                (Backend::Postgres, ok) => {
                    if !ok {
                        let _ = (&mut *conn).execute("ROLLBACK").await;
                    }
                    (&mut *conn).execute(sqlx::query("SELECT pg_advisory_unlock($1)").bind(lock_key(prefix))).await
                }
                (Backend::MySql, _) => {
                    (&mut *conn)
                        .execute(sqlx::query("SELECT RELEASE_LOCK(?)").bind(format!("oauth1_sqlx_{prefix}")))
                        .await
                }
                (Backend::Sqlite, true) => (&mut *conn).execute("COMMIT").await,
                (Backend::Sqlite, false) => (&mut *conn).execute("ROLLBACK").await,
            };
            if end.is_err() || result.is_err() {
                // Never hand a connection in an unknown state back to the pool.
                conn.detach();
            }
            result.map_err(db_error)?;
            end.map_err(db_error)?;
            Ok::<(), StoreError>(())
        })?;
        if !done.is_empty() {
            tracing::info!(target: "oauth1", prefix, versions = ?done, "oauth1-sqlx: applied migrations");
        }
        Ok(done)
    }

    /// The schema version recorded in the database (`0`: not migrated).
    pub async fn schema_version(&self) -> Result<i64, StoreError> {
        let sql = format!("SELECT MAX(version) FROM {}schema_migrations", self.inner.prefix);
        let version: Result<Option<i64>, sqlx::Error> =
            with_pool!(&self.inner.pool, |pool| sqlx::query_scalar(&sql).fetch_one(pool).await);
        match version {
            Ok(v) => Ok(v.unwrap_or(0)),
            // No table yet.
            Err(sqlx::Error::Database(_)) => Ok(0),
            Err(e) => Err(db_error(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_split_into_statements() {
        for backend in [Backend::Sqlite, Backend::Postgres, Backend::MySql] {
            let all: Vec<String> = MIGRATIONS.iter().flat_map(|m| statements(m.sql(backend), "p_")).collect();
            assert!(all.iter().all(|s| !s.contains("{prefix}") && !s.ends_with(';')), "{backend:?}");
            let tables = all.iter().filter(|s| s.contains("CREATE TABLE")).count();
            assert_eq!(tables, 5, "{backend:?}: {all:#?}");
            assert!(all.iter().any(|s| s.contains("p_nonces")));
        }
        assert_ne!(lock_key("a_"), lock_key("b_"));
        assert_eq!(lock_key("a_"), lock_key("a_"));
    }
}
