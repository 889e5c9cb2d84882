package org.rightcare.hub.routing;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.rightcare.hub.directory.Capacity;
import org.rightcare.hub.directory.CommunityService;
import org.rightcare.hub.directory.ServiceType;
import org.rightcare.hub.referral.Incident;
import org.rightcare.hub.routing.RoutingDecision.Candidate;
import org.rightcare.hub.routing.RoutingDecision.Exclusion;
import org.rightcare.hub.routing.RoutingDecision.ExclusionReason;
import org.rightcare.hub.support.WallClock;

/**
 * Decides where a case may go: the policy's first matching rule gives the preferred service types; each service of
 * those types is then checked for eligibility, catchment, opening hours, live capacity and whether it already
 * declined this case. A pure function of its inputs, so the live hub and the what-if simulator decide identically.
 */
@ApplicationScoped
public class Router {

    /**
     * @param services the directory's services
     * @param capacity live capacity by service id (a missing entry means GREEN, unlimited)
     * @param alreadyTried services that already had an offer for this case (declined, timed out or failed)
     */
    public RoutingDecision decide(RoutingPolicy policy, Incident incident, Instant now, List<CommunityService> services,
            Map<String, Capacity> capacity, Set<String> alreadyTried) {
        if (!policy.mayRoute(incident.category())) {
            return new RoutingDecision(now, null, List.of(), List.of());
        }
        LocalDate today = now.atZone(WallClock.ZONE).toLocalDate();
        Integer age = incident.patient() == null ? null : incident.patient().ageOn(today);
        Optional<RoutingRule> rule = policy.ruleFor(incident, age);
        if (rule.isEmpty()) {
            return new RoutingDecision(now, null, List.of(), List.of());
        }
        List<Candidate> candidates = new ArrayList<>();
        List<Exclusion> exclusions = new ArrayList<>();
        for (ServiceType type : rule.get().prefer()) {
            List<CommunityService> open = new ArrayList<>();
            for (CommunityService service : services) {
                if (service.type() != type) {
                    continue;
                }
                Optional<Exclusion> excluded = exclusion(service, incident, now, today, capacity, alreadyTried);
                if (excluded.isPresent()) {
                    exclusions.add(excluded.get());
                } else {
                    open.add(service);
                }
            }
            open.sort(byAvailability(capacity));
            for (CommunityService service : open) {
                candidates.add(new Candidate(service.id(), service.name(), type.code(), "rule " + rule.get().id()
                        + " prefers " + type.code() + "; eligible, covers the location, open, "
                        + describe(capacity.get(service.id()))));
            }
        }
        return new RoutingDecision(now, rule.get().id(), List.copyOf(candidates), List.copyOf(exclusions));
    }

    /**
     * Why the router excluded a service it did not list in a stored decision: the checks that need neither live
     * capacity nor the case's earlier offers (inactive, not eligible, out of area), as {@link #decide} makes them
     * at {@code decidedAt}. Empty when none of them excludes it.
     */
    static Optional<Exclusion> exclusionByTheDirectory(CommunityService service, Incident incident, Instant decidedAt) {
        return exclusion(service, incident, decidedAt, decidedAt.atZone(WallClock.ZONE).toLocalDate(), Map.of(),
                Set.of()).filter(e -> !e.reason().couldHaveTakenTheCase());
    }

    private static Optional<Exclusion> exclusion(CommunityService service, Incident incident, Instant now,
            LocalDate today, Map<String, Capacity> capacity, Set<String> alreadyTried) {
        if (!service.active()) {
            return excluded(service, ExclusionReason.INACTIVE, "the service is not active in the directory");
        }
        if (alreadyTried.contains(service.id())) {
            return excluded(service, ExclusionReason.ALREADY_DECLINED, "already offered this case");
        }
        Optional<String> notEligible = service.eligibility().whyNotEligible(incident, today);
        if (notEligible.isPresent()) {
            return excluded(service, ExclusionReason.NOT_ELIGIBLE, notEligible.get());
        }
        if (!service.catchment().covers(incident.location())) {
            return excluded(service, ExclusionReason.OUT_OF_AREA, "the patient's location is outside its catchment");
        }
        if (!service.openingHours().isOpenAt(now)) {
            return excluded(service, ExclusionReason.CLOSED_NOW, service.openingHours().nextChangeAfter(now)
                    .map(opens -> "closed now; opens " + opens.atZone(WallClock.ZONE).toLocalDateTime())
                    .orElse("closed now"));
        }
        Capacity live = capacity.get(service.id());
        if (live != null && !live.hasRoom()) {
            return excluded(service, ExclusionReason.NO_CAPACITY, describe(live));
        }
        return Optional.empty();
    }

    private static Optional<Exclusion> excluded(CommunityService service, ExclusionReason reason, String detail) {
        return Optional.of(new Exclusion(service.id(), service.name(), service.type().code(), reason, detail));
    }

    /** GREEN before AMBER, then the most places, then a stable order by id. */
    private static Comparator<CommunityService> byAvailability(Map<String, Capacity> capacity) {
        return Comparator.<CommunityService> comparingInt(s -> rag(capacity.get(s.id())).ordinal())
                .thenComparing(s -> places(capacity.get(s.id())), Comparator.reverseOrder())
                .thenComparing(CommunityService::id);
    }

    private static Capacity.Rag rag(Capacity capacity) {
        return capacity == null ? Capacity.Rag.GREEN : capacity.rag();
    }

    private static int places(Capacity capacity) {
        return capacity == null || capacity.places() == null ? Integer.MAX_VALUE : capacity.places();
    }

    private static String describe(Capacity capacity) {
        if (capacity == null) {
            return "capacity GREEN";
        }
        return "capacity " + capacity.rag() + (capacity.places() == null ? "" : ", " + capacity.places() + " places");
    }
}
