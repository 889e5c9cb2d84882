package org.rightcare.hub.sendback;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.rightcare.hub.offers.OfferRepository;
import org.rightcare.hub.routing.RoutingDecisionRepository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;

/** Reads a referral's route: its latest routing decision and its offers. */
@ApplicationScoped
public class ReferralRoutes {

    private final Pool pool;
    private final RoutingDecisionRepository decisions;
    private final OfferRepository offers;

    public ReferralRoutes(Pool pool, RoutingDecisionRepository decisions, OfferRepository offers) {
        this.pool = pool;
        this.decisions = decisions;
        this.offers = offers;
    }

    public Uni<ReferralRoute> of(UUID referralId) {
        return Uni.combine().all().unis(decisions.latest(pool, referralId), offers.findByReferral(pool, referralId))
                .with(ReferralRoute::new);
    }
}
