-- Listing embeddings: what each listing means, as a vector of the meaning model, filled in by the embed-listings job.

-- name: get-listings-to-embed
-- Listings with no vector of @model made from their text as it is stored now, newest first (what planning reads
-- next comes first), at most @limit. A listing merged into another is left out: planning never reads it again.
SELECT l.id, l.title, l.summary, l.updated_at
FROM listings l
LEFT JOIN listing_embeddings e ON e.listing_id = l.id
WHERE l.merged_into IS NULL
  AND (e.listing_id IS NULL OR e.model <> @model OR e.made_from <> l.updated_at)
ORDER BY l.first_seen_at DESC, l.id DESC
LIMIT @limit;

-- name: store-listing-embeddings
-- One batch of vectors: listing i (from 1) has @vectors[(i - 1) * @dimensions + 1 : i * @dimensions], so a batch is
-- one statement. A listing retention forgot meanwhile is skipped rather than failing the batch.
INSERT INTO listing_embeddings (listing_id, model, vector, made_from)
SELECT u.id, @model, (@vectors::real[])[(u.n - 1) * @dimensions + 1 : u.n * @dimensions], u.made_from
FROM unnest(@ids::bigint[], @made_from::timestamptz[]) WITH ORDINALITY AS u(id, made_from, n)
WHERE EXISTS (SELECT 1 FROM listings l WHERE l.id = u.id)
ON CONFLICT (listing_id) DO UPDATE
SET model = excluded.model, vector = excluded.vector, made_from = excluded.made_from, embedded_at = now();


-- name: get-sentences-to-embed
-- Sentences of about: topics with no vector of @model yet, at most @limit.
SELECT key, sentence FROM about_sentences
WHERE vector IS NULL OR model IS DISTINCT FROM @model
ORDER BY key
LIMIT @limit;

-- name: store-sentence-embeddings
-- One batch of sentence vectors, laid out as in store-listing-embeddings.
UPDATE about_sentences a
SET model = @model, vector = (@vectors::real[])[(u.n - 1) * @dimensions + 1 : u.n * @dimensions], embedded_at = now()
FROM unnest(@keys::text[]) WITH ORDINALITY AS u(key, n)
WHERE a.key = u.key;

-- name: get-sentence-vectors
-- The vectors of the given sentences that have one, with the model that made each.
SELECT key, model, vector FROM about_sentences WHERE key = ANY(@keys) AND vector IS NOT NULL;
