package org.rightcare.hub.delivery;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.rightcare.hub.cad.CadCallbackOutbox;
import org.rightcare.hub.cad.WebhookSignature;
import org.rightcare.hub.referral.Referral;
import org.rightcare.hub.testing.CadCallbacks;
import org.rightcare.hub.testing.CallbackReceiver;
import org.rightcare.hub.testing.CallbackReceiver.Answer;
import org.rightcare.hub.testing.CallbackReceiver.Received;
import org.rightcare.hub.testing.TestDatabase;
import org.rightcare.hub.testing.Tokens;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/** Dead letters: given up after the give-up time (3 s in tests), listed for operators, replayed, every replay recorded. */
@QuarkusTest
class DeadLetterResourceTest {

    private static final Duration WITHIN = Duration.ofSeconds(15);
    private static CallbackReceiver cad;

    @Inject
    CadCallbackOutbox outbox;

    @BeforeAll
    static void startReceiver() {
        cad = new CallbackReceiver();
    }

    @AfterAll
    static void stopReceiver() {
        cad.close();
    }

    private static String operatorToken() {
        return Tokens.issue("ops-alice", null, List.of("hub-admin"));
    }

    @Test
    void deadLettersACallbackAfterTheGiveUpTimeAndAnOperatorReplaysIt() {
        String marker = CadCallbacks.marker();
        cad.otherwise(marker, Answer.status(503));
        // OTHER-CAD's own queue: TEST-CAD's dead letters are every other test's too, more than one page of them.
        Referral referral = CadCallbacks.referral(CadCallbacks.OTHER_CAD, CadCallbacks.OTHER_SECRET, cad.url());
        CadCallbacks.enqueueCommitted(outbox, referral, CadCallbacks.offered(marker));

        CadCallbacks.awaitAllInState(marker, "dead", WITHIN);
        Map<String, Object> dead = CadCallbacks.outboxRows(marker).get(0);
        String id = dead.get("id").toString();
        Duration failingFor = Duration.between(((Timestamp) dead.get("created_at")).toInstant(),
                ((Timestamp) dead.get("dead_at")).toInstant());
        assertTrue(failingFor.compareTo(Duration.ofSeconds(3)) >= 0, "retried until the give-up time: " + failingFor);
        int attempts = cad.received(marker).size();
        assertTrue(attempts > 2, "retried with backoff before giving up: " + attempts + " attempts");

        JsonPath listed = given().auth().oauth2(operatorToken())
                .queryParam("channel", "cad-callback").queryParam("destination", CadCallbacks.OTHER_CAD)
                .queryParam("limit", 1000)
                .get("/admin/dead-letters")
                .then().statusCode(200).contentType("application/json")
                .body("total", greaterThanOrEqualTo(1))
                .extract().jsonPath();
        Map<String, Object> letter = listed.getMap("deadLetters.find { it.id == '" + id + "' }");
        assertNotNull(letter, "the dead letter is listed");
        assertEquals("cad-callback", letter.get("channel"));
        assertEquals(CadCallbacks.OTHER_CAD, letter.get("destination"));
        assertEquals(CadCallbacks.OTHER_CAD + "/" + referral.incidentId(), letter.get("orderingKey"));
        assertEquals(attempts, letter.get("attempts"));
        assertEquals("HTTP 503 Service Unavailable", letter.get("lastError"));
        assertNotNull(Instant.parse((String) letter.get("createdAt")));
        assertNotNull(Instant.parse((String) letter.get("deadAt")));
        assertFalse(letter.containsKey("payload"), "payloads (patient details, for provider deliveries) are never listed");
        assertFalse(letter.containsKey("url"));

        cad.otherwise(marker, Answer.status(200));
        given().auth().oauth2(operatorToken()).post("/admin/dead-letters/" + id + "/replay")
                .then().statusCode(202)
                .body("id", equalTo(id)).body("state", equalTo("pending"));

        CadCallbacks.awaitAllInState(marker, "delivered", WITHIN);
        List<Received> received = cad.received(marker);
        Received replayed = received.get(received.size() - 1);
        assertEquals(id, replayed.eventId(), "a replay is the same event: same eventId, so the CAD can drop a duplicate");
        WebhookSignature.Parsed signature = WebhookSignature.parse(replayed.signature()).orElseThrow();
        assertTrue(WebhookSignature.matches(signature, CadCallbacks.OTHER_SECRET, replayed.body()));
        assertTrue(WebhookSignature.isFresh(signature, Instant.now()), "signed afresh when replayed");

        List<Map<String, Object>> actions = CadCallbacks.rows("""
                SELECT actor, action, entity_type, outcome, detail::text AS detail FROM audit_event
                WHERE entity_id = ?""", id);
        assertEquals(1, actions.size());
        assertEquals("ops-alice", actions.get(0).get("actor"));
        assertEquals("dead-letter.replay", actions.get(0).get("action"));
        assertEquals("delivery", actions.get(0).get("entity_type"));
        assertEquals("success", actions.get(0).get("outcome"));
        String details = (String) actions.get(0).get("detail");
        assertTrue(details.contains("\"destination\": \"" + CadCallbacks.OTHER_CAD + "\"") && details.contains("HTTP 503"),
                details);

        // One audit trail: the auditor finds the replay where every other audited action is.
        JsonPath trail = given().auth().oauth2(Tokens.auditor()).accept("application/fhir+json")
                .get("/fhir/AuditEvent?entity=delivery/" + id).then().statusCode(200).extract().jsonPath();
        assertEquals(List.of("dead-letter.replay"), trail.getList("entry.resource.type.code"));
        assertEquals(List.of("ops-alice"), trail.getList("entry.resource.agent[0].altId"));
    }

