package org.rightcare.hub.referral;

import java.time.Instant;
import java.util.UUID;

/**
 * One incident's request for community care: the hub's unit of work. Its id is also the id of the FHIR
 * ServiceRequest and of the resources rendered beside it.
 *
 * @param version increases with every change; it is the FHIR {@code meta.versionId}
 * @param breachAt when the ambulance response target for the category runs out
 * @param budgetEndsAt until when the hub may keep offering the case (set when it is first routed, from the routing
 *        policy's time budget); null before that
 * @param sendBackReason why the case went back to the ambulance service, once it has; else null
 * @param callbackUrl where the CAD asked for this incident's callbacks; null for its system's configured one
 * @param correlationId the id the incident's log lines and deliveries carry; null for a referral stored before the
 *        hub kept them
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
        int version,
        Instant budgetEndsAt,
        SendBackReason sendBackReason,
        String callbackUrl,
        String correlationId) {
}
