package org.rightcare.hub.ops;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Reads a referral's timeline from the tables each feature writes (CAD events, routing decisions, offers, the
 * delivery outbox, the audit trail), one indexed query per table. Payloads and the incident itself are never read.
 */
@ApplicationScoped
public class ReferralTimelineRepository {

    /** The most referrals one NHS number search returns, newest first. */
    static final int MAX_MATCHES = 20;

    private final Pool pool;

    public ReferralTimelineRepository(Pool pool) {
        this.pool = pool;
    }

    public Uni<List<UUID>> findByIncident(String incidentId, String cadSystem) {
        return ids("""
                SELECT id FROM referral WHERE incident_id = $1 AND ($2::text IS NULL OR cad_system = $2)
                ORDER BY created_at DESC LIMIT $3""", Tuple.of(incidentId, cadSystem, MAX_MATCHES));
    }

    public Uni<List<UUID>> findByNhsNumber(String nhsNumber) {
        return ids("""
                SELECT id FROM referral WHERE incident #>> '{patient,nhsNumber}' = $1
                ORDER BY created_at DESC LIMIT $2""", Tuple.of(nhsNumber, MAX_MATCHES));
    }

    public Uni<List<UUID>> findById(UUID id) {
        return ids("SELECT id FROM referral WHERE id = $1", Tuple.of(id));
    }

    private Uni<List<UUID>> ids(String sql, Tuple params) {
        return pool.preparedQuery(sql).execute(params).map(rows -> {
            List<UUID> ids = new ArrayList<>();
            rows.forEach(row -> ids.add(row.getUUID("id")));
            return ids;
        });
    }

    public Uni<Optional<ReferralTimeline>> timeline(UUID id) {
        return summary(id).chain(summary -> summary.isEmpty() ? Uni.createFrom().item(Optional.empty())
                : Uni.combine().all().unis(cadEvents(id), decisions(id), offers(id), deliveries(id), audit(id))
                        .with(parts -> {
                            List<ReferralTimeline.Entry> entries = new ArrayList<>();
                            parts.forEach(part -> entries.addAll(castEntries(part)));
                            entries.sort(Comparator.comparing(ReferralTimeline.Entry::at));
                            return Optional.of(new ReferralTimeline(summary.get(), List.copyOf(entries)));
                        }));
    }

    private Uni<Optional<ReferralTimeline.Summary>> summary(UUID id) {
        return pool.preparedQuery("""
                SELECT id, cad_system, incident_id, status, category, correlation_id, created_at, updated_at,
                       breach_at, budget_ends_at, concluded_at, next_action_at, send_back_reason
                FROM referral WHERE id = $1""").execute(Tuple.of(id)).map(rows -> {
            if (rows.size() == 0) {
                return Optional.empty();
            }
            Row row = rows.iterator().next();
            return Optional.of(new ReferralTimeline.Summary(row.getUUID("id"), row.getString("cad_system"),
                    row.getString("incident_id"), row.getString("status"), row.getString("category"),
                    row.getString("correlation_id"), instant(row, "created_at"), instant(row, "updated_at"),
                    instant(row, "breach_at"), instant(row, "budget_ends_at"), instant(row, "concluded_at"),
                    instant(row, "next_action_at"), row.getString("send_back_reason")));
        });
    }

    private Uni<List<ReferralTimeline.Entry>> cadEvents(UUID id) {
        return entries("""
                SELECT event_id, event_type, occurred_at, received_at, response_status
                FROM cad_event WHERE referral_id = $1""", Tuple.of(id),
                row -> entry(instant(row, "received_at"), "cad-event", "eventId", row.getString("event_id"),
                        "eventType", row.getString("event_type"), "occurredAt", instant(row, "occurred_at"),
                        "responseStatus", row.getInteger("response_status")));
    }

    private Uni<List<ReferralTimeline.Entry>> decisions(UUID id) {
        String sql = "SELECT decided_at, rule_id, decision FROM routing_decision WHERE referral_id = $1";
        return entries(sql, Tuple.of(id), row -> {
            JsonObject decision = row.getJsonObject("decision");
            return entry(instant(row, "decided_at"), "routing-decision", "ruleId", row.getString("rule_id"),
                    "candidates", plain(decision.getJsonArray("candidates")),
                    "exclusions", plain(decision.getJsonArray("exclusions")),
                    "excludedCounts", decision.getJsonObject("excludedCounts") == null ? null
                            : decision.getJsonObject("excludedCounts").getMap(),
                    "unlistedExclusions", decision.getInteger("unlistedExclusions"));
        });
    }

