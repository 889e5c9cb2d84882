package org.rightcare.hub.cascade;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import org.rightcare.hub.directory.Capacity;
import org.rightcare.hub.directory.CommunityService;
import org.rightcare.hub.directory.DispatchPhase;
import org.rightcare.hub.directory.ServiceType;
import org.rightcare.hub.offers.Offer;
import org.rightcare.hub.offers.OfferStatus;
import org.rightcare.hub.referral.DispatchState;
import org.rightcare.hub.referral.Incident;
import org.rightcare.hub.referral.SendBackReason;
import org.rightcare.hub.routing.Router;
import org.rightcare.hub.routing.RoutingDecision;
import org.rightcare.hub.routing.RoutingPolicy;
import org.rightcare.hub.routing.RoutingRule;
import org.rightcare.hub.support.WallClock;

/**
 * The decisions of the send-back loop with nothing else in them: whether a referral may be routed at all, until when,
 * which service to offer it next and until when that service may answer, or why it goes back to the ambulance
 * service. A pure function of its inputs: {@link ReferralCascade} applies its answers to the database, and the
 * what-if simulator applies them to its in-memory state, so both decide identically for the same case.
 */
public final class SendBackRules {

    private SendBackRules() {
    }

    /** What happens to a referral that holds no open offer. */
    public sealed interface NextStep {
    }

    /**
     * Before any service is considered: the referral goes back at once (a category the policy may not route, or the
     * time budget spent), or routing goes on with the services whose live capacity it needs.
     */
    public sealed interface Precheck {
    }

    /** Offer the case to {@code service} until {@code deadline}. */
    public record OfferTo(CommunityService service, Instant deadline, RoutingDecision decision) implements NextStep {
    }

    /** Send the case back; {@code decision} is null when no routing decision was made (the precheck ended it). */
    public record SendBack(SendBackReason reason, RoutingDecision decision) implements NextStep, Precheck {
    }

    /** Route among these services (only those of a type the matching rule prefers need their capacity read). */
    public record Route(List<CommunityService> services) implements Precheck {
    }

    /**
     * Until when the hub may keep offering the case: fixed when first routed, the category's budget counted from the
     * 999 call ({@code receivedAt}), not from when the hub heard of it (CAD contract, "Time counts from the call");
     * {@code arrivedAt} only stands in for a call time the incident lacks.
     */
    public static Instant budgetEnds(RoutingPolicy policy, Incident incident, Instant arrivedAt, Instant budgetEndsAt) {
        Instant call = incident.receivedAt() != null ? incident.receivedAt() : arrivedAt;
        return budgetEndsAt != null ? budgetEndsAt : call.plus(policy.timeBudget(incident.category()));
    }

    /**
     * A case whose breach time has passed, or would pass before the service offered it must answer, goes back at once
     * as {@code breach-passed}: the ambulance service, not a community team still deciding, must hold a case at its
     * breach time. The exception is a service of a type the policy lists in {@code offerPastBreach} (a virtual ward or
     * a GP that can still usefully call the patient back): it is offered the case all the same. Any other step
     * stands.
     */
    public static NextStep unlessBreachPassed(RoutingPolicy policy, Instant breachAt, NextStep next, Instant now) {
        if (breachAt != null && next instanceof OfferTo to
                && (!now.isBefore(breachAt) || to.deadline().isAfter(breachAt))
                && !policy.mayOfferPastBreach(to.service().type())) {
            return new SendBack(SendBackReason.BREACH_PASSED, to.decision());
        }
        return next;
    }

    /**
     * The checks that need no capacity: the category, the budget, and which services a rule could pick. A budget spent
     * goes back with the last service's answer, or as {@code breach-passed} when no service answered at all (a case
     * the CAD sent after its budget, counted from the call, had run out).
     */
    public static Precheck precheck(RoutingPolicy policy, Incident incident, Instant budgetEnds, Instant now,
            List<CommunityService> directory, List<Offer> offersSoFar) {
        if (!policy.mayRoute(incident.category())) {
            return new SendBack(SendBackReason.NOT_ELIGIBLE_CATEGORY, null);
        }
        if (!now.isBefore(budgetEnds)) {
            // With no service ever asked, the case came (or got) too close to its breach for any to answer in time:
            // timed-out would say a service was reached and did not answer.
            return new SendBack(lastAttemptReason(offersSoFar).orElse(SendBackReason.BREACH_PASSED), null);
        }
        Integer age = incident.patient() == null ? null : incident.patient().ageOn(now.atZone(WallClock.ZONE).toLocalDate());
        Set<ServiceType> types = policy.ruleFor(incident, age).map(RoutingRule::prefer).map(Set::copyOf)
                .orElse(Set.of());
        return new Route(directory.stream().filter(s -> types.contains(s.type())).toList());
    }

