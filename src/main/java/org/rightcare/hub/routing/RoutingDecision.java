package org.rightcare.hub.routing;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Why a case went where it went: the services to offer it to, in order, and every service considered but excluded,
 * with the reason for each. Stored with the referral and shown to clinicians and CADs.
 *
 * @param ruleId the policy rule that matched, or null when none did (or the category may not be routed)
 */
public record RoutingDecision(Instant decidedAt, String ruleId, List<Candidate> candidates, List<Exclusion> exclusions) {

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
        INACTIVE
    }

    public Optional<Candidate> first() {
        return candidates.isEmpty() ? Optional.empty() : Optional.of(candidates.get(0));
    }
}
