package org.rightcare.hub.intake;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.matchesPattern;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.rightcare.hub.testing.CadWebhook.CAD_SYSTEM;
import static org.rightcare.hub.testing.CadWebhook.SECRET;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;
import org.rightcare.hub.cad.WebhookSignature;
import org.rightcare.hub.testing.CadWebhook;
import org.rightcare.hub.testing.TestDatabase;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/** The CAD webhook, case by case as contract v1 states it. */
@QuarkusTest
class CadWebhookTest {

    private static final String FALL = "incident-created.json";

    private static long storedEventsFor(ObjectNode event) {
        return TestDatabase.count("SELECT count(*) FROM cad_event WHERE cad_system = ? AND event_id = ?",
                event.get("cadSystem").asText(), event.get("eventId").asText());
    }

    /** The router acts on a new referral at once; tests about its version wait for that first. */
    private static long awaitRouted(ObjectNode event) {
        String incidentId = event.at("/incident/incidentId").asText();
        TestDatabase.await("incident " + incidentId + " is routed", () -> !"routing".equals(
                TestDatabase.text("SELECT status FROM referral WHERE incident_id = ?", incidentId)));
        return TestDatabase.count("SELECT version FROM referral WHERE incident_id = ?", incidentId);
    }

    private static long referralsFor(ObjectNode event) {
        return TestDatabase.count("SELECT count(*) FROM referral WHERE cad_system = ? AND incident_id = ?",
                event.get("cadSystem").asText(), event.at("/incident/incidentId").asText());
    }

    // ------------------------------------------------------------------ acknowledgement and durability

    @Test
    void acknowledgesANewIncidentOnlyOnceTheEventAndReferralAreStored() {
        ObjectNode event = CadWebhook.event(FALL);

        Response response = CadWebhook.post(event);

        response.then().statusCode(202)
                .contentType("application/json")
                .body("referralId", matchesPattern("[0-9a-f-]{36}"))
                .body("status", equalTo("routing"))
                .body("serviceRequest", matchesPattern("http://[^/]+/fhir/ServiceRequest/[0-9a-f-]{36}"));
        String referralId = response.path("referralId");
        assertEquals(1, storedEventsFor(event));
        assertEquals(1, TestDatabase.count("SELECT count(*) FROM referral WHERE id = ?::uuid", referralId));
    }

    @Test
    void replaysTheOriginalAnswerForTheSameEventIdAndBytesWithoutNewWork() {
        ObjectNode event = CadWebhook.event(FALL);
        byte[] body = CadWebhook.bytes(event);
        String first = CadWebhook.post(body).then().statusCode(202).extract().asString();
        awaitRouted(event);
        long versionBefore = TestDatabase.count("SELECT version FROM referral WHERE incident_id = ?",
                event.at("/incident/incidentId").asText());

        String again = CadWebhook.post(body).then().statusCode(202).extract().asString();

        assertEquals(first, again);
        assertEquals(1, storedEventsFor(event));
        assertEquals(versionBefore, TestDatabase.count("SELECT version FROM referral WHERE incident_id = ?",
                event.at("/incident/incidentId").asText()));
    }

    @Test
    void refusesTheSameEventIdWithADifferentBody() {
        ObjectNode event = CadWebhook.event(FALL);
        CadWebhook.post(event).then().statusCode(202);
        ObjectNode changed = event.deepCopy();
        ((ObjectNode) changed.get("incident")).put("category", "C4");

        CadWebhook.post(changed).then().statusCode(409)
                .contentType("application/problem+json")
                .body("status", equalTo(409))
                .body("detail", containsString(event.get("eventId").asText()));

        assertEquals(1, storedEventsFor(event));
        assertEquals(1, TestDatabase.count("SELECT count(*) FROM referral WHERE incident_id = ? AND category = 'C3'",
                event.at("/incident/incidentId").asText()));
    }

    // ------------------------------------------------------------------ signature

