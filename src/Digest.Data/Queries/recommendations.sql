-- name: get-item-link
-- One listing of one digest, for its person's click or feedback link: found only when the digest is theirs and
-- holds the listing (so a link never leads anywhere but to a listing we sent them), with how long ago the digest
-- was sent (link scanners follow links in the first seconds) and whether the person lets us learn. The database
-- stamped sent_at, so its clock measures the time since: the program's clock may be off by any amount.
SELECT d.subscriber_id, l.id AS listing_id, l.title, l.url, now() - d.sent_at AS since_sent, s.learning
FROM digests d
JOIN subscribers s ON s.id = d.subscriber_id
JOIN listings l ON l.id = @listing_id
WHERE d.id = @digest_id AND d.subscriber_id = @subscriber_id AND @listing_id = ANY(d.listing_ids);

-- name: record-signal
-- One click or feedback; the same again counts nothing more. "More" and "fewer" of one listing exclude each
-- other: the latest wins.
WITH opposite AS (
    DELETE FROM reader_signals
    WHERE subscriber_id = @subscriber_id AND listing_id = @listing_id
      AND kind = CASE @kind WHEN 'more' THEN 'fewer' WHEN 'fewer' THEN 'more' END)
INSERT INTO reader_signals (subscriber_id, listing_id, kind, digest_id)
VALUES (@subscriber_id, @listing_id, @kind, @digest_id)
ON CONFLICT (subscriber_id, listing_id, kind) DO NOTHING;

-- name: get-reader-signals
-- What was recorded for a person, newest first, for their preferences page.
SELECT r.kind, r.at, l.title, l.url
FROM reader_signals r JOIN listings l ON l.id = r.listing_id
WHERE r.subscriber_id = @subscriber_id
ORDER BY r.at DESC, l.id DESC
LIMIT @limit;

-- name: get-reader-profile
-- A person's learned model, if anything was learned.
SELECT terms, weights, liked_ids, liked_terms, signals, learned_until, meaning, bias, skips, read_until
FROM reader_profiles WHERE subscriber_id = @subscriber_id;

-- name: clear-reader-data
-- "Clear what was learned": every signal and the model go, and the digests sent so far no longer count as skipped.
DELETE FROM reader_signals WHERE subscriber_id = @subscriber_id;
DELETE FROM reader_profiles WHERE subscriber_id = @subscriber_id;
UPDATE subscribers SET learning_since = now() WHERE id = @subscriber_id;

-- name: set-subscriber-learning
-- Learning on or off for one person. Off also clears what was recorded: nothing is kept while it is off.
-- Switched on, skips count from now: the digests sent while it was off had untracked links.
UPDATE subscribers SET learning = @learning, learning_since = CASE WHEN @learning AND NOT learning THEN now() ELSE learning_since END
WHERE id = @subscriber_id;

-- name: get-learning-clock
-- The database's now less @skip_after: digests sent up to then have been in their inbox long enough to have been
-- read, so what their person did not open counts as skipped. One moment for the whole learning run.
SELECT now() - @skip_after;

-- name: get-readers-to-train
-- People whose model should be trained (again): learning on, a model or a signal newer than @since (the learning
-- horizon), and a signal newer than their model or a digest that has become old enough to count what they
-- skipped (sent after the last run's @read_before and up to this run's).
SELECT s.id
FROM subscribers s
LEFT JOIN reader_profiles p ON p.subscriber_id = s.id
WHERE s.learning
  AND (p.subscriber_id IS NOT NULL OR EXISTS (SELECT 1 FROM reader_signals r WHERE r.subscriber_id = s.id AND r.at > @since))
  AND (p.subscriber_id IS NULL
       OR EXISTS (SELECT 1 FROM reader_signals r WHERE r.subscriber_id = s.id AND r.at > p.learned_until)
       OR EXISTS (SELECT 1 FROM digests d WHERE d.subscriber_id = s.id AND d.status = 'sent'
                  AND d.sent_at > p.read_until AND d.sent_at <= @read_before))
ORDER BY s.id;

-- name: get-reader-examples
-- What each of these people did with what their digests showed them, newer than @since: their signals, and the
-- listings of digests sent up to @read_before (and while learning was on for them: learning_since) that they
-- neither opened nor gave feedback on ('skip'). Per person in time order.
SELECT r.subscriber_id, r.listing_id, r.kind, r.at
FROM reader_signals r
WHERE r.subscriber_id = ANY(@subscriber_ids) AND r.at > @since
UNION ALL
SELECT d.subscriber_id, x.listing_id, 'skip', d.sent_at
FROM digests d
JOIN subscribers s ON s.id = d.subscriber_id
CROSS JOIN LATERAL unnest(d.listing_ids) AS x(listing_id)
WHERE d.subscriber_id = ANY(@subscriber_ids) AND d.status = 'sent'
  AND d.sent_at <= @read_before AND d.sent_at > greatest(s.learning_since, @since)
  AND NOT EXISTS (SELECT 1 FROM reader_signals r WHERE r.subscriber_id = d.subscriber_id AND r.listing_id = x.listing_id)
ORDER BY 1, 4, 2;

-- name: get-listing-features
-- The text and (when @embeddings and it has one) the meaning vector of each listing the learning run trains on.
SELECT l.id, l.title, l.summary, CASE WHEN @embeddings THEN e.vector END AS vector
FROM listings l LEFT JOIN listing_embeddings e ON e.listing_id = l.id
WHERE l.id = ANY(@ids);

-- name: delete-reader-profile
-- A person with nothing left to learn from (no signal within the learning horizon) goes back to the keyword order.
DELETE FROM reader_profiles WHERE subscriber_id = @subscriber_id;

-- name: upsert-reader-profile
INSERT INTO reader_profiles (subscriber_id, terms, weights, liked_ids, liked_terms, signals, learned_until, meaning, bias, skips, read_until, model)
VALUES (@subscriber_id, @terms, @weights, @liked_ids, @liked_terms, @signals, @learned_until, @meaning, @bias, @skips, @read_until, true)
ON CONFLICT (subscriber_id) DO UPDATE SET terms = excluded.terms, weights = excluded.weights, liked_ids = excluded.liked_ids,
    liked_terms = excluded.liked_terms, signals = excluded.signals, learned_until = excluded.learned_until, meaning = excluded.meaning,
    bias = excluded.bias, skips = excluded.skips, read_until = excluded.read_until, model = true;
