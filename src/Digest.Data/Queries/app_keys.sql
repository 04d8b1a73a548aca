-- name: ensure-app-key
-- Stores a key made by the first node to ask; every later node reads the same one.
INSERT INTO app_keys (name, value) VALUES (@name, @value) ON CONFLICT (name) DO NOTHING;

-- name: get-app-key
-- Reads a stored key.
SELECT value FROM app_keys WHERE name = @name;
