//! Every statement the store runs, written once with `?` placeholders and the table prefix, in
//! each backend's dialect.

use crate::Backend;

/// The columns of temporary credentials, in the order [`crate::stores`] decodes them.
const TEMPORARY: &str = "token, secret, consumer_key, callback, realm, expires_at, user_id, verifier";
/// The columns of token credentials, likewise.
const TOKEN: &str = "token, secret, consumer_key, user_id, realm, expires_at";
/// The columns of a client, likewise.
pub(crate) const CLIENT: &str = "consumer_key, secret, name, callbacks, rsa_public_keys, signature_methods, metadata, version, disabled_at, created_at, updated_at";

/// How many expired rows one purge statement deletes at most (short locks on busy tables).
pub(crate) const PURGE_BATCH: u64 = 10_000;

/// The statements of one store: its backend's dialect and its table prefix.
pub(crate) struct Statements {
    pub(crate) backend: Backend,
    /// `INSERT … ON CONFLICT DO NOTHING` (SQLite, PostgreSQL) or a plain `INSERT` whose duplicate
    /// key error means "replayed" (MySQL).
    pub(crate) insert_nonce: String,
    pub(crate) insert_temporary: String,
    pub(crate) select_temporary: String,
    /// SQLite, PostgreSQL: `UPDATE … RETURNING`; MySQL: `UPDATE` (then [`Self::select_temporary_locked`]).
    pub(crate) authorize_temporary: String,
    /// Whether any unexpired row has this token (why an authorization failed).
    pub(crate) temporary_exists: String,
    /// MySQL: the row just updated or about to be deleted, in the same transaction.
    pub(crate) select_temporary_locked: String,
    /// SQLite, PostgreSQL: `DELETE … RETURNING`; MySQL: `DELETE` after [`Self::select_temporary_locked`].
    pub(crate) take_temporary: String,
    pub(crate) insert_token: String,
    pub(crate) select_token: String,
    pub(crate) revoke_token: String,
    pub(crate) select_client: String,
    pub(crate) client_version: String,
    pub(crate) insert_client: String,
    pub(crate) update_client: String,
    pub(crate) disable_client: String,
    pub(crate) enable_client: String,
    pub(crate) rotate_secret: String,
    pub(crate) authorized_applications: String,
    pub(crate) revoke_authorization: String,
    pub(crate) revoke_user_tokens: String,
    pub(crate) revoke_client_tokens: String,
    pub(crate) purge_nonces: String,
    pub(crate) purge_temporary: String,
    pub(crate) purge_tokens: String,
    pub(crate) insert_setting: String,
    pub(crate) select_setting: String,
}

impl Statements {
    pub(crate) fn new(backend: Backend, p: &str) -> Self {
        let returning = backend != Backend::MySql;
        let s = Statements {
            backend,
            insert_nonce: match backend {
                Backend::MySql => {
                    format!("INSERT INTO {p}nonces (consumer_key, token, ts, nonce, expires_at) VALUES (?, ?, ?, ?, ?)")
                }
                _ => format!(
                    "INSERT INTO {p}nonces (consumer_key, token, ts, nonce, expires_at) VALUES (?, ?, ?, ?, ?) \
                     ON CONFLICT DO NOTHING"
                ),
            },
            insert_temporary: format!(
                "INSERT INTO {p}temporary_credentials ({TEMPORARY}, created_at) VALUES (?, ?, ?, ?, ?, ?, NULL, NULL, ?)"
            ),
            select_temporary: format!(
                "SELECT {TEMPORARY} FROM {p}temporary_credentials WHERE token = ? AND expires_at > ?"
            ),
            authorize_temporary: if returning {
                format!(
                    "UPDATE {p}temporary_credentials SET user_id = ?, verifier = ? \
                     WHERE token = ? AND expires_at > ? AND user_id IS NULL RETURNING {TEMPORARY}"
                )
            } else {
                format!(
                    "UPDATE {p}temporary_credentials SET user_id = ?, verifier = ? \
                     WHERE token = ? AND expires_at > ? AND user_id IS NULL"
                )
            },
            temporary_exists: format!("SELECT 1 FROM {p}temporary_credentials WHERE token = ? AND expires_at > ?"),
            select_temporary_locked: format!(
                "SELECT {TEMPORARY} FROM {p}temporary_credentials WHERE token = ? AND expires_at > ? FOR UPDATE"
            ),
            take_temporary: if returning {
                format!("DELETE FROM {p}temporary_credentials WHERE token = ? AND expires_at > ? RETURNING {TEMPORARY}")
            } else {
                format!("DELETE FROM {p}temporary_credentials WHERE token = ? AND expires_at > ?")
            },
            insert_token: format!(
                "INSERT INTO {p}token_credentials ({TOKEN}, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
            ),
            select_token: format!(
                "SELECT {TOKEN} FROM {p}token_credentials WHERE token = ? AND (expires_at IS NULL OR expires_at > ?)"
            ),
            revoke_token: format!("DELETE FROM {p}token_credentials WHERE token = ?"),
            select_client: format!("SELECT {CLIENT} FROM {p}clients WHERE consumer_key = ?"),
            client_version: format!("SELECT version FROM {p}clients WHERE consumer_key = ? AND disabled_at IS NULL"),
            insert_client: format!("INSERT INTO {p}clients ({CLIENT}) VALUES (?, ?, ?, ?, ?, ?, ?, 1, NULL, ?, ?)"),
            update_client: format!(
                "UPDATE {p}clients SET secret = ?, name = ?, callbacks = ?, rsa_public_keys = ?, \
                 signature_methods = ?, metadata = ?, version = version + 1, updated_at = ? WHERE consumer_key = ?"
            ),
            disable_client: format!(
                "UPDATE {p}clients SET disabled_at = ?, version = version + 1, updated_at = ? WHERE consumer_key = ?"
            ),
            enable_client: format!(
                "UPDATE {p}clients SET disabled_at = NULL, version = version + 1, updated_at = ? WHERE consumer_key = ?"
            ),
            rotate_secret: format!(
                "UPDATE {p}clients SET secret = ?, version = version + 1, updated_at = ? WHERE consumer_key = ?"
            ),
            authorized_applications: format!(
                "SELECT t.consumer_key, COALESCE(MAX(c.name), ''), COUNT(*), MIN(t.created_at), MAX(t.created_at) \
                 FROM {p}token_credentials t LEFT JOIN {p}clients c ON c.consumer_key = t.consumer_key \
                 WHERE t.user_id = ? AND (t.expires_at IS NULL OR t.expires_at > ?) \
                 GROUP BY t.consumer_key ORDER BY t.consumer_key LIMIT ?"
            ),
            revoke_authorization: format!("DELETE FROM {p}token_credentials WHERE user_id = ? AND consumer_key = ?"),
            revoke_user_tokens: format!("DELETE FROM {p}token_credentials WHERE user_id = ?"),
            revoke_client_tokens: format!("DELETE FROM {p}token_credentials WHERE consumer_key = ?"),
            purge_nonces: purge(backend, &format!("{p}nonces"), "expires_at <= ?"),
            purge_temporary: purge(backend, &format!("{p}temporary_credentials"), "expires_at <= ?"),
            purge_tokens: purge(
                backend,
                &format!("{p}token_credentials"),
                "expires_at IS NOT NULL AND expires_at <= ?",
            ),
            insert_setting: format!("INSERT INTO {p}settings (name, value) VALUES (?, ?)"),
            select_setting: format!("SELECT value FROM {p}settings WHERE name = ?"),
        };
        s.with_placeholders()
    }

