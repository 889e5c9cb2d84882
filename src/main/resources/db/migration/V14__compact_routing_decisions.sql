-- Routing decisions stored compactly (issue 21): with a large directory a decision no longer lists every excluded
-- service. It keeps every candidate, every service that could have taken the case (already tried, closed, full),
-- and counts the rest by reason in its JSON (excludedCounts, unlistedExclusions). The columns below say what those
-- unlisted exclusions were decided from, so the hub rebuilds the list when a clinician or a CAD asks, as long as
-- the directory and the incident are still the ones routed. All null for a decision stored whole (every earlier row).

ALTER TABLE routing_decision
    -- directory_state.version of the directory the router read.
    ADD COLUMN directory_version bigint,
    -- The service types of the excluded services, in the order the rule prefers them.
    ADD COLUMN service_types     text[],
    -- SHA-256 (base64) of the incident as routed (its JSON as the hub stores it).
    ADD COLUMN incident_digest   text;
