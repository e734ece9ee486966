-- Group-only collections (issue 14): a collection shared with one group is seen by that group's
-- members (and its owner) only. It is never public at the same time (is_public = FALSE). When the
-- group is deleted the collection falls back to private to its owner: it never becomes wider.
ALTER TABLE collections ADD COLUMN group_id BIGINT REFERENCES groups(id) ON DELETE SET NULL;
CREATE INDEX ix_collections_group ON collections(group_id);
