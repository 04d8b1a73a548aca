-- name: list-data-protection-keys
-- Every web node's antiforgery keys, oldest first.
SELECT xml FROM data_protection_keys ORDER BY created_at, name;

-- name: store-data-protection-key
-- A key made by one node, for all of them. A name is never reused, so a clash means it is already stored.
INSERT INTO data_protection_keys (name, xml) VALUES (@name, @xml) ON CONFLICT (name) DO NOTHING;
