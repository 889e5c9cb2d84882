package org.rightcare.hub.directory;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;
import org.rightcare.hub.audit.Actor;
import org.rightcare.hub.audit.AuditLog;
import org.rightcare.hub.audit.AuditRecord;
import org.rightcare.hub.referral.ReferralRepository;
import org.rightcare.hub.support.FieldError;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * Run-time changes to the directory, each in one transaction with its audit record and a version bump that makes
 * every replica reload. Reads answer from the database, so an administrator sees their change at once.
 */
@ApplicationScoped
public class DirectoryAdminService {

    public static final String ENTITY_TYPE = "directory-service";

    private static final Logger LOG = Logger.getLogger(DirectoryAdminService.class);

    /** What a PUT did: created the service, replaced it, or found it already exactly so. */
    public record PutOutcome(CommunityService service, boolean created, boolean changed) {
    }

    private final Pool pool;
    private final DirectoryRepository repository;
    private final CapacityService capacity;
    private final AuditLog audit;
    private final InMemoryServiceDirectory directory;
    private final ReferralRepository referrals;
    private final Clock clock;

    public DirectoryAdminService(Pool pool, DirectoryRepository repository, CapacityService capacity, AuditLog audit,
            InMemoryServiceDirectory directory, ReferralRepository referrals, Clock clock) {
        this.pool = pool;
        this.repository = repository;
        this.capacity = capacity;
        this.audit = audit;
        this.directory = directory;
        this.referrals = referrals;
        this.clock = clock;
    }

    public Uni<List<CommunityService>> services() {
        return repository.findAll(pool);
    }

    public Uni<Optional<CommunityService>> find(String id) {
        return repository.find(pool, id);
    }

    /**
     * Creates or replaces a service. The offers open with it are re-checked at once against the new entry (see
     * {@link ReferralRepository#recheckOpenOffersOf}), as are those of a service removed. Fails with
     * {@link ServiceDefinitionRejectedException} when the organisation's
     * ODS code already has another name in the directory (one code, one FHIR Organization, one name).
     */
    public Uni<PutOutcome> put(CommunityService service, Actor actor) {
        // Every way in obeys the file's rules, so the table never holds a definition a snapshot cannot read back.
        ServiceDefinitionFormat.Result checked = ServiceDefinitionFormat.read(ServiceDefinitionFormat.write(service), "");
        if (!checked.isValid()) {
            return Uni.createFrom().failure(new ServiceDefinitionRejectedException(checked.errors()));
        }
        Instant now = clock.instant();
        return pool.withTransaction(tx -> repository.lock(tx)
                .chain(() -> repository.find(tx, service.id()))
                .call(() -> checkOrganisationName(tx, service))
                .chain(before -> {
                    ObjectNode after = ServiceDefinitionFormat.write(service);
                    Optional<ObjectNode> previous = before.map(ServiceDefinitionFormat::write);
                    if (previous.isPresent() && previous.get().equals(after)) {
                        return Uni.createFrom().item(new PutOutcome(service, false, false));
                    }
                    String action = previous.isPresent() ? "directory-service.update" : "directory-service.create";
                    return change(tx, actor, action, service.id(), previous.orElse(null), after, now)
                            .chain(() -> repository.upsert(tx, service, actor.name(), now))
                            .chain(() -> referrals.recheckOpenOffersOf(tx, List.of(service.id()), now))
                            .replaceWith(new PutOutcome(service, previous.isEmpty(), true));
                }))
                .call(outcome -> outcome.changed() ? directory.refreshQuietly() : Uni.createFrom().voidItem())
                .invoke(outcome -> {
                    if (outcome.changed()) {
                        LOG.infof("Directory service %s %s by %s", service.id(),
                                outcome.created() ? "created" : "replaced", actor.name());
                    }
                });
    }

    /** True when the service existed and is now gone. */
    public Uni<Boolean> delete(String id, Actor actor) {
        Instant now = clock.instant();
        return pool.withTransaction(tx -> repository.lock(tx)
                .chain(() -> repository.find(tx, id))
                .chain(before -> before.isEmpty() ? Uni.createFrom().item(false)
                        : repository.delete(tx, id)
                                .call(() -> change(tx, actor, "directory-service.delete", id,
                                        ServiceDefinitionFormat.write(before.get()), null, now))
                                .call(() -> referrals.recheckOpenOffersOf(tx, List.of(id), now))))
                .call(deleted -> deleted ? directory.refreshQuietly() : Uni.createFrom().voidItem())
                .invoke(deleted -> {
                    if (deleted) {
                        LOG.infof("Directory service %s deleted by %s", id, actor.name());
                    }
                });
    }

    /** Capacity is read live at routing time, so a change needs no directory reload. */
    public Uni<Capacity> updateCapacity(String id, Capacity.Rag rag, Integer places, Actor actor) {
        return pool.withTransaction(tx -> capacity.update(tx, id, rag, places, actor.name(), actor.organisation()));
    }

    public Uni<Capacity> capacity(String id) {
        return repository.find(pool, id).chain(found -> found.isEmpty()
                ? Uni.createFrom().<Capacity> failure(new UnknownServiceException(id))
                : capacity.current(List.of(id)).map(all -> all.get(id)));
    }

    /** Audits one service change and bumps the version; {@code before} or {@code after} is null for create, delete. */
    Uni<Void> change(SqlClient tx, Actor actor, String action, String id, ObjectNode before, ObjectNode after,
            Instant now) {
        return repository.bumpVersion(tx, now)
                .chain(version -> audit.record(tx, new AuditRecord(actor.name(), actor.organisation(), action,
                        ENTITY_TYPE, id, AuditRecord.SUCCESS, difference(before, after).put("version", version))));
    }

    private Uni<Void> checkOrganisationName(SqlClient tx, CommunityService service) {
        return repository.findByOrganisation(tx, service.odsCode()).chain(others -> {
            Optional<CommunityService> named = others.stream()
                    .filter(other -> !other.id().equals(service.id()))
                    .filter(other -> !other.organisationName().equals(service.organisationName()))
                    .findFirst();
            if (named.isEmpty()) {
                return Uni.createFrom().voidItem();
            }
            return Uni.createFrom().failure(new ServiceDefinitionRejectedException(List.of(new FieldError(
                    "/organisation/name", "organisation " + service.odsCode() + " is named '"
                            + named.get().organisationName() + "' by service " + named.get().id()
                            + "; one ODS code has one name"))));
        });
    }

    /**
     * The top-level fields that differ, with their values before and after: enough for an auditor to see what
     * changed without diffing two whole definitions.
     */
    static JsonObject difference(ObjectNode before, ObjectNode after) {
        JsonObject was = new JsonObject();
        JsonObject now = new JsonObject();
        TreeSet<String> fields = new TreeSet<>();
        if (before != null) {
            before.fieldNames().forEachRemaining(fields::add);
        }
        if (after != null) {
            after.fieldNames().forEachRemaining(fields::add);
        }
        JsonArray changed = new JsonArray();
        for (String field : fields) {
            JsonNode old = before == null ? null : before.get(field);
            JsonNode current = after == null ? null : after.get(field);
            if (old == null ? current != null : !old.equals(current)) {
                changed.add(field);
                was.put(field, toJson(old));
                now.put(field, toJson(current));
            }
        }
        return new JsonObject().put("changed", changed)
                .put("before", before == null ? null : was)
                .put("after", after == null ? null : now);
    }

    private static Object toJson(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        return Json.decodeValue(node.toString());
    }
}
