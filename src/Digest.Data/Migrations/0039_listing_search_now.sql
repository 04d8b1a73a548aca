-- Each listing's search vector as planning, previews and the console's topic counts read it, the rule written once:
-- the vector index-window-listings stored, if it was made from the listing's current text (text_at = updated_at),
-- else made now from its title and abstract; stored says which. A view: each query that reads it still plans
-- its own joins and indexes.
CREATE OR REPLACE VIEW listing_search_now AS
SELECT l.id, l.first_seen_at, l.first_xid, l.updated_at, l.merged_into,
       coalesce(v.search, listing_search(l.title, l.summary)) AS search, v.listing_id IS NOT NULL AS stored
FROM listings l
LEFT JOIN listing_vectors v ON v.listing_id = l.id AND v.text_at = l.updated_at;
