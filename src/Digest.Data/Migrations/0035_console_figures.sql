-- The console's overview counts from here, not from the tables it counts: at a million people a live count of
-- people by status or of a month of digests takes seconds. ConsoleFigures counts each UTC day once a minute
-- (recurring job console-figures) until two days after it ended, then keeps it; each count is a range on an
-- index over the day's time column.
CREATE TABLE IF NOT EXISTS console_days (
    day        date PRIMARY KEY,
    planned    bigint NOT NULL,
    sent       bigint NOT NULL,
    empty      bigint NOT NULL,
    waiting    bigint NOT NULL,
    failed     bigint NOT NULL,
    cancelled  bigint NOT NULL,
    clicks     bigint NOT NULL,
    opened     bigint NOT NULL,
    bounces    bigint NOT NULL,
    complaints bigint NOT NULL,
    joined     bigint NOT NULL,
    lost       bigint NOT NULL,
    counted_at timestamptz NOT NULL
);

-- Totals as of the last count: people by status, the send queue.
CREATE TABLE IF NOT EXISTS console_totals (
    what       text NOT NULL,
    state      text NOT NULL,
    count      bigint NOT NULL,
    counted_at timestamptz NOT NULL,
    PRIMARY KEY (what, state)
);

-- The most followed topics and the listings of the last seven days each matches, as last counted (hourly: matching a
-- week of listings takes a second).
CREATE TABLE IF NOT EXISTS console_topics (
    canonical         text NOT NULL PRIMARY KEY,
    followers         bigint NOT NULL,
    matches_this_week bigint NOT NULL,
    counted_at        timestamptz NOT NULL
);

-- New and lost people by day. Written once per person at confirmation and unsubscription: no cost to planning.
CREATE INDEX IF NOT EXISTS subscribers_confirmed_at_idx ON subscribers (confirmed_at) WHERE confirmed_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS subscribers_unsubscribed_at_idx ON subscribers (unsubscribed_at) WHERE unsubscribed_at IS NOT NULL;

-- How many digests each cycle planned, added by each batch as it is stored (the overview's "last planning run").
ALTER TABLE planning_cycles ADD COLUMN IF NOT EXISTS planned bigint;
UPDATE planning_cycles c SET planned = (SELECT count(*) FROM digests d WHERE d.cycle_id = c.id)
WHERE c.id = (SELECT max(id) FROM planning_cycles) AND c.planned IS NULL;
