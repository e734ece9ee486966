-- Browser sessions, kept on the server: the session cookie carries only a random key, and a
-- session lives exactly as long as its row. Logging out, "sign out everywhere", a password
-- change and a block delete rows, so an old cookie (copied, or left on a shared computer)
-- signs nobody in afterwards. Only the SHA-256 of the key is stored.
CREATE TABLE sessions (
    key_hash    TEXT PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    ticket      TEXT NOT NULL,                 -- the framework's serialized ticket (claims, expiry), base64
    expires_at  TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expiry ON sessions (expires_at);
