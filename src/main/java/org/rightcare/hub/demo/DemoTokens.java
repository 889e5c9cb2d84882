package org.rightcare.hub.demo;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;

/**
 * Issues bearer tokens signed with the key pair of {@link DemoTokenKeys}, shaped as the hub expects from its OIDC
 * provider: {@code sub}, the caller's organisation (ODS code) in {@code org}, and {@code roles}.
 */
@ApplicationScoped
public class DemoTokens {

    static final Duration LIFETIME = Duration.ofHours(1);

    private final String issuer;
    private final String audience;

    /** Optional: the prod profile names no issuer of its own (its tokens come from the OIDC provider) and never calls this. */
    public DemoTokens(@ConfigProperty(name = "quarkus.oidc.token.issuer") Optional<String> issuer,
            @ConfigProperty(name = "quarkus.oidc.token.audience") String audience) {
        this.issuer = issuer.orElse("");
        this.audience = audience;
    }

    /** @param organisation the caller's ODS code; null for people or systems that act for no one organisation */
    public String issue(String subject, String organisation, List<String> roles) {
        return issue(subject, organisation, roles, null);
    }

    /** @param scope OAuth scopes, space separated (SMART system scopes narrow what the roles allow); null for none */
    public String issue(String subject, String organisation, List<String> roles, String scope) {
        JwtClaimsBuilder claims = Jwt.issuer(issuer)
                .audience(audience)
                .subject(subject)
                .claim("roles", roles)
                .expiresIn(LIFETIME);
        if (organisation != null && !organisation.isBlank()) {
            claims.claim("org", organisation);
        }
        if (scope != null && !scope.isBlank()) {
            claims.claim("scope", scope.trim());
        }
        return claims.sign();
    }
}
