-- What the subscriber pages need: mail a person asked for (an outbox of its own), when a sign-up last asked
-- for confirmation (unconfirmed sign-ups expire), and the web nodes' shared antiforgery keys.

ALTER TABLE subscribers ADD COLUMN confirm_requested_at timestamptz;
CREATE INDEX subscribers_pending_idx ON subscribers (confirm_requested_at) WHERE status = 'pending';

-- The confirmation mail of double opt-in, and "you are already subscribed" for a known address. The subscribe
-- form only writes a row here, so its answer never waits on SMTP and looks the same for new and known people.
CREATE TABLE notices (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    subscriber_id   bigint      NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
    kind            text        NOT NULL CHECK (kind IN ('confirm', 'already-subscribed')),
    status          text        NOT NULL DEFAULT 'ready'
                    CHECK (status IN ('ready', 'sending', 'sent', 'failed', 'cancelled')),
    attempts        integer     NOT NULL DEFAULT 0,
    lease_until     timestamptz,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    created_at      timestamptz NOT NULL DEFAULT now(),
    sent_at         timestamptz,
    last_error      text
);
CREATE INDEX notices_sendable_idx ON notices (next_attempt_at) WHERE status IN ('ready', 'sending');
CREATE INDEX notices_subscriber_idx ON notices (subscriber_id, created_at);

-- ASP.NET Core data-protection keys (they sign antiforgery tokens): every web node must read the same ones,
-- or a form served by one node is refused by the next.
CREATE TABLE data_protection_keys (
    name       text        PRIMARY KEY,
    xml        text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
