-- The SQL read models Marten's daemon (or, for inline ones, every append) keeps up to date. Readers query
-- a view per table that selects from the live generation's tables (<table>_g<n>); an on-demand rebuild
-- fills generation n+1 beside it from events.mt_events and swaps the views when it has caught up.
CREATE TABLE zlh.read_models (
    name             text        PRIMARY KEY,
    live_generation  int         NOT NULL DEFAULT 1,
    -- The rebuild in progress: the generation it fills, and the last event sequence applied to it.
    build_generation int,
    build_position   bigint      NOT NULL DEFAULT 0,
    build_done       bigint      NOT NULL DEFAULT 0,
    build_total      bigint      NOT NULL DEFAULT 0,
    build_started_at timestamptz,
    build_by         text,
    build_fault      text,
    updated_at       timestamptz NOT NULL DEFAULT now());
