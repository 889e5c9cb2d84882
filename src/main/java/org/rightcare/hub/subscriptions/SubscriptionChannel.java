package org.rightcare.hub.subscriptions;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.rightcare.hub.delivery.DeliveryChannel;
import org.rightcare.hub.delivery.DeliveryRequest;
import org.rightcare.hub.delivery.OutboxEntry;
import org.rightcare.hub.delivery.UndeliverableException;

/**
 * Subscription notifications on the wire: the stored Bundle POSTed to the rest-hook endpoint the subscription had
 * when it was queued. Each subscription is a queue of its own, one notification at a time in event order, so a
 * subscriber that is down receives everything in order once it is back, and delays no other.
 */
@ApplicationScoped
public class SubscriptionChannel implements DeliveryChannel {

    public static final String NAME = "subscription";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public DeliveryRequest requestFor(OutboxEntry entry) throws UndeliverableException {
        if (entry.url() == null) {
            throw new UndeliverableException("Subscription notification " + entry.id() + " has no endpoint");
        }
        return new DeliveryRequest(entry.url(), entry.contentType(), entry.payload().getBytes(StandardCharsets.UTF_8),
                Map.of());
    }
}