    /// `sql` in this backend's placeholder style: PostgreSQL numbers them (`?` → `$1`, `$2`,
    /// …; no statement here has a `?` anywhere else).
    pub(crate) fn placeholders(&self, sql: &str) -> String {
        placeholders(self.backend, sql)
    }

    fn with_placeholders(mut self) -> Self {
        let backend = self.backend;
        for s in [
            &mut self.insert_nonce,
            &mut self.insert_temporary,
            &mut self.select_temporary,
            &mut self.authorize_temporary,
            &mut self.temporary_exists,
            &mut self.select_temporary_locked,
            &mut self.take_temporary,
            &mut self.insert_token,
            &mut self.select_token,
            &mut self.revoke_token,
            &mut self.select_client,
            &mut self.client_version,
            &mut self.insert_client,
            &mut self.update_client,
            &mut self.disable_client,
            &mut self.enable_client,
            &mut self.rotate_secret,
            &mut self.authorized_applications,
            &mut self.revoke_authorization,
            &mut self.revoke_user_tokens,
            &mut self.revoke_client_tokens,
            &mut self.purge_nonces,
            &mut self.purge_temporary,
            &mut self.purge_tokens,
            &mut self.insert_setting,
            &mut self.select_setting,
        ] {
            *s = placeholders(backend, s);
        }
        self
    }
}

/// `sql` in `backend`'s placeholder style.
fn placeholders(backend: Backend, sql: &str) -> String {
    if backend != Backend::Postgres {
        return sql.to_owned();
    }
    let mut out = String::with_capacity(sql.len() + 16);
    let mut n = 0;
    for c in sql.chars() {
        if c == '?' {
            n += 1;
            out.push('$');
            out.push_str(&n.to_string());
        } else {
            out.push(c);
        }
    }
    out
}

/// At most [`PURGE_BATCH`] expired rows of `table`.
fn purge(backend: Backend, table: &str, expired: &str) -> String {
    match backend {
        Backend::Sqlite => {
            format!(
                "DELETE FROM {table} WHERE rowid IN (SELECT rowid FROM {table} WHERE {expired} LIMIT {PURGE_BATCH})"
            )
        }
        Backend::Postgres => {
            format!("DELETE FROM {table} WHERE ctid IN (SELECT ctid FROM {table} WHERE {expired} LIMIT {PURGE_BATCH})")
        }
        Backend::MySql => format!("DELETE FROM {table} WHERE {expired} LIMIT {PURGE_BATCH}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postgres_placeholders_are_numbered() {
        let pg = Statements::new(Backend::Postgres, "x_");
        assert!(pg.select_token.ends_with("WHERE token = $1 AND (expires_at IS NULL OR expires_at > $2)"));
        assert!(!pg.insert_client.contains('?'));
        let lite = Statements::new(Backend::Sqlite, "x_");
        assert!(lite.select_token.contains("token = ?"));
        assert!(lite.insert_nonce.ends_with("ON CONFLICT DO NOTHING"));
        let my = Statements::new(Backend::MySql, "x_");
        assert!(!my.insert_nonce.contains("ON CONFLICT") && !my.take_temporary.contains("RETURNING"));
        assert_eq!(pg.placeholders("a = ? AND b = ?"), "a = $1 AND b = $2");
    }
}
