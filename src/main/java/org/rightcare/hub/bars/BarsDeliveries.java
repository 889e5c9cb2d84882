package org.rightcare.hub.bars;

import java.util.UUID;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import org.hl7.fhir.r4.model.Bundle;
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
 * The offer transport of {@code bars} endpoints: queues the BaRS messages about an offer (the validation request that
 * makes it, the cancellation that revokes it), in the caller's transaction, on the same queue (the service) and
 * ordering key ({@link OfferTransport#orderingKey}) as every other delivery of the offer, so a cancellation never
 * overtakes the validation request it cancels.
 *
 * <p>
 * Without the hub's own DoS id ({@code hub.bars.dos-service-id}) no receiver could answer, so the message is
 * stored as a dead letter straight away, where operators see it, and the offer runs out its acceptance window.
 */
@ApplicationScoped
public class BarsDeliveries implements OfferTransport {

    private final DeliveryOutbox outbox;
    private final BarsRequestMessages messages;

    public BarsDeliveries(DeliveryOutbox outbox, BarsRequestMessages messages) {
        this.outbox = outbox;
        this.messages = messages;
    }

    @Override
    public DeliveryEndpoint.Kind kind() {
        return DeliveryEndpoint.Kind.BARS;
    }

    /** The validation request that makes the offer. The row's id is the offer's, so a dead letter fails the offer. */
    @Override
    public Uni<Void> queueOffer(SqlClient tx, Referral referral, Offer offer, CommunityService service) {
        return queue(tx, offer.id(), referral, service, () -> messages.validationRequest(referral, offer, service));
    }

    /**
     * The cancellation of a revoked offer's validation request. Each call queues one message, under an id of its own;
     * its Bundle id is derived from the offer, so a receiver that is sent it twice knows it for the same message.
     */
    @Override
    public Uni<Void> queueRevocation(SqlClient tx, Referral referral, Offer offer, CommunityService service) {
        return queue(tx, UUID.randomUUID(), referral, service,
                () -> messages.cancellation(referral, offer, service));
    }

    /** The validation request sent again as an update ({@code reason} update), carrying the new clinical picture. */
    @Override
    public Uni<Void> queueUpdate(SqlClient tx, Referral referral, Offer holding, CommunityService service) {
        UUID messageId = UUID.randomUUID();
        return queue(tx, messageId, referral, service, () -> messages.update(referral, holding, service, messageId));
    }

    private Uni<Void> queue(SqlClient tx, UUID id, Referral referral, CommunityService service,
            Supplier<Bundle> message) {
        String orderingKey = OfferTransport.orderingKey(service, referral);
        if (!messages.canSend()) {
            return outbox.enqueue(tx, new NewDelivery(id, BarsOfferChannel.NAME, service.id(), orderingKey,
                    referral.id(), null,
                    "The hub has no DoS service id (hub.bars.dos-service-id) for BaRS receivers to answer to",
                    BarsMessaging.CONTENT_TYPE, ""));
        }
        return outbox.enqueue(tx, new NewDelivery(id, BarsOfferChannel.NAME, service.id(), orderingKey, referral.id(),
                service.endpoint().url(), null, BarsMessaging.CONTENT_TYPE, messages.json(message.get())));
    }
}
