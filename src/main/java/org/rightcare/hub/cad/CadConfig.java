package org.rightcare.hub.cad;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The ambulance CAD systems that may post incidents to the hub, and how the hub answers them. */
@ConfigMapping(prefix = "hub.cad")
public interface CadConfig {

    /** CAD systems by id (the {@code cadSystem} of their events), e.g. {@code hub.cad.systems."SECAMB-CAD".secret}. */
    Map<String, CadSystem> systems();

    /**
     * Accept plain http callback URLs. Only development profiles turn this on: in production a callback
     * carries referral state and must travel over TLS.
     */
    @WithDefault("false")
    boolean allowInsecureCallbacks();

    interface CadSystem {
        /** The shared secret for HMAC-SHA256 webhook signatures; also signs the hub's callbacks to this CAD. */
        String secret();

        /**
         * Secrets still accepted on inbound webhooks while a rotation is under way (never used to sign). Remove
         * them once the CAD signs with the new secret only.
         */
        Optional<List<String>> previousSecrets();

        /** Where outcomes are posted when an event names no {@code callbackUrl} of its own. */
        Optional<URI> callbackUrl();
    }
}
