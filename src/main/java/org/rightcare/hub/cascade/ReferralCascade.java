package org.rightcare.hub.cascade;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BiFunction;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;
import org.rightcare.hub.directory.CapacityService;
import org.rightcare.hub.directory.CommunityService;
import org.rightcare.hub.directory.ServiceDirectory;
import org.rightcare.hub.metrics.AfterCommitCounts;
import org.rightcare.hub.offers.Offer;
import org.rightcare.hub.offers.OfferRepository;
import org.rightcare.hub.offers.OfferStatus;
import org.rightcare.hub.offers.OfferStatusReason;
import org.rightcare.hub.referral.Referral;
import org.rightcare.hub.referral.ReferralRepository;
import org.rightcare.hub.referral.ReferralStatus;
import org.rightcare.hub.referral.SendBackReason;
import org.rightcare.hub.routing.Router;
import org.rightcare.hub.routing.RoutingDecision;
import org.rightcare.hub.routing.RoutingDecisionRepository;
import org.rightcare.hub.routing.RoutingPolicies;
import org.rightcare.hub.routing.RoutingPolicy;

import io.quarkus.arc.All;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * The referral cascade: every change of a referral's route goes through here. A referral is offered to the first
 * candidate service; on a rejection or a deadline with no answer it goes to the next candidate while the policy's
 * time budget lasts; otherwise it goes back to the ambulance service with the reason. An upgrade to an
 * ambulance-only category or a CAD cancel withdraws every offer at once. Each step runs in the caller's transaction
 * with the referral's row locked. What each step did (offers answered, referrals concluded) goes into the caller's
 * {@link AfterCommitCounts}, for the metrics once it commits. The decisions themselves (which service next, until
 * when, or why back) are {@link SendBackRules}', which the what-if simulator applies too; this class applies them to
 * the database.
 *
 * <p>
 * Who hears of a step is not this class's business: in the step's transaction, an offer made or closed goes to
 * the service's {@link OfferTransport} ({@link OfferDeliveries}), then every {@link ReferralListener} (subscribers,
 * then the CAD) hears of the step, in that fixed order.
 */
@ApplicationScoped
public class ReferralCascade {

    private static final Logger LOG = Logger.getLogger(ReferralCascade.class);

    private final ReferralRepository referrals;
    private final OfferRepository offers;
    private final RoutingDecisionRepository decisions;
    private final RoutingPolicies policies;
    private final Router router;
    private final ServiceDirectory directory;
    private final CapacityService capacity;
    private final OfferDeliveries deliveries;
    private final List<ReferralListener> listeners;

    public ReferralCascade(ReferralRepository referrals, OfferRepository offers, RoutingDecisionRepository decisions,
            RoutingPolicies policies, Router router, ServiceDirectory directory, CapacityService capacity,
            OfferDeliveries deliveries, @All List<ReferralListener> listeners) {
        this.referrals = referrals;
        this.offers = offers;
        this.decisions = decisions;
        this.policies = policies;
        this.router = router;
        this.directory = directory;
        this.capacity = capacity;
        this.deliveries = deliveries;
        this.listeners = List.copyOf(listeners);
    }

    /**
     * Looks at a referral whose next action is due: routes a new one, moves past an offer whose deadline passed, or
     * sends it back. The caller holds the referral's row lock.
     */
    public Uni<Referral> advance(SqlClient tx, Referral referral, Instant now, AfterCommitCounts counts) {
        if (referral.status().isTerminal()) {
            return referrals.updateCascade(tx, referral.id(), referral.status(), null, referral.budgetEndsAt(),
                    referral.sendBackReason(), now);
        }
        return offers.findByReferral(tx, referral.id()).chain(all -> {
            Optional<Offer> open = all.stream().filter(o -> o.status().isOpen()).findFirst();
            if (open.isEmpty()) {
                return routeNext(tx, referral, all, now, counts);
            }
            if (!SendBackRules.deadlinePassed(open.get(), now)) {
                return referrals.updateCascade(tx, referral.id(), referral.status(), open.get().deadlineAt(),
                        referral.budgetEndsAt(), null, now);
            }
            return offers.updateStatus(tx, open.get().id(), OfferStatus.FAILED, OfferStatusReason.TIMED_OUT, now)
                    .call(timedOut -> deliveries.offerClosed(tx, referral, timedOut))
                    .invoke(() -> counts.offerAnswered(AfterCommitCounts.OfferAnswer.TIMED_OUT))
                    .chain(timedOut -> routeNext(tx, referral, replace(all, timedOut), now, counts));
        });
    }

