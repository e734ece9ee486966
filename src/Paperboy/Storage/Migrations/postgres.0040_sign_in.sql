-- Single sign-on and email verification (issue 14).
-- email_verified_at: when the member proved they read mail at their address (a link mailed at
-- registration, a password reset link, or a provider that vouches for it). NULL: not proved; such
-- an account is never linked to a single sign-on identity. Accounts from before this migration
-- start unverified: nothing ever proved their address.
ALTER TABLE users ADD COLUMN email_verified_at TEXT;

-- Links from a provider's identity (issuer + subject, stable at the provider even when the email
-- changes) to a member. A member may have one per provider; an identity belongs to one member.
CREATE TABLE sso_logins (
    issuer        TEXT NOT NULL,
    subject       TEXT NOT NULL,
    user_id       BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    email         TEXT NOT NULL,               -- the address the provider gave at the last sign-in
    created_at    TEXT NOT NULL,
    last_used_at  TEXT NOT NULL,
    PRIMARY KEY (issuer, subject)
);
CREATE INDEX sso_logins_user ON sso_logins (user_id);

-- Links mailed to confirm an address; only the SHA-256 of the token is stored. The address is
-- kept with it, so a link confirms only the address it was mailed to.
CREATE TABLE email_confirmations (
    token_hash  TEXT PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    email       TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    used_at     TEXT
);
CREATE INDEX email_confirmations_user ON email_confirmations (user_id);
