-- The console's listing search finds a title by any part of it: ILIKE '%words%' through a trigram index, instead
-- of reading every title ever stored when few or none match. pg_trgm ships with PostgreSQL (contrib) and is a
-- trusted extension: the database's owner may create it. What it costs ingest is in the README's benchmarks.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX IF NOT EXISTS listings_title_trgm_idx ON listings USING gin (title gin_trgm_ops);
