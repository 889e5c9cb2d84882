package org.rightcare.hub.cascade;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;
import org.rightcare.hub.cad.CadCallback;
import org.rightcare.hub.cad.CadCallbackOutbox;
import org.rightcare.hub.cad.CadCallbackType;
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
import org.rightcare.hub.subscriptions.SubscriptionNotifications;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * The send-back loop: every change of a referral's route goes through here. A referral is offered to the first
 * candidate service; on a rejection or a deadline with no answer it goes to the next candidate while the policy's
 * time budget lasts; otherwise it goes back to the ambulance service with the reason. An upgrade to an
 * ambulance-only category or a CAD cancel withdraws every offer at once. Each step runs in the caller's transaction
 * with the referral's row locked, and queues the CAD callback in that same transaction. What each step did (offers
 * answered, referrals concluded) goes into the caller's {@link AfterCommitCounts}, for the metrics once it commits.
 * The decisions themselves (which service next, until when, or why back) are {@link SendBackRules}', which the what-if
 * simulator applies too; this class applies them to the database.
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
    private final CadCallbackOutbox callbacks;
    private final OfferDeliveries deliveries;
    private final SubscriptionNotifications subscriptions;

    public ReferralCascade(ReferralRepository referrals, OfferRepository offers, RoutingDecisionRepository decisions,
            RoutingPolicies policies, Router router, ServiceDirectory directory, CapacityService capacity,
            CadCallbackOutbox callbacks, OfferDeliveries deliveries, SubscriptionNotifications subscriptions) {
        this.referrals = referrals;
        this.offers = offers;
        this.decisions = decisions;
        this.policies = policies;
        this.router = router;
        this.directory = directory;
        this.capacity = capacity;
        this.callbacks = callbacks;
        this.deliveries = deliveries;
        this.subscriptions = subscriptions;
    }

    /**
     * Looks at a referral whose next action is due: routes a new one, moves past an offer whose deadline passed, or
     * sends it back. The caller holds the referral's row lock.
     */
    public Uni<Referral> advance(SqlClient tx, Referral referral, Instant now, AfterCommitCounts outcomes) {
        if (referral.status().isTerminal()) {
            return referrals.updateCascade(tx, referral.id(), referral.status(), null, referral.budgetEndsAt(),
                    referral.sendBackReason(), now);
        }
        return offers.findByReferral(tx, referral.id()).chain(all -> {
            Optional<Offer> open = all.stream().filter(o -> o.status().isOpen()).findFirst();
            if (open.isEmpty()) {
                return routeNext(tx, referral, all, now, outcomes);
            }
            if (!SendBackRules.deadlinePassed(open.get(), now)) {
                return referrals.updateCascade(tx, referral.id(), referral.status(), open.get().deadlineAt(),
                        referral.budgetEndsAt(), null, now);
            }
            return offers.updateStatus(tx, open.get().id(), OfferStatus.FAILED, OfferStatusReason.TIMED_OUT, now)
                    .call(timedOut -> deliveries.offerClosed(tx, referral, timedOut))
                    .invoke(() -> outcomes.offerAnswered(AfterCommitCounts.OfferAnswer.TIMED_OUT))
                    .chain(timedOut -> routeNext(tx, referral, replace(all, timedOut), now, outcomes));
        });
    }

    /** A provider declined: the case moves on to the next candidate, or back to the ambulance service. */
    public Uni<Referral> declined(SqlClient tx, Referral referral, Offer offer, OfferStatusReason reason, Instant now,
            AfterCommitCounts outcomes) {
        outcomes.offerAnswered(AfterCommitCounts.OfferAnswer.REJECTED);
        return offers.updateStatus(tx, offer.id(), OfferStatus.REJECTED, reason, now)
                .call(rejected -> deliveries.offerClosed(tx, referral, rejected))
                .chain(rejected -> offers.findByReferral(tx, referral.id()))
                .chain(all -> routeNext(tx, referral, all, now, outcomes));
    }

    /**
     * The hub gave up delivering the offer to the service's endpoint: it fails as if unanswered, and the case moves
     * on at once rather than waiting out the acceptance window of a service that cannot have seen it.
     */
    public Uni<Referral> undeliverable(SqlClient tx, Referral referral, Offer offer, Instant now,
            AfterCommitCounts outcomes) {
        outcomes.offerAnswered(AfterCommitCounts.OfferAnswer.UNDELIVERABLE);
        return offers.updateStatus(tx, offer.id(), OfferStatus.FAILED, OfferStatusReason.UNDELIVERABLE, now)
                .call(failed -> deliveries.offerClosed(tx, referral, failed))
                .chain(failed -> offers.findByReferral(tx, referral.id()))
                .chain(all -> routeNext(tx, referral, all, now, outcomes));
    }

    /** A provider took the patient: the referral is accepted, a place is used, the CAD is told. */
    public Uni<Referral> accepted(SqlClient tx, Referral referral, Offer offer, Instant now,
            AfterCommitCounts outcomes) {
        String serviceType = serviceType(offer.serviceId());
        outcomes.offerAnswered(AfterCommitCounts.OfferAnswer.ACCEPTED);
        outcomes.concluded(AfterCommitCounts.ReferralOutcome.ACCEPTED, serviceType, null);
        outcomes.accepted(serviceType, Duration.between(referral.createdAt(), now));
        return offers.updateStatus(tx, offer.id(), OfferStatus.ACCEPTED, null, now)
                .chain(taken -> capacity.usePlace(tx, offer.serviceId()))
                .chain(ignored -> referrals.updateCascade(tx, referral.id(), ReferralStatus.ACCEPTED, null,
                        referral.budgetEndsAt(), null, now))
                .call(updated -> subscriptions.stackChanged(tx, referral, updated, now))
                .call(updated -> offers.findByReferral(tx, referral.id())
                        .chain(all -> callbacks.enqueue(tx, updated, callback(CadCallbackType.ACCEPTED, updated,
                                directory.find(offer.serviceId()), null, all))));
    }

    /**
     * A hub clinician decided the case belongs with the ambulance service: any offer still open is withdrawn and the
     * CAD hears the reason, as when the loop itself sends a case back. The caller holds the referral's row lock and
     * has checked that the referral is still open.
     */
    public Uni<Referral> sentBackByClinician(SqlClient tx, Referral referral, SendBackReason reason, Instant now,
            AfterCommitCounts outcomes) {
        return offers.cancelHolding(tx, referral.id(), OfferStatusReason.SENT_BACK_BY_HUB, now)
                .call(withdrawn -> deliveries.offersClosed(tx, referral, withdrawn))
                .invoke(withdrawn -> withdrawn
                        .forEach(o -> outcomes.offerAnswered(AfterCommitCounts.OfferAnswer.CANCELLED)))
                .chain(withdrawn -> offers.findByReferral(tx, referral.id()))
                .chain(all -> sendBack(tx, referral, reason, all, now, outcomes));
    }

    /** The accepting service finished its care. */
    public Uni<Referral> completed(SqlClient tx, Referral referral, Offer offer, Instant now,
            AfterCommitCounts outcomes) {
        outcomes.concluded(AfterCommitCounts.ReferralOutcome.COMPLETED, serviceType(offer.serviceId()), null);
        return offers.updateStatus(tx, offer.id(), OfferStatus.COMPLETED, null, now)
                .chain(done -> referrals.updateCascade(tx, referral.id(), ReferralStatus.COMPLETED, null,
                        referral.budgetEndsAt(), null, now))
                .call(updated -> offers.findByReferral(tx, referral.id())
                        .chain(all -> callbacks.enqueue(tx, updated, callback(CadCallbackType.COMPLETED, updated,
                                directory.find(offer.serviceId()), null, all))));
    }

    /**
     * The CAD withdrew the referral. {@code evenIfAccepted}: a cancel withdraws it from an accepting service too;
     * closing the CAD incident does not, because that is what a CAD does once a service has accepted.
     */
    public Uni<Referral> cancelledByCad(SqlClient tx, Referral referral, boolean evenIfAccepted, Instant now,
            AfterCommitCounts outcomes) {
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
                        withdrawn.forEach(o -> outcomes.offerAnswered(AfterCommitCounts.OfferAnswer.CANCELLED));
                    }
                    outcomes.concluded(AfterCommitCounts.ReferralOutcome.CANCELLED, holder, null);
                })
                .chain(withdrawn -> referrals.updateCascade(tx, referral.id(), ReferralStatus.CANCELLED, null,
                        referral.budgetEndsAt(), null, now))
                .call(updated -> subscriptions.stackChanged(tx, referral, updated, now))
                .call(updated -> offers.findByReferral(tx, referral.id())
                        .chain(all -> callbacks.enqueue(tx, updated,
                                callback(CadCallbackType.CANCELLED, updated, Optional.empty(), null, all))));
    }

    /**
     * The CAD sent a new clinical picture. An upgrade to a category the policy may not route (C1, C2 without
     * segmentation, HCP, IFT) withdraws every open offer at once and hands the case back.
     */
    public Uni<Referral> incidentChanged(SqlClient tx, Referral referral, Instant now, AfterCommitCounts outcomes) {
        boolean open = referral.status() == ReferralStatus.ROUTING || referral.status() == ReferralStatus.OFFERED;
        if (!open || policies.current().mayRoute(referral.incident().category())) {
            return Uni.createFrom().item(referral);
        }
        return offers.cancelHolding(tx, referral.id(), OfferStatusReason.CATEGORY_UPGRADED, now)
                .call(withdrawn -> deliveries.offersClosed(tx, referral, withdrawn))
                .invoke(withdrawn -> withdrawn
                        .forEach(o -> outcomes.offerAnswered(AfterCommitCounts.OfferAnswer.CANCELLED)))
                .chain(withdrawn -> offers.findByReferral(tx, referral.id()))
                .chain(all -> sendBack(tx, referral, SendBackReason.NOT_ELIGIBLE_CATEGORY, all, now, outcomes));
    }

    private Uni<Referral> routeNext(SqlClient tx, Referral referral, List<Offer> offersSoFar, Instant now,
            AfterCommitCounts outcomes) {
        RoutingPolicy policy = policies.current();
        Instant budgetEnds = SendBackRules.budgetEnds(policy, referral.incident(), referral.createdAt(),
                referral.budgetEndsAt());
        Referral budgeted = withBudget(referral, budgetEnds);
        SendBackRules.Precheck precheck = SendBackRules.precheck(policy, referral.incident(), budgetEnds, now,
                directory.services(), offersSoFar);
        if (precheck instanceof SendBackRules.SendBack back) {
            return sendBack(tx, budgeted, back.reason(), offersSoFar, now, outcomes);
        }
        List<CommunityService> services = ((SendBackRules.Route) precheck).services();
        return capacity.current(tx, services.stream().map(CommunityService::id).toList(), now).chain(live -> {
            SendBackRules.NextStep next = SendBackRules.next(router, policy, referral.incident(), budgetEnds, now,
                    services, live, offersSoFar);
            RoutingDecision decision = next instanceof SendBackRules.OfferTo to ? to.decision()
                    : ((SendBackRules.SendBack) next).decision();
            return decisions.insert(tx, referral.id(), decision).chain(() -> next instanceof SendBackRules.OfferTo to
                    ? offer(tx, budgeted, to.service(), to.deadline(), offersSoFar, now)
                    : sendBack(tx, budgeted, ((SendBackRules.SendBack) next).reason(), offersSoFar, now, outcomes));
        });
    }

    private Uni<Referral> offer(SqlClient tx, Referral referral, CommunityService service, Instant deadline,
            List<Offer> offersSoFar, Instant now) {
        Offer offer = new Offer(UUID.randomUUID(), referral.id(), offersSoFar.size() + 1, service.id(),
                service.odsCode(), OfferStatus.REQUESTED, null, now, deadline, null, now, 1);
        LOG.debugf("Offering referral %s to %s until %s", referral.id(), service.id(), deadline);
        return offers.insert(tx, offer).chain(created -> {
            // The callback lists every offer: those read under this transaction's lock, and the one just made.
            List<Offer> all = new ArrayList<>(offersSoFar);
            all.add(created);
            return referrals.updateCascade(tx, referral.id(), ReferralStatus.OFFERED, deadline,
                    referral.budgetEndsAt(), null, now)
                    .call(updated -> deliveries.queue(tx, updated, offer, service))
                    .call(updated -> subscriptions.offerMade(tx, updated, offer, service, now))
                    // A new case is on the stack from its first routing.
                    .call(updated -> referral.status() == ReferralStatus.ROUTING
                            ? subscriptions.stackChanged(tx, null, updated, now) : Uni.createFrom().voidItem())
                    .call(updated -> callbacks.enqueue(tx, updated,
                            callback(CadCallbackType.OFFERED, updated, Optional.of(service), null, all)));
        });
    }

    private Uni<Referral> sendBack(SqlClient tx, Referral referral, SendBackReason reason, List<Offer> offersSoFar,
            Instant now, AfterCommitCounts outcomes) {
        LOG.debugf("Sending referral %s back: %s", referral.id(), reason.code());
        outcomes.concluded(AfterCommitCounts.ReferralOutcome.SENT_BACK, AfterCommitCounts.NO_SERVICE, reason);
        return referrals.updateCascade(tx, referral.id(), ReferralStatus.SENT_BACK, null, referral.budgetEndsAt(),
                reason, now)
                .call(updated -> subscriptions.stackChanged(tx, referral, updated, now))
                .call(updated -> callbacks.enqueue(tx, updated,
                        callback(CadCallbackType.SENT_BACK, updated, Optional.empty(), reason, offersSoFar)));
    }

    private CadCallback callback(CadCallbackType type, Referral referral, Optional<CommunityService> service,
            SendBackReason reason, List<Offer> offersSoFar) {
        List<CadCallback.Attempt> attempts = new ArrayList<>(offersSoFar.size());
        for (Offer offer : offersSoFar) {
            attempts.add(new CadCallback.Attempt(offer.serviceId(), offer.status().code(),
                    offer.reason() == null ? null : offer.reason().asSendBackReason().code(),
                    offer.answeredAt() != null ? offer.answeredAt() : offer.offeredAt()));
        }
        return new CadCallback(type, referral.status(),
                service.map(s -> new CadCallback.ServiceSummary(s.id(), s.name(), s.type().code(), s.odsCode(),
                        s.dosServiceId())).orElse(null),
                reason == null ? null : new CadCallback.Reason(reason.code(), reason.display()),
                List.copyOf(attempts));
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
