package org.rightcare.hub.fhirrest;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.rightcare.hub.cascade.UndeliverableOffers;
import org.rightcare.hub.delivery.DeliveryChannel;
import org.rightcare.hub.delivery.DeliveryOutcome;
import org.rightcare.hub.delivery.DeliveryRequest;
import org.rightcare.hub.delivery.OutboxEntry;
import org.rightcare.hub.delivery.UndeliverableException;
import org.rightcare.hub.directory.DeliveryEndpoint;
import org.rightcare.hub.directory.ServiceDirectory;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * Offers written to a provider's FHIR server: the stored transaction Bundle POSTed to the endpoint's base URL. The
 * URL is the one the directory has now (an operator who fixes a wrong URL replays the dead letters and they go to
 * the new one), else the one the offer was queued with.
 *
 * <p>
 * Every entry is a conditional create, so the transaction is safe to send again; a 409 or 412 answer (the
 * resources already exist, or the server found its own earlier copies) means the provider has the offer. When the
 * outbox gives up, the offer fails as undeliverable and the case moves on ({@link UndeliverableOffers}). A revocation
 * ({@link FhirRestDeliveries#queueRevocation}) goes the same way; its id is no offer's, so giving it up fails nothing.
 */
@ApplicationScoped
public class FhirRestOfferChannel implements DeliveryChannel {

    public static final String NAME = "fhir-rest";

    private final ServiceDirectory directory;
    private final UndeliverableOffers undeliverable;

    public FhirRestOfferChannel(ServiceDirectory directory, UndeliverableOffers undeliverable) {
        this.directory = directory;
        this.undeliverable = undeliverable;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public DeliveryRequest requestFor(OutboxEntry entry) throws UndeliverableException {
        URI url = directory.endpointUrl(entry.destination(), DeliveryEndpoint.Kind.FHIR_REST).orElse(entry.url());
        if (url == null) {
            throw new UndeliverableException("Service " + entry.destination() + " has no fhir-rest endpoint");
        }
        return new DeliveryRequest(url, entry.contentType(), entry.payload().getBytes(StandardCharsets.UTF_8),
                Map.of("Accept", FhirRestTransaction.CONTENT_TYPE));
    }

    @Override
    public DeliveryOutcome interpret(DeliveryOutcome outcome) {
        if (outcome instanceof DeliveryOutcome.Rejected rejected
                && (rejected.status() == 409 || rejected.status() == 412)) {
            return new DeliveryOutcome.Delivered(rejected.status());
        }
        return outcome;
    }

    @Override
    public boolean serves(String destination) {
        return directory.endpointUrl(destination, DeliveryEndpoint.Kind.FHIR_REST).isPresent();
    }

    @Override
    public Uni<Void> deadLettered(SqlClient tx, OutboxEntry entry) {
        return undeliverable.offerFailed(tx, entry.id());
    }
}
