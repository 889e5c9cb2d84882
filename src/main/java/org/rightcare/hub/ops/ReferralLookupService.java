package org.rightcare.hub.ops;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.rightcare.hub.audit.Actor;
import org.rightcare.hub.audit.AuditLog;
import org.rightcare.hub.audit.AuditRecord;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Finds referrals for operators and reads their timelines. Every referral an operator looks at is audited (who, how
 * they found it), in one transaction with nothing else; a search that finds nothing leaves no trace.
 */
@ApplicationScoped
public class ReferralLookupService {

    static final String READ = "referral.timeline.read";
    static final String ENTITY_TYPE = "referral";

    /** How the operator named the referral. */
    public sealed interface Query {
        /** For the audit trail: which kind of key was used, never the key itself when it identifies the patient. */
        String by();
    }

    public record ByReferralId(UUID referralId) implements Query {
        @Override
        public String by() {
            return "referral-id";
        }
    }

    /** @param cadSystem null to look in every CAD system's incidents */
    public record ByIncident(String incidentId, String cadSystem) implements Query {
        @Override
        public String by() {
            return "incident-id";
        }
    }

    public record ByNhsNumber(String nhsNumber) implements Query {
        @Override
        public String by() {
            return "nhs-number";
        }
    }

    private final Pool pool;
    private final ReferralTimelineRepository timelines;
    private final AuditLog audit;

    public ReferralLookupService(Pool pool, ReferralTimelineRepository timelines, AuditLog audit) {
        this.pool = pool;
        this.timelines = timelines;
        this.audit = audit;
    }

    /** The timelines of every referral the query names, newest first; empty when none. */
    public Uni<List<ReferralTimeline>> find(Query query, Actor actor) {
        return ids(query).chain(found -> found.isEmpty() ? Uni.createFrom().item(List.<ReferralTimeline> of())
                : Multi.createFrom().iterable(found)
                        .onItem().transformToUniAndConcatenate(timelines::timeline)
                        .filter(Optional::isPresent).map(Optional::get)
                        .collect().asList()
                        .call(read -> audited(read, query, actor)));
    }

    private Uni<List<UUID>> ids(Query query) {
        if (query instanceof ByReferralId byId) {
            return timelines.findById(byId.referralId());
        }
        if (query instanceof ByIncident byIncident) {
            return timelines.findByIncident(byIncident.incidentId(), byIncident.cadSystem());
        }
        return timelines.findByNhsNumber(((ByNhsNumber) query).nhsNumber());
    }

    private Uni<Void> audited(List<ReferralTimeline> read, Query query, Actor actor) {
        return pool.withTransaction(tx -> Multi.createFrom().iterable(read)
                .onItem().transformToUniAndConcatenate(timeline -> audit.record(tx, new AuditRecord(actor.name(),
                        actor.organisation(), READ, ENTITY_TYPE, timeline.referral().id().toString(),
                        AuditRecord.SUCCESS, new JsonObject().put("by", query.by()))))
                .collect().last()).replaceWithVoid();
    }
}
