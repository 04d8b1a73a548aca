-- name: upsert-topic
-- Finds or creates the one row for a topic's canonical text; the compiled tsquery is stored with it.
WITH inserted AS (
    INSERT INTO topics (canonical, query)
    VALUES (@canonical, to_tsquery('digest_english', @tsquery))
    ON CONFLICT (canonical) DO NOTHING
    RETURNING id
)
SELECT id FROM inserted
UNION ALL
SELECT id FROM topics WHERE canonical = @canonical
LIMIT 1;
