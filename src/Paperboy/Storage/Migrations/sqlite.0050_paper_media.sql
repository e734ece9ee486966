-- What Hugging Face shows with a paper beyond its metadata (issue #15): the id of its discussion
-- thread, the media its submitter attached, and its thumbnail. Kept apart from papers because only
-- one source says it; /api/papers/{id} answers discussionId and mediaUrls from here.
CREATE TABLE paper_media (
    paper_id       TEXT PRIMARY KEY REFERENCES papers(id) ON DELETE CASCADE,
    discussion_id  TEXT,                       -- Hugging Face's discussion id (24 hex digits)
    media_urls     TEXT,                       -- JSON array of http(s) URLs
    thumbnail_url  TEXT                        -- the source's picture of the paper, an http(s) URL
);
