-- Which contacts can match a term of one or two characters outside ASCII ("é", "ß", "…", an emoji), at a cost
-- that follows the answer. The content signature (005) maps every such character to the one symbol that spaces
-- and punctuation also set, so it rules almost no contact out, and such a term has no trigram: the filter plan
-- probed nearly every contact's thread ("í": 780 ms at 1M contacts / 50M messages). A posting list per
-- character above ASCII (its code point, after lower()) lists the contacts whose messages or name hold it
-- (src/conversations/sql/search-characters.sql). Most texts are ASCII only and add nothing.
--
-- As in 016, rows are only ever added: a message or a name that brings characters the contact has not posted
-- adds a row with those. A character whose last message is deleted stays posted: a superset, the probe decides.
CREATE TABLE contact_characters (
  contact_id bigint NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
  characters int[] NOT NULL
);

-- The distinct code points above ASCII in a text (lower-cased already), as the index keys them.
CREATE FUNCTION text_wide_characters(t text) RETURNS int[]
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(DISTINCT ascii(c) ORDER BY ascii(c)), '{}')
    FROM string_to_table(t, NULL) c
   WHERE ascii(c) > 127
$$;

-- Posts the characters of `t` the contact has not posted yet; writes nothing when there are none.
CREATE FUNCTION post_wide_characters(contact bigint, t text) RETURNS void LANGUAGE sql AS $$
  INSERT INTO contact_characters (contact_id, characters)
  SELECT contact, array_agg(ch)
    FROM unnest(text_wide_characters(t)) ch
   WHERE NOT EXISTS (SELECT FROM contact_characters p WHERE p.contact_id = contact AND p.characters @> ARRAY[ch])
  HAVING count(*) > 0
$$;

-- Every contact's characters at once, from its messages and its name: the backfill below, and the seed's
-- after its bulk load (src/seed/load.ts). octet_length differs from char_length only for a text above ASCII.
CREATE FUNCTION fill_contact_characters() RETURNS void LANGUAGE sql AS $$
  INSERT INTO contact_characters (contact_id, characters)
  SELECT contact_id, array_agg(DISTINCT ch ORDER BY ch)
    FROM (SELECT contact_id, unnest(text_wide_characters(content_folded)) AS ch
            FROM messages WHERE octet_length(content) <> char_length(content)
          UNION ALL
          SELECT id, unnest(text_wide_characters(name_folded))
            FROM contacts WHERE octet_length(name) <> char_length(name)) c
   GROUP BY contact_id
$$;

SELECT fill_contact_characters();

-- The cascade from contacts, the posting function and the integrity check look rows up by contact.
CREATE INDEX contact_characters_contact ON contact_characters (contact_id);
CREATE INDEX contact_characters_postings ON contact_characters USING gin (characters);

-- Triggers of their own, beside 016's: they fire only for a text above ASCII.
CREATE FUNCTION messages_post_wide_characters() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM post_wide_characters(NEW.contact_id, NEW.content_folded);
  RETURN NULL;
END $$;

CREATE TRIGGER messages_post_wide_characters AFTER INSERT OR UPDATE OF content ON messages
  FOR EACH ROW WHEN (octet_length(NEW.content) <> char_length(NEW.content))
  EXECUTE FUNCTION messages_post_wide_characters();

CREATE FUNCTION contacts_post_wide_characters() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM post_wide_characters(NEW.id, NEW.name_folded);
  RETURN NULL;
END $$;

CREATE TRIGGER contacts_post_wide_characters AFTER INSERT OR UPDATE OF name ON contacts
  FOR EACH ROW WHEN (octet_length(NEW.name) <> char_length(NEW.name))
  EXECUTE FUNCTION contacts_post_wide_characters();

ANALYZE contact_characters;
