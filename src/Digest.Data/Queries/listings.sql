-- name: create-listing-staging
-- The staging table a batch is COPYed into, one row per group of copies the code found to be one listing
-- (grp numbers them, keys are all their identity keys, strongest first, id_kinds the kinds of id among them),
-- and the listings each group's keys find. Private to the connection and emptied at each commit.
CREATE TEMP TABLE IF NOT EXISTS listing_staging (
    grp bigint, keys text[] COLLATE "C", id_kinds text[], external_id text, url text, title text, summary text,
    authors text[], tags text[], published_at timestamptz, extras jsonb
) ON COMMIT DELETE ROWS;
CREATE TEMP TABLE IF NOT EXISTS staged_hits (grp bigint, listing_id bigint) ON COMMIT DELETE ROWS;

-- name: copy-listing-staging
-- The batch's groups, written in binary by the ingest (column order is the writer's).
COPY listing_staging (grp, keys, id_kinds, external_id, url, title, summary, authors, tags, published_at, extras) FROM STDIN (FORMAT BINARY);

-- name: lock-listing-identity
-- A batch that finds stored listings (or lost a race, see share-listing-identity) decides which
-- listings its copies are alone, until it commits: two ingests that meet on a paper would otherwise each
-- store it, or each enrich or merge what the other is changing. The COPYs before it still run side by side.
SELECT pg_advisory_xact_lock(7365015);

-- name: share-listing-identity
-- A batch of listings none of which is stored yet inserts them beside other such batches: the unique keys
-- decide between two of them that meet on a paper (the second finds a key taken and is done again alone).
-- It still waits for a batch deciding alone, and that one waits for it.
SELECT pg_advisory_xact_lock_shared(7365015);

-- name: any-staged-hits
-- Whether find-staged-hits found any stored listing for the batch.
SELECT EXISTS (SELECT 1 FROM staged_hits);

-- name: find-staged-hits
-- The stored listings each staged group is: those holding any of its keys. A title finds a listing only
-- when the two do not carry different ids of one kind (two arXiv ids, two DOIs, two URLs name two things);
-- ListingGroups applies the same rule inside a batch.
DELETE FROM staged_hits;
INSERT INTO staged_hits (grp, listing_id)
SELECT DISTINCT s.grp, k.listing_id
FROM listing_staging s
CROSS JOIN LATERAL unnest(s.keys) AS mine(key)
-- One index lookup per key, whatever the planner thinks of the staging table's size (it cannot see how
-- many keys an array holds): as a plain join it hashed all of listing_keys for every batch, a cost that
-- grew with the store. LIMIT keeps the subquery from being turned back into that join.
CROSS JOIN LATERAL (SELECT listing_id FROM listing_keys WHERE key = mine.key LIMIT 1) AS k
WHERE NOT starts_with(mine.key, 'title:')
   OR NOT EXISTS (SELECT 1 FROM listing_keys other
                  WHERE other.listing_id = k.listing_id AND split_part(other.key, ':', 1) = ANY (s.id_kinds));

-- name: merge-staged-listings
-- A group that finds several listings bridges copies stored apart: each is merged into the oldest (first
-- seen first), which keeps its id, its first sight (so planning never offers it again to anyone who could
-- see either) and gains the others' keys and the fields it lacked, from the oldest of them. A merged
-- listing stays as a row pointing at the one it joined. A listing whose own survivor is merged away this
-- round waits for the next; the caller repeats until nothing merges. Returns how many were merged.
WITH ranked AS (
    SELECT h.listing_id, first_value(h.listing_id) OVER (PARTITION BY h.grp ORDER BY l.first_seen_at, l.id) AS survivor
    FROM staged_hits h JOIN listings l ON l.id = h.listing_id
), losers AS (
    SELECT r.listing_id AS loser, (array_agg(r.survivor ORDER BY s.first_seen_at, s.id))[1] AS survivor
    FROM ranked r JOIN listings s ON s.id = r.survivor
    WHERE r.listing_id <> r.survivor
    GROUP BY r.listing_id
), merges AS (
    SELECT loser, survivor FROM losers WHERE survivor NOT IN (SELECT loser FROM losers)
), moved_keys AS (
    UPDATE listing_keys k SET listing_id = m.survivor FROM merges m WHERE k.listing_id = m.loser
), moved_aliases AS (
    UPDATE listings l SET merged_into = m.survivor FROM merges m WHERE l.merged_into = m.loser
), retired AS (
    UPDATE listings l SET merged_into = m.survivor, updated_at = now() FROM merges m WHERE l.id = m.loser
), gained AS (
    SELECT DISTINCT ON (m.survivor) m.survivor, o.external_id, o.url, o.summary, o.authors, o.tags, o.published_at, o.extras
    FROM merges m JOIN listings o ON o.id = m.loser
    ORDER BY m.survivor, o.first_seen_at, o.id
), enriched AS (
    UPDATE listings l SET (external_id, url, summary, authors, tags, published_at, extras, updated_at) =
        (SELECT e.*, now() FROM listing_enrichment(l, g.external_id, g.url, g.summary, g.authors, g.tags, g.published_at, g.extras) e)
    FROM gained g WHERE l.id = g.survivor
)
SELECT count(*)::int FROM merges;

