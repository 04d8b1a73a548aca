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
-- A person's learned profile, if anything was learned.
SELECT terms, weights, liked_ids, liked_terms, signals, learned_until
FROM reader_profiles WHERE subscriber_id = @subscriber_id;

-- name: clear-reader-data
-- "Clear what was learned": every signal and the profile go.
DELETE FROM reader_signals WHERE subscriber_id = @subscriber_id;
DELETE FROM reader_profiles WHERE subscriber_id = @subscriber_id;

-- name: set-subscriber-learning
-- Learning on or off for one person. Off also clears what was recorded: nothing is kept while it is off.
UPDATE subscribers SET learning = @learning WHERE id = @subscriber_id;

-- name: get-new-signals
-- Signals not yet folded into their person's profile, people whose learning is on, in time order per person,
-- with each listing's text (its terms are counted in the program).
SELECT r.subscriber_id, r.listing_id, r.kind, r.at, l.title, l.summary
FROM reader_signals r
JOIN subscribers s ON s.id = r.subscriber_id AND s.learning
JOIN listings l ON l.id = r.listing_id
LEFT JOIN reader_profiles p ON p.subscriber_id = r.subscriber_id
WHERE r.at > coalesce(p.learned_until, '-infinity')
ORDER BY r.subscriber_id, r.at, r.listing_id;

-- name: get-reader-profiles
-- The stored profiles of the people the learning job is about to update.
SELECT subscriber_id, terms, weights, liked_ids, liked_terms, signals, learned_until
FROM reader_profiles WHERE subscriber_id = ANY(@subscriber_ids);

-- name: upsert-reader-profile
INSERT INTO reader_profiles (subscriber_id, terms, weights, liked_ids, liked_terms, signals, learned_until)
VALUES (@subscriber_id, @terms, @weights, @liked_ids, @liked_terms, @signals, @learned_until)
ON CONFLICT (subscriber_id) DO UPDATE SET terms = excluded.terms, weights = excluded.weights, liked_ids = excluded.liked_ids,
    liked_terms = excluded.liked_terms, signals = excluded.signals, learned_until = excluded.learned_until;
