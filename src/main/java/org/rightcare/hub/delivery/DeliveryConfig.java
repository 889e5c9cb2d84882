package org.rightcare.hub.delivery;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How the outbox dispatcher sends, retries and gives up. Every replica runs one dispatcher with these settings. */
@ConfigMapping(prefix = "hub.delivery")
public interface DeliveryConfig {

    /**
     * How often each replica looks for due deliveries. A commit on the same replica wakes its dispatcher at once,
     * and a retry wakes it when due, so this is the fallback for deliveries written or left behind by other replicas.
     */
    @WithDefault("PT1S")
    Duration pollInterval();

    /**
     * The shortest time between the starts of two claims on one replica. Wake-ups that come sooner (each commit that
     * wrote to the outbox, each attempt that finished) fold into one claim at the end of it, which records and hands
     * out more rows at once: fewer statements and commits per delivery, for at most this much more latency on a busy
     * hub. An idle dispatcher claims at once. Zero claims on every wake-up.
     */
    @WithDefault("PT0.005S")
    Duration claimInterval();

    /** The longest wait for a receiver's TCP (and TLS) connection. */
    @WithDefault("PT5S")
    Duration connectTimeout();

    /**
     * The longest one attempt may take, from connecting to the last byte of the answer. A claim holds a row for
     * this long plus 30 seconds, after which another replica may retry it.
     */
    @WithDefault("PT15S")
    Duration requestTimeout();

    /** The backoff ceiling after the first failed attempt; it doubles with each further failure up to the cap. */
    @WithDefault("PT2S")
    Duration initialBackoff();

    /** The cap on the backoff ceiling. Each wait is drawn uniformly between zero and the ceiling (full jitter). */
    @WithDefault("PT5M")
    Duration maxBackoff();

    /**
     * How long after it was written (or replayed) a delivery that keeps failing is retried before it becomes a
     * dead letter. A receiver that rejects a delivery outright (see the README) dead-letters it at once.
     */
    @WithDefault("PT6H")
    Duration giveUp();

    /** Attempts in flight at once on one replica, over all destinations (also the HTTP client's connection pool). */
    @WithDefault("128")
    int maxInFlight();

    /**
     * Attempts in flight at once on one replica to one destination (a CAD system, an endpoint), so a slow receiver
     * can hold only this many of the replica's slots. Ordering is per incident or referral, never per destination,
     * so this bounds only what one receiver can take. 32 lets one regional CAD take a few hundred callbacks a second
     * from one replica (each claim hands out at most this many rows, less what is already in flight); 4 held one CAD
     * to well under 200 a second on the benchmark (docs/performance.md).
     */
    @WithDefault("32")
    int maxInFlightPerDestination();

    /**
     * When the replica stops, how long its attempts in flight may take to finish; the claims of those still running
     * then are handed back (due at once), so another replica sends them without waiting for the lease to run out.
     * Keep it within the pod's termination grace period, after the HTTP shutdown timeout.
     */
    @WithDefault("PT8S")
    Duration shutdownGrace();

    /**
     * While deliveries to a destination fail, its oldest pending delivery is tried this often whatever its backoff, so
     * a destination that comes back gets its backlog within about this long (the first success sends the rest at once).
     */
    @WithDefault("PT5S")
    Duration probeInterval();

    /** At most one WARN per destination this often when its deliveries start failing (a flapping one stays quiet). */
    @WithDefault("PT5M")
    Duration failureLogInterval();
}
