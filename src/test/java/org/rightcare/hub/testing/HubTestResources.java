package org.rightcare.hub.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

import org.rightcare.hub.demo.DemoTokenKeys;
import org.rightcare.hub.demo.EmbeddedDatabase;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * One embedded PostgreSQL and one token key pair for the whole test suite, so Quarkus boots once for every test
 * class that shares the default test profile. Fault tests can stop the database and start it again: it comes back
 * on the same port with the same data, as a restarted database server would.
 */
@QuarkusTestResource(value = HubTestResources.class, restrictToAnnotatedClass = false)
public class HubTestResources implements QuarkusTestResourceLifecycleManager {

    /** Under target/, so that a restart finds the data again and {@code mvn clean} removes it. */
    private static final Path DATA_DIRECTORY = Path.of("target", "test-database");

    private static EmbeddedDatabase database;
    private static int port;
    private static boolean running;

    /**
     * The running database's port, JVM-wide. A test with a profile of its own makes Quarkus load this class again in a
     * new class loader, with fresh statics; the system property lets that copy find the database the suite already
     * runs (and its data), as a restarted hub finds its database server.
     */
    private static final String PORT_PROPERTY = "rightcare.test.database.port";
    private static final String TOKEN_KEY_PROPERTY = "rightcare.test.token-key";

    @Override
    public Map<String, String> start() {
        synchronized (System.getProperties()) {
            String started = System.getProperty(PORT_PROPERTY);
            if (database == null && started != null) {
                port = Integer.parseInt(started);
            } else if (database == null) {
                deleteRecursively(DATA_DIRECTORY);
                database = EmbeddedDatabase.start(DATA_DIRECTORY, 0);
                port = database.port();
                running = true;
                System.setProperty(PORT_PROPERTY, String.valueOf(port));
            }
        }
        Map<String, String> config = new HashMap<>(EmbeddedDatabase.quarkusConfig(port));
        config.putAll(DemoTokenKeys.generate());
        System.setProperty(TOKEN_KEY_PROPERTY, config.get("smallrye.jwt.sign.key.location"));
        return config;
    }

    /**
     * Where the private key of the running hub's token key pair is (a file URI): integration tests sign their bearer
     * tokens with it, since they run outside the hub's process and cannot ask its token issuer.
     */
    public static String tokenSigningKey() {
        return System.getProperty(TOKEN_KEY_PROPERTY);
    }

    @Override
    public void stop() {
        // The database outlives a Quarkus restart (tests with their own profile); the JVM's exit stops it.
    }

    /**
     * Stops the suite's database as an outage looks to the hub: open connections drop, new ones are refused. Only the
     * class loader that started the database can stop it: the fault tests run on the default profile, which does.
     */
    public static synchronized void stopDatabase() {
        if (database == null) {
            throw new IllegalStateException("This test instance did not start the database and cannot stop it");
        }
        if (running) {
            database.close();
            running = false;
        }
    }

    /** Starts the database again on its old port with its data, if a test stopped it. */
    public static synchronized void startDatabase() {
        if (!running) {
            database = EmbeddedDatabase.start(DATA_DIRECTORY, port);
            running = true;
        }
    }

    private static void deleteRecursively(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
