package org.rightcare.hub.security;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * How the hub reads who a caller is from its bearer token. Roles come from the claim named by
 * {@code quarkus.oidc.roles.role-claim-path}.
 */
@ConfigMapping(prefix = "hub.security")
public interface SecurityConfig {

    /**
     * The token claim carrying the caller's organisation (ODS code). NHS identity providers name it differently;
     * point this at yours.
     */
    @WithDefault("org")
    String organisationClaim();

    /** The token claim carrying its OAuth scopes (SMART system scopes narrow what a role allows). */
    @WithDefault("scope")
    String scopeClaim();

    /**
     * How often each replica checks that it reaches the OIDC provider's discovery document
     * ({@link IdentityProviderHealth}: the {@code well} health check and {@code rightcare_identity_provider_up}).
     */
    @WithDefault("15s")
    String identityProviderCheckInterval();
}
