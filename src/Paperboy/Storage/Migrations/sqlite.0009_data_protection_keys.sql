-- The key ring that protects session cookies and antiforgery tokens. It lives in the database,
-- not in each instance's data dir, so several instances on one database accept each other's
-- cookies and forms (a sign-in on one is a sign-in on all). Each row is one key as the framework
-- writes it (XML, with the key material; keep database backups as private as the data dir).
CREATE TABLE data_protection_keys (
    name        TEXT PRIMARY KEY,              -- the framework's friendly name: key-{guid}
    xml         TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
