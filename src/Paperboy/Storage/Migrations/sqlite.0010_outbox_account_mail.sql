-- Account mail (password resets) goes through the outbox like digests, for the same SMTP settings,
-- retries and exactly-once sending. Such a row belongs to a member, not to a subscription, so
-- subscription_id may be NULL (kind 'reset'; NULLs never collide in the UNIQUE key, and each reset
-- has a period of its own anyway). SQLite cannot drop a NOT NULL in place: the table is rebuilt.
CREATE TABLE outbox_new (
    id               INTEGER PRIMARY KEY,
    subscription_id  INTEGER REFERENCES subscriptions(id) ON DELETE CASCADE,  -- NULL: account mail (reset)
    kind             TEXT NOT NULL,             -- confirm | daily | weekly | alert | reset
    period           TEXT NOT NULL,             -- daily: YYYY-MM-DD, weekly: YYYY-Www, confirm and reset: the token's hash prefix
    recipient        TEXT NOT NULL,
    subject          TEXT NOT NULL,
    html             TEXT,                      -- cleared once sent (it holds an unsubscribe or reset token)
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
INSERT INTO outbox_new (id, subscription_id, kind, period, recipient, subject, html, text, unsubscribe_url, status, attempts,
                        next_attempt_at, claimed_by, claimed_until, last_error, created_at, sent_at)
SELECT id, subscription_id, kind, period, recipient, subject, html, text, unsubscribe_url, status, attempts,
       next_attempt_at, claimed_by, claimed_until, last_error, created_at, sent_at FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX ix_outbox_due ON outbox(status, next_attempt_at);
