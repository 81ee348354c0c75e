-- oauth1-sqlx schema, version 1 (PostgreSQL). `{prefix}` is the table prefix (default `oauth1_`).
-- Lengths are in bytes and checked by the store before every write; the column types are a
-- backstop. Times are Unix seconds.

-- Registered clients (RFC 5849 §3.1: consumer key, shared secret, RSA keys).
CREATE TABLE IF NOT EXISTS {prefix}clients (
    consumer_key      VARCHAR(255) NOT NULL PRIMARY KEY,
    secret            VARCHAR(255)     NULL,
    name              VARCHAR(255) NOT NULL,
    callbacks         TEXT         NOT NULL CHECK (octet_length(callbacks) <= 16384),
    rsa_public_keys   TEXT         NOT NULL CHECK (octet_length(rsa_public_keys) <= 32768),
    signature_methods TEXT             NULL CHECK (octet_length(signature_methods) <= 1024),
    metadata          TEXT         NOT NULL CHECK (octet_length(metadata) <= 8192),
    disabled_at       BIGINT           NULL,
    version           BIGINT       NOT NULL,
    created_at        BIGINT       NOT NULL,
    updated_at        BIGINT       NOT NULL
);

-- Temporary credentials (RFC 5849 §2.1), authorized once (§2.2), exchanged once (§2.3).
CREATE TABLE IF NOT EXISTS {prefix}temporary_credentials (
    token        VARCHAR(255)  NOT NULL PRIMARY KEY,
    secret       VARCHAR(255)  NOT NULL,
    consumer_key VARCHAR(255)  NOT NULL,
    callback     VARCHAR(2048) NOT NULL,
    realm        VARCHAR(256)      NULL,
    expires_at   BIGINT        NOT NULL,
    user_id      VARCHAR(256)      NULL,
    verifier     VARCHAR(255)      NULL,
    created_at   BIGINT        NOT NULL
);
-- The purge.
CREATE INDEX IF NOT EXISTS {prefix}temporary_credentials_expires_at ON {prefix}temporary_credentials (expires_at);

-- Token credentials (RFC 5849 §2.3).
CREATE TABLE IF NOT EXISTS {prefix}token_credentials (
    token        VARCHAR(255) NOT NULL PRIMARY KEY,
    secret       VARCHAR(255) NOT NULL,
    consumer_key VARCHAR(255) NOT NULL,
    user_id      VARCHAR(256) NOT NULL,
    realm        VARCHAR(256)     NULL,
    created_at   BIGINT       NOT NULL,
    expires_at   BIGINT           NULL
);
-- A user's authorized applications; revoking one.
CREATE INDEX IF NOT EXISTS {prefix}token_credentials_user ON {prefix}token_credentials (user_id, consumer_key);
-- Revoking every token of a client.
CREATE INDEX IF NOT EXISTS {prefix}token_credentials_client ON {prefix}token_credentials (consumer_key);
-- The purge.
CREATE INDEX IF NOT EXISTS {prefix}token_credentials_expires_at ON {prefix}token_credentials (expires_at);

-- Nonces (RFC 5849 §3.3): one row per (consumer key, token, timestamp, nonce); token '' when none.
CREATE TABLE IF NOT EXISTS {prefix}nonces (
    consumer_key VARCHAR(255) NOT NULL,
    token        VARCHAR(255) NOT NULL,
    ts           BIGINT       NOT NULL,
    nonce        VARCHAR(255) NOT NULL,
    expires_at   BIGINT       NOT NULL,
    PRIMARY KEY (consumer_key, token, ts, nonce)
);
-- The purge.
CREATE INDEX IF NOT EXISTS {prefix}nonces_expires_at ON {prefix}nonces (expires_at);
