package org.rightcare.hub.bars.inbound;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rightcare.hub.testing.Referrals.awaitOffer;
import static org.rightcare.hub.testing.Referrals.fallIn;
import static org.rightcare.hub.testing.Referrals.lastCallback;
import static org.rightcare.hub.testing.Referrals.post;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.HealthcareService;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.MessageHeader;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.junit.jupiter.api.Test;
import org.rightcare.hub.directory.CommunityService;
import org.rightcare.hub.testing.BarsMessages;
import org.rightcare.hub.testing.TestDatabase;
import org.rightcare.hub.testing.Tokens;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import ca.uhn.fhir.context.FhirContext;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Issue 15 item 4, end to end through the real receivers: a final answer (BaRS full validation response, or a FHIR
 * Task completed with output) is read into an outcome; one that asks for an ambulance sends the case back as
 * {@code clinician-requests-ambulance} with that outcome, never completes it.
 */
@QuarkusTest
class FinalAnswersTest {

    static final FhirContext FHIR = FhirContext.forR4Cached();
    /** The shared reference example: a CAS clinician's full validation response asking for a C2 ambulance. */
    static final Path VALRESP03 = Path.of("/work/shared/reference/bars-simplifier/NHSBookingandReferrals/backup/"
            + "Examples/VALRESP03 - Validation Response New Full - CAS to 999 Finished Inc New CADid Cat 1-2.xml");

