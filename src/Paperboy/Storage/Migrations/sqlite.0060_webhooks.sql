-- Webhooks (issue #15): a member's (or a group's) URL that saved-search alerts and the daily digest are
-- posted to, and an outbox of deliveries of its own. The secret signs each body (HMAC-SHA256); it
-- cannot be hashed like a token because the sender needs it. A hook is paused after repeated
-- failures (paused_at, pause_reason) until its owner resumes it.
CREATE TABLE webhooks (
    id                    INTEGER PRIMARY KEY,
    user_id               INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,   -- the owner, told when it is paused
    group_id              INTEGER REFERENCES groups(id) ON DELETE CASCADE,           -- NULL: the member's own hook
    url                   TEXT NOT NULL,
    events                TEXT NOT NULL,             -- comma-separated: digest, alerts
    secret                TEXT NOT NULL,             -- 64 hex characters (32 random bytes)
    created_at            TEXT NOT NULL,
    consecutive_failures  INTEGER NOT NULL DEFAULT 0,
    last_delivery_at      TEXT,
    last_error            TEXT,
    paused_at             TEXT,
    pause_reason          TEXT
);
CREATE INDEX ix_webhooks_user ON webhooks(user_id);

-- One row per event and hook. UNIQUE (webhook, event, period) makes composing idempotent (twice, or on
-- two instances); a lease (claimed_by, claimed_until) makes sending exclusive, as in outbox.
CREATE TABLE webhook_deliveries (
    id               INTEGER PRIMARY KEY,
    webhook_id       INTEGER NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
    event            TEXT NOT NULL,             -- digest | alerts
    period           TEXT NOT NULL,             -- digest: YYYY-MM-DD, alerts: {saved search id}/YYYY-MM-DD
    body             TEXT,                      -- the exact JSON posted; cleared once sent
    status           TEXT NOT NULL,             -- pending | sent | failed
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TEXT NOT NULL,
    claimed_by       TEXT,
    claimed_until    TEXT,
    last_error       TEXT,
    created_at       TEXT NOT NULL,
    sent_at          TEXT,
    UNIQUE (webhook_id, event, period)
);
CREATE INDEX ix_webhook_deliveries_due ON webhook_deliveries(status, next_attempt_at);
