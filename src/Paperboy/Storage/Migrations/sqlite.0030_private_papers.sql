-- Groups (a lab, a reading group, a team) and the papers only members, or one group, may see.
-- A private paper is an ordinary row of papers with hidden = TRUE, so every public query, which
-- already leaves hidden papers out, leaves it out too (fail closed); only visibility-aware
-- queries that name private_papers show it to those allowed.
CREATE TABLE groups (
    id          INTEGER PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE,          -- [a-z0-9-], the address /groups/{slug}
    name        TEXT NOT NULL,
    description TEXT,
    created_at  TEXT NOT NULL
);

CREATE TABLE group_members (
    group_id   INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    added_at   TEXT NOT NULL,
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX ix_group_members_user ON group_members(user_id);

CREATE TABLE private_papers (
    paper_id    TEXT PRIMARY KEY REFERENCES papers(id) ON DELETE CASCADE,
    owner_id    INTEGER REFERENCES users(id) ON DELETE SET NULL,
    group_id    INTEGER REFERENCES groups(id) ON DELETE CASCADE,  -- NULL: every member may see it
    full_text   TEXT,                          -- read from the PDF, for the members' search
    linked_to   TEXT REFERENCES papers(id) ON DELETE SET NULL,  -- the arXiv paper it became
    created_at  TEXT NOT NULL
);
CREATE INDEX ix_private_papers_group ON private_papers(group_id);

-- The uploaded PDF, in the database so every instance serves it and backups and exports carry it.
CREATE TABLE private_pdfs (
    paper_id    TEXT PRIMARY KEY REFERENCES private_papers(paper_id) ON DELETE CASCADE,
    file_name   TEXT NOT NULL,
    size_bytes  INTEGER NOT NULL,
    sha256      TEXT NOT NULL,
    content     BLOB NOT NULL
);