    @Test
    void letsOnlyOperatorsListOrReplayAndRecordsNothingForOthers() {
        String id = deadLetterWithNowhereToGo();
        String provider = Tokens.provider("RXY");

        given().get("/admin/dead-letters").then().statusCode(401).contentType("application/problem+json");
        given().auth().oauth2(provider).get("/admin/dead-letters").then().statusCode(403)
                .contentType("application/problem+json");
        given().post("/admin/dead-letters/" + id + "/replay").then().statusCode(401);
        given().auth().oauth2(provider).post("/admin/dead-letters/" + id + "/replay").then().statusCode(403);

        assertEquals(List.of("dead"), CadCallbacks.rows("SELECT state FROM delivery_outbox WHERE id = ?::uuid", id)
                .stream().map(row -> row.get("state")).toList());
        assertEquals(0, TestDatabase.count("SELECT count(*) FROM audit_event WHERE entity_id = ?", id));
    }

    @Test
    void answersNotFoundForAnUnknownDeliveryAndConflictForOneThatIsNotDead() {
        given().auth().oauth2(operatorToken()).post("/admin/dead-letters/" + UUID.randomUUID() + "/replay")
                .then().statusCode(404).contentType("application/problem+json");
        given().auth().oauth2(operatorToken()).post("/admin/dead-letters/not-an-id/replay")
                .then().statusCode(404);

        String marker = CadCallbacks.marker();
        CadCallbacks.enqueueCommitted(outbox, CadCallbacks.referral(cad.url()), CadCallbacks.offered(marker));
        CadCallbacks.awaitAllInState(marker, "delivered", WITHIN);
        String delivered = CadCallbacks.outboxRows(marker).get(0).get("id").toString();
        given().auth().oauth2(operatorToken()).post("/admin/dead-letters/" + delivered + "/replay")
                .then().statusCode(409).contentType("application/problem+json")
                .body("detail", containsString("delivered"));
        assertEquals(0, TestDatabase.count("SELECT count(*) FROM audit_event WHERE entity_id = ?", delivered));

        given().auth().oauth2(operatorToken()).queryParam("limit", 0).get("/admin/dead-letters")
                .then().statusCode(400).contentType("application/problem+json");
    }

    /** A callback to OTHER-CAD, which has no callback-url, for an incident that named none: dead at once. */
    private String deadLetterWithNowhereToGo() {
        String marker = CadCallbacks.marker();
        Referral referral = CadCallbacks.referral(CadCallbacks.OTHER_CAD, CadCallbacks.OTHER_SECRET, null);
        CadCallbacks.enqueueCommitted(outbox, referral, CadCallbacks.offered(marker));
        return CadCallbacks.outboxRows(marker).get(0).get("id").toString();
    }
}
