-- The service directory, live capacity, and the audit trail.
--
-- The directory is read into memory by every replica. Whoever changes it (the directory file at start, the admin
-- API) bumps directory_state.version and sends NOTIFY hub_directory_changed in the same transaction, so every
-- replica reloads within moments of the commit; replicas also compare the version now and then in case a
-- notification is missed.

CREATE TABLE directory_service (
    id              text        PRIMARY KEY,
    -- The service definition in the shape of a directory file entry (ServiceDefinitionFormat), canonical form.
    definition      jsonb       NOT NULL,
    updated_at      timestamptz NOT NULL,
    updated_by      text        NOT NULL
);

-- One row: the directory's version and the directory file last applied to it.
CREATE TABLE directory_state (
    singleton           boolean     PRIMARY KEY DEFAULT true CHECK (singleton),
    version             bigint      NOT NULL,
    -- SHA-256 (hex) of the directory file's bytes when it was last applied. At start the file is applied only
    -- when its hash differs, so a restart keeps run-time changes and deploying a changed file applies it.
    applied_file_sha256 text,
    applied_file        text,
    applied_at          timestamptz,
    updated_at          timestamptz NOT NULL
);

INSERT INTO directory_state (singleton, version, updated_at) VALUES (true, 0, now());

-- What each service last said about its capacity (NHS DoS RAG, optional places). A service with no row has
-- said nothing and counts as GREEN with no limit on places.
CREATE TABLE service_capacity (
    service_id      text        PRIMARY KEY REFERENCES directory_service (id) ON DELETE CASCADE,
    rag             text        NOT NULL CHECK (rag IN ('GREEN', 'AMBER', 'RED')),
    places          integer     CHECK (places >= 0),
    -- When the RAG was last set by the service or an administrator (using a place does not refresh it).
    updated_at      timestamptz NOT NULL,
    updated_by      text        NOT NULL
);

-- Who did what, when: written in the same transaction as the change it records.
CREATE TABLE audit_event (
    id                  uuid        PRIMARY KEY,
    at                  timestamptz NOT NULL,
    actor               text        NOT NULL,
    actor_organisation  text,
    action              text        NOT NULL,
    entity_type         text        NOT NULL,
    entity_id           text        NOT NULL,
    outcome             text        NOT NULL,
    detail              jsonb       NOT NULL DEFAULT '{}'
);

CREATE INDEX audit_event_entity ON audit_event (entity_type, entity_id, at);
CREATE INDEX audit_event_at ON audit_event (at);
