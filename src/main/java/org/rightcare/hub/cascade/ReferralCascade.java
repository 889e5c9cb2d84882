package org.rightcare.hub.cascade;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
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
import org.rightcare.hub.referral.CareOutcome;
import org.rightcare.hub.referral.Referral;
import org.rightcare.hub.referral.ReferralLifecycle;
import org.rightcare.hub.referral.ReferralLifecycle.CaseEvent;
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
 * The referral cascade: every change of a referral's route goes through here, and nowhere else (the architecture test
 * enforces it: only this class writes a referral's status, and only the cascade its offers). Each public method is
 * one kind of event of the case's state machine ({@link ReferralLifecycle}), checked against its table before anything
 * changes: a step the table refuses changes nothing. A referral is offered to the first
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
            return referrals.updateCascade(tx, referral, referral.status(), null, referral.budgetEndsAt(),
                    referral.sendBackReason(), now);
        }
        return offers.findByReferral(tx, referral.id()).chain(all -> {
            Optional<Offer> open = all.stream().filter(o -> o.status().isOpen()).findFirst();
            if (open.isEmpty()) {
                return routeNext(tx, referral, all, now, counts);
            }
            if (!SendBackRules.deadlinePassed(open.get(), now)) {
                return recheckOpenOffer(tx, referral, open.get(), all, now, counts);
            }
            // A service that closed before it answered (its window ends at its closing time) withdraws the offer
            // as closed, not as a service that chose not to answer.
            boolean closed = directory.find(open.get().serviceId()).map(s -> !s.openingHours().isOpenAt(now))
                    .orElse(false);
            return offers.updateStatus(tx, open.get().id(), OfferStatus.FAILED,
                    closed ? OfferStatusReason.SERVICE_CLOSED : OfferStatusReason.TIMED_OUT, now)
                    .call(timedOut -> deliveries.offerClosed(tx, referral, timedOut))
                    .invoke(() -> counts.offerAnswered(AfterCommitCounts.OfferAnswer.TIMED_OUT))
                    .chain(timedOut -> routeNext(tx, referral, replace(all, List.of(timedOut)), now, counts));
        });
    }

    /**
     * An open offer looked at before its deadline: its service's directory entry or capacity changed (the change made
     * the referral due), or its service closes before the deadline. It is re-checked by the router's own rules
     * ({@link SendBackRules#whyOfferNoLongerHolds}); an offer that no longer holds is withdrawn (the provider's copy
     * revoked) and the case goes to the next candidate, or back with the reason. One that holds is looked at again at
     * its deadline or the service's closing time, whichever comes first.
     */
    private Uni<Referral> recheckOpenOffer(SqlClient tx, Referral referral, Offer open, List<Offer> all, Instant now,
            AfterCommitCounts counts) {
        // A directory change made the referral due: judge by the directory as that change left it.
        return directory.catchUp(tx).chain(() -> capacity.current(tx, List.of(open.serviceId()), now)).chain(live -> {
            Optional<CommunityService> service = directory.find(open.serviceId());
            Optional<SendBackReason> why = SendBackRules.whyOfferNoLongerHolds(router, policies.current(),
                    referral.incident(), service, live.get(open.serviceId()), now);
            if (why.isEmpty()) {
                return referrals.updateCascade(tx, referral, referral.status(),
                        SendBackRules.nextCheck(open, service, now), referral.budgetEndsAt(), null, now);
            }
            if (refused(referral, CaseEvent.SERVICE_NO_LONGER_TAKES_IT)) {
                return Uni.createFrom().item(referral);
            }
            LOG.infof("Referral %s: the offer to %s no longer holds after a change of the service or the routing "
                    + "policy (%s)", referral.id(), open.serviceId(), why.get().code());
            return withdrawHolding(tx, referral, OfferStatusReason.withdrawnFor(why.get()), now, counts)
                    .chain(withdrawn -> routeNext(tx, referral, replace(all, withdrawn), now, counts, why.get()));
        });
    }

    /**
     * The referral and the answered offer as a provider's answer left them.
     *
     * @param referral after the whole step (a decline's next offer or send-back included)
     * @param offer the offer answered, as the answer left it
     */
    public record Answered(Referral referral, Offer offer) {
    }

    /**
     * A provider declined: the case moves on to the next candidate, or back to the ambulance service.
     *
     * @param offersSoFar every offer of the referral, read under the caller's lock of it (so none is read again)
     */
    public Uni<Answered> declined(SqlClient tx, Referral referral, Offer offer, List<Offer> offersSoFar,
            OfferStatusReason reason, Instant now, AfterCommitCounts counts) {
        if (refused(referral, CaseEvent.DECLINED)) {
            return Uni.createFrom().item(new Answered(referral, offer));
        }
        counts.offerAnswered(AfterCommitCounts.OfferAnswer.REJECTED);
        return offers.updateStatus(tx, offer.id(), OfferStatus.REJECTED, reason, now)
                .call(rejected -> deliveries.offerClosed(tx, referral, rejected))
                .chain(rejected -> routeNext(tx, referral, replace(offersSoFar, List.of(rejected)), now, counts)
                        .map(moved -> new Answered(moved, rejected)));
    }

    /**
     * The hub gave up delivering the offer to the service's endpoint: it fails as if unanswered, and the case moves
     * on at once rather than waiting out the acceptance window of a service that cannot have seen it.
     */
    public Uni<Referral> undeliverable(SqlClient tx, Referral referral, Offer offer, Instant now,
            AfterCommitCounts counts) {
        if (refused(referral, CaseEvent.UNDELIVERABLE)) {
            return Uni.createFrom().item(referral);
        }
        counts.offerAnswered(AfterCommitCounts.OfferAnswer.UNDELIVERABLE);
        return offers.updateStatus(tx, offer.id(), OfferStatus.FAILED, OfferStatusReason.UNDELIVERABLE, now)
                .call(failed -> deliveries.offerClosed(tx, referral, failed))
                .chain(failed -> offers.findByReferral(tx, referral.id()))
                .chain(all -> routeNext(tx, referral, all, now, counts));
    }

    /**
     * A provider took the patient: the referral is accepted, a place is used, the CAD is told.
     *
     * @param offersSoFar every offer of the referral, read under the caller's lock of it
     */
    public Uni<Answered> accepted(SqlClient tx, Referral referral, Offer offer, List<Offer> offersSoFar, Instant now,
            AfterCommitCounts counts) {
        if (refused(referral, CaseEvent.ACCEPTED)) {
            return Uni.createFrom().item(new Answered(referral, offer));
        }
        return accept(tx, referral, offer, offersSoFar, now, counts);
    }

    private Uni<Answered> accept(SqlClient tx, Referral referral, Offer offer, List<Offer> offersSoFar, Instant now,
            AfterCommitCounts counts) {
        String serviceType = serviceType(offer.serviceId());
        counts.offerAnswered(AfterCommitCounts.OfferAnswer.ACCEPTED);
        counts.concluded(AfterCommitCounts.ReferralOutcome.ACCEPTED, serviceType, null);
        counts.accepted(serviceType, Duration.between(referral.createdAt(), now));
        return offers.updateStatus(tx, offer.id(), OfferStatus.ACCEPTED, null, now)
                .call(taken -> capacity.usePlace(tx, offer.serviceId()))
                .chain(taken -> referrals.updateCascade(tx, referral, ReferralStatus.ACCEPTED, null,
                        referral.budgetEndsAt(), null, now)
                        .call(updated -> tell(new ReferralChange(referral, updated,
                                replace(offersSoFar, List.of(taken)), now),
                                (listener, change) -> listener.accepted(tx, change, taken,
                                        directory.find(offer.serviceId()))))
                        .map(updated -> new Answered(updated, taken)));
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
        if (refused(referral, CaseEvent.CLAIMED)) {
            return Uni.createFrom().failure(new IllegalStateException("A " + referral.status().wireValue()
                    + " referral cannot be claimed"));
        }
        Optional<Offer> ownOpenOffer = offersSoFar.stream()
                .filter(o -> o.status().isOpen() && o.serviceId().equals(service.id())).findFirst();
        if (ownOpenOffer.isPresent()) {
            return accept(tx, referral, ownOpenOffer.get(), offersSoFar, now, counts).map(Answered::offer);
        }
        return offers.cancelHolding(tx, referral.id(), OfferStatusReason.CLAIMED_BY_ANOTHER_SERVICE, now)
                .call(withdrawn -> deliveries.offersClosed(tx, referral, withdrawn))
                .invoke(withdrawn -> withdrawn
                        .forEach(o -> counts.offerAnswered(AfterCommitCounts.OfferAnswer.CANCELLED)))
                .chain(withdrawn -> offers.insert(tx, new Offer(UUID.randomUUID(), referral.id(),
                        offersSoFar.size() + 1, service.id(), service.odsCode(), OfferStatus.REQUESTED, null, now, now,
                        null, now, 1))
                        .chain(created -> accept(tx, referral, created, withNew(replace(offersSoFar, withdrawn), created),
                                now, counts)))
                .map(Answered::offer);
    }

    /**
     * A hub clinician decided the case belongs with the ambulance service: any offer still open is withdrawn and the
     * CAD hears the reason, as when the cascade itself sends a case back. The caller holds the referral's row lock
     * and has checked that the referral is still open.
     */
    public Uni<Referral> sentBackByClinician(SqlClient tx, Referral referral, SendBackReason reason, String text,
            Instant now, AfterCommitCounts counts) {
        if (refused(referral, CaseEvent.CLINICIAN_SENT_BACK)) {
            return Uni.createFrom().item(referral);
        }
        return withdrawHolding(tx, referral, OfferStatusReason.SENT_BACK_BY_HUB, now, counts)
                .chain(withdrawn -> offers.findByReferral(tx, referral.id()))
                .chain(all -> sendBack(tx, referral, reason, text, null, all, now, counts));
    }

    /**
     * The hub could not take a step of this case however often it tried: any offer still holding it is withdrawn and
     * the case goes back as {@code hub-error}, so nothing is retried for ever. The caller holds the row lock.
     */
    public Uni<Referral> failedTooOften(SqlClient tx, Referral referral, Instant now, AfterCommitCounts counts) {
        if (!ReferralLifecycle.allows(referral.status(), CaseEvent.STEP_FAILED_TOO_OFTEN)) {
            // Concluded meanwhile: nothing moves, and the loop stops looking at it.
            return referrals.updateCascade(tx, referral, referral.status(), null, referral.budgetEndsAt(),
                    referral.sendBackReason(), now);
        }
        // A case whose very first step failed has no budget yet: it gets the policy's, so that it shows the case
        // went back within it.
        Referral budgeted = referral.budgetEndsAt() != null || !policies.current().mayRoute(referral.incident().category())
                ? referral
                : withBudget(referral, SendBackRules.budgetEnds(policies.current(), referral.incident(),
                        referral.createdAt(), null));
        return withdrawHolding(tx, budgeted, OfferStatusReason.HUB_ERROR, now, counts)
                .chain(withdrawn -> offers.findByReferral(tx, referral.id()))
                .chain(all -> sendBack(tx, budgeted, SendBackReason.HUB_ERROR, null, null, all, now, counts));
    }

    /**
     * The accepting service gave its final answer. One that asks for an ambulance response (an ARP category other
     * than C5, or an ambulance disposition) is never a completion: the service's part is done, and the case goes
     * back to the ambulance service as {@code clinician-requests-ambulance} with the answer as its outcome.
     * Otherwise the referral is completed, and the CAD hears the outcome.
     *
     * @param offersSoFar every offer of the referral, read under the caller's lock of it
     * @param outcome the final answer; null when the service gave none
     */
    public Uni<Answered> completed(SqlClient tx, Referral referral, Offer offer, List<Offer> offersSoFar,
            CareOutcome outcome, Instant now, AfterCommitCounts counts) {
        boolean asksForAmbulance = outcome != null && outcome.asksForAmbulance();
        if (refused(referral, asksForAmbulance ? CaseEvent.FINAL_ANSWER_ASKS_FOR_AMBULANCE : CaseEvent.COMPLETED)) {
            return Uni.createFrom().item(new Answered(referral, offer));
        }
        if (asksForAmbulance) {
            LOG.infof("Referral %s: the final answer of %s asks for an ambulance (%s, %s): sent back", referral.id(),
                    offer.serviceId(), outcome.arpCategory(), outcome.dispositionCode());
            return offers.updateStatus(tx, offer.id(), OfferStatus.COMPLETED, null, now)
                    .chain(done -> sendBack(tx, referral, SendBackReason.CLINICIAN_REQUESTS_AMBULANCE,
                            outcome.summary(), outcome, replace(offersSoFar, List.of(done)), now, counts)
                            .map(moved -> new Answered(moved, done)));
        }
        counts.concluded(AfterCommitCounts.ReferralOutcome.COMPLETED, serviceType(offer.serviceId()), null);
        return offers.updateStatus(tx, offer.id(), OfferStatus.COMPLETED, null, now)
                .chain(done -> referrals.updateCascade(tx, referral, ReferralStatus.COMPLETED, null,
                        referral.budgetEndsAt(), null, now)
                        .call(updated -> tell(new ReferralChange(referral, updated,
                                replace(offersSoFar, List.of(done)), now, null, outcome),
                                (listener, change) -> listener.completed(tx, change, done,
                                        directory.find(offer.serviceId()))))
                        .map(updated -> new Answered(updated, done)));
    }

    /**
     * The CAD withdrew the referral. {@code evenIfAccepted}: a cancel withdraws it from an accepting service too;
     * closing the CAD incident does not, because that is what a CAD does once a service has accepted.
     */
    public Uni<Referral> cancelledByCad(SqlClient tx, Referral referral, boolean evenIfAccepted, Instant now,
            AfterCommitCounts counts) {
        Optional<ReferralLifecycle.Transition> move = ReferralLifecycle.transition(referral.status(),
                evenIfAccepted ? CaseEvent.CAD_CANCELLED : CaseEvent.CAD_CLOSED);
        // A concluded case stays as it is (a CAD often closes an incident the hub has sent back: no warning), and
        // closing an accepted one leaves the acceptance standing.
        if (move.isEmpty() || move.get().to() == referral.status()) {
            return Uni.createFrom().item(referral);
        }
        boolean open = referral.status() == ReferralStatus.ROUTING || referral.status() == ReferralStatus.OFFERED;
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
                .chain(withdrawn -> referrals.updateCascade(tx, referral, ReferralStatus.CANCELLED, null,
                        referral.budgetEndsAt(), null, now))
                .call(updated -> tell(tx, referral, updated, now, (listener, change) -> listener.cancelled(tx, change)));
    }

    /**
     * The CAD sent a new picture of the case (any field: category, clinical picture, dispatch state, location): every
     * commitment is re-checked against the rules the router uses ({@link SendBackRules#whyNoLongerHeld}).
     * <ul>
     * <li>An open offer that no longer holds is withdrawn (the provider's copy revoked). An ambulance-only category or
     * a conveying crew sends the case back at once; otherwise the next candidate gets it, or the case goes back with
     * the reason ({@code deteriorated}, {@code out-of-area}).</li>
     * <li>An acceptance that no longer holds is recalled: the Task is cancelled with the reason (BaRS cancellation,
     * fhir-rest Task cancelled) and the CAD hears {@code referral.sent-back} with it.</li>
     * <li>A commitment that still holds gets the new picture ({@link OfferTransport#queueUpdate}, and the provider's
     * subscriptions).</li>
     * </ul>
     * The caller holds the row lock and has applied the event to the referral (an event older than the last one
     * applied, returned unchanged, re-checks the same picture and tells no one anything new).
     */
    public Uni<Referral> incidentChanged(SqlClient tx, Referral referral, Instant now, AfterCommitCounts counts) {
        ReferralStatus status = referral.status();
        if (status != ReferralStatus.ROUTING && status != ReferralStatus.OFFERED && status != ReferralStatus.ACCEPTED) {
            return Uni.createFrom().item(referral);
        }
        RoutingPolicy policy = policies.current();
        // The event was applied by this very step (not an older one, returned as it was).
        boolean newPicture = !referral.updatedAt().isBefore(now.truncatedTo(ChronoUnit.MILLIS));
        return offers.findByReferral(tx, referral.id()).chain(all -> {
            Optional<Offer> holding = all.stream().filter(o -> o.status().holdsReferral()).findFirst();
            boolean accepted = status == ReferralStatus.ACCEPTED;
            if (holding.isEmpty()) {
                if (accepted) {
                    return Uni.createFrom().item(referral);
                }
                // Routing: only what rules out every service matters now; the router reads the rest when it routes.
                Optional<SendBackReason> why = SendBackRules.whyNoLongerHeld(policy, referral.incident(),
                        Optional.empty(), now, false);
                return why.isEmpty() || refused(referral, CaseEvent.OFFER_NO_LONGER_HOLDS)
                        ? Uni.createFrom().item(referral)
                        : sendBack(tx, referral, why.get(), null, null, all, now, counts);
            }
            Offer held = holding.get();
            Optional<CommunityService> service = directory.find(held.serviceId());
            Optional<SendBackReason> why = SendBackRules.whyNoLongerHeld(policy, referral.incident(), service, now,
                    accepted || !held.status().isOpen());
            if (why.isEmpty()) {
                if (!newPicture || service.isEmpty()) {
                    return Uni.createFrom().item(referral);
                }
                return pictureChanged(tx, referral, held, service.get(), all, now);
            }
            if (refused(referral, accepted ? CaseEvent.ACCEPTANCE_NO_LONGER_HOLDS : CaseEvent.OFFER_NO_LONGER_HOLDS)) {
                return Uni.createFrom().item(referral);
            }
            LOG.infof("Referral %s: the %s of %s no longer holds (%s)", referral.id(),
                    accepted ? "acceptance" : "offer", held.serviceId(), why.get().code());
            Uni<List<Offer>> withdrawn = withdrawHolding(tx, referral, OfferStatusReason.withdrawnFor(why.get()), now,
                    counts, !accepted);
            if (accepted || why.get() == SendBackReason.NOT_ELIGIBLE_CATEGORY
                    || why.get() == SendBackReason.CONVEYING) {
                return withdrawn.chain(closed -> sendBack(tx, referral, why.get(), null, null, replace(all, closed),
                        now, counts));
            }
            return withdrawn.chain(closed -> routeNext(tx, referral, replace(all, closed), now, counts, why.get()));
        });
    }

    /** The holding service gets the new picture; the case stays where it is. */
    private Uni<Referral> pictureChanged(SqlClient tx, Referral referral, Offer held, CommunityService service,
            List<Offer> all, Instant now) {
        return deliveries.pictureChanged(tx, referral, held, service)
                .chain(() -> tell(new ReferralChange(referral, referral, all, now),
                        (listener, change) -> listener.pictureChanged(tx, change, held, service)))
                .replaceWith(referral);
    }

    /** Withdraws every offer still holding an open referral, each counted as cancelled. */
    private Uni<List<Offer>> withdrawHolding(SqlClient tx, Referral referral, OfferStatusReason reason, Instant now,
            AfterCommitCounts counts) {
        return withdrawHolding(tx, referral, reason, now, counts, true);
    }

    /**
     * Withdraws every offer still holding the referral (an acceptance too), and revokes the provider's copy.
     *
     * @param countAnswered whether each counts as an offer answered by a withdrawal (an open one); an acceptance
     *        recalled had its answer already
     */
    private Uni<List<Offer>> withdrawHolding(SqlClient tx, Referral referral, OfferStatusReason reason, Instant now,
            AfterCommitCounts counts, boolean countAnswered) {
        return offers.cancelHolding(tx, referral.id(), reason, now)
                .call(withdrawn -> deliveries.offersClosed(tx, referral, withdrawn))
                .invoke(withdrawn -> {
                    if (countAnswered) {
                        withdrawn.forEach(o -> counts.offerAnswered(AfterCommitCounts.OfferAnswer.CANCELLED));
                    }
                });
    }

    private Uni<Referral> routeNext(SqlClient tx, Referral referral, List<Offer> offersSoFar, Instant now,
            AfterCommitCounts counts) {
        return routeNext(tx, referral, offersSoFar, now, counts, null);
    }

    /**
     * @param whenNoneLeft the reason the case goes back with if no service is left for it (what ended the last
     *        commitment, e.g. {@code deteriorated}); null for the router's own reason
     */
    private Uni<Referral> routeNext(SqlClient tx, Referral referral, List<Offer> offersSoFar, Instant now,
            AfterCommitCounts counts, SendBackReason whenNoneLeft) {
        RoutingPolicy policy = policies.current();
        Instant budgetEnds = SendBackRules.budgetEnds(policy, referral.incident(), referral.createdAt(),
                referral.budgetEndsAt());
        Referral budgeted = withBudget(referral, budgetEnds);
        ServiceDirectory.Snapshot routedWith = directory.snapshot();
        SendBackRules.Precheck precheck = SendBackRules.precheck(policy, referral.incident(), budgetEnds, now,
                routedWith.services(), offersSoFar);
        if (precheck instanceof SendBackRules.SendBack back) {
            return sendBack(tx, budgeted, orElse(whenNoneLeft, back.reason()), offersSoFar, now, counts);
        }
        List<CommunityService> services = ((SendBackRules.Route) precheck).services();
        return capacity.current(tx, services.stream().map(CommunityService::id).toList(), now).chain(live -> {
            SendBackRules.NextStep next = SendBackRules.unlessBreachPassed(policy, referral.breachAt(),
                    SendBackRules.next(router, policy, referral.incident(), budgetEnds, now, services, live,
                            offersSoFar),
                    now);
            RoutingDecision decision = next instanceof SendBackRules.OfferTo to ? to.decision()
                    : ((SendBackRules.SendBack) next).decision();
            return decisions.insert(tx, referral, decision, routedWith.version())
                    .chain(() -> next instanceof SendBackRules.OfferTo to
                            ? offer(tx, budgeted, to.service(), to.deadline(), offersSoFar, now)
                            : sendBack(tx, budgeted, orElse(whenNoneLeft, ((SendBackRules.SendBack) next).reason()),
                                    offersSoFar, now, counts));
        });
    }

    private Uni<Referral> offer(SqlClient tx, Referral referral, CommunityService service, Instant deadline,
            List<Offer> offersSoFar, Instant now) {
        Offer offer = new Offer(UUID.randomUUID(), referral.id(), offersSoFar.size() + 1, service.id(),
                service.odsCode(), OfferStatus.REQUESTED, null, now, deadline, null, now, 1);
        LOG.debugf("Offering referral %s to %s until %s", referral.id(), service.id(), deadline);
        return offers.insert(tx, offer).chain(created -> {
            // The listeners hear of every offer: those read under this transaction's lock, and the one just made.
            List<Offer> all = withNew(offersSoFar, created);
            return referrals.updateCascade(tx, referral, ReferralStatus.OFFERED, deadline,
                    referral.budgetEndsAt(), null, now)
                    .call(updated -> deliveries.queue(tx, updated, offer, service))
                    .call(updated -> tell(new ReferralChange(referral, updated, all, now),
                            (listener, change) -> listener.offerMade(tx, change, created, service)));
        });
    }

    /** Sends the case back with the words of the service whose answer decided it, when it gave any. */
    private Uni<Referral> sendBack(SqlClient tx, Referral referral, SendBackReason reason, List<Offer> offersSoFar,
            Instant now, AfterCommitCounts counts) {
        return sendBack(tx, referral, reason, lastAttemptText(offersSoFar, reason), null, offersSoFar, now, counts);
    }

    /**
     * @param text the words a person gave for the send-back, passed on to the CAD as written; null when none
     * @param outcome the final answer that caused it; null when none
     */
    private Uni<Referral> sendBack(SqlClient tx, Referral referral, SendBackReason reason, String text,
            CareOutcome outcome, List<Offer> offersSoFar, Instant now, AfterCommitCounts counts) {
        LOG.debugf("Sending referral %s back: %s", referral.id(), reason.code());
        counts.concluded(AfterCommitCounts.ReferralOutcome.SENT_BACK, AfterCommitCounts.NO_SERVICE, reason);
        return referrals.updateCascade(tx, referral, ReferralStatus.SENT_BACK, null, referral.budgetEndsAt(),
                reason, now)
                .call(updated -> tell(new ReferralChange(referral, updated, offersSoFar, now, text, outcome),
                        (listener, change) -> listener.sentBack(tx, change, reason)));
    }

    /**
     * The words of the last service that declined or failed, when the send-back's reason is that very answer's (the
     * CAD then hears why in the service's own words); null otherwise.
     */
    static String lastAttemptText(List<Offer> offersSoFar, SendBackReason reason) {
        for (int i = offersSoFar.size() - 1; i >= 0; i--) {
            Offer offer = offersSoFar.get(i);
            if ((offer.status() == OfferStatus.REJECTED || offer.status() == OfferStatus.FAILED)
                    && offer.reason() != null) {
                return offer.reason().asSendBackReason() == reason ? offer.reason().text() : null;
            }
        }
        return null;
    }

    /** Whether the state machine refuses {@code event} for the referral as it stands: then nothing changes. */
    private static boolean refused(Referral referral, CaseEvent event) {
        if (ReferralLifecycle.allows(referral.status(), event)) {
            return false;
        }
        LOG.warnf("Referral %s is %s: '%s' is not a step it may take; refused, nothing changed", referral.id(),
                referral.status().wireValue(), event.label());
        return true;
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

    /** The service's type code, a bounded label value (a service removed from the directory since is "unknown"). */
    private String serviceType(String serviceId) {
        return directory.find(serviceId).map(s -> s.type().code()).orElse("unknown");
    }

    private static SendBackReason orElse(SendBackReason preferred, SendBackReason otherwise) {
        return preferred != null && otherwise != SendBackReason.NOT_ELIGIBLE_CATEGORY ? preferred : otherwise;
    }

    /**
     * The offers read under the referral's lock, with those this step changed as it left them: the offers as they
     * now stand, without reading them again (only the cascade changes them, under that lock).
     */
    static List<Offer> replace(List<Offer> all, List<Offer> changed) {
        if (changed.isEmpty()) {
            return all;
        }
        return all.stream()
                .map(o -> changed.stream().filter(c -> c.id().equals(o.id())).findFirst().orElse(o))
                .toList();
    }

    private static List<Offer> withNew(List<Offer> all, Offer created) {
        List<Offer> with = new ArrayList<>(all);
        with.add(created);
        return with;
    }

    private static Referral withBudget(Referral r, Instant budgetEnds) {
        return new Referral(r.id(), r.cadSystem(), r.incidentId(), r.status(), r.incident(), r.breachAt(),
                r.createdAt(), r.updatedAt(), r.version(), budgetEnds, r.sendBackReason(), r.callbackUrl(),
                r.correlationId());
    }
}
