-- Unread conversations: each contact carries a read marker (a position in its thread's ("timestamp", id)
-- order: everything at or before it has been read) and the number of inbound messages after it, kept by the
-- message triggers in the same transaction as every write, like the last-message pointer (001).
--
-- No marker means nothing read yet: a new contact's messages are unread. Existing conversations start read up
-- to their latest message (count 0), so this migration rewrites each contact once (~10 s at 1M contacts).
ALTER TABLE contacts
  ADD COLUMN read_up_to_id bigint,
  ADD COLUMN read_up_to_at timestamptz,
  ADD COLUMN unread_count integer NOT NULL DEFAULT 0 CHECK (unread_count >= 0),
  ADD CHECK ((read_up_to_id IS NULL) = (read_up_to_at IS NULL));

UPDATE contacts SET read_up_to_id = last_message_id, read_up_to_at = last_message_at
 WHERE last_message_id IS NOT NULL;

-- The list and the walk carry each row's count from the same index-only scans (003, 015), and ?unread=true
-- reads only the unread conversations, in the same order, from a partial index of its own.
DROP INDEX contacts_conversation_order;
CREATE INDEX contacts_conversation_order ON contacts (last_message_at DESC, id DESC)
  INCLUDE (name, phone_number, phone_digits, last_message_id, content_signature, signature_exact, unread_count)
  WHERE last_message_id IS NOT NULL;
CREATE INDEX contacts_unread_order ON contacts (last_message_at DESC, id DESC)
  INCLUDE (name, phone_number, last_message_id, unread_count)
  WHERE last_message_id IS NOT NULL AND unread_count > 0;

-- Whether a message of a contact is past its read marker: (at, id) after (marker_at, marker_id).
CREATE FUNCTION is_unread(direction text, at timestamptz, id bigint, marker_at timestamptz, marker_id bigint)
  RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN direction = 'inbound' AND (marker_id IS NULL OR (at, id) > (marker_at, marker_id));

-- Insert: as in 016, now also counting an inbound message past the marker, in the same row update.
CREATE OR REPLACE FUNCTION messages_track_last_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  added_signature bit(1406);
  added_bloom bit(8192);
  had bit(1406);
  is_latest boolean;
  widens boolean;
  unread integer;
BEGIN
  SELECT s.signature, s.bloom INTO added_signature, added_bloom FROM text_summary(NEW.content) s;
  SELECT last_message_id IS NULL OR (last_message_at, last_message_id) < (NEW."timestamp", NEW.id),
         content_signature,
         is_unread(NEW.direction, NEW."timestamp", NEW.id, read_up_to_at, read_up_to_id)::integer
    INTO is_latest, had, unread
    FROM contacts WHERE id = NEW.contact_id FOR NO KEY UPDATE;
  widens := had | added_signature <> had;
  IF is_latest THEN
    UPDATE contacts
       SET last_message_id = NEW.id, last_message_at = NEW."timestamp",
           content_signature = content_signature | added_signature, unread_count = unread_count + unread
     WHERE id = NEW.contact_id;
  ELSIF widens OR unread = 1 THEN
    UPDATE contacts
       SET content_signature = content_signature | added_signature, unread_count = unread_count + unread
     WHERE id = NEW.contact_id;
  END IF;
  IF widens THEN
    PERFORM post_signature_bits(NEW.contact_id, had, had | added_signature);
  END IF;
  PERFORM widen_trigram_bloom(NEW.contact_id, added_bloom);
  RETURN NULL;
END $$;

-- Delete: as in 001, and an unread message deleted leaves the count. A marker on the deleted message stays
-- where it is: a position in the order, still meaning "read up to here".
CREATE OR REPLACE FUNCTION messages_track_last_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM contacts WHERE id = OLD.contact_id FOR NO KEY UPDATE;
  UPDATE contacts
     SET (last_message_id, last_message_at) = (
           SELECT m.id, m."timestamp" FROM messages m
            WHERE m.contact_id = OLD.contact_id
            ORDER BY m."timestamp" DESC, m.id DESC
            LIMIT 1)
   WHERE id = OLD.contact_id AND last_message_id = OLD.id;
  UPDATE contacts SET unread_count = unread_count - 1
   WHERE id = OLD.contact_id AND is_unread(OLD.direction, OLD."timestamp", OLD.id, read_up_to_at, read_up_to_id);
  RETURN NULL;
END $$;

-- A direction changed in place (no API does it, SQL clients may) moves the message in or out of the count.
CREATE FUNCTION messages_track_direction_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM contacts WHERE id = NEW.contact_id FOR NO KEY UPDATE;
  UPDATE contacts
     SET unread_count = unread_count
                        + is_unread(NEW.direction, NEW."timestamp", NEW.id, read_up_to_at, read_up_to_id)::integer
                        - is_unread(OLD.direction, OLD."timestamp", OLD.id, read_up_to_at, read_up_to_id)::integer
   WHERE id = NEW.contact_id;
  RETURN NULL;
END $$;

CREATE TRIGGER messages_track_direction_changed AFTER UPDATE OF direction ON messages
  FOR EACH ROW WHEN (OLD.direction IS DISTINCT FROM NEW.direction)
  EXECUTE FUNCTION messages_track_direction_changed();

-- Moves a contact's marker to one of its messages (`up_to`), or to its latest when `up_to` is NULL, and
-- recounts what is past it. The row is locked first and the count is a later statement, so it sees every
-- message committed before the lock was granted; an insert still waiting for the lock counts itself against
-- the new marker once it gets it. The count reads only the thread past the marker (messages_contact_timeline).
-- Returns the new count; no row when the contact does not exist; raises foreign_key_violation when `up_to` is
-- not one of the contact's messages.
CREATE FUNCTION mark_read(contact bigint, up_to bigint) RETURNS TABLE (unread_count integer, read_up_to_id bigint)
  LANGUAGE plpgsql AS $$
DECLARE
  marker_id bigint;
  marker_at timestamptz;
BEGIN
  PERFORM 1 FROM contacts WHERE id = contact FOR NO KEY UPDATE;
  IF NOT FOUND THEN
    RETURN;
  END IF;
  IF up_to IS NULL THEN
    SELECT c.last_message_id, c.last_message_at INTO marker_id, marker_at FROM contacts c WHERE c.id = contact;
  ELSE
    SELECT m.id, m."timestamp" INTO marker_id, marker_at FROM messages m WHERE m.id = up_to AND m.contact_id = contact;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'message % is not in the thread of contact %', up_to, contact
        USING ERRCODE = 'foreign_key_violation', COLUMN = 'message_id';
    END IF;
  END IF;
  RETURN QUERY
  UPDATE contacts c
     SET read_up_to_id = marker_id, read_up_to_at = marker_at,
         unread_count = (SELECT count(*) FROM messages m
                          WHERE m.contact_id = contact AND m.direction = 'inbound'
                            AND (marker_id IS NULL OR (m."timestamp", m.id) > (marker_at, marker_id)))
   WHERE c.id = contact
  RETURNING c.unread_count, c.read_up_to_id;
END $$;
