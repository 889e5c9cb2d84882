package org.rightcare.hub.bars;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.MessageHeader;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.rightcare.hub.cascade.UndeliverableOffers;
import org.rightcare.hub.delivery.DeliveryChannel;
import org.rightcare.hub.delivery.DeliveryOutcome;
import org.rightcare.hub.delivery.DeliveryRequest;
import org.rightcare.hub.delivery.OutboxEntry;
import org.rightcare.hub.delivery.UndeliverableException;
import org.rightcare.hub.directory.DeliveryEndpoint;
import org.rightcare.hub.directory.ServiceDirectory;
import org.rightcare.hub.support.PublicUrls;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.IParser;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * BaRS messages (validation requests and their cancellations, {@link BarsRequestMessages}) POSTed to a service's
 * {@code <endpoint>/$process-message}, through the outbox like every other delivery. The endpoint is the one the
 * directory has now, else the one the message was queued with, as for {@code fhir-rest}.
 *
 * <p>
 * The body is the stored Bundle, the same bytes on every attempt, so the receiver knows a retry by its Bundle id.
 * The headers are made per attempt: a new {@code X-Request-Id} for each HTTP request (Core: the receiver echoes it),
 * the referral's {@code X-Correlation-Id} (the dispatcher adds it), {@code NHSD-Target-Identifier} and
 * {@code use-context} as Core requires of a sender, and {@code NHSD-End-User-Organisation} naming the hub's
 * organisation.
 *
 * <p>
 * Answers: any 2xx is the receiver's synchronous acknowledgement. A 409 whose OperationOutcome says
 * {@code duplicate} means the receiver processed this Bundle before (an earlier attempt whose answer was lost): it
 * has the message. A 409 {@code REC_TIMEOUT}, which the BaRS proxy injects when the receiver did not answer, is
 * tried again. Every other 4xx ({@code REC_BAD_REQUEST}, {@code REC_UNPROCESSABLE_ENTITY} ...) refuses the message
 * itself and dead-letters it at once; 5xx, 408 and 429 are retried. A validation request the outbox gives up on
 * fails its offer as undeliverable, so the case moves on ({@link UndeliverableOffers}).
 */
@ApplicationScoped
public class BarsOfferChannel implements DeliveryChannel {

    public static final String NAME = "bars";

    private final ServiceDirectory directory;
    private final UndeliverableOffers undeliverable;
    private final FhirContext fhir;

    public BarsOfferChannel(ServiceDirectory directory, UndeliverableOffers undeliverable, FhirContext fhir) {
        this.directory = directory;
        this.undeliverable = undeliverable;
        this.fhir = fhir;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public DeliveryRequest requestFor(OutboxEntry entry) throws UndeliverableException {
        URI base = directory.endpointUrl(entry.destination(), DeliveryEndpoint.Kind.BARS).orElse(entry.url());
        if (base == null) {
            throw new UndeliverableException("Service " + entry.destination() + " has no bars endpoint");
        }
        return request(fhir, base, entry.payload());
    }

    /** The HTTP request that sends a stored BaRS message to the receiver at {@code base}. */
    static DeliveryRequest request(FhirContext fhir, URI base, String payload) throws UndeliverableException {
        IParser parser = fhir.newJsonParser();
        Bundle message;
        try {
            message = parser.parseResource(Bundle.class, payload);
        } catch (DataFormatException e) {
            throw new UndeliverableException("The stored BaRS message is not a FHIR Bundle: " + e.getMessage());
        }
        MessageHeader header = (MessageHeader) message.getEntryFirstRep().getResource();
        Map<String, String> headers = new HashMap<>();
        headers.put("Accept", BarsMessaging.CONTENT_TYPE);
        headers.put(BarsMessaging.REQUEST_ID_HEADER, UUID.randomUUID().toString());
        headers.put(BarsMessaging.TARGET_IDENTIFIER_HEADER, targetIdentifier(header.getDestinationFirstRep().getEndpoint()));
        headers.put(BarsMessaging.USE_CONTEXT_HEADER, useContext(message, header));
        Resource sender = entryResource(message, header.getSender().getReference());
        if (sender != null) {
            headers.put(BarsMessaging.END_USER_ORGANISATION_HEADER, base64(parser.encodeResourceToString(sender)));
        }
        return new DeliveryRequest(URI.create(PublicUrls.withoutTrailingSlash(base) + "/" + BarsMessaging.PROCESS_MESSAGE),
                BarsMessaging.CONTENT_TYPE, payload.getBytes(StandardCharsets.UTF_8), Map.copyOf(headers));
    }

    @Override
    public DeliveryOutcome interpret(DeliveryOutcome outcome) {
        if (!(outcome instanceof DeliveryOutcome.Rejected rejected) || rejected.status() != 409) {
            return outcome;
        }
        OperationOutcome answer = operationOutcome(rejected.body());
        if (answer == null) {
            return outcome;
        }
        for (OperationOutcome.OperationOutcomeIssueComponent issue : answer.getIssue()) {
            if (issue.getCode() == OperationOutcome.IssueType.DUPLICATE) {
                return new DeliveryOutcome.Delivered(409);
            }
            boolean timedOut = issue.getCode() == OperationOutcome.IssueType.TIMEOUT || issue.getDetails().getCoding()
                    .stream().map(Coding::getCode).anyMatch(BarsMessaging.REC_TIMEOUT::equals);
            if (timedOut) {
                return new DeliveryOutcome.Failed(rejected.error() + " " + BarsMessaging.REC_TIMEOUT, null);
            }
        }
        return outcome;
    }

    @Override
    public boolean serves(String destination) {
        return directory.endpointUrl(destination, DeliveryEndpoint.Kind.BARS).isPresent();
    }

    /**
     * A validation request's row has the offer's id, so its offer fails as undeliverable; a cancellation's row has
     * an id of its own, matches no offer, and the offer it cancels is closed already.
     */
    @Override
    public Uni<Void> deadLettered(SqlClient tx, OutboxEntry entry) {
        return undeliverable.offerFailed(tx, entry.id());
    }

    /** {@code system|value} as the MessageHeader names the destination, as the JSON object BaRS routes by, Base64. */
    static String targetIdentifier(String endpoint) {
        int bar = endpoint.indexOf('|');
        JsonObject target = new JsonObject().put("value", endpoint.substring(bar + 1)).put("system",
                endpoint.substring(0, Math.max(bar, 0)));
        return base64(target.encode());
    }

    private static String useContext(Bundle message, MessageHeader header) {
        ServiceRequest request = (ServiceRequest) entryResource(message, header.getFocusFirstRep().getReference());
        String useCase = codeIn(request, BarsMessaging.USE_CASES);
        String category = codeIn(request, BarsMessaging.MESSAGE_CATEGORY);
        return String.join("|", useCase, category, header.getEventCoding().getCode(),
                header.getReason().getCodingFirstRep().getCode());
    }

    private static String codeIn(ServiceRequest request, String system) {
        return request == null ? ""
                : request.getCategory().stream().flatMap(c -> c.getCoding().stream())
                        .filter(c -> system.equals(c.getSystem())).map(Coding::getCode).findFirst().orElse("");
    }

    private static Resource entryResource(Bundle message, String fullUrl) {
        return message.getEntry().stream().filter(e -> e.getFullUrl().equals(fullUrl))
                .map(Bundle.BundleEntryComponent::getResource).findFirst().orElse(null);
    }

    private OperationOutcome operationOutcome(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return fhir.newJsonParser().parseResource(OperationOutcome.class, body);
        } catch (DataFormatException | ClassCastException notAnOperationOutcome) {
            return null;
        }
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
