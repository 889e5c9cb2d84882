package org.rightcare.hub.security;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.quarkus.security.identity.SecurityIdentity;

/**
 * The current request's {@link Caller}, read from the verified bearer token through the claims the deployment
 * configured ({@link SecurityConfig}).
 */
@ApplicationScoped
public class Callers {

    private final SecurityIdentity identity;
    private final SecurityConfig config;

    public Callers(SecurityIdentity identity, SecurityConfig config) {
        this.identity = identity;
        this.config = config;
    }

    /** The caller of the current request; anonymous callers have no roles and may do nothing. */
    public Caller current() {
        if (identity.isAnonymous()) {
            return Caller.UNAUTHENTICATED;
        }
        String organisation = null;
        List<Permission> scopes = null;
        if (identity.getPrincipal() instanceof JsonWebToken token) {
            Object claim = token.getClaim(config.organisationClaim());
            organisation = claim == null ? null : claim.toString().replace("\"", "");
            scopes = Scopes.permissions(scopes(token.getClaim(config.scopeClaim())));
        }
        return new Caller(identity.getPrincipal().getName(), organisation, Set.copyOf(identity.getRoles()), scopes);
    }

    /** OAuth puts scopes in one space-separated string; some providers use a JSON array ({@code scp}). */
    private static Collection<String> scopes(Object claim) {
        if (claim == null) {
            return List.of();
        }
        if (claim instanceof Collection<?> values) {
            return values.stream().map(v -> v.toString().replace("\"", "")).toList();
        }
        if (claim instanceof jakarta.json.JsonArray array) {
            return array.getValuesAs(jakarta.json.JsonString.class).stream().map(jakarta.json.JsonString::getString)
                    .toList();
        }
        return Arrays.stream(claim.toString().replace("\"", "").split("\\s+")).filter(s -> !s.isBlank()).toList();
    }
}
