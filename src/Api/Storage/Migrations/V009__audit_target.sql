-- The command log also records what the HTTP layer audits (src/Api/Audit/AuditTrail.cs): admin actions
-- (projection rebuild, retry and skip, dead-letter replay and discard, role changes) and IDE and console
-- sessions opened. Those act on something other than a container, or on a part of one: target names it
-- ("projection container_status", "dead letter <id>", "user <id>: roles [admin, auditor]", "console shell").
-- Null on container commands, whose container_id says it all.
ALTER TABLE zlh.command_audit ADD COLUMN target text;
