package org.rightcare.hub.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.awaitility.Awaitility;
import org.jboss.logging.Logger;

/**
 * A real Keycloak for tests, run from the distribution the build unpacks into target/keycloak (see pom.xml): started
 * in development mode on free ports with an in-memory database and the realm file imported, so every run starts from
 * the file alone. Its output goes to target/keycloak.log, kept for failures.
 */
public final class KeycloakServer implements AutoCloseable {

    /** The realm of config/keycloak/rightcare-realm.json. */
    public static final String REALM = "rightcare";

    private static final Logger LOG = Logger.getLogger(KeycloakServer.class);
    private static final Duration START_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final int port;
    private final Thread stopAtExit;

    private KeycloakServer(Process process, int port) {
        this.process = process;
        this.port = port;
        // A test run that is killed or crashes must not leave Keycloak running on the machine.
        this.stopAtExit = new Thread(this::stop, "keycloak-stop");
        Runtime.getRuntime().addShutdownHook(stopAtExit);
    }

    /**
     * Starts Keycloak with the realm file and waits until it is ready and serves the realm.
     *
     * @param home the unpacked distribution (keycloak-26.x)
     * @param realmFile the realm to import
     * @param log where Keycloak's output goes
     */
    public static KeycloakServer start(Path home, Path realmFile, Path log) {
        Path script = home.resolve("bin").resolve("kc.sh");
        if (!Files.isRegularFile(script)) {
            throw new IllegalStateException("No Keycloak at " + home + ": run the tests through ./mvnw, which unpacks it");
        }
        try {
            Path importDirectory = Files.createDirectories(home.resolve("data").resolve("import"));
            Files.copy(realmFile, importDirectory.resolve(realmFile.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            int port = freePort();
            int managementPort = freePort();
            ProcessBuilder builder = new ProcessBuilder(List.of("bash", script.toString(), "start-dev", "--import-realm",
                    "--db=dev-mem", "--http-host=127.0.0.1", "--http-port=" + port, "--http-management-port=" + managementPort,
                    "--health-enabled=true"))
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            // The JDK running the tests (17 or newer) runs Keycloak too: a fresh machine has no other.
            builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
            long started = System.nanoTime();
            Process process = builder.start();
            KeycloakServer server = new KeycloakServer(process, port);
            try {
                awaitReady(process, URI.create("http://localhost:" + managementPort + "/health/ready"),
                        URI.create(server.realmUrl() + "/.well-known/openid-configuration"), log);
            } catch (RuntimeException e) {
                server.close();
                throw e;
            }
            // From launching kc.sh until the realm is served: the price of this test, worth seeing in the build log.
            LOG.infof("Keycloak ready at %s in %d ms (log: %s)", server.realmUrl(),
                    Duration.ofNanos(System.nanoTime() - started).toMillis(), log);
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start Keycloak from " + home, e);
        }
    }

    /** The realm's issuer, the base of its OIDC endpoints. */
    public String realmUrl() {
        return "http://localhost:" + port + "/realms/" + REALM;
    }

    @Override
    public void close() {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(stopAtExit);
        } catch (IllegalStateException exiting) {
            // Called from the shutdown hook itself, or while the JVM exits: nothing to deregister.
        }
    }

    /** kc.sh passes SIGTERM on to Keycloak's JVM; whatever is still running after the timeout is killed. */
    private void stop() {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        children.forEach(ProcessHandle::destroy);
        try {
            if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            for (ProcessHandle child : children) {
                child.onExit().get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            killNow(children);
        } catch (ExecutionException | TimeoutException e) {
            killNow(children);
        }
    }

    private void killNow(List<ProcessHandle> children) {
        children.forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    private static void awaitReady(Process process, URI health, URI realm, Path log) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        Awaitility.await("Keycloak ready (its log: " + log + ")").atMost(START_TIMEOUT)
                .pollInterval(Duration.ofMillis(250))
                .failFast("Keycloak exited (its log: " + log + ")", () -> !process.isAlive())
                .until(() -> answersOk(http, health) && answersOk(http, realm));
    }

    private static boolean answersOk(HttpClient http, URI uri) {
        try {
            HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build();
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
