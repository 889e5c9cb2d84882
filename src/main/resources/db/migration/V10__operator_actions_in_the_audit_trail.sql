-- One audit trail: what operators did through the admin API (replaying dead letters, pausing and resuming
-- destinations) was kept in operator_action, a stop-gap of the delivery feature. It is now recorded in audit_event
-- like every other audited action, so the auditor's /fhir/AuditEvent search and a referral's timeline show it. The
-- rows kept so far move there as they were: every recorded operator action succeeded.

INSERT INTO audit_event (id, at, actor, actor_organisation, action, entity_type, entity_id, outcome, detail)
SELECT id, at, actor, NULL, action, target_type, target_id, 'success', details
FROM operator_action;

DROP TABLE operator_action;

-- During a rolling update, replicas of the previous version still write operator actions to operator_action. It
-- stays as a view of the operators' records in the trail, and what is inserted into it goes into the trail, so
-- those actions are recorded as the new replicas record them. A later release, once no replica of the previous
-- version can be running, drops the view and its function.
CREATE VIEW operator_action AS
SELECT id, actor, action, entity_type AS target_type, entity_id AS target_id, detail AS details, at
FROM audit_event
WHERE entity_type IN ('delivery', 'destination');

CREATE FUNCTION operator_action_into_audit_trail() RETURNS trigger AS $$
BEGIN
    INSERT INTO audit_event (id, at, actor, actor_organisation, action, entity_type, entity_id, outcome, detail)
    VALUES (NEW.id, NEW.at, NEW.actor, NULL, NEW.action, NEW.target_type, NEW.target_id, 'success', NEW.details);
    RETURN NEW;
END;
$$ LANGUAGE plpgsql SET search_path FROM CURRENT;

CREATE TRIGGER operator_action_into_audit_trail INSTEAD OF INSERT ON operator_action
    FOR EACH ROW EXECUTE FUNCTION operator_action_into_audit_trail();
