package org.rightcare.hub.audit;

import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.rightcare.hub.support.KeysetQuery;

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

    /** One page of the trail, in the query's order. */
    public Uni<List<AuditEntry>> search(SqlClient client, AuditQuery query) {
        KeysetQuery sql = new KeysetQuery();
        if (query.entityType() != null) {
            sql.where("entity_type = ?", query.entityType());
        }
        if (query.entityId() != null) {
            sql.where("entity_id = ?", query.entityId());
        }
        if (query.actor() != null) {
            sql.where("actor = ?", query.actor());
        }
        if (query.succeeded() != null) {
            sql.where("outcome " + (query.succeeded() ? "=" : "<>") + " ?", AuditRecord.SUCCESS);
        }
        sql.between("at", query.after(), query.before());
        String statement = sql.sql("SELECT id, at, actor, actor_organisation, action, entity_type, entity_id, outcome,"
                + " detail FROM audit_event", "at", query.ascending(),
                query.cursor() == null ? null : query.cursor().at(), query.cursor() == null ? null : query.cursor().id(),
                query.limit());
        return client.preparedQuery(statement).execute(sql.params()).map(rows -> {
            List<AuditEntry> entries = new ArrayList<>(rows.size());
            rows.forEach(row -> entries.add(new AuditEntry(row.getUUID("id"), row.getOffsetDateTime("at").toInstant(),
                    new AuditRecord(row.getString("actor"), row.getString("actor_organisation"),
                            row.getString("action"), row.getString("entity_type"), row.getString("entity_id"),
                            row.getString("outcome"), row.getJsonObject("detail")))));
            return entries;
        });
    }
}
