-- name: database-exists
-- Run on the server's maintenance database before ours exists.
SELECT 1 FROM pg_database WHERE datname = @name;

-- name: create-database-statement
-- The CREATE DATABASE statement for a name, quoted by PostgreSQL itself (a statement takes no parameters).
SELECT format('CREATE DATABASE %I', @name::text);

-- name: ping
-- The health check's question: does the database answer at all.
SELECT 1;
