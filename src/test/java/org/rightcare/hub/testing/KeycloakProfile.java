package org.rightcare.hub.testing;

import java.util.List;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * The hub as deployed behind an OIDC provider: Keycloak with the repository's realm file, tokens verified with
 * Keycloak's keys and no test key pair ({@link KeycloakTestResource}).
 * <p>
 * Every test class that needs a real identity provider should name this profile: Quarkus runs the classes of one
 * profile against one hub, so they share one Keycloak start (about 20-45 s on this project's machines).
 */
public class KeycloakProfile implements QuarkusTestProfile {

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(KeycloakTestResource.class));
    }
}
