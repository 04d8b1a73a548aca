-- name: insert-digests
-- Plans one period for each of a batch of people. The unique (subscriber, period) makes planning safe to
-- run on every node and after every crash: a second attempt inserts nothing for that person.
INSERT INTO digests (subscriber_id, period, due_at)
SELECT * FROM unnest(@subscriber_ids::bigint[], @periods::date[], @due_ats::timestamptz[])
ON CONFLICT (subscriber_id, period) DO NOTHING
RETURNING id, subscriber_id;

-- name: match-topics
-- Matches each distinct topic of the people being planned once against the listings first seen inside the
-- window. A topic keeps as many of its best listings as the largest digest among its followers can hold:
-- a listing below that could not enter any of their digests through this topic alone.
INSERT INTO topic_hits (cycle, topic_id, listing_id, relevance)
SELECT @cycle, topic_id, listing_id, relevance
FROM (
    SELECT t.id AS topic_id, l.id AS listing_id, cap.most,
           ts_rank_cd('{0.1, 0.2, 0.4, 1.0}', l.search, t.query) AS relevance,
           row_number() OVER (PARTITION BY t.id ORDER BY ts_rank_cd('{0.1, 0.2, 0.4, 1.0}', l.search, t.query) DESC, l.id) AS place
    FROM topics t
    JOIN (SELECT st.topic_id, max(s.max_items) AS most
          FROM unnest(@topic_ids::bigint[]) AS wanted(topic_id)
          JOIN subscriber_topics st ON st.topic_id = wanted.topic_id
          JOIN subscribers s ON s.id = st.subscriber_id
          GROUP BY st.topic_id) cap ON cap.topic_id = t.id
    JOIN listings l ON l.search @@ t.query
    WHERE l.first_seen_at > @window_start
) ranked
WHERE place <= most
ON CONFLICT DO NOTHING;

-- name: fan-out-digest-items
-- Fills the digests just planned, set-based: each person's topics' hits, one row per listing, scored by
-- relevance summed over the matching topics (title hits weigh more: weights A/B) times the number of
-- topics matched, decayed by age (halved after a week); top max_items per person, ties broken on listing
-- id; never a listing the person already had.
INSERT INTO digest_items (digest_id, subscriber_id, listing_id, rank, score, matched_topics)
SELECT digest_id, subscriber_id, listing_id, place, score, matched
FROM (
    SELECT p.digest_id, p.subscriber_id, h.listing_id, s.max_items,
           sum(h.relevance) * count(*)
             / (1 + extract(epoch FROM (@now - coalesce(l.published_at, l.first_seen_at))) / 604800.0) AS score,
           array_agg(st.label ORDER BY st.position) AS matched,
           row_number() OVER (PARTITION BY p.subscriber_id
                              ORDER BY sum(h.relevance) * count(*)
                                       / (1 + extract(epoch FROM (@now - coalesce(l.published_at, l.first_seen_at))) / 604800.0) DESC,
                                       h.listing_id) AS place
    FROM unnest(@digest_ids::bigint[], @subscriber_ids::bigint[]) AS p(digest_id, subscriber_id)
    JOIN subscribers s ON s.id = p.subscriber_id
    JOIN subscriber_topics st ON st.subscriber_id = p.subscriber_id
    JOIN topic_hits h ON h.cycle = @cycle AND h.topic_id = st.topic_id
    JOIN listings l ON l.id = h.listing_id
    WHERE NOT EXISTS (SELECT 1 FROM digest_items seen WHERE seen.subscriber_id = p.subscriber_id AND seen.listing_id = h.listing_id)
    GROUP BY p.digest_id, p.subscriber_id, h.listing_id, s.max_items, l.published_at, l.first_seen_at
) ranked
WHERE place <= max_items;

-- name: mark-empty-digests
-- Nothing matched for these people: their period is done and no email goes out.
UPDATE digests d SET status = 'empty'
WHERE d.id = ANY(@digest_ids) AND d.status = 'ready'
  AND NOT EXISTS (SELECT 1 FROM digest_items i WHERE i.digest_id = d.id)
RETURNING d.id;

-- name: clear-topic-hits
-- The cycle is planned: its work rows go.
DELETE FROM topic_hits WHERE cycle = @cycle;

-- name: get-topic-ids
-- The distinct topics followed by a set of people (joined, not "= ANY": the set may be a million long).
SELECT DISTINCT st.topic_id
FROM unnest(@subscriber_ids::bigint[]) AS due(subscriber_id)
JOIN subscriber_topics st ON st.subscriber_id = due.subscriber_id;

-- name: claim-digests
-- Claims a batch of sendable digests for this worker. SKIP LOCKED lets many workers claim side by side
-- without waiting on each other; the lease hands a digest back if its worker dies before finishing.
UPDATE digests d SET status = 'sending', lease_until = now() + make_interval(secs => @lease_seconds),
                     attempts = d.attempts + 1
WHERE d.id IN (
    SELECT id FROM digests
    WHERE (status = 'ready' OR (status = 'sending' AND lease_until < now()))
      AND next_attempt_at <= now()
    ORDER BY next_attempt_at, id
    FOR UPDATE SKIP LOCKED
    LIMIT @batch_size)
RETURNING d.id, d.subscriber_id, d.period, d.attempts, d.due_at;

