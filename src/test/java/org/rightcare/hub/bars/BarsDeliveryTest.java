package org.rightcare.hub.bars;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rightcare.hub.testing.Referrals.awaitOffer;
import static org.rightcare.hub.testing.Referrals.fallIn;
import static org.rightcare.hub.testing.Referrals.offers;
import static org.rightcare.hub.testing.Referrals.post;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.MessageHeader;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.junit.jupiter.api.Test;
import org.rightcare.hub.directory.CommunityService;
import org.rightcare.hub.directory.DeliveryEndpoint;
import org.rightcare.hub.directory.ServiceType;
import org.rightcare.hub.fhir.HubIdentifiers;
import org.rightcare.hub.offers.OfferStatusReason;
import org.rightcare.hub.testing.CadWebhook;
import org.rightcare.hub.testing.FhirProviderServer;
import org.rightcare.hub.testing.TestDatabase;
import org.rightcare.hub.testing.TestServices;

import com.fasterxml.jackson.databind.node.ObjectNode;

import ca.uhn.fhir.context.FhirContext;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;

/**
 * Offers to {@code bars} endpoints, delivered to a real BaRS receiver (HAPI's plain server answering
 * {@code $process-message} on a loopback port): the validation request arrives with the BaRS headers, once in
 * effect when the receiver loses its answer ({@link BarsLostAnswerTest}), a refusal fails the offer at once so
 * the case moves on, and a revoked offer's cancellation follows the request it cancels.
 */
