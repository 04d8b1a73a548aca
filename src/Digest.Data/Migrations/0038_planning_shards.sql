-- Planning in shards: a cycle (one node, under the planning lock) reads who is due and matches each distinct topic
-- once, then hands its people to shards, one Hangfire job each, which any worker runs. What the shards need of the
-- cycle is stored with it: its time and mode, and the window it read (listing ids in order, their dates).
ALTER TABLE planning_cycles
    ADD COLUMN everyone        boolean NOT NULL DEFAULT false,
    ADD COLUMN window_ids      bigint[],
    ADD COLUMN window_dated_at timestamptz[],
    ADD COLUMN topics          integer,
    ADD COLUMN started_at      timestamptz NOT NULL DEFAULT now();

-- One row per shard: the people with ids from first_id to last_id (the cycle's ranges cover every id once), how
-- many of them were due when the cycle counted, and what became of it. A shard's digests and its 'done' are
-- stored in one transaction; 'superseded' shards were still waiting or running when a later cycle started after
-- the shard timeout, and store nothing any more.
CREATE TABLE planning_shards (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    cycle_id    bigint NOT NULL REFERENCES planning_cycles (id) ON DELETE CASCADE,
    first_id    bigint NOT NULL,
    last_id     bigint NOT NULL,
    people      integer NOT NULL,
    state       text NOT NULL DEFAULT 'waiting' CHECK (state IN ('waiting', 'running', 'done', 'failed', 'superseded')),
    job_id      text,
    node        text,
    started_at  timestamptz,
    finished_at timestamptz,
    ready       integer,
    empty       integer,
    error       text
);
CREATE INDEX planning_shards_cycle_idx ON planning_shards (cycle_id);
CREATE INDEX planning_shards_open_idx ON planning_shards (cycle_id) WHERE state IN ('waiting', 'running');

-- Each distinct topic's hits in the cycle's window, matched once by the cycle and read by every shard: window
-- indexes (positions in planning_cycles.window_ids) and relevances. A row for every matched topic, hits or not,
-- so a shard can tell a topic without hits from rows lost: unlogged, PostgreSQL empties it after a crash, and a
-- shard that finds fewer rows than planning_cycles.topics fails (its people are due again next cycle).
CREATE UNLOGGED TABLE planning_hits (
    cycle_id   bigint NOT NULL,
    topic_id   bigint NOT NULL,
    listings   integer[] NOT NULL,
    relevances real[] NOT NULL,
    PRIMARY KEY (cycle_id, topic_id)
);
