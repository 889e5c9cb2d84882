package org.rightcare.hub.referral;

import java.time.Instant;
import java.util.UUID;

/**
 * One incident's request for community care: the hub's unit of work. Its id is also the id of the FHIR
 * ServiceRequest and of the resources rendered beside it.
 *
 * @param version increases with every change; it is the FHIR {@code meta.versionId}
 * @param breachAt when the ambulance response target for the category runs out: the latest time by which the
 *        case must be accepted or back with the ambulance service
 */
public record Referral(
        UUID id,
        String cadSystem,
        String incidentId,
        ReferralStatus status,
        Incident incident,
        Instant breachAt,
        Instant createdAt,
        Instant updatedAt,
        int version) {
}
