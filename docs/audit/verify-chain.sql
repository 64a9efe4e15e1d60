-- Verifies every stream's hash chain with SQL alone: no application code, no function of ours.
-- Run it with psql against the API's database. Every row it returns is a broken place in a stream's history.
-- The API keeps its events in schema events (Storage/Marten); the first line looks there, then in public.
--
-- Marten stores the events (mt_events); a trigger of ours links each one, as it is inserted, into
-- zlh_event_chain (stream_id, version, seq_id, prev_hash, hash), where
--   hash = SHA-256(prev_hash || UTF-8 of the jsonb text of
--          [stream_id, version, id, type, data, timestamp as integer microseconds since 1970 UTC,
--           correlation_id, causation_id, user_name, headers])
-- and prev_hash is the hash of the stream's previous version ('' for version 1). jsonb text is canonical
-- (keys sorted, fixed spacing); a metadata column the store does not have enters as null.
-- Marten's tombstone stream (placeholders for appends that failed) is not chained.
SET search_path = events, public;
WITH links AS (
    SELECT c.stream_id, c.version, c.prev_hash, c.hash,
           lag(c.hash) OVER w AS before_hash,
           c.version - coalesce(lag(c.version) OVER w, 0) AS step
      FROM zlh_event_chain c
    WINDOW w AS (PARTITION BY c.stream_id ORDER BY c.version)
), events AS (
    SELECT e.stream_id, e.version, to_jsonb(e) AS j
      FROM mt_events e
     WHERE e.stream_id::text <> '9ad94684-ac70-4a4e-a828-6b55814bd342'
), checked AS (
    SELECT coalesce(l.stream_id, e.stream_id) AS stream_id, coalesce(l.version, e.version) AS version,
           l.version AS linked, l.step, l.prev_hash, l.before_hash, l.hash, e.version AS present,
           sha256(l.prev_hash || convert_to(jsonb_build_array(
               e.j -> 'stream_id', e.j -> 'version', e.j -> 'id', e.j -> 'type', e.j -> 'data',
               (extract(epoch FROM (e.j ->> 'timestamp')::timestamptz) * 1000000)::bigint,
               e.j -> 'correlation_id', e.j -> 'causation_id', e.j -> 'user_name', e.j -> 'headers')::text, 'UTF8')) AS expected
      FROM links l FULL JOIN events e ON e.stream_id = l.stream_id AND e.version = l.version
), heads AS (
    SELECT stream_id, max(version) AS version FROM events GROUP BY stream_id
)
SELECT stream_id::text, version - step + 1 AS version, 'version missing (its event and link were deleted)' AS problem
  FROM checked WHERE step <> 1
UNION ALL
SELECT stream_id::text, version, 'event deleted (its link remains)'
  FROM checked WHERE present IS NULL
UNION ALL
SELECT stream_id::text, version, 'event has no link in the chain'
  FROM checked WHERE linked IS NULL
UNION ALL
SELECT stream_id::text, version, 'link does not continue from the previous version''s link'
  FROM checked WHERE prev_hash <> coalesce(before_hash, ''::bytea)
UNION ALL
SELECT stream_id::text, version, 'hash does not match content and predecessor'
  FROM checked WHERE hash <> expected
UNION ALL
SELECT s.id::text, s.version, 'stream head does not match its last event'
  FROM mt_streams s LEFT JOIN heads h ON h.stream_id = s.id
 WHERE s.id::text <> '9ad94684-ac70-4a4e-a828-6b55814bd342' AND h.version IS DISTINCT FROM s.version
ORDER BY 1, 2;
-- What this cannot see: a writer who rewrites an event, recomputes every later link and leaves the head
-- has forged a consistent chain. Compare the stream heads (the last link's hash of each stream) with a
-- signed anchor kept outside this database (POST /api/audit/anchors/verify) to rule that out.
