-- One-time enrollment tokens of new Proxmox containers (src/Api/Hosts/Proxmox/Enrollment), shared by
-- every API node so that single use holds across them. Only SHA-256 of the token is stored. One row
-- per container: issuing a new token replaces the old one. Times come from the API's clock, like
-- the other tables here. Rows past expiry are kept a while (so a late exchange is told "expired" or
-- "already used", not "unknown") and then deleted when the next token is issued.
CREATE TABLE zlh.enrollment_tokens (
    container_id uuid        PRIMARY KEY,
    token_hash   bytea       NOT NULL,
    issued_at    timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL,
    used_at      timestamptz
);
CREATE INDEX enrollment_tokens_expires_at ON zlh.enrollment_tokens (expires_at);
