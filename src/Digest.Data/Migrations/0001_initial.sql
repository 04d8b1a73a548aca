-- The first schema: listings and their search vector, subscribers and their topics, the digest outbox.

CREATE TABLE listings (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- Same paper from two pages, days or sources = same key (arXiv id, DOI, canonical URL, else title).
    identity_key  text        NOT NULL UNIQUE,
    external_id   text,
    url           text,
    title         text        NOT NULL,
    summary       text        NOT NULL DEFAULT '',
    authors       text[]      NOT NULL DEFAULT '{}',
    tags          text[]      NOT NULL DEFAULT '{}',
    published_at  timestamptz,
    source        text        NOT NULL,
    first_seen_at timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    -- Title weighs A, abstract B: ranking counts title hits above abstract hits, and title:word asks for A.
    search        tsvector GENERATED ALWAYS AS (
                      setweight(to_tsvector('english', title), 'A') ||
                      setweight(to_tsvector('english', summary), 'B')) STORED
);
CREATE INDEX listings_search_idx ON listings USING gin (search);
CREATE INDEX listings_first_seen_idx ON listings (first_seen_at);

CREATE TABLE subscribers (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email            text        NOT NULL,
    email_key        text        NOT NULL UNIQUE,
    status           text        NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'active', 'paused', 'unsubscribed')),
    frequency        text        NOT NULL DEFAULT 'daily' CHECK (frequency IN ('daily', 'weekly')),
    send_hour        smallint    NOT NULL DEFAULT 8 CHECK (send_hour BETWEEN 0 AND 23),
    send_weekday     smallint    NOT NULL DEFAULT 1 CHECK (send_weekday BETWEEN 1 AND 7),
    time_zone        text        NOT NULL DEFAULT 'UTC',
    max_items        smallint    NOT NULL DEFAULT 10 CHECK (max_items BETWEEN 1 AND 50),
    created_at       timestamptz NOT NULL DEFAULT now(),
    confirmed_at     timestamptz,
    unsubscribed_at  timestamptz
);
CREATE INDEX subscribers_active_idx ON subscribers (id) WHERE status = 'active';

-- One row per distinct topic: many people share a topic, and it is matched once.
CREATE TABLE topics (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    canonical text    NOT NULL UNIQUE,
    query     tsquery NOT NULL
);

CREATE TABLE subscriber_topics (
    subscriber_id bigint   NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
    topic_id      bigint   NOT NULL REFERENCES topics (id),
    -- The topic as the person typed it, shown back to them.
    label         text     NOT NULL,
    position      smallint NOT NULL,
    PRIMARY KEY (subscriber_id, topic_id)
);
CREATE INDEX subscriber_topics_topic_idx ON subscriber_topics (topic_id);

-- The outbox: one digest per person per period, whatever crashes or how many workers run.
CREATE TABLE digests (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    subscriber_id bigint      NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
    period        date        NOT NULL,
    status        text        NOT NULL DEFAULT 'ready'
                  CHECK (status IN ('ready', 'sending', 'sent', 'empty', 'failed', 'cancelled')),
    due_at        timestamptz NOT NULL,
    planned_at    timestamptz NOT NULL DEFAULT now(),
    lease_until   timestamptz,
    attempts      integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    sent_at       timestamptz,
    message_id    text,
    last_error    text,
    UNIQUE (subscriber_id, period)
);
CREATE INDEX digests_sendable_idx ON digests (next_attempt_at) WHERE status IN ('ready', 'sending');

CREATE TABLE digest_items (
    digest_id      bigint   NOT NULL REFERENCES digests (id) ON DELETE CASCADE,
    subscriber_id  bigint   NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
    listing_id     bigint   NOT NULL REFERENCES listings (id) ON DELETE CASCADE,
    rank           smallint NOT NULL,
    score          real     NOT NULL,
    -- The labels of the person's topics that matched; the snippet is made from them at send time.
    matched_topics text[]   NOT NULL,
    PRIMARY KEY (digest_id, listing_id),
    -- A listing reaches a person once, ever: across days, sources and re-ingests.
    UNIQUE (subscriber_id, listing_id)
);

-- Addresses we must not mail again: hard bounces, complaints, operator decisions.
CREATE TABLE suppressions (
    email_key  text        PRIMARY KEY,
    reason     text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE source_runs (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source      text        NOT NULL,
    started_at  timestamptz NOT NULL,
    finished_at timestamptz NOT NULL DEFAULT now(),
    seen        integer     NOT NULL,
    inserted    integer     NOT NULL,
    duplicate   integer     NOT NULL,
    rejected    integer     NOT NULL,
    error       text
);
CREATE INDEX source_runs_source_idx ON source_runs (source, id DESC);

-- Keys the program makes for itself on first start (the link-signing key) when none is configured,
-- so every node of one deployment signs and checks links alike.
CREATE TABLE app_keys (
    name       text        PRIMARY KEY,
    value      bytea       NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
