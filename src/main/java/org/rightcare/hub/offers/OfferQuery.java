package org.rightcare.hub.offers;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * A page of offers (FHIR Tasks) to read, newest or oldest change first, for searches. Null or empty filters match
 * everything.
 *
 * @param odsCode only offers made to this organisation; null for every organisation's (the hub's own staff)
 * @param updatedAfter exclusive lower bounds on the last change; {@code updatedBefore} exclusive upper bounds
 * @param after the (updatedAt, id) of the last row of the previous page, or null for the first page
 */
public record OfferQuery(String odsCode, Set<OfferStatus> statuses, Set<UUID> referralIds, Set<String> serviceIds,
        String nhsNumber, List<Instant> updatedAfter, List<Instant> updatedBefore, boolean ascending, Cursor after,
        int limit) {

    /** Where a page ends: the last row's change time and id. */
    public record Cursor(Instant updatedAt, UUID id) {
    }
}
