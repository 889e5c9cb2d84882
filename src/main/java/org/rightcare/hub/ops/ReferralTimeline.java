package org.rightcare.hub.ops;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Where a referral is and how it got there, for an operator: the referral as it stands, then everything that
 * happened to it in time order. It names services, CAD systems and ids, never the patient: the operator finds the
 * case with the patient's NHS number but does not need the patient's details to follow it.
 */
public record ReferralTimeline(Summary referral, List<Entry> timeline) {

    /**
     * The referral now.
     *
     * @param concludedAt when it reached accepted, sent back or cancelled; null while it is still in play
     */
    public record Summary(UUID id, String cadSystem, String incidentId, String status, String category,
            String correlationId, Instant createdAt, Instant updatedAt, Instant breachAt, Instant budgetEndsAt,
            Instant concludedAt, Instant nextActionAt, String sendBackReason) {
    }

    /**
     * One thing that happened.
     *
     * @param kind {@code cad-event}, {@code routing-decision}, {@code offer}, {@code offer-answer},
     *        {@code cad-callback}, {@code delivery} or {@code audit}
     * @param detail what an operator needs to know about it; never a payload
     */
    public record Entry(Instant at, String kind, Map<String, Object> detail) {
    }
}
