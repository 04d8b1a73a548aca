-- Bounces and complaints read from the bounce mailbox: one row per message read, whatever it turned out to be,
-- so operators can count them and a message read twice (a crash before it was moved) is recognised by its key.
CREATE TABLE IF NOT EXISTS bounces (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    mailbox_key   text        NOT NULL UNIQUE,
    received_at   timestamptz NOT NULL DEFAULT now(),
    kind          text        NOT NULL CHECK (kind IN ('hard', 'soft', 'complaint', 'ignored', 'unclassified')),
    outcome       text        NOT NULL CHECK (outcome IN ('suppressed', 'counted', 'unsubscribed', 'ignored', 'unknown', 'kept')),
    digest_id     bigint      REFERENCES digests (id) ON DELETE SET NULL,
    notice_id     bigint      REFERENCES notices (id) ON DELETE SET NULL,
    email_key     text,
    status        text,
    detail        text,
    source        text
);

CREATE INDEX IF NOT EXISTS bounces_soft_by_address ON bounces (email_key, received_at) WHERE kind = 'soft';
CREATE INDEX IF NOT EXISTS bounces_by_time ON bounces (received_at);
