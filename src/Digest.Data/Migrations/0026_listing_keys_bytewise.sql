-- Identity keys are compared for equality and kept in an index, never shown in order: compared byte by byte
-- ("C") rather than by the database's language rules, each comparison in the index is a memory compare.
ALTER TABLE listing_keys ALTER COLUMN key TYPE text COLLATE "C";
