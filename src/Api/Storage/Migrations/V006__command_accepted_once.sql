-- A command id is accepted once (src/Api/Containers/ContainerCommandHandler.cs): a request repeated with
-- its Idempotency-Key gets the first answer instead of being decided again. The handler looks the id up
-- here before deciding, through this index; and when two copies race past that look-up, the second
-- insert fails on it, which rolls back that copy's events and messages too.
--
-- Before this migration a repeat could be accepted again. Those later copies keep their rows, marked
-- 'repeated' so the index can hold; their events stay in the streams as they were written.
ALTER TABLE zlh.command_audit DROP CONSTRAINT command_audit_outcome_check;
ALTER TABLE zlh.command_audit ADD CONSTRAINT command_audit_outcome_check
    CHECK (outcome IN ('accepted', 'rejected', 'conflict', 'repeated'));
UPDATE zlh.command_audit a SET outcome = 'repeated'
 WHERE outcome = 'accepted'
   AND EXISTS (SELECT 1 FROM zlh.command_audit b WHERE b.command_id = a.command_id AND b.outcome = 'accepted' AND b.id < a.id);
CREATE UNIQUE INDEX command_audit_accepted_once ON zlh.command_audit (command_id) WHERE outcome = 'accepted';
