-- name: operator-stats
-- What an operator counts without psql, in one round trip: one row per (what, state). Sources are 'ok' or
-- 'failing' (their last pull failed); the last planning cycle carries its time and how many digests it planned.
SELECT 'listings' AS what, '' AS state, count(*) AS count, NULL::timestamptz AS at FROM listings
UNION ALL
SELECT 'sources', CASE WHEN last_error IS NULL THEN 'ok' ELSE 'failing' END, count(*), NULL FROM sources GROUP BY 2
UNION ALL
SELECT 'subscribers', status, count(*), NULL FROM subscribers GROUP BY status
UNION ALL
SELECT 'digests', status, count(*), NULL FROM digests GROUP BY status
UNION ALL
SELECT 'last planning cycle', '', (SELECT count(*) FROM digests d WHERE d.cycle_id = c.id), c.planned_at
FROM (SELECT id, planned_at FROM planning_cycles ORDER BY id DESC LIMIT 1) c;
