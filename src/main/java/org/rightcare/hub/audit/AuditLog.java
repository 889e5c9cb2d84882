package org.rightcare.hub.audit;

import java.time.Clock;
import java.time.ZoneOffset;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The audit trail: one {@code audit_event} row per audited action, written in the caller's transaction so that an
 * action and its audit record are committed together or not at all.
 */
@ApplicationScoped
public class AuditLog {

    private final Clock clock;

    public AuditLog(Clock clock) {
        this.clock = clock;
    }

    public Uni<Void> record(SqlClient tx, AuditRecord record) {
        JsonObject detail = record.detail() == null ? new JsonObject() : record.detail();
        Tuple params = Tuple.tuple()
                .addUUID(UUID.randomUUID())
                .addOffsetDateTime(clock.instant().atOffset(ZoneOffset.UTC))
                .addString(record.actor())
                .addString(record.actorOrganisation())
                .addString(record.action())
                .addString(record.entityType())
                .addString(record.entityId())
                .addString(record.outcome())
                .addString(detail.encode());
        return tx.preparedQuery("""
                INSERT INTO audit_event (id, at, actor, actor_organisation, action, entity_type, entity_id, outcome, detail)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::text::jsonb)
                """).execute(params).replaceWithVoid();
    }
}
