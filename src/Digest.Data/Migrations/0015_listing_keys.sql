-- One paper is one listing, whatever the order of its sources: a listing carries every identity key its
-- copies gave (arXiv id, DOI, canonical URL, folded title), and a new copy that shares any of them is that
-- listing. The keys of the listings stored so far are computed by the code that computes them at ingest
-- (ListingKeysBackfill, run by the migrator right after this file), which also merges the duplicates that
-- the single key let in.
CREATE TABLE listing_keys (
    key        text   PRIMARY KEY,
    listing_id bigint NOT NULL REFERENCES listings (id) ON DELETE CASCADE
);
CREATE INDEX listing_keys_listing_idx ON listing_keys (listing_id);

-- A listing merged into an older copy of the same paper stays as a row (digests planned with it still
-- show it, links to it still lead somewhere) but is never offered again: planning reads only listings
-- with no merged_into.
ALTER TABLE listings ADD COLUMN merged_into bigint REFERENCES listings (id) ON DELETE CASCADE;
-- Found when a merge repoints the listings already merged into the one it merges away.
CREATE INDEX listings_merged_into_idx ON listings (merged_into) WHERE merged_into IS NOT NULL;
