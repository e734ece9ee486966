-- Personal recommendations: a member's "not interested" marks and their one setting row
-- (community/personal blend, reset time, private feed token). The trained model itself is
-- derived state, kept in memory and rebuilt from these rows and votes/library/collections.
CREATE TABLE not_interested (
    user_id     BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    paper_id    TEXT NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (user_id, paper_id)
);

CREATE TABLE recommendation_settings (
    user_id             BIGINT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    personal_percent    INTEGER NOT NULL DEFAULT 80,   -- 0 = community ranking only, 100 = personal only
    reset_at            TEXT,                          -- signals older than this are ignored by the model
    feed_token_hash     TEXT UNIQUE,                   -- hex SHA-256 of the private feed token; NULL: no feed
    feed_token_created  TEXT
);
