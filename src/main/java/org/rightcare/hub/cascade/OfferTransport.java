package org.rightcare.hub.cascade;

import org.rightcare.hub.directory.CommunityService;
import org.rightcare.hub.directory.DeliveryEndpoint;
import org.rightcare.hub.offers.Offer;
import org.rightcare.hub.referral.Referral;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * How an offer reaches a service whose endpoint is of one {@link #kind()}: the cascade's port to the channels that
 * push offers (BaRS, FHIR REST). A {@code pull} endpoint has no transport: the provider finds the offer through the
 * hub's FHIR API. {@link OfferDeliveries} picks the transport by the service's endpoint kind and calls it in the
 * transaction that makes or closes the offer, before the {@link ReferralListener}s.
 *
 * <p>
 * Each endpoint is a queue of its own (destination = the service id), and one referral's messages to one service
 * go out in order ({@link #orderingKey}), so a revocation never overtakes the offer it revokes. A further message
 * about an offer the provider holds (an update of the clinical picture) is a further method here, queued the same
 * way.
 */
public interface OfferTransport {

    /** The endpoint kind this transport serves; one transport per kind. */
    DeliveryEndpoint.Kind kind();

    /**
     * Queues the offer for the service's endpoint. The delivery's id is the offer's, so that a delivery the outbox
     * gives up on fails the offer ({@link UndeliverableOffers}).
     */
    Uni<Void> queueOffer(SqlClient tx, Referral referral, Offer offer, CommunityService service);

    /**
     * Queues the withdrawal of a closed offer the provider may have received ({@code closed} as it now stands, not
     * answered by the provider itself), under an id of its own: giving it up fails nothing.
     */
    Uni<Void> queueRevocation(SqlClient tx, Referral referral, Offer closed, CommunityService service);

    /**
     * Queues the update of the provider's copy of an offer it declined ({@code declined} as it now stands), whichever
     * way the decline reached the hub (the hub's FHIR API, the board, a BaRS response), so every copy of the offer
     * tells the same story. A transport whose receiver keeps no copy of the offer has nothing to update.
     */
    default Uni<Void> queueDeclined(SqlClient tx, Referral referral, Offer declined, CommunityService service) {
        return Uni.createFrom().voidItem();
    }

    /**
     * One referral's deliveries to one service, in order: not the referral alone, or the next service offered the
     * case would wait behind the delivery to one that declined it or let it time out while its endpoint was failing.
     */
    static String orderingKey(CommunityService service, Referral referral) {
        return service.id() + "/" + referral.id();
    }
}
