package org.rightcare.hub.cascade;

import java.time.Clock;
import java.time.Instant;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.rightcare.hub.audit.AuditLog;
import org.rightcare.hub.audit.AuditRecord;
import org.rightcare.hub.metrics.AfterCommitCounts;
import org.rightcare.hub.metrics.HubMetrics;
import org.rightcare.hub.referral.ReferralRepository;
import org.rightcare.hub.referral.SendBackReason;
import org.rightcare.hub.security.Caller;
import org.rightcare.hub.security.Roles;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * A hub clinician sends a case back to the ambulance service with a reason (from the board): the clinical hub's
 * judgement that no community service should take it. Runs under the referral's row lock like every step of the
 * send-back loop, so it cannot race an acceptance, and is audited under the clinician whatever the outcome.
 */
@ApplicationScoped
public class ClinicianSendBacks {

    /** The outcome, for the caller to turn into its own answer. */
    public sealed interface Result {
    }

    public record SentBack() implements Result {
    }

    /** No such referral, or the caller is not a hub clinician. */
    public record NotFound() implements Result {
    }

    /** Already accepted, sent back, cancelled or completed. */
    public record NoLongerOpen(String detail) implements Result {
    }

    private final Pool pool;
    private final ReferralRepository referrals;
    private final ReferralCascade cascade;
    private final AuditLog audit;
    private final HubMetrics metrics;
    private final Clock clock;

    public ClinicianSendBacks(Pool pool, ReferralRepository referrals, ReferralCascade cascade, AuditLog audit,
            HubMetrics metrics, Clock clock) {
        this.pool = pool;
        this.referrals = referrals;
        this.cascade = cascade;
        this.audit = audit;
        this.metrics = metrics;
        this.clock = clock;
    }

    public Uni<Result> sendBack(Caller caller, UUID referralId, SendBackReason reason) {
        return sendBack(caller, referralId, reason, null);
    }

    /**
     * @param text the clinician's own words, passed on to the CAD as the reason's {@code text}; null or blank when
     *        none
     */
    public Uni<Result> sendBack(Caller caller, UUID referralId, SendBackReason reason, String text) {
        if (!caller.has(Roles.HUB_CLINICIAN)) {
            return Uni.createFrom().item(new NotFound());
        }
        Instant now = clock.instant();
        AfterCommitCounts counts = new AfterCommitCounts();
        return pool.withTransaction(tx -> referrals.lockById(tx, referralId).chain(found -> {
            if (found.isEmpty()) {
                return Uni.createFrom().item((Result) new NotFound());
            }
            if (found.get().status().isTerminal()) {
                return Uni.createFrom().item((Result) new NoLongerOpen(
                        "The case is no longer open: it is " + found.get().status().wireValue()));
            }
            return cascade.sentBackByClinician(tx, found.get(), reason, text, now, counts)
                    .replaceWith((Result) new SentBack());
        }).call(result -> audit.record(tx, new AuditRecord(caller.subject(), caller.organisation(),
                "referral.send-back", "ServiceRequest", referralId.toString(),
                result instanceof SentBack ? AuditRecord.SUCCESS
                        : result instanceof NotFound ? "not-found" : "no-longer-open",
                new JsonObject().put("reason", reason.code()).put("withText", text != null && !text.isBlank())))))
                .invoke(result -> {
                    if (result instanceof SentBack) {
                        metrics.committed(counts);
                    }
                });
    }
}
