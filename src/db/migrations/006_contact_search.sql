-- Name and number search moves to a table of its own. Every message rewrites its contact's row (pointer and
-- signature), and each new row version adds entries to every index of contacts: the two trigram GIN indexes
-- on name and digits were the most expensive of them, though names and numbers almost never change.
-- pgbench, 4 clients inserting messages into the 5M data set (2 cores): 1,600–2,200 inserts/s with the GIN
-- indexes on contacts, 3,400–3,600 without.
CREATE TABLE contact_search (
  contact_id   bigint PRIMARY KEY REFERENCES contacts (id) ON DELETE CASCADE,
  name         text NOT NULL,
  phone_digits text NOT NULL
);

INSERT INTO contact_search (contact_id, name, phone_digits)
SELECT id, name, phone_digits FROM contacts;

CREATE INDEX contact_search_name_trgm ON contact_search USING gin (name gin_trgm_ops);
CREATE INDEX contact_search_phone_digits_trgm ON contact_search USING gin (phone_digits gin_trgm_ops);
DROP INDEX contacts_name_trgm;
DROP INDEX contacts_phone_digits_trgm;

-- Kept in the same transaction as the contact's insert or change of name or number (not by the messages
-- triggers' updates of the pointer, which name neither column).
CREATE FUNCTION contacts_track_search() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO contact_search (contact_id, name, phone_digits)
  VALUES (NEW.id, NEW.name, NEW.phone_digits)
  ON CONFLICT (contact_id) DO UPDATE SET name = EXCLUDED.name, phone_digits = EXCLUDED.phone_digits;
  RETURN NULL;
END $$;

CREATE TRIGGER contacts_track_search AFTER INSERT OR UPDATE OF name, phone_number ON contacts
  FOR EACH ROW EXECUTE FUNCTION contacts_track_search();
