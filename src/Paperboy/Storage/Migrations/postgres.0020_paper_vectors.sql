-- The built-in model's vector of every paper, computed once for the whole installation: several
-- instances on one database share them, so no paper is embedded twice. A vector is current while
-- its text hash matches the paper's title and abstract; seen_update is the papers.updated_at it was
-- last checked against, so only papers changed since are looked at again. Derived data: deleting
-- the rows only costs the time to embed again.
CREATE TABLE paper_vectors (
    paper_id     TEXT NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
    model        TEXT NOT NULL,                 -- e.g. all-MiniLM-L6-v2 (with @N when truncated otherwise)
    text_hash    TEXT NOT NULL,                 -- first 16 bytes of SHA-256 of the embedded text, hex
    seen_update  TEXT NOT NULL,
    vector       BYTEA NOT NULL,                 -- float32 little-endian
    embedded_at  TEXT NOT NULL,
    PRIMARY KEY (model, paper_id)
);
CREATE INDEX paper_vectors_by_time ON paper_vectors (model, embedded_at);

-- Who does a piece of background work that only one instance should do at a time (embedding).
CREATE TABLE work_leases (
    name   TEXT PRIMARY KEY,
    owner  TEXT NOT NULL,
    until  TEXT NOT NULL
);
