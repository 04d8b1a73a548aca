-- The per-person reader model (replaces the summed profile): a linear model trained on what the person clicked or
-- wanted more of, what they wanted fewer of, and what their digests showed them that they left unopened. It is
-- kept in reader_profiles: terms and weights now hold the model's strongest term weights (either sign), meaning
-- its weights over the meaning model's dimensions (empty when nothing it learned from had an embedding), bias its
-- intercept. read_until: digests sent up to then have been counted for what was skipped; skips: how many listings
-- were counted skipped. Profiles of the earlier kind are trained again from the signals on the learning job's next run.
ALTER TABLE reader_profiles ADD COLUMN IF NOT EXISTS meaning real[] NOT NULL DEFAULT '{}';
ALTER TABLE reader_profiles ADD COLUMN IF NOT EXISTS bias real NOT NULL DEFAULT 0;
ALTER TABLE reader_profiles ADD COLUMN IF NOT EXISTS skips integer NOT NULL DEFAULT 0;
ALTER TABLE reader_profiles ADD COLUMN IF NOT EXISTS read_until timestamptz NOT NULL DEFAULT '-infinity';
ALTER TABLE reader_profiles ADD COLUMN IF NOT EXISTS model boolean NOT NULL DEFAULT false;
UPDATE reader_profiles SET learned_until = '-infinity' WHERE NOT model;

-- Since when a person's digests had tracked links: a digest sent while learning was off, or before they cleared
-- what was learned, says nothing about what they skipped.
ALTER TABLE subscribers ADD COLUMN IF NOT EXISTS learning_since timestamptz NOT NULL DEFAULT '-infinity';
