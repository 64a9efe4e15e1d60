-- Projections. Each projection's read-model tables exist per generation (<table>_g<n>); readers use a
-- view named <table> over the live generation, so a rebuild builds generation n+1 beside the live one
-- and swaps the views in one transaction.
CREATE TABLE es.projections (
    name            text        PRIMARY KEY,
    live_generation int         NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now()
);

-- The checkpoint of one generation: the last (tx_id, position) applied, moved only with a
-- compare-and-set in the same transaction as the read-model writes.
CREATE TABLE es.projection_progress (
    projection     text        NOT NULL REFERENCES es.projections (name),
    generation     int         NOT NULL,
    tx_id          xid8        NOT NULL DEFAULT '0',
    position       bigint      NOT NULL DEFAULT 0,
    state          text        NOT NULL DEFAULT 'running' CHECK (state IN ('running', 'faulted', 'stopped')),
    fault          jsonb,
    events_applied bigint      NOT NULL DEFAULT 0,
    started_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (projection, generation)
);

-- What operators did to projections (retry, skip, rebuild, swap): a skipped event is never silent.
CREATE TABLE es.projection_operations (
    id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    projection  text        NOT NULL,
    generation  int         NOT NULL,
    action      text        NOT NULL,
    operator    text        NOT NULL,
    reason      text,
    tx_id       xid8,
    position    bigint,
    at          timestamptz NOT NULL DEFAULT now()
);
