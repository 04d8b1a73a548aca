-- name: upsert-subscribers
-- Adds people, or updates the schedule of those we know (by address, case-insensitive in the domain): one
-- statement for a whole import batch and for a single save alike, one address per call (the caller keeps an
-- address's last row, in address order). A confirmed add (CLI, import) makes them active at once; only a row
-- saying active changes a known person's status. No ORDER BY: the rows come sorted, and sorting text here
-- would cost a collation's comparisons. @confirmed_at is the program's time: planning compares it with due times,
-- which follow the program's clock.
-- Returns each person's id and address key, inserted = true when new.
INSERT INTO subscribers AS s (email, email_key, status, frequency, send_hour, send_weekday, time_zone, max_items, confirmed_at)
SELECT p.email, p.email_key, p.status, p.frequency, p.send_hour, p.send_weekday, p.time_zone, p.max_items,
       CASE WHEN p.status = 'active' THEN @confirmed_at::timestamptz END
FROM unnest(@emails::text[], @email_keys::text[], @statuses::text[], @frequencies::text[], @send_hours::smallint[],
            @send_weekdays::smallint[], @time_zones::text[], @max_items::smallint[])
     AS p(email, email_key, status, frequency, send_hour, send_weekday, time_zone, max_items)
ON CONFLICT (email_key) DO UPDATE SET
    frequency    = excluded.frequency,
    send_hour    = excluded.send_hour,
    send_weekday = excluded.send_weekday,
    time_zone    = excluded.time_zone,
    max_items    = excluded.max_items,
    status       = CASE WHEN excluded.status = 'active' THEN 'active' ELSE s.status END,
    confirmed_at = coalesce(s.confirmed_at, excluded.confirmed_at)
RETURNING id, email_key, (xmax = 0) AS inserted;

-- name: get-subscriber
-- One person by id, for links that carry a signed token.
SELECT id, email, status, frequency, send_hour, send_weekday, time_zone, max_items, created_at, confirmed_at, learning
FROM subscribers WHERE id = @id;

-- name: get-subscriber-by-email
-- One person by address key.
SELECT id, email, status, frequency, send_hour, send_weekday, time_zone, max_items, created_at, confirmed_at, learning
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

-- name: delete-stale-subscriber-topics
-- The first half of replacing people's topics: their rows that the new lists do not hold exactly (same topic,
-- label and position stay untouched, so saving the same choices again writes nothing). A separate statement:
-- in one statement with the insert, PostgreSQL may run the delete after the insert.
DELETE FROM subscriber_topics st
WHERE st.subscriber_id = ANY(@subscriber_ids)
  AND NOT EXISTS (
      SELECT 1 FROM unnest(@new_subscriber_ids::bigint[], @topic_ids::bigint[], @labels::text[], @positions::smallint[])
                    AS n(subscriber_id, topic_id, label, position)
      WHERE n.subscriber_id = st.subscriber_id AND n.topic_id = st.topic_id AND n.label = st.label AND n.position = st.position);

