-- name: any-sendable
-- Whether either outbox holds something a sender would claim now (the claims' own conditions): a cheap look
-- before starting send jobs on every node.
SELECT EXISTS (SELECT 1 FROM digests WHERE (status = 'ready' OR (status = 'sending' AND lease_until < now())) AND next_attempt_at <= now())
    OR EXISTS (SELECT 1 FROM notices WHERE (status = 'ready' OR (status = 'sending' AND lease_until < now())) AND next_attempt_at <= now());
