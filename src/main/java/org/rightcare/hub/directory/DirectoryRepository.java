package org.rightcare.hub.directory;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The directory in PostgreSQL: one row per service with its definition as JSON, and the single
 * {@code directory_state} row whose version every change bumps. Methods take the caller's {@link SqlClient}, so a
 * change, its version bump and its audit record commit together.
 */
@ApplicationScoped
public class DirectoryRepository {

    /** The channel every replica LISTENs on; the payload is the new version. */
    public static final String CHANGE_CHANNEL = "hub_directory_changed";

    /** The directory at one version: read in one statement, so the services and the version agree. */
    public record Snapshot(long version, List<CommunityService> services) {
    }

    /** The version and the directory file last applied. */
    public record State(long version, String appliedFileSha256) {
    }

    private final ObjectMapper json;

    public DirectoryRepository(ObjectMapper json) {
        this.json = json;
    }

    /**
     * Every service with the version. The definitions are parsed on a worker thread, as in {@link #findAll}: thousands
     * of services are seconds of CPU on a loaded machine, too long for the event loop that every request shares.
     */
    public Uni<Snapshot> snapshot(SqlClient client) {
        return client.query("""
                SELECT st.version, s.definition
                FROM directory_state st LEFT JOIN directory_service s ON true
                ORDER BY s.id
                """).execute().emitOn(Infrastructure.getDefaultWorkerPool()).map(rows -> {
            long version = 0;
            List<CommunityService> services = new ArrayList<>();
            for (Row row : rows) {
                version = row.getLong("version");
                if (row.getValue("definition") != null) {
                    services.add(toService(row));
                }
            }
            return new Snapshot(version, List.copyOf(services));
        });
    }

    public Uni<Long> version(SqlClient client) {
        return client.query("SELECT version FROM directory_state").execute()
                .map(rows -> rows.iterator().next().getLong("version"));
    }

    /**
     * Locks the directory for the rest of the transaction: changes to the directory are serialised, so checks that
     * span services (one name per organisation) cannot race, and two replicas applying the same new file at start
     * apply it once.
     */
    public Uni<State> lock(SqlClient tx) {
        return tx.query("SELECT version, applied_file_sha256 FROM directory_state FOR UPDATE").execute()
                .map(rows -> {
                    Row row = rows.iterator().next();
                    return new State(row.getLong("version"), row.getString("applied_file_sha256"));
                });
    }

    public Uni<List<CommunityService>> findAll(SqlClient client) {
        return client.query("SELECT definition FROM directory_service ORDER BY id").execute()
                .emitOn(Infrastructure.getDefaultWorkerPool()).map(this::services);
    }

    public Uni<Optional<CommunityService>> find(SqlClient client, String id) {
        return client.preparedQuery("SELECT definition FROM directory_service WHERE id = $1").execute(Tuple.of(id))
                .map(rows -> services(rows).stream().findFirst());
    }

    public Uni<List<CommunityService>> findByOrganisation(SqlClient client, String odsCode) {
        return client.preparedQuery("""
                SELECT definition FROM directory_service WHERE definition -> 'organisation' ->> 'odsCode' = $1
                ORDER BY id
                """).execute(Tuple.of(odsCode)).map(this::services);
    }

    public Uni<Void> upsert(SqlClient tx, CommunityService service, String actor, Instant now) {
        return tx.preparedQuery("""
                INSERT INTO directory_service (id, definition, updated_at, updated_by)
                VALUES ($1, $2::text::jsonb, $3, $4)
                ON CONFLICT (id) DO UPDATE SET definition = EXCLUDED.definition, updated_at = EXCLUDED.updated_at,
                                               updated_by = EXCLUDED.updated_by
                """).execute(Tuple.of(service.id(), ServiceDefinitionFormat.write(service).toString(),
                now.atOffset(ZoneOffset.UTC), actor)).replaceWithVoid();
    }

    /** True when there was such a service. Its capacity row goes with it. */
    public Uni<Boolean> delete(SqlClient tx, String id) {
        return tx.preparedQuery("DELETE FROM directory_service WHERE id = $1").execute(Tuple.of(id))
                .map(rows -> rows.rowCount() > 0);
    }

    /**
     * Bumps the version and tells every replica. PostgreSQL delivers the notification only when (and if) the
     * transaction commits, so no replica reloads a change that was rolled back.
     */
    public Uni<Long> bumpVersion(SqlClient tx, Instant now) {
        return tx.preparedQuery("UPDATE directory_state SET version = version + 1, updated_at = $1 RETURNING version")
                .execute(Tuple.of(now.atOffset(ZoneOffset.UTC)))
                .map(rows -> rows.iterator().next().getLong("version"))
                .call(version -> tx.preparedQuery("SELECT pg_notify($1, $2)")
                        .execute(Tuple.of(CHANGE_CHANNEL, Long.toString(version))));
    }

    public Uni<Void> recordAppliedFile(SqlClient tx, String location, String sha256, Instant now) {
        return tx.preparedQuery("""
                UPDATE directory_state SET applied_file = $1, applied_file_sha256 = $2, applied_at = $3
                """).execute(Tuple.of(location, sha256, now.atOffset(ZoneOffset.UTC))).replaceWithVoid();
    }

    private List<CommunityService> services(RowSet<Row> rows) {
        List<CommunityService> services = new ArrayList<>();
        rows.forEach(row -> services.add(toService(row)));
        return services;
    }

    /** Stored definitions passed the same rules on the way in; one that fails now is a defect, not bad input. */
    private CommunityService toService(Row row) {
        String text = row.getJsonObject("definition").encode();
        try {
            ServiceDefinitionFormat.Result result = ServiceDefinitionFormat.read(json.readTree(text), "");
            return result.service().orElseThrow(() -> new IllegalStateException(
                    "A stored service definition breaks the directory rules: " + result.errors() + " in " + text));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A stored service definition is not JSON: " + text, e);
        }
    }
}
