-- name: lock-topics
-- Finds or creates the one row for each canonical topic text (the compiled tsquery is stored with it), for a
-- batch of people at once. Every topic found is locked (FOR KEY SHARE) until the caller's transaction has stored
-- who follows it: retention never deletes it as orphaned in between (forget-orphaned-topics skips locked rows),
-- and the foreign-key checks of subscriber_topics find the lock already held. New topics are inserted in
-- canonical order, so two batches at once meet in the same order. A topic another transaction inserted or
-- deleted meanwhile is missing from the result; the caller asks again for what is missing.
WITH wanted AS (
    SELECT * FROM unnest(@canonicals::text[], @tsqueries::text[]) AS w(canonical, tsquery)
), found AS (
    SELECT t.id, t.canonical FROM topics t WHERE t.canonical = ANY(@canonicals) FOR KEY SHARE
), inserted AS (
    INSERT INTO topics (canonical, query)
    SELECT w.canonical, to_tsquery('digest_english', w.tsquery) FROM wanted w
    WHERE NOT EXISTS (SELECT 1 FROM found f WHERE f.canonical = w.canonical)
    ORDER BY w.canonical
    ON CONFLICT (canonical) DO NOTHING
    RETURNING id, canonical
)
SELECT id, canonical FROM found
UNION ALL
SELECT id, canonical FROM inserted;
