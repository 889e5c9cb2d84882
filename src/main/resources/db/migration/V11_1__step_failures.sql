-- How many times in a row a step of the referral's cascade failed (database outages excepted): past
-- hub.routing.max-step-failures the case goes back to the ambulance service as hub-error instead of being retried for
-- ever. Any step that succeeds starts the count again.
ALTER TABLE referral ADD COLUMN step_failures integer NOT NULL DEFAULT 0;
