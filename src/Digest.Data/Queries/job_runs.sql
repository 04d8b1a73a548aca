-- name: start-job-run
-- Records that a job run began on this node; the id is used to record its end.
INSERT INTO job_runs (job, node, run_id) VALUES (@job, @node, @run_id) RETURNING id;

-- name: finish-job-run
-- Records how a job run ended: its summary, or the error that stopped it.
UPDATE job_runs SET finished_at = now(), summary = @summary, error = @error WHERE id = @id;
