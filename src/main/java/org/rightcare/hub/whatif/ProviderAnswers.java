package org.rightcare.hub.whatif;

import java.time.Duration;

import org.rightcare.hub.directory.CommunityService;
import org.rightcare.hub.offers.Offer;
import org.rightcare.hub.offers.OfferStatusReason;
import org.rightcare.hub.referral.Incident;

/**
 * How simulated providers answer offers. The simulator asks once per offer, at the moment it is made, in the order
 * of its simulated clock: an implementation that draws from a seeded source is therefore reproducible.
 */
public interface ProviderAnswers {

    /** What the provider will do with this offer. */
    Answer answer(Offer offer, CommunityService service, Incident incident);

    sealed interface Answer {
    }

    /** Takes the patient {@code after} the offer, if a place is free then and the offer is still open. */
    record Accept(Duration after) implements Answer {
    }

    /** Declines {@code after} the offer, with a BaRS or DoS rejection reason. */
    record Reject(Duration after, OfferStatusReason reason) implements Answer {
    }

    /** Never answers: the offer's deadline passes. */
    record Silent() implements Answer {
    }
}
