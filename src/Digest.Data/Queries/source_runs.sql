-- name: insert-source-run
-- Records one run of one source, so operators can see when it last ran and what it found (and, for a file, which
-- file and the first reasons its items were refused).
INSERT INTO source_runs (source, started_at, seen, inserted, duplicate, rejected, error, origin, refusals)
VALUES (@source, @started_at, @seen, @inserted, @duplicate, @rejected, @error, @origin, @refusals);
