-- Keys of messages sent by a handler that may run twice (a redelivery after its node died between its
-- commit and Wolverine recording the message handled): the second send of a key is skipped in the same
-- transaction, so a deployment's chain of AdvanceDeployment messages never forks. Kept for a week.
CREATE TABLE zlh.outbox_keys (
    key     text        PRIMARY KEY,
    sent_at timestamptz NOT NULL DEFAULT now());
CREATE INDEX outbox_keys_sent_at ON zlh.outbox_keys (sent_at);