-- name: mark-digest-sent
-- The commit point of a send: after this row changes, the digest is never sent again.
UPDATE digests SET status = 'sent', sent_at = now(), lease_until = NULL, message_id = @message_id, last_error = NULL
WHERE id = @id;

-- name: mark-digest-cancelled
-- The person paused, unsubscribed or is suppressed since planning: nothing goes out.
UPDATE digests SET status = 'cancelled', lease_until = NULL, last_error = @reason WHERE id = @id;

-- name: mark-digest-retry
-- A temporary failure: hand the digest back for a later attempt.
UPDATE digests SET status = 'ready', lease_until = NULL, last_error = @error, next_attempt_at = @next_attempt_at
WHERE id = @id;

-- name: mark-digest-failed
-- Out of attempts, or the recipient was refused for good.
UPDATE digests SET status = 'failed', lease_until = NULL, last_error = @error WHERE id = @id;

-- name: resend-digest
-- Puts a failed or cancelled digest back in the outbox for another try, now. A sent one is left alone:
-- sending it again is a new digest's job, never a resend.
UPDATE digests SET status = 'ready', attempts = 0, next_attempt_at = now(), lease_until = NULL, last_error = NULL
WHERE id = @id AND status IN ('failed', 'cancelled')
RETURNING id;

-- name: daily-stats
-- Per day (UTC, by due time) how many digests were planned and how each ended, for the last @days days.
SELECT (due_at AT TIME ZONE 'UTC')::date AS day,
       count(*) AS planned,
       count(*) FILTER (WHERE status = 'sent') AS sent,
       count(*) FILTER (WHERE status = 'empty') AS empty,
       count(*) FILTER (WHERE status IN ('ready', 'sending')) AS waiting,
       count(*) FILTER (WHERE status = 'failed') AS failed,
       count(*) FILTER (WHERE status = 'cancelled') AS cancelled
FROM digests
WHERE due_at >= now() - make_interval(days => @days)
GROUP BY 1 ORDER BY 1 DESC;

-- name: preview-digest-items
-- What a person's next digest would hold now, without planning it: the same matching and ranking as
-- fan-out-digest-items, read-only.
SELECT l.id AS listing_id, l.title, l.url, l.authors, l.published_at,
       ts_headline('digest_english', l.summary, string_agg('(' || t.query::text || ')', ' | ')::tsquery,
                   'StartSel=' || chr(2) || ', StopSel=' || chr(3) || ', MaxWords=22, MinWords=10, MaxFragments=2, FragmentDelimiter=" … "') AS snippet,
       array_agg(st.label ORDER BY st.position) AS matched_topics,
       (row_number() OVER (ORDER BY sum(ts_rank_cd('{0.1, 0.2, 0.4, 1.0}', l.search, t.query)) * count(*)
            / (1 + extract(epoch FROM (@now - coalesce(l.published_at, l.first_seen_at))) / 604800.0) DESC, l.id))::smallint AS rank
FROM subscriber_topics st
JOIN topics t ON t.id = st.topic_id
JOIN listings l ON l.search @@ t.query
WHERE st.subscriber_id = @subscriber_id
  AND l.first_seen_at > @window_start
  AND NOT EXISTS (SELECT 1 FROM digest_items seen WHERE seen.subscriber_id = @subscriber_id AND seen.listing_id = l.id)
GROUP BY l.id
ORDER BY rank
LIMIT @max_items;

-- name: get-batch-recipients
-- The people a claimed batch goes to, read once for the batch just before it is sent: a person who paused,
-- unsubscribed or bounced after planning gets nothing.
SELECT s.id, s.email, s.status, s.frequency, s.send_hour, s.send_weekday, s.time_zone, s.max_items, s.created_at, s.confirmed_at,
       EXISTS (SELECT 1 FROM suppressions x WHERE x.email_key = s.email_key) AS suppressed
FROM subscribers s
WHERE s.id = ANY(@subscriber_ids);

-- name: get-batch-entries
-- The listings of every digest of a claimed batch in rank order, with what the email shows of each: the snippet
-- highlights the words of the person's topics that matched (or is the abstract's start if they changed their
-- topics since).
SELECT i.digest_id, l.id AS listing_id, l.title, l.url, l.authors, l.published_at, i.matched_topics, i.rank,
       coalesce(ts_headline('digest_english', l.summary,
                    (SELECT string_agg('(' || t.query::text || ')', ' | ')::tsquery
                     FROM subscriber_topics st JOIN topics t ON t.id = st.topic_id
                     WHERE st.subscriber_id = i.subscriber_id AND st.label = ANY(i.matched_topics)),
                    'StartSel=' || chr(2) || ', StopSel=' || chr(3) || ', MaxWords=22, MinWords=10, MaxFragments=2, FragmentDelimiter=" … "'),
                left(l.summary, 240)) AS snippet
FROM digest_items i JOIN listings l ON l.id = i.listing_id
WHERE i.digest_id = ANY(@digest_ids)
ORDER BY i.digest_id, i.rank;

-- name: get-batch-topic-labels
-- The topic labels (in their order) of the people of a claimed batch, for the email's footer.
SELECT st.subscriber_id, st.label
FROM subscriber_topics st
WHERE st.subscriber_id = ANY(@subscriber_ids)
ORDER BY st.subscriber_id, st.position;
