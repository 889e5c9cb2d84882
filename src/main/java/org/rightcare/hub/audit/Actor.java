package org.rightcare.hub.audit;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.quarkus.security.identity.SecurityIdentity;

/**
 * Who is acting, as the audit trail names them: the bearer token's subject and the ODS code of the organisation it
 * acts for (claim {@code org}), or the hub itself for changes it makes on its own account.
 */
public record Actor(String name, String organisation) {

    /** The claim that carries the caller's ODS code. */
    public static final String ORGANISATION_CLAIM = "org";

    public static Actor of(SecurityIdentity identity) {
        String organisation = null;
        if (identity.getPrincipal() instanceof JsonWebToken token) {
            organisation = token.getClaim(ORGANISATION_CLAIM);
        }
        return new Actor(identity.getPrincipal().getName(), organisation);
    }

    /** The hub acting on its own account, such as applying the directory file at start. */
    public static Actor hub(String role) {
        return new Actor(role, null);
    }
}
