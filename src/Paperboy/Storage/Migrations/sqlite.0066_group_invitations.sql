-- Invitations to a group by email (issue 14): a link mailed through the outbox, one use, 7 days.
-- Only the SHA-256 of the token is stored. The link joins the account whose address is the one invited.
CREATE TABLE group_invitations (
    id               INTEGER PRIMARY KEY,
    group_id         INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    email            TEXT NOT NULL,            -- normalized like users.email
    token_hash       TEXT NOT NULL UNIQUE,
    invited_by_name  TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    expires_at       TEXT NOT NULL,
    accepted_at      TEXT,
    accepted_by      INTEGER REFERENCES users(id) ON DELETE SET NULL,
    revoked_at       TEXT
);
CREATE INDEX ix_group_invitations_group ON group_invitations(group_id);