    @Test
    void refusesAnUnsignedEventAndStoresNothing() {
        ObjectNode event = CadWebhook.event(FALL);
        given().contentType("application/json").body(CadWebhook.bytes(event)).post("/cad/v1/events")
                .then().statusCode(401).contentType("application/problem+json")
                .body("detail", containsString("X-Hub-Signature"));
        assertEquals(0, storedEventsFor(event));
        assertEquals(0, referralsFor(event));
    }

    @Test
    void refusesAMalformedSignatureHeader() {
        ObjectNode event = CadWebhook.event(FALL);
        for (String header : new String[] { "garbage", "t=abc,v1=00", "v1=" + "0".repeat(64),
                "t=" + Instant.now().getEpochSecond(), "t=" + Instant.now().getEpochSecond() + ",v1=zz" }) {
            CadWebhook.postSigned(CadWebhook.bytes(event), header).then().statusCode(401);
        }
        assertEquals(0, storedEventsFor(event));
    }

    @Test
    void refusesASignatureMadeWithTheWrongSecret() {
        ObjectNode event = CadWebhook.event(FALL);
        byte[] body = CadWebhook.bytes(event);
        CadWebhook.postSigned(body, WebhookSignature.sign("not-the-secret", Instant.now(), body))
                .then().statusCode(401);
        assertEquals(0, storedEventsFor(event));
    }

    @Test
    void refusesASignatureOverDifferentBytes() {
        ObjectNode event = CadWebhook.event(FALL);
        byte[] body = CadWebhook.bytes(event);
        byte[] tampered = Arrays.copyOf(body, body.length);
        String signature = WebhookSignature.sign(SECRET, Instant.now(), body);
        tampered[tampered.length - 2] = (byte) ' ';
        CadWebhook.postSigned(tampered, signature).then().statusCode(401);
        assertEquals(0, storedEventsFor(event));
    }

    @Test
    void refusesTimestampsMoreThanFiveMinutesFromTheHubClock() {
        ObjectNode event = CadWebhook.event(FALL);
        byte[] body = CadWebhook.bytes(event);
        CadWebhook.postSigned(body, WebhookSignature.sign(SECRET, Instant.now().minusSeconds(301), body))
                .then().statusCode(401).body("detail", containsString("300 s"));
        // Far enough ahead that a slow request (a loaded CI machine) still arrives more than 300 s early.
        CadWebhook.postSigned(body, WebhookSignature.sign(SECRET, Instant.now().plusSeconds(330), body))
                .then().statusCode(401);
        assertEquals(0, storedEventsFor(event));

        CadWebhook.postSigned(body, WebhookSignature.sign(SECRET, Instant.now().minusSeconds(290), body))
                .then().statusCode(202);
    }

    @Test
    void acceptsAnyOneValidSignatureAmongSeveralDuringRotation() {
        ObjectNode event = CadWebhook.event(FALL);
        byte[] body = CadWebhook.bytes(event);
        Instant now = Instant.now();
        String valid = WebhookSignature.sign(SECRET, now, body);
        String header = "t=" + now.getEpochSecond() + ",v1=" + HexFormat.of().formatHex(new byte[32])
                + "," + valid.substring(valid.indexOf("v1="));
        CadWebhook.postSigned(body, header).then().statusCode(202);
    }

    @Test
    void acceptsThePreviousSecretWhileTheHubRotates() {
        ObjectNode event = CadWebhook.event(FALL);
        byte[] body = CadWebhook.bytes(event);
        CadWebhook.postSigned(body, WebhookSignature.sign(CadWebhook.PREVIOUS_SECRET, Instant.now(), body))
                .then().statusCode(202);
    }