    /** Given live capacity, the router's decision: offer the first candidate, or send back with the reason. */
    public static NextStep next(Router router, RoutingPolicy policy, Incident incident, Instant budgetEnds,
            Instant now, List<CommunityService> services, Map<String, Capacity> capacity, List<Offer> offersSoFar) {
        Set<String> tried = offersSoFar.stream().map(Offer::serviceId).collect(Collectors.toSet());
        RoutingDecision decision = router.decide(policy, incident, now, services, capacity, tried);
        Optional<CommunityService> chosen = decision.first()
                .flatMap(candidate -> services.stream().filter(s -> s.id().equals(candidate.serviceId())).findFirst());
        if (chosen.isPresent()) {
            return new OfferTo(chosen.get(), offerDeadline(chosen.get(), now, budgetEnds), decision);
        }
        return new SendBack(reasonWhenNoCandidate(decision, offersSoFar), decision);
    }

    /**
     * A service answers within its acceptance window, never past the case's budget, and never past its own next
     * closing time: an offer made at 19:59 to a team that closes at 20:00 is due at 20:00, not 20:14.
     */
    public static Instant offerDeadline(CommunityService service, Instant now, Instant budgetEnds) {
        Instant deadline = now.plus(service.acceptanceWindow());
        if (budgetEnds.isBefore(deadline)) {
            deadline = budgetEnds;
        }
        if (service.openingHours().isOpenAt(now)) {
            Optional<Instant> closes = service.openingHours().nextChangeAfter(now);
            if (closes.isPresent() && closes.get().isBefore(deadline)) {
                deadline = closes.get();
            }
        }
        return deadline;
    }

    /**
     * Why a commitment to {@code service} (an open offer, or an acceptance when {@code accepted}) no longer holds for
     * the incident as it now stands, by the same rules the router applies; empty while it holds. In order: a category
     * the policy may not route ({@code not-eligible-category}), a crew conveying the patient ({@code conveying}), the
     * service's own eligibility (category, NEWS2 ceiling, age, frailty, conditions: {@code deteriorated}), and its
     * catchment ({@code out-of-area}). An acceptance is not undone by the crew's dispatch phase moving on (a
     * pre-dispatch service keeps a patient it took when the CAD then allocates a crew), only by conveying.
     *
     * @param service empty when the service has left the directory since: nothing of its own is then re-checked
     */
    public static Optional<SendBackReason> whyNoLongerHeld(RoutingPolicy policy, Incident incident,
            Optional<CommunityService> service, Instant now, boolean accepted) {
        if (!policy.mayRoute(incident.category())) {
            return Optional.of(SendBackReason.NOT_ELIGIBLE_CATEGORY);
        }
        if (incident.dispatchState() == DispatchState.CONVEYING) {
            return Optional.of(SendBackReason.CONVEYING);
        }
        if (service.isEmpty()) {
            return Optional.empty();
        }
        Incident asChecked = accepted ? inPhaseOf(incident, service.get()) : incident;
        if (service.get().eligibility().whyNotEligible(asChecked, now.atZone(WallClock.ZONE).toLocalDate())
                .isPresent()) {
            return Optional.of(SendBackReason.DETERIORATED);
        }
        if (!service.get().catchment().covers(incident.location())) {
            return Optional.of(SendBackReason.OUT_OF_AREA);
        }
        return Optional.empty();
    }

