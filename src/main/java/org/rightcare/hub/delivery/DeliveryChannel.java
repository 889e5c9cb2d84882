package org.rightcare.hub.delivery;

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
}
