package org.rightcare.hub.support;

import java.util.ArrayList;
import java.util.List;

/**
 * The prod profile must never fall back on anything made for a demo: it needs a real PostgreSQL and a real OIDC
 * provider, and says so plainly instead of failing later with a connection error.
 */
public final class StartupPreconditions {

    private StartupPreconditions() {
    }

    public static void requireProductionSettings() {
        List<String> missing = new ArrayList<>();
        require(missing, "quarkus.datasource.reactive.url", "the PostgreSQL URL for requests, e.g. postgresql://db:5432/hub");
        require(missing, "quarkus.datasource.jdbc.url", "the same database as a JDBC URL, for schema migrations");
        require(missing, "quarkus.datasource.username", "the database user");
        require(missing, "hub.public-base-url",
                "the hub's external URL, for links in CAD callbacks, e.g. https://rightcare-hub.example.nhs.uk");
        require(missing, "quarkus.oidc.auth-server-url",
                "the OIDC provider (issuer) URL, e.g. https://keycloak/realms/rightcare");
        if (!missing.isEmpty()) {
            System.err.println("""
                    rightcare-hub cannot start in the prod profile: these settings are missing.
                    Set them as environment variables (or system properties), or run the demo profile
                    (java -Dquarkus.profile=demo -jar target/quarkus-app/quarkus-run.jar) for an embedded database.
                    """ + String.join("\n", missing));
            System.exit(2);
        }
    }

    private static void require(List<String> missing, String property, String meaning) {
        if (LaunchSettings.get(property).isEmpty()) {
            missing.add("  " + LaunchSettings.environmentName(property) + " (" + property + "): " + meaning);
        }
    }
}
