-- oauth1-sqlx schema, version 1 (SQLite). `{prefix}` is the table prefix (default `oauth1_`).
-- Lengths are in bytes and checked by the store before every write; the CHECKs are a backstop
-- (SQLite's length() counts characters). Times are Unix seconds.

-- Registered clients (RFC 5849 §3.1: consumer key, shared secret, RSA keys).
CREATE TABLE IF NOT EXISTS {prefix}clients (
    consumer_key      TEXT    NOT NULL PRIMARY KEY CHECK (length(consumer_key) BETWEEN 1 AND 255),
    secret            TEXT        NULL CHECK (secret IS NULL OR length(secret) BETWEEN 1 AND 255),
    name              TEXT    NOT NULL CHECK (length(name) <= 255),
    callbacks         TEXT    NOT NULL CHECK (length(callbacks) <= 16384),
    rsa_public_keys   TEXT    NOT NULL CHECK (length(rsa_public_keys) <= 32768),
    signature_methods TEXT        NULL CHECK (signature_methods IS NULL OR length(signature_methods) <= 1024),
    metadata          TEXT    NOT NULL CHECK (length(metadata) <= 8192),
    disabled_at       INTEGER     NULL,
    version           INTEGER NOT NULL,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL
);

-- Temporary credentials (RFC 5849 §2.1), authorized once (§2.2), exchanged once (§2.3).
CREATE TABLE IF NOT EXISTS {prefix}temporary_credentials (
    token        TEXT    NOT NULL PRIMARY KEY CHECK (length(token) BETWEEN 1 AND 255),
    secret       TEXT    NOT NULL CHECK (length(secret) <= 255),
    consumer_key TEXT    NOT NULL CHECK (length(consumer_key) <= 255),
    callback     TEXT    NOT NULL CHECK (length(callback) <= 2048),
    realm        TEXT        NULL CHECK (realm IS NULL OR length(realm) <= 256),
    expires_at   INTEGER NOT NULL,
    user_id      TEXT        NULL CHECK (user_id IS NULL OR length(user_id) <= 256),
    verifier     TEXT        NULL CHECK (verifier IS NULL OR length(verifier) <= 255),
    created_at   INTEGER NOT NULL
);
-- The purge.
CREATE INDEX IF NOT EXISTS {prefix}temporary_credentials_expires_at ON {prefix}temporary_credentials (expires_at);

-- Token credentials (RFC 5849 §2.3).
CREATE TABLE IF NOT EXISTS {prefix}token_credentials (
    token        TEXT    NOT NULL PRIMARY KEY CHECK (length(token) BETWEEN 1 AND 255),
    secret       TEXT    NOT NULL CHECK (length(secret) <= 255),
    consumer_key TEXT    NOT NULL CHECK (length(consumer_key) <= 255),
    user_id      TEXT    NOT NULL CHECK (length(user_id) <= 256),
    realm        TEXT        NULL CHECK (realm IS NULL OR length(realm) <= 256),
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER     NULL
);
-- A user's authorized applications; revoking one.
CREATE INDEX IF NOT EXISTS {prefix}token_credentials_user ON {prefix}token_credentials (user_id, consumer_key);
-- Revoking every token of a client.
CREATE INDEX IF NOT EXISTS {prefix}token_credentials_client ON {prefix}token_credentials (consumer_key);
-- The purge.
CREATE INDEX IF NOT EXISTS {prefix}token_credentials_expires_at ON {prefix}token_credentials (expires_at);

-- Nonces (RFC 5849 §3.3): one row per (consumer key, token, timestamp, nonce); token '' when none.
CREATE TABLE IF NOT EXISTS {prefix}nonces (
    consumer_key TEXT    NOT NULL CHECK (length(consumer_key) <= 255),
    token        TEXT    NOT NULL CHECK (length(token) <= 255),
    ts           INTEGER NOT NULL,
    nonce        TEXT    NOT NULL CHECK (length(nonce) <= 255),
    expires_at   INTEGER NOT NULL,
    PRIMARY KEY (consumer_key, token, ts, nonce)
);
-- The purge.
CREATE INDEX IF NOT EXISTS {prefix}nonces_expires_at ON {prefix}nonces (expires_at);
