-- BaRS messages providers post to the hub's $process-message: one row per message (Bundle.id) the hub acted on,
-- written in the transaction of the answer it carried, so a message is either acted on and recorded or neither.
-- The same message again is answered from here, changing nothing.

CREATE TABLE bars_inbound_message (
    bundle_id     text        PRIMARY KEY,
    -- A digest of the message as parsed, to tell a true repeat from another message reusing the id.
    fingerprint   text        NOT NULL,
    -- The sender's X-Request-Id: BaRS refuses a request id seen before on a different message.
    request_id    text        NOT NULL UNIQUE,
    correlation_id text       NOT NULL,
    sender_ods    text        NOT NULL,
    offer_id      uuid        NOT NULL REFERENCES offer (id),
    referral_id   uuid        NOT NULL REFERENCES referral (id),
    -- The BaRS message kind and what the hub did with it, for operators and the audit trail.
    kind          text        NOT NULL,
    -- The synchronous acknowledgement, as FHIR JSON, answered again for a repeat.
    acknowledgement text      NOT NULL,
    received_at   timestamptz NOT NULL
);

CREATE INDEX bars_inbound_message_offer ON bars_inbound_message (offer_id);
