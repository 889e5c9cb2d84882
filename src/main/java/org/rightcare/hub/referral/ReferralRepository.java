package org.rightcare.hub.referral;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Referrals in PostgreSQL. Methods that change state take the {@link SqlClient} of the caller's transaction, so
 * a service can change a referral and record why in one commit.
 */
@ApplicationScoped
public class ReferralRepository {

    private static final String COLUMNS = "id, cad_system, incident_id, status, incident, breach_at, created_at, updated_at, version";

    private final Pool pool;
    private final ObjectMapper json;

    public ReferralRepository(Pool pool, ObjectMapper json) {
        this.pool = pool;
        this.json = json;
    }

    public Uni<Optional<Referral>> findById(UUID id) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM referral WHERE id = $1")
                .execute(Tuple.of(id))
                .map(this::first);
    }

    public Uni<Optional<Referral>> findByIncident(String cadSystem, String incidentId) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM referral WHERE cad_system = $1 AND incident_id = $2")
                .execute(Tuple.of(cadSystem, incidentId))
                .map(this::first);
    }

    public Uni<Optional<Referral>> findByIncident(SqlClient tx, String cadSystem, String incidentId) {
        return tx.preparedQuery("SELECT " + COLUMNS + " FROM referral WHERE cad_system = $1 AND incident_id = $2")
                .execute(Tuple.of(cadSystem, incidentId))
                .map(this::first);
    }

    /**
     * Creates the referral for an incident, or brings an existing one up to the incident's newer picture. An
     * event older than the last one applied changes nothing (CADs retry, and retries overtake each other), and
     * then the current referral is returned unchanged.
     */
    public Uni<Referral> upsertIncident(SqlClient tx, UUID newId, String cadSystem, Incident incident, Instant breachAt,
            String callbackUrl, Instant eventAt, Instant now) {
        String sql = """
                INSERT INTO referral (id, cad_system, incident_id, status, category, incident, breach_at, callback_url,
                                      last_event_at, version, created_at, updated_at)
                VALUES ($1, $2, $3, $4, $5, $6::text::jsonb, $7, $8, $9, 1, $10, $10)
                ON CONFLICT (cad_system, incident_id) DO UPDATE SET
                    category = EXCLUDED.category,
                    incident = EXCLUDED.incident,
                    breach_at = EXCLUDED.breach_at,
                    callback_url = COALESCE(EXCLUDED.callback_url, referral.callback_url),
                    last_event_at = EXCLUDED.last_event_at,
                    version = referral.version + 1,
                    updated_at = EXCLUDED.updated_at
                WHERE referral.last_event_at <= EXCLUDED.last_event_at
                RETURNING %s
                """.formatted(COLUMNS);
        Tuple params = Tuple.tuple()
                .addUUID(newId).addString(cadSystem).addString(incident.incidentId())
                .addString(ReferralStatus.ROUTING.wireValue()).addString(incident.category().code())
                .addString(toJson(incident)).addOffsetDateTime(utc(breachAt)).addString(callbackUrl)
                .addOffsetDateTime(utc(eventAt)).addOffsetDateTime(utc(now));
        return tx.preparedQuery(sql).execute(params)
                .chain(rows -> rows.size() > 0
                        ? Uni.createFrom().item(toReferral(rows.iterator().next()))
                        : findByIncident(tx, cadSystem, incident.incidentId()).map(Optional::orElseThrow));
    }

    /**
     * Moves the incident's referral to {@code to} if it is in one of {@code from}; otherwise leaves it as it is.
     * Returns the referral as it stands afterwards, or empty when the incident has no referral.
     */
    public Uni<Optional<Referral>> transitionByIncident(SqlClient tx, String cadSystem, String incidentId,
            java.util.Set<ReferralStatus> from, ReferralStatus to, Instant eventAt, Instant now) {
        String sql = """
                UPDATE referral SET status = $4, version = version + 1, updated_at = $5,
                                    last_event_at = GREATEST(last_event_at, $6)
                WHERE cad_system = $1 AND incident_id = $2 AND status = ANY($3)
                RETURNING %s
                """.formatted(COLUMNS);
        String[] fromValues = from.stream().map(ReferralStatus::wireValue).toArray(String[]::new);
        Tuple params = Tuple.tuple().addString(cadSystem).addString(incidentId).addArrayOfString(fromValues)
                .addString(to.wireValue()).addOffsetDateTime(utc(now)).addOffsetDateTime(utc(eventAt));
        return tx.preparedQuery(sql).execute(params)
                .chain(rows -> rows.size() > 0
                        ? Uni.createFrom().item(Optional.of(toReferral(rows.iterator().next())))
                        : findByIncident(tx, cadSystem, incidentId));
    }

    private Optional<Referral> first(RowSet<Row> rows) {
        return rows.size() == 0 ? Optional.empty() : Optional.of(toReferral(rows.iterator().next()));
    }

    Referral toReferral(Row row) {
        return new Referral(
                row.getUUID("id"),
                row.getString("cad_system"),
                row.getString("incident_id"),
                ReferralStatus.fromWireValue(row.getString("status")).orElseThrow(),
                fromJson(row.getJsonObject("incident").encode()),
                row.getOffsetDateTime("breach_at").toInstant(),
                row.getOffsetDateTime("created_at").toInstant(),
                row.getOffsetDateTime("updated_at").toInstant(),
                row.getInteger("version"));
    }

    private String toJson(Incident incident) {
        try {
            return json.writeValueAsString(incident);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("An Incident record always serialises", e);
        }
    }

    private Incident fromJson(String text) {
        try {
            return json.readValue(text, Incident.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Stored incident is not readable: " + e.getOriginalMessage(), e);
        }
    }

    static OffsetDateTime utc(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }
}
