package org.rightcare.hub.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PfxOptions;

/**
 * Mutual TLS to a receiver that demands a client certificate, as BaRS receivers do: a local TLS server that refuses
 * any connection without a certificate its CA signed, and the hub configured as the README says (a named Quarkus TLS
 * configuration with the client certificate and the receiver's CA, for the endpoint's URL prefix). The certificates
 * are made here, with the JDK's keytool, for each run.
 */
@QuarkusTest
@TestProfile(MutualTlsDeliveryTest.WithClientCertificate.class)
class MutualTlsDeliveryTest {

    public static class WithClientCertificate implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(Receiver.class));
        }
    }

    @Inject
    HttpDeliveryClient http;

    @Test
    void deliversWithTheClientCertificateToAReceiverThatDemandsOne() {
        DeliveryOutcome outcome = post(Receiver.url + "/bars/$process-message");
        assertInstanceOf(DeliveryOutcome.Delivered.class, outcome, outcome.toString());
        assertEquals("CN=rightcare-hub", Receiver.lastClient);
    }

    @Test
    void anEndpointWithoutItsTlsConfigurationCannotConnect() {
        // The same receiver under a URL no prefix covers: no client certificate, and the receiver's CA is not trusted.
        DeliveryOutcome outcome = post(Receiver.url.replace("localhost", "127.0.0.1") + "/bars/$process-message");
        assertInstanceOf(DeliveryOutcome.Failed.class, outcome, outcome.toString());
    }

    private DeliveryOutcome post(String url) {
        return http.post(new DeliveryRequest(URI.create(url), "application/fhir+json",
                "{}".getBytes(StandardCharsets.UTF_8), Map.of())).await().atMost(Duration.ofSeconds(30));
    }

    /** The receiver: an HTTPS server that requires a client certificate signed by the test CA. */
    public static class Receiver implements QuarkusTestResourceLifecycleManager {

        static final String PASSWORD = "changeit";
        static volatile String url;
        static volatile String lastClient;

        private Vertx vertx;

        @Override
        public Map<String, String> start() {
            try {
                Path dir = Files.createTempDirectory("mtls");
                Certificates certificates = Certificates.make(dir);
                vertx = Vertx.vertx();
                HttpServer server = vertx.createHttpServer(new HttpServerOptions().setSsl(true)
                        .setKeyCertOptions(new PfxOptions().setPath(certificates.server().toString()).setPassword(PASSWORD))
                        .setTrustOptions(new PfxOptions().setPath(certificates.trust().toString()).setPassword(PASSWORD))
                        .setClientAuth(ClientAuth.REQUIRED));
                server.requestHandler(request -> {
                    try {
                        lastClient = ((java.security.cert.X509Certificate) request.sslSession()
                                .getPeerCertificates()[0]).getSubjectX500Principal().getName();
                    } catch (Exception e) {
                        lastClient = null;
                    }
                    request.response().setStatusCode(200).end("{}");
                });
                int port = server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture()
                        .get(30, TimeUnit.SECONDS).actualPort();
                url = "https://localhost:" + port;
                return Map.of(
                        "hub.client-tls.endpoints.test-receiver", url + "/bars/",
                        "quarkus.tls.test-receiver.key-store.p12.path", certificates.client().toString(),
                        "quarkus.tls.test-receiver.key-store.p12.password", PASSWORD,
                        "quarkus.tls.test-receiver.trust-store.p12.path", certificates.trust().toString(),
                        "quarkus.tls.test-receiver.trust-store.p12.password", PASSWORD);
            } catch (Exception e) {
                throw new IllegalStateException("could not start the mutual TLS receiver", e);
            }
        }

        @Override
        public void stop() {
            if (vertx != null) {
                vertx.close();
            }
        }
    }

    /** A CA, a server certificate for localhost and a client certificate, both signed by the CA, in PKCS#12 files. */
    record Certificates(Path server, Path client, Path trust) {

        static Certificates make(Path dir) throws IOException, InterruptedException {
            Path ca = dir.resolve("ca.p12");
            Path caPem = dir.resolve("ca.pem");
            Path trust = dir.resolve("trust.p12");
            keytool("-genkeypair", "-alias", "ca", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=test-ca",
                    "-ext", "bc:c", "-validity", "2", "-keystore", ca.toString(), "-storetype", "PKCS12");
            keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", ca.toString(), "-file", caPem.toString());
            keytool("-importcert", "-noprompt", "-alias", "ca", "-file", caPem.toString(), "-keystore",
                    trust.toString(), "-storetype", "PKCS12");
            Path server = signed(dir, ca, caPem, "server", "CN=localhost", "san=dns:localhost");
            Path client = signed(dir, ca, caPem, "client", "CN=rightcare-hub", null);
            return new Certificates(server, client, trust);
        }

        private static Path signed(Path dir, Path ca, Path caPem, String alias, String dname, String extension)
                throws IOException, InterruptedException {
            Path store = dir.resolve(alias + ".p12");
            Path request = dir.resolve(alias + ".csr");
            Path certificate = dir.resolve(alias + ".pem");
            keytool("-genkeypair", "-alias", alias, "-keyalg", "RSA", "-keysize", "2048", "-dname", dname,
                    "-validity", "2", "-keystore", store.toString(), "-storetype", "PKCS12");
            keytool("-certreq", "-alias", alias, "-keystore", store.toString(), "-file", request.toString());
            List<String> sign = new ArrayList<>(List.of("-gencert", "-rfc", "-alias", "ca", "-keystore", ca.toString(),
                    "-infile", request.toString(), "-outfile", certificate.toString(), "-validity", "2"));
            if (extension != null) {
                sign.addAll(List.of("-ext", extension));
            }
            keytool(sign.toArray(String[]::new));
            keytool("-importcert", "-noprompt", "-alias", "ca", "-file", caPem.toString(), "-keystore",
                    store.toString());
            keytool("-importcert", "-alias", alias, "-file", certificate.toString(), "-keystore", store.toString());
            return store;
        }

        private static void keytool(String... arguments) throws IOException, InterruptedException {
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
            command.addAll(List.of(arguments));
            command.addAll(List.of("-storepass", Receiver.PASSWORD));
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("keytool " + String.join(" ", arguments) + " failed: " + output);
            }
        }
    }
}
