package org.rightcare.hub.directory;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.rightcare.hub.audit.AuditLog;
import org.rightcare.hub.audit.AuditRecord;
import org.rightcare.hub.referral.ReferralRepository;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Live capacity, read from the database at the moment routing asks, never from a cached copy: capacity changes by
 * the minute and two replicas must agree on it. A RAG status that nobody has refreshed within
 * {@code hub.directory.rag-reset-after} counts as GREEN, as in the NHS Directory of Services. Places are a count the
 * hub keeps (each accepted offer uses one), so they do not expire: they hold until the service sets them again.
 */
@ApplicationScoped
public class CapacityService {

    public static final String ENTITY_TYPE = "service-capacity";

    private final Pool pool;
    private final AuditLog audit;
    private final ReferralRepository referrals;
    private final DirectoryConfig config;
    private final Clock clock;

    public CapacityService(Pool pool, AuditLog audit, ReferralRepository referrals, DirectoryConfig config,
            Clock clock) {
        this.pool = pool;
        this.audit = audit;
        this.referrals = referrals;
        this.config = config;
        this.clock = clock;
    }

    /** The capacity of each service asked about, in the order asked; a service that never said is GREEN, no limit. */
    public Uni<Map<String, Capacity>> current(Collection<String> serviceIds) {
        return current(pool, serviceIds, clock.instant());
    }

    /**
     * The same, read on the caller's connection and as at {@code now}. A caller inside a transaction must use this:
     * asking the pool for a second connection while holding one deadlocks the pool once every connection does it.
     */
    public Uni<Map<String, Capacity>> current(SqlClient client, Collection<String> serviceIds, Instant now) {
        String[] ids = serviceIds.toArray(String[]::new);
        return client.preparedQuery(
                "SELECT service_id, rag, places, updated_at FROM service_capacity WHERE service_id = ANY($1)")
                .execute(Tuple.of(ids))
                .map(rows -> {
                    Map<String, Capacity> stored = new HashMap<>();
                    rows.forEach(row -> stored.put(row.getString("service_id"), effective(toCapacity(row), now)));
                    Map<String, Capacity> answer = new LinkedHashMap<>();
                    for (String id : serviceIds) {
                        answer.put(id, stored.getOrDefault(id, Capacity.unknown()));
                    }
                    return answer;
                });
    }

    /** What routing should believe at {@code now}: a stale AMBER or RED is GREEN again; places stand. */
    Capacity effective(Capacity stated, Instant now) {
        if (stated.rag() != Capacity.Rag.GREEN && stated.updatedAt() != null
                && !stated.updatedAt().plus(config.ragResetAfter()).isAfter(now)) {
            return new Capacity(Capacity.Rag.GREEN, stated.places(), stated.updatedAt());
        }
        return stated;
    }

    public Uni<Capacity> update(SqlClient tx, String serviceId, Capacity.Rag rag, Integer places, String actor) {
        return update(tx, serviceId, rag, places, actor, null);
    }

    /**
     * Records what the service says now, audited with before and after. The offers open with the service are
     * re-checked at once (a service with no room left loses them to the next one), in the same transaction.
     *
     * @param actorOrganisation the actor's ODS code, for the audit record; may be null
     * @return the new capacity; fails with {@link UnknownServiceException} when the directory has no such service
     */
    public Uni<Capacity> update(SqlClient tx, String serviceId, Capacity.Rag rag, Integer places, String actor,
            String actorOrganisation) {
        if (rag == null || places != null && places < 0) {
            return Uni.createFrom().failure(new IllegalArgumentException("rag is required and places cannot be negative"));
        }
        Instant now = clock.instant();
        return tx.preparedQuery("SELECT 1 FROM directory_service WHERE id = $1 FOR SHARE").execute(Tuple.of(serviceId))
                .chain(found -> found.size() == 0
                        ? Uni.createFrom().<Optional<Capacity>> failure(new UnknownServiceException(serviceId))
                        : stored(tx, serviceId))
                .chain(before -> tx.preparedQuery("""
                        INSERT INTO service_capacity (service_id, rag, places, updated_at, updated_by)
                        VALUES ($1, $2, $3, $4, $5)
                        ON CONFLICT (service_id) DO UPDATE SET rag = EXCLUDED.rag, places = EXCLUDED.places,
                                                               updated_at = EXCLUDED.updated_at,
                                                               updated_by = EXCLUDED.updated_by
                        RETURNING rag, places, updated_at
                        """).execute(Tuple.of(serviceId, rag.name(), places, now.atOffset(ZoneOffset.UTC), actor))
                        .map(rows -> toCapacity(rows.iterator().next()))
                        .call(after -> audit.record(tx, new AuditRecord(actor, actorOrganisation, "capacity.update",
                                ENTITY_TYPE, serviceId, AuditRecord.SUCCESS, new JsonObject()
                                        .put("before", before.map(CapacityService::summary).orElse(null))
                                        .put("after", summary(after)))))
                        .call(() -> referrals.recheckOpenOffersOf(tx, List.of(serviceId), now)));
    }

    /**
     * An accepted offer uses a place. Atomic under concurrent acceptances: places never go below 0.
     *
     * @return true when a place was taken or the service does not count places; false when it has none left
     */
    public Uni<Boolean> usePlace(SqlClient tx, String serviceId) {
        // The outer SELECT sees the row as it was before the UPDATE: a service with no row or no count always has
        // room, and one whose count the UPDATE could not decrement had none left.
        return tx.preparedQuery("""
                WITH taken AS (
                    UPDATE service_capacity SET places = places - 1
                    WHERE service_id = $1 AND places > 0
                    RETURNING 1
                )
                SELECT EXISTS (SELECT 1 FROM taken)
                    OR NOT EXISTS (SELECT 1 FROM service_capacity WHERE service_id = $1 AND places IS NOT NULL) AS ok
                """).execute(Tuple.of(serviceId)).map(rows -> rows.iterator().next().getBoolean("ok"));
    }

    private static Uni<Optional<Capacity>> stored(SqlClient tx, String serviceId) {
        return tx.preparedQuery("SELECT rag, places, updated_at FROM service_capacity WHERE service_id = $1 FOR UPDATE")
                .execute(Tuple.of(serviceId))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(toCapacity(rows.iterator().next())));
    }

    private static Capacity toCapacity(Row row) {
        return new Capacity(Capacity.Rag.valueOf(row.getString("rag")), row.getInteger("places"),
                row.getOffsetDateTime("updated_at").toInstant());
    }

    private static JsonObject summary(Capacity capacity) {
        return new JsonObject().put("rag", capacity.rag().name()).put("places", capacity.places())
                .put("updatedAt", capacity.updatedAt().toString());
    }
}
