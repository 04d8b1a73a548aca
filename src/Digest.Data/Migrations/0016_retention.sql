-- Retention (see RetentionJob): what the clean-up needs to find old rows cheaply, and the keys of listings it
-- has forgotten, so that a forgotten listing ingested again is not stored, and offered, as new.

-- The identity key's md5 as a uuid: 16 bytes per forgotten listing instead of the listing's row.
CREATE TABLE forgotten_listings (
    key uuid PRIMARY KEY
);

-- Finished digests by age, for the clean-up; the sendable ones have their own index.
CREATE INDEX IF NOT EXISTS digests_finished_idx ON digests (planned_at)
    WHERE status IN ('sent', 'empty', 'failed', 'cancelled');

-- Digests that may be sent again by an operator (resend): retention keeps their listings.
CREATE INDEX IF NOT EXISTS digests_resendable_idx ON digests (id) WHERE status IN ('failed', 'cancelled');
