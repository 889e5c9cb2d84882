-- Delivery: a transactional outbox for everything the hub pushes to other systems (CAD callbacks now; provider
-- deliveries later). A row is written in the same transaction as the change it reports, so it exists if and only
-- if that change committed; dispatchers on every replica claim due rows with FOR UPDATE SKIP LOCKED.

CREATE TABLE delivery_outbox (
    -- Also the message's own id where the channel has one (a CAD callback's eventId), so a retry or a replay
    -- carries the same id and the receiver can drop duplicates.
    id              uuid        PRIMARY KEY,
    -- What kind of delivery, and so how it is signed and sent: 'cad-callback', later e.g. 'bars', 'fhir-rest'.
    channel         text        NOT NULL,
    -- The queue: the CAD system id, or later a provider endpoint id. Concurrency is bounded and claims are shared
    -- fairly per destination, so one slow or dead receiver never holds up another.
    destination     text        NOT NULL,
    -- Rows of one channel with the same ordering key go out one at a time in sequence order (a CAD callback's key
    -- is '<cadSystem>/<incidentId>').
    ordering_key    text        NOT NULL,
    sequence        bigint      GENERATED ALWAYS AS IDENTITY,
    referral_id     uuid        REFERENCES referral (id),
    -- Null when there was nowhere to send it: the row is then dead from the start, visible to operators.
    url             text,
    content_type    text        NOT NULL,
    payload         text        NOT NULL,
    state           text        NOT NULL,
    -- Attempts started since the row was created or last replayed.
    attempts        integer     NOT NULL DEFAULT 0,
    -- When a pending row is next due. A claim moves it past the end of the attempt (a lease), so a replica that
    -- dies mid-send leaves the row to be retried by another once the lease runs out.
    next_attempt_at timestamptz NOT NULL,
    -- Set by each claim; only the claimant may reschedule or dead-letter the row.
    lease_token     uuid,
    last_error      text,
    created_at      timestamptz NOT NULL,
    -- Start of the give-up clock: creation, or the last replay.
    pending_since   timestamptz NOT NULL,
    delivered_at    timestamptz,
    dead_at         timestamptz,
    CONSTRAINT delivery_outbox_state CHECK (state IN ('pending', 'delivered', 'dead')),
    CONSTRAINT delivery_outbox_delivered_at CHECK ((state = 'delivered') = (delivered_at IS NOT NULL)),
    CONSTRAINT delivery_outbox_dead_at CHECK ((state = 'dead') = (dead_at IS NOT NULL))
);

-- The claim: due pending rows.
CREATE INDEX delivery_outbox_due ON delivery_outbox (next_attempt_at) WHERE state = 'pending';
-- The claim's ordering check: is an earlier row of the same ordering key still pending?
CREATE INDEX delivery_outbox_pending_order ON delivery_outbox (channel, ordering_key, sequence) WHERE state = 'pending';
-- The operators' dead-letter list, newest first.
CREATE INDEX delivery_outbox_dead ON delivery_outbox (dead_at DESC) WHERE state = 'dead';
CREATE INDEX delivery_outbox_referral ON delivery_outbox (referral_id);

-- What operators did through the admin API (who, what, to which object, when). A stop-gap owned by the delivery
-- feature until the hub-wide audit log takes these records.
CREATE TABLE operator_action (
    id          uuid        PRIMARY KEY,
    actor       text        NOT NULL,
    action      text        NOT NULL,
    target_type text        NOT NULL,
    target_id   text        NOT NULL,
    details     jsonb       NOT NULL,
    at          timestamptz NOT NULL
);

CREATE INDEX operator_action_target ON operator_action (target_type, target_id, at);
