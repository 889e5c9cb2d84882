package org.rightcare.hub.intake;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/** The log of acknowledged CAD events: the idempotency record and the audit trail of what each CAD sent. */
@ApplicationScoped
public class CadEventRepository {

    /** An event already stored under the same CAD system and eventId, with the answer it got. */
    public record StoredEvent(UUID referralId, byte[] bodySha256, int responseStatus, String responseBody) {
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
}
