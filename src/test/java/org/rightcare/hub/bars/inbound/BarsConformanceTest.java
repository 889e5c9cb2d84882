package org.rightcare.hub.bars.inbound;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.hl7.fhir.r4.model.MessageDefinition;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.rightcare.hub.bars.BarsMessaging;
import org.rightcare.hub.bars.inbound.ProcessMessageTest.Area;
import org.rightcare.hub.directory.CommunityService;
import org.rightcare.hub.testing.BarsMessages;
import org.rightcare.hub.testing.Referrals;
import org.rightcare.hub.testing.TestDatabase;

import ca.uhn.fhir.context.FhirContext;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;

/**
 * BaRS's own examples, from the reference folder beside the checkout ({@code ../shared/reference}, see its README),
 * posted to {@code $process-message} as a provider would send them, changed only where their identifiers must be the
 * test's (the ServiceRequest's id becomes the test referral's, the request answered the test offer's, the responder's
 * DoS id the test service's, the Bundle gets a fresh id): the APP4 validation responses are accepted and act on the
 * offer; the examples the README lists as defective, and messages the hub does not receive, are refused as a BaRS
 * receiver refuses them. Also checks that the hub's reading of the response MessageDefinitions is BaRS's. Skipped when
 * the folder is absent (a user's clone).
 */
@QuarkusTest
class BarsConformanceTest {

    private static final Path REFERENCE = Path.of("..", "shared", "reference");
    private static final Path EXAMPLES = REFERENCE.resolve("bars-simplifier/NHSBookingandReferrals/backup/Examples");
    private static final Path DEFINITIONS = REFERENCE
            .resolve("bars-simplifier/NHSBookingandReferrals/backup/MessageDefinition");
    private static final Path API_EXAMPLES = REFERENCE.resolve("bars-api/specification/examples1.4.0");
    /** The NHS number of the patient in BaRS's examples. */
    private static final String EXAMPLE_PATIENT_NHS_NUMBER = "3478526985";
    private static final Path API_VALIDATION_RESPONSE = API_EXAMPLES
            .resolve("process_message/request/ValidationResponse (POST) .json");

    /** The identifiers in BaRS's examples that stand for the test's. */
    private static final String EXAMPLE_SERVICE_REQUEST = "236bb75d-90ef-461f-b71e-fde7f899802c";
    private static final String EXAMPLE_RESPONDER_DOS_ID = "2222222222";
    private static final String EXAMPLE_REQUESTER_DOS_ID = "111111111";
    /** The Bundle.id of BaRS's example validation request (VALREQ01), which its example responses answer. */
    private static final String EXAMPLE_VALIDATION_REQUEST = "86e3371d-1c15-4862-9552-d9560f8292ba";

