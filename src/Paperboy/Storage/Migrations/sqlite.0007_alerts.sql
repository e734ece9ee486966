-- Members' subscriptions, saved searches and their alerts (issue #5).

-- A subscription tied to a member's account is managed from /settings without a mail round trip.
-- It is tied only when a confirmation link mailed to the address is opened, so registering with
-- someone else's address never shows or changes their subscription.
ALTER TABLE subscriptions ADD COLUMN user_id INTEGER REFERENCES users(id) ON DELETE SET NULL;
CREATE INDEX ix_subscriptions_user ON subscriptions(user_id);
-- confirm: the member who asked (tied on confirmation). alert-stop: the saved search the link turns off.
ALTER TABLE subscription_tokens ADD COLUMN user_id INTEGER REFERENCES users(id) ON DELETE CASCADE;
ALTER TABLE subscription_tokens ADD COLUMN saved_search_id INTEGER;

-- A search (query and every filter of /search) a member keeps, and how its new matches reach them.
CREATE TABLE saved_searches (
    id             INTEGER PRIMARY KEY,
    user_id        INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name           TEXT NOT NULL,
    query          TEXT NOT NULL,
    mode           TEXT,                      -- hybrid | keyword | semantic (NULL: hybrid)
    sort           TEXT,                      -- relevance | newest | upvotes (NULL: relevance)
    date_from      TEXT,                      -- YYYY-MM-DD
    date_to        TEXT,
    category       TEXT,
    author         TEXT,
    delivery       TEXT NOT NULL,             -- digest | email | none
    created_at     TEXT NOT NULL,
    -- The alert watermark: papers whose created_at is in (window_from, alerted_until] went out under
    -- window_key (the outbox kind and period). A run for the same key reuses that window, so a run
    -- that crashed before its outbox row was written sends the same papers when it runs again.
    alerted_until  TEXT NOT NULL,
    window_from    TEXT,
    window_key     TEXT
);
CREATE INDEX ix_saved_searches_user ON saved_searches(user_id);
CREATE INDEX ix_saved_searches_delivery ON saved_searches(delivery);

-- "Papers added since the last alert" is a range over this column.
CREATE INDEX ix_papers_created_at ON papers(created_at);
