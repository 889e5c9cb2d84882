package org.rightcare.hub.cascade;

import java.time.Instant;
import java.util.List;

import org.rightcare.hub.offers.Offer;
import org.rightcare.hub.referral.Referral;
import org.rightcare.hub.referral.ReferralStatus;

/**
 * One step of a referral's life as its listeners hear of it.
 *
 * @param before the referral as the step found it (under its row lock)
 * @param after the referral as the step left it
 * @param offers every offer of the referral as the step left them, first offer first
 * @param at when the step happened
 */
public record ReferralChange(Referral before, Referral after, List<Offer> offers, Instant at) {

    public ReferralChange {
        offers = List.copyOf(offers);
    }

    /** Whether this step made the referral's first offer: until then the case was new, and routing. */
    public boolean firstRouting() {
        return before.status() == ReferralStatus.ROUTING;
    }
}
