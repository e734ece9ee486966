-- Every distinct record an import has applied, by a hash of its content. Sources disagree
-- (Hugging Face and arXiv listings wrap, date and spell the same paper differently), so with
-- "stated fields win" two files would overwrite each other on every re-import; a record seen
-- before is skipped instead, which makes re-importing any set of files change nothing.
CREATE TABLE import_fingerprints (
    paper_id    TEXT NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
    fingerprint TEXT NOT NULL,                 -- hex SHA-256 of the record as the reader produced it
    PRIMARY KEY (paper_id, fingerprint)
);
