package org.rightcare.hub.cascade;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;
import org.rightcare.hub.delivery.DeliveryOutbox;
import org.rightcare.hub.directory.CommunityService;
import org.rightcare.hub.directory.DeliveryEndpoint;
import org.rightcare.hub.directory.ServiceDirectory;
import org.rightcare.hub.offers.Offer;
import org.rightcare.hub.offers.OfferStatus;
import org.rightcare.hub.referral.Referral;

import io.quarkus.arc.All;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * The one switch on the endpoint kind: queues a new offer for the service's endpoint, in the transaction that makes
 * the offer, so the offer is sent if and only if it is made; and, in the transaction that closes it, takes back what
 * is no longer wanted. A {@code bars} or {@code fhir-rest} endpoint gets what its {@link OfferTransport} writes; a
 * {@code pull} endpoint gets nothing pushed: the provider finds the offer through the hub's FHIR API, or hears of it
 * by subscription.
 */
@ApplicationScoped
public class OfferDeliveries {

    private static final Logger LOG = Logger.getLogger(OfferDeliveries.class);

    private final DeliveryOutbox outbox;
    private final ServiceDirectory directory;
    private final Map<DeliveryEndpoint.Kind, OfferTransport> transports = new EnumMap<>(DeliveryEndpoint.Kind.class);

    public OfferDeliveries(DeliveryOutbox outbox, ServiceDirectory directory, @All List<OfferTransport> transports) {
        this.outbox = outbox;
        this.directory = directory;
        for (OfferTransport transport : transports) {
            if (this.transports.put(transport.kind(), transport) != null) {
                throw new IllegalStateException("Two offer transports for " + transport.kind().code() + " endpoints");
            }
        }
    }

    public Uni<Void> queue(SqlClient tx, Referral referral, Offer offer, CommunityService service) {
        return transport(service).map(transport -> transport.queueOffer(tx, referral, offer, service))
                .orElseGet(() -> Uni.createFrom().voidItem());
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
     * <p>
     * Declined, failed or withdrawn: its delivery, if still pending, is withdrawn and never sent, so a provider
     * that recovers late does not receive a case that is no longer its to take. If the hub closed it (no answer in
     * time, or withdrawn: sent back, cancelled by the CAD, category upgraded, claimed by another service) and the
     * provider has it, or an attempt is on the wire, the provider's copy is revoked (the FHIR Task set to cancelled,
     * the BaRS cancellation), queued behind the offer. A provider's own rejection is not revoked: its copy is updated
     * to say so ({@link OfferTransport#queueDeclined}: the pushed FHIR Task set to rejected), since it may have
     * declined through another channel than the one that holds the copy. An undeliverable offer's delivery is dead, so
     * the provider has nothing to revoke.
     *
     * <p>
     * Accepted or completed: nothing changes. The provider took the case, so a delivery still pending is still
     * wanted (its system needs the case to act on it), and it learnt of its own answer from the API it used.
     */
    public Uni<Void> offerClosed(SqlClient tx, Referral referral, Offer closed) {
        OfferStatus status = closed.status();
        if (status != OfferStatus.REJECTED && status != OfferStatus.FAILED && status != OfferStatus.CANCELLED) {
            return Uni.createFrom().voidItem();
        }
        return outbox.withdraw(tx, closed.id()).chain(withdrawal -> {
            Optional<CommunityService> service = directory.find(closed.serviceId());
            Optional<OfferTransport> transport = service.flatMap(this::transport);
            if (transport.isEmpty() || !withdrawal.mayHaveReachedReceiver()) {
                return Uni.createFrom().voidItem();
            }
            if (status == OfferStatus.REJECTED) {
                return transport.get().queueDeclined(tx, referral, closed, service.get());
            }
            LOG.debugf("Revoking offer %s at %s (its delivery was %s)", closed.id(), service.get().id(), withdrawal);
            return transport.get().queueRevocation(tx, referral, closed, service.get());
        });
    }

    private Optional<OfferTransport> transport(CommunityService service) {
        return Optional.ofNullable(transports.get(service.endpoint().kind()));
    }
}
