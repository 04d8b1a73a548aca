-- Each window listing's search vector, made once instead of by every match that reads it: a cycle used to make the
-- vectors of the listings it matched, the whole window (a week of abstracts, seconds of to_tsvector) whenever
-- someone due had no digest yet, and so did every preview. The planner's first step makes the vectors the window
-- lacks (index-window-listings) and forgets those of listings that left it; a match reads these through their GIN
-- index and makes on the spot only what is missing or stale (text_at: the listing's updated_at when it was made).
-- Unlogged: after a crash PostgreSQL empties it, and the next cycle makes it again.
CREATE UNLOGGED TABLE IF NOT EXISTS listing_vectors (
    listing_id    bigint PRIMARY KEY,
    first_seen_at timestamptz NOT NULL,
    first_xid     xid8 NOT NULL,
    text_at       timestamptz NOT NULL,
    search        tsvector NOT NULL
);
-- Without a pending list (fastupdate off): every match reads the index thousands of times a cycle, and a pending
-- list is scanned whole by each read until a vacuum merges it; a day's listings are added once, a little slower.
CREATE INDEX IF NOT EXISTS listing_vectors_search_idx ON listing_vectors USING gin (search) WITH (fastupdate = off);
