-- name: upsert-topic
-- Finds or creates the one row for a topic's canonical text; the compiled tsquery is stored with it. A topic
-- found is locked (DO UPDATE ... WHERE false locks without writing) until the caller's transaction has stored
-- who follows it, so retention never deletes it as orphaned in between (forget-orphaned-topics).
WITH inserted AS (
    INSERT INTO topics (canonical, query)
    VALUES (@canonical, to_tsquery('digest_english', @tsquery))
    ON CONFLICT (canonical) DO UPDATE SET canonical = excluded.canonical WHERE false
    RETURNING id
)
SELECT id FROM inserted
UNION ALL
SELECT id FROM topics WHERE canonical = @canonical
LIMIT 1;
