-- Subscriptions (FHIR R4 Subscriptions Backport IG): a provider organisation's rest-hook subscriptions to the hub's
-- topics. Notifications are rows of the delivery outbox (channel 'subscription'), queued in the transaction of the
-- change they report.

CREATE TABLE subscription (
    id                       uuid        PRIMARY KEY,
    -- The organisation (ODS code) that owns it: only its own provider systems see or change it.
    ods_code                 text        NOT NULL,
    -- 'offer' or 'stack' (SubscriptionTopic), and the service it is narrowed to by its filter criteria, if any.
    topic                    text        NOT NULL,
    service_id               text,
    endpoint                 text        NOT NULL,
    heartbeat_period_seconds integer     CHECK (heartbeat_period_seconds > 0),
    -- The FHIR base the subscriber registered it at: notifications name the subscription and focus under it.
    fhir_base                text        NOT NULL,
    -- What the subscriber asked for: 'requested' (notify me) or 'off'. Whether it is active or in error is the
    -- state of its latest handshake in the outbox (delivered or dead), so an operator's replay of a dead handshake
    -- activates it without anything else to keep in step.
    requested_status         text        NOT NULL CHECK (requested_status IN ('requested', 'off')),
    -- Null while it has been off from the start.
    handshake_id             uuid,
    -- The Backport IG's events-since-subscription-start: the number of the latest event-notification queued.
    events_since_start       bigint      NOT NULL DEFAULT 0,
    -- When the latest notification of any kind was queued: a heartbeat is due a period after it.
    last_notified_at         timestamptz NOT NULL,
    created_at               timestamptz NOT NULL,
    updated_at               timestamptz NOT NULL,
    CONSTRAINT subscription_topic CHECK (topic IN ('offer', 'stack'))
);

CREATE INDEX subscription_owner ON subscription (ods_code, created_at);
CREATE INDEX subscription_topic_owner ON subscription (topic, ods_code) WHERE requested_status = 'requested';
