-- Work table of the planner: each distinct topic matched once per cycle against the window of new
-- listings, then fanned out to the people who follow it. Unlogged: it only lives for one cycle, and a
-- crash loses nothing that the next cycle does not recompute.
CREATE UNLOGGED TABLE topic_hits (
    cycle      uuid   NOT NULL,
    topic_id   bigint NOT NULL,
    listing_id bigint NOT NULL,
    relevance  real   NOT NULL,
    PRIMARY KEY (cycle, topic_id, listing_id)
);
