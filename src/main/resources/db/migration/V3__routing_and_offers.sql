-- Routing and the send-back loop: where each referral stands in its cascade, why it went where it went, and one
-- row per offer (a FHIR Task) to a service.

-- next_action_at: when the loop must look at the referral again (now for a new one, the offer deadline while
-- offered, null once terminal). Any replica's worker claims due rows with FOR UPDATE SKIP LOCKED, so deadlines
-- survive restarts and fire exactly once in effect however many replicas run.
ALTER TABLE referral
    ADD COLUMN next_action_at   timestamptz,
    ADD COLUMN budget_ends_at   timestamptz,
    ADD COLUMN send_back_reason text,
    -- When the referral reached accepted, sent-back or cancelled: the end of its time in limbo.
    ADD COLUMN concluded_at     timestamptz;

UPDATE referral SET next_action_at = created_at WHERE status = 'routing';

CREATE INDEX referral_due ON referral (next_action_at) WHERE next_action_at IS NOT NULL;

CREATE TABLE routing_decision (
    id          uuid        PRIMARY KEY,
    referral_id uuid        NOT NULL REFERENCES referral (id),
    decided_at  timestamptz NOT NULL,
    rule_id     text,
    -- The RoutingDecision record (candidates and exclusions with reasons), as JSON.
    decision    jsonb       NOT NULL
);

CREATE INDEX routing_decision_referral ON routing_decision (referral_id, decided_at DESC);

CREATE TABLE offer (
    id                   uuid        PRIMARY KEY,
    referral_id          uuid        NOT NULL REFERENCES referral (id),
    sequence             integer     NOT NULL,
    service_id           text        NOT NULL,
    ods_code             text        NOT NULL,
    -- FHIR Task status: requested, received, accepted, rejected, cancelled, failed, in-progress, completed.
    status               text        NOT NULL,
    status_reason_system text,
    status_reason_code   text,
    status_reason_text   text,
    offered_at           timestamptz NOT NULL,
    deadline_at          timestamptz NOT NULL,
    answered_at          timestamptz,
    updated_at           timestamptz NOT NULL,
    version              integer     NOT NULL DEFAULT 1,
    CONSTRAINT offer_sequence_unique UNIQUE (referral_id, sequence)
);

-- At most one service holds a referral at a time: the database refuses a second live offer.
CREATE UNIQUE INDEX offer_one_holder ON offer (referral_id)
    WHERE status IN ('requested', 'received', 'accepted', 'in-progress');

CREATE INDEX offer_service_status ON offer (service_id, status);
