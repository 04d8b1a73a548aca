-- name: start-job-run
-- Records that a job run began on this node; the id is used to record its end.
INSERT INTO job_runs (job, node, run_id) VALUES (@job, @node, @run_id) RETURNING id;

-- name: finish-job-run
-- Records how a job run ended: its summary, or the error that stopped it.
UPDATE job_runs SET finished_at = now(), summary = @summary, error = @error WHERE id = @id;

-- name: try-lock-job
-- One run of a scheduled job at a time across all nodes. Session-level, so a node that dies drops it with its
-- connection and the job can run again at once; the two-key form keeps these apart from the planning lock.
SELECT pg_try_advisory_lock(1247768698, hashtext(@job));

-- name: unlock-job
-- Ends a run's turn (closing the connection would too).
SELECT pg_advisory_unlock(1247768698, hashtext(@job));
