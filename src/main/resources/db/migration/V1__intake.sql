-- Intake: every CAD event the hub acknowledged, and the referral each incident became.
-- Both rows are written in one transaction before the CAD gets its 202.

CREATE TABLE referral (
    id              uuid        PRIMARY KEY,
    cad_system      text        NOT NULL,
    incident_id     text        NOT NULL,
    status          text        NOT NULL,
    category        text        NOT NULL,
    -- The latest incident picture, as the domain record Incident (JSON). FHIR is rendered from it.
    incident        jsonb       NOT NULL,
    breach_at       timestamptz NOT NULL,
    callback_url    text,
    -- occurredAt of the newest CAD event applied, so late-arriving older updates cannot overwrite newer ones.
    last_event_at   timestamptz NOT NULL,
    version         integer     NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    CONSTRAINT referral_incident_unique UNIQUE (cad_system, incident_id)
);

CREATE INDEX referral_status_updated ON referral (status, updated_at DESC);

CREATE TABLE cad_event (
    id              uuid        PRIMARY KEY,
    cad_system      text        NOT NULL,
    event_id        text        NOT NULL,
    event_type      text        NOT NULL,
    incident_id     text        NOT NULL,
    occurred_at     timestamptz NOT NULL,
    received_at     timestamptz NOT NULL,
    -- SHA-256 of the raw body: a retry with the same eventId must be byte-identical to be a replay.
    body_sha256     bytea       NOT NULL,
    body            jsonb       NOT NULL,
    referral_id     uuid        NOT NULL REFERENCES referral (id),
    -- What the hub answered, returned again on an idempotent replay.
    response_status integer     NOT NULL,
    response_body   jsonb       NOT NULL,
    CONSTRAINT cad_event_idempotency UNIQUE (cad_system, event_id)
);

CREATE INDEX cad_event_referral ON cad_event (referral_id, received_at);
