-- name: insert-source-run
-- Records one run of one source, so operators can see when it last ran and what it found.
INSERT INTO source_runs (source, started_at, seen, inserted, duplicate, rejected, error)
VALUES (@source, @started_at, @seen, @inserted, @duplicate, @rejected, @error);
