-- Verifies every stream's hash chain with SQL alone: no application code, no function of ours.
-- Run it with psql against the event store's database. Every row it returns is a broken event:
-- its stored hash does not equal SHA-256(previous event's hash || the event's content as stored),
-- or a version is missing, or the stream head does not match the last event.
--
-- The hashed content is the JSON array
--   [stream_id, version, type, schema_version, data, metadata, created_at as integer microseconds since 1970 UTC]
-- rendered as jsonb text (canonical: keys sorted, fixed spacing), in UTF-8.
WITH chain AS (
    SELECT stream_id, version, hash,
           version - coalesce(lag(version) OVER w, 0) AS step,
           sha256(coalesce(lag(hash) OVER w, ''::bytea) || convert_to(
               jsonb_build_array(stream_id, version, type, schema_version, data, metadata,
                                 (extract(epoch FROM created_at) * 1000000)::bigint)::text, 'UTF8')) AS expected
      FROM es.events
    WINDOW w AS (PARTITION BY stream_id ORDER BY version)
), heads AS (
    SELECT DISTINCT ON (stream_id) stream_id, version, hash
      FROM es.events ORDER BY stream_id, version DESC
)
SELECT stream_id, version, 'hash does not match content and predecessor' AS problem
  FROM chain WHERE hash <> expected
UNION ALL
SELECT stream_id, version - step + 1, 'version missing'
  FROM chain WHERE step <> 1
UNION ALL
SELECT s.stream_id, s.version, 'stream head does not match its last event'
  FROM es.streams s LEFT JOIN heads h USING (stream_id)
 WHERE h.version IS DISTINCT FROM s.version OR h.hash IS DISTINCT FROM s.last_hash
UNION ALL
SELECT h.stream_id, h.version, 'events without a stream head (the head row was deleted)'
  FROM heads h LEFT JOIN es.streams s USING (stream_id)
 WHERE s.stream_id IS NULL
ORDER BY 1, 2;
-- What this cannot see: a writer who rewrites an event, recomputes every later hash and the head has
-- forged a consistent chain. Compare the stream heads (es.streams.last_hash) with a copy exported
-- earlier and kept outside this database to rule that out.
