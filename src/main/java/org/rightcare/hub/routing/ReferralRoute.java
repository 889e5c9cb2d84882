package org.rightcare.hub.routing;

import java.util.List;
import java.util.Optional;

import org.rightcare.hub.offers.Offer;

/**
 * How a referral has been routed so far, for the people and systems that ask why: the latest routing decision (every
 * service considered, chosen or excluded, with reasons) and every offer made, first first.
 */
public record ReferralRoute(Optional<RoutingDecision> latestDecision, List<Offer> offers) {

    public static final ReferralRoute NONE = new ReferralRoute(Optional.empty(), List.of());

    /** The offer that holds the referral now (open, accepted or in progress), if any. */
    public Optional<Offer> holder() {
        return offers.stream().filter(o -> o.status().holdsReferral()).findFirst();
    }
}
