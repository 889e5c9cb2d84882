package org.rightcare.hub.audit;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
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

    /** One page of the trail, in the query's order. */
    public Uni<List<AuditEntry>> search(SqlClient client, AuditQuery query) {
        List<String> where = new ArrayList<>();
        Tuple params = Tuple.tuple();
        if (query.entityType() != null) {
            params.addString(query.entityType());
            where.add("entity_type = $" + params.size());
        }
        if (query.entityId() != null) {
            params.addString(query.entityId());
            where.add("entity_id = $" + params.size());
        }
        if (query.actor() != null) {
            params.addString(query.actor());
            where.add("actor = $" + params.size());
        }
        if (query.succeeded() != null) {
            params.addString(AuditRecord.SUCCESS);
            where.add("outcome " + (query.succeeded() ? "=" : "<>") + " $" + params.size());
        }
        for (Instant bound : query.after()) {
            params.addOffsetDateTime(bound.atOffset(ZoneOffset.UTC));
            where.add("at > $" + params.size());
        }
        for (Instant bound : query.before()) {
            params.addOffsetDateTime(bound.atOffset(ZoneOffset.UTC));
            where.add("at < $" + params.size());
        }
        if (query.cursor() != null) {
            params.addOffsetDateTime(query.cursor().at().atOffset(ZoneOffset.UTC)).addUUID(query.cursor().id());
            where.add("(at, id) " + (query.ascending() ? ">" : "<") + " ($" + (params.size() - 1) + ", $"
                    + params.size() + ")");
        }
        String direction = query.ascending() ? "ASC" : "DESC";
        params.addInteger(query.limit());
        String sql = "SELECT id, at, actor, actor_organisation, action, entity_type, entity_id, outcome, detail"
                + " FROM audit_event" + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where))
                + " ORDER BY at " + direction + ", id " + direction + " LIMIT $" + params.size();
        return client.preparedQuery(sql).execute(params).map(rows -> {
            List<AuditEntry> entries = new ArrayList<>(rows.size());
            rows.forEach(row -> entries.add(new AuditEntry(row.getUUID("id"), row.getOffsetDateTime("at").toInstant(),
                    new AuditRecord(row.getString("actor"), row.getString("actor_organisation"),
                            row.getString("action"), row.getString("entity_type"), row.getString("entity_id"),
                            row.getString("outcome"), row.getJsonObject("detail")))));
            return entries;
        });
    }
}
