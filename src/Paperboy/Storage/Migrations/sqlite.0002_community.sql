-- Members and what they do: accounts, API tokens, votes, comments, submissions, library,
-- collections and the moderation audit log. Flags are 0/1 here and BOOLEAN on PostgreSQL;
-- features compare them with TRUE/FALSE, which both engines accept.
CREATE TABLE users (
    id              INTEGER PRIMARY KEY,
    email           TEXT NOT NULL UNIQUE,      -- lower-cased and trimmed
    name            TEXT NOT NULL UNIQUE,      -- public handle: [A-Za-z0-9_.-], shown on comments
    password_hash   TEXT NOT NULL,             -- ASP.NET Core Identity PasswordHasher (PBKDF2)
    security_stamp  TEXT NOT NULL,             -- changes with the password: older sessions stop working
    is_admin        INTEGER NOT NULL DEFAULT 0,
    blocked         INTEGER NOT NULL DEFAULT 0,
    failed_logins   INTEGER NOT NULL DEFAULT 0,
    locked_until    TEXT,                      -- ISO-8601 UTC; sign-in refused before it
    created_at      TEXT NOT NULL
);

CREATE TABLE api_tokens (
    id            INTEGER PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    token_hash    TEXT NOT NULL UNIQUE,        -- hex SHA-256 of the token; the token itself is never stored
    prefix        TEXT NOT NULL,               -- first characters, so a member can tell tokens apart
    created_at    TEXT NOT NULL,
    last_used_at  TEXT
);
CREATE INDEX ix_api_tokens_user ON api_tokens(user_id);

CREATE TABLE password_resets (
    token_hash  TEXT PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    expires_at  TEXT NOT NULL,
    used_at     TEXT
);

-- One vote per member per paper; the primary key is what makes racing double votes impossible.
CREATE TABLE votes (
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    paper_id    TEXT NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (user_id, paper_id)
);
CREATE INDEX ix_votes_paper ON votes(paper_id);

CREATE TABLE comments (
    id          INTEGER PRIMARY KEY,
    paper_id    TEXT NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    parent_id   INTEGER REFERENCES comments(id),
    body        TEXT NOT NULL,                 -- Markdown as typed; rendered through the safe subset on display
    created_at  TEXT NOT NULL,
    edited_at   TEXT,
    deleted     INTEGER NOT NULL DEFAULT 0,    -- by its author: body blanked, kept so replies keep their thread
    hidden      INTEGER NOT NULL DEFAULT 0     -- by a moderator
);
CREATE INDEX ix_comments_paper ON comments(paper_id, created_at);

-- Member submissions to a day's list; daily_entries holds the feature itself.
CREATE TABLE submissions (
    day         TEXT NOT NULL,
    paper_id    TEXT NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (day, paper_id)
);
CREATE INDEX ix_submissions_user ON submissions(user_id, day);

CREATE TABLE library_items (
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    paper_id    TEXT NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (user_id, paper_id)
);

CREATE TABLE collections (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    is_public   INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT NOT NULL,
    UNIQUE (user_id, name)
);

CREATE TABLE collection_items (
    collection_id  INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
    paper_id       TEXT NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
    created_at     TEXT NOT NULL,
    PRIMARY KEY (collection_id, paper_id)
);

CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    actor_id    INTEGER REFERENCES users(id),
    actor_name  TEXT NOT NULL,                 -- kept as text so the log outlives the account
    action      TEXT NOT NULL,                 -- hide-paper, hide-comment, block-user, edit-links, ...
    target      TEXT NOT NULL,
    detail      TEXT,
    created_at  TEXT NOT NULL
);
