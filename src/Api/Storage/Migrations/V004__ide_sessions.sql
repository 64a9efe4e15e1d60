-- Single-use tokens (IDE, console) and IDE sessions (src/Api/Ide). Times come from the API's clock.

-- The jti of every redeemed single-use token, kept until the token could no longer validate anyway
-- (its expiry plus the clock skew TokenService tolerates). The primary key is the fence: of two API
-- nodes redeeming one token, exactly one inserts the row (INSERT … ON CONFLICT DO NOTHING).
CREATE TABLE zlh.used_tokens (
    jti        text        PRIMARY KEY,
    expires_at timestamptz NOT NULL
);
CREATE INDEX used_tokens_expiry ON zlh.used_tokens (expires_at);

-- A browser's IDE session for one container, created when it redeems an IDE token. The cookie holds a
-- random id; only its SHA-256 is stored. Ends when revoked (logout, container deleted or transferred)
-- or after the idle timeout since last_used_at. No foreign key to users: a session is checked against
-- the container's owner on every request, which is what matters.
CREATE TABLE zlh.ide_sessions (
    id_hash      bytea       PRIMARY KEY,
    user_id      uuid        NOT NULL,
    -- The user held the admin role when the token was issued: may open containers of others.
    admin        boolean     NOT NULL,
    container_id uuid        NOT NULL,
    created_at   timestamptz NOT NULL,
    last_used_at timestamptz NOT NULL,
    revoked_at   timestamptz
);
CREATE INDEX ide_sessions_user ON zlh.ide_sessions (user_id) WHERE revoked_at IS NULL;
CREATE INDEX ide_sessions_container ON zlh.ide_sessions (container_id) WHERE revoked_at IS NULL;
CREATE INDEX ide_sessions_last_used ON zlh.ide_sessions (last_used_at);
