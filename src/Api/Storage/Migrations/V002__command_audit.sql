-- Every command a user sent, accepted or not: who, when, from where, what, and how it ended.
-- Accepted commands are written in the same transaction as their events; rejected ones alone.
CREATE TABLE zlh.command_audit (
    id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    command_id   uuid        NOT NULL,
    at           timestamptz NOT NULL,
    user_id      uuid        NOT NULL,
    client_ip    text,
    command      text        NOT NULL,
    container_id uuid,
    outcome      text        NOT NULL CHECK (outcome IN ('accepted', 'rejected', 'conflict')),
    reason       text
);
CREATE INDEX ON zlh.command_audit (container_id, at);
CREATE INDEX ON zlh.command_audit (user_id, at);
