-- name: lock-planning
-- One planning cycle at a time across all nodes, held for the whole cycle: a person's previous cycle must be
-- final before the next one reads it (see DigestPlanner). Session-level, so it spans the cycle's transactions.
SELECT pg_advisory_lock(7365013);

-- name: unlock-planning
SELECT pg_advisory_unlock(7365013);

-- name: get-planning-people
-- Everyone who should get mail, in id order, with their topics in their order and what their digests of the days
-- since @since say: the periods planned (a person whose period is planned is passed over without ranking
-- anything), whether one of them is still waiting to be sent (send-now --all sends that one now instead of
-- planning another), and the cycle that planned the latest. The digests are read as one range per day (earlier
-- days are not read at all), merged in person order: no lookup per person. Only someone without a digest in those
-- days (new, or back after a pause) is looked up in the days from @previous_since, the oldest whose cycle can have
-- seen a listing of today's window (see DueRule). Only ids from @first_id to @last_id: everyone in a cycle, a
-- shard's people, one person in a preview.
SELECT s.id, s.frequency, s.send_hour, s.send_weekday, s.time_zone, s.max_items, s.confirmed_at,
       ARRAY(SELECT st.topic_id FROM subscriber_topics st WHERE st.subscriber_id = s.id ORDER BY st.position) AS topic_ids,
       CASE WHEN recent.subscriber_id IS NOT NULL THEN recent.last_cycle_id
            ELSE (SELECT max(d.cycle_id) FROM digests d
                  WHERE d.subscriber_id = s.id AND d.period >= @previous_since AND d.period < @since) END AS last_cycle_id,
       coalesce(recent.periods, '{}') AS recent_periods, coalesce(recent.waiting, false) AS waiting
FROM subscribers s
LEFT JOIN (
    SELECT d.subscriber_id, max(d.cycle_id) AS last_cycle_id, array_agg(d.period) AS periods,
           bool_or(d.status IN ('ready', 'sending')) AS waiting
    FROM digests d WHERE d.period >= @since AND d.subscriber_id BETWEEN @first_id AND @last_id
    GROUP BY d.subscriber_id) recent ON recent.subscriber_id = s.id
WHERE s.status = 'active' AND s.id BETWEEN @first_id AND @last_id
  AND NOT EXISTS (SELECT 1 FROM suppressions x WHERE x.email_key = s.email_key)
ORDER BY s.id;

-- name: get-subscriber-id-span
-- The ids a cycle reads, split into parts read side by side (through the primary key: two index probes).
SELECT min(id) AS first, max(id) AS last FROM subscribers;

-- name: make-digest-days
-- The outbox's partitions of the days a cycle may plan, made ahead where missing (migration 0040).
SELECT make_digest_days(@first, @last);

-- name: limit-lock-wait
-- A change of the outbox's partitions (made or dropped) waits at most this long for the locks it takes, in its
-- own transaction: while it waits, everything else that reads the outbox queues behind it.
SET LOCAL lock_timeout = '5s';

-- name: get-planning-snapshot
-- The snapshot this cycle reads listings from (run first in its repeatable-read transaction), as
-- xmin:xmax:in-progress ids.
SELECT pg_current_snapshot()::text;

-- name: get-window-listings
-- The listings a cycle can choose from: first seen inside the lookback window and not merged into an older
-- copy of the same paper, in id order; the date ages them for ranking.
SELECT l.id, coalesce(l.published_at, l.first_seen_at) AS dated_at
FROM listings l
WHERE l.first_seen_at > @window_start AND l.merged_into IS NULL
ORDER BY l.id;

-- name: index-window-listings
-- The planner's first step: makes the search vector of each window listing that has none, or one made from
-- older text (text_at: its updated_at then), and forgets those of listings that left the window. In its own
-- short transactions, before the cycle reads anything: a match makes on the spot whatever this missed.
DELETE FROM listing_vectors WHERE first_seen_at <= @window_start;
INSERT INTO listing_vectors (listing_id, first_seen_at, first_xid, text_at, search)
SELECT s.id, s.first_seen_at, s.first_xid, s.updated_at, s.search
FROM listing_search_now s
WHERE s.first_seen_at > @window_start AND s.merged_into IS NULL AND NOT s.stored
ON CONFLICT (listing_id) DO UPDATE SET first_xid = excluded.first_xid, text_at = excluded.text_at, search = excluded.search;

