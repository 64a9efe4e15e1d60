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
CREATE FUNCTION es.event_hash(prev bytea, stream_id text, version bigint, type text, schema_version int,
                              data jsonb, metadata jsonb, created_at timestamptz)
RETURNS bytea LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT sha256(coalesce(prev, ''::bytea) || convert_to(
        jsonb_build_array(stream_id, version, type, schema_version, data, metadata,
                          (extract(epoch FROM created_at) * 1000000)::bigint)::text, 'UTF8'))
$$;

-- Appends a batch to one stream in a single statement (one round trip).
-- p_expected: -1 any, 0 no stream, n > 0 the stream's current version.
-- Returns one row per appended event (version, position, timestamp, transaction), which inline
-- projections fold in the same transaction. A wrong expectation is a value, not an error: a single row
-- carries the actual version and a NULL position, and nothing is written.
CREATE FUNCTION es.append_events(p_stream text, p_expected bigint, p_types text[], p_schema_versions int[],
                                 p_data jsonb[], p_metadata jsonb)
RETURNS TABLE (out_version bigint, out_position bigint, out_created_at timestamptz, out_tx_id xid8)
LANGUAGE plpgsql AS $$
DECLARE
    cur_version bigint;
    cur_hash    bytea;
    cur_ts      timestamptz;
    cur_tx      xid8;
    ts          timestamptz;
    pos         bigint;
BEGIN
    IF coalesce(cardinality(p_types), 0) = 0 THEN
        RAISE EXCEPTION 'an append needs at least one event' USING ERRCODE = '22023';
    END IF;

    -- The row lock on the stream serialises appenders of one stream: versions, the hash chain and
    -- monotonic timestamps are all decided under it.
    SELECT s.version, s.last_hash, s.last_timestamp, s.last_tx_id INTO cur_version, cur_hash, cur_ts, cur_tx
      FROM es.streams s WHERE s.stream_id = p_stream FOR UPDATE;
    IF NOT FOUND THEN
        IF p_expected > 0 THEN
            RETURN QUERY SELECT 0::bigint, NULL::bigint, NULL::timestamptz, NULL::xid8;
            RETURN;
        END IF;
        INSERT INTO es.streams (stream_id, version) VALUES (p_stream, 0) ON CONFLICT (stream_id) DO NOTHING;
        -- Either our row or one a racing appender just committed.
        SELECT s.version, s.last_hash, s.last_timestamp, s.last_tx_id INTO cur_version, cur_hash, cur_ts, cur_tx
          FROM es.streams s WHERE s.stream_id = p_stream FOR UPDATE;
    END IF;

    IF p_expected >= 0 AND cur_version <> p_expected THEN
        RETURN QUERY SELECT cur_version, NULL::bigint, NULL::timestamptz, NULL::xid8;
        RETURN;
    END IF;

    -- Readers see the log in transaction-id order. A transaction that took its id before the one that
    -- wrote the stream's last event would put this event ahead of that one in the log: refuse, so the
    -- log order and every stream's version order agree. A retry in a new transaction succeeds.
    IF cur_tx > pg_current_xact_id() THEN
        RAISE EXCEPTION 'stream % was appended to by a newer transaction; retry in a new transaction', p_stream
            USING ERRCODE = '40001';
    END IF;

    FOR i IN 1 .. cardinality(p_types) LOOP
        cur_version := cur_version + 1;
        ts := greatest(clock_timestamp(), cur_ts);
        cur_hash := es.event_hash(cur_hash, p_stream, cur_version, p_types[i], p_schema_versions[i],
                                  p_data[i], p_metadata, ts);
        INSERT INTO es.events (stream_id, version, type, schema_version, data, metadata, created_at, hash)
        VALUES (p_stream, cur_version, p_types[i], p_schema_versions[i], p_data[i], p_metadata, ts, cur_hash)
        RETURNING position INTO pos;
        cur_ts := ts;
        RETURN QUERY SELECT cur_version, pos, ts, pg_current_xact_id();
    END LOOP;

    UPDATE es.streams SET version = cur_version, last_hash = cur_hash, last_timestamp = cur_ts, last_tx_id = pg_current_xact_id()
     WHERE stream_id = p_stream;
END
$$;
