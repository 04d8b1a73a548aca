-- name: suppress-address
-- Stops all mail to an address: a hard bounce or an operator's decision. Idempotent.
INSERT INTO suppressions (email_key, reason) VALUES (@email_key, @reason)
ON CONFLICT (email_key) DO NOTHING;

-- name: unsuppress-address
-- Lets mail go to an address again: an operator's decision after a bounce was resolved.
DELETE FROM suppressions WHERE email_key = @email_key;

-- name: list-suppressions
-- Suppressed addresses, newest first, with why.
SELECT email_key AS email, reason, created_at FROM suppressions ORDER BY created_at DESC LIMIT @limit;
