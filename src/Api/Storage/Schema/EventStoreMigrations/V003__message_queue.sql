-- The durable message queue (see src/EventStore/Queue/). A row is a message waiting for delivery or
-- being handled; it is deleted once handled, moved to es.queue_dead_letters when it gives up.
CREATE TABLE es.queue_messages (
    id              uuid        PRIMARY KEY,
    type            text        NOT NULL,
    schema_version  int         NOT NULL,
    data            jsonb       NOT NULL,
    enqueued_at     timestamptz NOT NULL DEFAULT now(),
    -- When the message may be delivered: the requested time, later a retry's backoff.
    deliver_at      timestamptz NOT NULL,
    -- Deliveries started, including the current one: a claim adds one, a graceful release takes it back.
    attempts        int         NOT NULL DEFAULT 0,
    last_error      text,
    -- The holder of the current claim. A lease in the past is free to take: its holder died or let go.
    lease_until     timestamptz,
    leased_by       text,
    idempotency_key text,
    -- greatest() ignores NULL, so this is deliver_at for an unleased message and the later of the two
    -- for a leased one: "claimable" is one range of one index, `due_at <= now()`, instead of an OR the
    -- planner would have to filter row by row past every leased message at the head of the queue.
    due_at          timestamptz GENERATED ALWAYS AS (greatest(deliver_at, lease_until)) STORED
);

CREATE INDEX queue_messages_due ON es.queue_messages (due_at);

CREATE TABLE es.queue_dead_letters (
    id              uuid        PRIMARY KEY,
    type            text        NOT NULL,
    schema_version  int         NOT NULL,
    data            jsonb       NOT NULL,
    enqueued_at     timestamptz NOT NULL,
    attempts        int         NOT NULL,
    error           text        NOT NULL,
    failed_at       timestamptz NOT NULL DEFAULT now(),
    idempotency_key text
);

CREATE INDEX queue_dead_letters_failed ON es.queue_dead_letters (failed_at, id);

-- Idempotency keys outlive their messages (a handled message's row is gone) for a retention period,
-- so a late duplicate enqueue still finds the first message's id.
CREATE TABLE es.queue_keys (
    key        text        PRIMARY KEY,
    message_id uuid        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX queue_keys_created ON es.queue_keys (created_at);
