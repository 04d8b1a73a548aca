-- name: queue-notice
-- One mail a person asked for; the notice sender delivers it.
INSERT INTO notices (subscriber_id, kind) VALUES (@subscriber_id, @kind);


-- name: get-batch-notices
-- The claimed notices of a batch with whom each goes to, re-read at send time (a person may have confirmed, left
-- or bounced since it was queued).
SELECT n.id AS notice_id, n.kind, s.id, s.email, s.status, s.frequency, s.send_hour, s.send_weekday, s.time_zone,
       s.max_items, s.created_at, s.confirmed_at,
       EXISTS (SELECT 1 FROM suppressions x WHERE x.email_key = s.email_key) AS suppressed
FROM notices n JOIN subscribers s ON s.id = n.subscriber_id
WHERE n.id = ANY(@notice_ids);