-- name: analyze-listing-vectors
-- After index-window-listings changed anything: the matches right after need statistics of the window as it is
-- now, not as autovacuum last saw it.
ANALYZE listing_vectors;

-- name: create-match-window
-- What one match reads besides listing_vectors, into a small table of this transaction with a GIN index of its
-- own: listings first seen inside the window and first stored by transaction @since_xid or later (the people
-- matched have all seen what is older) whose stored vector is missing or stale (made on the spot: listing_search_now), and those
-- close in meaning to sentences of the cycle's about: topics, whose vector gets those sentences' keys
-- (@meaning_ids, @meanings: a tsvector of AboutKey lexemes per listing), so each topic's tsquery combines meaning
-- and words by the language's own rules. With @bulk, every such listing is copied in, stored vector or not: a
-- match of thousands of topics reads an index built in one go faster than the shared one (see Matcher).
CREATE TEMP TABLE match_window ON COMMIT DROP AS
SELECT s.id, s.search || coalesce(m.meaning::tsvector, '') AS search
FROM listing_search_now s
LEFT JOIN unnest(@meaning_ids::bigint[], @meanings::text[]) AS m(id, meaning) ON m.id = s.id
WHERE s.first_seen_at > @window_start AND s.first_xid >= @since_xid::xid8 AND s.merged_into IS NULL
  AND (@bulk OR NOT s.stored OR m.id IS NOT NULL);
CREATE INDEX ON match_window USING gin (search);
CREATE INDEX ON match_window (id);
ANALYZE match_window;

-- name: match-topics
-- Each distinct topic matched once, one row per topic with its hits in two parallel arrays in listing order:
-- millions of hits cross the wire as thousands of rows. The hits are those of the match window and those of
-- the stored vectors of the same listings (first seen inside the window, first stored by @since_xid or later)
-- that the match window does not hold (none with @bulk), each through its GIN index. Relevance is digest_relevance (ts_rank, not
-- ts_rank_cd: with topics of a few words the covers add little, and it costs a third less) on the topic's
-- positive part: its exclusions only filter. A listing merged away since its vector was made is dropped by
-- the planner, which keeps only the listings of the window it read.
SELECT t.id AS topic_id, coalesce(hits.listing_ids, '{}') AS listing_ids, coalesce(hits.relevances, '{}') AS relevances
FROM topics t
CROSS JOIN LATERAL (
    SELECT array_agg(h.id ORDER BY h.id) AS listing_ids, array_agg(h.relevance ORDER BY h.id) AS relevances
    FROM (
        SELECT w.id, digest_relevance(w.search, t.positive_query) AS relevance
        FROM match_window w WHERE w.search @@ t.query
        UNION ALL
        SELECT v.listing_id, digest_relevance(v.search, t.positive_query)
        FROM listing_vectors v
        WHERE NOT @bulk AND v.search @@ t.query AND v.first_seen_at > @window_start AND v.first_xid >= @since_xid::xid8
          AND NOT EXISTS (SELECT 1 FROM match_window w WHERE w.id = v.listing_id)) h) hits
WHERE t.id = ANY(@topic_ids);

-- name: send-waiting-digests-now
-- send-now --all: digests waiting for their next attempt (a retry, or handed back when the relay refused us) go
-- in this cycle's sending, as the next digest of their people, who get no other planned early.
UPDATE digests SET next_attempt_at = now() WHERE status = 'ready' AND next_attempt_at > now();

-- name: get-open-cycle
-- The latest cycle while some of its shards are still waiting or running: the next cycle waits for it, unless it
-- started more than @timeout_seconds ago (a shard whose job was lost), and hands out again the shards whose enqueue
-- was lost (no job id) before they were recorded.
SELECT c.id, c.started_at < now() - make_interval(secs => @timeout_seconds) AS overdue,
       ARRAY(SELECT s.id FROM planning_shards s WHERE s.cycle_id = c.id AND s.state = 'waiting' AND s.job_id IS NULL ORDER BY s.id) AS unqueued
