package org.rightcare.hub.delivery;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * When a failed delivery is tried again: exponential backoff with full jitter (each wait drawn uniformly between
 * zero and a ceiling that doubles per failure up to a cap), so receivers coming back from an outage are not hit by
 * every replica's retries at once; and when to stop trying.
 */
final class RetrySchedule {

    private final long initialMillis;
    private final long maxMillis;
    private final Duration giveUp;
    private final DoubleSupplier random;

    RetrySchedule(DeliveryConfig config) {
        this(config.initialBackoff(), config.maxBackoff(), config.giveUp(), () -> ThreadLocalRandom.current().nextDouble());
    }

    /** @param random uniform in [0, 1) */
    RetrySchedule(Duration initialBackoff, Duration maxBackoff, Duration giveUp, DoubleSupplier random) {
        this.initialMillis = Math.max(1, initialBackoff.toMillis());
        this.maxMillis = Math.max(initialMillis, maxBackoff.toMillis());
        this.giveUp = giveUp;
        this.random = random;
    }

    /**
     * The time of the next attempt after a failure, or empty when the delivery has been failing for the give-up time
     * and becomes a dead letter. The last retry is never later than the give-up time, so a delivery always gets an
     * attempt at its deadline before it is given up.
     *
     * @param failures failed attempts so far, this one included (1 after the first failure)
     * @param retryAfter the receiver's own {@code Retry-After}, honoured up to the cap; null if it sent none
     */
    Optional<Instant> nextAttempt(int failures, Instant pendingSince, Duration retryAfter, Instant now) {
        Instant giveUpAt = pendingSince.plus(giveUp);
        if (!now.isBefore(giveUpAt)) {
            return Optional.empty();
        }
        long waitMillis = Math.round(random.getAsDouble() * ceilingMillis(failures));
        if (retryAfter != null) {
            waitMillis = Math.max(waitMillis, Math.min(retryAfter.toMillis(), maxMillis));
        }
        Instant next = now.plusMillis(waitMillis);
        return Optional.of(next.isAfter(giveUpAt) ? giveUpAt : next);
    }

    /** initial x 2^(failures - 1), capped; doubling stops at the cap, so it cannot overflow. */
    long ceilingMillis(int failures) {
        long ceiling = initialMillis;
        for (int i = 1; i < failures && ceiling < maxMillis; i++) {
            ceiling *= 2;
        }
        return Math.min(ceiling, maxMillis);
    }
}
