package org.rightcare.hub.offers.delivery;

import jakarta.enterprise.context.ApplicationScoped;

import org.rightcare.hub.bars.BarsDeliveries;
import org.rightcare.hub.delivery.DeliveryOutbox;
import org.rightcare.hub.delivery.NewDelivery;
import org.rightcare.hub.directory.CommunityService;
import org.rightcare.hub.directory.DeliveryEndpoint;
import org.rightcare.hub.offers.Offer;
import org.rightcare.hub.referral.Referral;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * Queues a new offer for the service's endpoint, in the transaction that makes the offer, so the offer is sent if
 * and only if it is made. Each endpoint is a queue of its own (destination = the service id), so a dead provider
 * delays nobody else. One referral's messages to one service go out in order (ordering key = service and referral):
 * not the referral alone, or the next service offered the case would wait behind the delivery to a service that
 * declined it or let it time out while its endpoint was still failing.
 *
 * <p>A {@code fhir-rest} endpoint gets the case written to its FHIR server ({@link FhirRestTransaction}). A
 * {@code pull} endpoint gets nothing pushed: the provider finds the offer through the hub's FHIR API. A {@code bars}
 * endpoint gets a BaRS validation request at its {@code $process-message} ({@link BarsDeliveries}).
 */
@ApplicationScoped
public class OfferDeliveries {

    private final DeliveryOutbox outbox;
    private final FhirRestTransaction fhirRest;
    private final BarsDeliveries bars;

    public OfferDeliveries(DeliveryOutbox outbox, FhirRestTransaction fhirRest, BarsDeliveries bars) {
        this.outbox = outbox;
        this.fhirRest = fhirRest;
        this.bars = bars;
    }

    public Uni<Void> queue(SqlClient tx, Referral referral, Offer offer, CommunityService service) {
        DeliveryEndpoint endpoint = service.endpoint();
        if (endpoint.kind() == DeliveryEndpoint.Kind.BARS) {
            return bars.queueValidationRequest(tx, referral, offer, service);
        }
        if (endpoint.kind() != DeliveryEndpoint.Kind.FHIR_REST) {
            return Uni.createFrom().voidItem();
        }
        // The delivery's id is the offer's: the channel finds the offer again from it when the delivery fails.
        return outbox.enqueue(tx, new NewDelivery(offer.id(), FhirRestOfferChannel.NAME, service.id(),
                service.id() + "/" + referral.id(), referral.id(), endpoint.url(), null, FhirRestTransaction.CONTENT_TYPE,
                fhirRest.renderJson(referral, offer, service)));
    }
}
