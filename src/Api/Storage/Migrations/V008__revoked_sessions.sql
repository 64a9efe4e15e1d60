-- Sessions ended before their access tokens expired (src/Api/Auth/Sessions): logout, a reused refresh
-- token, a password change. A session is a refresh token family; every access token carries its id
-- (`sid`). A row is kept until the last access token the session could have issued has expired (its
-- expires_at = revocation + access token lifetime + clock skew), then deleted. Redis holds a copy for
-- the per-request check; this table is the truth it is refilled from.
CREATE TABLE zlh.revoked_sessions (
    session_id uuid        PRIMARY KEY,
    user_id    uuid        NOT NULL,
    revoked_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL
);
CREATE INDEX revoked_sessions_expiry ON zlh.revoked_sessions (expires_at);