    /**
     * Why an open offer to {@code service} no longer holds now that the service's directory entry or capacity changed,
     * judged by the router itself: the offer holds while the router would still pick that service for the case
     * (the policy's rule prefers its type, it is active, eligible, covers the location, is open now and has room).
     * Otherwise the reason the case goes back with if no other service takes it: {@code not-eligible-category} (a
     * policy that no longer routes the category), {@code service-closed}, {@code no-capacity}, {@code out-of-area},
     * or {@code no-eligible-service} (removed, made inactive, no longer eligible, or no longer preferred).
     *
     * @param service empty when the service has left the directory
     * @param capacity the service's live capacity
     */
    public static Optional<SendBackReason> whyOfferNoLongerHolds(Router router, RoutingPolicy policy,
            Incident incident, Optional<CommunityService> service, Capacity capacity, Instant now) {
        if (!policy.mayRoute(incident.category())) {
            return Optional.of(SendBackReason.NOT_ELIGIBLE_CATEGORY);
        }
        if (service.isEmpty()) {
            return Optional.of(SendBackReason.NO_ELIGIBLE_SERVICE);
        }
        RoutingDecision decision = router.decide(policy, incident, now, List.of(service.get()),
                Map.of(service.get().id(), capacity), Set.of());
        if (!decision.candidates().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(decision.exclusions().stream().findFirst().map(exclusion -> switch (exclusion.reason()) {
            case CLOSED_NOW -> SendBackReason.SERVICE_CLOSED;
            case NO_CAPACITY -> SendBackReason.NO_CAPACITY;
            case OUT_OF_AREA -> SendBackReason.OUT_OF_AREA;
            default -> SendBackReason.NO_ELIGIBLE_SERVICE;
        }).orElse(SendBackReason.NO_ELIGIBLE_SERVICE));
    }

    /**
     * When an open offer that still holds must be looked at next: its deadline, or the service's next closing time if
     * that comes first (a service whose hours changed since the offer was made withdraws it when it closes).
     */
    public static Instant nextCheck(Offer open, Optional<CommunityService> service, Instant now) {
        Instant next = open.deadlineAt();
        if (service.isPresent() && service.get().openingHours().isOpenAt(now)) {
            Optional<Instant> closes = service.get().openingHours().nextChangeAfter(now);
            if (closes.isPresent() && closes.get().isBefore(next)) {
                next = closes.get();
            }
        }
        return next;
    }

    /** The incident as if in a dispatch state the service takes, so that only its clinical rules are checked. */
    private static Incident inPhaseOf(Incident incident, CommunityService service) {
        DispatchPhase phase = DispatchPhase.of(incident.dispatchState()).orElse(DispatchPhase.PRE_DISPATCH);
        if (service.eligibility().dispatchPhases().contains(phase)) {
            return incident;
        }
        DispatchState taken = phase == DispatchPhase.PRE_DISPATCH ? DispatchState.ON_SCENE
                : DispatchState.CLINICAL_QUEUE;
        return new Incident(incident.incidentId(), incident.receivedAt(), incident.category(), taken,
                incident.origin(), incident.triage(), incident.presentingComplaint(), incident.patient(),
                incident.location(), incident.clinical(), incident.crew());
    }

    /** An open offer whose deadline has come fails as timed out, and the case moves on. */
    public static boolean deadlinePassed(Offer open, Instant now) {
        return !open.deadlineAt().isAfter(now);
    }

    /**
     * What the ambulance service is told when no service is left: the last service's own answer if one was offered
     * the case, otherwise the most actionable reason among the exclusions (the router checks eligibility, then area,
     * then hours, then capacity, so a capacity exclusion means an otherwise suitable service was full).
     */
    static SendBackReason reasonWhenNoCandidate(RoutingDecision decision, List<Offer> offersSoFar) {
        Optional<SendBackReason> lastAttempt = lastAttemptReason(offersSoFar);
        if (lastAttempt.isPresent()) {
            return lastAttempt.get();
        }
        Set<RoutingDecision.ExclusionReason> reasons = decision.exclusions().stream()
                .map(RoutingDecision.Exclusion::reason).collect(Collectors.toSet());
        if (reasons.contains(RoutingDecision.ExclusionReason.NO_CAPACITY)) {
            return SendBackReason.NO_CAPACITY;
        }
        if (reasons.contains(RoutingDecision.ExclusionReason.CLOSED_NOW)) {
            return SendBackReason.SERVICE_CLOSED;
        }
        if (reasons.contains(RoutingDecision.ExclusionReason.OUT_OF_AREA)) {
            return SendBackReason.OUT_OF_AREA;
        }
        return SendBackReason.NO_ELIGIBLE_SERVICE;
    }

    static Optional<SendBackReason> lastAttemptReason(List<Offer> offersSoFar) {
        for (int i = offersSoFar.size() - 1; i >= 0; i--) {
            Offer offer = offersSoFar.get(i);
            if ((offer.status() == OfferStatus.REJECTED || offer.status() == OfferStatus.FAILED) && offer.reason() != null) {
                return Optional.of(offer.reason().asSendBackReason());
            }
        }
        return Optional.empty();
    }
}
