-- name: create-listing-staging
-- The staging table a batch is COPYed into; private to the connection and emptied at each commit.
CREATE TEMP TABLE IF NOT EXISTS listing_staging (
    identity_key text, external_id text, url text, title text, summary text,
    authors text[], tags text[], published_at timestamptz, extras jsonb
) ON COMMIT DELETE ROWS;

-- name: copy-listing-staging
-- The batch's rows, written in binary by the ingest (column order is the writer's).
COPY listing_staging (identity_key, external_id, url, title, summary, authors, tags, published_at, extras) FROM STDIN (FORMAT BINARY);

-- name: upsert-staged-listings
-- Inserts the staged batch, or fills in what an earlier copy of the same listing lacked: one set-based
-- statement per batch. Returns one row per identity inserted or enriched: inserted = true for new ones.
-- Re-ingesting the same file changes nothing, because an update only happens when it adds a missing field.
-- Copies of one listing within a batch are kept as one; its date is any copy's, so a dated copy beside an
-- undated one is never lost to which copy DISTINCT ON happens to keep. A listing retention has forgotten is
-- not stored again: it may have reached people already (see RetentionRepository).
INSERT INTO listings AS l (identity_key, external_id, url, title, summary, authors, tags, published_at, extras, source)
SELECT DISTINCT ON (identity_key) identity_key, external_id, url, title, summary, authors, tags,
       coalesce(published_at, max(published_at) OVER (PARTITION BY identity_key)), extras, @source
FROM listing_staging s
WHERE NOT EXISTS (SELECT 1 FROM forgotten_listings f WHERE f.key = md5(s.identity_key)::uuid)
ORDER BY identity_key
ON CONFLICT (identity_key) DO UPDATE SET
    external_id  = coalesce(l.external_id, excluded.external_id),
    url          = coalesce(l.url, excluded.url),
    summary      = CASE WHEN length(excluded.summary) > length(l.summary) THEN excluded.summary ELSE l.summary END,
    authors      = CASE WHEN cardinality(l.authors) = 0 THEN excluded.authors ELSE l.authors END,
    tags         = CASE WHEN cardinality(l.tags) = 0 THEN excluded.tags ELSE l.tags END,
    published_at = coalesce(l.published_at, excluded.published_at),
    extras       = excluded.extras || l.extras,
    updated_at   = now()
WHERE l.external_id IS NULL AND excluded.external_id IS NOT NULL
   OR l.url IS NULL AND excluded.url IS NOT NULL
   OR length(excluded.summary) > length(l.summary)
   OR cardinality(l.authors) = 0 AND cardinality(excluded.authors) > 0
   OR cardinality(l.tags) = 0 AND cardinality(excluded.tags) > 0
   OR l.published_at IS NULL AND excluded.published_at IS NOT NULL
   OR NOT (l.extras @> excluded.extras)
RETURNING identity_key, (xmax = 0) AS inserted;

-- name: count-listings
-- How many listings are stored; for the CLI's summary.
SELECT count(*) FROM listings;

-- name: get-listing
-- One listing as its public page shows it (the page of ours an email links to when the source gave no link).
SELECT id, title, summary, url, authors, source, published_at, first_seen_at
FROM listings WHERE id = @id;

-- name: find-listings
-- Operators' search: listings whose title or abstract contains the text (case-insensitive, no ranking),
-- newest first. A plain substring, not the topic language: an operator looks for a title they were sent.
SELECT id, title, summary, url, authors, source, published_at, first_seen_at
FROM listings
WHERE strpos(lower(title), lower(@text)) > 0 OR strpos(lower(summary), lower(@text)) > 0
ORDER BY coalesce(published_at, first_seen_at) DESC, id DESC
LIMIT @limit;
