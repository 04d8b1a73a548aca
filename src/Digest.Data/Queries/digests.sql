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

-- name: get-batch-recipients
-- The people a claimed batch goes to, read once for the batch shortly before it is sent: a person who paused,
-- unsubscribed or bounced after planning gets nothing.
SELECT s.id, s.email, s.status, s.frequency, s.send_hour, s.send_weekday, s.time_zone, s.max_items, s.created_at, s.confirmed_at, s.learning,
       EXISTS (SELECT 1 FROM suppressions x WHERE x.email_key = s.email_key) AS suppressed
FROM subscribers s
WHERE s.id = ANY(@subscriber_ids);

-- name: get-batch-entries
-- The listings of every digest of a claimed batch in rank order, with what the email shows of each, and which of
-- the digest's topics matched it when planned (matched: a mask over topic_ids, see MatchedTopics). The sender
-- names those topics by the labels the person has now (a topic removed since is not shown; get-batch-topic-labels)
-- and, with the listing, they decide its snippet (get-snippets): many digests share a listing and topics, so the
-- sender cuts each snippet once and reuses it. Decoding the mask here, per entry, cost more than the rest of
-- this query.
-- An entry no topic matched is a "you might also like" listing; because_title names the liked listing an entry
-- resembles (see because_of).
SELECT d.id AS digest_id, l.id AS listing_id, l.title, l.url, l.authors, l.published_at, l.summary, x.rank::smallint AS rank,
       x.matched, d.topic_ids, x.matched = 0 AS also_like, (SELECT b.title FROM listings b WHERE b.id = x.because) AS because_title
FROM digests d
CROSS JOIN LATERAL unnest(d.listing_ids, d.matched_topics, d.because_of) WITH ORDINALITY AS x(listing_id, matched, because, rank)
JOIN listings l ON l.id = x.listing_id
WHERE d.id = ANY(@digest_ids)
ORDER BY d.id, x.rank;

-- name: get-planned-entries
-- The listings of a digest planned but not stored (an operator's preview, see DigestPreviewer), read as
-- get-batch-entries reads a stored one (as digest @digest_id): @listing_ids best first, @matched and @because per
-- listing, the person's @topic_ids.
SELECT @digest_id::bigint AS digest_id, l.id AS listing_id, l.title, l.url, l.authors, l.published_at, l.summary, x.rank::smallint AS rank,
       x.matched, @topic_ids::bigint[] AS topic_ids, x.matched = 0 AS also_like, (SELECT b.title FROM listings b WHERE b.id = x.because) AS because_title
FROM unnest(@listing_ids::bigint[], @matched::int[], @because::bigint[]) WITH ORDINALITY AS x(listing_id, matched, because, rank)
JOIN listings l ON l.id = x.listing_id
ORDER BY x.rank;

-- name: get-snippets
-- The snippet of listing @listing_ids[n] for the topics paired with n in (@topic_pairs, @topic_ids): a part of
-- the abstract highlighting those topics' words, never an excluded one (the abstract's start when none is left),
-- with the abstract it was cut from, so the email can mark an end cut mid-sentence.
WITH queries AS (
    SELECT x.n, string_agg('(' || t.positive_query::text || ')', ' | ')::tsquery AS query
    FROM unnest(@topic_pairs::int[], @topic_ids::bigint[]) AS x(n, topic_id)
    JOIN topics t ON t.id = x.topic_id
    GROUP BY x.n)
SELECT p.n::int AS pair, digest_snippet(l.summary, q.query) AS snippet
FROM unnest(@listing_ids::bigint[]) WITH ORDINALITY AS p(listing_id, n)
JOIN listings l ON l.id = p.listing_id
LEFT JOIN queries q ON q.n = p.n;

-- name: get-batch-topic-labels
-- The topics with their labels (in their order) of the people of a claimed batch, for the email's footer and
-- for naming the topics that matched each entry (get-batch-entries).
-- by_meaning: the topic has about: sentences, so the email shows how close in meaning each listing it matched is.
SELECT st.subscriber_id, st.topic_id, st.label, t.abouts <> '{}' AS by_meaning
FROM subscriber_topics st JOIN topics t ON t.id = st.topic_id
WHERE st.subscriber_id = ANY(@subscriber_ids)
ORDER BY st.subscriber_id, st.position;

-- name: get-about-similarities
-- How close in meaning listing @listing_ids[n] is to topic @topic_ids[n] (about_similarity), for the entries of a
-- claimed batch that topics by meaning matched: read only when a batch has such entries.
SELECT p.listing_id, p.topic_id, about_similarity(p.listing_id, p.topic_id) AS similarity
FROM unnest(@listing_ids::bigint[], @topic_ids::bigint[]) AS p(listing_id, topic_id);

-- name: count-queued-digests
-- The send queue's depth for the metrics gauge: digests ready or claimed by a worker.
SELECT count(*) FROM digests WHERE status IN ('ready', 'sending');

-- name: get-batch-digests
-- The claimed digests of a batch as the sender needs them: whom each goes to, for which period, when it was due.
SELECT id, subscriber_id, period, attempts, due_at FROM digests WHERE id = ANY(@digest_ids);
