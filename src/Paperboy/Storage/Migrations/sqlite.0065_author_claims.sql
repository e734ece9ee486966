-- Author claims (issue 14): a member says "this is me" about an author name. The claim is keyed by
-- the author page's key (papers' paper_authors.name_key), so an approved claim covers exactly the
-- papers its author page lists. status: pending → approved | rejected; approved → revoked.
CREATE TABLE author_claims (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name        TEXT NOT NULL,                 -- the name as the papers spell it
    name_key    TEXT NOT NULL,
    status      TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    decided_at  TEXT,
    decided_by  TEXT                           -- the admin's name, or 'automatic'
);
-- One approved member per author name: a second member needs an admin to revoke the first claim.
CREATE UNIQUE INDEX ux_author_claims_approved ON author_claims(name_key) WHERE status = 'approved';
CREATE INDEX ix_author_claims_user ON author_claims(user_id);
