-- Bulk ingest writes a key row for every identity key of every new listing, and the foreign key to listings
-- checked (and locked) the listing once per key row: most of what the keys added to the cost of a batch.
-- Nothing needs it: keys are only written by the ingest for the listing it has just inserted or found in the
-- same transaction, merges move them to the survivor, and the one place listings are deleted (retention,
-- forget-listings) deletes their keys in the same statement, as the cascade did.
ALTER TABLE listing_keys DROP CONSTRAINT IF EXISTS listing_keys_listing_id_fkey;
