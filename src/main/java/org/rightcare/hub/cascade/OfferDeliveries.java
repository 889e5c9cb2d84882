package org.rightcare.hub.cascade;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;
import org.rightcare.hub.bars.BarsDeliveries;
import org.rightcare.hub.delivery.DeliveryOutbox;
import org.rightcare.hub.delivery.NewDelivery;
import org.rightcare.hub.delivery.OutboxRepository.Withdrawal;
import org.rightcare.hub.directory.CommunityService;
import org.rightcare.hub.directory.ServiceDirectory;
import org.rightcare.hub.fhirrest.FhirRestOfferChannel;
import org.rightcare.hub.fhirrest.FhirRestTransaction;
import org.rightcare.hub.offers.Offer;
import org.rightcare.hub.offers.OfferStatus;
import org.rightcare.hub.referral.Referral;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * Queues a new offer for the service's endpoint, in the transaction that makes the offer, so the offer is sent if
 * and only if it is made; and, in the transaction that closes it, takes back what is no longer wanted. Each endpoint
 * is a queue of its own (destination = the service id), so a dead provider delays nobody else. One referral's
 * messages to one service go out in order (ordering key = service and referral): not the referral alone, or the next
 * service offered the case would wait behind the delivery to a service that declined it or let it time out while its
 * endpoint was still failing.
 *
 * <p>A {@code fhir-rest} endpoint gets the case written to its FHIR server ({@link FhirRestTransaction}). A
 * {@code pull} endpoint gets nothing pushed: the provider finds the offer through the hub's FHIR API. A {@code bars}
 * endpoint gets a BaRS validation request at its {@code $process-message} ({@link BarsDeliveries}).
 */
@ApplicationScoped
public class OfferDeliveries {

    private static final Logger LOG = Logger.getLogger(OfferDeliveries.class);

    private final DeliveryOutbox outbox;
    private final FhirRestTransaction fhirRest;
    private final ServiceDirectory directory;
    private final BarsDeliveries bars;

    public OfferDeliveries(DeliveryOutbox outbox, FhirRestTransaction fhirRest, ServiceDirectory directory,
            BarsDeliveries bars) {
        this.outbox = outbox;
        this.fhirRest = fhirRest;
        this.directory = directory;
        this.bars = bars;
    }

    public Uni<Void> queue(SqlClient tx, Referral referral, Offer offer, CommunityService service) {
        return switch (service.endpoint().kind()) {
            // The delivery's id is the offer's: the channel finds the offer again from it when the delivery fails.
            case FHIR_REST -> outbox.enqueue(tx, new NewDelivery(offer.id(), FhirRestOfferChannel.NAME, service.id(),
                    orderingKey(service, referral), referral.id(), service.endpoint().url(), null,
                    FhirRestTransaction.CONTENT_TYPE, fhirRest.renderJson(referral, offer, service)));
            case BARS -> bars.queueValidationRequest(tx, referral, offer, service);
            // The provider finds the offer through the hub's FHIR API, or hears of it by subscription.
            case PULL -> Uni.createFrom().voidItem();
        };
    }

    /** {@link #offerClosed} for each offer, one after another in the caller's transaction. */
    public Uni<Void> offersClosed(SqlClient tx, Referral referral, List<Offer> closed) {
        Uni<Void> all = Uni.createFrom().voidItem();
        for (Offer offer : closed) {
            all = all.chain(() -> offerClosed(tx, referral, offer));
        }
        return all;
    }

    /**
     * An offer stopped awaiting the provider's answer: {@code closed} is the offer as it is now. Runs in the
     * transaction that closed it, so either both commit or neither does.
     *
     * <p>Declined, failed or withdrawn: its delivery, if still pending, is withdrawn and never sent, so a provider
     * that recovers late does not receive a case that is no longer its to take. If the hub closed it (no answer in
     * time, or withdrawn: sent back, cancelled by the CAD, category upgraded, claimed by another service) and the
     * provider has it, or an attempt is on the wire, the provider's copy is revoked. A provider's own rejection needs
     * no revocation: its system said so itself.
     *
     * <p>Accepted or completed: nothing changes. The provider took the case, so a delivery still pending is still
     * wanted (its system needs the case to act on it), and it learnt of its own answer from the Task API it used.
     */
    public Uni<Void> offerClosed(SqlClient tx, Referral referral, Offer closed) {
        OfferStatus status = closed.status();
        if (status != OfferStatus.REJECTED && status != OfferStatus.FAILED && status != OfferStatus.CANCELLED) {
            return Uni.createFrom().voidItem();
        }
        return outbox.withdraw(tx, closed.id()).chain(withdrawal -> {
            Optional<CommunityService> service = directory.find(closed.serviceId());
            // An undeliverable offer's delivery is dead, so the provider has nothing to revoke.
            if (status == OfferStatus.REJECTED || service.isEmpty()) {
                return Uni.createFrom().voidItem();
            }
            return switch (service.get().endpoint().kind()) {
                case FHIR_REST -> withdrawal.mayHaveReachedReceiver()
                        ? queueRevocation(tx, referral, closed, service.get(), withdrawal)
                        : Uni.createFrom().voidItem();
                // The validation request is cancelled by the BaRS cancellation message, queued behind it.
                case BARS -> withdrawal.mayHaveReachedReceiver()
                        ? bars.queueCancellation(tx, referral, closed, service.get())
                        : Uni.createFrom().voidItem();
                // The provider reads the Task's new status from the hub's FHIR API.
                case PULL -> Uni.createFrom().voidItem();
            };
        });
    }

    /**
     * Sets the provider's copy of the Task to cancelled. Same queue and ordering key as the offer, so it goes out
     * only once the offer's delivery is finished with, even one withdrawn with an attempt still on the wire.
     */
    private Uni<Void> queueRevocation(SqlClient tx, Referral referral, Offer closed, CommunityService service,
            Withdrawal withdrawal) {
        UUID revocationId = UUID.randomUUID();
        LOG.debugf("Revoking offer %s at %s (its delivery was %s) as delivery %s", closed.id(), service.id(),
                withdrawal, revocationId);
        return outbox.enqueue(tx, new NewDelivery(revocationId, FhirRestOfferChannel.NAME, service.id(),
                orderingKey(service, referral), referral.id(), service.endpoint().url(), null,
                FhirRestTransaction.CONTENT_TYPE, fhirRest.renderRevocationJson(referral, closed, service, revocationId)));
    }

    /** One referral's deliveries to one service, in order: the ordering key of every offer delivery. */
    public static String orderingKey(CommunityService service, Referral referral) {
        return service.id() + "/" + referral.id();
    }
}
