package org.rightcare.hub.delivery;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * One kind of outbound delivery (CAD callbacks; later BaRS messages, FHIR REST writes, subscription notifications):
 * turns a stored row into the HTTP request of one attempt. The dispatcher does everything else (claiming, ordering,
 * sending, retrying, dead-lettering), the same way for every channel.
 */
public interface DeliveryChannel {

    /** The {@code channel} value of this channel's rows. */
    String name();

    /**
     * The request for one attempt, built at send time so that signatures are fresh and made with the current
     * secret over the exact bytes sent.
     */
    DeliveryRequest requestFor(OutboxEntry entry) throws UndeliverableException;

    /**
     * Whether this channel is configured to deliver to {@code destination}, so an operator may pause it before any
     * delivery to it exists. A destination the outbox already holds rows for is known whatever this says.
     */
    default boolean serves(String destination) {
        return false;
    }

    /**
     * What an answer means for this channel's messages. The HTTP client judges by status alone; a channel whose
     * protocol gives some refusals another meaning (a FHIR conditional create's 409 or 412: the resource is already
     * there) says so here.
     */
    default DeliveryOutcome interpret(DeliveryOutcome outcome) {
        return outcome;
    }

    /**
     * What else must happen when the dispatcher gives up on one of this channel's deliveries, in the transaction that
     * marks the row dead: it commits with the dead letter or not at all, so a consequence is never lost or doubled.
     */
    default Uni<Void> deadLettered(SqlClient tx, OutboxEntry entry) {
        return Uni.createFrom().voidItem();
    }
}
