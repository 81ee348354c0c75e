-- oauth1-sqlx schema, version 1 (MySQL 8 / MariaDB 10.5+). `{prefix}` is the table prefix
-- (default `oauth1_`). Every text column compares bytes (utf8mb4_bin): with a case-insensitive
-- collation `abc` and `ABC` would be one consumer key, one token, one nonce. Lengths are in bytes
-- and checked by the store before every write; the column types are a backstop. Times are Unix
-- seconds. The nonce key is 3 x 255 characters x 4 bytes + 8 = 3,068 bytes, within InnoDB's
-- 3,072 (DYNAMIC rows, the default).

-- Registered clients (RFC 5849 §3.1: consumer key, shared secret, RSA keys).
CREATE TABLE IF NOT EXISTS {prefix}clients (
    consumer_key      VARCHAR(255) NOT NULL PRIMARY KEY,
    secret            VARCHAR(255)     NULL,
    name              VARCHAR(255) NOT NULL,
    callbacks         TEXT         NOT NULL,
    rsa_public_keys   TEXT         NOT NULL,
    signature_methods TEXT             NULL,
    metadata          TEXT         NOT NULL,
    disabled_at       BIGINT           NULL,
    version           BIGINT       NOT NULL,
    created_at        BIGINT       NOT NULL,
    updated_at        BIGINT       NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

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
    created_at   BIGINT        NOT NULL,
    -- The purge.
    INDEX {prefix}temporary_credentials_expires_at (expires_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Token credentials (RFC 5849 §2.3).
CREATE TABLE IF NOT EXISTS {prefix}token_credentials (
    token        VARCHAR(255) NOT NULL PRIMARY KEY,
    secret       VARCHAR(255) NOT NULL,
    consumer_key VARCHAR(255) NOT NULL,
    user_id      VARCHAR(256) NOT NULL,
    realm        VARCHAR(256)     NULL,
    created_at   BIGINT       NOT NULL,
    expires_at   BIGINT           NULL,
    -- A user's authorized applications; revoking one.
    INDEX {prefix}token_credentials_user (user_id, consumer_key),
    -- Revoking every token of a client.
    INDEX {prefix}token_credentials_client (consumer_key),
    -- The purge.
    INDEX {prefix}token_credentials_expires_at (expires_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Nonces (RFC 5849 §3.3): one row per (consumer key, token, timestamp, nonce); token '' when none.
CREATE TABLE IF NOT EXISTS {prefix}nonces (
    consumer_key VARCHAR(255) NOT NULL,
    token        VARCHAR(255) NOT NULL,
    ts           BIGINT       NOT NULL,
    nonce        VARCHAR(255) NOT NULL,
    expires_at   BIGINT       NOT NULL,
    PRIMARY KEY (consumer_key, token, ts, nonce),
    -- The purge.
    INDEX {prefix}nonces_expires_at (expires_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
