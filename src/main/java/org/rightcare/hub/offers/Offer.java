package org.rightcare.hub.offers;

import java.time.Instant;
import java.util.UUID;

/**
 * One offer of a referral to one service: the FHIR Task whose focus is the ServiceRequest and whose owner is the
 * service's organisation. Its id is the Task id.
 *
 * @param sequence 1 for the first service offered the case, 2 for the next ...
 * @param reason why it was rejected (a NHS rejection code) or failed ("timed-out", "undeliverable"); null otherwise
 * @param deadlineAt when the service's acceptance window closes (Task.restriction.period.end)
 */
public record Offer(UUID id, UUID referralId, int sequence, String serviceId, String odsCode, OfferStatus status,
        OfferStatusReason reason, Instant offeredAt, Instant deadlineAt, Instant answeredAt, Instant updatedAt,
        int version) {
}
