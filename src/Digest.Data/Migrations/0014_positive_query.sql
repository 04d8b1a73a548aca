-- A topic's positive part, the topic without its exclusions: what relevance ranks on and what the snippet
-- highlights. ts_rank scores a query with a negated term near zero for almost every hit, which made the
-- order of a topic with an exclusion arbitrary; exclusions only filter (the match still uses query).
-- PostgreSQL's querytree already drops the negated branches of a query, and our exclusions are always one
-- AND NOT beside the included part, so what is left is exactly the included part, weights and prefixes kept.
-- A generated column: every writer of topics (sign-up, import, benchmarks, the accent-folding rewrite)
-- gets it without knowing, and existing rows are filled by this statement. querytree answers the bare
-- word T when nothing indexable is left; the query itself is kept then.
ALTER TABLE topics ADD COLUMN IF NOT EXISTS positive_query tsquery NOT NULL
    GENERATED ALWAYS AS (CASE querytree(query) WHEN 'T' THEN query ELSE querytree(query)::tsquery END) STORED;
