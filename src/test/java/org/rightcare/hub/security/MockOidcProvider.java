package org.rightcare.hub.security;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;

/**
 * The hub verifying tokens as in production: through an OIDC provider's discovery document and JWKS, here a mocked
 * one (quarkus-test-oidc-server, WireMock on port 8180) instead of the suite's fixed public key. Tokens are signed
 * with the mock's key (kid 1), so the hub must fetch the key set to accept them.
 */
public class MockOidcProvider implements QuarkusTestProfile {

    static final String ISSUER = "https://mock-oidc.rightcare-hub.test/realms/quarkus";
    static final String AUDIENCE = "rightcare-hub";
    private static final String SIGNING_KEY = "privateKey.jwk";

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "quarkus.oidc.auth-server-url", "${keycloak.url}/realms/quarkus",
                // Empty removes the suite's fixed verification key: keys come from the provider's JWKS.
                "quarkus.oidc.public-key", "",
                "quarkus.oidc.token.issuer", ISSUER,
                "quarkus.oidc.token.audience", AUDIENCE);
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(OidcWiremockTestResource.class));
    }

    @Override
    public String getConfigProfile() {
        return "test";
    }

    /** A token as the provider would issue it: subject, organisation claim, roles and (optionally) SMART scopes. */
    static JwtClaimsBuilder claims(String subject, String organisation, List<String> roles, String scope) {
        JwtClaimsBuilder claims = Jwt.issuer(ISSUER).audience(AUDIENCE).subject(subject).claim("roles", roles)
                .expiresIn(600);
        if (organisation != null) {
            claims.claim("org", organisation);
        }
        if (scope != null) {
            claims.claim("scope", scope);
        }
        return claims;
    }

    static String sign(JwtClaimsBuilder claims) {
        return claims.jws().keyId("1").sign(SIGNING_KEY);
    }

    static String token(String subject, String organisation, List<String> roles, String scope) {
        return sign(claims(subject, organisation, roles, scope));
    }

    static String expired(String subject, String organisation, List<String> roles) {
        long now = Instant.now().getEpochSecond();
        return sign(claims(subject, organisation, roles, null).issuedAt(now - 7200).expiresAt(now - 3600));
    }
}
