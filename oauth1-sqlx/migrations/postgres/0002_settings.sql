-- oauth1-sqlx schema, version 2 (PostgreSQL): values every process on this database shares (the
-- consent page's anti-forgery key, `consent-key`, as 64 hex digits).
CREATE TABLE IF NOT EXISTS {prefix}settings (
    name  VARCHAR(64)   NOT NULL PRIMARY KEY,
    value VARCHAR(1024) NOT NULL
);
