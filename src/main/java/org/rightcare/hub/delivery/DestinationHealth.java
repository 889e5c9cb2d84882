package org.rightcare.hub.delivery;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

/**
 * Which destinations this replica's deliveries are failing to, for two things an operator and a provider need: the
 * log says so once (one WARN when a destination starts failing, rate-limited, and one INFO when it recovers, with the
 * last error and the counts), and a destination that comes back gets its backlog at once rather than at each row's
 * own backoff (up to minutes): the dispatcher probes a failing destination with its oldest pending delivery every
 * {@code probe-interval}, and the first success pulls all of that destination's pending rows forward (the claim
 * still sends each ordering key's rows one at a time, in order).
 *
 * <p>
 * Kept in memory per replica: it only speeds up and describes what the outbox rows already guarantee, so a restart
 * or another replica's view changes nothing that matters.
 */
@ApplicationScoped
public class DestinationHealth {

    private static final Logger LOG = Logger.getLogger(DestinationHealth.class);

    /** A destination failing since {@code since}; {@code warned} whether this period's WARN was written. */
    private record Failing(Instant since, int failures, String lastError, boolean warned) {
    }

    private final Map<String, Failing> failing = new ConcurrentHashMap<>();
    /** When each destination's last WARN was written: at most one per {@code failure-log-interval}. */
    private final Map<String, Instant> lastWarned = new ConcurrentHashMap<>();
    private final Duration warnEvery;

    public DestinationHealth(DeliveryConfig config) {
        this.warnEvery = config.failureLogInterval();
    }

    /** An attempt to {@code destination} failed in a way worth retrying (unreachable, 5xx, timeout). */
    public void failed(String destination, String error, Instant now) {
        Failing state = failing.compute(destination, (d, before) -> before == null
                ? new Failing(now, 1, error, false)
                : new Failing(before.since(), before.failures() + 1, error, before.warned()));
        Instant warned = lastWarned.get(destination);
        if (!state.warned() && (warned == null || !now.isBefore(warned.plus(warnEvery)))) {
            failing.computeIfPresent(destination,
                    (d, s) -> new Failing(s.since(), s.failures(), s.lastError(), true));
            lastWarned.put(destination, now);
            LOG.warnf("Deliveries to %s are failing (%s); retrying with backoff and probing it every few seconds. "
                    + "One line follows when it recovers.", destination, error);
        }
    }

    /**
     * An attempt to {@code destination} succeeded. True when it had been failing: the caller pulls its backlog forward.
     */
    public boolean delivered(String destination, Instant now) {
        Failing ended = failing.remove(destination);
        if (ended == null) {
            return false;
        }
        if (ended.warned()) {
            LOG.infof("Deliveries to %s recovered after %ds and %d failed attempt(s); last error: %s. Sending its "
                    + "pending deliveries now.", destination, Duration.between(ended.since(), now).toSeconds(),
                    ended.failures(), ended.lastError());
        }
        return true;
    }

    /** The destinations failing now, to probe. */
    public Set<String> failing() {
        return Set.copyOf(failing.keySet());
    }
}
