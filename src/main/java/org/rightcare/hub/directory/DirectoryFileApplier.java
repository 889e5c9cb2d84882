package org.rightcare.hub.directory;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import org.rightcare.hub.audit.Actor;
import org.rightcare.hub.audit.AuditLog;
import org.rightcare.hub.audit.AuditRecord;
import org.rightcare.hub.referral.ReferralRepository;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * Makes the database directory what a directory file says, once per version of the file. The file's hash is kept
 * with the directory: a file already applied is not applied again, so restarting the hub keeps the changes made
 * through the admin API since, while deploying a changed file replaces the directory with it (every service added,
 * changed or removed is audited, and capacity of the services that stay is kept).
 */
@ApplicationScoped
public class DirectoryFileApplier {

    /** The actor named in the audit trail for changes that come from the file. */
    public static final Actor FILE_ACTOR = Actor.hub("directory-file");

    /** What applying the file did; all lists empty and {@code applied} false when it had been applied already. */
    public record Outcome(boolean applied, long version, List<String> added, List<String> changed,
            List<String> removed) {
    }

    private final Pool pool;
    private final DirectoryRepository repository;
    private final AuditLog audit;
    private final ReferralRepository referrals;
    private final Clock clock;

    public DirectoryFileApplier(Pool pool, DirectoryRepository repository, AuditLog audit,
            ReferralRepository referrals, Clock clock) {
        this.pool = pool;
        this.repository = repository;
        this.audit = audit;
        this.referrals = referrals;
        this.clock = clock;
    }

    public Uni<Outcome> apply(DirectoryFileLoader.DirectoryFile file) {
        Instant now = clock.instant();
        // The lock makes replicas that start together with a new file apply it once: the others find its hash.
        return pool.withTransaction(tx -> repository.lock(tx).chain(state -> file.sha256()
                .equals(state.appliedFileSha256())
                        ? Uni.createFrom().item(new Outcome(false, state.version(), List.of(), List.of(), List.of()))
                        : repository.findAll(tx)
                                // Serialising and comparing thousands of services is seconds of CPU on a loaded
                                // machine: not on the event loop, which every request and the pool share.
                                .emitOn(Infrastructure.getDefaultWorkerPool())
                                .map(current -> Changes.between(current, file))
                                .chain(changes -> replace(tx, file, changes, now))));
    }

    /** What a file changes in the directory, with the audit detail of each change, worked out before any write. */
    private record Changes(List<String> added, List<String> changed, List<String> removed,
            List<Write> writes) {

        static Changes between(List<CommunityService> current, DirectoryFileLoader.DirectoryFile file) {
            Map<String, ObjectNode> existing = new LinkedHashMap<>();
            current.forEach(service -> existing.put(service.id(), ServiceDefinitionFormat.write(service)));
            Changes changes = new Changes(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
            for (CommunityService service : file.services()) {
                ObjectNode before = existing.remove(service.id());
                ObjectNode after = ServiceDefinitionFormat.write(service);
                if (before != null && before.equals(after)) {
                    continue;
                }
                (before == null ? changes.added : changes.changed).add(service.id());
                String action = before == null ? "directory-service.create" : "directory-service.update";
                JsonObject detail = DirectoryAdminService.difference(before, after).put("file", file.location());
                changes.writes.add(new Write(service, null, action, detail));
            }
            for (Map.Entry<String, ObjectNode> gone : existing.entrySet()) {
                changes.removed.add(gone.getKey());
                changes.writes.add(new Write(null, gone.getKey(), "directory-service.delete",
                        DirectoryAdminService.difference(gone.getValue(), null).put("file", file.location())));
            }
            return changes;
        }
    }

    /** One service upserted ({@code service} set) or deleted ({@code removedId} set), and its audit record. */
    private record Write(CommunityService service, String removedId, String action, JsonObject detail) {
    }

    private Uni<Outcome> replace(SqlClient tx, DirectoryFileLoader.DirectoryFile file, Changes changes, Instant now) {
        // One step per change, run one after another on the transaction's connection. Not one long chain of Unis:
        // subscribing to that nests a few frames per link, and a file of 2,000 services overflowed the stack.
        List<Supplier<Uni<Void>>> steps = new ArrayList<>();
        for (Write write : changes.writes()) {
            steps.add(() -> (write.service() != null
                    ? repository.upsert(tx, write.service(), FILE_ACTOR.name(), now)
                    : repository.delete(tx, write.removedId()).replaceWithVoid())
                    .chain(() -> record(tx, write.action(),
                            write.service() != null ? write.service().id() : write.removedId(), write.detail())));
        }
        return Multi.createFrom().iterable(steps).onItem().transformToUniAndConcatenate(Supplier::get)
                .collect().last()
                // The offers open with a service changed or removed are re-checked against the new directory.
                .chain(() -> referrals.recheckOpenOffersOf(tx, concat(changes.changed(), changes.removed()), now))
                .chain(() -> repository.recordAppliedFile(tx, file.location(), file.sha256(), now))
                .chain(() -> repository.bumpVersion(tx, now))
                .call(version -> record(tx, "directory-file.apply", file.location(), new JsonObject()
                        .put("sha256", file.sha256())
                        .put("version", version)
                        .put("added", new JsonArray(changes.added()))
                        .put("changed", new JsonArray(changes.changed()))
                        .put("removed", new JsonArray(changes.removed()))))
                .map(version -> new Outcome(true, version, changes.added(), changes.changed(), changes.removed()));
    }

    private static List<String> concat(List<String> first, List<String> second) {
        List<String> both = new ArrayList<>(first);
        both.addAll(second);
        return both;
    }

    private Uni<Void> record(SqlClient tx, String action, String entityId, JsonObject detail) {
        String entityType = action.startsWith("directory-file") ? "directory-file" : DirectoryAdminService.ENTITY_TYPE;
        return audit.record(tx, new AuditRecord(FILE_ACTOR.name(), FILE_ACTOR.organisation(), action, entityType,
                entityId, AuditRecord.SUCCESS, detail));
    }
}
