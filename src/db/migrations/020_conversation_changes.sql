-- The change stream (GET /events): every committed change that moves a conversation (its latest message, its
-- unread count, the contact's name or number) notifies channel `inbox_conversations` with the contact's id.
-- NOTIFY is sent inside the writing transaction, so listeners hear only what committed, in commit order, and
-- PostgreSQL folds repeats of one id within a transaction into one notification. The listener (one connection
-- per server, src/events/feed.ts) reads the rows it needs itself; the payload stays an id.
-- The seed's bulk load disables these triggers: nobody listens to a load.
CREATE FUNCTION contacts_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('inbox_conversations', (CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END)::text);
  RETURN NULL;
END $$;

CREATE TRIGGER contacts_notify_change AFTER UPDATE ON contacts
  FOR EACH ROW
  WHEN (OLD.last_message_id IS DISTINCT FROM NEW.last_message_id
        OR OLD.last_message_at IS DISTINCT FROM NEW.last_message_at
        OR OLD.unread_count IS DISTINCT FROM NEW.unread_count
        OR OLD.name IS DISTINCT FROM NEW.name
        OR OLD.phone_number IS DISTINCT FROM NEW.phone_number)
  EXECUTE FUNCTION contacts_notify_change();

-- A contact deleted (no API does it; SQL clients may) leaves the list: the stream says so.
CREATE TRIGGER contacts_notify_removal AFTER DELETE ON contacts
  FOR EACH ROW EXECUTE FUNCTION contacts_notify_change();
