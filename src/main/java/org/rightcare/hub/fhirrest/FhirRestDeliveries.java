package org.rightcare.hub.fhirrest;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.rightcare.hub.cascade.OfferTransport;
import org.rightcare.hub.delivery.DeliveryOutbox;
import org.rightcare.hub.delivery.NewDelivery;
import org.rightcare.hub.directory.CommunityService;
import org.rightcare.hub.directory.DeliveryEndpoint;
import org.rightcare.hub.offers.Offer;
import org.rightcare.hub.referral.Referral;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * The offer transport of {@code fhir-rest} endpoints: an offer is the case written to the provider's own FHIR server
 * ({@link FhirRestTransaction}), through the outbox ({@link FhirRestOfferChannel}); its revocation is the same
 * transaction with the Task cancelled, on the same queue and ordering key, so it goes out only once the offer's
 * delivery is finished with, even one withdrawn with an attempt still on the wire. A decline updates the provider's
 * copy the same way, to {@code rejected}.
 */
@ApplicationScoped
public class FhirRestDeliveries implements OfferTransport {

    private final DeliveryOutbox outbox;
    private final FhirRestTransaction transactions;

    public FhirRestDeliveries(DeliveryOutbox outbox, FhirRestTransaction transactions) {
        this.outbox = outbox;
        this.transactions = transactions;
    }

    @Override
    public DeliveryEndpoint.Kind kind() {
        return DeliveryEndpoint.Kind.FHIR_REST;
    }

    @Override
    public Uni<Void> queueOffer(SqlClient tx, Referral referral, Offer offer, CommunityService service) {
        return outbox.enqueue(tx, delivery(offer.id(), referral, service,
                transactions.renderJson(referral, offer, service)));
    }

    @Override
    public Uni<Void> queueRevocation(SqlClient tx, Referral referral, Offer closed, CommunityService service) {
        UUID revocationId = UUID.randomUUID();
        return outbox.enqueue(tx, delivery(revocationId, referral, service,
                transactions.renderRevocationJson(referral, closed, service, revocationId)));
    }

    /** The provider's copy of the Task set to rejected with its reason, by the same conditional update. */
    @Override
    public Uni<Void> queueDeclined(SqlClient tx, Referral referral, Offer declined, CommunityService service) {
        UUID updateId = UUID.randomUUID();
        return outbox.enqueue(tx, delivery(updateId, referral, service,
                transactions.renderRevocationJson(referral, declined, service, updateId)));
    }

    private static NewDelivery delivery(UUID id, Referral referral, CommunityService service, String transaction) {
        return new NewDelivery(id, FhirRestOfferChannel.NAME, service.id(), OfferTransport.orderingKey(service, referral),
                referral.id(), service.endpoint().url(), null, FhirRestTransaction.CONTENT_TYPE, transaction);
    }
}
