-- name: insert-bounce
-- Records one message read from the bounce mailbox; nothing when its key was recorded before (read again after a
-- crash between recording and moving it), so its effects are never applied twice.
INSERT INTO bounces (mailbox_key, received_at, kind, outcome, digest_id, notice_id, email_key, status, detail, source)
VALUES (@mailbox_key, @received_at, @kind, @outcome, @digest_id, @notice_id, @email_key, @status, @detail, @source)
ON CONFLICT (mailbox_key) DO NOTHING
RETURNING id;

-- name: set-bounce-outcome
-- The outcome once the rules are applied (a soft bounce that reached the limit was suppressed).
UPDATE bounces SET outcome = @outcome WHERE id = @id;

-- name: get-bounced-digest-recipient
-- Who a digest went to: the person a bounce of it is about.
SELECT s.id AS subscriber_id, s.email, s.email_key FROM digests d JOIN subscribers s ON s.id = d.subscriber_id WHERE d.id = @id;

-- name: get-bounced-notice-recipient
-- Who a notice went to: the person a bounce of it is about.
SELECT s.id AS subscriber_id, s.email, s.email_key FROM notices n JOIN subscribers s ON s.id = n.subscriber_id WHERE n.id = @id;

-- name: count-recent-soft-bounces
-- Soft bounces of one address since a moment: when they reach Bounces:SoftLimit the address is suppressed.
SELECT count(*) FROM bounces WHERE kind = 'soft' AND email_key = @email_key AND received_at >= @since;

-- name: list-bounces
-- The latest bounces and complaints, newest first, for operators.
SELECT id, received_at, kind, outcome, digest_id, notice_id, email_key AS email, status, detail, source
FROM bounces ORDER BY received_at DESC, id DESC LIMIT @limit;

-- name: bounce-counts
-- Bounces by kind since a moment, for `digests stats` and the admin API.
SELECT kind, count(*) AS count FROM bounces WHERE received_at >= @since GROUP BY kind ORDER BY kind;
