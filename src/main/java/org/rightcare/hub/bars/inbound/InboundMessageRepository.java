package org.rightcare.hub.bars.inbound;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/** The BaRS messages the hub has acted on ({@code bars_inbound_message}), by Bundle.id; on the caller's connection. */
@ApplicationScoped
public class InboundMessageRepository {

    /** One message acted on, with the acknowledgement it was answered. */
    public record ActedOn(String bundleId, String fingerprint, String requestId, String senderOds, UUID offerId,
            String acknowledgement) {
    }

    private static final String COLUMNS = "bundle_id, fingerprint, request_id, sender_ods, offer_id, acknowledgement";

    public Uni<Optional<ActedOn>> findByBundleId(SqlClient client, String bundleId) {
        return client.preparedQuery("SELECT " + COLUMNS + " FROM bars_inbound_message WHERE bundle_id = $1")
                .execute(Tuple.of(bundleId)).map(rows -> rows.size() == 0 ? Optional.empty()
                        : Optional.of(toActedOn(rows.iterator().next())));
    }

    public Uni<Optional<ActedOn>> findByRequestId(SqlClient client, String requestId) {
        return client.preparedQuery("SELECT " + COLUMNS + " FROM bars_inbound_message WHERE request_id = $1")
                .execute(Tuple.of(requestId)).map(rows -> rows.size() == 0 ? Optional.empty()
                        : Optional.of(toActedOn(rows.iterator().next())));
    }

    public Uni<Void> insert(SqlClient tx, ValidationResponse message, String requestId, String correlationId,
            String senderOds, UUID offerId, String acknowledgement, Instant receivedAt) {
        Tuple params = Tuple.tuple().addString(message.bundleId()).addString(message.fingerprint())
                .addString(requestId).addString(correlationId).addString(senderOds).addUUID(offerId)
                .addUUID(message.referralId()).addString(message.kind().code()).addString(acknowledgement)
                .addOffsetDateTime(receivedAt.atOffset(ZoneOffset.UTC));
        return tx.preparedQuery("""
                INSERT INTO bars_inbound_message (bundle_id, fingerprint, request_id, correlation_id, sender_ods,
                                                  offer_id, referral_id, kind, acknowledgement, received_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)""")
                .execute(params).replaceWithVoid();
    }

    private static ActedOn toActedOn(Row row) {
        return new ActedOn(row.getString("bundle_id"), row.getString("fingerprint"), row.getString("request_id"),
                row.getString("sender_ods"), row.getUUID("offer_id"), row.getString("acknowledgement"));
    }
}
