-- Email digests: anonymous subscriptions with double opt-in, the tokens mailed to them, and an
-- outbox that makes each digest go out exactly once (SPEC §8).
CREATE TABLE subscriptions (
    id               INTEGER PRIMARY KEY,
    email            TEXT NOT NULL UNIQUE,      -- trimmed, lower-cased
    frequency        TEXT NOT NULL,             -- daily | weekly
    status           TEXT NOT NULL,             -- pending | confirmed | unsubscribed
    created_at       TEXT NOT NULL,
    confirmed_at     TEXT,
    unsubscribed_at  TEXT
);
CREATE INDEX ix_subscriptions_due ON subscriptions(status, frequency);

-- Only a SHA-256 hash of each token is kept: a leaked database cannot confirm or unsubscribe anyone.
-- A token acts for one subscription and one purpose only.
CREATE TABLE subscription_tokens (
    token_hash       TEXT PRIMARY KEY,          -- hex SHA-256 of the token mailed out
    subscription_id  INTEGER NOT NULL REFERENCES subscriptions(id) ON DELETE CASCADE,
    purpose          TEXT NOT NULL,             -- confirm | unsubscribe
    frequency        TEXT,                      -- confirm: the frequency asked for
    created_at       TEXT NOT NULL,
    expires_at       TEXT,                      -- NULL: never
    used_at          TEXT
);
CREATE INDEX ix_subscription_tokens_subscription ON subscription_tokens(subscription_id);

-- One row per message. UNIQUE (subscription, kind, period) is what makes composing idempotent.
CREATE TABLE outbox (
    id               INTEGER PRIMARY KEY,
    subscription_id  INTEGER NOT NULL REFERENCES subscriptions(id) ON DELETE CASCADE,
    kind             TEXT NOT NULL,             -- confirm | daily | weekly
    period           TEXT NOT NULL,             -- daily: YYYY-MM-DD, weekly: YYYY-Www, confirm: the token's hash prefix
    recipient        TEXT NOT NULL,
    subject          TEXT NOT NULL,
    html             TEXT,                      -- cleared once sent (it holds an unsubscribe token)
    text             TEXT,
    unsubscribe_url  TEXT,
    status           TEXT NOT NULL,             -- pending | sent | failed | cancelled
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TEXT NOT NULL,
    claimed_by       TEXT,                      -- the sender holding the lease
    claimed_until    TEXT,
    last_error       TEXT,
    created_at       TEXT NOT NULL,
    sent_at          TEXT,
    UNIQUE (subscription_id, kind, period)
);
CREATE INDEX ix_outbox_due ON outbox(status, next_attempt_at);

-- When each digest was composed, and when the scheduler last ran, so a restart catches up once.
CREATE TABLE digest_runs (
    kind        TEXT NOT NULL,                  -- daily | weekly | schedule
    period      TEXT NOT NULL,
    ran_at      TEXT NOT NULL,
    composed    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (kind, period)
);
