-- Offer life cycle (issue 5): a delivery that is no longer wanted (its offer timed out, was declined or withdrawn
-- before it went out) is withdrawn in the transaction that closed the offer. It is never sent again, and operators
-- still see it, apart from the dead letters: nobody has to replay or alert on it.

ALTER TABLE delivery_outbox ADD COLUMN withdrawn_at timestamptz;
ALTER TABLE delivery_outbox DROP CONSTRAINT delivery_outbox_state;
ALTER TABLE delivery_outbox ADD CONSTRAINT delivery_outbox_state
    CHECK (state IN ('pending', 'delivered', 'dead', 'withdrawn'));
ALTER TABLE delivery_outbox ADD CONSTRAINT delivery_outbox_withdrawn_at
    CHECK ((state = 'withdrawn') = (withdrawn_at IS NOT NULL));

-- A row withdrawn while an attempt was on the wire keeps that claim's lease token until the attempt's outcome comes
-- back (or the lease runs out), and until then holds back the rows behind it in its ordering key, so that what the
-- hub queued after it (a revocation) cannot overtake it. The claim's ordering check looks these up; there are few.
CREATE INDEX delivery_outbox_withdrawn_in_flight ON delivery_outbox (channel, ordering_key, sequence)
    WHERE state = 'withdrawn' AND lease_token IS NOT NULL;
