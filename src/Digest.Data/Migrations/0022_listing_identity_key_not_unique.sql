-- Which listing a paper is has been decided by listing_keys (every key unique there) since migration 0015:
-- a listing's identity_key, the strongest key of its first copy, is one of those keys. Its own unique index
-- decided nothing more, yet every listing stored paid for a second unique check on a long text key. The
-- ingest now draws each new listing's id before inserting it, so it no longer needs the key to find its rows.
ALTER TABLE listings DROP CONSTRAINT IF EXISTS listings_identity_key_key;
