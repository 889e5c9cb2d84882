package org.rightcare.hub.fhirrest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rightcare.hub.testing.Referrals.answer;
import static org.rightcare.hub.testing.Referrals.awaitOffer;
import static org.rightcare.hub.testing.Referrals.fallIn;
import static org.rightcare.hub.testing.Referrals.offers;
import static org.rightcare.hub.testing.Referrals.post;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.Test;
import org.rightcare.hub.directory.CommunityService;
import org.rightcare.hub.directory.DeliveryEndpoint;
import org.rightcare.hub.directory.ServiceType;
import org.rightcare.hub.fhir.HubIdentifiers;
import org.rightcare.hub.offers.OfferStatusReason;
import org.rightcare.hub.testing.FhirProviderServer;
import org.rightcare.hub.testing.TestDatabase;
import org.rightcare.hub.testing.TestServices;

import ca.uhn.fhir.context.FhirContext;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Offers to {@code fhir-rest} endpoints, delivered to a real FHIR server (HAPI's plain server on a loopback port):
 * the case arrives as one transaction of conditional creates, exactly once in effect however often it is sent; a
 * provider that is down for good fails the offer and the case moves on; a slow provider delays nobody else.
 */
@QuarkusTest
class FhirRestDeliveryTest {

    /** A falls service (offered first for a fall) and a UCR team behind it, in a district of the test's own. */
    record Area(String district, CommunityService falls, CommunityService ucr) {
    }

    static Area area(URI fallsEndpoint, URI ucrEndpoint) {
        String district = TestServices.freshDistrict();
        String key = district.toLowerCase();
        CommunityService falls = withEndpoint(TestServices.service("falls-" + key, ServiceType.FALLS_RESPONSE,
                "F" + district, district, Duration.ofMinutes(10)), fallsEndpoint);
        CommunityService ucr = withEndpoint(TestServices.service("ucr-" + key, ServiceType.UCR, "U" + district,
                district, Duration.ofMinutes(15)), ucrEndpoint);
        TestServices.install(falls, ucr);
        return new Area(district, falls, ucr);
    }

    /** The service with a fhir-rest endpoint at {@code url}, or pull when null. */
    static CommunityService withEndpoint(CommunityService s, URI url) {
        return TestServices.withEndpoint(s, url == null ? DeliveryEndpoint.pull()
                : new DeliveryEndpoint(DeliveryEndpoint.Kind.FHIR_REST, url));
    }

    static String deliveryState(UUID offerId) {
        return TestDatabase.text("SELECT state FROM delivery_outbox WHERE id = ?", offerId);
    }

    @Test
    void writesTheCaseToTheProvidersFhirServerAsOneTransactionOfConditionalCreates() throws Exception {
        try (FhirProviderServer provider = new FhirProviderServer()) {
            Area area = area(provider.base(), null);
            UUID referral = post(fallIn(area.district(), "C3"));
            UUID offer = awaitOffer(referral, 1);
            TestDatabase.await("the offer is delivered", () -> "delivered".equals(deliveryState(offer)));

            Bundle transaction = provider.transactions().get(0);
            assertEquals(Bundle.BundleType.TRANSACTION, transaction.getType());
            List<String> types = transaction.getEntry().stream().map(e -> e.getResource().fhirType()).toList();
            assertTrue(types.containsAll(List.of("ServiceRequest", "Patient", "Encounter", "Location", "Task")),
                    types.toString());
            for (Bundle.BundleEntryComponent entry : transaction.getEntry()) {
                assertEquals(Bundle.HTTPVerb.POST, entry.getRequest().getMethod());
                String search = entry.getResource() instanceof Patient ? "_tag=" + HubIdentifiers.HUB_RESOURCE_TAG
                        : "identifier=" + HubIdentifiers.HUB_RESOURCE_ID;
                assertEquals(search + "|" + hubId(entry.getResource()), entry.getRequest().getIfNoneExist());
                assertTrue(entry.getFullUrl().startsWith("urn:uuid:"), entry.getFullUrl());
            }
            assertEquals("ServiceRequest/" + referral, hubId(resource(transaction, "ServiceRequest")));
            assertEquals("Task/" + offer, hubId(resource(transaction, "Task")));
            // References inside the transaction point at the entries, which the server gives ids of its own.
            ServiceRequest request = (ServiceRequest) resource(transaction, "ServiceRequest");
            assertEquals(fullUrl(transaction, "Patient"), request.getSubject().getReference());
            Task task = (Task) resource(transaction, "Task");
            assertEquals(fullUrl(transaction, "ServiceRequest"), task.getFocus().getReference());
            assertEquals("requested", task.getStatus().toCode());
            assertEquals("requested", offers(referral).get(0).get("status"));
        }
    }

    @Test
    void aProviderThatFailsThenRecoversHasTheCaseOnce() throws Exception {
        try (FhirProviderServer provider = new FhirProviderServer()) {
            // Each failure comes after the server stored the resources: only the conditional creates keep it single.
            provider.failNext(3);
            Area area = area(provider.base(), null);
            UUID referral = post(fallIn(area.district(), "C3"));
            UUID offer = awaitOffer(referral, 1);
            TestDatabase.await("the offer is delivered", () -> "delivered".equals(deliveryState(offer)));

            assertEquals(4, provider.arrivals());
            int resources = provider.transactions().get(0).getEntry().size();
            assertEquals(resources, provider.stored().size(), "each resource stored once: " + provider.stored().keySet());
            assertEquals(1, provider.stored().keySet().stream().filter(k -> k.endsWith("|Task/" + offer)).count());
            assertEquals("requested", offers(referral).get(0).get("status"));
            assertEquals(1, offers(referral).size());
        }
    }

    @Test
    void aProviderDownForGoodFailsTheOfferAsUndeliverableAndTheCaseMovesOn() {
        Area area = area(FhirProviderServer.nowhere(), null);
        UUID referral = post(fallIn(area.district(), "C3"));
        UUID first = awaitOffer(referral, 1);
        // The test profile gives up after seconds; the acceptance window is ten minutes.
        awaitOffer(referral, 2);

        List<Map<String, Object>> offers = offers(referral);
        assertEquals(first, offers.get(0).get("id"));
        assertEquals(area.falls().id(), offers.get(0).get("service_id"));
        assertEquals("failed", offers.get(0).get("status"));
        assertEquals("undeliverable", offers.get(0).get("status_reason_code"));
        assertEquals(area.ucr().id(), offers.get(1).get("service_id"));
        assertEquals("requested", offers.get(1).get("status"));
        assertEquals("dead", deliveryState(first));
        assertEquals("offered", TestDatabase.text("SELECT status FROM referral WHERE id = ?", referral));
    }

    @Test
    void whenEveryProviderIsDownTheCaseGoesBackToTheAmbulanceService() {
        Area area = area(FhirProviderServer.nowhere(), FhirProviderServer.nowhere());
        UUID referral = post(fallIn(area.district(), "C3"));
        TestDatabase.await("the referral is sent back",
                () -> "sent-back".equals(TestDatabase.text("SELECT status FROM referral WHERE id = ?", referral)));

        assertEquals(List.of("undeliverable", "undeliverable"),
                offers(referral).stream().map(o -> o.get("status_reason_code")).toList());
        assertEquals("timed-out", TestDatabase.text("SELECT send_back_reason FROM referral WHERE id = ?", referral));
    }

    @Test
    void aSlowProviderDelaysNoOtherProvider() throws Exception {
        try (FhirProviderServer slow = new FhirProviderServer(); FhirProviderServer fast = new FhirProviderServer()) {
            slow.holdRequests();
            Area slowArea = area(slow.base(), null);
            Area fastArea = area(fast.base(), null);

            UUID slowReferral = post(fallIn(slowArea.district(), "C3"));
            UUID slowOffer = awaitOffer(slowReferral, 1);
            TestDatabase.await("the slow provider is holding the offer", () -> slow.arrivals() == 1);

            UUID fastReferral = post(fallIn(fastArea.district(), "C3"));
            UUID fastOffer = awaitOffer(fastReferral, 1);
            TestDatabase.await("the fast provider has its offer", () -> "delivered".equals(deliveryState(fastOffer)));
            assertEquals("pending", deliveryState(slowOffer), "the slow provider has not answered yet");

            slow.release();
            TestDatabase.await("the slow provider has its offer", () -> "delivered".equals(deliveryState(slowOffer)));
            assertEquals(1, fast.transactions().size());
        }
    }

    @Test
    void theNextServiceGetsTheCaseWhileTheOfferToTheLastOneIsStillOnTheWireAndTheDeclinedCopyIsUpdated() throws Exception {
        try (FhirProviderServer first = new FhirProviderServer(); FhirProviderServer next = new FhirProviderServer()) {
            first.holdRequests();
            Area area = area(first.base(), next.base());
            UUID referral = post(fallIn(area.district(), "C3"));
            UUID declined = awaitOffer(referral, 1);
            TestDatabase.await("the first provider is holding the offer", () -> first.arrivals() == 1);

            // The first service declines through the Task API while its own copy of the offer is still in flight.
            answer(declined, area.falls().odsCode(), "rejected", OfferStatusReason.DOS_SYSTEM, "22").then()
                    .statusCode(200);
            UUID offered = awaitOffer(referral, 2);
            TestDatabase.await("the next provider has its offer", () -> "delivered".equals(deliveryState(offered)));
            assertEquals("withdrawn", deliveryState(declined), "declined while on the wire: never sent again");
            first.release();
            TestDatabase.await("the attempt on the wire has ended", () -> TestDatabase.count(
                    "SELECT count(*) FROM delivery_outbox WHERE id = ? AND lease_token IS NULL", declined) == 1);
            assertEquals("withdrawn", deliveryState(declined), "the attempt's outcome does not bring it back");
            // The copy that reached the provider's server says what the provider said through the hub's API.
            TestDatabase.await("the provider's copy of the Task is updated to rejected",
                    () -> first.stored().get(OfferLifecycleTest.taskKey(declined)) instanceof Task task
                            && task.getStatus() == Task.TaskStatus.REJECTED);
            Task copy = (Task) first.stored().get(OfferLifecycleTest.taskKey(declined));
            assertEquals("22", copy.getStatusReason().getCodingFirstRep().getCode());
            assertEquals(2, TestDatabase.count("SELECT count(*) FROM delivery_outbox WHERE destination = ?",
                    area.falls().id()), "the offer, then the update of its copy: no revocation");
            assertEquals(2, first.arrivals());
        }
    }

    /** The hub's id of the resource, which the provider's server knows it by: an identifier, or the Patient's tag. */
    static String hubId(Resource resource) {
        if (resource instanceof Patient patient) {
            assertTrue(patient.getIdentifier().stream().allMatch(i -> HubIdentifiers.NHS_NUMBER.equals(i.getSystem())),
                    "the Patient's profile allows NHS numbers only");
            return patient.getMeta().getTag().stream().filter(t -> HubIdentifiers.HUB_RESOURCE_TAG.equals(t.getSystem()))
                    .map(Coding::getCode).findFirst().orElseThrow();
        }
        return FhirContext.forR4Cached().newTerser().getValues(resource, "identifier", Identifier.class).stream()
                .filter(i -> HubIdentifiers.HUB_RESOURCE_ID.equals(i.getSystem())).map(Identifier::getValue)
                .findFirst().orElseThrow();
    }

    static Resource resource(Bundle bundle, String type) {
        return bundle.getEntry().stream().map(Bundle.BundleEntryComponent::getResource)
                .filter(r -> r.fhirType().equals(type)).findFirst().orElseThrow();
    }

    private static String fullUrl(Bundle bundle, String type) {
        return bundle.getEntry().stream().filter(e -> e.getResource().fhirType().equals(type)).findFirst()
                .orElseThrow().getFullUrl();
    }
}