    /** A provider declined: the case moves on to the next candidate, or back to the ambulance service. */
    public Uni<Referral> declined(SqlClient tx, Referral referral, Offer offer, OfferStatusReason reason, Instant now,
            AfterCommitCounts counts) {
        counts.offerAnswered(AfterCommitCounts.OfferAnswer.REJECTED);
        return offers.updateStatus(tx, offer.id(), OfferStatus.REJECTED, reason, now)
                .call(rejected -> deliveries.offerClosed(tx, referral, rejected))
                .chain(rejected -> offers.findByReferral(tx, referral.id()))
                .chain(all -> routeNext(tx, referral, all, now, counts));
    }

    /**
     * The hub gave up delivering the offer to the service's endpoint: it fails as if unanswered, and the case moves
     * on at once rather than waiting out the acceptance window of a service that cannot have seen it.
     */
    public Uni<Referral> undeliverable(SqlClient tx, Referral referral, Offer offer, Instant now,
            AfterCommitCounts counts) {
        counts.offerAnswered(AfterCommitCounts.OfferAnswer.UNDELIVERABLE);
        return offers.updateStatus(tx, offer.id(), OfferStatus.FAILED, OfferStatusReason.UNDELIVERABLE, now)
                .call(failed -> deliveries.offerClosed(tx, referral, failed))
                .chain(failed -> offers.findByReferral(tx, referral.id()))
                .chain(all -> routeNext(tx, referral, all, now, counts));
    }

    /** A provider took the patient: the referral is accepted, a place is used, the CAD is told. */
    public Uni<Referral> accepted(SqlClient tx, Referral referral, Offer offer, Instant now,
            AfterCommitCounts counts) {
        String serviceType = serviceType(offer.serviceId());
        counts.offerAnswered(AfterCommitCounts.OfferAnswer.ACCEPTED);
        counts.concluded(AfterCommitCounts.ReferralOutcome.ACCEPTED, serviceType, null);
        counts.accepted(serviceType, Duration.between(referral.createdAt(), now));
        return offers.updateStatus(tx, offer.id(), OfferStatus.ACCEPTED, null, now)
                .chain(taken -> capacity.usePlace(tx, offer.serviceId()))
                .chain(ignored -> referrals.updateCascade(tx, referral.id(), ReferralStatus.ACCEPTED, null,
                        referral.budgetEndsAt(), null, now))
                .call(updated -> tell(tx, referral, updated, now, (listener, change) -> listener.accepted(tx, change,
                        asNow(change, offer), directory.find(offer.serviceId()))));
    }

    /**
     * A provider's service claims the case from its clinical stack: the claim is an offer to {@code service},
     * accepted at once. If the router had already offered the case to that very service, claiming it is accepting
     * that offer; otherwise an offer open with another service is withdrawn first. The caller holds the referral's
     * row lock and has checked the case is on the service's stack. Returns the accepted offer.
     *
     * @param offersSoFar every offer of the referral, read under the lock
     */
    public Uni<Offer> claimed(SqlClient tx, Referral referral, CommunityService service, List<Offer> offersSoFar,
            Instant now, AfterCommitCounts counts) {
        Optional<Offer> ownOpenOffer = offersSoFar.stream()
                .filter(o -> o.status().isOpen() && o.serviceId().equals(service.id())).findFirst();
        Uni<Offer> claim = ownOpenOffer.map(open -> Uni.createFrom().item(open)).orElseGet(() -> offers
                .cancelHolding(tx, referral.id(), OfferStatusReason.CLAIMED_BY_ANOTHER_SERVICE, now)
                .call(withdrawn -> deliveries.offersClosed(tx, referral, withdrawn))
                .invoke(withdrawn -> withdrawn
                        .forEach(o -> counts.offerAnswered(AfterCommitCounts.OfferAnswer.CANCELLED)))
                .chain(withdrawn -> offers.insert(tx, new Offer(UUID.randomUUID(), referral.id(),
                        offersSoFar.size() + 1, service.id(), service.odsCode(), OfferStatus.REQUESTED, null, now, now,
                        null, now, 1))));
        return claim.call(offer -> accepted(tx, referral, offer, now, counts))
                .chain(offer -> offers.findById(tx, offer.id())).map(Optional::orElseThrow);
    }

    /**
     * A hub clinician decided the case belongs with the ambulance service: any offer still open is withdrawn and the
     * CAD hears the reason, as when the cascade itself sends a case back. The caller holds the referral's row lock
     * and has checked that the referral is still open.
     */
    public Uni<Referral> sentBackByClinician(SqlClient tx, Referral referral, SendBackReason reason, Instant now,
            AfterCommitCounts counts) {
        return withdrawHolding(tx, referral, OfferStatusReason.SENT_BACK_BY_HUB, now, counts)
                .chain(withdrawn -> offers.findByReferral(tx, referral.id()))
                .chain(all -> sendBack(tx, referral, reason, all, now, counts));
    }

