-- A paper's picture on cards and its page (issue #15): fetched once from paper_media.thumbnail_url,
-- resized to a small WebP and kept in the database, so every instance serves it from our own origin
-- (the Content-Security-Policy stays img-src 'self') and backups and exports carry it.
-- One row per paper that was tried, whatever came of it, so a bad picture is never fetched again:
-- only a new source_url (or, for network failures, retry_after) brings the worker back.
CREATE TABLE paper_thumbnails (
    paper_id     TEXT PRIMARY KEY REFERENCES papers(id) ON DELETE CASCADE,
    source_url   TEXT NOT NULL,                -- the URL last tried
    status       TEXT NOT NULL,                -- stored | bad (not an image, too big...) | failed (network; retried) | refused (host not allowed)
    error        TEXT,                         -- why it is not stored, for the operator
    attempts     BIGINT NOT NULL DEFAULT 0,   -- network failures in a row
    retry_after  TEXT,                         -- failed: not tried again before this time
    width        BIGINT,
    height       BIGINT,
    etag         TEXT,                         -- hash of content: the ETag and the ?v= of its address
    content      BYTEA,                         -- WebP; kept when a newer source_url turns out bad
    fetched_at   TEXT NOT NULL
);
