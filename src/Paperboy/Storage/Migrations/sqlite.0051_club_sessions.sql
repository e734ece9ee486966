-- Journal club (issue #15): a paper scheduled for a session. starts_at is UTC (ISO-8601 text like every
-- timestamp); pages show it in PAPERBOY_TIMEZONE, where members entered it. Links are http(s) only.
CREATE TABLE club_sessions (
    id                INTEGER PRIMARY KEY,
    paper_id          TEXT NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
    starts_at         TEXT NOT NULL,
    duration_minutes  INTEGER NOT NULL,
    presenter         TEXT NOT NULL,
    location          TEXT,                      -- a room, or an http(s) link to a call
    notes_url         TEXT,
    slides_url        TEXT,
    created_by        INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL
);
CREATE INDEX ix_club_sessions_starts ON club_sessions(starts_at);
