-- For a term of one or two letters or digits, a contact's content signature (005) says exactly whether one of
-- its messages contains the term, not only whether one may, as long as the signature holds no stale bit: a bit
-- that no remaining message has. Inserts only add bits, so they keep a signature exact; a delete or an edit can
-- leave a stale bit. `signature_exact` says there is none. The walk for such a term
-- (src/conversations/sql/search-walk-counted.sql) then counts an exact contact from its signature alone and
-- reads messages only for the conversations on the page: "zz" page 10 probes 50 threads instead of 500.
--
-- Contacts that exist before this migration are marked inexact: their signatures may hold bits of messages
-- deleted earlier, and recomputing them takes minutes at 5M messages. They are probed as before. Contacts
-- created from now on start exact, and so does every contact the seeder loads, since it computes signatures
-- from the texts.
ALTER TABLE contacts ADD COLUMN signature_exact boolean NOT NULL DEFAULT false;
ALTER TABLE contacts ALTER COLUMN signature_exact SET DEFAULT true;

-- The first delete or edit of a contact's messages marks it inexact, and later ones write nothing. A contact
-- deleted with its messages (cascade) is already gone from this transaction's view, so the UPDATE finds no row.
-- Recomputing the signature instead would read the whole thread: up to ~17,000 messages at 5M.
CREATE FUNCTION messages_mark_signature_inexact() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE contacts SET signature_exact = false WHERE id = OLD.contact_id AND signature_exact;
  RETURN NULL;
END $$;

CREATE TRIGGER messages_mark_signature_inexact AFTER DELETE OR UPDATE OF content ON messages
  FOR EACH ROW EXECUTE FUNCTION messages_mark_signature_inexact();
