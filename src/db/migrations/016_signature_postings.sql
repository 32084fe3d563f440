-- Which contacts can match a term of one or two letters or digits, at a cost that follows the answer. The filter
-- plan answered it by reading every contact's signature: O(contacts), 0.4–1 s for a rare pair at 1M contacts.
-- A GIN index over the positions of each contact's signature bits is a posting list per bit: "qj" reads the
-- contacts that hold the pair, and nothing else (src/conversations/sql/search-postings.sql).
--
-- Rows are only ever added: a contact's bits as it first gets them, then, whenever a message, a name or a number
-- sets new bits, a row with only those. GIN re-indexes a whole array when a row changes; an added row costs
-- only its new bits. Besides the messages' signature (005), the rows hold the bits of the contact's name and
-- phone digits, so the posting list covers every way a conversation matches. A bit that leaves a signature
-- (a message deleted, refresh_signature in 013) stays posted: a superset, and the probe decides.
CREATE TABLE contact_signature_bits (
  contact_id bigint NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
  bits smallint[] NOT NULL
);

-- The positions of a signature's set bits, as the index keys them.
CREATE FUNCTION signature_bit_positions(signature bit(1406)) RETURNS smallint[]
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(p::smallint ORDER BY p), '{}')
    FROM generate_series(0, 1405) p
   WHERE get_bit(signature, p) = 1
$$;

-- What a contact's name and number add to the posting lists.
CREATE FUNCTION contact_text_signature(name text, phone_digits text) RETURNS bit(1406)
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT text_signature(name) | text_signature(phone_digits)
$$;

-- Posts the bits of `has` that `had` lacks; writes nothing when there are none (most messages).
CREATE FUNCTION post_signature_bits(contact bigint, had bit(1406), has bit(1406)) RETURNS void
  LANGUAGE sql AS $$
  INSERT INTO contact_signature_bits (contact_id, bits)
  SELECT contact, signature_bit_positions(has & ~had)
   WHERE has & ~had <> B'0'::bit(1406)
$$;

-- Existing data: every contact's bits at once (the seeder writes them from what it computed, src/seed/load.ts).
INSERT INTO contact_signature_bits (contact_id, bits)
SELECT id, signature_bit_positions(content_signature | contact_text_signature(name, phone_digits))
  FROM contacts;

-- The cascade from contacts, and the integrity check, look rows up by contact.
CREATE INDEX contact_signature_bits_contact ON contact_signature_bits (contact_id);
CREATE INDEX contact_signature_bits_postings ON contact_signature_bits USING gin (bits);

-- Insert: as in 011, now also posting the bits the message adds to the contact's signature.
CREATE OR REPLACE FUNCTION messages_track_last_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  added_signature bit(1406);
  added_bloom bit(8192);
  had bit(1406);
  is_latest boolean;
  widens boolean;
BEGIN
  SELECT s.signature, s.bloom INTO added_signature, added_bloom FROM text_summary(NEW.content) s;
  SELECT last_message_id IS NULL OR (last_message_at, last_message_id) < (NEW."timestamp", NEW.id),
         content_signature
    INTO is_latest, had
    FROM contacts WHERE id = NEW.contact_id FOR NO KEY UPDATE;
  widens := had | added_signature <> had;
  IF is_latest THEN
    UPDATE contacts
       SET last_message_id = NEW.id, last_message_at = NEW."timestamp",
           content_signature = content_signature | added_signature
     WHERE id = NEW.contact_id;
  ELSIF widens THEN
    UPDATE contacts SET content_signature = content_signature | added_signature WHERE id = NEW.contact_id;
  END IF;
  IF widens THEN
    PERFORM post_signature_bits(NEW.contact_id, had, had | added_signature);
  END IF;
  PERFORM widen_trigram_bloom(NEW.contact_id, added_bloom);
  RETURN NULL;
END $$;

-- Content edited in place (no API does it, SQL clients may).
CREATE OR REPLACE FUNCTION messages_track_content_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  added_signature bit(1406);
  added_bloom bit(8192);
  had bit(1406);
BEGIN
  SELECT s.signature, s.bloom INTO added_signature, added_bloom FROM text_summary(NEW.content) s;
  SELECT content_signature INTO had FROM contacts WHERE id = NEW.contact_id FOR NO KEY UPDATE;
  UPDATE contacts SET content_signature = content_signature | added_signature WHERE id = NEW.contact_id;
  PERFORM post_signature_bits(NEW.contact_id, had, had | added_signature);
  PERFORM widen_trigram_bloom(NEW.contact_id, added_bloom);
  RETURN NULL;
END $$;

-- A new contact, or a new name or number: as in 006, now also posting the bits they add.
CREATE OR REPLACE FUNCTION contacts_track_search() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO contact_search (contact_id, name, phone_digits)
  VALUES (NEW.id, NEW.name, NEW.phone_digits)
  ON CONFLICT (contact_id) DO UPDATE SET name = EXCLUDED.name, phone_digits = EXCLUDED.phone_digits;
  PERFORM post_signature_bits(
    NEW.id,
    CASE WHEN TG_OP = 'UPDATE' THEN OLD.content_signature | contact_text_signature(OLD.name, OLD.phone_digits)
         ELSE B'0'::bit(1406) END,
    NEW.content_signature | contact_text_signature(NEW.name, NEW.phone_digits));
  RETURN NULL;
END $$;

ANALYZE contact_signature_bits;
