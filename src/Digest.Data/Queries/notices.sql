-- name: queue-notice
-- One mail a person asked for; the notice sender delivers it.
INSERT INTO notices (subscriber_id, kind) VALUES (@subscriber_id, @kind);

-- name: claim-notices
-- Same claim as digests: SKIP LOCKED for many workers, a lease that hands the notice back if its worker dies.
UPDATE notices n SET status = 'sending', lease_until = now() + make_interval(secs => @lease_seconds),
                     attempts = n.attempts + 1
WHERE n.id IN (
    SELECT id FROM notices
    WHERE (status = 'ready' OR (status = 'sending' AND lease_until < now()))
      AND next_attempt_at <= now()
    ORDER BY next_attempt_at, id
    FOR UPDATE SKIP LOCKED
    LIMIT @batch_size)
RETURNING n.id, n.subscriber_id, n.kind, n.attempts, n.created_at;

-- name: extend-notice-claims
-- The heartbeat of a sender with notices in flight (see extend-digest-claims): rows locked in id order, one
-- locked now skipped (it is being finished).
WITH held AS (
    SELECT n.id FROM notices n
    JOIN unnest(@ids::bigint[], @attempts::int[]) AS c(id, attempts) ON n.id = c.id AND n.attempts = c.attempts
    WHERE n.status = 'sending'
    ORDER BY n.id
    FOR UPDATE OF n SKIP LOCKED)
UPDATE notices n SET lease_until = now() + make_interval(secs => @lease_seconds)
FROM held WHERE n.id = held.id;

-- name: release-notice-claims
-- Claimed notices not finished when their sender stops: back to the outbox, attempt unspent (see
-- release-digest-claims); rows locked in id order.
WITH held AS (
    SELECT n.id FROM notices n
    JOIN unnest(@ids::bigint[], @attempts::int[]) AS c(id, attempts) ON n.id = c.id AND n.attempts = c.attempts
    WHERE n.status = 'sending'
    ORDER BY n.id
    FOR UPDATE OF n)
UPDATE notices n SET status = 'ready', lease_until = NULL, attempts = greatest(n.attempts - 1, 0)
FROM held WHERE n.id = held.id;

-- name: finish-notice
-- The commit point of a notice (sent), or its end (failed, cancelled): it is never sent again.
UPDATE notices SET status = @status, sent_at = CASE WHEN @status = 'sent' THEN now() END,
                   lease_until = NULL, last_error = @error
WHERE id = @id;

-- name: retry-notice
-- A temporary failure: hand the notice back for a later attempt.
UPDATE notices SET status = 'ready', lease_until = NULL, last_error = @error, next_attempt_at = @next_attempt_at
WHERE id = @id;

-- name: release-notice
-- The relay refuses us, not this notice (e.g. a wrong password): hand it back without spending the attempt.
UPDATE notices SET status = 'ready', lease_until = NULL, attempts = greatest(attempts - 1, 0), last_error = @error,
                   next_attempt_at = @next_attempt_at
WHERE id = @id;

-- name: get-notice-recipient
-- Who a claimed notice goes to, re-read at send time (a person may have confirmed, left or bounced since).
SELECT s.id, s.email, s.status, s.frequency, s.send_hour, s.send_weekday, s.time_zone, s.max_items, s.created_at, s.confirmed_at,
       EXISTS (SELECT 1 FROM suppressions x WHERE x.email_key = s.email_key) AS suppressed
FROM notices n JOIN subscribers s ON s.id = n.subscriber_id
WHERE n.id = @notice_id;
