package org.rightcare.hub.intake;

import java.time.Duration;
import java.util.Map;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How the CAD webhook turns events into referrals. */
@ConfigMapping(prefix = "hub.intake")
public interface IntakeConfig {

    /**
     * Minutes from the call's receipt to its ambulance response breach time, per ARP category code. The breach
     * time is the ServiceRequest's {@code occurrencePeriod.end}: the case must be with a community service or
     * back with the ambulance service by then.
     */
    Map<String, Integer> breachMinutes();

    /** The largest body the webhook reads, as the contract fixes it (256 KiB). */
    @WithDefault("262144")
    int maxBodyBytes();

    /** Group commit of new incidents: see {@link GroupCommit}; set, with the reasons, in application.properties. */
    GroupCommitConfig groupCommit();

    interface GroupCommitConfig {

        /**
         * How long the first new incident of a batch waits for others to share its statement and commit, in whole
         * milliseconds (the event loop's timers are no finer). 0: each is stored at once, alone (still by the one
         * statement, which is cheaper than the transaction of an update).
         */
        Duration window();

        /** A batch is stored as soon as it holds this many events, whatever is left of the window. */
        int maxEvents();
    }
}
