package org.rightcare.hub.directory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;
import org.rightcare.hub.support.DatabaseOutage;
import org.rightcare.hub.support.ListenConnections;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * The current directory, held in memory so that routing reads it without a database round trip. The copy is
 * replaced whenever the database version moves on: at once when a change is committed on this replica, within
 * moments on every other replica through PostgreSQL {@code LISTEN}/{@code NOTIFY}, and at worst after
 * {@code hub.directory.refresh-interval}, when each replica compares versions in case a notification was lost.
 */
@ApplicationScoped
public class InMemoryServiceDirectory implements ServiceDirectory {

    private static final Logger LOG = Logger.getLogger(InMemoryServiceDirectory.class);

    /** An immutable copy of the directory at one version. */
    private record Copy(long version, List<CommunityService> services, Map<String, CommunityService> byId) {
        static final Copy NONE = new Copy(-1, List.of(), Map.of());
    }

    private final Pool pool;
    private final DirectoryRepository repository;
    private final DirectoryConfig config;
    private final ListenConnections listenConnections;

    private volatile Copy copy = Copy.NONE;

    public InMemoryServiceDirectory(Pool pool, DirectoryRepository repository, DirectoryConfig config,
            ListenConnections listenConnections) {
        this.pool = pool;
        this.repository = repository;
        this.config = config;
        this.listenConnections = listenConnections;
    }

    @Override
    public List<CommunityService> services() {
        return copy.services();
    }

    @Override
    public Snapshot snapshot() {
        Copy now = copy;
        return new Snapshot(now.version(), now.services());
    }

    @Override
    public Optional<CommunityService> find(String serviceId) {
        return Optional.ofNullable(copy.byId().get(serviceId));
    }

    /** The database version this copy was read at; -1 before the first load. */
    public long version() {
        return copy.version();
    }

    /**
     * Loads the directory, then follows changes. Called once at start, after the directory file is applied; a
     * failure to LISTEN is not fatal, because the periodic version check still converges.
     */
    void start() {
        reload().await().indefinitely();
        listenConnections.follow(DirectoryRepository.CHANGE_CHANNEL, config.refreshInterval(), "directory refresh",
                this::refresh);
    }

    /** Replaces the copy if the database holds a newer version; cheap when it does not. */
    public Uni<Void> refresh() {
        return repository.version(pool).chain(version -> version == copy.version()
                ? Uni.createFrom().voidItem()
                : reload());
    }

    @Override
    public Uni<Void> catchUp(SqlClient client) {
        return repository.version(client).chain(version -> version == copy.version()
                ? Uni.createFrom().voidItem()
                : repository.snapshot(client).invoke(this::replace).replaceWithVoid());
    }

    /**
     * {@link #refresh()} for a caller that has already committed its change: the change stands whether or not this
     * replica's copy catches up now, and the notification or the periodic check will bring it up to date.
     */
    public Uni<Void> refreshQuietly() {
        return refresh().onFailure().recoverWithUni(failure -> {
            if (!DatabaseOutage.noteIfOutage(failure, "directory refresh")) {
                LOG.warnf("Directory refresh after a local change failed: %s", failure.toString());
            }
            return Uni.createFrom().voidItem();
        });
    }

    private Uni<Void> reload() {
        return repository.snapshot(pool).invoke(this::replace).replaceWithVoid();
    }

    private synchronized void replace(DirectoryRepository.Snapshot snapshot) {
        // Reloads can finish out of order; a copy never goes back to an older version.
        if (snapshot.version() <= copy.version()) {
            return;
        }
        Map<String, CommunityService> byId = new LinkedHashMap<>();
        snapshot.services().forEach(service -> byId.put(service.id(), service));
        copy = new Copy(snapshot.version(), snapshot.services(), Map.copyOf(byId));
        LOG.debugf("Directory version %d: %d services", snapshot.version(), snapshot.services().size());
    }
}
