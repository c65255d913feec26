-- PostgreSQL twin of sqlite/0001: every integer is BIGINT (PostgreSQL's integer is 32-bit; times are Unix milliseconds).
CREATE TABLE virtual_keys (
    id          TEXT PRIMARY KEY,
    key_hash    BYTEA NOT NULL UNIQUE,
    team        TEXT NOT NULL,
    models      TEXT NOT NULL,
    rpm         BIGINT,
    tpm         BIGINT,
    created_ms  BIGINT NOT NULL,
    revoked_ms  BIGINT
);

CREATE TABLE audit_records (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    request_id        TEXT NOT NULL,
    time_ms           BIGINT NOT NULL,
    key_id            TEXT,
    team              TEXT,
    route             TEXT NOT NULL,
    model             TEXT,
    upstream          TEXT,
    stream            BIGINT NOT NULL,
    status            BIGINT NOT NULL,
    latency_ms        DOUBLE PRECISION NOT NULL,
    prompt_tokens     BIGINT,
    completion_tokens BIGINT,
    total_tokens      BIGINT,
    verdict           TEXT NOT NULL,
    rules             TEXT NOT NULL,
    error             TEXT,
    excerpt           TEXT
);
CREATE INDEX audit_records_time ON audit_records (time_ms);
CREATE INDEX audit_records_key ON audit_records (key_id, time_ms);
