-- name: lock-topics
-- Finds or creates the one row for each canonical topic text (the compiled tsquery is stored with it), for a
-- batch of people at once. Every topic found is locked (FOR KEY SHARE) until the caller's transaction has stored
-- who follows it: retention never deletes it as orphaned in between (forget-orphaned-topics skips locked rows),
-- and the foreign-key checks of subscriber_topics find the lock already held. New topics are inserted in
-- canonical order, so two batches at once meet in the same order. A topic another transaction inserted or
-- deleted meanwhile is missing from the result; the caller asks again for what is missing. @abouts holds each topic's
-- sentence keys (AboutKey), space-separated.
WITH wanted AS (
    SELECT * FROM unnest(@canonicals::text[], @tsqueries::text[], @abouts::text[]) AS w(canonical, tsquery, abouts)
), found AS (
    SELECT t.id, t.canonical FROM topics t WHERE t.canonical = ANY(@canonicals) FOR KEY SHARE
), inserted AS (
    INSERT INTO topics (canonical, query, abouts)
    SELECT w.canonical, to_tsquery('digest_english', w.tsquery), string_to_array(w.abouts, ' ') FROM wanted w
    WHERE NOT EXISTS (SELECT 1 FROM found f WHERE f.canonical = w.canonical)
    ORDER BY w.canonical
    ON CONFLICT (canonical) DO NOTHING
    RETURNING id, canonical
)
SELECT id, canonical FROM found
UNION ALL
SELECT id, canonical FROM inserted;

-- name: remember-about-sentences
-- The sentences of about: terms being saved, each once: the embed-listings job gives them their vector.
INSERT INTO about_sentences (key, sentence)
SELECT k, s FROM unnest(@keys::text[], @sentences::text[]) AS x(k, s)
ORDER BY k
ON CONFLICT (key) DO NOTHING;

-- name: get-recent-vectors
-- The topic check: the meaning vectors of @model of the listings first seen since @since, in id order.
SELECT e.listing_id, e.vector
FROM listing_embeddings e JOIN listings l ON l.id = e.listing_id
WHERE l.first_seen_at > @since AND l.merged_into IS NULL AND e.model = @model
ORDER BY e.listing_id;

-- name: check-topics
-- The topic check: for each topic (@tsqueries, compiled by TopicParser), how many listings first seen since @since
-- it matches, and the newest @first of them. Listings close in meaning to the topics' about: sentences carry their
-- keys (@meaning_ids, @meanings), as in create-match-window, so the check matches exactly as planning does.
WITH recent AS MATERIALIZED (
    SELECT l.id, l.title, l.first_seen_at, listing_search(l.title, l.summary) || coalesce(m.meaning::tsvector, '') AS search
    FROM listings l
    LEFT JOIN unnest(@meaning_ids::bigint[], @meanings::text[]) AS m(id, meaning) ON m.id = l.id
    WHERE l.first_seen_at > @since AND l.merged_into IS NULL)
SELECT q.n::int AS topic, count(r.id)::int AS matches,
       coalesce((array_agg(r.id ORDER BY r.first_seen_at DESC, r.id DESC) FILTER (WHERE r.id IS NOT NULL))[1:@first], '{}') AS listing_ids,
       coalesce((array_agg(r.title ORDER BY r.first_seen_at DESC, r.id DESC) FILTER (WHERE r.id IS NOT NULL))[1:@first], '{}') AS titles
FROM unnest(@tsqueries::text[]) WITH ORDINALITY AS q(tsquery, n)
LEFT JOIN recent r ON r.search @@ to_tsquery('digest_english', q.tsquery)
GROUP BY q.n
ORDER BY q.n;
