-- Listings are searched only while they are new: each planning cycle builds a small index over its window
-- (create-match-window), and the sender and the preview look at a few listings each. The stored search
-- vector and its GIN index over every listing ever stored cost more than half of the database's time per
-- stored listing and were no longer read, so the vector is now made where it is needed, by this one
-- function (title words weigh A, abstract words B; title:word asks for A).
CREATE FUNCTION listing_search(title text, summary text) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT setweight(to_tsvector('digest_english', title), 'A') || setweight(to_tsvector('digest_english', summary), 'B') $$;

ALTER TABLE listings DROP COLUMN search;
