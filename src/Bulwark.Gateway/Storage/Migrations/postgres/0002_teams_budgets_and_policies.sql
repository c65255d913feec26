-- PostgreSQL twin of sqlite/0002.
ALTER TABLE virtual_keys ADD COLUMN budget_tokens_per_day BIGINT;
ALTER TABLE virtual_keys ADD COLUMN guard_policy TEXT;

CREATE TABLE teams (
    name                  TEXT PRIMARY KEY,
    models                TEXT NOT NULL,
    rpm                   BIGINT,
    tpm                   BIGINT,
    budget_tokens_per_day BIGINT,
    guard_policy          TEXT,
    created_ms            BIGINT NOT NULL
);

CREATE TABLE token_usage (
    subject TEXT NOT NULL,
    day     TEXT NOT NULL,
    tokens  BIGINT NOT NULL,
    PRIMARY KEY (subject, day)
);