FROM planning_cycles c
WHERE c.id = (SELECT max(s.cycle_id) FROM planning_shards s WHERE s.state IN ('waiting', 'running'));

-- name: fence-planning-cycles
-- Held (exclusive) by a cycle while it starts and (shared) by each shard while it stores: a shard of an earlier
-- cycle stores either before the new cycle exists, so its shards read what it stored, or not at all.
SELECT pg_advisory_xact_lock(7365014);

-- name: share-planning-fence
SELECT pg_advisory_xact_lock_shared(7365014);

-- name: supersede-open-shards
-- Shards still waiting or running when the next cycle starts (only after the shard timeout): they store nothing now.
UPDATE planning_shards SET state = 'superseded', finished_at = now() WHERE state IN ('waiting', 'running');

-- name: forget-planning-hits
-- The hits of earlier cycles: every shard that could read them has ended.
DELETE FROM planning_hits;

-- name: insert-planning-cycle
INSERT INTO planning_cycles (planned_at, snapshot, everyone, window_ids, window_dated_at, topics)
VALUES (@planned_at, @snapshot::pg_snapshot, @everyone, @window_ids, @window_dated_at, @topics) RETURNING id;

-- name: insert-planning-shards
-- The cycle's shards, in id order: shard i holds the people with ids from @first_ids[i] to @last_ids[i].
INSERT INTO planning_shards (cycle_id, first_id, last_id, people)
SELECT @cycle_id, f, l, n FROM unnest(@first_ids::bigint[], @last_ids::bigint[], @people::int[]) AS s(f, l, n) ORDER BY f
RETURNING id;

-- name: copy-planning-hits
COPY planning_hits (cycle_id, topic_id, listings, relevances) FROM STDIN (FORMAT BINARY);

-- name: set-shard-job
UPDATE planning_shards SET job_id = @job_id WHERE id = @id;

-- name: start-planning-shard
-- A shard's run begins: only a shard of the latest cycle that has not stored yet (a retry after a failure, or after
-- its worker died, starts again); returns the shard and what its cycle handed on, or nothing.
UPDATE planning_shards s SET state = 'running', node = @node, started_at = now(), error = NULL
FROM planning_cycles c
WHERE s.id = @id AND c.id = s.cycle_id AND s.state IN ('waiting', 'running', 'failed')
  AND c.id = (SELECT max(id) FROM planning_cycles)
RETURNING s.cycle_id, s.first_id, s.last_id, c.planned_at, c.everyone, c.topics;

-- name: supersede-planning-shard
-- A shard run after a later cycle started (a retry from the dashboard): it stores nothing, and says so.
UPDATE planning_shards SET state = 'superseded', finished_at = now()
WHERE id = @id AND state IN ('waiting', 'running', 'failed');

-- name: get-cycle-window
SELECT window_ids, window_dated_at FROM planning_cycles WHERE id = @cycle_id;

-- name: get-planning-hits
-- Every topic's hits of the cycle, as the cycle matched them.
SELECT topic_id, listings, relevances FROM planning_hits WHERE cycle_id = @cycle_id;

-- name: get-previous-cycles
-- For each earlier cycle that planned someone's previous digest: its snapshot's xmin (every listing first stored
-- before it was seen), and for each listing of @window_ids (a window as its cycle read it, in that order) whether its
-- snapshot saw it, by PostgreSQL's own rule. A listing gone since counts as seen: it is never offered.
SELECT c.id,
       pg_snapshot_xmin(c.snapshot)::text::bigint AS xmin,
       ARRAY(SELECT coalesce(pg_visible_in_snapshot(l.first_xid, c.snapshot), true)
             FROM unnest(@window_ids::bigint[]) WITH ORDINALITY AS w(id, n) LEFT JOIN listings l ON l.id = w.id ORDER BY w.n) AS saw
FROM planning_cycles c
WHERE c.id = ANY(@cycle_ids);

-- name: claim-planning-shard
-- In a shard's storing transaction, after share-planning-fence: whether it may still store (running, of the latest cycle).
SELECT s.state = 'running' AND s.cycle_id = (SELECT max(id) FROM planning_cycles) FROM planning_shards s WHERE s.id = @id FOR UPDATE;

