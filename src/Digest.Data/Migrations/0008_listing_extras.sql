-- Whatever a source sends beyond our fields (upvotes, venue, salary …), kept as it came, for later use.
ALTER TABLE listings ADD COLUMN extras jsonb NOT NULL DEFAULT '{}';
