package org.rightcare.hub.intake;

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
}
