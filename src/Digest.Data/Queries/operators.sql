-- name: insert-operator
-- A new operator account; nothing when the name is taken (the caller says so).
INSERT INTO operators (name, password_hash, session_stamp) VALUES (@name, @password_hash, @session_stamp)
ON CONFLICT (name) DO NOTHING
RETURNING id;

-- name: get-operator-by-name
-- One operator by name, for signing in and the CLI.
SELECT id, name, password_hash, session_stamp, failed_sign_ins, locked_until, coalesce(locked_until > now(), false) AS locked, last_sign_in_at
FROM operators WHERE name = @name;

-- name: get-operator-session
-- The stamp a signed-in operator's cookie must carry: checked on every console request.
SELECT session_stamp FROM operators WHERE id = @id;

-- name: set-operator-password
-- A new password: a new session stamp (earlier sessions end) and the lock and failure count lifted.
UPDATE operators SET password_hash = @password_hash, session_stamp = @session_stamp, failed_sign_ins = 0,
                     locked_until = NULL, password_set_at = now()
WHERE name = @name;

-- name: record-failed-sign-in
-- One more wrong password, in one statement so two guesses at once cannot both miss the limit. Reaching
-- @limit locks the account until now + @lock_seconds and starts the count again. Returns the lock's end
-- (null while not locked).
UPDATE operators SET
    failed_sign_ins = CASE WHEN failed_sign_ins + 1 >= @limit THEN 0 ELSE failed_sign_ins + 1 END,
    locked_until    = CASE WHEN failed_sign_ins + 1 >= @limit THEN now() + make_interval(secs => @lock_seconds) ELSE locked_until END
WHERE id = @id
RETURNING CASE WHEN locked_until > now() THEN locked_until END;

-- name: record-sign-in
-- A good password: the failure count starts again. A newer hash (the hasher's format moved on) is stored.
UPDATE operators SET failed_sign_ins = 0, last_sign_in_at = now(), password_hash = coalesce(@rehashed, password_hash)
WHERE id = @id;

-- name: list-operators
-- Every operator, for the console's audit page.
SELECT id, name, password_hash, session_stamp, failed_sign_ins, locked_until, coalesce(locked_until > now(), false) AS locked, last_sign_in_at
FROM operators ORDER BY name;

-- name: insert-audit-entry
-- One change, written beside the change itself (same transaction where the repository allows).
INSERT INTO audit_log (actor, action, target, detail) VALUES (@actor, @action, @target, @detail);

-- name: list-audit-entries
-- The newest changes first, a keyset page before @before (an id; the largest bigint for the first page).
SELECT id, at, actor, action, target, detail FROM audit_log WHERE id < @before ORDER BY id DESC LIMIT @limit;
