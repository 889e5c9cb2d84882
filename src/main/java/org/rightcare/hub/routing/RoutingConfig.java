package org.rightcare.hub.routing;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Where the routing policy comes from and how often the send-back loop looks for due work. */
@ConfigMapping(prefix = "hub.routing")
public interface RoutingConfig {

    /**
     * The routing policy file: a filesystem path, or {@code classpath:...} for one packaged with the hub (the
     * default policy built from the design's clinical facts).
     */
    @WithDefault("classpath:routing/default-policy.yaml")
    String policyFile();

    /**
     * How often each replica looks for referrals whose next step is due (new ones not yet routed, offers whose
     * deadline passed). New referrals and answers are acted on at once; this is the safety net and the deadline
     * clock, so it bounds how late a deadline can fire. {@code off} disables it (tests drive it by hand).
     */
    @WithDefault("1s")
    String sweepInterval();

    /** The most referrals one sweep advances before yielding, so a backlog is worked through in fair slices. */
    @WithDefault("200")
    int sweepBatch();

    /**
     * How many routing lanes each replica runs: a new referral is routed at once, on a connection of its own, when a
     * lane is free (otherwise the sweep or the next free lane takes it); a lane done with its referral goes on with
     * whatever else is due, oldest first. Keep it well under the connection pool's size so intake always has some.
     */
    @WithDefault("8")
    int lanes();

    /** How long to wait before retrying a referral whose step failed unexpectedly. */
    @WithDefault("PT30S")
    Duration retryFailedStepAfter();

    /**
     * How many times in a row a referral's step may fail (database outages excepted) before the case goes back to the
     * ambulance service as {@code hub-error}, with an ERROR logged: nothing is retried for ever.
     */
    @WithDefault("5")
    int maxStepFailures();
}
