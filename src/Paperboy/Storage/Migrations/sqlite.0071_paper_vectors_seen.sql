-- The embedding worker's look for papers without a current vector (PaperVectors.PendingAsync) is an
-- anti-join of every visible paper with its vector's seen_update. This index answers the vector side
-- alone (an index-only scan), without reading the vectors themselves (1.5 KB a row): at a million
-- papers the look took 5 s, and more than 30 s on a loaded machine, when it joined the full rows.
CREATE INDEX paper_vectors_seen ON paper_vectors (model, paper_id, seen_update);
