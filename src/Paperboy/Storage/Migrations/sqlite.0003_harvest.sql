-- Live harvesting (SPEC §5): one row per source ('hf', 'arxiv:cs', ...). The checkpoint is
-- written in the same transaction as the papers of the page or day it covers, so a crash
-- resumes exactly where the last commit left off: no gap, no duplicate.
CREATE TABLE harvest_state (
    source          TEXT PRIMARY KEY,
    cursor          TEXT,          -- hf: last day harvested with no failed day before it; arxiv: `from` of the next run
    resume          TEXT,          -- arxiv: JSON of the interrupted run (resumptionToken, from, until, started, page)
    last_attempt_at TEXT,
    last_success_at TEXT,
    last_summary    TEXT,          -- what the last finished run brought, for people
    last_new        INTEGER NOT NULL DEFAULT 0,
    last_updated    INTEGER NOT NULL DEFAULT 0,
    last_rejected   INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT,
    last_error_at   TEXT,
    last_error_kind TEXT,          -- unreachable | failed | partial
    lease_owner     TEXT,          -- 'host:pid:guid' of the process harvesting this source now
    lease_until     TEXT           -- the lease is void after this time (a crashed holder)
);
