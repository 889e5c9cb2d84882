package org.rightcare.hub.fhirapi;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.rightcare.hub.testing.Referrals.awaitOffer;
import static org.rightcare.hub.testing.Referrals.fallIn;
import static org.rightcare.hub.testing.Referrals.post;

import java.time.Duration;
import java.util.UUID;

import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import org.rightcare.hub.directory.CommunityService;
import org.rightcare.hub.directory.ServiceType;
import org.rightcare.hub.testing.BarsMessages;
import org.rightcare.hub.testing.TestDatabase;
import org.rightcare.hub.testing.TestServices;
import org.rightcare.hub.testing.Tokens;

import com.fasterxml.jackson.databind.node.ObjectNode;

import ca.uhn.fhir.context.FhirContext;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A provider's answer about another patient than the referral's (issue 15 item 6, hazard H-32) is refused and changes
 * nothing, through both ways a provider answers: a BaRS response ({@code REC_UNPROCESSABLE_ENTITY}, 422) and a Task
 * update (422 with an OperationOutcome). The patient is matched by NHS number, or by family name and birth date when
 * the referral has no NHS number.
 */
@QuarkusTest
class AnswersAboutAnotherPatientTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();

    /** A falls team of the test's own district, 24/7. */
    record Area(String district, CommunityService falls) {
    }

    private static Area fallsArea() {
        String district = TestServices.freshDistrict();
        CommunityService falls = TestServices.service("identity-falls-" + district.toLowerCase(),
                ServiceType.FALLS_RESPONSE, "I" + district, district, Duration.ofMinutes(10));
        TestServices.install(falls);
        return new Area(district, falls);
    }

    /** A fall of the test's own district, offered to its falls team. */
    record Offered(CommunityService falls, UUID referral, UUID offer) {
    }

    private static Offered offeredFall() {
        Area area = fallsArea();
        UUID referral = post(fallIn(area.district(), "C3"));
        return new Offered(area.falls(), referral, awaitOffer(referral, 1));
    }

    /** Everything an answer could change: the offers, the referral and the callbacks to the CAD. */
    private static String state(UUID referralId) {
        return TestDatabase.strings("SELECT status || '/' || version FROM offer WHERE referral_id = ? ORDER BY sequence",
                referralId) + " "
                + TestDatabase.text("SELECT status || '/' || version FROM referral WHERE id = ?",
                        referralId)
                + " " + TestDatabase.count("SELECT count(*) FROM delivery_outbox WHERE referral_id = ?", referralId)
                + " " + TestDatabase.count("SELECT count(*) FROM bars_inbound_message WHERE referral_id = ?",
                        referralId);
    }

    @Test
    void aBarsResponseNamingAnotherNhsNumberIsUnprocessableAndChangesNothing() {
        Offered offered = offeredFall();
        CommunityService falls = offered.falls();
        UUID referral = offered.referral();
        UUID offer = offered.offer();
        String before = state(referral);

        BarsMessages.post(falls.odsCode(), BarsMessages.message("interim-in-progress", referral, offer,
                falls.dosServiceId(), falls.odsCode(), "9000000009")).then().statusCode(422)
                .body("issue[0].details.coding[0].code", equalTo("REC_UNPROCESSABLE_ENTITY"))
                .body("issue[0].diagnostics", containsString("NHS number 9000000009"));

        assertEquals(before, state(referral));
        // The same answer about the referral's patient is taken.
        BarsMessages.post(falls.odsCode(), BarsMessages.message("interim-in-progress", referral, offer,
                falls.dosServiceId(), falls.odsCode())).then().statusCode(200);
        assertEquals("accepted", TestDatabase.text("SELECT status FROM offer WHERE id = ?", offer));
    }

    @Test
    void withoutAnNhsNumberABarsResponseIsMatchedByFamilyNameAndBirthDate() {
        Area area = fallsArea();
        CommunityService falls = area.falls();
        ObjectNode event = fallIn(area.district(), "C3");
        ((ObjectNode) event.at("/incident/patient")).remove("nhsNumber");
        UUID referral = post(event);
        UUID offer = awaitOffer(referral, 1);
        String before = state(referral);

        BarsMessages.post(falls.odsCode(), withPatient(referral, offer, falls, "Smith", "1938-04-02")).then()
                .statusCode(422).body("issue[0].details.coding[0].code", equalTo("REC_UNPROCESSABLE_ENTITY"));
        BarsMessages.post(falls.odsCode(), withPatient(referral, offer, falls, "Marsh", "1940-01-01")).then()
                .statusCode(422).body("issue[0].details.coding[0].code", equalTo("REC_UNPROCESSABLE_ENTITY"));
        assertEquals(before, state(referral));

        BarsMessages.post(falls.odsCode(), withPatient(referral, offer, falls, "Marsh", "1938-04-02")).then()
                .statusCode(200);
        assertEquals("accepted", TestDatabase.text("SELECT status FROM offer WHERE id = ?", offer));
    }

    @Test
    void aTaskAnswerNamingAnotherPatientIsRefusedWith422AndChangesNothing() {
        Offered offered = offeredFall();
        CommunityService falls = offered.falls();
        UUID referral = offered.referral();
        UUID offer = offered.offer();
        String before = state(referral);

        taskAnswer(offer, falls.odsCode(), "{\"reference\":\"Patient/" + UUID.randomUUID() + "\"}").then()
                .statusCode(422).contentType("application/fhir+json")
                .body("resourceType", equalTo("OperationOutcome"))
                .body("issue[0].details.coding[0].code", equalTo("PATIENT_MISMATCH"));
        taskAnswer(offer, falls.odsCode(), "{\"reference\":\"Patient/" + referral + "\",\"identifier\":{\"system\":"
                + "\"https://fhir.nhs.uk/Id/nhs-number\",\"value\":\"9000000009\"}}").then().statusCode(422)
                .body("issue[0].details.coding[0].code", equalTo("PATIENT_MISMATCH"));
        assertEquals(before, state(referral));

        taskAnswer(offer, falls.odsCode(), "{\"reference\":\"Patient/" + referral + "\",\"identifier\":{\"system\":"
                + "\"https://fhir.nhs.uk/Id/nhs-number\",\"value\":\"9434765919\"}}").then().statusCode(200);
        assertEquals("accepted", TestDatabase.text("SELECT status FROM offer WHERE id = ?", offer));
    }

    private static io.restassured.response.Response taskAnswer(UUID offer, String ods, String patient) {
        return given().auth().oauth2(Tokens.provider(ods)).contentType("application/fhir+json")
                .body("{\"resourceType\":\"Task\",\"id\":\"" + offer + "\",\"status\":\"accepted\","
                        + "\"intent\":\"order\",\"for\":" + patient + "}")
                .put("/fhir/Task/" + offer);
    }

    /** The interim response with its Patient named only by family name and birth date. */
    private static String withPatient(UUID referral, UUID offer, CommunityService from, String family,
            String birthDate) {
        Bundle message = FHIR.newJsonParser().parseResource(Bundle.class, BarsMessages.message("interim-in-progress",
                referral, offer, from.dosServiceId(), from.odsCode()));
        Patient patient = message.getEntry().stream().map(Bundle.BundleEntryComponent::getResource)
                .filter(Patient.class::isInstance).map(Patient.class::cast).findFirst().orElseThrow();
        patient.getIdentifier().clear();
        patient.addName().setFamily(family).addGiven("Edith");
        patient.setBirthDateElement(new org.hl7.fhir.r4.model.DateType(birthDate));
        return FHIR.newJsonParser().encodeResourceToString(message);
    }
}
