-- How relevant a listing is to a topic and the snippet that shows why, each defined once for the planner's
-- match, the sender and the preview (they were repeated in three queries). Both are inlined by the planner.
-- Relevance: ts_rank with title words (A) weighing 1.0 and abstract words (B) 0.4.
CREATE FUNCTION digest_relevance(search tsvector, query tsquery) RETURNS real
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT ts_rank('{0.1, 0.2, 0.4, 1.0}', search, query) $$;

-- Snippet: up to two fragments of the abstract around the words that matched, marked with the control
-- characters 2 and 3 (the renderer turns them into highlights); the abstract's start when nothing matched.
CREATE FUNCTION digest_snippet(summary text, query tsquery) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT coalesce(ts_headline('digest_english', summary, query,
                      'StartSel=' || chr(2) || ', StopSel=' || chr(3) || ', MaxWords=22, MinWords=10, MaxFragments=2, FragmentDelimiter=" … "'),
                      left(summary, 240)) $$;
