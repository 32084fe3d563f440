-- Each contact's trigram bloom: which three-character sequences occur in its messages, hashed into 8,192 bits.
-- The content signature (005) answers 1–2 character terms exactly, but for a longer word it can only test
-- character pairs, and a busy contact holds nearly every pair: for "basketball", half of the conversations a
-- walk examines pass the signature (1,273 of 2,672 to reach page 10) and only 500 match, so most probes read a
-- contact's whole thread for nothing. A trigram test keeps 502 of those 1,273 (5M data set): a contact lacks
-- "etb" or "tba" far more often than "tb". A bloom rather than the set itself: the walk region's contacts hold
-- ~1,700 distinct trigrams (median; 5,500 at the 99th percentile): a fixed 1 KB per contact instead.
--
-- Same alphabet as the signature (005): after lower(), a–z → 0–25, 0–9 → 26–35, anything else → 36; a
-- trigram is the code 37² a + 37 b + c, and its bit Knuth's multiplicative hash of the code (the top 13 bits
-- of its low 32). If lower(term) occurs in lower(content), every bit of the term's bloom is set in the content's.
-- In a table of its own, not in contacts: the filter plan reads every contact row, and 1 KB more per row would
-- make that pass four times longer.

-- One pass over a text yields both its signature (005) and its bloom, so a message insert walks its text once:
-- this replaces 005's text_signature loop, which stays available by name.
CREATE FUNCTION text_summary(t text, OUT signature bit(1406), OUT bloom bit(8192))
  LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  previous int := -1;  -- the symbol before this one
  code int := 0;       -- the last three symbols, as a trigram code
  seen int := 0;
  symbol int;
  ch text;
BEGIN
  signature := B'0'::bit(1406);  -- zero-padded on the right
  bloom := B'0'::bit(8192);
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
    code := (code % 1369) * 37 + symbol;
    seen := seen + 1;
    IF seen >= 3 THEN
      bloom := set_bit(bloom, ((code::bigint * 2654435761) >> 19)::int & 8191, 1);
    END IF;
  END LOOP;
END $$;

CREATE OR REPLACE FUNCTION text_signature(t text) RETURNS bit(1406)
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT (text_summary(t)).signature
$$;

CREATE FUNCTION text_trigram_bloom(t text) RETURNS bit(8192)
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT (text_summary(t)).bloom
$$;

-- What a search tests a contact's bloom against: the term's bloom, or NULL when the term has no trigram (then
-- there is nothing to test). Immutable and a single expression: with the term bound, the planner folds it
-- to a constant once per statement.
CREATE FUNCTION trigram_probe(term text) RETURNS bit(8192)
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE WHEN char_length(term) >= 3 THEN text_trigram_bloom(term) END
$$;

-- Only contacts with messages have a row. Like the signature, a bloom only gains bits: deleting a message
-- leaves them (a superset stays correct; the probe of the contact's messages decides).
CREATE TABLE contact_trigrams (
  contact_id bigint PRIMARY KEY REFERENCES contacts (id) ON DELETE CASCADE,
  bloom bit(8192) NOT NULL
);

-- Existing data: one pass over messages (about 6 minutes at 5M messages on 2 cores; the seeder computes it per
-- corpus line instead, src/seed/load.ts). Through a temporary table because CREATE TABLE AS may run its query
-- in parallel and INSERT … SELECT may not.
CREATE TEMP TABLE trigram_backfill ON COMMIT DROP AS
  SELECT contact_id, bit_or(text_trigram_bloom(content)) AS bloom
    FROM messages
   GROUP BY contact_id;
INSERT INTO contact_trigrams (contact_id, bloom) SELECT contact_id, bloom FROM trigram_backfill;

-- Widen a contact's bloom by a text's; creates the row with the contact's first message.
CREATE FUNCTION widen_trigram_bloom(contact bigint, added bit(8192)) RETURNS void LANGUAGE sql AS $$
  INSERT INTO contact_trigrams AS t (contact_id, bloom) VALUES (contact, added)
  ON CONFLICT (contact_id) DO UPDATE
     SET bloom = t.bloom | EXCLUDED.bloom
   WHERE t.bloom | EXCLUDED.bloom <> t.bloom
$$;

-- Insert: as in 005 (lock the contact row first, then move the pointer only forward and widen the signature in
-- one UPDATE), with one pass over the text for both summaries, then widen the bloom. The contact row's lock
-- makes concurrent writers to one contact reach the bloom one at a time; a message adding no new trigram
-- writes no bloom.
CREATE OR REPLACE FUNCTION messages_track_last_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  added_signature bit(1406);
  added_bloom bit(8192);
  is_latest boolean;
  widens boolean;
BEGIN
  SELECT s.signature, s.bloom INTO added_signature, added_bloom FROM text_summary(NEW.content) s;
  SELECT last_message_id IS NULL OR (last_message_at, last_message_id) < (NEW."timestamp", NEW.id),
         content_signature | added_signature <> content_signature
    INTO is_latest, widens
    FROM contacts WHERE id = NEW.contact_id FOR NO KEY UPDATE;
  IF is_latest THEN
    UPDATE contacts
       SET last_message_id = NEW.id, last_message_at = NEW."timestamp",
           content_signature = content_signature | added_signature
     WHERE id = NEW.contact_id;
  ELSIF widens THEN
    UPDATE contacts SET content_signature = content_signature | added_signature WHERE id = NEW.contact_id;
  END IF;
  PERFORM widen_trigram_bloom(NEW.contact_id, added_bloom);
  RETURN NULL;
END $$;

-- Content edited in place (no API does it, SQL clients may): both summaries must cover the new text too.
CREATE OR REPLACE FUNCTION messages_track_content_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  added_signature bit(1406);
  added_bloom bit(8192);
BEGIN
  SELECT s.signature, s.bloom INTO added_signature, added_bloom FROM text_summary(NEW.content) s;
  UPDATE contacts SET content_signature = content_signature | added_signature WHERE id = NEW.contact_id;
  PERFORM widen_trigram_bloom(NEW.contact_id, added_bloom);
  RETURN NULL;
END $$;

ANALYZE contact_trigrams;
