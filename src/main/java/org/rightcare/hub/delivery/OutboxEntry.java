package org.rightcare.hub.delivery;

import java.net.URI;
import java.time.Instant;
import java.util.UUID;

/**
 * A delivery claimed by a dispatcher for one attempt.
 *
 * @param url where the row says to send it; null when there was nowhere to send it when it was written
 * @param attempts attempts started so far, this one included
 * @param pendingSince start of the give-up clock
 * @param leaseToken proves this claim is still the current one when the outcome is recorded
 * @param correlationId the referral's correlation id, sent as {@code X-Correlation-Id}; null when it has none
 * @param traceParent the W3C traceparent of the work that wrote it; null when tracing was off
 */
public record OutboxEntry(UUID id, String channel, String destination, String orderingKey, URI url,
        String contentType, String payload, int attempts, Instant pendingSince, UUID leaseToken,
        String correlationId, String traceParent) {
}
