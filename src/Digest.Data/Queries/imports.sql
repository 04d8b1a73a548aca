-- name: insert-subscriber-import
-- A file an operator uploaded, waiting for a worker.
INSERT INTO subscriber_imports (operator, file_name, csv, total_rows) VALUES (@operator, @file_name, @csv, @total_rows)
RETURNING id;

-- name: start-subscriber-import
-- A worker takes the import: its file, unless it is done already (a job run twice imports once). A run taken over
-- after its worker died starts again from the first row: saving a person is an upsert, so the rows it saved
-- before count as updated.
UPDATE subscriber_imports SET status = 'running', done_rows = 0, error = NULL
WHERE id = @id AND status <> 'done'
RETURNING csv;

-- name: set-subscriber-import-progress
-- Rows saved so far; progress reports may arrive out of order, and never move the count back.
UPDATE subscriber_imports SET done_rows = greatest(done_rows, @done_rows) WHERE id = @id AND status = 'running';

-- name: finish-subscriber-import
-- What became of every row; the file is dropped.
UPDATE subscriber_imports
SET status = 'done', done_rows = total_rows, added = @added, updated = @updated, refused = @refused::jsonb, csv = NULL,
    finished_at = now()
WHERE id = @id;

-- name: fail-subscriber-import
-- The run stopped on an error (the job is retried, and the file kept for it).
UPDATE subscriber_imports SET status = 'failed', error = @error WHERE id = @id AND status = 'running';

-- name: get-subscriber-import
-- One import as its page shows it.
SELECT id, operator, file_name, total_rows, done_rows, status, added, updated, refused::text AS refused, error,
       created_at, finished_at
FROM subscriber_imports WHERE id = @id;

-- name: list-subscriber-imports
-- The latest imports, newest first, for the import page.
SELECT id, operator, file_name, total_rows, done_rows, status, added, updated, NULL::text AS refused, error,
       created_at, finished_at
FROM subscriber_imports ORDER BY id DESC LIMIT @limit;