    /** The accepting service finished its care. */
    public Uni<Referral> completed(SqlClient tx, Referral referral, Offer offer, Instant now,
            AfterCommitCounts counts) {
        counts.concluded(AfterCommitCounts.ReferralOutcome.COMPLETED, serviceType(offer.serviceId()), null);
        return offers.updateStatus(tx, offer.id(), OfferStatus.COMPLETED, null, now)
                .chain(done -> referrals.updateCascade(tx, referral.id(), ReferralStatus.COMPLETED, null,
                        referral.budgetEndsAt(), null, now))
                .call(updated -> tell(tx, referral, updated, now, (listener, change) -> listener.completed(tx, change,
                        asNow(change, offer), directory.find(offer.serviceId()))));
    }

    /**
     * The CAD withdrew the referral. {@code evenIfAccepted}: a cancel withdraws it from an accepting service too;
     * closing the CAD incident does not, because that is what a CAD does once a service has accepted.
     */
    public Uni<Referral> cancelledByCad(SqlClient tx, Referral referral, boolean evenIfAccepted, Instant now,
            AfterCommitCounts counts) {
        boolean open = referral.status() == ReferralStatus.ROUTING || referral.status() == ReferralStatus.OFFERED;
        if (!open && !(evenIfAccepted && referral.status() == ReferralStatus.ACCEPTED)) {
            return Uni.createFrom().item(referral);
        }
        return offers.cancelHolding(tx, referral.id(), OfferStatusReason.CANCELLED_BY_CAD, now)
                .call(withdrawn -> deliveries.offersClosed(tx, referral, withdrawn))
                .invoke(withdrawn -> {
                    // An open referral's withdrawn offer was awaiting an answer; an accepted one's had its answer.
                    String holder = open || withdrawn.isEmpty() ? AfterCommitCounts.NO_SERVICE
                            : serviceType(withdrawn.get(0).serviceId());
                    if (open) {
                        withdrawn.forEach(o -> counts.offerAnswered(AfterCommitCounts.OfferAnswer.CANCELLED));
                    }
                    counts.concluded(AfterCommitCounts.ReferralOutcome.CANCELLED, holder, null);
                })
                .chain(withdrawn -> referrals.updateCascade(tx, referral.id(), ReferralStatus.CANCELLED, null,
                        referral.budgetEndsAt(), null, now))
                .call(updated -> tell(tx, referral, updated, now, (listener, change) -> listener.cancelled(tx, change)));
    }

    /**
     * The CAD sent a new clinical picture. An upgrade to a category the policy may not route (C1, C2 without
     * segmentation, HCP, IFT) withdraws every open offer at once and hands the case back.
     */
    public Uni<Referral> incidentChanged(SqlClient tx, Referral referral, Instant now, AfterCommitCounts counts) {
        boolean open = referral.status() == ReferralStatus.ROUTING || referral.status() == ReferralStatus.OFFERED;
        if (!open || policies.current().mayRoute(referral.incident().category())) {
            return Uni.createFrom().item(referral);
        }
        return withdrawHolding(tx, referral, OfferStatusReason.CATEGORY_UPGRADED, now, counts)
                .chain(withdrawn -> offers.findByReferral(tx, referral.id()))
                .chain(all -> sendBack(tx, referral, SendBackReason.NOT_ELIGIBLE_CATEGORY, all, now, counts));
    }

    /** Withdraws every offer still holding an open referral, each counted as cancelled. */
    private Uni<List<Offer>> withdrawHolding(SqlClient tx, Referral referral, OfferStatusReason reason, Instant now,
            AfterCommitCounts counts) {
        return offers.cancelHolding(tx, referral.id(), reason, now)
                .call(withdrawn -> deliveries.offersClosed(tx, referral, withdrawn))
                .invoke(withdrawn -> withdrawn
                        .forEach(o -> counts.offerAnswered(AfterCommitCounts.OfferAnswer.CANCELLED)));
    }

