package org.rightcare.hub.cascade;

import java.time.Instant;
import java.util.List;

import org.rightcare.hub.offers.Offer;
import org.rightcare.hub.referral.CareOutcome;
import org.rightcare.hub.referral.Referral;
import org.rightcare.hub.referral.ReferralStatus;

/**
 * One step of a referral's life as its listeners hear of it.
 *
 * @param before the referral as the step found it (under its row lock)
 * @param after the referral as the step left it
 * @param offers every offer of the referral as the step left them, first offer first
 * @param at when the step happened
 * @param reasonText the words a person gave with the answer or decision that caused the step (a decline's, a
 *        clinician's send-back's, a final answer's); null when nobody gave any
 * @param outcome the treating or validating service's final answer, for a completion or the send-back it caused;
 *        null otherwise
 */
public record ReferralChange(Referral before, Referral after, List<Offer> offers, Instant at, String reasonText,
        CareOutcome outcome) {

    public ReferralChange {
        offers = List.copyOf(offers);
    }

    public ReferralChange(Referral before, Referral after, List<Offer> offers, Instant at) {
        this(before, after, offers, at, null, null);
    }

    /** Whether this step made the referral's first offer: until then the case was new, and routing. */
    public boolean firstRouting() {
        return before.status() == ReferralStatus.ROUTING;
    }
}
