package org.rightcare.hub.demo;

import java.nio.file.Path;

import org.rightcare.hub.support.LaunchSettings;

/**
 * What the demo (and dev) profile needs before Quarkus starts: an embedded PostgreSQL unless a database URL is
 * configured, and the key pair for demo tokens unless an OIDC provider is configured. Settings go in as system properties,
 * which outrank
 * application.properties.
 */
public final class DemoEnvironment {

    /** Where the embedded database keeps its files; unset means a fresh database each start. */
    public static final String DATA_DIR_PROPERTY = "hub.demo.data-dir";

    private DemoEnvironment() {
    }

    public static void prepare() {
        if (LaunchSettings.get("quarkus.datasource.reactive.url").isPresent()) {
            System.out.println("rightcare-hub demo: using the configured database");
        } else {
            String dataDir = LaunchSettings.get(DATA_DIR_PROPERTY).orElse(null);
            EmbeddedDatabase database = EmbeddedDatabase.start(dataDir == null ? null : Path.of(dataDir));
            database.quarkusConfig().forEach(System::setProperty);
            Runtime.getRuntime().addShutdownHook(new Thread(database::close, "embedded-postgres-stop"));
            System.out.println("rightcare-hub demo: embedded PostgreSQL on port " + database.port()
                    + (dataDir == null ? " (data discarded at exit; set -Dhub.demo.data-dir=DIR to keep it)"
                            : " with data in " + dataDir));
        }
        if (LaunchSettings.get("quarkus.oidc.auth-server-url").isPresent()) {
            // A real OIDC provider (such as the Keycloak realm in config/keycloak) verifies tokens instead; the demo
            // token endpoint then issues tokens the hub does not accept, as it should.
            System.out.println("rightcare-hub demo: tokens from the configured OIDC provider");
        } else {
            DemoTokenKeys.generate().forEach(System::setProperty);
        }
    }
}
