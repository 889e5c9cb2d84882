package org.rightcare.hub.directory;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;
import org.rightcare.hub.audit.Actor;
import org.rightcare.hub.audit.AuditLog;
import org.rightcare.hub.audit.AuditRecord;
import org.rightcare.hub.support.InvalidConfigurationException;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * An operator's "apply the directory file now", without a restart: the file is read and, if it changed since it was
 * last applied, applied exactly as at start (each service change audited, the version bumped), so every replica
 * reloads through the directory's own {@code NOTIFY}. The request itself is audited whatever it changed.
 */
@ApplicationScoped
public class DirectoryFileReloads {

    static final String ACTION = "directory-file.reload";

    private static final Logger LOG = Logger.getLogger(DirectoryFileReloads.class);

    private final DirectoryConfig config;
    private final DirectoryFileApplier applier;
    private final InMemoryServiceDirectory directory;
    private final AuditLog audit;
    private final Pool pool;

    public DirectoryFileReloads(DirectoryConfig config, DirectoryFileApplier applier,
            InMemoryServiceDirectory directory, AuditLog audit, Pool pool) {
        this.config = config;
        this.applier = applier;
        this.directory = directory;
        this.audit = audit;
        this.pool = pool;
    }

    /**
     * Empty when no directory file is configured. Fails with {@link InvalidConfigurationException}, changing
     * nothing, when the file is invalid.
     */
    public Uni<Optional<DirectoryFileApplier.Outcome>> reload(Actor actor) {
        if (config.file().isEmpty()) {
            return Uni.createFrom().item(Optional.empty());
        }
        String location = config.file().get();
        return Uni.createFrom().item(() -> DirectoryFileLoader.load(location))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .chain(applier::apply)
                .call(outcome -> pool.withTransaction(tx -> audit.record(tx, new AuditRecord(actor.name(),
                        actor.organisation(), ACTION, "directory-file", location, AuditRecord.SUCCESS,
                        new JsonObject().put("applied", outcome.applied()).put("version", outcome.version())
                                .put("added", new JsonArray(outcome.added()))
                                .put("changed", new JsonArray(outcome.changed()))
                                .put("removed", new JsonArray(outcome.removed()))))))
                .call(directory::refreshQuietly)
                .invoke(outcome -> LOG.infof("Directory file %s reloaded by %s: %s", location, actor.name(),
                        outcome.applied() ? "applied as version " + outcome.version() : "unchanged since applied"))
                .map(Optional::of);
    }
}
