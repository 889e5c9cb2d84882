package org.rightcare.hub.intake;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.rightcare.hub.referral.ReferralStatus;

import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/** The log of acknowledged CAD events: the idempotency record and the audit trail of what each CAD sent. */
@ApplicationScoped
public class CadEventRepository {

    /** An event already stored under the same CAD system and eventId, with the answer it got. */
    public record StoredEvent(UUID referralId, byte[] bodySha256, int responseStatus, String responseBody) {
    }

    /**
     * An {@code incident.created} event for an incident the hub may not know yet, with the referral it becomes if it
     * does not, and the answer the CAD gets then.
     */
    public record NewIncident(CadEvent event, byte[] body, byte[] bodySha256, Instant receivedAt, UUID referralId,
            String incidentJson, Instant breachAt, Instant lastEventAt, String correlationId, String traceParent,
            String responseBody) {
    }

    private final Pool pool;

    public CadEventRepository(Pool pool) {
        this.pool = pool;
    }

    public Uni<Optional<StoredEvent>> find(String cadSystem, String eventId) {
        return pool.preparedQuery("""
                SELECT referral_id, body_sha256, response_status, response_body FROM cad_event
                WHERE cad_system = $1 AND event_id = $2
                """)
                .execute(Tuple.of(cadSystem, eventId))
                .map(rows -> rows.size() == 0 ? Optional.empty()
                        : Optional.of(rows.iterator().next()).map(row -> new StoredEvent(
                                row.getUUID("referral_id"),
                                row.getBuffer("body_sha256").getBytes(),
                                row.getInteger("response_status"),
                                row.getString("response_body"))));
    }

    /**
     * Stores the event with the answer the hub is about to give: the body exactly as signed (the audit copy), and a
     * parsed copy as jsonb. The body passed the webhook's strict reading, so it is UTF-8 that jsonb holds. False when another
     * request stored the same
     * eventId first (two deliveries of one event racing): the caller must roll back and answer as a replay.
     */
    public Uni<Boolean> insert(SqlClient tx, CadEvent event, byte[] body, byte[] bodySha256, UUID referralId,
            int responseStatus, String responseBody, Instant receivedAt) {
        Tuple params = Tuple.tuple()
                .addUUID(UUID.randomUUID()).addString(event.cadSystem()).addString(event.eventId())
                .addString(event.eventType().wireValue()).addString(event.incident().incidentId())
                .addOffsetDateTime(event.occurredAt().atOffset(ZoneOffset.UTC))
                .addOffsetDateTime(receivedAt.atOffset(ZoneOffset.UTC))
                .addBuffer(io.vertx.mutiny.core.buffer.Buffer.buffer(bodySha256))
                .addString(new String(body, java.nio.charset.StandardCharsets.UTF_8))
                .addUUID(referralId).addInteger(responseStatus).addString(responseBody)
                .addBuffer(io.vertx.mutiny.core.buffer.Buffer.buffer(body));
        return tx.preparedQuery("""
                INSERT INTO cad_event (id, cad_system, event_id, event_type, incident_id, occurred_at, received_at,
                                       body_sha256, body, referral_id, response_status, response_body, signed_body)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::text::jsonb, $10, $11, $12, $13)
                ON CONFLICT (cad_system, event_id) DO NOTHING
                """)
                .execute(params)
                .map(rows -> rows.rowCount() == 1);
    }

