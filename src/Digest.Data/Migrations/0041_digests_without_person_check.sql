-- The outbox stops checking each new digest's person against subscribers. A foreign key checks every row a shard
-- stores by locking its person's row (FOR KEY SHARE): planning a day dirtied every due person's row besides
-- writing their digest, and the check was a large part of a shard's storing. A person's digests still go with them:
-- deleting people ("delete me", sign-ups never confirmed) deletes their digests in the same statement, as the
-- cascade did. What the key also stopped, a digest stored for someone deleted in the moment between their shard
-- reading them and storing, can now happen: that digest is never sent (the sender reads its person when it sends,
-- and cancels it: "subscriber deleted"), and retention forgets it with its day.
ALTER TABLE digests DROP CONSTRAINT IF EXISTS digests_subscriber_id_fkey;

CREATE OR REPLACE FUNCTION forget_digests_of_deleted_people() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- As an array, not a join: a transition table has no statistics, and each day's (subscriber_id, period) index
    -- should find a few people's digests however many days are kept.
    DELETE FROM digests WHERE subscriber_id = ANY (ARRAY(SELECT id FROM deleted_people));
    RETURN NULL;
END $$;

CREATE TRIGGER subscribers_forget_digests AFTER DELETE ON subscribers
    REFERENCING OLD TABLE AS deleted_people FOR EACH STATEMENT EXECUTE FUNCTION forget_digests_of_deleted_people();