-- name: insert-subscriber-topics
-- The second half: links people to their topics with the labels they typed (one row per person and topic; the
-- caller keeps a topic's first label). Rows kept by the delete are left as they are.
INSERT INTO subscriber_topics (subscriber_id, topic_id, label, position)
SELECT * FROM unnest(@new_subscriber_ids::bigint[], @topic_ids::bigint[], @labels::text[], @positions::smallint[])
ON CONFLICT (subscriber_id, topic_id) DO NOTHING;

-- name: export-subscribers
-- Everyone with their settings and topic labels, for a CSV export an operator can import elsewhere.
SELECT s.email, s.status, s.frequency, s.send_hour, s.send_weekday, s.time_zone, s.max_items,
       coalesce(array_agg(st.label ORDER BY st.position) FILTER (WHERE st.label IS NOT NULL), '{}') AS topics,
       EXISTS (SELECT 1 FROM suppressions x WHERE x.email_key = s.email_key) AS suppressed
FROM subscribers s LEFT JOIN subscriber_topics st ON st.subscriber_id = s.id
GROUP BY s.id
ORDER BY s.id;

-- name: find-subscriber-for-signup
-- A sign-up for an address: locks the person (two sign-ups at once queue one mail), and says whether mail to
-- them is suppressed and whether a notice was queued for them lately (one per address per few minutes, at most).
SELECT s.id, s.status,
       EXISTS (SELECT 1 FROM suppressions x WHERE x.email_key = s.email_key) AS suppressed,
       EXISTS (SELECT 1 FROM notices n WHERE n.subscriber_id = s.id
               AND n.created_at > now() - make_interval(secs => @resend_after_seconds)) AS noticed_lately
FROM subscribers s WHERE s.email_key = @email_key
FOR UPDATE;

-- name: insert-pending-subscriber
-- A new sign-up: pending until they confirm. Nothing but the confirmation is ever sent to a pending person.
-- @requested_at is the program's time, the clock expire-unconfirmed-subscribers is given.
INSERT INTO subscribers (email, email_key, status, frequency, send_hour, send_weekday, time_zone, max_items, confirm_requested_at)
VALUES (@email, @email_key, 'pending', @frequency, @send_hour, @send_weekday, @time_zone, @max_items, @requested_at)
ON CONFLICT (email_key) DO NOTHING
RETURNING id;

-- name: renew-pending-subscriber
-- A sign-up again for a pending or unsubscribed address: their new choices, pending until they confirm.
UPDATE subscribers SET status = 'pending', frequency = @frequency, send_hour = @send_hour, send_weekday = @send_weekday,
       time_zone = @time_zone, max_items = @max_items, confirmed_at = NULL, confirm_requested_at = @requested_at
WHERE id = @id AND status IN ('pending', 'unsubscribed');

-- name: confirm-subscriber
-- Double opt-in's second step. Only a pending person changes; confirming twice is harmless. @confirmed_at is the
-- program's time, as in upsert-subscribers.
UPDATE subscribers SET status = 'active', confirmed_at = @confirmed_at, unsubscribed_at = NULL
WHERE id = @id AND status = 'pending'
RETURNING id;

-- name: update-subscriber-choices
-- The preferences form: schedule and size; topics are replaced beside it in the same transaction.
UPDATE subscribers SET frequency = @frequency, send_hour = @send_hour, send_weekday = @send_weekday,
       time_zone = @time_zone, max_items = @max_items
WHERE id = @id;

-- name: set-subscriber-status
-- Pause (active -> paused) and resume (paused or unsubscribed -> active). A link from an email proves the
-- mailbox, so resuming needs no new confirmation.
UPDATE subscribers SET status = @status,
       unsubscribed_at = CASE WHEN @status = 'active' THEN NULL ELSE unsubscribed_at END
WHERE id = @id AND status = ANY(@from_statuses)
RETURNING id;

-- name: delete-subscriber
-- "Delete me": the person, their topics and notices go (ON DELETE CASCADE), and their digests (a trigger:
-- migration 0041). A suppression stays, as it protects the address, not the person.
DELETE FROM subscribers WHERE id = @id;

-- name: expire-unconfirmed-subscribers
-- Sign-ups never confirmed within the confirmation link's lifetime are forgotten.
DELETE FROM subscribers WHERE status = 'pending' AND confirm_requested_at < @older_than;

-- name: recent-digests
-- A person's last digests for their preferences page: when, how it ended, and the top titles.
SELECT d.id, d.period, d.status, d.sent_at,
       cardinality(d.listing_ids)::bigint AS item_count,
       coalesce((SELECT array_agg(l.title ORDER BY x.rank) FROM unnest(d.listing_ids[1:3]) WITH ORDINALITY AS x(listing_id, rank)
                 JOIN listings l ON l.id = x.listing_id), '{}') AS top_titles
FROM digests d WHERE d.subscriber_id = @subscriber_id
ORDER BY d.period DESC LIMIT @limit;

-- name: export-subscriber-data
-- Everything stored about one person, for "export my data": digests with their listings, notices, and what
-- recommendations recorded and learned (signals, the profile's terms).
SELECT json_build_object(
    'email', s.email, 'status', s.status, 'frequency', s.frequency, 'send_hour', s.send_hour,
    'send_weekday', s.send_weekday, 'time_zone', s.time_zone, 'max_items', s.max_items,
    'created_at', s.created_at, 'confirmed_at', s.confirmed_at, 'unsubscribed_at', s.unsubscribed_at,
    'topics', coalesce((SELECT json_agg(st.label ORDER BY st.position) FROM subscriber_topics st WHERE st.subscriber_id = s.id), '[]'),
    'digests', coalesce((SELECT json_agg(json_build_object(
        'period', d.period, 'status', d.status, 'sent_at', d.sent_at,
        'items', coalesce((SELECT json_agg(json_build_object('title', l.title, 'url', l.url) ORDER BY x.rank)
                           FROM unnest(d.listing_ids) WITH ORDINALITY AS x(listing_id, rank) JOIN listings l ON l.id = x.listing_id), '[]')) ORDER BY d.period)
        FROM digests d WHERE d.subscriber_id = s.id), '[]'),
    'notices', coalesce((SELECT json_agg(json_build_object('kind', n.kind, 'status', n.status, 'created_at', n.created_at, 'sent_at', n.sent_at) ORDER BY n.id)
        FROM notices n WHERE n.subscriber_id = s.id), '[]'),
    'learning', s.learning,
    'signals', coalesce((SELECT json_agg(json_build_object('kind', r.kind, 'at', r.at, 'title', l.title, 'url', l.url) ORDER BY r.at)
        FROM reader_signals r JOIN listings l ON l.id = r.listing_id WHERE r.subscriber_id = s.id), '[]'),
    'learned_terms', coalesce((SELECT json_object_agg(t.term, t.weight) FROM reader_profiles p
        CROSS JOIN LATERAL unnest(p.terms, p.weights) AS t(term, weight) WHERE p.subscriber_id = s.id), '{}'))::text
FROM subscribers s WHERE s.id = @id;
