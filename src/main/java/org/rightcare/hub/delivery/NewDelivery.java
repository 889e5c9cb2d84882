package org.rightcare.hub.delivery;

import java.net.URI;
import java.util.Objects;
import java.util.UUID;

/**
 * A message to write to the outbox in the caller's transaction.
 *
 * @param id the row id, also the message's own id where the channel has one (a CAD callback's eventId)
 * @param channel how it is sent, e.g. {@code cad-callback}; a {@link DeliveryChannel} of that name must exist
 * @param destination the queue it joins, e.g. the CAD system id
 * @param orderingKey messages of one channel with the same key are delivered one at a time, in the order written
 * @param referralId the referral it is about, if any
 * @param url where to send it; null when there is nowhere to send it, and then {@code undeliverableReason} says why
 *        and the row is stored as a dead letter straight away, so an operator sees it
 */
public record NewDelivery(UUID id, String channel, String destination, String orderingKey, UUID referralId, URI url,
        String undeliverableReason, String contentType, String payload) {

    public NewDelivery {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(orderingKey, "orderingKey");
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(payload, "payload");
        if (url == null && (undeliverableReason == null || undeliverableReason.isBlank())) {
            throw new IllegalArgumentException("A delivery without a URL must say why it is undeliverable");
        }
    }
}
