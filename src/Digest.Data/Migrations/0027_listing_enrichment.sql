-- What another copy of a listing adds to the stored one, defined once for an ingest that meets a known
-- listing and for the merge of two listings (the rule was repeated in both): an id, URL, authors, tags or
-- date it lacked, a longer abstract, extras it did not have (its own win where both have one). Returns the
-- listing's fields as they become; equal to its own when the copy adds nothing. Inlined by the planner.
CREATE FUNCTION listing_enrichment(l listings, c_external_id text, c_url text, c_summary text, c_authors text[],
                                   c_tags text[], c_published_at timestamptz, c_extras jsonb)
RETURNS TABLE (external_id text, url text, summary text, authors text[], tags text[], published_at timestamptz, extras jsonb)
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT coalesce(l.external_id, c_external_id),
             coalesce(l.url, c_url),
             CASE WHEN length(c_summary) > length(l.summary) THEN c_summary ELSE l.summary END,
             CASE WHEN cardinality(l.authors) = 0 THEN c_authors ELSE l.authors END,
             CASE WHEN cardinality(l.tags) = 0 THEN c_tags ELSE l.tags END,
             coalesce(l.published_at, c_published_at),
             c_extras || l.extras $$;
