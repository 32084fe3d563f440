-- Word-pair keys for phrases. The trigram index (008) cannot tell "like they have" from a message holding
-- "like", "they" and "have" anywhere: every trigram of a phrase of common words is common, so the index plan
-- read 55,032 candidate rows to find 2,184 (450 ms at 100k contacts, docs/search.md). A word pair joins the
-- last three characters of a word to the first three of the next, across one space ("ike the", "hey hav"): such
-- keys are as rare as the phrases that hold them, and that one gave 6,359 candidates (30 ms).
--
-- A text's keys come from its words split on single spaces. A term holding "abc xyz" (three characters or more
-- each side of a space, no space among them) can only be in a text whose words split there the same way, so the
-- key is in the text's keys whatever the words around it: the index never rejects a match, and strpos decides.
-- Keys are hashes (hashtext), so a collision only adds a candidate. Written in PL/pgSQL: ~10 µs a message,
-- against ~16 µs as one SQL statement (unnest of the word list beside itself), which the index build evaluates
-- once a message (~70 s at 5M messages with two workers).
CREATE FUNCTION word_pair_keys(t text) RETURNS int[]
  LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  word text;
  tail text := '';
  keys int[] := '{}';
BEGIN
  FOREACH word IN ARRAY string_to_array(t, ' ') LOOP
    IF char_length(word) >= 3 THEN
      IF tail <> '' THEN
        keys := keys || hashtext(tail || left(word, 3));
      END IF;
      tail := right(word, 3) || ' ';
    ELSE
      tail := '';
    END IF;
  END LOOP;
  RETURN keys;
END
$$;

-- The keys the planner chose (src/conversations/index-keys.ts) as the index holds them: folded to a constant
-- when the statement is planned, so the index condition is a literal array.
CREATE FUNCTION word_pair_hashes(pairs text[]) RETURNS int[]
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT array(SELECT hashtext(p) FROM unnest(pairs) p)
$$;

CREATE INDEX messages_content_pairs ON messages USING gin (word_pair_keys(content_folded));

-- The index's statistics (its most common keys) let the planner see how few rows a pair leaves; without them it
-- guesses 0.5% of the table and hashes every contact to join them (docs/search.md). ANALYZE samples the table,
-- a second at 5M messages.
ANALYZE messages;
