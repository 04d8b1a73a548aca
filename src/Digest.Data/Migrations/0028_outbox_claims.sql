-- Fenced claims. Each claim of a digest or notice takes a number never used before; every later change a sender
-- makes to that message (renewal, hand-back, sent, retry, failed, cancelled) matches the number it holds. Before
-- this only the renewal and the hand-back matched on the claim (by its attempt count), so a sender that stalled past
-- its lease could finish a message another sender had claimed and sent since. The claim order index on notices
-- matches the digests' one (0025): a claim reads about one batch of index entries.
CREATE SEQUENCE IF NOT EXISTS outbox_claims;
ALTER TABLE digests ADD COLUMN IF NOT EXISTS claim bigint;
ALTER TABLE notices ADD COLUMN IF NOT EXISTS claim bigint;
ALTER TABLE notices ADD COLUMN IF NOT EXISTS message_id text;
CREATE INDEX IF NOT EXISTS notices_claim_order_idx ON notices (next_attempt_at, id) WHERE status IN ('ready', 'sending');
DROP INDEX IF EXISTS notices_sendable_idx;