    /** Each offer twice: when it was made, and (once answered) the answer. */
    private Uni<List<ReferralTimeline.Entry>> offers(UUID id) {
        return pool.preparedQuery("""
                SELECT id, sequence, service_id, ods_code, status, status_reason_system, status_reason_code,
                       status_reason_text, offered_at, deadline_at, answered_at
                FROM offer WHERE referral_id = $1""").execute(Tuple.of(id)).map(rows -> {
            List<ReferralTimeline.Entry> entries = new ArrayList<>();
            for (Row row : rows) {
                entries.add(entry(instant(row, "offered_at"), "offer", "offerId", row.getUUID("id"),
                        "sequence", row.getInteger("sequence"), "serviceId", row.getString("service_id"),
                        "odsCode", row.getString("ods_code"), "deadlineAt", instant(row, "deadline_at"),
                        "status", row.getString("status")));
                if (row.getValue("answered_at") != null) {
                    entries.add(entry(instant(row, "answered_at"), "offer-answer", "offerId", row.getUUID("id"),
                            "serviceId", row.getString("service_id"), "status", row.getString("status"),
                            "reasonSystem", row.getString("status_reason_system"),
                            "reasonCode", row.getString("status_reason_code"),
                            "reasonText", row.getString("status_reason_text")));
                }
            }
            return entries;
        });
    }

    /** Outbox rows: CAD callbacks (with the callback's type and status) and any other delivery. */
    private Uni<List<ReferralTimeline.Entry>> deliveries(UUID id) {
        return entries("""
                SELECT id, channel, destination, state, attempts, last_error, created_at, next_attempt_at,
                       delivered_at, dead_at, withdrawn_at,
                       CASE WHEN channel = 'cad-callback' THEN payload::jsonb ->> 'eventType' END AS callback_type,
                       CASE WHEN channel = 'cad-callback' THEN payload::jsonb ->> 'status' END AS callback_status
                FROM delivery_outbox WHERE referral_id = $1""", Tuple.of(id), row -> {
            boolean callback = "cad-callback".equals(row.getString("channel"));
            String state = row.getString("state");
            return entry(instant(row, "created_at"), callback ? "cad-callback" : "delivery",
                    "deliveryId", row.getUUID("id"), "channel", row.getString("channel"),
                    "destination", row.getString("destination"), "callbackType", row.getString("callback_type"),
                    "callbackStatus", row.getString("callback_status"), "state", state,
                    "attempts", row.getInteger("attempts"), "lastError", row.getString("last_error"),
                    "nextAttemptAt", "pending".equals(state) ? instant(row, "next_attempt_at") : null,
                    "deliveredAt", instant(row, "delivered_at"), "deadAt", instant(row, "dead_at"),
                    "withdrawnAt", instant(row, "withdrawn_at"));
        });
    }

    /** What people and the hub did to the referral and its deliveries (operators' replays among them): the trail. */
    private Uni<List<ReferralTimeline.Entry>> audit(UUID id) {
        return entries("""
                SELECT at, actor, action, entity_type, entity_id, outcome FROM audit_event
                WHERE entity_id = $1
                   OR (entity_type = 'delivery'
                       AND entity_id IN (SELECT o.id::text FROM delivery_outbox o WHERE o.referral_id = $1::uuid))""",
                Tuple.of(id.toString()), row -> entry(instant(row, "at"), "audit", "actor", row.getString("actor"),
                        "action", row.getString("action"), "entityType", row.getString("entity_type"),
                        "entityId", row.getString("entity_id"), "outcome", row.getString("outcome")));
    }

    private interface RowMapper {
        ReferralTimeline.Entry map(Row row);
    }

    private Uni<List<ReferralTimeline.Entry>> entries(String sql, Tuple params, RowMapper mapper) {
        return pool.preparedQuery(sql).execute(params).map((RowSet<Row> rows) -> {
            List<ReferralTimeline.Entry> entries = new ArrayList<>();
            rows.forEach(row -> entries.add(mapper.map(row)));
            return entries;
        });
    }

    /** An entry whose detail keeps the given order and leaves out nulls. */
    private static ReferralTimeline.Entry entry(Instant at, String kind, Object... keysAndValues) {
        Map<String, Object> detail = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            if (keysAndValues[i + 1] != null) {
                detail.put((String) keysAndValues[i], keysAndValues[i + 1]);
            }
        }
        return new ReferralTimeline.Entry(at, kind, detail);
    }

    /** Plain lists and maps, which every JSON writer renders as they are. */
    private static List<?> plain(JsonArray array) {
        return array == null ? List.of() : Json.decodeValue(array.encode(), List.class);
    }

    @SuppressWarnings("unchecked")
    private static List<ReferralTimeline.Entry> castEntries(Object part) {
        return (List<ReferralTimeline.Entry>) part;
    }

    private static Instant instant(Row row, String column) {
        OffsetDateTime value = row.getOffsetDateTime(column);
        return value == null ? null : value.toInstant();
    }
}
