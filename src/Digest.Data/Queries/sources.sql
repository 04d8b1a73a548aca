-- name: add-source
-- Adds a feed source; a name already taken returns no row.
INSERT INTO sources (name, kind, url) VALUES (@name, 'feed', @url)
ON CONFLICT (name) DO NOTHING
RETURNING id;

-- name: list-sources
-- Every source with its state and its last run's counts, for operators.
SELECT s.name, s.kind, s.url, s.enabled, s.last_run_at, s.last_success_at, s.last_error, s.consecutive_failures, s.next_run_at,
       r.seen AS last_seen, r.inserted AS last_new, r.duplicate AS last_duplicate, r.rejected AS last_rejected
FROM sources s
LEFT JOIN LATERAL (SELECT seen, inserted, duplicate, rejected FROM source_runs WHERE source = s.name ORDER BY id DESC LIMIT 1) r ON true
ORDER BY s.name;

-- name: get-source
-- One source by name, with the validators for a conditional GET.
SELECT name, kind, url, enabled, etag, last_modified, consecutive_failures, next_run_at FROM sources WHERE name = @name;

-- name: due-sources
-- Enabled sources whose next pull is due.
SELECT name, kind, url, enabled, etag, last_modified, consecutive_failures, next_run_at FROM sources
WHERE enabled AND next_run_at <= now() ORDER BY next_run_at;

-- name: source-succeeded
-- A pull worked (or the feed had not changed): remember its validators, clear the error state.
UPDATE sources SET last_run_at = now(), last_success_at = now(), last_error = NULL, consecutive_failures = 0,
                   etag = coalesce(@etag, etag), last_modified = coalesce(@last_modified, last_modified),
                   next_run_at = now() + make_interval(secs => @every_seconds)
WHERE name = @name;

-- name: source-failed
-- A pull failed: keep the error for operators and wait longer before each further try.
UPDATE sources SET last_run_at = now(), last_error = @error, consecutive_failures = consecutive_failures + 1,
                   next_run_at = now() + make_interval(secs => @retry_seconds)
WHERE name = @name
RETURNING consecutive_failures;

-- name: source-runs
-- The latest runs of one source, newest first.
SELECT source, started_at, seen, inserted, duplicate, rejected, error, origin, refusals FROM source_runs WHERE source = @name ORDER BY id DESC LIMIT @limit;
