-- Accounts and refresh tokens (src/Api/Auth). Times come from the API's clock, not now(), so they
-- agree with token expiry checks made in the API.

CREATE TABLE zlh.users (
    id            uuid        PRIMARY KEY,
    username      text        NOT NULL,
    -- ASP.NET Core PasswordHasher<T> format (PBKDF2, salted, versioned).
    password_hash text        NOT NULL,
    roles         text[]      NOT NULL DEFAULT '{user}',
    created_at    timestamptz NOT NULL,
    disabled      boolean     NOT NULL DEFAULT false,
    CONSTRAINT users_roles_known CHECK (roles <@ ARRAY['user', 'admin', 'auditor']::text[] AND 'user' = ANY (roles))
);
-- Case-insensitive uniqueness: "Alice" and "alice" are one account.
CREATE UNIQUE INDEX users_username_key ON zlh.users (lower(username));

-- Opaque refresh tokens, stored only as SHA-256 of the token. A login starts a family; each refresh
-- consumes one token (replaced_by = its successor) and adds the next. Presenting a consumed token
-- again means it was copied: the whole family is revoked.
CREATE TABLE zlh.refresh_tokens (
    id          uuid        PRIMARY KEY,
    token_hash  bytea       NOT NULL UNIQUE,
    user_id     uuid        NOT NULL REFERENCES zlh.users (id) ON DELETE CASCADE,
    family_id   uuid        NOT NULL,
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    revoked_at  timestamptz,
    -- Deferred: the successor is inserted in the same transaction that consumes its predecessor.
    replaced_by uuid        REFERENCES zlh.refresh_tokens (id) DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX refresh_tokens_family ON zlh.refresh_tokens (family_id);
CREATE INDEX refresh_tokens_user ON zlh.refresh_tokens (user_id);
