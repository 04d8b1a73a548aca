-- Planning for a million people in a minute: a digest keeps its listings in arrays on its own row (one row
-- written per person, not ten), and "never the same listing twice" is decided by what each planning cycle
-- could see instead of by a unique index over every item ever planned.

-- One row per planning cycle: the database snapshot its listings were read from. A listing is new for a
-- person when the snapshot of the cycle that planned their previous digest did not see it yet.
CREATE TABLE planning_cycles (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    planned_at timestamptz NOT NULL DEFAULT now(),
    snapshot   pg_snapshot NOT NULL
);

-- The transaction that first stored a listing. Updates (a richer copy, a re-ingest) keep it, so a listing
-- becomes visible to planning exactly once. Listings stored before this migration count as seen by all.
ALTER TABLE listings ADD COLUMN first_xid xid8 NOT NULL DEFAULT '3';
ALTER TABLE listings ALTER COLUMN first_xid SET DEFAULT pg_current_xact_id();

-- Every digest planned so far is tied to one cycle whose snapshot is taken now: people keep getting only
-- what arrives from here on.
INSERT INTO planning_cycles (snapshot) VALUES (pg_current_snapshot());

-- No foreign key to planning_cycles: checked row by row it costs seconds per million digests, and cycles
-- are never deleted.
-- matched_topics[k] says which of topic_ids (the person's topics when planned, in their order) matched
-- listing_ids[k]: bit i for topic_ids[i + 1]. The email shows the labels those topics have at send time.
ALTER TABLE digests
    ADD COLUMN cycle_id       bigint,
    ADD COLUMN listing_ids    bigint[] NOT NULL DEFAULT '{}',
    ADD COLUMN scores         real[]   NOT NULL DEFAULT '{}',
    ADD COLUMN topic_ids      bigint[] NOT NULL DEFAULT '{}',
    ADD COLUMN matched_topics integer[] NOT NULL DEFAULT '{}';

UPDATE digests d SET
    cycle_id    = (SELECT max(id) FROM planning_cycles),
    listing_ids = coalesce((SELECT array_agg(i.listing_id ORDER BY i.rank) FROM digest_items i WHERE i.digest_id = d.id), '{}'),
    scores      = coalesce((SELECT array_agg(i.score ORDER BY i.rank) FROM digest_items i WHERE i.digest_id = d.id), '{}'),
    topic_ids   = coalesce((SELECT array_agg(st.topic_id ORDER BY st.position, st.topic_id) FROM subscriber_topics st
                            WHERE st.subscriber_id = d.subscriber_id), '{}');
UPDATE digests d SET
    matched_topics = coalesce((SELECT array_agg(
        (SELECT coalesce(sum(1 << (t.k - 1)::int), 0)::int
         FROM unnest(d.topic_ids) WITH ORDINALITY AS t(topic_id, k)
         JOIN subscriber_topics st ON st.subscriber_id = d.subscriber_id AND st.topic_id = t.topic_id
         WHERE st.label = ANY(i.matched_topics) AND t.k <= 31) ORDER BY i.rank)
        FROM digest_items i WHERE i.digest_id = d.id), '{}');

ALTER TABLE digests ALTER COLUMN cycle_id SET NOT NULL;

-- A person's latest planning cycle, looked up for everyone due at each cycle.
CREATE INDEX digests_latest_cycle_idx ON digests (subscriber_id, cycle_id DESC);

DROP TABLE digest_items;
DROP TABLE topic_hits;