    @Test
    void refusesAnEventWhoseCadSystemIsNotTheOneThatSignedIt() {
        ObjectNode event = CadWebhook.event(FALL);
        event.put("cadSystem", "OTHER-CAD");
        CadWebhook.post(event).then().statusCode(401).body("detail", containsString("OTHER-CAD"));

        ObjectNode unknown = CadWebhook.event(FALL);
        unknown.put("cadSystem", "NO-SUCH-CAD");
        CadWebhook.post(unknown).then().statusCode(401);
        assertEquals(0, storedEventsFor(event));
        assertEquals(0, storedEventsFor(unknown));
    }

    // ------------------------------------------------------------------ transport errors

    @Test
    void refusesABodyOver256KiBWith413() {
        ObjectNode event = CadWebhook.event(FALL);
        ((ObjectNode) event.get("incident").get("clinical")).put("notes", "x".repeat(262_144));
        CadWebhook.post(event).then().statusCode(413).contentType("application/problem+json");
        assertEquals(0, storedEventsFor(event));
    }

    @Test
    void refusesAnythingButJsonWith415() {
        ObjectNode event = CadWebhook.event(FALL);
        byte[] body = CadWebhook.bytes(event);
        String signature = WebhookSignature.sign(SECRET, Instant.now(), body);
        for (String type : new String[] { "text/plain", "application/xml", "application/json; charset=latin1" }) {
            given().contentType(type).header(WebhookSignature.HEADER, signature).body(body).post("/cad/v1/events")
                    .then().statusCode(415).contentType("application/problem+json");
        }
        assertEquals(0, storedEventsFor(event));
    }

    @Test
    void answersMalformedJsonWith400() {
        String body = "{\"eventId\": \"abc\", ";
        CadWebhook.postSigned(body, WebhookSignature.sign(SECRET, Instant.now(), body.getBytes(StandardCharsets.UTF_8)))
                .then().statusCode(400).contentType("application/problem+json")
                .body("title", equalTo("Malformed JSON"));
        String duplicateKeys = "{\"eventId\": \"a\", \"eventId\": \"b\"}";
        CadWebhook.postSigned(duplicateKeys,
                WebhookSignature.sign(SECRET, Instant.now(), duplicateKeys.getBytes(StandardCharsets.UTF_8)))
                .then().statusCode(400).body("detail", containsString("Duplicate"));
    }

    // ------------------------------------------------------------------ contract rules (422)

    @Test
    void listsEveryBrokenRuleByJsonPointer() {
        ObjectNode event = CadWebhook.event(FALL);
        event.put("eventType", "incident.exploded");
        event.put("occurredAt", "yesterday");
        ObjectNode incident = (ObjectNode) event.get("incident");
        incident.put("category", "C9");
        incident.put("dispatchState", "lost");
        incident.put("origin", "112");
        ((ObjectNode) incident.get("clinical")).put("news2", 21);
        ((ObjectNode) incident.get("clinical")).put("clinicalFrailtyScale", "six");
        ((ObjectNode) incident.get("location")).put("postcode", "NOT A POSTCODE");
        ((ObjectNode) incident.get("patient")).put("gender", "robot");

        CadWebhook.post(event).then().statusCode(422)
                .contentType("application/problem+json")
                .body("errors", hasSize(9))
                .body("errors.pointer", hasItems("/eventType", "/occurredAt", "/incident/category",
                        "/incident/dispatchState", "/incident/origin", "/incident/clinical/news2",
                        "/incident/clinical/clinicalFrailtyScale", "/incident/location/postcode",
                        "/incident/patient/gender"));
        assertEquals(0, storedEventsFor(event));
        assertEquals(0, referralsFor(event));
    }

    @Test
    void namesMissingRequiredFields() {
        ObjectNode event = CadWebhook.event(FALL);
        event.remove("eventId");
        ObjectNode incident = (ObjectNode) event.get("incident");
        incident.remove("receivedAt");
        incident.remove("location");
        CadWebhook.post(event).then().statusCode(422)
                .body("errors.pointer", hasItems("/eventId", "/incident/receivedAt", "/incident/location"))
                .body("errors.find { it.pointer == '/eventId' }.detail", equalTo("is required"));
    }

