package org.rightcare.hub.fhirapi;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.time.Duration;
import java.util.UUID;

import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.rightcare.hub.directory.ServiceType;
import org.rightcare.hub.fhir.OperationOutcomes;
import org.rightcare.hub.testing.Referrals;
import org.rightcare.hub.testing.TestDatabase;
import org.rightcare.hub.testing.TestServices;
import org.rightcare.hub.testing.Tokens;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.api.PreferReturnEnum;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * A provider's writes answered as its {@code Prefer: return} asks (FHIR http.html#ops): the Task as it now is by
 * default, nothing but the status and headers for {@code return=minimal}, an OperationOutcome for
 * {@code return=OperationOutcome}. What the answer carries never changes what the write does, and a refusal is
 * always explained, whatever was asked.
 */
@QuarkusTest
class PreferReturnTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();

    @TestHTTPResource("/fhir")
    URL fhirBase;

    private String district;
    private String orgA;
    private String orgB;

    @BeforeEach
    void aFallsServiceAndAnUrgentResponseTeam() {
        district = TestServices.freshDistrict();
        orgA = "RA" + district;
        orgB = "RB" + district;
        TestServices.install(
                TestServices.service("prefer-falls-" + district.toLowerCase(), ServiceType.FALLS_RESPONSE, orgA,
                        district, Duration.ofMinutes(30)),
                TestServices.service("prefer-ucr-" + district.toLowerCase(), ServiceType.UCR, orgB, district,
                        Duration.ofMinutes(30)));
    }

    @Test
    void anAnswerWithReturnMinimalIsTakenAndAnsweredWithItsVersionAndNoBody() {
        UUID referral = fall();
        UUID offer = Referrals.awaitOffer(referral, 1);

        Response answered = answer(offer, "accepted", "return=minimal");

        answered.then().statusCode(200);
        assertEquals("", answered.asString(), "no body");
        assertEquals("return=minimal", answered.header(Prefer.APPLIED_HEADER));
        assertEquals("W/\"" + offerVersion(offer) + "\"", answered.header("ETag"));
        assertNotNull(answered.header("Last-Modified"));
        assertEquals("accepted", TestDatabase.text("SELECT status FROM offer WHERE id = ?", offer));
        assertEquals("accepted", TestDatabase.text("SELECT status FROM referral WHERE id = ?", referral));
    }

    @Test
    void anAnswerWithReturnOperationOutcomeIsToldWhatWasDone() {
        UUID referral = fall();
        UUID offer = Referrals.awaitOffer(referral, 1);

        Response answered = answer(offer, "received", "return=OperationOutcome");

        answered.then().statusCode(200).contentType(org.hamcrest.Matchers.startsWith("application/fhir+json"));
        assertEquals("return=OperationOutcome", answered.header(Prefer.APPLIED_HEADER));
        assertEquals("W/\"" + offerVersion(offer) + "\"", answered.header("ETag"));
        OperationOutcome.OperationOutcomeIssueComponent issue = FHIR.newJsonParser()
                .parseResource(OperationOutcome.class, answered.asString()).getIssueFirstRep();
        assertEquals(OperationOutcome.IssueSeverity.INFORMATION, issue.getSeverity());
        assertEquals(OperationOutcome.IssueType.INFORMATIONAL, issue.getCode());
        assertEquals(OperationOutcomes.CODE_SYSTEM, issue.getDetails().getCodingFirstRep().getSystem());
        assertEquals(FhirHttp.WRITE_APPLIED, issue.getDetails().getCodingFirstRep().getCode());
        assertEquals("Task/" + offer + " updated, version " + offerVersion(offer), issue.getDiagnostics());
        assertEquals("received", TestDatabase.text("SELECT status FROM offer WHERE id = ?", offer));
    }

    @Test
    void withoutAReturnTheHubKnowsTheTaskComesBack() {
        UUID offer = Referrals.awaitOffer(fall(), 1);

        Response unknown = answer(offer, "received", "return=everything, respond-async");
        unknown.then().statusCode(200);
        assertNull(unknown.header(Prefer.APPLIED_HEADER), "nothing was applied");
        Task received = FHIR.newJsonParser().parseResource(Task.class, unknown.asString());
        assertEquals(Task.TaskStatus.RECEIVED, received.getStatus());

        Response asked = answer(offer, "accepted", "return=representation");
        asked.then().statusCode(200);
        assertEquals("return=representation", asked.header(Prefer.APPLIED_HEADER));
        Task accepted = FHIR.newJsonParser().parseResource(Task.class, asked.asString());
        assertEquals(Task.TaskStatus.ACCEPTED, accepted.getStatus());
        assertEquals(offer.toString(), accepted.getIdElement().getIdPart());
        assertEquals(asked.header("ETag"), "W/\"" + accepted.getMeta().getVersionId() + "\"");
    }

    @Test
    void aRefusedAnswerIsExplainedWhateverWasAskedAndChangesNothing() {
        UUID referral = fall();
        UUID offer = Referrals.awaitOffer(referral, 1);
        answer(offer, "accepted", "return=minimal").then().statusCode(200);
        int version = offerVersion(offer);

        Response refused = answer(offer, "received", "return=minimal");

        refused.then().statusCode(409);
        OperationOutcome outcome = FHIR.newJsonParser().parseResource(OperationOutcome.class, refused.asString());
        assertEquals("ILLEGAL_TRANSITION", outcome.getIssueFirstRep().getDetails().getCodingFirstRep().getCode());
        assertNull(refused.header(Prefer.APPLIED_HEADER));
        assertEquals("accepted", TestDatabase.text("SELECT status FROM offer WHERE id = ?", offer));
        assertEquals(version, offerVersion(offer));
    }

    @Test
    void aPatchWithReturnMinimalIsAnsweredWithNoBody() {
        UUID offer = Referrals.awaitOffer(fall(), 1);

        Response patched = given().auth().oauth2(Tokens.provider(orgA)).contentType("application/json-patch+json")
                .header("Prefer", "return=minimal")
                .body("[{\"op\":\"replace\",\"path\":\"/status\",\"value\":\"received\"}]")
                .patch("/fhir/Task/" + offer);

        patched.then().statusCode(200);
        assertEquals("", patched.asString());
        assertEquals("W/\"" + offerVersion(offer) + "\"", patched.header("ETag"));
        assertEquals("received", TestDatabase.text("SELECT status FROM offer WHERE id = ?", offer));
    }

    /** HAPI's own client, as a provider system would use it, asking for no body on a claim. */
    @Test
    void aClaimWithReturnMinimalIsAnsweredWithTheTasksLocation() {
        UUID referral = fall();
        Referrals.awaitOffer(referral, 1);
        IGenericClient b = FHIR.newRestfulGenericClient(fhirBase.toString());
        b.registerInterceptor(new BearerTokenAuthInterceptor(Tokens.provider(orgB)));
        Task claim = new Task().setStatus(Task.TaskStatus.ACCEPTED).setIntent(Task.TaskIntent.ORDER)
                .setFocus(new Reference("ServiceRequest/" + referral));

        MethodOutcome created = b.create().resource(claim).prefer(PreferReturnEnum.MINIMAL).execute();

        assertEquals(201, created.getResponseStatusCode());
        assertNull(created.getResource(), "no body");
        String taskId = created.getId().getIdPart();
        assertEquals(String.valueOf(offerVersion(UUID.fromString(taskId))), created.getId().getVersionIdPart());
        assertEquals("accepted", TestDatabase.text("SELECT status FROM offer WHERE id = ?::uuid", taskId));
        assertEquals(orgB, TestDatabase.text("SELECT ods_code FROM offer WHERE id = ?::uuid", taskId));
        assertFalse(created.getResponseHeaders().getOrDefault("preference-applied", java.util.List.of()).isEmpty());
        assertTrue(created.getResponseHeaders().get("preference-applied").contains("return=minimal"));
    }

    private UUID fall() {
        return Referrals.post(Referrals.fallIn(district, "C3"));
    }

    private Response answer(UUID offer, String status, String prefer) {
        return Referrals.answerRequest(offer, orgA, status, null, null).header("Prefer", prefer)
                .put("/fhir/Task/" + offer);
    }

    private static int offerVersion(UUID offer) {
        return Integer.parseInt(TestDatabase.text("SELECT version::text FROM offer WHERE id = ?", offer));
    }
}
