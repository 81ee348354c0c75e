-- oauth1-sqlx schema, version 2 (SQLite): values every process on this database shares (the
-- consent page's anti-forgery key, `consent-key`, as 64 hex digits).
CREATE TABLE IF NOT EXISTS {prefix}settings (
    name  TEXT NOT NULL PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 64),
    value TEXT NOT NULL CHECK (length(value) <= 1024)
);
