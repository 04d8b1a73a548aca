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
SELECT 'last planning cycle', '', coalesce(c.planned, 0), c.planned_at
FROM (SELECT planned, planned_at FROM planning_cycles ORDER BY id DESC LIMIT 1) c;

-- name: count-console-day
-- One UTC day's figures for the overview, stored for ConsoleFigures: digests by the day they were planned and how
-- each stands (through digests_finished_idx and digests_sendable_idx, whose conditions these repeat), clicks through
-- our item links (/r/) and the digests they came from (opened), bounces (hard and soft) and complaints, people
-- confirmed (new) and unsubscribed (lost). Each a range on an index over its time: the cost is the day's, not the
-- table's.
WITH span AS (SELECT (@day::date::timestamp AT TIME ZONE 'UTC') AS since, ((@day::date + 1)::timestamp AT TIME ZONE 'UTC') AS until),
finished AS (SELECT count(*) AS n, count(*) FILTER (WHERE d.status = 'sent') AS sent, count(*) FILTER (WHERE d.status = 'empty') AS empty,
                    count(*) FILTER (WHERE d.status = 'failed') AS failed, count(*) FILTER (WHERE d.status = 'cancelled') AS cancelled
             FROM digests d, span WHERE d.status IN ('sent', 'empty', 'failed', 'cancelled') AND d.planned_at >= span.since AND d.planned_at < span.until),
waiting AS (SELECT count(*) AS n FROM digests d, span
            WHERE d.status IN ('ready', 'sending') AND d.planned_at >= span.since AND d.planned_at < span.until),
clicks AS (SELECT count(*) AS n, count(DISTINCT r.digest_id) AS opened
           FROM reader_signals r, span WHERE r.kind = 'click' AND r.at >= span.since AND r.at < span.until),
returned AS (SELECT count(*) FILTER (WHERE b.kind IN ('hard', 'soft')) AS bounces, count(*) FILTER (WHERE b.kind = 'complaint') AS complaints
             FROM bounces b, span WHERE b.received_at >= span.since AND b.received_at < span.until),
joined AS (SELECT count(*) AS n FROM subscribers s, span WHERE s.confirmed_at >= span.since AND s.confirmed_at < span.until),
lost AS (SELECT count(*) AS n FROM subscribers s, span WHERE s.unsubscribed_at >= span.since AND s.unsubscribed_at < span.until)
INSERT INTO console_days (day, planned, sent, empty, waiting, failed, cancelled, clicks, opened, bounces, complaints, joined, lost, counted_at)
SELECT @day::date, finished.n + waiting.n, finished.sent, finished.empty, waiting.n, finished.failed, finished.cancelled,
       clicks.n, clicks.opened, returned.bounces, returned.complaints, joined.n, lost.n, now()
FROM finished, waiting, clicks, returned, joined, lost
ON CONFLICT (day) DO UPDATE SET planned = excluded.planned, sent = excluded.sent, empty = excluded.empty, waiting = excluded.waiting,
    failed = excluded.failed, cancelled = excluded.cancelled, clicks = excluded.clicks, opened = excluded.opened, bounces = excluded.bounces,
    complaints = excluded.complaints, joined = excluded.joined, lost = excluded.lost, counted_at = excluded.counted_at;

-- name: console-days-to-count
-- The days of the last @days (UTC, today included) that ConsoleFigures counts now: never counted, or counted before
-- two days after they ended (a retry, a click or a bounce may still land on them until then).
SELECT d.day::timestamp
FROM (SELECT (now() AT TIME ZONE 'UTC')::date - n AS day FROM generate_series(0, @days - 1) AS n) d
LEFT JOIN console_days c ON c.day = d.day
WHERE c.day IS NULL OR c.counted_at < ((d.day + 3)::timestamp AT TIME ZONE 'UTC')
ORDER BY d.day;

-- name: count-console-totals
-- The overview's totals, replaced whole in one transaction: people by status and the send queue (digests ready or
-- sending). A count started meanwhile (the job and an operator's "Count now") waits for this one.
SELECT pg_advisory_xact_lock(7365014);
DELETE FROM console_totals;
INSERT INTO console_totals (what, state, count, counted_at)
SELECT 'subscribers', status, count(*), now() FROM subscribers GROUP BY status
UNION ALL
SELECT 'queue', '', count(*), now() FROM digests WHERE status IN ('ready', 'sending');

-- name: console-days
-- The last @days UTC days of figures as last counted, oldest first; a day never counted is a row of zeros.
SELECT d.day::timestamp AS day, coalesce(c.planned, 0) AS planned, coalesce(c.sent, 0) AS sent, coalesce(c.empty, 0) AS empty,
       coalesce(c.waiting, 0) AS waiting, coalesce(c.failed, 0) AS failed, coalesce(c.cancelled, 0) AS cancelled,
       coalesce(c.clicks, 0) AS clicks, coalesce(c.opened, 0) AS opened, coalesce(c.bounces, 0) AS bounces,
       coalesce(c.complaints, 0) AS complaints, coalesce(c.joined, 0) AS joined, coalesce(c.lost, 0) AS lost, c.counted_at
FROM (SELECT (now() AT TIME ZONE 'UTC')::date - n AS day FROM generate_series(0, @days - 1) AS n) d
LEFT JOIN console_days c ON c.day = d.day
ORDER BY d.day;

-- name: console-totals
-- The totals as last counted, the live sources by state, and the last planning cycle with what it planned.
SELECT what, state, count, counted_at AS at FROM console_totals
UNION ALL
SELECT 'sources', CASE WHEN last_error IS NULL THEN 'ok' ELSE 'failing' END, count(*), NULL FROM sources GROUP BY 2
UNION ALL
SELECT 'last planning cycle', '', coalesce(c.planned, 0), c.planned_at FROM (SELECT planned, planned_at FROM planning_cycles ORDER BY id DESC LIMIT 1) c;
