-- The outbox engine's statements, written once for both outboxes: every name and statement below that holds
-- {outbox} is loaded once per outbox table (digests, notices), with the table's name in its place (SqlCatalog).
-- Both tables share the columns used here: status, attempts, claim, lease_until, next_attempt_at, sent_at,
-- message_id, last_error.

-- name: any-sendable
-- Whether either outbox holds something a sender would claim now (the claims' own conditions): a cheap look
-- before starting send jobs on every node.
SELECT EXISTS (SELECT 1 FROM digests WHERE (status = 'ready' OR (status = 'sending' AND lease_until < now())) AND next_attempt_at <= now())
    OR EXISTS (SELECT 1 FROM notices WHERE (status = 'ready' OR (status = 'sending' AND lease_until < now())) AND next_attempt_at <= now());

-- name: claim-{outbox}
-- Claims up to @batch_size sendable messages for this sender until the lease ends. Each claim takes a number never
-- used before (outbox_claims): every later change the sender makes to the message matches it, so a sender whose
-- lease ran out, and whose message another sender claimed since, changes nothing (a fenced claim). SKIP LOCKED lets
-- many senders claim side by side; the lease hands a message back if its sender dies.
UPDATE {outbox} o SET status = 'sending', lease_until = now() + make_interval(secs => @lease_seconds),
                      attempts = o.attempts + 1, claim = nextval('outbox_claims')
WHERE o.id IN (
    SELECT id FROM {outbox}
    WHERE (status = 'ready' OR (status = 'sending' AND lease_until < now()))
      AND next_attempt_at <= now()
    ORDER BY next_attempt_at, id
    FOR UPDATE SKIP LOCKED
    LIMIT @batch_size)
RETURNING o.id, o.claim, o.attempts;

-- name: next-orphaned-{outbox}
-- For a sender that finds nothing to claim: seconds until the first claim of a sender that seems dead runs out
-- (its lease not renewed for over half a lease; a live sender renews every third of one), NULL when there is none,
-- and whether any claim is held at all (a sender killed a moment ago still looks alive: look again later). It waits
-- for these instead of leaving a killed sender's mail to the next send job.
SELECT extract(epoch FROM min(lease_until) FILTER (WHERE lease_until < now() + make_interval(secs => @lease_seconds / 2.0))
                          - now())::float8 AS orphaned_in,
       count(*) > 0 AS held
FROM {outbox} WHERE status = 'sending';

-- name: extend-claims-{outbox}
-- The heartbeat of a sender with messages in flight: the claims it holds (message and claim number) hold for
-- another lease from now. Rows are locked in id order, like every statement here that changes several messages,
-- so two of them never wait on each other (a deadlock); one that is locked now is skipped: it is being finished.
WITH held AS (
    SELECT o.id FROM {outbox} o
    JOIN unnest(@ids::bigint[], @claims::bigint[]) AS c(id, claim) ON o.id = c.id AND o.claim = c.claim
    WHERE o.status = 'sending'
    ORDER BY o.id
    FOR UPDATE OF o SKIP LOCKED)
UPDATE {outbox} o SET lease_until = now() + make_interval(secs => @lease_seconds)
FROM held WHERE o.id = held.id;

-- name: finish-{outbox}
-- The one statement that records what became of claimed messages: 'sent' (the commit point: never sent again),
-- 'failed' and 'cancelled' (ended), or 'ready' again, for a later attempt after @retry_seconds (a temporary
-- failure) or handed back with the attempt unspent (@refunds: the sender stopped, or the relay refused us rather
-- than the message). Fenced: only a message still 'sending' under the claim this sender holds changes; the ids
-- returned are those that did, so the sender knows what it no longer held. Rows are locked in id order.
WITH f AS (
    SELECT o.id, f.status, f.error, f.retry_seconds, f.message_id, f.refund
    FROM {outbox} o
    JOIN unnest(@ids::bigint[], @claims::bigint[], @statuses::text[], @errors::text[], @retry_seconds::float8[],
                @message_ids::text[], @refunds::bool[])
        AS f(id, claim, status, error, retry_seconds, message_id, refund) ON o.id = f.id AND o.claim = f.claim
    WHERE o.status = 'sending'
    ORDER BY o.id
    FOR UPDATE OF o)
UPDATE {outbox} o SET status = f.status, lease_until = NULL,
                      last_error = CASE WHEN f.status = 'sent' THEN NULL ELSE coalesce(f.error, o.last_error) END,
                      sent_at = CASE WHEN f.status = 'sent' THEN now() ELSE o.sent_at END,
                      message_id = coalesce(f.message_id, o.message_id),
                      next_attempt_at = CASE WHEN f.retry_seconds IS NULL THEN o.next_attempt_at
                                             ELSE now() + make_interval(secs => f.retry_seconds) END,
                      attempts = CASE WHEN f.refund THEN greatest(o.attempts - 1, 0) ELSE o.attempts END
FROM f WHERE o.id = f.id
RETURNING o.id;