    /**
     * Stores each new incident's referral and its event, all in one statement and so one commit, and returns the
     * referral ids it stored. An incident the hub already knows is left out, event and all (its event needs the
     * one-by-one path: an update of the referral, or a replay). The statement fails as a whole, storing nothing, if an
     * eventId was already used (for another incident, so a 409 for that one): the caller then stores each one by one.
     * Its rows are those {@code ReferralRepository.upsertIncident} and {@link #insert} write for a new incident, which
     * {@code NewIncidentRowsTest} holds it to: a column added to one statement and not the other fails that test.
     */
    public Uni<Set<UUID>> storeNewIncidents(List<NewIncident> incoming) {
        int n = incoming.size();
        UUID[] referralIds = new UUID[n];
        String[] cadSystems = new String[n];
        String[] incidentIds = new String[n];
        String[] categories = new String[n];
        String[] incidents = new String[n];
        OffsetDateTime[] breachAts = new OffsetDateTime[n];
        String[] callbackUrls = new String[n];
        OffsetDateTime[] lastEventAts = new OffsetDateTime[n];
        OffsetDateTime[] receivedAts = new OffsetDateTime[n];
        String[] correlationIds = new String[n];
        String[] traceParents = new String[n];
        UUID[] eventRowIds = new UUID[n];
        String[] eventIds = new String[n];
        OffsetDateTime[] occurredAts = new OffsetDateTime[n];
        Buffer[] sha256s = new Buffer[n];
        String[] bodies = new String[n];
        String[] responseBodies = new String[n];
        Buffer[] signedBodies = new Buffer[n];
        for (int i = 0; i < n; i++) {
            NewIncident row = incoming.get(i);
            CadEvent event = row.event();
            referralIds[i] = row.referralId();
            cadSystems[i] = event.cadSystem();
            incidentIds[i] = event.incident().incidentId();
            categories[i] = event.incident().category().code();
            incidents[i] = row.incidentJson();
            breachAts[i] = utc(row.breachAt());
            callbackUrls[i] = event.callbackUrl() == null ? null : event.callbackUrl().toString();
            lastEventAts[i] = utc(row.lastEventAt());
            receivedAts[i] = utc(row.receivedAt());
            correlationIds[i] = row.correlationId();
            traceParents[i] = row.traceParent();
            eventRowIds[i] = UUID.randomUUID();
            eventIds[i] = event.eventId();
            occurredAts[i] = utc(event.occurredAt());
            sha256s[i] = Buffer.buffer(row.bodySha256());
            bodies[i] = new String(row.body(), java.nio.charset.StandardCharsets.UTF_8);
            responseBodies[i] = row.responseBody();
            signedBodies[i] = Buffer.buffer(row.body());
        }
        io.vertx.sqlclient.Tuple params = io.vertx.sqlclient.Tuple.tuple()
                .addArrayOfUUID(referralIds).addArrayOfString(cadSystems).addArrayOfString(incidentIds)
                .addArrayOfString(categories).addArrayOfString(incidents).addArrayOfOffsetDateTime(breachAts)
                .addArrayOfString(callbackUrls).addArrayOfOffsetDateTime(lastEventAts)
                .addArrayOfOffsetDateTime(receivedAts).addArrayOfString(correlationIds).addArrayOfString(traceParents)
                .addArrayOfUUID(eventRowIds).addArrayOfString(eventIds).addArrayOfOffsetDateTime(occurredAts)
                .addArrayOfBuffer(sha256s).addArrayOfString(bodies).addArrayOfString(responseBodies)
                .addArrayOfBuffer(signedBodies)
                .addString(ReferralStatus.ROUTING.wireValue()).addString(CadEventType.CREATED.wireValue())
                .addInteger(IntakeService.ACCEPTED);
        // The incoming rows are read once (a CTE named twice is materialised) and feed both inserts; an event joins
        // only a referral this statement inserted. The response body is stored as the one-by-one insert stores it.
        return pool.preparedQuery("""
                WITH incoming AS (
                    SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[],
                                         $7::text[], $8::timestamptz[], $9::timestamptz[], $10::text[], $11::text[],
                                         $12::uuid[], $13::text[], $14::timestamptz[], $15::bytea[], $16::text[],
                                         $17::text[], $18::bytea[])
                        AS i(referral_id, cad_system, incident_id, category, incident, breach_at,
                             callback_url, last_event_at, received_at, correlation_id, trace_parent,
                             event_row_id, event_id, occurred_at, body_sha256, body,
                             response_body, signed_body)
                ), referrals AS (
                    INSERT INTO referral (id, cad_system, incident_id, status, category, incident, breach_at,
                                          callback_url, last_event_at, version, created_at, updated_at, next_action_at,
                                          correlation_id, trace_parent)
                    SELECT referral_id, cad_system, incident_id, $19, category, incident::jsonb, breach_at,
                           callback_url, last_event_at, 1, received_at, received_at, received_at,
                           correlation_id, trace_parent
                    FROM incoming
                    ON CONFLICT (cad_system, incident_id) DO NOTHING
                    RETURNING id
                )
                INSERT INTO cad_event (id, cad_system, event_id, event_type, incident_id, occurred_at, received_at,
                                       body_sha256, body, referral_id, response_status, response_body, signed_body)
                SELECT event_row_id, cad_system, event_id, $20, incident_id, occurred_at, received_at,
                       body_sha256, body::jsonb, referral_id, $21, to_jsonb(response_body), signed_body
                FROM incoming JOIN referrals ON referrals.id = incoming.referral_id
                RETURNING referral_id
                """)
                .execute(io.vertx.mutiny.sqlclient.Tuple.newInstance(params))
                .map(rows -> {
                    Set<UUID> stored = new HashSet<>();
                    rows.forEach(row -> stored.add(row.getUUID("referral_id")));
                    return stored;
                });
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
