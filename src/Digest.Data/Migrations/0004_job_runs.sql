-- What the scheduled jobs did, on which node, and how it ended: for operators and for tests that
-- check a recurring job runs once per interval however many nodes are up.
CREATE TABLE job_runs (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    job         text        NOT NULL,
    node        text        NOT NULL,
    run_id      text        NOT NULL,
    started_at  timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz,
    summary     text,
    error       text
);
CREATE INDEX job_runs_job_idx ON job_runs (job, id DESC);
