-- CSV imports started from the console, run by a worker as a background job: the file waits here until it is read,
-- and the row then says how far the import is (done_rows of total_rows) and, once finished, what became of it.
-- The file itself is dropped when the import is done: the people it held are in subscribers by then. refused holds
-- each refused row's line and reason as a JSON array of {"line", "reason"}.
CREATE TABLE IF NOT EXISTS subscriber_imports (
    id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    operator    text        NOT NULL,
    file_name   text        NOT NULL,
    csv         text,
    total_rows  integer     NOT NULL,
    done_rows   integer     NOT NULL DEFAULT 0,
    status      text        NOT NULL DEFAULT 'waiting' CHECK (status IN ('waiting', 'running', 'done', 'failed')),
    added       integer,
    updated     integer,
    refused     jsonb,
    error       text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz
);
