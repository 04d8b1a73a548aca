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

-- name: daily-activity
-- The console's charts: per UTC day of the last @days (today included, days without anything as zeros) digests
-- sent, clicks through our item links (/r/) and the digests they came from (opened), bounces (hard and soft) and
-- complaints, people confirmed (new) and people who unsubscribed (lost). One grouped scan per table.
WITH span AS (SELECT (((now() AT TIME ZONE 'UTC')::date - (@days - 1))::timestamp AT TIME ZONE 'UTC') AS since),
sent AS (SELECT (d.sent_at AT TIME ZONE 'UTC')::date AS day, count(*) AS n
         FROM digests d, span WHERE d.status = 'sent' AND d.sent_at >= span.since GROUP BY 1),
clicks AS (SELECT (r.at AT TIME ZONE 'UTC')::date AS day, count(*) AS n, count(DISTINCT r.digest_id) AS opened
           FROM reader_signals r, span WHERE r.kind = 'click' AND r.at >= span.since GROUP BY 1),
returned AS (SELECT (b.received_at AT TIME ZONE 'UTC')::date AS day,
                    count(*) FILTER (WHERE b.kind IN ('hard', 'soft')) AS bounces, count(*) FILTER (WHERE b.kind = 'complaint') AS complaints
             FROM bounces b, span WHERE b.received_at >= span.since GROUP BY 1),
joined AS (SELECT (s.confirmed_at AT TIME ZONE 'UTC')::date AS day, count(*) AS n
           FROM subscribers s, span WHERE s.confirmed_at >= span.since GROUP BY 1),
lost AS (SELECT (s.unsubscribed_at AT TIME ZONE 'UTC')::date AS day, count(*) AS n
         FROM subscribers s, span WHERE s.unsubscribed_at >= span.since GROUP BY 1)
SELECT d.day::timestamp AS day, coalesce(sent.n, 0) AS sent, coalesce(clicks.n, 0) AS clicks, coalesce(clicks.opened, 0) AS opened,
       coalesce(returned.bounces, 0) AS bounces, coalesce(returned.complaints, 0) AS complaints,
       coalesce(joined.n, 0) AS joined, coalesce(lost.n, 0) AS lost
FROM (SELECT (span.since AT TIME ZONE 'UTC')::date + n AS day FROM span, generate_series(0, @days - 1) AS n) d
LEFT JOIN sent ON sent.day = d.day
LEFT JOIN clicks ON clicks.day = d.day
LEFT JOIN returned ON returned.day = d.day
LEFT JOIN joined ON joined.day = d.day
LEFT JOIN lost ON lost.day = d.day
ORDER BY d.day;
