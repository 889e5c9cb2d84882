package org.rightcare.hub.testing;

import java.nio.file.Path;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Runs Keycloak with the repository's realm file (config/keycloak/rightcare-realm.json) for as long as a test
 * profile's hub runs, and points the hub at it as a deployment would: the realm's URL as the OIDC server, whose
 * discovery document and JWKS the hub verifies tokens with, in place of the test key pair of {@link HubTestResources}.
 */
public class KeycloakTestResource implements QuarkusTestResourceLifecycleManager {

    public static final Path REALM_FILE = Path.of("config", "keycloak", "rightcare-realm.json");

    /** Set by the build (pom.xml) to the distribution it unpacked. */
    private static final String HOME_PROPERTY = "rightcare.keycloak.home";

    private KeycloakServer server;

    @Override
    public Map<String, String> start() {
        String home = System.getProperty(HOME_PROPERTY);
        if (home == null) {
            throw new IllegalStateException(
                    HOME_PROPERTY + " is not set: run the tests through ./mvnw, which unpacks Keycloak");
        }
        server = KeycloakServer.start(Path.of(home), REALM_FILE, Path.of("target", "keycloak.log"));
        return Map.of(
                "quarkus.oidc.auth-server-url", server.realmUrl(),
                "quarkus.oidc.token.issuer", server.realmUrl(),
                // Empty unsets it: with a public key, quarkus-oidc would never ask Keycloak for its keys.
                "quarkus.oidc.public-key", "");
    }

    /**
     * After {@link HubTestResources} (order 0): resources start in order into one map of settings, so this one's
     * settings replace that one's test key.
     */
    @Override
    public int order() {
        return 1;
    }

    @Override
    public void stop() {
        if (server != null) {
            server.close();
        }
    }
}
