-- The event log. Rows are never updated or deleted by the application.
CREATE TABLE es.streams (
    stream_id      text        PRIMARY KEY,
    version        bigint      NOT NULL,
    last_hash      bytea,
    last_timestamp timestamptz,
    last_tx_id     xid8,
    created_at     timestamptz NOT NULL DEFAULT now()
);

-- Two indexes only, each paid on every append: the stream's key, and the readers' log order.
-- position is unique by its identity sequence and needs no index of its own.
CREATE TABLE es.events (
    position       bigint      GENERATED ALWAYS AS IDENTITY,
    stream_id      text        NOT NULL,
    version        bigint      NOT NULL,
    type           text        NOT NULL,
    schema_version int         NOT NULL,
    data           jsonb       NOT NULL,
    metadata       jsonb       NOT NULL,
    created_at     timestamptz NOT NULL,
    -- The inserting transaction: readers order by (tx_id, position) below the xmin horizon so an
    -- event that commits late is never skipped (see Reading/ReadAllPage.cs).
    tx_id          xid8        NOT NULL DEFAULT pg_current_xact_id(),
    hash           bytea       NOT NULL,
    PRIMARY KEY (stream_id, version)
);

CREATE INDEX events_log_order ON es.events (tx_id, position);

-- SHA-256 over the previous event's hash and this event's content in its stored form. jsonb::text is
-- canonical (keys sorted, fixed spacing) and the timestamp enters as integer microseconds, so the hash
-- can be recomputed from the rows alone: see docs/audit/verify-chain.sql.
-- STABLE, not IMMUTABLE: jsonb_build_array, convert_to and extract are STABLE, and PostgreSQL inlines a
-- SQL function into the calling statement only when it claims no more than its body does. Called
-- through the function manager instead, a hash cost about twice as much.
CREATE FUNCTION es.event_hash(prev bytea, stream_id text, version bigint, type text, schema_version int,
                              data jsonb, metadata jsonb, created_at timestamptz)
RETURNS bytea LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT sha256(coalesce(prev, ''::bytea) || convert_to(
        jsonb_build_array(stream_id, version, type, schema_version, data, metadata,
                          (extract(epoch FROM created_at) * 1000000)::bigint)::text, 'UTF8'))
$$;

-- The hashes of a batch's events, in order, chained from prev (the stream's last hash before them).
CREATE FUNCTION es.chain_hashes(prev bytea, p_stream text, after_version bigint, p_types text[],
                                p_schema_versions int[], p_data jsonb[], p_metadata jsonb, ts timestamptz)
RETURNS bytea[] LANGUAGE plpgsql STABLE AS $$
DECLARE
    hashes bytea[] := '{}';
BEGIN
    FOR i IN 1 .. cardinality(p_types) LOOP
        prev := es.event_hash(prev, p_stream, after_version + i, p_types[i], p_schema_versions[i], p_data[i], p_metadata, ts);
        hashes[i] := prev;
    END LOOP;
    RETURN hashes;
END
$$;

-- Appends a batch to one stream (one round trip). p_expected: -1 any, 0 no stream, n > 0 the stream's
-- current version. Returns one row per appended event (version, position, timestamp, transaction),
-- which inline projections fold in the same transaction. A wrong expectation is a value, not an error:
-- a single row carries the actual version and a NULL position, and nothing is written.
--
-- The stream's row is its lock: versions, the hash chain and the timestamp are decided by the one
-- statement that moves the head, which PostgreSQL re-evaluates on the row as it stands after any
-- appender it waited for. A single event, the common case, therefore costs one UPDATE (or one INSERT
-- for a new stream) and one INSERT of the event. All events of a batch share one timestamp.
CREATE FUNCTION es.append_events(p_stream text, p_expected bigint, p_types text[], p_schema_versions int[],
                                 p_data jsonb[], p_metadata jsonb)
RETURNS TABLE (out_version bigint, out_position bigint, out_created_at timestamptz, out_tx_id xid8)
LANGUAGE plpgsql AS $$
DECLARE
    n           int := coalesce(cardinality(p_types), 0);
    xact        xid8;
    head        bigint;      -- the stream's version after this batch
    head_hash   bytea;       -- for one event its hash; for a batch the hash before it
    ts          timestamptz;
    hashes      bytea[];
    cur_version bigint;
    cur_tx      xid8;
