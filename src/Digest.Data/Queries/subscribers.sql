-- name: upsert-subscriber
-- Adds a person, or updates the schedule of one we know (by address, case-insensitive in the domain).
-- A confirmed add (CLI, import) makes them active at once; a form add stays pending until they confirm.
INSERT INTO subscribers AS s (email, email_key, status, frequency, send_hour, send_weekday, time_zone, max_items, confirmed_at)
VALUES (@email, @email_key, @status, @frequency, @send_hour, @send_weekday, @time_zone, @max_items,
        CASE WHEN @status = 'active' THEN now() END)
ON CONFLICT (email_key) DO UPDATE SET
    frequency    = excluded.frequency,
    send_hour    = excluded.send_hour,
    send_weekday = excluded.send_weekday,
    time_zone    = excluded.time_zone,
    max_items    = excluded.max_items,
    status       = CASE WHEN excluded.status = 'active' THEN 'active' ELSE s.status END,
    confirmed_at = coalesce(s.confirmed_at, excluded.confirmed_at)
RETURNING id, (xmax = 0) AS inserted;

-- name: get-subscriber
-- One person by id, for links that carry a signed token.
SELECT id, email, status, frequency, send_hour, send_weekday, time_zone, max_items, created_at, confirmed_at
FROM subscribers WHERE id = @id;

-- name: get-subscriber-by-email
-- One person by address key.
SELECT id, email, status, frequency, send_hour, send_weekday, time_zone, max_items, created_at, confirmed_at
FROM subscribers WHERE email_key = @email_key;

-- name: get-active-subscribers
-- Everyone who should get mail: confirmed, not paused, not unsubscribed, not suppressed.
SELECT s.id, s.email, s.status, s.frequency, s.send_hour, s.send_weekday, s.time_zone, s.max_items, s.created_at, s.confirmed_at
FROM subscribers s
WHERE s.status = 'active'
  AND NOT EXISTS (SELECT 1 FROM suppressions x WHERE x.email_key = s.email_key)
ORDER BY s.id;

-- name: unsubscribe
-- Takes effect at once: the sender re-checks status before every send, so planned digests stop too.
UPDATE subscribers SET status = 'unsubscribed', unsubscribed_at = now()
WHERE id = @id AND status <> 'unsubscribed';

-- name: get-subscriber-topics
-- A person's topics in the order they gave them.
SELECT t.id AS topic_id, st.label, t.canonical
FROM subscriber_topics st JOIN topics t ON t.id = st.topic_id
WHERE st.subscriber_id = @subscriber_id
ORDER BY st.position;

-- name: delete-subscriber-topics
-- Clears a person's topics before the new list is written, in the same transaction.
DELETE FROM subscriber_topics WHERE subscriber_id = @subscriber_id;

-- name: insert-subscriber-topic
-- Links a person to a topic with the label they typed.
INSERT INTO subscriber_topics (subscriber_id, topic_id, label, position)
VALUES (@subscriber_id, @topic_id, @label, @position)
ON CONFLICT (subscriber_id, topic_id) DO NOTHING;

-- name: export-subscribers
-- Everyone with their settings and topic labels, for a CSV export an operator can import elsewhere.
SELECT s.email, s.status, s.frequency, s.send_hour, s.send_weekday, s.time_zone, s.max_items,
       coalesce(array_agg(st.label ORDER BY st.position) FILTER (WHERE st.label IS NOT NULL), '{}') AS topics,
       EXISTS (SELECT 1 FROM suppressions x WHERE x.email_key = s.email_key) AS suppressed
FROM subscribers s LEFT JOIN subscriber_topics st ON st.subscriber_id = s.id
GROUP BY s.id
ORDER BY s.id;
