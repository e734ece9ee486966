-- The catalog: papers, their authors (for author pages) and the daily lists.
-- Dates are ISO text (YYYY-MM-DD) and timestamps ISO-8601 UTC text in both engines, so that
-- features compare and sort them the same way everywhere.
CREATE TABLE papers (
    id              TEXT PRIMARY KEY,          -- arXiv id without version, or any stable import id
    title           TEXT NOT NULL,
    abstract        TEXT,
    authors         TEXT NOT NULL DEFAULT '[]', -- JSON array of names, in paper order
    published       TEXT,                      -- date of the first version
    updated         TEXT,                      -- date of the latest version we know of
    categories      TEXT,                      -- space-separated, primary first
    abs_url         TEXT,
    pdf_url         TEXT,
    code_url        TEXT,
    project_url     TEXT,
    github_stars    INTEGER,
    ai_summary      TEXT,
    ai_keywords     TEXT,                      -- JSON array
    comments        TEXT,
    doi             TEXT,
    journal_ref     TEXT,
    license         TEXT,
    version         INTEGER,
    withdrawn       BOOLEAN NOT NULL DEFAULT FALSE,
    source_upvotes  INTEGER NOT NULL DEFAULT 0, -- what the source (Hugging Face) reported
    source_comments INTEGER NOT NULL DEFAULT 0,
    upvotes         INTEGER NOT NULL DEFAULT 0, -- source_upvotes + member votes: the one number shown everywhere
    num_comments    INTEGER NOT NULL DEFAULT 0, -- source_comments + visible member comments
    hidden          BOOLEAN NOT NULL DEFAULT FALSE,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL              -- bumped on every change; derived indexes follow it
);
CREATE INDEX ix_papers_updated_at ON papers(updated_at);
CREATE INDEX ix_papers_published ON papers(published);

CREATE TABLE paper_authors (
    paper_id  TEXT NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    name      TEXT NOT NULL,
    name_key  TEXT NOT NULL,                   -- lower-cased, accents and punctuation folded
    PRIMARY KEY (paper_id, position)
);
CREATE INDEX ix_paper_authors_key ON paper_authors(name_key);

CREATE TABLE daily_entries (
    day                TEXT NOT NULL,          -- the featured day, YYYY-MM-DD (UTC)
    paper_id           TEXT NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
    source             TEXT NOT NULL,          -- import | harvest | member
    submitted_by_user  TEXT,
    submitted_by_name  TEXT,
    featured_at        TEXT,                   -- exact time it was featured, when known
    created_at         TEXT NOT NULL,
    PRIMARY KEY (day, paper_id)
);
CREATE INDEX ix_daily_entries_paper ON daily_entries(paper_id);
