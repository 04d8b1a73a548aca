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

-- name: failed-digests
-- The latest digests that ended failed or cancelled, with whom they were for and why, for the console's resend.
SELECT d.id, d.subscriber_id, s.email, d.period, d.status, d.attempts, d.last_error, d.due_at
FROM digests d JOIN subscribers s ON s.id = d.subscriber_id
WHERE d.status IN ('failed', 'cancelled')
ORDER BY d.due_at DESC, d.id DESC LIMIT @limit;

-- name: set-source-enabled
-- Pauses a source (the worker stops pulling it) or resumes it. Returns the name when it exists.
UPDATE sources SET enabled = @enabled WHERE name = @name RETURNING name;

-- name: count-console-topics
-- Counts the @limit topics most people follow, and how many listings of the last seven days each matches (the
-- planner's match: the same search vector and query), for the console's topics page, replacing the last count.
-- The week's vectors are read once for all the topics: those the planner stored, the rest made (listing_search_now).
SELECT pg_advisory_xact_lock(7365015);
DELETE FROM console_topics;
WITH top AS (
    SELECT t.id, t.canonical, t.query, count(*) AS followers
    FROM topics t JOIN subscriber_topics st ON st.topic_id = t.id
    GROUP BY t.id ORDER BY followers DESC, t.canonical LIMIT @limit),
week AS MATERIALIZED (
    SELECT s.search FROM listing_search_now s WHERE s.first_seen_at > now() - interval '7 days' AND s.merged_into IS NULL)
INSERT INTO console_topics (canonical, followers, matches_this_week, counted_at)
SELECT top.canonical, top.followers, (SELECT count(*) FROM week WHERE week.search @@ top.query), now() FROM top;

-- name: console-topics-counted-at
SELECT max(counted_at) FROM console_topics;

-- name: console-topics
-- The topics as last counted, most followed first.
SELECT canonical, followers, matches_this_week, counted_at FROM console_topics ORDER BY followers DESC, canonical;

-- name: search-listings
-- The console's listing search: listings whose title contains @pattern (an ILIKE pattern), newest first, one keyset
-- page before the listing @before_id. A rare title is found through the trigram index (listings_title_trgm_idx); a
-- common one by walking the primary key from the newest listing down to a page: PostgreSQL picks by its statistics.
SELECT id, title, url, source, published_at, first_seen_at
FROM listings
WHERE title ILIKE @pattern AND id < @before_id
ORDER BY id DESC
LIMIT @limit;
