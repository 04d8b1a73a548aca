-- name: search-subscribers-by-address
-- The console's search: addresses starting with @prefix (an address key, lower case), one keyset page after the
-- key @after in byte order: a range on the bytewise index, never a scan of everyone, however deep the page.
SELECT s.id, s.email, s.email_key, s.status, s.created_at,
       EXISTS (SELECT 1 FROM suppressions x WHERE x.email_key = s.email_key) AS suppressed
FROM subscribers s
WHERE (s.email_key COLLATE "C") >= @prefix
  AND (s.email_key COLLATE "C") < (@prefix || chr(1114111))
  AND (s.email_key COLLATE "C") > @after
ORDER BY (s.email_key COLLATE "C")
LIMIT @limit;

-- name: search-subscribers-by-topic
-- People who follow a topic whose canonical form contains @pattern (an ILIKE pattern), one keyset page after
-- the person @after_id, in id order. Topics are few beside people: the match runs over them, then the index from
-- topic to follower.
SELECT s.id, s.email, s.email_key, s.status, s.created_at,
       EXISTS (SELECT 1 FROM suppressions x WHERE x.email_key = s.email_key) AS suppressed
FROM subscribers s
WHERE s.id IN (SELECT st.subscriber_id FROM subscriber_topics st
               WHERE st.topic_id IN (SELECT t.id FROM topics t WHERE t.canonical ILIKE @pattern))
  AND s.id > @after_id
ORDER BY s.id
LIMIT @limit;

-- name: get-suppression
-- Whether an address is suppressed, why and since when, for a person's page.
SELECT email_key AS email, reason, created_at FROM suppressions WHERE email_key = @email_key;

-- name: person-digests
-- A person's latest digests for the console: how each ended, its attempts and last error.
SELECT d.id, d.period, d.status, d.due_at, d.sent_at, d.attempts, d.last_error, cardinality(d.listing_ids) AS item_count
FROM digests d WHERE d.subscriber_id = @subscriber_id
ORDER BY d.period DESC, d.id DESC LIMIT @limit;
