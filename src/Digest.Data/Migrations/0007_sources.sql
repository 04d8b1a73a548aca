-- Sources operators add: feeds pulled on a schedule, with what the last pull learned (validators for
-- conditional GET, the error state that spaces out retries).
CREATE TABLE sources (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name                 text        NOT NULL UNIQUE CHECK (name ~ '^[a-z0-9][a-z0-9._-]{0,62}$'),
    kind                 text        NOT NULL CHECK (kind IN ('feed')),
    url                  text        NOT NULL,
    enabled              boolean     NOT NULL DEFAULT true,
    etag                 text,
    last_modified        text,
    last_run_at          timestamptz,
    last_success_at      timestamptz,
    last_error           text,
    consecutive_failures integer     NOT NULL DEFAULT 0,
    next_run_at          timestamptz NOT NULL DEFAULT now(),
    created_at           timestamptz NOT NULL DEFAULT now()
);
