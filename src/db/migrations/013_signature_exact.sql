-- For a term of one or two letters or digits, a contact's content signature (005) says exactly whether one of
-- its messages contains the term, not only whether one may, as long as the signature holds no stale bit: a bit
-- that no remaining message has. Inserts only add bits, so they keep a signature exact; a delete or an edit can
-- leave a stale bit. `signature_exact` says there is none. The walk for such a term
-- (src/conversations/sql/search-walk-counted.sql) then counts an exact contact from its signature alone and
-- reads messages only for the conversations on the page: "zz" page 10 probes 50 threads instead of 500.
--
-- Contacts that exist before this migration are marked inexact: their signatures may hold bits of messages
-- deleted earlier, and recomputing them all takes minutes at 5M messages. They are probed as before until the
-- background repair (refresh_signature, below) reaches them. Contacts created from now on start exact, and so
-- does every contact the seeder loads, since it computes signatures from the texts.
ALTER TABLE contacts ADD COLUMN signature_exact boolean NOT NULL DEFAULT false;
ALTER TABLE contacts ALTER COLUMN signature_exact SET DEFAULT true;

-- The first delete or edit of a contact's messages marks it inexact, and later ones write nothing. A contact
-- deleted with its messages (cascade) is already gone from this transaction's view, so the UPDATE finds no row.
-- Recomputing the signature here instead would read the whole thread (up to ~17,000 messages at 5M), and a
-- bulk delete would do that per contact: the repair below runs in the background.
CREATE FUNCTION messages_mark_signature_inexact() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- Lock first even when the flag is already false: otherwise a repair (below) could read the thread while
  -- this delete is uncommitted, count the deleted text and mark the contact exact (the concurrency test did).
  PERFORM FROM contacts WHERE id = OLD.contact_id FOR NO KEY UPDATE;
  UPDATE contacts SET signature_exact = false WHERE id = OLD.contact_id AND signature_exact;
  RETURN NULL;
END $$;

CREATE TRIGGER messages_mark_signature_inexact AFTER DELETE OR UPDATE OF content ON messages
  FOR EACH ROW EXECUTE FUNCTION messages_mark_signature_inexact();

-- The repair (src/conversations/signature-refresh.ts, in the background): recomputes one contact's signature
-- and bloom from its messages and marks it exact. The contact row is locked before its thread is read, and each
-- statement of a PL/pgSQL function sees what was committed before it started. So an insert racing with this one
-- is either read here or ORs its bits in after this commits, and a racing delete either commits first or marks
-- the contact inexact again after. The caller refreshes one contact per transaction: one lock held at a time,
-- for the length of one thread.
CREATE FUNCTION refresh_signature(target bigint) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM FROM contacts WHERE id = target FOR NO KEY UPDATE;
  WITH summary AS (
         SELECT bit_or(s.signature) AS signature, bit_or(s.bloom) AS bloom
           FROM messages m, text_summary(m.content) s
          WHERE m.contact_id = target),
       trigrams AS (
         UPDATE contact_trigrams t SET bloom = summary.bloom
           FROM summary
          WHERE t.contact_id = target AND summary.bloom IS NOT NULL)
  UPDATE contacts c
     SET content_signature = coalesce(summary.signature, B'0'::bit(1406)), signature_exact = true
    FROM summary
   WHERE c.id = target;
END $$;
