package org.rightcare.hub.bars.inbound;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rightcare.hub.testing.Referrals.awaitOffer;
import static org.rightcare.hub.testing.Referrals.fallIn;
import static org.rightcare.hub.testing.Referrals.offers;
import static org.rightcare.hub.testing.Referrals.post;

import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.Test;
import org.rightcare.hub.bars.BarsMessaging;
import org.rightcare.hub.directory.CommunityService;
import org.rightcare.hub.directory.ServiceType;
import org.rightcare.hub.testing.BarsMessages;
import org.rightcare.hub.testing.TestDatabase;
import org.rightcare.hub.testing.TestServices;
import org.rightcare.hub.testing.Tokens;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.interceptor.AdditionalRequestHeadersInterceptor;
import ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * A provider's system answers the hub's offers with BaRS application 4 responses posted to {@code $process-message},
 * as a provider with a token of its organisation: the interim response accepts or rejects (and a rejection moves the
 * case on), the final response completes, each through the same operation as the Task API, with the CAD told. The
 * same message again changes nothing; a message the offer has moved past is a conflict; every refusal carries its
 * BaRS code and changes nothing.
 */
@QuarkusTest
class ProcessMessageTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();

    @TestHTTPResource("/fhir")
    URL fhirBase;

    /** A falls team and a UCR team, both 24/7, in a district of the test's own, each with a DoS id. */
    record Area(String district, CommunityService falls, CommunityService ucr) {
    }

    static Area fallsAndUcr() {
        return fallsAndUcr(false);
    }

    /** The area, with both teams run by one organisation when {@code oneOrganisation}. */
    static Area fallsAndUcr(boolean oneOrganisation) {
        String district = TestServices.freshDistrict();
        String key = district.toLowerCase();
        CommunityService falls = TestServices.service("bars-falls-" + key, ServiceType.FALLS_RESPONSE, "F" + district,
                district, Duration.ofMinutes(10));
        CommunityService ucr = TestServices.service("bars-ucr-" + key, ServiceType.UCR,
                (oneOrganisation ? "F" : "U") + district, district, Duration.ofMinutes(15));
        TestServices.install(falls, ucr);
        return new Area(district, falls, ucr);
    }

    /** The service's answer to the hub's validation request for that offer. */
    static Response send(CommunityService from, String fixture, UUID referral, UUID offer) {
        return BarsMessages.post(from.odsCode(), BarsMessages.message(fixture, referral, offer, from.dosServiceId(),
                from.odsCode()));
    }

    static String offerStatus(UUID offerId) {
        return TestDatabase.text("SELECT status FROM offer WHERE id = ?", offerId);
    }

    static String referralStatus(UUID referralId) {
        return TestDatabase.text("SELECT status FROM referral WHERE id = ?", referralId);
    }

    static List<String> callbacks(UUID referralId) {
        return TestDatabase.strings("""
                SELECT payload::json->>'eventType' FROM delivery_outbox
                WHERE referral_id = ? AND channel = 'cad-callback' ORDER BY sequence""", referralId);
    }

    static long messagesRecorded(UUID referralId) {
        return TestDatabase.count("SELECT count(*) FROM bars_inbound_message WHERE referral_id = ?", referralId);
    }

    /** Everything a refused message could have changed, to compare before and after. */
    static String state(UUID referralId) {
        return TestDatabase.strings("SELECT status || '/' || version FROM offer WHERE referral_id = ? ORDER BY sequence",
                referralId) + " " + referralStatus(referralId) + " " + callbacks(referralId) + " "
                + messagesRecorded(referralId);
    }

    @Test
    void anInterimResponseInProgressAcceptsTheOfferAndTellsTheCad() {
        Area area = fallsAndUcr();
        UUID referral = post(fallIn(area.district(), "C3"));
        UUID offer = awaitOffer(referral, 1);
        String body = BarsMessages.message("interim-in-progress", referral, offer, area.falls().dosServiceId(),
                area.falls().odsCode());
        Map<String, String> headers = BarsMessages.headers();

        Response answer = BarsMessages.post(area.falls().odsCode(), body, headers, "application/fhir+json");

        answer.then().statusCode(200).contentType("application/fhir+json")
                .header("X-Request-Id", headers.get("X-Request-Id"))
                .header("X-Correlation-Id", headers.get("X-Correlation-Id"))
                .body("resourceType", equalTo("Bundle"))
                .body("id", equalTo(new io.vertx.core.json.JsonObject(body).getString("id")));
        assertEquals("accepted", offerStatus(offer));
        assertEquals("accepted", referralStatus(referral));
        assertEquals(List.of("referral.offered", "referral.accepted"), callbacks(referral));
        assertEquals(1, TestDatabase.count("""
                SELECT count(*) FROM audit_event WHERE action = 'fhir.operation' AND entity_type = 'Task'
                AND entity_id = ? AND outcome = 'success' AND detail ->> 'kind' = 'interim-in-progress'
                AND detail ->> 'requestId' = ?""", offer.toString(), headers.get("X-Request-Id")));
    }

    @Test
    void aProviderSystemSendsItsResponseWithHapisClientAsARealPeerWould() {
        Area area = fallsAndUcr();
        UUID referral = post(fallIn(area.district(), "C3"));
        UUID offer = awaitOffer(referral, 1);
        IGenericClient client = FHIR.newRestfulGenericClient(fhirBase.toString());
        client.registerInterceptor(new BearerTokenAuthInterceptor(Tokens.provider(area.falls().odsCode())));
        AdditionalRequestHeadersInterceptor barsHeaders = new AdditionalRequestHeadersInterceptor();
        BarsMessages.headers().forEach(barsHeaders::addHeaderValue);
        client.registerInterceptor(barsHeaders);
        Bundle message = FHIR.newJsonParser().parseResource(Bundle.class, BarsMessages.message("interim-in-progress",
                referral, offer, area.falls().dosServiceId(), area.falls().odsCode()));

        Bundle acknowledgement = client.operation().processMessage().setMessageBundle(message)
                .synchronous(Bundle.class).execute();

        assertEquals(message.getIdElement().getIdPart(), acknowledgement.getIdElement().getIdPart());
        assertEquals("accepted", offerStatus(offer));
        // A client that percent-encodes the $ reaches the operation too; the same message is the same answer.
        given().auth().oauth2(Tokens.provider(area.falls().odsCode())).contentType("application/fhir+json")
                .headers(BarsMessages.headers()).body(FHIR.newJsonParser().encodeResourceToString(message))
                .post("/fhir/$process-message").then().statusCode(200);
        assertEquals(1, messagesRecorded(referral));
    }

    @Test
    void aRejectionWithADosReasonMovesTheCaseToTheNextServiceWhichCompletesItWithAFinalResponse() {
        Area area = fallsAndUcr();
        UUID referral = post(fallIn(area.district(), "C3"));
        UUID first = awaitOffer(referral, 1);

        send(area.falls(), "interim-rejected", referral, first).then().statusCode(200);

        assertEquals("rejected", offerStatus(first));
        assertEquals("22", offers(referral).get(0).get("status_reason_code"));
        assertEquals("Both crews committed until 16:00",
                TestDatabase.text("SELECT status_reason_text FROM offer WHERE id = ?", first));
        UUID second = awaitOffer(referral, 2);
        assertEquals(area.ucr().id(), offers(referral).get(1).get("service_id"));

        // No interim response first: the final response accepts and completes the open offer at once.
        send(area.ucr(), "final-response", referral, second).then().statusCode(200);

        assertEquals("completed", offerStatus(second));
        assertEquals("completed", referralStatus(referral));
        assertEquals(List.of("referral.offered", "referral.offered", "referral.accepted", "referral.completed"),
                callbacks(referral));
        assertEquals(List.of("Patient lifted, no injury found; no ambulance required"), TestDatabase.strings("""
                SELECT detail ->> 'outcome' FROM audit_event WHERE action = 'fhir.operation' AND entity_id = ?
                AND detail ->> 'kind' = 'final'""", second.toString()));
        assertEquals(List.of("urn:uuid:4f0f1c1e-0000-4000-8000-000000000041"), TestDatabase.strings("""
                SELECT detail ->> 'carePlan' FROM audit_event WHERE action = 'fhir.operation' AND entity_id = ?
                AND detail ->> 'kind' = 'final'""", second.toString()));
    }

    @Test
    void theSameMessageAgainAnswersTheSameAcknowledgementAndChangesNothing() {
        Area area = fallsAndUcr();
        UUID referral = post(fallIn(area.district(), "C3"));
        UUID offer = awaitOffer(referral, 1);
        String body = BarsMessages.message("interim-in-progress", referral, offer, area.falls().dosServiceId(),
                area.falls().odsCode());
        String first = BarsMessages.post(area.falls().odsCode(), body).then().statusCode(200).extract().asString();
        String before = state(referral);

        // A retry after a lost answer: the same message, a new request id.
        String again = BarsMessages.post(area.falls().odsCode(), body).then().statusCode(200).extract().asString();

        assertEquals(first, again);
        assertEquals(before, state(referral));
        assertEquals("accepted", offerStatus(offer));
        assertEquals(1, messagesRecorded(referral));
    }

    @Test
    void aMessageThatWouldMoveTheOfferBackwardsOrAnswersAClosedOfferIsAConflict() {
        Area area = fallsAndUcr();
        UUID referral = post(fallIn(area.district(), "C3"));
        UUID offer = awaitOffer(referral, 1);
        send(area.falls(), "interim-in-progress", referral, offer).then().statusCode(200);
        send(area.falls(), "final-response", referral, offer).then().statusCode(200);
        assertEquals("completed", offerStatus(offer));
        String before = state(referral);

        for (String stale : List.of("interim-rejected", "interim-in-progress", "final-response")) {
            send(area.falls(), stale, referral, offer).then().statusCode(409)
                    .body("issue[0].code", equalTo("conflict"))
                    .body("issue[0].details.coding[0].system", equalTo(BarsMessaging.ERROR_CODES))
                    .body("issue[0].details.coding[0].code", equalTo("REC_CONFLICT"));
        }
        assertEquals(before, state(referral));
    }

    @Test
    void aMessageIdOrRequestIdUsedBeforeForAnotherMessageIsADuplicate() {
        Area area = fallsAndUcr();
        UUID referral = post(fallIn(area.district(), "C3"));
        UUID offer = awaitOffer(referral, 1);
        String accepted = BarsMessages.message("interim-in-progress", referral, offer, area.falls().dosServiceId(),
                area.falls().odsCode());
        Map<String, String> headers = BarsMessages.headers();
        BarsMessages.post(area.falls().odsCode(), accepted, headers, "application/fhir+json").then().statusCode(200);
        String before = state(referral);
        String bundleId = new io.vertx.core.json.JsonObject(accepted).getString("id");

        String sameIdOtherContent = BarsMessages.message("final-response", referral, offer,
                area.falls().dosServiceId(), area.falls().odsCode())
                .replaceFirst("\"id\": \"[^\"]+\"", "\"id\": \"" + bundleId + "\"");
        BarsMessages.post(area.falls().odsCode(), sameIdOtherContent).then().statusCode(409)
                .body("issue[0].code", equalTo("duplicate"))
                .body("issue[0].details.coding[0].code", equalTo("REC_CONFLICT"));
        String otherMessageSameRequestId = BarsMessages.message("final-response", referral, offer,
                area.falls().dosServiceId(), area.falls().odsCode());
        BarsMessages.post(area.falls().odsCode(), otherMessageSameRequestId, headers, "application/fhir+json")
                .then().statusCode(409)
                .body("issue[0].code", equalTo("duplicate"))
                .body("issue[0].details.coding[0].code", equalTo("REC_CONFLICT"));
        assertEquals(before, state(referral));
    }

    @Test
    void anotherOrganisationsAnswerIsRefusedAndChangesNothing() {
        Area area = fallsAndUcr();
        UUID referral = post(fallIn(area.district(), "C3"));
        UUID offer = awaitOffer(referral, 1);
        String before = state(referral);

        // The UCR team's organisation was not offered the case: the request it names went to another.
        send(area.ucr(), "interim-in-progress", referral, offer).then().statusCode(404)
                .body("issue[0].details.coding[0].code", equalTo("REC_NOT_FOUND"));
        // Nor may it speak for the falls team's service.
        BarsMessages.post(area.ucr().odsCode(), BarsMessages.message("interim-in-progress", referral, offer,
                area.falls().dosServiceId(), area.ucr().odsCode())).then().statusCode(403)
                .body("issue[0].details.coding[0].code", equalTo("REC_FORBIDDEN"));
        // The hub's own staff answer no offers.
        given().urlEncodingEnabled(false).auth().oauth2(Tokens.hubClinician()).contentType("application/fhir+json")
                .headers(BarsMessages.headers())
                .body(BarsMessages.message("interim-in-progress", referral, offer, area.falls().dosServiceId(),
                        area.falls().odsCode()))
                .post("/fhir/$process-message").then().statusCode(403)
                .body("issue[0].details.coding[0].code", equalTo("REC_FORBIDDEN"));

        assertEquals(before, state(referral));
        assertEquals("requested", offerStatus(offer));
        assertTrue(TestDatabase.count("""
                SELECT count(*) FROM audit_event WHERE action = 'fhir.operation' AND actor_organisation = ?
                AND outcome IN ('denied', 'not-found')""", area.ucr().odsCode()) >= 2);
    }

    @Test
    void everyBrokenMessageRulesIsRefusedWithItsBarsCodeAndChangesNothing() {
        Area area = fallsAndUcr();
        UUID referral = post(fallIn(area.district(), "C3"));
        UUID offer = awaitOffer(referral, 1);
        String ods = area.falls().odsCode();
        String good = BarsMessages.message("interim-in-progress", referral, offer, area.falls().dosServiceId(), ods);
        String before = state(referral);

        Map<String, String> noRequestId = BarsMessages.headers();
        noRequestId.remove("X-Request-Id");
        expect(BarsMessages.post(ods, good, noRequestId, "application/fhir+json"), 400, "REC_BAD_REQUEST", "required");
        Map<String, String> badTarget = BarsMessages.headers();
        badTarget.put("NHSD-Target-Identifier", "not base64 json");
        expect(BarsMessages.post(ods, good, badTarget, "application/fhir+json"), 400, "REC_BAD_REQUEST", "invalid");
        Map<String, String> otherTarget = BarsMessages.headers();
        otherTarget.put("NHSD-Target-Identifier", BarsMessages.targetIdentifier("1234567890"));
        expect(BarsMessages.post(ods, good, otherTarget, "application/fhir+json"), 400, "REC_BAD_REQUEST", "value");
        expect(BarsMessages.post(ods, "{\"resourceType\":\"Bundle\",", BarsMessages.headers(),
                "application/fhir+json"), 400, "REC_BAD_REQUEST", "structure");
        expect(BarsMessages.post(ods, good.replace("\"type\": \"message\"", "\"type\": \"collection\""),
                BarsMessages.headers(), "application/fhir+json"), 400, "REC_BAD_REQUEST", "invalid");
        expect(BarsMessages.post(ods, good.replace("servicerequest-response-validation-interim",
                "servicerequest-request-validation"), BarsMessages.headers(), "application/fhir+json"), 422,
                "REC_UNPROCESSABLE_ENTITY", "not-supported");
        expect(BarsMessages.post(ods, good.replace("\"reference\": \"urn:uuid:4f0f1c1e-0000-4000-8000-000000000003\"",
                "\"reference\": \"urn:uuid:00000000-0000-4000-8000-00000000dead\""), BarsMessages.headers(),
                "application/fhir+json"), 400, "REC_BAD_REQUEST", "invalid");
        expect(BarsMessages.post(ods, BarsMessages.message("interim-rejected", referral, offer,
                area.falls().dosServiceId(), ods).replace("dos-rejected-reasons-bars", "made-up-reasons"),
                BarsMessages.headers(),
                "application/fhir+json"), 400, "REC_BAD_REQUEST", "code-invalid");
        expect(BarsMessages.post(ods, BarsMessages.message("interim-in-progress", UUID.randomUUID(), offer,
                area.falls().dosServiceId(), ods), BarsMessages.headers(), "application/fhir+json"), 404,
                "REC_NOT_FOUND", "not-found");

        assertEquals(before, state(referral));
    }

    @Test
    void aResponseNamingNoRequestTheHubSentTheSenderIsNotFoundAndChangesNothing() {
        Area area = fallsAndUcr();
        UUID referral = post(fallIn(area.district(), "C3"));
        UUID offer = awaitOffer(referral, 1);
        UUID otherReferral = post(fallIn(area.district(), "C3"));
        UUID otherOffer = awaitOffer(otherReferral, 1);
        String before = state(referral) + " " + state(otherReferral);

        // An id the hub never sent, and the falls team's offer of another case: neither is this case's request.
        for (UUID named : List.of(UUID.randomUUID(), otherOffer)) {
            expect(send(area.falls(), "interim-in-progress", referral, named), 404, "REC_NOT_FOUND", "not-found");
        }
        // Nor is an identifier that is no UUID at all.
        expect(BarsMessages.post(area.falls().odsCode(), BarsMessages.message("interim-in-progress", referral, offer,
                area.falls().dosServiceId(), area.falls().odsCode()).replace(offer.toString(), "validation-request-1")),
                404, "REC_NOT_FOUND", "not-found");

        assertEquals(before, state(referral) + " " + state(otherReferral));
        assertEquals("requested", offerStatus(offer));
        assertEquals("requested", offerStatus(otherOffer));
    }

    @Test
    void aResponseNamingAnotherOrganisationsOfferOfTheCaseIsNotFoundThoughItHoldsAnOfferOfItsOwn() {
        Area area = fallsAndUcr();
        UUID referral = post(fallIn(area.district(), "C3"));
        UUID fallsOffer = awaitOffer(referral, 1);
        send(area.falls(), "interim-rejected", referral, fallsOffer).then().statusCode(200);
        UUID ucrOffer = awaitOffer(referral, 2);
        String before = state(referral);

        expect(send(area.ucr(), "interim-in-progress", referral, fallsOffer), 404, "REC_NOT_FOUND", "not-found");
        expect(send(area.falls(), "interim-in-progress", referral, ucrOffer), 404, "REC_NOT_FOUND", "not-found");

        assertEquals(before, state(referral));
        assertEquals("requested", offerStatus(ucrOffer));
    }

    @Test
    void aResponseNamingTheOrganisationsEarlierClosedOfferIsAConflictAndLeavesItsOpenOfferAlone() {
        // Two services of one organisation: the case goes to its second when its first declines.
        Area area = fallsAndUcr(true);
        UUID referral = post(fallIn(area.district(), "C3"));
        UUID first = awaitOffer(referral, 1);
        send(area.falls(), "interim-rejected", referral, first).then().statusCode(200);
        UUID second = awaitOffer(referral, 2);
        assertEquals(area.ucr().id(), offers(referral).get(1).get("service_id"));
        String before = state(referral);

        expect(send(area.falls(), "interim-in-progress", referral, first), 409, "REC_CONFLICT", "conflict");

        assertEquals(before, state(referral));
        assertEquals("rejected", offerStatus(first));
        assertEquals("requested", offerStatus(second));
    }

    private static void expect(Response response, int status, String code, String issueType) {
        response.then().statusCode(status).contentType("application/fhir+json")
                .body("resourceType", equalTo("OperationOutcome"))
                .body("issue[0].severity", equalTo("error"))
                .body("issue[0].code", equalTo(issueType))
                .body("issue[0].details.coding[0].system", equalTo(BarsMessaging.ERROR_CODES))
                .body("issue[0].details.coding[0].code", equalTo(code));
    }
}
