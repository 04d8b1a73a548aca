-- Which file a run read (the inbox folder, `digest ingest`) and the first reasons its items were refused: the
-- console shows the inbox folder's recent files, and why one went to quarantine, from here, so a web node need not
-- see the folder of the worker that read it. refusals holds one reason a line.
ALTER TABLE source_runs ADD COLUMN IF NOT EXISTS origin text;
ALTER TABLE source_runs ADD COLUMN IF NOT EXISTS refusals text;