    private Uni<Referral> routeNext(SqlClient tx, Referral referral, List<Offer> offersSoFar, Instant now,
            AfterCommitCounts counts) {
        RoutingPolicy policy = policies.current();
        Instant budgetEnds = SendBackRules.budgetEnds(policy, referral.incident(), referral.createdAt(),
                referral.budgetEndsAt());
        Referral budgeted = withBudget(referral, budgetEnds);
        SendBackRules.Precheck precheck = SendBackRules.precheck(policy, referral.incident(), budgetEnds, now,
                directory.services(), offersSoFar);
        if (precheck instanceof SendBackRules.SendBack back) {
            return sendBack(tx, budgeted, back.reason(), offersSoFar, now, counts);
        }
        List<CommunityService> services = ((SendBackRules.Route) precheck).services();
        return capacity.current(tx, services.stream().map(CommunityService::id).toList(), now).chain(live -> {
            SendBackRules.NextStep next = SendBackRules.unlessBreachPassed(referral.breachAt(), SendBackRules.next(router,
                    policy, referral.incident(), budgetEnds, now, services, live, offersSoFar), now);
            RoutingDecision decision = next instanceof SendBackRules.OfferTo to ? to.decision()
                    : ((SendBackRules.SendBack) next).decision();
            return decisions.insert(tx, referral.id(), decision).chain(() -> next instanceof SendBackRules.OfferTo to
                    ? offer(tx, budgeted, to.service(), to.deadline(), offersSoFar, now)
                    : sendBack(tx, budgeted, ((SendBackRules.SendBack) next).reason(), offersSoFar, now, counts));
        });
    }

    private Uni<Referral> offer(SqlClient tx, Referral referral, CommunityService service, Instant deadline,
            List<Offer> offersSoFar, Instant now) {
        Offer offer = new Offer(UUID.randomUUID(), referral.id(), offersSoFar.size() + 1, service.id(),
                service.odsCode(), OfferStatus.REQUESTED, null, now, deadline, null, now, 1);
        LOG.debugf("Offering referral %s to %s until %s", referral.id(), service.id(), deadline);
        return offers.insert(tx, offer).chain(created -> {
            // The listeners hear of every offer: those read under this transaction's lock, and the one just made.
            List<Offer> all = new ArrayList<>(offersSoFar);
            all.add(created);
            return referrals.updateCascade(tx, referral.id(), ReferralStatus.OFFERED, deadline,
                    referral.budgetEndsAt(), null, now)
                    .call(updated -> deliveries.queue(tx, updated, offer, service))
                    .call(updated -> tell(new ReferralChange(referral, updated, all, now),
                            (listener, change) -> listener.offerMade(tx, change, created, service)));
        });
    }

    private Uni<Referral> sendBack(SqlClient tx, Referral referral, SendBackReason reason, List<Offer> offersSoFar,
            Instant now, AfterCommitCounts counts) {
        LOG.debugf("Sending referral %s back: %s", referral.id(), reason.code());
        counts.concluded(AfterCommitCounts.ReferralOutcome.SENT_BACK, AfterCommitCounts.NO_SERVICE, reason);
        return referrals.updateCascade(tx, referral.id(), ReferralStatus.SENT_BACK, null, referral.budgetEndsAt(),
                reason, now)
                .call(updated -> tell(new ReferralChange(referral, updated, offersSoFar, now),
                        (listener, change) -> listener.sentBack(tx, change, reason)));
    }

    /** The listeners hear of a step, with every offer as the step left them, read again under the row lock. */
    private Uni<Void> tell(SqlClient tx, Referral before, Referral after, Instant now,
            BiFunction<ReferralListener, ReferralChange, Uni<Void>> event) {
        return offers.findByReferral(tx, after.id()).chain(all -> tell(new ReferralChange(before, after, all, now),
                event));
    }

    /** Every listener hears of the step, one after another, in their fixed order (see {@link ReferralListener}). */
    private Uni<Void> tell(ReferralChange change, BiFunction<ReferralListener, ReferralChange, Uni<Void>> event) {
        Uni<Void> told = Uni.createFrom().voidItem();
        for (ReferralListener listener : listeners) {
            told = told.chain(() -> event.apply(listener, change));
        }
        return told;
    }

    /** The offer as the step left it. */
    private static Offer asNow(ReferralChange change, Offer offer) {
        return change.offers().stream().filter(o -> o.id().equals(offer.id())).findFirst().orElse(offer);
    }

    /** The service's type code, a bounded label value (a service removed from the directory since is "unknown"). */
    private String serviceType(String serviceId) {
        return directory.find(serviceId).map(s -> s.type().code()).orElse("unknown");
    }

    private static List<Offer> replace(List<Offer> all, Offer changed) {
        return all.stream().map(o -> o.id().equals(changed.id()) ? changed : o).toList();
    }

    private static Referral withBudget(Referral r, Instant budgetEnds) {
        return new Referral(r.id(), r.cadSystem(), r.incidentId(), r.status(), r.incident(), r.breachAt(),
                r.createdAt(), r.updatedAt(), r.version(), budgetEnds, r.sendBackReason());
    }
}
