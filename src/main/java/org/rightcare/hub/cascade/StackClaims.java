package org.rightcare.hub.cascade;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import org.rightcare.hub.audit.AuditLog;
import org.rightcare.hub.audit.AuditRecord;
import org.rightcare.hub.directory.CommunityService;
import org.rightcare.hub.metrics.AfterCommitCounts;
import org.rightcare.hub.metrics.HubMetrics;
import org.rightcare.hub.offers.Offer;
import org.rightcare.hub.offers.OfferRepository;
import org.rightcare.hub.referral.Referral;
import org.rightcare.hub.referral.ReferralRepository;
import org.rightcare.hub.security.Caller;
import org.rightcare.hub.stack.CaseView;
import org.rightcare.hub.stack.ClinicalStack;
import org.rightcare.hub.support.CorrelationId;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * A community service takes a case from its clinical stack: the one domain operation behind {@code POST /fhir/Task}
 * and the board. It runs under the referral's row lock, as every step of the cascade does, so when several services
 * claim the same case at once exactly one wins and the others are told it has gone. It decides whether the caller
 * may claim the case ({@link ClinicalStack}) and audits the claim; the cascade makes the winner's claim an accepted
 * offer ({@link ReferralCascade#claimed}: the CAD hears {@code referral.accepted}, and an offer open with another
 * service at that moment is withdrawn).
 */
@ApplicationScoped
public class StackClaims {

    /** The outcome, for the caller to turn into its own protocol's answer. */
    public sealed interface Result {
    }

    /** The caller's service now holds the case: the accepted offer. */
    public record Claimed(Offer offer) implements Result {
    }

    /** No such referral for this caller: not offered to it and not on its stack (or not at all). */
    public record NotFound() implements Result {
    }

    /** The case has left the stack (accepted by another service, sent back, cancelled) or never was on it. */
    public record NoLongerOpen(String detail) implements Result {
    }

    /** The named service is not the caller's, or the caller must name one of several that can take the case. */
    public record ServiceNotEligible(String detail) implements Result {
    }

    /**
     * The caller's service may not take the case now: closed now, not eligible for the patient, or not covering the
     * location ({@link ClinicalStack#whyNotClaimable}); a conflict with the state of the world, with the reason.
     */
    public record NotClaimable(String reason) implements Result {
    }

    private final Pool pool;
    private final ReferralRepository referrals;
    private final OfferRepository offers;
    private final ReferralCascade cascade;
    private final ClinicalStack stack;
    private final AuditLog audit;
    private final HubMetrics metrics;
    private final Clock clock;

    public StackClaims(Pool pool, ReferralRepository referrals, OfferRepository offers, ReferralCascade cascade,
            ClinicalStack stack, AuditLog audit, HubMetrics metrics, Clock clock) {
        this.pool = pool;
        this.referrals = referrals;
        this.offers = offers;
        this.cascade = cascade;
        this.stack = stack;
        this.audit = audit;
        this.metrics = metrics;
        this.clock = clock;
    }

    /**
     * @param serviceId the caller's service that takes the case; null lets the hub pick when only one of the
     *        caller's services may take it
     */
    public Uni<Result> claim(Caller caller, UUID referralId, String serviceId) {
        if (!caller.isProvider()) {
            return Uni.createFrom().item(new NotFound());
        }
        Instant now = clock.instant();
        AfterCommitCounts counts = new AfterCommitCounts();
        return pool.withTransaction(tx -> referrals.lockById(tx, referralId).chain(found -> {
            if (found.isEmpty()) {
                return Uni.createFrom().item((Result) new NotFound());
            }
            CorrelationId.use(found.get().correlationId());
            return offers.findByReferral(tx, referralId)
                    .chain(all -> decide(tx, caller, found.get(), all, serviceId, now, counts))
                    .call(result -> audit.record(tx, auditRecord(caller, referralId, serviceId, result)));
        })).invoke(result -> {
            if (result instanceof Claimed) {
                metrics.committed(counts);
            }
        });
    }

    private Uni<Result> decide(SqlClient tx, Caller caller, Referral referral, List<Offer> all, String serviceId,
            Instant now, AfterCommitCounts counts) {
        if (stack.viewFor(caller, referral, all, now) == CaseView.NONE) {
            // A case that was on the caller's stack until another service took it is "gone", not "unknown".
            return Uni.createFrom().item(caller.isProvider()
                    && !stack.eligibleServices(caller.organisation(), referral, now).isEmpty()
                            ? new NoLongerOpen("The case is no longer open: it is " + referral.status().wireValue())
                            : new NotFound());
        }
        if (!ClinicalStack.isOnStack(referral)) {
            return Uni.createFrom().item(new NoLongerOpen(referral.status().isTerminal()
                    ? "The case is no longer open: it is " + referral.status().wireValue()
                    : "Category " + referral.incident().category().code() + " cases are not on the clinical stack"));
        }
        CommunityService chosen;
        if (serviceId == null) {
            List<CommunityService> eligible = stack.claimableBy(caller.organisation(), referral, now);
            List<CommunityService> open = eligible.stream()
                    .filter(service -> stack.whyNotClaimable(service, referral, now).isEmpty()).toList();
            if (open.isEmpty() && !eligible.isEmpty()) {
                return Uni.createFrom().item(new NotClaimable(eligible.stream()
                        .map(service -> stack.whyNotClaimable(service, referral, now).orElseThrow())
                        .collect(Collectors.joining("; "))));
            }
            if (open.size() != 1) {
                return Uni.createFrom().item(new ServiceNotEligible(open.isEmpty()
                        ? "None of your services may take this case"
                        : "Name the service that takes the case, one of: "
                                + open.stream().map(CommunityService::id).collect(Collectors.joining(", "))));
            }
            chosen = open.get(0);
        } else {
            Optional<CommunityService> own = stack.serviceOf(caller.organisation(), serviceId);
            if (own.isEmpty()) {
                return Uni.createFrom().item(new ServiceNotEligible("Service " + serviceId
                        + " is not one of your services"));
            }
            Optional<String> why = stack.whyNotClaimable(own.get(), referral, now);
            if (why.isPresent()) {
                return Uni.createFrom().item(new NotClaimable(why.get()));
            }
            chosen = own.get();
        }
        return cascade.claimed(tx, referral, chosen, all, now, counts).map(offer -> (Result) new Claimed(offer));
    }

    private static AuditRecord auditRecord(Caller caller, UUID referralId, String serviceId, Result result) {
        String outcome = result instanceof Claimed ? AuditRecord.SUCCESS
                : result instanceof NotFound ? "not-found"
                        : result instanceof NoLongerOpen ? "no-longer-open"
                                : result instanceof NotClaimable ? "not-claimable"
                                        : "service-not-eligible";
        JsonObject detail = new JsonObject().put("serviceId", result instanceof Claimed claimed
                ? claimed.offer().serviceId()
                : serviceId);
        if (result instanceof NotClaimable refused) {
            detail.put("reason", refused.reason());
        }
        if (result instanceof Claimed claimed) {
            detail.put("task", claimed.offer().id().toString());
        }
        return new AuditRecord(caller.subject(), caller.organisation(), "referral.claim", "ServiceRequest",
                referralId.toString(), outcome, detail);
    }
}
