package org.rightcare.hub.subscriptions;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Subscriptions (FHIR R4 Subscriptions Backport) of provider systems to the hub's topics. */
@ConfigMapping(prefix = "hub.subscriptions")
public interface SubscriptionsConfig {

    /**
     * Accept plain http endpoints on a loopback address (localhost, 127.0.0.1, ::1). Only test and demo profiles turn
     * this on: a notification names a patient's case and must otherwise travel over TLS.
     */
    @WithDefault("false")
    boolean allowHttpLoopback();

    /** How often each replica looks for subscriptions whose heartbeat is due. */
    @WithDefault("PT10S")
    Duration heartbeatSweepInterval();

    /**
     * How often each replica compares its copy of which topics have subscriptions with the database, in case a change
     * notification was missed (a change normally reaches every replica within moments).
     */
    @WithDefault("PT10S")
    Duration refreshInterval();

    /** The shortest heartbeat period a subscriber may ask for; shorter requests are raised to it. */
    @WithDefault("PT30S")
    Duration minHeartbeatPeriod();
}