    /**
     * VALRESP03 as the service would send it to the hub: addressed to the hub, from the service, answering the hub's
     * validation request (the offer), about the referral and the referral's patient. Its answer (the CarePlan) is
     * the reference example's, untouched.
     */
    static String valresp03(UUID referral, UUID offer, CommunityService from, String nhsNumber) throws IOException {
        Bundle bundle = FHIR.newXmlParser().parseResource(Bundle.class, Files.readString(VALRESP03));
        bundle.setId(UUID.randomUUID().toString());
        MessageHeader header = (MessageHeader) bundle.getEntryFirstRep().getResource();
        header.getDestinationFirstRep().setEndpoint(BarsMessages.DOS_SYSTEM + "|" + BarsMessages.HUB_DOS_SERVICE_ID);
        header.getSource().setEndpoint(BarsMessages.DOS_SYSTEM + "|" + from.dosServiceId());
        header.getResponse().setIdentifier(offer.toString());
        String sender = header.getSender().getReference();
        for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
            Resource resource = entry.getResource();
            if (resource instanceof Organization organization && sender.equals(entry.getFullUrl())) {
                organization.setIdentifier(List.of(new Identifier()
                        .setSystem("https://fhir.nhs.uk/Id/ods-organization-code").setValue(from.odsCode())));
            } else if (resource instanceof ServiceRequest request) {
                request.setId(referral.toString());
                request.setIdentifier(List.of(new Identifier()
                        .setSystem("https://fhir.rightcare-hub.org/Id/referral-id").setValue(referral.toString())));
            } else if (resource instanceof HealthcareService service) {
                service.setIdentifier(
                        List.of(new Identifier().setSystem(BarsMessages.DOS_SYSTEM).setValue(from.dosServiceId())));
            } else if (resource instanceof Patient patient) {
                patient.getIdentifier().stream().filter(i -> "https://fhir.nhs.uk/Id/nhs-number".equals(i.getSystem()))
                        .forEach(i -> i.setValue(nhsNumber));
            }
        }
        return FHIR.newJsonParser().encodeResourceToString(bundle);
    }

    @Test
    void theReferenceValidationResponseAskingForAC2AmbulanceSendsTheCaseBackWithItsOutcome() throws Exception {
        ProcessMessageTest.Area area = ProcessMessageTest.fallsAndUcr();
        ObjectNode created = fallIn(area.district(), "C3");
        UUID referral = post(created);
        UUID offer = awaitOffer(referral, 1);
        ProcessMessageTest.send(area.falls(), "interim-in-progress", referral, offer).then().statusCode(200);
        String nhsNumber = created.at("/incident/patient/nhsNumber").asText();

        BarsMessages.post(area.falls().odsCode(), valresp03(referral, offer, area.falls(), nhsNumber)).then()
                .statusCode(200);

        assertEquals("sent-back", ProcessMessageTest.referralStatus(referral));
        assertEquals("clinician-requests-ambulance",
                TestDatabase.text("SELECT send_back_reason FROM referral WHERE id = ?", referral));
        List<String> callbacks = ProcessMessageTest.callbacks(referral);
        assertFalse(callbacks.contains("referral.completed"), callbacks.toString());
        JsonNode sentBack = lastCallback(referral);
        assertEquals("referral.sent-back", sentBack.path("eventType").asText());
        assertEquals("clinician-requests-ambulance", sentBack.at("/reason/code").asText());
        assertEquals("C2", sentBack.at("/outcome/arpCategory").asText());
        assertEquals("Dx0116", sentBack.at("/outcome/disposition/code").asText());
        assertEquals("https://fhir.nhs.uk/CodeSystem/pathways-dx-codes",
                sentBack.at("/outcome/disposition/system").asText());
        assertTrue(sentBack.at("/outcome/summary").asText().contains("CONSULTATION SUMMARY"), sentBack.toString());
    }

    @Test
    void aBarsFinalResponseThatAsksForNoAmbulanceCompletesTheCaseWithItsOutcome() throws Exception {
        ProcessMessageTest.Area area = ProcessMessageTest.fallsAndUcr();
        UUID referral = post(fallIn(area.district(), "C3"));
        UUID offer = awaitOffer(referral, 1);

        ProcessMessageTest.send(area.falls(), "final-response", referral, offer).then().statusCode(200);

        assertEquals("completed", ProcessMessageTest.referralStatus(referral));
        JsonNode completed = lastCallback(referral);
        assertEquals("referral.completed", completed.path("eventType").asText());
        assertEquals("Patient lifted, no injury found; no ambulance required",
                completed.at("/outcome/summary").asText());
    }

    @Test
    void aTaskCompletedWithAnAmbulanceCategoryInItsOutputIsASendBackNotACompletion() throws Exception {
        ProcessMessageTest.Area area = ProcessMessageTest.fallsAndUcr();
        UUID referral = post(fallIn(area.district(), "C3"));
        UUID offer = awaitOffer(referral, 1);
        String ods = area.falls().odsCode();
        given().auth().oauth2(Tokens.provider(ods)).contentType("application/fhir+json")
                .body("{\"resourceType\":\"Task\",\"id\":\"" + offer + "\",\"status\":\"accepted\",\"intent\":\"order\"}")
                .put("/fhir/Task/" + offer).then().statusCode(200);

        given().auth().oauth2(Tokens.provider(ods)).contentType("application/fhir+json").body("""
                {"resourceType":"Task","id":"%s","status":"completed","intent":"order",
                 "output":[{"type":{"text":"outcome"},"valueCodeableConcept":{"coding":[
                     {"system":"https://fhir.nhs.uk/CodeSystem/arp-priority-codes","code":"C3"}],
                   "text":"Hip deformity on standing; needs conveyance"}}]}""".formatted(offer))
                .put("/fhir/Task/" + offer).then().statusCode(200);

        assertEquals("sent-back", ProcessMessageTest.referralStatus(referral));
        JsonNode sentBack = lastCallback(referral);
        assertEquals("clinician-requests-ambulance", sentBack.at("/reason/code").asText());
        assertEquals("C3", sentBack.at("/outcome/arpCategory").asText());
        assertEquals("Hip deformity on standing; needs conveyance", sentBack.at("/reason/text").asText());
        assertEquals("Hip deformity on standing; needs conveyance", sentBack.at("/outcome/summary").asText());
    }
}
