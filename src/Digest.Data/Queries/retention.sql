-- What retention deletes, each statement a small batch (@batch rows at most) in a transaction of its own, so it
-- never holds locks that sending or planning wait on for long. The rules that keep "never twice" and the
-- outbox whole are written in RetentionRepository, beside the code that runs these.

-- name: digest-days-before
-- The outbox's days (partitions, see migration 0040) before @before_day, oldest first.
SELECT to_date(substr(c.relname, 9), 'YYYYMMDD') AS day
FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
WHERE i.inhparent = 'digests'::regclass AND c.relname ~ '^digests_[0-9]{8}$'
  AND to_date(substr(c.relname, 9), 'YYYYMMDD') < @before_day
ORDER BY 1;

-- name: drop-digest-day
-- One day of digests forgotten in one statement (drop_digest_day says when it may not).
SELECT drop_digest_day(@day);

-- name: forget-digests
-- Finished digests of periods before @before_day that are not in a day of their own: those of the default
-- partition, and those of a day that was kept because a digest of it was still to be sent.
DELETE FROM digests d
WHERE (d.id, d.period) IN (
    SELECT o.id, o.period FROM digests o
    WHERE o.status IN ('sent', 'empty', 'failed', 'cancelled') AND o.period < @before_day
    ORDER BY o.period
    LIMIT @batch
    FOR UPDATE SKIP LOCKED);

-- name: forget-planning-cycles
-- Planning cycles before @before that no stored digest was planned in: only a person's latest digest's cycle
-- is ever read again.
DELETE FROM planning_cycles c
WHERE c.id IN (
    SELECT p.id FROM planning_cycles p
    WHERE p.planned_at < @before AND p.id < (SELECT max(id) FROM planning_cycles)
      AND NOT EXISTS (SELECT 1 FROM digests d WHERE d.cycle_id = p.id)
    ORDER BY p.id
    LIMIT @batch);

-- name: forget-listings
-- Listings first seen before @before (the caller keeps that outside every planning window) that no digest
-- which may still be sent (ready, sending, or failed / cancelled and so resendable) holds. Every identity key
-- they hold (see listing_keys) goes into forgotten_listings in the same statement, and ingest skips
-- a copy with any of those keys: nobody is offered them again. Listings merged into one go with it (cascade).
-- Only a digest planned before @held_before (the caller passes @before plus the planning window) can hold a
-- listing that old: the rest are not read.
WITH held AS MATERIALIZED (
    SELECT DISTINCT unnest(d.listing_ids) AS id FROM digests d
    WHERE d.status IN ('ready', 'sending', 'failed', 'cancelled') AND d.planned_at < @held_before),
old AS (
    SELECT l.id FROM listings l
    WHERE l.first_seen_at < @before AND l.merged_into IS NULL
      AND NOT EXISTS (SELECT 1 FROM held h WHERE h.id = l.id)
      AND NOT EXISTS (SELECT 1 FROM listings m JOIN held h ON h.id = m.id WHERE m.merged_into = l.id)
    ORDER BY l.first_seen_at
    LIMIT @batch
    FOR UPDATE SKIP LOCKED),
keys AS (
    SELECT k.key FROM listing_keys k JOIN old ON old.id = k.listing_id
    UNION
    SELECT l.identity_key FROM listings l JOIN old ON old.id = l.id),
gone AS (
    DELETE FROM listings l USING old WHERE l.id = old.id),
-- No foreign key removes them (see migration 0021): the listings' keys go here, merged copies hold none.
unkeyed AS (
    DELETE FROM listing_keys k USING old WHERE k.listing_id = old.id)
INSERT INTO forgotten_listings (key)
SELECT md5(key)::uuid FROM keys
ON CONFLICT DO NOTHING;

-- name: forget-notices
-- Confirmation and "already subscribed" mails that ended before @before.
DELETE FROM notices n
WHERE n.id IN (
    SELECT id FROM notices WHERE status IN ('sent', 'failed', 'cancelled') AND created_at < @before
    ORDER BY id LIMIT @batch);

-- name: forget-job-runs
DELETE FROM job_runs WHERE id IN (SELECT id FROM job_runs WHERE started_at < @before ORDER BY id LIMIT @batch);

-- name: forget-source-runs
-- Each source's latest run is kept: `digest sources` shows it however long ago it was.
DELETE FROM source_runs r
WHERE r.id IN (
    SELECT o.id FROM source_runs o
    WHERE o.finished_at < @before
      AND EXISTS (SELECT 1 FROM source_runs n WHERE n.source = o.source AND n.id > o.id)
    ORDER BY o.id LIMIT @batch);

-- name: forget-orphaned-topics
-- Topics nobody follows any more. A save (sign-up, form, import) locks the topics it finds (lock-topics) until
-- it has stored who follows them, so SKIP LOCKED passes over them; one that committed since this statement's snapshot makes the
-- foreign key refuse the delete, and the batch is tried again at the next run.
DELETE FROM topics t
WHERE t.id IN (
    SELECT o.id FROM topics o
    WHERE NOT EXISTS (SELECT 1 FROM subscriber_topics st WHERE st.topic_id = o.id)
    ORDER BY o.id LIMIT @batch
    FOR UPDATE SKIP LOCKED);

-- name: table-sizes
-- What the main tables take on disk, indexes and TOAST included, and the whole database: for the retention
-- job's summary and the retention benchmark. A partitioned table (digests) is the sum of its partitions: the
-- table itself holds nothing.
SELECT c.relname AS name,
       CASE WHEN c.relkind = 'p' THEN (SELECT sum(pg_total_relation_size(t.relid)) FROM pg_partition_tree(c.oid) t)::bigint
            ELSE pg_total_relation_size(c.oid) END AS bytes
FROM pg_class c
WHERE c.relname IN ('listings', 'digests', 'planning_cycles', 'notices', 'job_runs', 'source_runs', 'topics', 'forgotten_listings')
  AND c.relnamespace = 'public'::regnamespace
UNION ALL
SELECT 'database', pg_database_size(current_database())
ORDER BY 1;
