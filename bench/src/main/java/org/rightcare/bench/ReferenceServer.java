package org.rightcare.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The reference FHIR server of {@code --compare hapi}: the HAPI FHIR JPA server built by {@code bench/hapi-jpa},
 * started by the harness as it starts the hub (its own JVM, the harness's Java, a free port on 127.0.0.1, its own
 * database in the harness's PostgreSQL) and timed from JVM launch to its first {@code GET /fhir/metadata} 200.
 */
final class ReferenceServer {

    static final Path BUILD = Path.of("bench/hapi-jpa/target");
    static final String MAIN = "org.rightcare.bench.hapi.HapiJpaServer";
    /** On an empty database Hibernate creates HAPI's schema first; on a loaded machine that takes a while. */
    static final Duration READY_TIMEOUT = Duration.ofMinutes(4);

    final Process process;
    /** The FHIR base URL, where transactions are POSTed. */
    final String base;
    final long readyMillis;

    private ReferenceServer(Process process, String base, long readyMillis) {
        this.process = process;
        this.base = base;
        this.readyMillis = readyMillis;
    }

    static ReferenceServer start(HttpClient http, String jdbcUrl, String jvmArgs, Path log) throws Exception {
        if (!Files.isDirectory(BUILD.resolve("lib"))) {
            throw new IllegalStateException("bench/hapi-jpa is not built: bench/run.sh builds it for --compare hapi "
                    + "(or ./mvnw -f bench/hapi-jpa/pom.xml package)");
        }
        int port = Bench.freePort();
        String base = "http://127.0.0.1:" + port + "/fhir";
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String a : jvmArgs.trim().split("\\s+")) if (!a.isBlank()) cmd.add(a);
        cmd.add("-cp");
        cmd.add(BUILD.resolve("classes").toAbsolutePath() + java.io.File.pathSeparator
                + BUILD.resolve("lib").toAbsolutePath() + "/*");
        cmd.addAll(List.of(MAIN, "--port", Integer.toString(port), "--jdbc-url", jdbcUrl, "--username", "postgres",
                "--password", "postgres"));
        Bench.log("starting the HAPI FHIR JPA server: " + String.join(" ", cmd));
        long t0 = System.nanoTime();
        Process process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = t0 + READY_TIMEOUT.toNanos();
        while (true) {
            if (!process.isAlive()) throw new IllegalStateException("the HAPI FHIR JPA server exited; see " + log);
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(base + "/metadata"))
                        .timeout(Duration.ofSeconds(30)).header("Accept", "application/fhir+json").build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) break;
            } catch (IOException e) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IllegalStateException("the HAPI FHIR JPA server was not ready within " + READY_TIMEOUT.toMinutes()
                        + " min; see " + log);
            }
            Thread.sleep(50);
        }
        long readyMillis = (System.nanoTime() - t0) / 1_000_000;
        Bench.log("HAPI FHIR JPA server ready at " + base + " after " + readyMillis
                + " ms (JVM launch to the first metadata 200, schema created on an empty database), pid " + process.pid());
        return new ReferenceServer(process, base, readyMillis);
    }

    void stop() {
        if (!process.isAlive()) return;
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
