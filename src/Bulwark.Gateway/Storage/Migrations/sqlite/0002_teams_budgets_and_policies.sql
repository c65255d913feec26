-- Daily token budgets and named guard policies on keys.
ALTER TABLE virtual_keys ADD COLUMN budget_tokens_per_day INTEGER;   -- NULL: no daily budget
ALTER TABLE virtual_keys ADD COLUMN guard_policy TEXT;               -- a name from guards.policies; NULL: the team's, the model's or the default

-- Teams: limits shared by all the team's keys. A key's team needs no row here (a team without a policy).
CREATE TABLE teams (
    name                  TEXT PRIMARY KEY,
    models                TEXT NOT NULL,   -- comma-separated allow-list; empty means every configured model
    rpm                   INTEGER,         -- requests per minute, shared by the team's keys; NULL: unlimited
    tpm                   INTEGER,         -- tokens per minute, shared; NULL: unlimited
    budget_tokens_per_day INTEGER,         -- shared daily budget; NULL: none
    guard_policy          TEXT,            -- a name from guards.policies; NULL: the model's or the default
    created_ms            INTEGER NOT NULL
);

-- Model tokens used per UTC day, by subject ('key:key_…' or 'team:NAME'). The gateway counts in memory and adds
-- its deltas here every second and at shutdown, so a restart keeps the day's usage.
CREATE TABLE token_usage (
    subject TEXT NOT NULL,
    day     TEXT NOT NULL,                 -- yyyy-MM-dd, UTC
    tokens  INTEGER NOT NULL,
    PRIMARY KEY (subject, day)
) WITHOUT ROWID;
