-- name: take-schema-lock
-- Nodes that start together take turns at changing the schema (ours, then Hangfire's): one at a time.
SELECT pg_advisory_lock(@lock_id);

-- name: release-schema-lock
SELECT pg_advisory_unlock(@lock_id);

-- name: create-schema-migrations
-- The record of applied migrations, made by the first migration run on an empty database.
CREATE TABLE IF NOT EXISTS schema_migrations (
    version    integer PRIMARY KEY,
    name       text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now());

-- name: applied-migrations
SELECT version FROM schema_migrations;

-- name: record-migration
-- In the migration's own transaction: applied and recorded together, or neither.
INSERT INTO schema_migrations (version, name) VALUES (@version, @name);
