-- Each contact's content signature: which characters and which adjacent pairs of characters occur anywhere in
-- its messages. A contact whose signature lacks one of a search term's cannot hold a message containing the term,
-- so a search can skip it without reading its messages. This is what answers terms no trigram can narrow
-- (1–2 characters, punctuation) when they are rare: "qj" matches nothing, and instead of reading 5M messages
-- (2.8 s) the search reads 100k signatures (docs/search.md, plan "filter").
--
-- A signature only ever gains bits: deleting a message leaves them (a superset stays correct; the probe of the
-- contact's messages decides), and the rare false candidate costs one probe.

-- After lower() (the folding ILIKE applies to both sides), every character maps to one of 37 symbols:
-- a–z → 0–25, 0–9 → 26–35, anything else → 36. Bit s: symbol s occurs. Bit 37 + 37·a + b: symbol a is
-- directly followed by symbol b. If lower(term) is a substring of lower(content), every bit of the term's
-- signature is set in the content's.
CREATE FUNCTION text_signature(t text) RETURNS bit(1406)
  LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  signature bit(1406) := B'0'::bit(1406);  -- zero-padded on the right to 1,406 bits
  previous int := -1;
  symbol int;
  ch text;
BEGIN
  FOREACH ch IN ARRAY string_to_array(lower(t), NULL) LOOP
    symbol := ascii(ch);
    symbol := CASE WHEN symbol BETWEEN 97 AND 122 THEN symbol - 97   -- a–z
                   WHEN symbol BETWEEN 48 AND 57 THEN symbol - 22    -- 0–9 → 26–35
                   ELSE 36 END;
    signature := set_bit(signature, symbol, 1);
    IF previous >= 0 THEN
      signature := set_bit(signature, 37 + previous * 37 + symbol, 1);
    END IF;
    previous := symbol;
  END LOOP;
  RETURN signature;
END $$;

ALTER TABLE contacts ADD COLUMN content_signature bit(1406) NOT NULL DEFAULT B'0'::bit(1406);

-- Existing data: one parallel pass over messages (about 2–3 minutes at 5M messages on 2 cores; the seeder
-- computes it per corpus line instead, src/seed/signatures.ts).
CREATE TEMP TABLE signature_backfill ON COMMIT DROP AS
  SELECT contact_id, bit_or(text_signature(content)) AS signature
    FROM messages
   GROUP BY contact_id;
UPDATE contacts c
   SET content_signature = b.signature
  FROM signature_backfill b
 WHERE c.id = b.contact_id;

-- Insert: as in 001 (lock the contact row first, then move the pointer only forward in ("timestamp", id)
-- order), and widen the signature. Reading the locked row gives its latest committed version, so one UPDATE
-- writes both (one row version per message), and none when a back-dated message adds nothing new.
CREATE OR REPLACE FUNCTION messages_track_last_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  added bit(1406) := text_signature(NEW.content);
  is_latest boolean;
  widens boolean;
BEGIN
  SELECT last_message_id IS NULL OR (last_message_at, last_message_id) < (NEW."timestamp", NEW.id),
         content_signature | added <> content_signature
    INTO is_latest, widens
    FROM contacts WHERE id = NEW.contact_id FOR NO KEY UPDATE;
  IF is_latest THEN
    UPDATE contacts
       SET last_message_id = NEW.id, last_message_at = NEW."timestamp",
           content_signature = content_signature | added
     WHERE id = NEW.contact_id;
  ELSIF widens THEN
    UPDATE contacts SET content_signature = content_signature | added WHERE id = NEW.contact_id;
  END IF;
  RETURN NULL;
END $$;

-- Content edited in place (no API does it, SQL clients may): the signature must cover the new text too.
CREATE FUNCTION messages_track_content_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE contacts
     SET content_signature = content_signature | text_signature(NEW.content)
   WHERE id = NEW.contact_id;
  RETURN NULL;
END $$;

CREATE TRIGGER messages_track_content_changed AFTER UPDATE OF content ON messages
  FOR EACH ROW WHEN (OLD.content IS DISTINCT FROM NEW.content)
  EXECUTE FUNCTION messages_track_content_changed();
