-- The audit copy of a CAD event is what the CAD signed, byte for byte (issue 16 item 2): jsonb normalises whitespace,
-- key order, number forms and escapes, so it can no longer be checked against the signature. body stays as the parsed
-- copy for queries. Events stored before this column existed keep their jsonb text as the best copy there is.
ALTER TABLE cad_event ADD COLUMN signed_body bytea;
UPDATE cad_event SET signed_body = convert_to(body::text, 'UTF8') WHERE signed_body IS NULL;
ALTER TABLE cad_event ALTER COLUMN signed_body SET NOT NULL;
COMMENT ON COLUMN cad_event.signed_body IS 'The request body exactly as received and signed (X-Hub-Signature).';
