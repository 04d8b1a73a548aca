-- name: suppress-address
-- Stops all mail to an address: a hard bounce or an operator's decision. Idempotent.
INSERT INTO suppressions (email_key, reason) VALUES (@email_key, @reason)
ON CONFLICT (email_key) DO NOTHING;