-- name: finish-planning-shard
-- Last in the shard's storing transaction: the clock's time, not the transaction's start, so finished_at counts the storing.
UPDATE planning_shards SET state = 'done', finished_at = clock_timestamp(), ready = @ready, empty = @empty WHERE id = @id;

-- name: fail-planning-shard
UPDATE planning_shards SET state = 'failed', finished_at = now(), error = @error WHERE id = @id AND state = 'running';

-- name: create-plan-staging
CREATE TEMP TABLE plan_staging (
    subscriber_id bigint, period date, due_at timestamptz, listing_ids bigint[], scores real[], topic_ids bigint[], matched_topics integer[],
    because_of bigint[]
) ON COMMIT DROP;

-- name: copy-plan-staging
-- A batch of planned digests, written in binary by the planner (column order is the writer's).
COPY plan_staging (subscriber_id, period, due_at, listing_ids, scores, topic_ids, matched_topics, because_of) FROM STDIN (FORMAT BINARY);

-- name: insert-planned-digests
-- A batch of planned digests, each with its ranked listings. The unique (subscriber, period) makes planning
-- safe to repeat after a crash: a person who already has this period's digest keeps it. The cycle counts what it
-- stored in the same transaction (the console's last planning run).
WITH planned AS (
    INSERT INTO digests (subscriber_id, period, due_at, cycle_id, status, listing_ids, scores, topic_ids, matched_topics, because_of)
    SELECT subscriber_id, period, due_at, @cycle_id,
           CASE WHEN cardinality(listing_ids) = 0 THEN 'empty' ELSE 'ready' END, listing_ids, scores, topic_ids, matched_topics, because_of
    FROM plan_staging
    ON CONFLICT (subscriber_id, period) DO NOTHING
    RETURNING status),
counted AS (
    SELECT count(*) FILTER (WHERE status = 'ready')::int AS ready, count(*) FILTER (WHERE status = 'empty')::int AS empty FROM planned),
noted AS (
    UPDATE planning_cycles SET planned = coalesce(planned, 0) + (SELECT ready + empty FROM counted) WHERE id = @cycle_id)
SELECT ready, empty FROM counted;

-- name: any-reader-profile
SELECT EXISTS (SELECT 1 FROM reader_profiles WHERE model AND signals >= @min_signals);

-- name: get-planning-profiles
-- The learned profiles of people who should get mail and let us learn, for ranking their digests. Terms come
-- as one text per profile (and one per liked listing, a line each): a term never holds a space, and a hundred
-- thousand profiles read as arrays would be twelve million strings.
-- Only models (a profile of the earlier kind waits for the learning job) of people with at least @min_signals
-- signals: anyone else gets exactly the keyword order. meaning is read only when @embeddings. Only people with
-- ids from @first_id to @last_id (see get-planning-people).
SELECT p.subscriber_id, array_to_string(p.terms, ' ') AS terms, p.weights, p.liked_ids,
       array_to_string(p.liked_terms, E'\n') AS liked_terms, p.signals,
       CASE WHEN @embeddings THEN p.meaning ELSE '{}' END AS meaning
FROM reader_profiles p JOIN subscribers s ON s.id = p.subscriber_id
WHERE s.status = 'active' AND s.learning AND p.model AND p.signals >= @min_signals
  AND p.subscriber_id BETWEEN @first_id AND @last_id;

-- name: get-window-texts
-- The text of the window's listings (in window order), read only when someone has a learned profile.
SELECT l.id, l.title, l.summary FROM listings l WHERE l.id = ANY(@ids) ORDER BY l.id;

-- name: get-listing-meanings
-- The meaning vectors of these listings (the window's, or the liked listings "like X that you read" compares with),
-- read only while embeddings are on; a listing without one is left out.
SELECT e.listing_id, e.vector FROM listing_embeddings e WHERE e.listing_id = ANY(@ids);

-- name: get-topic-sentence-keys
-- The sentence keys (about:) of the cycle's topics, each once.
SELECT DISTINCT k FROM topics t CROSS JOIN LATERAL unnest(t.abouts) AS k WHERE t.id = ANY(@topic_ids);

-- name: get-window-vectors
-- The meaning vectors of @model of the given listings that have one.
SELECT listing_id, vector FROM listing_embeddings WHERE listing_id = ANY(@ids) AND model = @model;
