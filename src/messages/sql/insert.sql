-- Inserts a batch of messages in one statement: $1–$4 are arrays with one element per message (a null
-- timestamp means now). Returns each new row with its 1-based position in the batch, so the caller can answer
-- every request; a message whose contact does not exist is left out (answered 404).
--
-- Rows go in contact order: the insert trigger locks each row's contact, so two batches lock their contacts
-- in the same order and cannot deadlock. Ids are drawn after that sort, so messages of one contact in one batch
-- keep their arrival order (equal timestamps are ordered by id). Drawing them here, rather than letting the
-- insert do it, is what ties each returned row to its position.
WITH batch AS (
  SELECT nextval(pg_get_serial_sequence('messages', 'id')) AS id, u.*
    FROM (SELECT *
            FROM unnest($1::bigint[], $2::text[], $3::text[], $4::timestamptz[]) WITH ORDINALITY
                 AS u(contact_id, content, direction, "timestamp", position)
           WHERE EXISTS (SELECT FROM contacts c WHERE c.id = u.contact_id)
           ORDER BY u.contact_id, u.position) u
), inserted AS (
  INSERT INTO messages (id, contact_id, content, direction, "timestamp")
  SELECT id, contact_id, content, direction, coalesce("timestamp", now())
    FROM batch
   ORDER BY id
  RETURNING id, contact_id, content, direction, "timestamp"
)
SELECT b.position, i.id AS message_id, i.contact_id, i.content, i.direction,
       to_char(i."timestamp" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "timestamp"
  FROM inserted i
  JOIN batch b USING (id)
