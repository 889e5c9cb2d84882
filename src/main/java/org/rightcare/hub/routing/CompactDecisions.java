package org.rightcare.hub.routing;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.rightcare.hub.directory.CommunityService;
import org.rightcare.hub.directory.ServiceDirectory;
import org.rightcare.hub.referral.Incident;
import org.rightcare.hub.routing.RoutingDecision.Exclusion;
import org.rightcare.hub.routing.RoutingDecision.ExclusionReason;

/**
 * What a routing decision keeps when stored, so that its cost does not grow with the directory: every candidate,
 * every exclusion of a service that could have taken the case (already tried, closed, full), and for the rest (out of
 * area, not eligible, inactive: most of a large directory) only a count by reason. Those are rebuilt when someone
 * asks, from the same directory version and the same incident, by the router's own checks; when either has changed
 * since, the reader gets the counts and is told the list cannot be shown.
 */
final class CompactDecisions {

    /** A decision with no more exclusions than this is stored whole: a small directory loses nothing. */
    static final int LIST_EVERY_EXCLUSION_UP_TO = 20;

    /**
     * What the unlisted exclusions were decided from.
     *
     * @param serviceTypes the types the rule preferred, in its order (every service of these types was considered)
     * @param incidentDigest {@link RoutingDecisionRepository#digest} of the incident as routed
     */
    record Basis(long directoryVersion, List<String> serviceTypes, String incidentDigest) {
    }

    /** A decision as stored, with the basis its unlisted exclusions can be rebuilt from (null when none are). */
    record Stored(RoutingDecision decision, Basis basis) {
    }

    private CompactDecisions() {
    }

    static Stored compact(RoutingDecision full, long directoryVersion, String incidentDigest) {
        if (full.exclusions().size() <= LIST_EVERY_EXCLUSION_UP_TO) {
            return new Stored(full, null);
        }
        List<Exclusion> listed = full.exclusions().stream().filter(e -> e.reason().couldHaveTakenTheCase()).toList();
        // The types of the excluded services in the order the router walked them (the rule's order): rebuilding walks
        // them in this order and the directory by id within each, as the router did, so the list comes back in the
        // same order. A type whose every service was a candidate has nothing to rebuild.
        Set<String> types = new LinkedHashSet<>();
        full.exclusions().forEach(e -> types.add(e.serviceType()));
        RoutingDecision compact = new RoutingDecision(full.decidedAt(), full.ruleId(), full.candidates(), listed,
                full.excludedCounts(), full.exclusions().size() - listed.size());
        return new Stored(compact, new Basis(directoryVersion, List.copyOf(types), incidentDigest));
    }

    /**
     * The decision with its unlisted exclusions rebuilt, when the directory is still at the decision's version and
     * the incident is the one routed, and the rebuilt list has exactly the counts stored; otherwise the stored
     * decision, whose {@code unlistedExclusions} tells the reader what is missing.
     */
    static RoutingDecision rebuild(Stored stored, Incident incident, String incidentDigest,
            ServiceDirectory.Snapshot directory) {
        RoutingDecision decision = stored.decision();
        Basis basis = stored.basis();
        if (basis == null || decision.unlistedExclusions() == 0) {
            return decision;
        }
        if (basis.directoryVersion() != directory.version() || !basis.incidentDigest().equals(incidentDigest)) {
            return decision;
        }
        Set<String> candidates = new HashSet<>();
        decision.candidates().forEach(c -> candidates.add(c.serviceId()));
        Map<String, Exclusion> listed = new HashMap<>();
        decision.exclusions().forEach(e -> listed.put(e.serviceId(), e));
        List<Exclusion> all = new ArrayList<>(decision.excludedTotal());
        Map<ExclusionReason, Integer> rebuilt = new EnumMap<>(ExclusionReason.class);
        int listedSeen = 0;
        for (String type : basis.serviceTypes()) {
            for (CommunityService service : directory.services()) {
                if (!service.type().code().equals(type) || candidates.contains(service.id())) {
                    continue;
                }
                Exclusion kept = listed.get(service.id());
                if (kept != null) {
                    all.add(kept);
                    listedSeen++;
                    continue;
                }
                Optional<Exclusion> excluded = Router.exclusionByTheDirectory(service, incident, decision.decidedAt());
                if (excluded.isEmpty()) {
                    return decision;
                }
                all.add(excluded.get());
                rebuilt.merge(excluded.get().reason(), 1, Integer::sum);
            }
        }
        Map<ExclusionReason, Integer> expected = new EnumMap<>(ExclusionReason.class);
        decision.excludedCounts().forEach((reason, count) -> {
            if (!reason.couldHaveTakenTheCase()) {
                expected.put(reason, count);
            }
        });
        if (listedSeen != listed.size() || !expected.equals(rebuilt)) {
            return decision;
        }
        return new RoutingDecision(decision.decidedAt(), decision.ruleId(), decision.candidates(), all,
                decision.excludedCounts(), 0);
    }
}