@QuarkusTest
class BarsDeliveryTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    /** A falls service (offered first for a fall) that is a BaRS receiver, and a UCR team behind it that pulls. */
    record Area(String district, CommunityService falls, CommunityService ucr) {
    }

    static Area area(URI barsEndpoint) {
        String district = TestServices.freshDistrict();
        String key = district.toLowerCase();
        CommunityService falls = TestServices.withEndpoint(TestServices.service("bars-falls-" + key,
                ServiceType.FALLS_RESPONSE, "B" + district, district, Duration.ofMinutes(10)),
                new DeliveryEndpoint(DeliveryEndpoint.Kind.BARS, barsEndpoint));
        CommunityService ucr = TestServices.service("bars-ucr-" + key, ServiceType.UCR, "V" + district, district,
                Duration.ofMinutes(15));
        TestServices.install(falls, ucr);
        return new Area(district, falls, ucr);
    }

    static String deliveryState(UUID id) {
        return TestDatabase.text("SELECT state FROM delivery_outbox WHERE id = ?", id);
    }

    @Test
    void anOfferArrivesAsAValidationRequestWithTheBarsHeaders() throws Exception {
        try (FhirProviderServer receiver = new FhirProviderServer()) {
            Area area = area(receiver.base());
            UUID referral = post(fallIn(area.district(), "C3"));
            UUID offer = awaitOffer(referral, 1);
            TestDatabase.await("the offer is delivered", () -> "delivered".equals(deliveryState(offer)));

            assertEquals(1, receiver.messages().size());
            Bundle message = receiver.messages().get(0);
            assertEquals(Bundle.BundleType.MESSAGE, message.getType());
            assertEquals(offer.toString(), message.getIdElement().getIdPart(), "the message id is the offer's");
            MessageHeader header = (MessageHeader) message.getEntryFirstRep().getResource();
            assertEquals(BarsMessaging.EVENT_SERVICE_REQUEST_REQUEST, header.getEventCoding().getCode());
            assertEquals(BarsMessaging.VALIDATION_REQUEST_DEFINITION, header.getDefinition());
            assertEquals(BarsMessaging.REASON_NEW, header.getReason().getCodingFirstRep().getCode());
            assertEquals(HubIdentifiers.DOS_SERVICE_ID + "|" + area.falls().dosServiceId(),
                    header.getDestinationFirstRep().getEndpoint());
            assertEquals(HubIdentifiers.DOS_SERVICE_ID + "|2000000001", header.getSource().getEndpoint());
            ServiceRequest request = (ServiceRequest) focus(message, header);
            assertEquals(ServiceRequest.ServiceRequestStatus.ACTIVE, request.getStatus());
            assertEquals(List.of(BarsMessaging.CATEGORY_VALIDATION, BarsMessaging.USE_CASE_COMMUNITY_SERVICES),
                    request.getCategoryFirstRep().getCoding().stream().map(c -> c.getCode()).toList());
            assertTrue(request.getOccurrencePeriod().hasEnd(), "the breach time");
            Encounter encounter = (Encounter) resolve(message, request.getEncounter().getReference());
            assertEquals(Encounter.EncounterStatus.TRIAGED, encounter.getStatus());
            assertEquals("EpisodeOfCare/" + referral, encounter.getEpisodeOfCareFirstRep().getReference());
            assertTrue(resolve(message, request.getSubject().getReference()) != null, "the Patient is in the message");

            Map<String, String> headers = receiver.messageHeaders().get(0);
            assertEquals("application/fhir+json", headers.get("content-type"));
            UUID.fromString(headers.get("x-request-id"));
            assertEquals(TestDatabase.text("SELECT correlation_id FROM referral WHERE id = ?", referral),
                    headers.get("x-correlation-id"));
            JsonObject target = new JsonObject(decode(headers.get("nhsd-target-identifier")));
            assertEquals(area.falls().dosServiceId(), target.getString("value"));
            assertEquals(HubIdentifiers.DOS_SERVICE_ID, target.getString("system"));
            assertEquals("a4t3|validation|servicerequest-request|new", headers.get("use-context"));
            Organization endUser = FhirContext.forR4Cached().newJsonParser().parseResource(Organization.class,
                    decode(headers.get("nhsd-end-user-organisation")));
            assertEquals("X26", endUser.getIdentifierFirstRep().getValue());
            assertEquals("requested", offers(referral).get(0).get("status"));
        }
    }

    @Test
    void aReceiverThatRefusesTheMessageFailsTheOfferAtOnceAndTheCaseMovesOn() throws Exception {
        try (FhirProviderServer receiver = new FhirProviderServer()) {
            receiver.refuseMessages(422, OperationOutcome.IssueType.BUSINESSRULE, "REC_UNPROCESSABLE_ENTITY");
            Area area = area(receiver.base());
            UUID referral = post(fallIn(area.district(), "C3"));
            UUID first = awaitOffer(referral, 1);
            awaitOffer(referral, 2);

            List<Map<String, Object>> offers = offers(referral);
            assertEquals("failed", offers.get(0).get("status"));
            assertEquals("undeliverable", offers.get(0).get("status_reason_code"));
            assertEquals(area.ucr().id(), offers.get(1).get("service_id"));
            assertEquals("dead", deliveryState(first));
            assertTrue(TestDatabase.text("SELECT last_error FROM delivery_outbox WHERE id = ?", first).contains("422"));
            assertEquals(1, receiver.arrivals(), "a refusal is not retried");
        }
    }

    @Test
    void anOfferTheCadCancelsIsCancelledAtTheReceiverAfterItsValidationRequest() throws Exception {
        try (FhirProviderServer receiver = new FhirProviderServer()) {
            Area area = area(receiver.base());
            ObjectNode created = fallIn(area.district(), "C3");
            UUID referralId = post(created);
            UUID offerId = awaitOffer(referralId, 1);
            TestDatabase.await("the offer is delivered", () -> "delivered".equals(deliveryState(offerId)));

            CadWebhook.post(CadWebhook.follow(created, "incident.cancelled", Instant.now())).then().statusCode(202);
            TestDatabase.await("the cancellation arrives", () -> receiver.messages().size() == 2);

            Bundle cancellation = receiver.messages().get(1);
            assertEquals(BarsRequestMessages.cancellationId(offerId).toString(),
                    cancellation.getIdElement().getIdPart());
            MessageHeader header = (MessageHeader) cancellation.getEntryFirstRep().getResource();
            assertEquals(BarsMessaging.CANCELLATION_DEFINITION, header.getDefinition());
            assertEquals(BarsMessaging.REASON_UPDATE, header.getReason().getCodingFirstRep().getCode());
            ServiceRequest request = (ServiceRequest) focus(cancellation, header);
            assertEquals(ServiceRequest.ServiceRequestStatus.REVOKED, request.getStatus());
            assertTrue(request.getReasonCodeFirstRep().getText().contains(OfferStatusReason.CANCELLED_BY_CAD.code()),
                    request.getReasonCodeFirstRep().getText());
            ServiceRequest original = (ServiceRequest) focus(receiver.messages().get(0),
                    (MessageHeader) receiver.messages().get(0).getEntryFirstRep().getResource());
            assertEquals(original.getIdentifier().get(0).getValue(), request.getIdentifier().get(0).getValue(),
                    "the same referral");
            assertEquals("a4t3|validation|servicerequest-request|update",
                    receiver.messageHeaders().get(1).get("use-context"));
        }
    }

    private static Resource focus(Bundle message, MessageHeader header) {
        return resolve(message, header.getFocusFirstRep().getReference());
    }

    private static Resource resolve(Bundle message, String fullUrl) {
        return message.getEntry().stream().filter(e -> e.getFullUrl().equals(fullUrl))
                .map(Bundle.BundleEntryComponent::getResource).findFirst().orElse(null);
    }

    private static String decode(String base64) {
        return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
    }
}
