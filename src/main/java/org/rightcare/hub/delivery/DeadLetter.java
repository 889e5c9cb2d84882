package org.rightcare.hub.delivery;

import java.time.Instant;
import java.util.UUID;

/**
 * A delivery that was given up on, as operators see it: where it was going and why it failed, never its payload
 * (a provider delivery carries patient details).
 */
public record DeadLetter(UUID id, String channel, String destination, String orderingKey, int attempts,
        String lastError, Instant createdAt, Instant deadAt) {
}
