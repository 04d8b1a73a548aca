-- The outbox by day: digests is partitioned by period (the person's local date), one partition a day, so what a
-- day of planning adds stays in a table of its own. Planning reads only the partitions of the last days (their
-- indexes stay small and cached however much is kept), and retention forgets a whole day in one statement
-- (DROP TABLE of its partition) instead of deleting row by row. Days are made ahead by the planning cycle
-- (make_digest_days); a digest for a day without one lands in the default partition, as a safety net.
--
-- A primary or unique key of a partitioned table must hold the partition key: the id stays unique through the
-- identity sequence, and (subscriber_id, period) stays "one digest per person per period". Nothing can reference
-- digests (id) any more, so bounces keep the digest's id without a foreign key, as reader_signals already do.

CREATE TABLE digests_by_day (LIKE digests INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING CONSTRAINTS INCLUDING GENERATED)
    PARTITION BY RANGE (period);
CREATE TABLE digests_default PARTITION OF digests_by_day DEFAULT;

-- The partition of each day from @first to @last that has none yet, named digests_YYYYMMDD. Made as a table of its
-- own and then attached: attaching takes a lock that lets sending and planning go on (creating it as a
-- partition would stop them), and checks only the default partition, which is empty unless a day was missed.
-- A day that already has digests in the default partition stays there.
CREATE OR REPLACE FUNCTION make_digest_days(first date, last date) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    day date;
    made integer := 0;
    name text;
BEGIN
    FOR day IN SELECT d::date FROM generate_series(first, last, interval '1 day') AS d LOOP
        name := 'digests_' || to_char(day, 'YYYYMMDD');
        CONTINUE WHEN to_regclass(name) IS NOT NULL;
        CONTINUE WHEN EXISTS (SELECT 1 FROM digests_default WHERE period = day);
        EXECUTE format('CREATE TABLE %I (LIKE digests INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', name);
        EXECUTE format('ALTER TABLE digests ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', name, day, day + 1);
        made := made + 1;
    END LOOP;
    RETURN made;
END $$;

-- Today's digests move into their days.
DO $$
DECLARE
    day date;
BEGIN
    FOR day IN SELECT DISTINCT period FROM digests ORDER BY period LOOP
        EXECUTE format('CREATE TABLE %I PARTITION OF digests_by_day FOR VALUES FROM (%L) TO (%L)',
                       'digests_' || to_char(day, 'YYYYMMDD'), day, day + 1);
    END LOOP;
END $$;
INSERT INTO digests_by_day OVERRIDING SYSTEM VALUE SELECT * FROM digests;
SELECT setval(pg_get_serial_sequence('digests_by_day', 'id'), coalesce((SELECT max(id) FROM digests), 0) + 1, false);

DROP TABLE digests CASCADE;
ALTER TABLE digests_by_day RENAME TO digests;

ALTER TABLE digests ADD PRIMARY KEY (id, period);
ALTER TABLE digests ADD CONSTRAINT digests_subscriber_id_period_key UNIQUE (subscriber_id, period);
ALTER TABLE digests ADD CONSTRAINT digests_subscriber_id_fkey FOREIGN KEY (subscriber_id) REFERENCES subscribers (id) ON DELETE CASCADE;
CREATE INDEX digests_claim_order_idx ON digests (next_attempt_at, id) WHERE status IN ('ready', 'sending');
CREATE INDEX digests_finished_idx ON digests (planned_at) WHERE status IN ('sent', 'empty', 'failed', 'cancelled');
CREATE INDEX digests_resendable_idx ON digests (id) WHERE status IN ('failed', 'cancelled');
-- No index on (subscriber_id, cycle_id) any more: planning reads a person's latest cycle from the digests of the
-- last days (get-planning-people), through the unique key above.

-- Retention forgets a day of digests in one statement: the partition of @day goes whole, unless a digest of it is
-- still to be sent. The outbox is locked first (ONLY the parent, in the order every statement takes its locks, so
-- no deadlock): a resend of one of its digests either ended before, and is seen here, or waits and then finds
-- nothing. Returns how many digests went, 0 when the day has no partition, NULL when it holds one still to send.
CREATE OR REPLACE FUNCTION drop_digest_day(day date) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    name text := 'digests_' || to_char(day, 'YYYYMMDD');
    forgotten bigint;
BEGIN
    IF to_regclass(name) IS NULL THEN
        RETURN 0;
    END IF;
    EXECUTE format('SELECT count(*) FROM %I', name) INTO forgotten;
    LOCK TABLE ONLY digests IN ACCESS EXCLUSIVE MODE;
    IF EXISTS (SELECT 1 FROM digests WHERE period = day AND status IN ('ready', 'sending')) THEN
        RETURN NULL;
    END IF;
    EXECUTE format('DROP TABLE %I', name);
    RETURN forgotten;
END $$;
