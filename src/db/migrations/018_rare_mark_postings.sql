-- The character posting lists (017) also list the rare ASCII marks & * < = > @ [ \ ] ^ _ ` { | } ~. The
-- content signature (005) gives them the symbol spaces and punctuation have, so a term such as "q}" that nothing
-- holds took the filter plan, which probes every contact whose signature has a "q" before any mark or space:
-- 0.5 s at 100k contacts. Each of these marks is in under 0.11% of the corpus's lines (# is not: the seeded
-- order numbers carry it), so posting them makes the triggers fire for few more texts. + is not posted: it
-- belongs to phone numbers, which a term also matches by digits, and the posting lists hold no digits.
--
-- What 017 posted stays; this adds the marks of existing texts, and from now on the functions and triggers below
-- post both kinds: text_posted_characters replaces text_wide_characters.

-- Whether a text holds a character that is posted: above ASCII (its bytes outnumber its characters), or a mark
-- (the bracket expression lists ] and [ first, then a backslash escaped). The regular expression costs ~0.7 µs
-- for a message; translate(), which would say the same, ~10 µs.
CREATE FUNCTION text_has_posted_characters(t text) RETURNS boolean
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT octet_length(t) <> char_length(t) OR t ~ '[][&*<=>@\\^_`{|}~]'
$$;

-- The distinct posted code points of a text (lower-cased already), as the index keys them.
CREATE FUNCTION text_posted_characters(t text) RETURNS int[]
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(DISTINCT ascii(c) ORDER BY ascii(c)), '{}')
    FROM string_to_table(t, NULL) c
   WHERE ascii(c) > 127 OR strpos('&*<=>@[\]^_`{|}~', c) > 0
$$;

-- Posts the characters of `t` the contact has not posted yet; writes nothing when there are none.
CREATE FUNCTION post_characters(contact bigint, t text) RETURNS void LANGUAGE sql AS $$
  INSERT INTO contact_characters (contact_id, characters)
  SELECT contact, array_agg(ch)
    FROM unnest(text_posted_characters(t)) ch
   WHERE NOT EXISTS (SELECT FROM contact_characters p WHERE p.contact_id = contact AND p.characters @> ARRAY[ch])
  HAVING count(*) > 0
$$;

-- Every contact's characters below code point `below` at once: all of them for the seed after its bulk load
-- (src/seed/load.ts), the ASCII marks for the texts already here (017 posted their characters above ASCII).
DROP FUNCTION fill_contact_characters();
CREATE FUNCTION fill_contact_characters(below int DEFAULT 1114112) RETURNS void LANGUAGE sql AS $$
  INSERT INTO contact_characters (contact_id, characters)
  SELECT contact_id, array_agg(DISTINCT ch ORDER BY ch)
    FROM (SELECT contact_id, unnest(text_posted_characters(content_folded)) AS ch
            FROM messages WHERE text_has_posted_characters(content)
          UNION ALL
          SELECT id, unnest(text_posted_characters(name_folded))
            FROM contacts WHERE text_has_posted_characters(name)) c
   WHERE ch < below
   GROUP BY contact_id
$$;

SELECT fill_contact_characters(128);

-- The probe of a term holding a posted character reads only the contact's messages that hold one (a match must):
-- a few per thread, where the timeline index would give it the whole thread ("j~" at 1M contacts: 2,262
-- posted contacts, whole threads probed, 280 ms). Under 0.3% of messages, so the index is small.
CREATE INDEX messages_posted_timeline ON messages (contact_id, "timestamp" DESC, id DESC) INCLUDE (content_folded)
  WHERE text_has_posted_characters(content_folded);

DROP TRIGGER messages_post_wide_characters ON messages;
DROP TRIGGER contacts_post_wide_characters ON contacts;
DROP FUNCTION messages_post_wide_characters();
DROP FUNCTION contacts_post_wide_characters();
DROP FUNCTION post_wide_characters(bigint, text);
DROP FUNCTION text_wide_characters(text);

CREATE FUNCTION messages_post_characters() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM post_characters(NEW.contact_id, NEW.content_folded);
  RETURN NULL;
END $$;

CREATE TRIGGER messages_post_characters AFTER INSERT OR UPDATE OF content ON messages
  FOR EACH ROW WHEN (text_has_posted_characters(NEW.content))
  EXECUTE FUNCTION messages_post_characters();

CREATE FUNCTION contacts_post_characters() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM post_characters(NEW.id, NEW.name_folded);
  RETURN NULL;
END $$;

CREATE TRIGGER contacts_post_characters AFTER INSERT OR UPDATE OF name ON contacts
  FOR EACH ROW WHEN (text_has_posted_characters(NEW.name))
  EXECUTE FUNCTION contacts_post_characters();

ANALYZE contact_characters;
