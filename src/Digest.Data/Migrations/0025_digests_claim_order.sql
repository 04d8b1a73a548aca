-- The claim (claim-digests) takes sendable digests in (next_attempt_at, id) order. An index on next_attempt_at
-- alone could not give that order when many digests share a time (a whole cycle is planned at once), so every
-- claim read and sorted all sendable digests: its cost grew with the queue. In claim order, a claim reads about
-- one batch of index entries.
CREATE INDEX IF NOT EXISTS digests_claim_order_idx ON digests (next_attempt_at, id) WHERE status IN ('ready', 'sending');
DROP INDEX IF EXISTS digests_sendable_idx;
