-- The operator console (/admin): who may sign in, and what every operator (or the CLI) changed.
-- A password is stored only as ASP.NET Core Identity's hash (PBKDF2 with a salt, its format version in the first
-- byte). failed_sign_ins counts wrong passwords since the last good one; reaching Console:LockoutFailures sets
-- locked_until and starts the count again. session_stamp changes with the password: a cookie issued before a
-- reset carries the old stamp and is refused.
CREATE TABLE IF NOT EXISTS operators (
    id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name            text        NOT NULL UNIQUE,
    password_hash   text        NOT NULL,
    session_stamp   uuid        NOT NULL,
    failed_sign_ins integer     NOT NULL DEFAULT 0,
    locked_until    timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    password_set_at timestamptz NOT NULL DEFAULT now(),
    last_sign_in_at timestamptz
);

-- Who did what, when: never updated, never deleted by retention. actor is an operator's name, or "cli" for a
-- verb run on a node; target names what was changed (an address, a digest, a source).
CREATE TABLE IF NOT EXISTS audit_log (
    id     bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at     timestamptz NOT NULL DEFAULT now(),
    actor  text        NOT NULL,
    action text        NOT NULL,
    target text,
    detail text
);

-- The console's subscriber search: address prefixes and keyset pages in byte order, whatever the database's
-- collation (a LIKE prefix can use only a bytewise index).
CREATE INDEX IF NOT EXISTS subscribers_email_key_bytewise ON subscribers ((email_key COLLATE "C"));
