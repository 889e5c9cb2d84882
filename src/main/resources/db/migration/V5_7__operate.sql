-- Operating the hub (issue 7): correlation ids that follow a referral into its deliveries, and delivery pauses
-- that every replica honours. Numbered 5.7 so it sorts after V5 whichever branch adds that.

-- One id per incident for logs, traces and outbound X-Correlation-Id headers: the CAD's own X-Correlation-Id when it
-- sent a usable one with the incident's first event, else one the hub made. Never a patient identifier.
ALTER TABLE referral ADD COLUMN correlation_id text;
-- The W3C traceparent of the latest CAD event's request (when tracing is on): deliveries written for the referral
-- outside any traced request (routing steps, deadlines) join that trace.
ALTER TABLE referral ADD COLUMN trace_parent text;
-- Copied from the referral when the delivery is written, so the dispatcher logs and sends it without a join.
ALTER TABLE delivery_outbox ADD COLUMN correlation_id text;
-- The W3C traceparent of the work that wrote the delivery (when tracing is on), so its attempts join that trace.
ALTER TABLE delivery_outbox ADD COLUMN trace_parent text;

-- Destinations (a CAD system, later a provider endpoint) an operator has paused. Dispatchers on every replica skip
-- their pending rows, which wait, still counted in the queue gauges, until the destination is resumed.
CREATE TABLE paused_destination (
    destination text        PRIMARY KEY,
    paused_by   text        NOT NULL,
    paused_at   timestamptz NOT NULL,
    reason      text        NOT NULL
);

-- Operators find a referral by the CAD's incident id (without knowing which CAD sent it) or by NHS number.
CREATE INDEX referral_incident_id ON referral (incident_id);
CREATE INDEX referral_nhs_number ON referral ((incident #>> '{patient,nhsNumber}'));
