package org.rightcare.hub.referral;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * A page of referrals to read, newest or oldest change first, for searches. Null or empty filters match everything.
 *
 * @param referralId only this referral; null for any
 * @param offeredTo only referrals offered at any time to this organisation (ODS code); null for no such limit
 * @param orOpenIn with {@code offeredTo}: also open referrals of these categories (a provider's clinical stack, which
 *        the caller then narrows to the ones its services may claim); empty for none
 * @param updatedAfter exclusive lower bounds on the last change; {@code updatedBefore} exclusive upper bounds
 * @param after the (updatedAt, id) of the last row of the previous page, or null for the first page
 */
public record ReferralQuery(UUID referralId, Set<ReferralStatus> statuses, Set<ArpCategory> categories, String nhsNumber,
        String offeredTo, Set<ArpCategory> orOpenIn, List<Instant> updatedAfter, List<Instant> updatedBefore,
        boolean ascending, Cursor after, int limit) {

    /** Where a page ends: the last row's change time and id. */
    public record Cursor(Instant updatedAt, UUID id) {
    }
}
