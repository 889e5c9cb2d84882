package org.rightcare.hub.offers.delivery;

import jakarta.enterprise.context.ApplicationScoped;

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
 * delays nobody else; an offer's messages go out in order per referral (ordering key = the referral id).
 *
 * <p>A {@code fhir-rest} endpoint gets the case written to its FHIR server ({@link FhirRestTransaction}). A
 * {@code pull} endpoint gets nothing pushed: the provider finds the offer through the hub's FHIR API. BaRS messages
 * for {@code bars} endpoints are not sent yet; those providers, too, answer through the FHIR Task API.
 */
@ApplicationScoped
public class OfferDeliveries {

    private final DeliveryOutbox outbox;
    private final FhirRestTransaction fhirRest;

    public OfferDeliveries(DeliveryOutbox outbox, FhirRestTransaction fhirRest) {
        this.outbox = outbox;
        this.fhirRest = fhirRest;
    }

    public Uni<Void> queue(SqlClient tx, Referral referral, Offer offer, CommunityService service) {
        DeliveryEndpoint endpoint = service.endpoint();
        if (endpoint.kind() != DeliveryEndpoint.Kind.FHIR_REST) {
            return Uni.createFrom().voidItem();
        }
        // The delivery's id is the offer's: the channel finds the offer again from it when the delivery fails.
        return outbox.enqueue(tx, new NewDelivery(offer.id(), FhirRestOfferChannel.NAME, service.id(),
                referral.id().toString(), referral.id(), endpoint.url(), null, FhirRestTransaction.CONTENT_TYPE,
                fhirRest.renderJson(referral, offer, service)));
    }
}
