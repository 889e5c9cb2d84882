package org.rightcare.hub.delivery;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
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
    /** When each destination's backlog was last pulled forward: at most once per {@code probe-interval}. */
    private final Map<String, Instant> lastPulled = new ConcurrentHashMap<>();
    private final Duration warnEvery;
    private final Duration pullEvery;

    public DestinationHealth(DeliveryConfig config) {
        this.warnEvery = config.failureLogInterval();
        this.pullEvery = config.probeInterval();
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
     * An attempt to {@code destination} succeeded. When it had been failing, returns when the caller pulls its backlog
     * forward: now, or, if a pull was made less than a probe interval ago, when that interval ends. So a destination
     * that flaps, or one CAD system with callback URLs of which some work, does not have its whole queue rescheduled
     * on every success, and yet a recovery is never dropped: a second outage ending within the interval still gets its
     * backlog within about a probe interval, not at each row's own backoff. Empty when it was not failing.
     */
    public Optional<Instant> delivered(String destination, Instant now) {
        Failing ended = failing.remove(destination);
        if (ended == null) {
            return Optional.empty();
        }
        if (ended.warned()) {
            LOG.infof("Deliveries to %s recovered after %ds and %d failed attempt(s); last error: %s. Sending its "
                    + "pending deliveries now.", destination, Duration.between(ended.since(), now).toSeconds(),
                    ended.failures(), ended.lastError());
        }
        Instant pulled = lastPulled.get(destination);
        Instant pullAt = pulled == null || !now.isBefore(pulled.plus(pullEvery)) ? now : pulled.plus(pullEvery);
        lastPulled.put(destination, pullAt);
        return Optional.of(pullAt);
    }

    /** The destinations failing now, to probe. */
    public Set<String> failing() {
        return Set.copyOf(failing.keySet());
    }
}