    @Test
    void refusesAnNhsNumberThatFailsTheModulus11Check() {
        ObjectNode event = CadWebhook.event(FALL);
        ((ObjectNode) event.get("incident").get("patient")).put("nhsNumber", "9434765918");
        CadWebhook.post(event).then().statusCode(422)
                .body("errors[0].pointer", equalTo("/incident/patient/nhsNumber"))
                .body("errors[0].detail", containsString("modulus 11"));
        assertEquals(0, referralsFor(event));
    }

    @Test
    void acceptsAnUnknownPatientWithANameAndAnEstimatedAge() {
        ObjectNode event = CadWebhook.event(FALL);
        ObjectNode patient = (ObjectNode) event.get("incident").get("patient");
        patient.remove("nhsNumber");
        patient.remove("birthDate");
        patient.put("estimatedAge", 80);
        CadWebhook.post(event).then().statusCode(202);
    }

    @Test
    void refusesAPatientWhoCannotBeIdentifiedSafely() {
        ObjectNode event = CadWebhook.event(FALL);
        ObjectNode patient = (ObjectNode) event.get("incident").get("patient");
        patient.remove("nhsNumber");
        patient.remove("birthDate");
        CadWebhook.post(event).then().statusCode(422)
                .body("errors[0].pointer", equalTo("/incident/patient"));
    }

    @Test
    void needsAPostcodeOrCoordinatesForRouting() {
        ObjectNode event = CadWebhook.event(FALL);
        ObjectNode location = (ObjectNode) event.get("incident").get("location");
        location.remove("postcode");
        location.remove("longitude");
        CadWebhook.post(event).then().statusCode(422)
                .body("errors[0].pointer", equalTo("/incident/location/longitude"));
        location.remove("latitude");
        CadWebhook.post(event).then().statusCode(422)
                .body("errors[0].pointer", equalTo("/incident/location"));
    }

    @Test
    void refusesACrewOnAnIncidentThatIsNotDispatched() {
        ObjectNode event = CadWebhook.event(FALL);
        ((ObjectNode) event.get("incident")).putObject("crew").put("callSign", "KM12");
        CadWebhook.post(event).then().statusCode(422)
                .body("errors[0].pointer", equalTo("/incident/crew"));
    }

    @Test
    void refusesAPlainHttpCallbackOnlyOutsideDevelopmentProfiles() {
        ObjectNode event = CadWebhook.event(FALL);
        event.put("callbackUrl", "ftp://cad.example/hook");
        CadWebhook.post(event).then().statusCode(422).body("errors[0].pointer", equalTo("/callbackUrl"));
    }

    // ------------------------------------------------------------------ update, cancel, close, poll

    @Test
    void anUpdateChangesTheReferralAndItsBreachTime() {
        ObjectNode created = CadWebhook.event(FALL);
        String referralId = CadWebhook.post(created).then().statusCode(202).extract().path("referralId");
        long routed = awaitRouted(created);
        ObjectNode update = CadWebhook.follow(created, "incident.updated", Instant.now());
        ((ObjectNode) update.get("incident")).put("category", "C4");

        CadWebhook.post(update).then().statusCode(202).body("referralId", equalTo(referralId));

        poll(created).then().statusCode(200)
                .body("category", equalTo("C4"))
                .body("version", equalTo((int) routed + 1))
                // C4's target is 180 minutes after receipt.
                .body("breachAt", equalTo(CadWebhook.receivedAt(created).plus(Duration.ofMinutes(180)).toString()));
    }

