-- Accents fold away in matching: "Schrödinger" finds "Schrodinger" and "naive" finds "naïve".
-- digest_english is PostgreSQL's english configuration with unaccent in front of the stemmer for words
-- with letters outside ASCII. unaccent ships with PostgreSQL (contrib) and is a trusted extension, so
-- the database owner may create it.
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE TEXT SEARCH CONFIGURATION digest_english (COPY = english);
ALTER TEXT SEARCH CONFIGURATION digest_english
    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem;

-- The search vector is rebuilt with the new configuration (the GIN index goes with the old column).
ALTER TABLE listings DROP COLUMN search;
ALTER TABLE listings ADD COLUMN search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('digest_english', title), 'A') ||
    setweight(to_tsvector('digest_english', summary), 'B')) STORED;
CREATE INDEX listings_search_idx ON listings USING gin (search);

-- Stored topics were compiled with 'english': fold their (already stemmed) lexemes the same way.
UPDATE topics SET query = to_tsquery('digest_english', query::text);
