-- What each listing means, as a vector of the meaning model (see Digest.Meaning), computed once per listing by the
-- embed-listings job after ingest. A listing without a row here is simply not embedded yet. made_from is the
-- listing's updated_at the vector was computed from: a richer copy that changes the listing (a longer abstract)
-- makes it stale, and the job computes it again. The row goes with its listing (retention, merges).
CREATE TABLE IF NOT EXISTS listing_embeddings (
    listing_id  bigint      PRIMARY KEY REFERENCES listings (id) ON DELETE CASCADE,
    model       text        NOT NULL,
    vector      real[]      NOT NULL,
    made_from   timestamptz NOT NULL,
    embedded_at timestamptz NOT NULL DEFAULT now()
);