    @Test
    void anUpdateOlderThanTheLastAppliedChangesNothing() {
        ObjectNode created = CadWebhook.event(FALL);
        CadWebhook.post(created).then().statusCode(202);
        long routed = awaitRouted(created);
        Instant occurred = Instant.parse(created.get("occurredAt").asText());
        ObjectNode newer = CadWebhook.follow(created, "incident.updated", occurred.plusSeconds(120));
        ((ObjectNode) newer.get("incident")).put("category", "C4");
        CadWebhook.post(newer).then().statusCode(202);
        ObjectNode older = CadWebhook.follow(created, "incident.updated", occurred.plusSeconds(60));
        ((ObjectNode) older.get("incident")).put("category", "C5");

        CadWebhook.post(older).then().statusCode(202);

        poll(created).then().body("category", equalTo("C4")).body("version", equalTo((int) routed + 1));
        assertEquals(3, TestDatabase.count("SELECT count(*) FROM cad_event WHERE incident_id = ?",
                created.at("/incident/incidentId").asText()));
    }

    @Test
    void aCancelWithdrawsTheReferral() {
        ObjectNode created = CadWebhook.event(FALL);
        CadWebhook.post(created).then().statusCode(202);
        ObjectNode cancel = CadWebhook.follow(created, "incident.cancelled", Instant.now());
        cancel.set("incident", cancel.objectNode().put("incidentId", created.at("/incident/incidentId").asText()));

        CadWebhook.post(cancel).then().statusCode(202).body("status", equalTo("cancelled"));

        poll(created).then().body("status", equalTo("cancelled"));
    }

    @Test
    void aCancelForAnIncidentTheHubNeverSawIsRefusedAndStoresNothing() {
        ObjectNode cancel = CadWebhook.event(FALL);
        cancel.put("eventType", "incident.cancelled");
        CadWebhook.post(cancel).then().statusCode(422)
                .body("errors[0].pointer", equalTo("/incident/incidentId"));
        assertEquals(0, storedEventsFor(cancel));
        assertEquals(0, referralsFor(cancel));
    }

    @Test
    void aCancelOfAnUnknownIncidentThatReusesAStoredEventIdIsAConflict() {
        ObjectNode created = CadWebhook.event(FALL);
        CadWebhook.post(created).then().statusCode(202);
        ObjectNode cancel = CadWebhook.event(FALL);
        cancel.put("eventType", "incident.cancelled");
        cancel.put("eventId", created.get("eventId").asText());

        CadWebhook.post(cancel).then().statusCode(409)
                .body("detail", containsString(created.get("eventId").asText()));
        assertEquals(1, storedEventsFor(created));
        assertEquals(0, referralsFor(cancel));
    }

    @Test
    void pollingAnswersOnlyTheCadThatOwnsTheIncident() {
        ObjectNode created = CadWebhook.event(FALL);
        String referralId = CadWebhook.post(created).then().statusCode(202).extract().path("referralId");

        poll(created).then().statusCode(200)
                .body("referralId", equalTo(referralId))
                .body("status", org.hamcrest.Matchers.oneOf("routing", "offered"))
                .body("serviceRequest", endsWith("/fhir/ServiceRequest/" + referralId));

        String path = "/cad/v1/incidents/" + CAD_SYSTEM + "/" + created.at("/incident/incidentId").asText();
        given().header(WebhookSignature.HEADER,
                WebhookSignature.sign("other-secret", Instant.now(), path.getBytes(StandardCharsets.UTF_8)))
                .get(path).then().statusCode(401);
        given().get(path).then().statusCode(401);
        String unknown = "/cad/v1/incidents/" + CAD_SYSTEM + "/NO-SUCH-INCIDENT";
        given().header(WebhookSignature.HEADER,
                WebhookSignature.sign(SECRET, Instant.now(), unknown.getBytes(StandardCharsets.UTF_8)))
                .get(unknown).then().statusCode(404).contentType("application/problem+json");
    }

    static Response poll(ObjectNode event) {
        String path = "/cad/v1/incidents/" + event.get("cadSystem").asText() + "/" + event.at("/incident/incidentId").asText();
        return given().header(WebhookSignature.HEADER,
                WebhookSignature.sign(SECRET, Instant.now(), path.getBytes(StandardCharsets.UTF_8))).get(path);
    }
}
