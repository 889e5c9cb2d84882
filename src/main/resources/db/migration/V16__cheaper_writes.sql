-- Cheaper writes on the hot path (issue 21). PostgreSQL's own profile of a 200/s run (perf on the server, auto_explain,
-- pg_stat_statements, pg_stat_user_indexes) put 4 % of its CPU in pglz compressing values that did not need it and
-- 11 % in index insertions, which every update of a referral pays in full: its status, updated_at and next_action_at
-- are indexed, so no update of the cascade can be a HOT update.

-- A FHIR transaction Bundle for a provider is about 14 KB of JSON. Compressed with pglz (the only method the
-- embedded server has: no lz4) on every insert, and decompressed by every claim that sends it, it costs more CPU than
-- storing it as it is, out of line. The CAD's callbacks (about 600 bytes) stay inline as before.
ALTER TABLE delivery_outbox ALTER COLUMN payload SET STORAGE EXTERNAL;

-- An event row (the body as jsonb, the signed bytes and the answer) is 2.5-3 KB: over the default 2 KB at which
-- PostgreSQL tries to compress, and JSON already in jsonb's binary form saved nearly nothing, so each insert paid
-- for an attempt. A decision's JSON is about 3 KB likewise, written once per routing step. Both stay in their row,
-- uncompressed, unless the row outgrows a page.
ALTER TABLE cad_event SET (toast_tuple_target = 8160);
ALTER TABLE routing_decision SET (toast_tuple_target = 8160);

-- One index fewer on referral: the incident's unique key leads with incident_id, so it also serves the operator's
-- look-up by incident id alone (ReferralTimelineRepository), which had an index of its own. Every insert and every
-- (non-HOT) update of a referral wrote both. ON CONFLICT (cad_system, incident_id) names the columns, not their
-- order, so it keeps using the unique key.
CREATE UNIQUE INDEX referral_incident_unique_by_incident ON referral (incident_id, cad_system);
ALTER TABLE referral DROP CONSTRAINT referral_incident_unique;
ALTER TABLE referral ADD CONSTRAINT referral_incident_unique UNIQUE USING INDEX referral_incident_unique_by_incident;
DROP INDEX referral_incident_id;

-- audit_event_at_id (at DESC, id DESC) serves every read that audit_event_at (at) did, in either direction.
DROP INDEX audit_event_at;
