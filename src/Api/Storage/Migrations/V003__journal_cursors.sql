-- How far the poller has ingested each container's agent journal (src/Api/Agents/Polling). Written in
-- the same transaction as the events made from the entries, so a crash or a restart of the API never
-- loses or doubles an entry; the row lock fences two nodes that poll the same agent during a shard handover.
CREATE TABLE zlh.journal_cursors (
    container_id uuid        PRIMARY KEY,
    journal_id   uuid,
    seq          bigint      NOT NULL,
    updated_at   timestamptz NOT NULL
);
