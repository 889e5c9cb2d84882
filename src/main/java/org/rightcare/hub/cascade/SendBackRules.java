package org.rightcare.hub.cascade;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import org.rightcare.hub.directory.Capacity;
import org.rightcare.hub.directory.CommunityService;
import org.rightcare.hub.directory.ServiceType;
import org.rightcare.hub.offers.Offer;
import org.rightcare.hub.offers.OfferStatus;
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
     * breach time. Any other step stands.
     */
    public static NextStep unlessBreachPassed(Instant breachAt, NextStep next, Instant now) {
        if (breachAt != null && next instanceof OfferTo to
                && (!now.isBefore(breachAt) || to.deadline().isAfter(breachAt))) {
            return new SendBack(SendBackReason.BREACH_PASSED, to.decision());
        }
        return next;
    }

    /** The checks that need no capacity: the category, the budget, and which services a rule could pick. */
    public static Precheck precheck(RoutingPolicy policy, Incident incident, Instant budgetEnds, Instant now,
            List<CommunityService> directory, List<Offer> offersSoFar) {
        if (!policy.mayRoute(incident.category())) {
            return new SendBack(SendBackReason.NOT_ELIGIBLE_CATEGORY, null);
        }
        if (!now.isBefore(budgetEnds)) {
            return new SendBack(lastAttemptReason(offersSoFar).orElse(SendBackReason.TIMED_OUT), null);
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
