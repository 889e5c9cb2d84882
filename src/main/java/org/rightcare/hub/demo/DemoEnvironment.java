package org.rightcare.hub.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.rightcare.hub.support.ConfigFiles;
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

    private static final String DIRECTORY_FILE_PROPERTY = "hub.directory.file";
    private static final String DEMO_DIRECTORY = "classpath:directory/demo-directory.yaml";
    /** Where demo-directory.yaml puts the stand-in providers. */
    private static final String DIRECTORY_BASE_URL = "http://localhost:8080";

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
        if (LaunchSettings.get(DIRECTORY_FILE_PROPERTY).isEmpty()) {
            String base = ownBaseUrl();
            String file = writeStandInDirectory(base).toString();
            // Both names: a system property outranks application.properties' %demo. entry only under its own name.
            System.setProperty(DIRECTORY_FILE_PROPERTY, file);
            System.setProperty("%demo." + DIRECTORY_FILE_PROPERTY, file);
            System.out.println("rightcare-hub demo: stand-in providers at " + base + "/demo/providers/<ODS code>/fhir");
        }
        if (LaunchSettings.get("quarkus.oidc.auth-server-url").isPresent()) {
            // A real OIDC provider (such as the Keycloak realm in config/keycloak) verifies tokens instead; the demo
            // token endpoint then issues tokens the hub does not accept, as it should.
            System.out.println("rightcare-hub demo: tokens from the configured OIDC provider");
        } else {
            DemoTokenKeys.generate().forEach(System::setProperty);
        }
    }

    /** The hub's own base URL as the demo will serve it: HUB_PUBLIC_BASE_URL, else localhost on its HTTP port. */
    static String ownBaseUrl() {
        return LaunchSettings.get("hub.public-base-url").map(url -> url.replaceAll("/+$", ""))
                .orElseGet(() -> "http://localhost:" + LaunchSettings.get("quarkus.http.port").orElse("8080"));
    }

    /**
     * The demo directory with its stand-in providers' URLs on the hub's own base URL instead of the file's
     * {@code http://localhost:8080}, so the demo delivers to its stand-ins on any port.
     */
    static String standInDirectory(String baseUrl) {
        return new String(ConfigFiles.read(DEMO_DIRECTORY), StandardCharsets.UTF_8).replace(
                DIRECTORY_BASE_URL + "/demo/providers/",
                baseUrl + "/demo/providers/");
    }

    private static Path writeStandInDirectory(String baseUrl) {
        try {
            Path file = Files.createTempFile("rightcare-demo-directory", ".yaml");
            file.toFile().deleteOnExit();
            return Files.writeString(file, standInDirectory(baseUrl), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the demo directory", e);
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
