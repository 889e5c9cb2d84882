package org.rightcare.hub.demo;

import java.nio.file.Path;
import java.util.Optional;

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
        System.out.println(listeningNotice(LaunchSettings.get("quarkus.http.host")));
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

    /**
     * What the demo tells whoever starts it about who can reach it: its token endpoint mints any role, so it listens
     * on this machine only ({@code %demo.quarkus.http.host=127.0.0.1}) unless the host is set.
     */
    static String listeningNotice(Optional<String> host) {
        if (host.isEmpty() || isLoopback(host.get())) {
            return "rightcare-hub demo: listening on " + host.orElse("127.0.0.1") + " only (this machine); "
                    + "QUARKUS_HTTP_HOST=0.0.0.0 opens it to the network, and with it /demo/token, which mints any role";
        }
        return "rightcare-hub demo: listening on " + host.get() + " as asked: anyone who reaches it can mint tokens of "
                + "any role at /demo/token, hub-admin included; do not expose it beyond a trusted network";
    }

    private static boolean isLoopback(String host) {
        return host.equals("127.0.0.1") || host.equals("localhost") || host.equals("::1");
    }
}
