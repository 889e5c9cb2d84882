-- The provider FHIR API: searches of referrals and offers, newest first, paged by (updated_at, id); and audit
-- records of searches, which touch many referrals and so name no single entity.

CREATE INDEX referral_updated ON referral (updated_at DESC, id DESC);
CREATE INDEX offer_ods_updated ON offer (ods_code, updated_at DESC, id DESC);
CREATE INDEX offer_referral_ods ON offer (referral_id, ods_code);
CREATE INDEX audit_event_at_id ON audit_event (at DESC, id DESC);

ALTER TABLE audit_event ALTER COLUMN entity_id DROP NOT NULL;
