package org.rightcare.hub.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A real PostgreSQL (17, from the zonky binaries on the classpath) started in-process, for the demo profile and the
 * tests: zero setup, and the same SQL as production.
 */
public final class EmbeddedDatabase implements AutoCloseable {

    private final EmbeddedPostgres postgres;

    private EmbeddedDatabase(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    /**
     * @param dataDirectory where PostgreSQL keeps its files; kept across restarts. Null for a throw-away database.
     */
    public static EmbeddedDatabase start(Path dataDirectory) {
        return start(dataDirectory, 0);
    }

    /**
     * @param dataDirectory where PostgreSQL keeps its files; kept across restarts. Null for a throw-away database.
     * @param port the port to listen on, 0 for any free one. Started again on its old port and data directory, the
     *        database is the same one to the clients that used it before (the tests restart it that way).
     */
    public static EmbeddedDatabase start(Path dataDirectory, int port) {
        try {
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setPort(port)
                    // Durability is the production database's job; the embedded one favours start-up and test speed.
                    .setServerConfig("fsync", "off")
                    .setServerConfig("synchronous_commit", "off")
                    .setServerConfig("full_page_writes", "off")
                    .setServerConfig("max_connections", "100");
            if (dataDirectory != null) {
                Files.createDirectories(dataDirectory);
                builder.setDataDirectory(dataDirectory).setCleanDataDirectory(false);
            }
            return new EmbeddedDatabase(builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the embedded PostgreSQL", e);
        }
    }

    /** The Quarkus datasource settings that point at this database. */
    public Map<String, String> quarkusConfig() {
        return quarkusConfig(postgres.getPort());
    }

    /** The Quarkus datasource settings for an embedded database already listening on {@code port}. */
    public static Map<String, String> quarkusConfig(int port) {
        return Map.of(
                "quarkus.datasource.reactive.url", "postgresql://localhost:" + port + "/postgres",
                "quarkus.datasource.jdbc.url", "jdbc:postgresql://localhost:" + port + "/postgres",
                "quarkus.datasource.username", "postgres",
                "quarkus.datasource.password", "postgres");
    }

    public int port() {
        return postgres.getPort();
    }

    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
