package org.rightcare.hub.security;

import java.util.Optional;
import java.util.Set;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.quarkus.security.identity.SecurityIdentity;

/**
 * Who is calling, as the hub's rules need it: the subject, the organisation (ODS code) the token speaks for, and the
 * roles. The organisation comes from the token claim named by {@code hub.security.organisation-claim}.
 */
public record Caller(String subject, String organisation, Set<String> roles) {

    public static final String PROVIDER = "provider";
    public static final String CAD = "cad";
    public static final String HUB_CLINICIAN = "hub-clinician";
    public static final String HUB_ADMIN = "hub-admin";
    public static final String AUDITOR = "auditor";

    public static Caller of(SecurityIdentity identity, String organisationClaim) {
        String organisation = null;
        if (identity.getPrincipal() instanceof JsonWebToken token) {
            Object claim = token.getClaim(organisationClaim);
            organisation = claim == null ? null : claim.toString().replace("\"", "");
        }
        return new Caller(identity.getPrincipal().getName(), organisation, Set.copyOf(identity.getRoles()));
    }

    public Optional<String> organisationCode() {
        return Optional.ofNullable(organisation).filter(o -> !o.isBlank());
    }

    public boolean has(String role) {
        return roles.contains(role);
    }
}
