-- The request each Idempotency-Key was first used for (src/Api/Idempotency): the same key on another request
-- (another route, container or body) is refused with 422, whether the first request was accepted or refused.
-- One row per key, as its command id (SHA-256 of the user's id and the key: keys are per user), written
-- before the request is decided; the primary key decides between two requests racing with one key.
-- request_hash: SHA-256 of method, route and canonical JSON body (Idempotency/RequestFingerprint.cs).
--
-- Keys used before this migration have no row: the first use since claims them. Their accepted commands are
-- still answered once (command_audit_accepted_once, V006), matched on the route only: the command and the
-- container, as before.
CREATE TABLE zlh.idempotency_keys (
    command_id   uuid        PRIMARY KEY,
    user_id      uuid        NOT NULL,
    request_hash bytea       NOT NULL,
    request      text        NOT NULL,
    at           timestamptz NOT NULL
);
