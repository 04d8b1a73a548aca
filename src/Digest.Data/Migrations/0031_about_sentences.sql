-- Topics by meaning (about:"a sentence"). Each distinct sentence is stored once, under its key (AboutKey: the
-- stand-in lexeme the topic's tsquery holds), and embedded once by the meaning model: the embed-listings job fills
-- vector and model. Until then the sentence matches nothing. A topic lists the keys of its sentences, so planning
-- reads the vectors of the cycle's topics only.
CREATE TABLE IF NOT EXISTS about_sentences (
    key         text        PRIMARY KEY,
    sentence    text        NOT NULL,
    model       text,
    vector      real[],
    embedded_at timestamptz
);
CREATE INDEX IF NOT EXISTS about_sentences_to_embed_idx ON about_sentences (key) WHERE vector IS NULL;

ALTER TABLE topics ADD COLUMN IF NOT EXISTS abouts text[] NOT NULL DEFAULT '{}';

-- How close in meaning a listing is to a topic's sentences, for the email: the best cosine (the dot product of the
-- unit vectors, in double precision: a product of two tiny reals is an underflow error in real) over the sentences of the topic's positive part (an excluded sentence is not what it is about).
-- Null when the topic has no such sentence or a vector is missing.
CREATE OR REPLACE FUNCTION about_similarity(listing bigint, topic bigint) RETURNS real
LANGUAGE sql STABLE AS $$
SELECT max((SELECT sum(x::float8 * y) FROM unnest(e.vector, a.vector) AS u(x, y)))::real
FROM topics t
CROSS JOIN LATERAL regexp_matches(t.positive_query::text, 'aboutq[0-9]{20}', 'g') AS k(key)
JOIN about_sentences a ON a.key = k.key[1]
JOIN listing_embeddings e ON e.listing_id = listing AND e.model = a.model
WHERE t.id = topic $$;