-- name: upsert-staged-listings
-- After merging, each staged group is one stored listing or none. A known one is enriched with what it
-- lacked (an update only happens when it adds a missing field, so re-ingesting a file changes nothing) and
-- is never new: its first sight stays, so no one is offered it again. The others are inserted. Every key
-- of every group is then held by its listing (a key another listing holds stays there). A group with any
-- key of a listing retention has forgotten is not stored again: it may have reached people already (see
-- RetentionRepository). A new listing's first sight is @first_seen_at, the program's time: planning compares it with
-- the program's clock (its window, a listing's age), so a database clock that differs shifts nothing. Returns the
-- groups inserted as new listings.
WITH targets AS (
    SELECT grp, min(listing_id) AS listing_id FROM staged_hits GROUP BY grp
), changes AS (
    SELECT l.id, e.* FROM listing_staging s
    JOIN targets t ON t.grp = s.grp
    JOIN listings l ON l.id = t.listing_id
    CROSS JOIN LATERAL listing_enrichment(l, s.external_id, s.url, s.summary, s.authors, s.tags, s.published_at, s.extras) e
    WHERE (e.*) IS DISTINCT FROM (l.external_id, l.url, l.summary, l.authors, l.tags, l.published_at, l.extras)
), enriched AS (
    UPDATE listings l SET (external_id, url, summary, authors, tags, published_at, extras, updated_at) =
        (c.external_id, c.url, c.summary, c.authors, c.tags, c.published_at, c.extras, now())
    FROM changes c WHERE l.id = c.id
), forgotten AS (
    SELECT DISTINCT s.grp FROM listing_staging s
    CROSS JOIN LATERAL unnest(s.keys) AS k(key)
    JOIN forgotten_listings f ON f.key = md5(k.key)::uuid
), fresh AS MATERIALIZED (
    -- Each new listing's id is drawn first, so its keys can name it without looking it up again.
    SELECT s.grp, nextval(pg_get_serial_sequence('listings', 'id')) AS id
    FROM listing_staging s
    WHERE NOT EXISTS (SELECT 1 FROM targets t WHERE t.grp = s.grp)
      AND NOT EXISTS (SELECT 1 FROM forgotten f WHERE f.grp = s.grp)
), inserted AS (
    INSERT INTO listings (id, identity_key, external_id, url, title, summary, authors, tags, published_at, extras, source, first_seen_at)
    OVERRIDING SYSTEM VALUE
    SELECT f.id, s.keys[1], s.external_id, s.url, s.title, s.summary, s.authors, s.tags, s.published_at, s.extras, @source, @first_seen_at
    FROM fresh f JOIN listing_staging s ON s.grp = f.grp
), keyed AS (
    -- In key order, which is also the order the index is filled fastest in. Deciding alone, nobody else
    -- stores keys meanwhile, so the keys held already are left out here; beside others, find-staged-hits
    -- found none held, and a key one of them stores first fails the statement (the batch is done again alone).
    INSERT INTO listing_keys (key, listing_id)
    SELECT DISTINCT ON (k.key) k.key, coalesce(t.listing_id, f.id)
    FROM listing_staging s
    CROSS JOIN LATERAL unnest(s.keys) AS k(key)
    LEFT JOIN targets t ON t.grp = s.grp
    LEFT JOIN fresh f ON f.grp = s.grp
    WHERE coalesce(t.listing_id, f.id) IS NOT NULL
      AND (@beside OR NOT EXISTS (SELECT 1 FROM listing_keys held WHERE held.key = k.key))
    ORDER BY k.key, s.grp
)
SELECT array(SELECT grp FROM fresh) AS new_groups;

-- name: claim-staged-keys
-- Backfill: every staged listing (grp is its id) takes the keys nobody holds yet, the oldest listing first,
-- so of two copies stored apart the older holds a shared title.
INSERT INTO listing_keys (key, listing_id)
SELECT k.key, s.grp
FROM listing_staging s
JOIN listings l ON l.id = s.grp
CROSS JOIN LATERAL unnest(s.keys) AS k(key)
ORDER BY l.first_seen_at, l.id
ON CONFLICT (key) DO NOTHING;

-- name: get-listings-for-keys
-- Backfill: the listings after @after with what their keys are made of, a page at a time in id order.
SELECT id, title, external_id, url FROM listings WHERE id > @after ORDER BY id LIMIT @limit;

-- name: count-listings
-- How many listings are stored (those merged into another are not); for the CLI's summary.
SELECT count(*) FROM listings WHERE merged_into IS NULL;

-- name: get-listing
-- One listing as its public page shows it (the page of ours an email links to when the source gave no link);
-- a listing merged into an older copy of the same paper shows that copy.
SELECT l.id, l.title, l.summary, l.url, l.authors, l.source, l.published_at, l.first_seen_at
FROM listings asked JOIN listings l ON l.id = coalesce(asked.merged_into, asked.id)
WHERE asked.id = @id;

-- name: find-listings
-- Operators' search: listings whose title or abstract contains the text (case-insensitive, no ranking),
-- newest first. A plain substring, not the topic language: an operator looks for a title they were sent.
SELECT id, title, summary, url, authors, source, published_at, first_seen_at
FROM listings
WHERE merged_into IS NULL
  AND (strpos(lower(title), lower(@text)) > 0 OR strpos(lower(summary), lower(@text)) > 0)
ORDER BY coalesce(published_at, first_seen_at) DESC, id DESC
LIMIT @limit;
