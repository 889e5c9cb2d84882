package org.rightcare.hub.support;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The prod profile must never fall back on anything made for a demo: it needs a real PostgreSQL and a real OIDC
 * provider, and says so plainly instead of failing later with a connection error. It also needs the board's own
 * sign-in (its OIDC tenant), or an explicit statement that it serves no board: without the tenant, the board's pages
 * would have nobody who may open them, and an operator should learn that at deployment, not from a clinician.
 */
public final class StartupPreconditions {

    private StartupPreconditions() {
    }

    public static void requireProductionSettings() {
        List<String> missing = missingProductionSettings(LaunchSettings::get);
        if (!missing.isEmpty()) {
            System.err.println("""
                    rightcare-hub cannot start in the prod profile: these settings are missing.
                    Set them as environment variables (or system properties), or run the demo profile
                    (java -Dquarkus.profile=demo -jar target/quarkus-app/quarkus-run.jar) for an embedded database.
                    """ + String.join("\n", missing));
            System.exit(2);
        }
    }

    /** What the prod profile lacks, one line per setting, read through {@code settings} (a property's value). */
    static List<String> missingProductionSettings(Function<String, Optional<String>> settings) {
        List<String> missing = new ArrayList<>();
        Requirement require = (property, meaning) -> {
            if (settings.apply(property).isEmpty()) {
                missing.add("  " + LaunchSettings.environmentName(property) + " (" + property + "): " + meaning);
            }
        };
        require.check("quarkus.datasource.reactive.url", "the PostgreSQL URL for requests, e.g. postgresql://db:5432/hub");
        require.check("quarkus.datasource.jdbc.url", "the same database as a JDBC URL, for schema migrations");
        require.check("quarkus.datasource.username", "the database user");
        require.check("hub.public-base-url",
                "the hub's external URL, for links in CAD callbacks, e.g. https://rightcare-hub.example.nhs.uk");
        require.check("quarkus.oidc.auth-server-url",
                "the OIDC provider (issuer) URL, e.g. https://keycloak/realms/rightcare");
        boolean boardServed = !settings.apply("hub.board.enabled").map(String::trim).map("false"::equalsIgnoreCase)
                .orElse(false);
        if (boardServed) {
            require.check("quarkus.oidc.board.auth-server-url", "the board's sign-in: its OIDC tenant (with "
                    + "QUARKUS_OIDC_BOARD_CLIENT_ID, QUARKUS_OIDC_BOARD_CREDENTIALS_SECRET, "
                    + "QUARKUS_OIDC_BOARD_APPLICATION_TYPE=web-app), or HUB_BOARD_ENABLED=false to serve no board");
        }
        return missing;
    }

    private interface Requirement {
        void check(String property, String meaning);
    }
}
