-- Recommendations that learn from each reader. What a person did with their digests (a click through our
-- redirect, "more like this", "fewer like this") and the profile learned from it. Both go with the person
-- (ON DELETE CASCADE: "delete me") and can be cleared by them; nothing is stored while learning is off.

-- Learning per person: on by default, switched off on the preferences page (the operator's switch is
-- Recommendations:Tracking and is not stored).
ALTER TABLE subscribers ADD COLUMN IF NOT EXISTS learning boolean NOT NULL DEFAULT true;

-- One row per person, listing and kind: a second click on the same listing counts nothing more.
CREATE TABLE IF NOT EXISTS reader_signals (
    subscriber_id bigint NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
    listing_id    bigint NOT NULL REFERENCES listings (id) ON DELETE CASCADE,
    kind          text NOT NULL CHECK (kind IN ('click', 'more', 'fewer')),
    digest_id     bigint,
    at            timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (subscriber_id, listing_id, kind)
);
-- The learning job reads what arrived since its last run.
CREATE INDEX IF NOT EXISTS reader_signals_at_idx ON reader_signals (at);

-- A person's learned profile: term weights (positive: what they read or wanted more of; negative: fewer),
-- decayed with time, and their latest liked listings with each one's strongest terms (to say "like X that you
-- read"). learned_until: the newest signal folded in; signals is how many so far.
CREATE TABLE IF NOT EXISTS reader_profiles (
    subscriber_id bigint PRIMARY KEY REFERENCES subscribers (id) ON DELETE CASCADE,
    terms         text[] NOT NULL,
    weights       real[] NOT NULL,
    liked_ids     bigint[] NOT NULL DEFAULT '{}',
    liked_terms   text[] NOT NULL DEFAULT '{}',
    signals       integer NOT NULL,
    learned_until timestamptz NOT NULL
);

-- Per digest entry, the liked listing it resembles most (0: none), for "like X that you read". An entry whose
-- matched_topics is 0 matched none of the person's topics: it is a "you might also like" listing.
ALTER TABLE digests ADD COLUMN IF NOT EXISTS because_of bigint[] NOT NULL DEFAULT '{}';