    @BeforeEach
    void referenceFolderIsThere() {
        Assumptions.assumeTrue(Files.isDirectory(REFERENCE), "The BaRS reference folder " + REFERENCE.toAbsolutePath()
                + " is absent (it sits beside the checkout in CI): conformance with BaRS's own examples not checked");
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The example with the test's identifiers, and a fresh Bundle.id in place of its first id. */
    private static String adapted(Path file, UUID referral, UUID offer, CommunityService responder) {
        String example = read(file).replace(EXAMPLE_SERVICE_REQUEST, referral.toString())
                .replace(EXAMPLE_VALIDATION_REQUEST, offer.toString())
                .replace(EXAMPLE_RESPONDER_DOS_ID, responder.dosServiceId())
                // The examples' patient becomes the referral's: the hub refuses an answer about another patient.
                .replace(EXAMPLE_PATIENT_NHS_NUMBER, BarsMessages.FIXTURE_PATIENT_NHS_NUMBER);
        boolean xml = file.toString().endsWith(".xml");
        String firstId = xml ? "<id value=\"[^\"]+\"" : "\"id\": \"[^\"]+\"";
        String freshId = xml ? "<id value=\"" + UUID.randomUUID() + "\"" : "\"id\": \"" + UUID.randomUUID() + "\"";
        return example.replaceFirst(firstId, freshId);
    }

    private static ValidatableResponse post(Path file, UUID referral, UUID offer, CommunityService responder) {
        Map<String, String> headers = new HashMap<>(BarsMessages.headers());
        headers.put("NHSD-Target-Identifier", BarsMessages.targetIdentifier(EXAMPLE_REQUESTER_DOS_ID));
        String contentType = file.toString().endsWith(".xml") ? "application/fhir+xml" : "application/fhir+json";
        return BarsMessages.post(responder.odsCode(), adapted(file, referral, offer, responder), headers, contentType)
                .then();
    }

    private static Path example(String prefix) {
        try (var files = Files.list(EXAMPLES)) {
            return files.filter(f -> f.getFileName().toString().startsWith(prefix + " ")).findFirst().orElseThrow();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void theHubReadsTheResponseMessageDefinitionsAsBarsWritesThem() {
        FhirContext fhir = FhirContext.forR4Cached();
        Map<String, String> files = Map.of(BarsMessaging.INTERIM_RESPONSE_DEFINITION,
                "BARS-MessageDefinition-ServiceRequest-Response-Validation-Interim.xml", BarsMessaging.FULL_RESPONSE_DEFINITION,
                "BARS-MessageDefinition-ServiceRequest-Response-Validation-Full.xml");
        files.forEach((url, file) -> {
            MessageDefinition definition = fhir.newXmlParser().parseResource(MessageDefinition.class,
                    read(DEFINITIONS.resolve(file)));
            assertEquals(url, definition.getUrl());
            assertEquals(BarsMessaging.EVENT_SERVICE_REQUEST_RESPONSE, definition.getEventCoding().getCode());
            Map<String, String> bars = new HashMap<>();
            definition.getFocus().stream().filter(f -> !f.getCode().equals("Bundle"))
                    // BaRS lists Flag twice (a flag and the scene-safety flag), both 0..*.
                    .forEach(f -> bars.put(f.getCode(), f.getMin() + ".." + f.getMax()));
            Map<String, String> hub = new HashMap<>();
            BarsMessageRules.RESOURCES.get(url).forEach((type, range) -> hub.put(type, range[0] + ".."
                    + (range[1] < 0 ? "*" : String.valueOf(range[1]))));
            assertEquals(bars, hub, url);
        });
    }

    @Test
    void barsInterimAndFinalValidationResponsesAnswerTheOffer() throws IOException {
        Area area = ProcessMessageTest.fallsAndUcr();
        UUID referral = Referrals.post(Referrals.fallIn(area.district(), "C3"));
        UUID offer = Referrals.awaitOffer(referral, 1);

        post(example("VALRESP01A"), referral, offer, area.falls()).statusCode(200)
                .body("resourceType", equalTo("Bundle"));
        assertEquals("accepted", ProcessMessageTest.offerStatus(offer));
        post(example("VALRESP02"), referral, offer, area.falls()).statusCode(200);
        assertEquals("completed", ProcessMessageTest.offerStatus(offer));

        // The final response with a new CAD incident (an upgrade to C1-2) and a third Encounter, straight after the
        // offer: the team saw the patient, so the offer is accepted and completed at once, and since the clinician
        // asks for an ambulance the case goes back to the ambulance service, never reported completed.
        UUID upgraded = Referrals.post(Referrals.fallIn(area.district(), "C3"));
        UUID upgradedOffer = Referrals.awaitOffer(upgraded, 1);
        post(example("VALRESP03"), upgraded, upgradedOffer, area.falls()).statusCode(200);
        assertEquals("completed", ProcessMessageTest.offerStatus(upgradedOffer));
        assertEquals("sent-back clinician-requests-ambulance", TestDatabase
                .text("SELECT status || ' ' || send_back_reason FROM referral WHERE id = ?", upgraded));

        // The API's JSON final response is refused only for its known defect: with https, it completes an offer.
        UUID another = Referrals.post(Referrals.fallIn(area.district(), "C3"));
        UUID anotherOffer = Referrals.awaitOffer(another, 1);
        Path corrected = Files.createTempFile("ValidationResponse", ".json");
        Files.writeString(corrected, read(API_VALIDATION_RESPONSE).replace("http://fhir.nhs.uk/Id/dos-service-id",
                "https://fhir.nhs.uk/Id/dos-service-id"));
        try {
            post(corrected, another, anotherOffer, area.falls()).statusCode(200);
        } finally {
            Files.delete(corrected);
        }
        assertEquals("completed", ProcessMessageTest.offerStatus(anotherOffer));
    }

    @Test
    void knownBadExamplesAndMessagesTheHubDoesNotReceiveAreRefusedAndChangeNothing() {
        Area area = ProcessMessageTest.fallsAndUcr();
        UUID referral = Referrals.post(Referrals.fallIn(area.district(), "C3"));
        UUID offer = Referrals.awaitOffer(referral, 1);
        String before = ProcessMessageTest.state(referral);
        CommunityService falls = area.falls();

        // The README's defects: a dos-service-id system written with http://, JSON that does not parse, a
        // ServiceRequest with a status R4 does not have (and no message at all).
        refused(post(API_VALIDATION_RESPONSE, referral, offer, falls), 400, "REC_BAD_REQUEST", "value")
                .body("issue[0].diagnostics", containsString("http://fhir.nhs.uk/Id/dos-service-id"));
        refused(post(API_EXAMPLES.resolve("document_reference/GET-success.json"), referral, offer, falls), 400,
                "REC_BAD_REQUEST", "structure");
        refused(post(API_EXAMPLES.resolve("service_request/PATCH-body.json"), referral, offer, falls), 400,
                "REC_BAD_REQUEST", "structure");
        // Validation requests, their acknowledgement and cancellations are what the hub sends, not receives.
        for (Path notReceived : List.of(example("VALREQ01"), example("VALRESP01"), example("SERVREQ01"),
                API_EXAMPLES.resolve("process_message/request/ValidationRequest (POST) .json"),
                API_EXAMPLES.resolve("process_message/POST-body.json"))) {
            refused(post(notReceived, referral, offer, falls), 422, "REC_UNPROCESSABLE_ENTITY", "not-supported");
        }

        assertEquals(before, ProcessMessageTest.state(referral));
    }

    private static ValidatableResponse refused(ValidatableResponse response, int status, String code,
            String issueType) {
        return response.statusCode(status).body("resourceType", equalTo("OperationOutcome"))
                .body("issue[0].code", equalTo(issueType))
                .body("issue[0].details.coding[0].code", equalTo(code));
    }
}
