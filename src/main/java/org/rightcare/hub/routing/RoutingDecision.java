package org.rightcare.hub.routing;

import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Why a case went where it went: the services to offer it to, in order, and the services considered but excluded,
 * with the reason for each. Stored with the referral and shown to clinicians and CADs.
 *
 * <p>
 * As the router makes it, every excluded service is listed. As stored for a large directory (see
 * {@link RoutingDecisionRepository}), only the exclusions of services that could have taken the case (already tried,
 * closed, full) are listed, and the rest (out of area, not eligible, inactive) are counted in {@code excludedCounts}
 * and rebuilt from the directory when someone asks; {@code unlistedExclusions} says how many a reader still cannot
 * see, because the directory has changed since.
 *
 * @param ruleId the policy rule that matched, or null when none did (or the category may not be routed)
 * @param excludedCounts how many services were excluded for each reason, listed or not
 * @param unlistedExclusions how many of those are not in {@code exclusions}: 0 unless the list could not be rebuilt
 */
public record RoutingDecision(Instant decidedAt, String ruleId, List<Candidate> candidates, List<Exclusion> exclusions,
        Map<ExclusionReason, Integer> excludedCounts, int unlistedExclusions) {

    /** A service the case may be offered to, and why it qualifies. */
    public record Candidate(String serviceId, String serviceName, String serviceType, String reason) {
    }

    /** A service considered and ruled out. */
    public record Exclusion(String serviceId, String serviceName, String serviceType, ExclusionReason reason,
            String detail) {
    }

    public enum ExclusionReason {
        OUT_OF_AREA,
        CLOSED_NOW,
        NO_CAPACITY,
        NOT_ELIGIBLE,
        ALREADY_DECLINED,
        INACTIVE;

        /**
         * Whether a service excluded for this reason could have taken the case: it is eligible and covers the place,
         * but was already tried, closed or full. These are always listed; the others are counted.
         */
        public boolean couldHaveTakenTheCase() {
            return this == CLOSED_NOW || this == NO_CAPACITY || this == ALREADY_DECLINED;
        }
    }

    /** Counts missing (a decision stored before they were kept) are those of the listed exclusions. */
    public RoutingDecision {
        candidates = List.copyOf(candidates);
        exclusions = List.copyOf(exclusions);
        excludedCounts = excludedCounts == null ? countByReason(exclusions)
                : Collections.unmodifiableMap(new LinkedHashMap<>(excludedCounts));
    }

    /** A decision with every exclusion listed. */
    public RoutingDecision(Instant decidedAt, String ruleId, List<Candidate> candidates, List<Exclusion> exclusions) {
        this(decidedAt, ruleId, candidates, exclusions, null, 0);
    }

    public Optional<Candidate> first() {
        return candidates.isEmpty() ? Optional.empty() : Optional.of(candidates.get(0));
    }

    /** How many services were excluded, listed or not. */
    public int excludedTotal() {
        return excludedCounts.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** The exclusions counted but not listed, by reason (empty unless {@code unlistedExclusions} > 0). */
    public Map<ExclusionReason, Integer> unlistedCounts() {
        Map<ExclusionReason, Integer> unlisted = new EnumMap<>(ExclusionReason.class);
        unlisted.putAll(excludedCounts);
        exclusions.forEach(e -> unlisted.merge(e.reason(), -1, Integer::sum));
        unlisted.values().removeIf(count -> count <= 0);
        return unlisted;
    }

    /** Counts in the order of {@link ExclusionReason}, so the stored JSON and every reader list them alike. */
    static Map<ExclusionReason, Integer> countByReason(List<Exclusion> exclusions) {
        Map<ExclusionReason, Integer> counts = new EnumMap<>(ExclusionReason.class);
        exclusions.forEach(e -> counts.merge(e.reason(), 1, Integer::sum));
        return Collections.unmodifiableMap(new LinkedHashMap<>(counts));
    }
}