BEGIN
    IF n = 0 THEN
        RAISE EXCEPTION 'an append needs at least one event' USING ERRCODE = '22023';
    END IF;

    -- Appenders to one stream queue here, before they take a transaction id: an advisory lock assigns
    -- none, while the row lock below assigns one before it waits. An autocommitted appender thus gets
    -- its id after the previous appender committed, so it never meets the 40001 refusal below however
    -- many race; only a caller's transaction that wrote something earlier still can. Class "ZLA"
    -- (0x5A4C41) keeps these locks apart in pg_locks; a hash collision only queues two streams together.
    PERFORM pg_advisory_xact_lock(5917761, hashtext(p_stream));

    LOOP
        IF p_expected <> 0 THEN
            -- The stream exists: the expectation and the transaction order are fences in WHERE. The
            -- timestamp is taken once, under the row lock, and never goes below the previous event's.
            -- A batch's hashes need the head's old hash, which this UPDATE leaves in place and returns.
            UPDATE es.streams s
               SET (version, last_timestamp, last_hash, last_tx_id) = (
                    SELECT s.version + n, t.ts,
                           CASE WHEN n = 1 THEN es.event_hash(s.last_hash, p_stream, s.version + 1, p_types[1],
                                                              p_schema_versions[1], p_data[1], p_metadata, t.ts)
                                ELSE s.last_hash END,
                           pg_current_xact_id()
                      FROM (SELECT greatest(clock_timestamp(), s.last_timestamp) AS ts) t)
             WHERE s.stream_id = p_stream
               AND (p_expected < 0 OR s.version = p_expected)
               AND (s.last_tx_id <= pg_current_xact_id()) IS NOT FALSE
            RETURNING s.version, s.last_timestamp, s.last_hash INTO head, ts, head_hash;
            EXIT WHEN FOUND;
        END IF;

        IF p_expected <= 0 THEN
            -- A new stream. ON CONFLICT waits for a racing creator and writes nothing if it committed.
            ts := clock_timestamp();
            INSERT INTO es.streams AS s (stream_id, version, last_hash, last_timestamp, last_tx_id)
            VALUES (p_stream, n,
                    CASE WHEN n = 1 THEN es.event_hash(NULL, p_stream, 1, p_types[1], p_schema_versions[1],
                                                       p_data[1], p_metadata, ts) END,
                    ts, pg_current_xact_id())
            ON CONFLICT (stream_id) DO NOTHING
            RETURNING s.version, s.last_hash INTO head, head_hash;
            EXIT WHEN FOUND;
        END IF;

        -- Neither statement wrote: say why, from the row as it stands now.
        SELECT s.version, s.last_tx_id INTO cur_version, cur_tx FROM es.streams s WHERE s.stream_id = p_stream;
        IF NOT FOUND AND p_expected > 0 THEN
            RETURN QUERY SELECT 0::bigint, NULL::bigint, NULL::timestamptz, NULL::xid8;
            RETURN;
        END IF;
        IF FOUND AND p_expected >= 0 AND cur_version <> p_expected THEN
            RETURN QUERY SELECT cur_version, NULL::bigint, NULL::timestamptz, NULL::xid8;
            RETURN;
        END IF;
        -- Readers see the log in transaction-id order. A transaction that took its id before the one
        -- that wrote the stream's last event would put this event ahead of that one in the log: refuse,
        -- so the log order and every stream's version order agree. A retry in a new transaction succeeds.
        IF cur_tx > pg_current_xact_id() THEN
            RAISE EXCEPTION 'stream % was appended to by a newer transaction; retry in a new transaction', p_stream
                USING ERRCODE = '40001';
        END IF;
        -- Otherwise a racing appender created the stream between our two statements: go again.
    END LOOP;

    xact := pg_current_xact_id();
    IF n = 1 THEN
        hashes := ARRAY[head_hash];
    ELSE
        hashes := es.chain_hashes(head_hash, p_stream, head - n, p_types, p_schema_versions, p_data, p_metadata, ts);
        UPDATE es.streams SET last_hash = hashes[n] WHERE stream_id = p_stream;
    END IF;

    RETURN QUERY
    INSERT INTO es.events (stream_id, version, type, schema_version, data, metadata, created_at, tx_id, hash)
    SELECT p_stream, head - n + e.i, e.type, e.schema_version, e.data, p_metadata, ts, xact, hashes[e.i]
      FROM unnest(p_types, p_schema_versions, p_data) WITH ORDINALITY AS e(type, schema_version, data, i)
    RETURNING version, position, created_at, tx_id;
END
$$;
