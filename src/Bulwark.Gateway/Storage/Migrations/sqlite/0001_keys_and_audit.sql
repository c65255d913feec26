-- Virtual keys: only the SHA-256 of each key is kept; the key itself is shown once, at creation.
CREATE TABLE virtual_keys (
    id          TEXT PRIMARY KEY,
    key_hash    BLOB NOT NULL UNIQUE,
    team        TEXT NOT NULL,
    models      TEXT NOT NULL,           -- comma-separated allow-list; empty means every configured model
    rpm         INTEGER,                 -- requests per minute; NULL: the gateway's default
    tpm         INTEGER,                 -- tokens per minute; NULL: unlimited
    created_ms  INTEGER NOT NULL,
    revoked_ms  INTEGER
);

-- One row per request the gateway answered, whatever the outcome.
CREATE TABLE audit_records (
    id                INTEGER PRIMARY KEY,
    request_id        TEXT NOT NULL,
    time_ms           INTEGER NOT NULL,    -- Unix milliseconds, UTC
    key_id            TEXT,
    team              TEXT,
    route             TEXT NOT NULL,
    model             TEXT,
    upstream          TEXT,
    stream            INTEGER NOT NULL,
    status            INTEGER NOT NULL,
    latency_ms        REAL NOT NULL,
    prompt_tokens     INTEGER,
    completion_tokens INTEGER,
    total_tokens      INTEGER,
    verdict           TEXT NOT NULL,       -- allow | redact | block
    rules             TEXT NOT NULL,       -- space-separated rule ids behind the verdict
    error             TEXT,                -- the error code given to the client, if any
    excerpt           TEXT                 -- per audit.prompt-excerpt: NULL, a hash, or redacted text
);
CREATE INDEX audit_records_time ON audit_records (time_ms);
CREATE INDEX audit_records_key ON audit_records (key_id, time_ms);
