package org.rightcare.hub.intake;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;
import org.rightcare.hub.cad.WebhookSignature;
import org.rightcare.hub.testing.CadWebhook;
import org.rightcare.hub.testing.TestDatabase;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Nothing acknowledged is lost and nothing unacknowledged is stored: under concurrent load every 202 is backed by
 * exactly one stored event and its referral, racing deliveries of one event are stored once, and every refused
 * request leaves the database as it was.
 */
@QuarkusTest
class IntakeDurabilityTest {

    private static final String FALL = "incident-created.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource("/cad/v1/events")
    URL events;

    private record Answer(int status, String body) {
    }

    @Test
    void storesEachOfTwoHundredConcurrentEventsExactlyOnceWithItsReferral() throws Exception {
        String run = "burst-" + UUID.randomUUID();
        List<ObjectNode> sent = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            ObjectNode event = CadWebhook.event(FALL);
            event.put("eventId", run + "-" + i);
            sent.add(event);
        }

        List<Answer> answers = postConcurrently(sent.stream().map(CadWebhook::bytes).toList(), 32);

        Map<String, String> storedReferrals = storedReferralByEvent(run);
        for (int i = 0; i < sent.size(); i++) {
            String eventId = sent.get(i).get("eventId").asText();
            assertEquals(202, answers.get(i).status(), eventId + ": " + answers.get(i).body());
            assertEquals(JSON.readTree(answers.get(i).body()).get("referralId").asText(), storedReferrals.get(eventId),
                    eventId + " is stored with the referral its answer named");
        }
        assertEquals(200, storedReferrals.size());
        assertEquals(200, TestDatabase.count("SELECT count(DISTINCT referral_id) FROM cad_event WHERE event_id LIKE ?",
                run + "-%"));
    }

    @Test
    void storesRacingDeliveriesOfOneEventOnceAndGivesEachTheSameAnswer() throws Exception {
        String run = "race-" + UUID.randomUUID();
        List<byte[]> deliveries = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            ObjectNode event = CadWebhook.event(FALL);
            event.put("eventId", run + "-" + i);
            byte[] body = CadWebhook.bytes(event);
            for (int copy = 0; copy < 4; copy++) {
                deliveries.add(body);
            }
        }

        List<Answer> answers = postConcurrently(deliveries, 32);

        for (int i = 0; i < deliveries.size(); i += 4) {
            JsonNode first = JSON.readTree(answers.get(i).body());
            for (int copy = 0; copy < 4; copy++) {
                assertEquals(202, answers.get(i + copy).status(), answers.get(i + copy).body());
                assertEquals(first, JSON.readTree(answers.get(i + copy).body()));
            }
        }
        assertEquals(50, storedReferralByEvent(run).size());
        assertEquals(50, TestDatabase.count("""
                SELECT count(*) FROM referral r JOIN cad_event e ON e.referral_id = r.id
                WHERE e.event_id LIKE ? AND r.version = 1 + %s
                """.formatted(ROUTING_STEPS), run + "-%"), "a losing delivery leaves no trace on the referral either");
    }

    /**
     * The referral's version counts its own changes: one from intake, then one per routing step (each step stores a
     * decision and changes the referral in one commit). Anything more would be a refused or losing request's trace.
     */
    static final String ROUTING_STEPS = "(SELECT count(*) FROM routing_decision d WHERE d.referral_id = r.id)";

    @Test
    void storesNothingForAnyRequestItRefuses() {
        ObjectNode accepted = CadWebhook.event(FALL);
        CadWebhook.post(accepted).then().statusCode(202);
        long eventsBefore = TestDatabase.rows("cad_event");
        long referralsBefore = TestDatabase.rows("referral");

        Map<String, Integer> refused = new LinkedHashMap<>();
        ObjectNode fresh = CadWebhook.event(FALL);
        byte[] body = CadWebhook.bytes(fresh);
        String signature = WebhookSignature.sign(CadWebhook.SECRET, Instant.now(), body);
        refused.put("unsigned",
                given().contentType("application/json").body(body).post("/cad/v1/events").statusCode());
        refused.put("wrong secret",
                CadWebhook.postSigned(body, WebhookSignature.sign("wrong", Instant.now(), body)).statusCode());
        refused.put("stale signature", CadWebhook.postSigned(body,
                WebhookSignature.sign(CadWebhook.SECRET, Instant.now().minusSeconds(600), body)).statusCode());
        refused.put("another CAD's cadSystem",
                CadWebhook.post(with(fresh, e -> e.put("cadSystem", "OTHER-CAD"))).statusCode());
        refused.put("malformed JSON",
                CadWebhook.post("{\"eventId\":".getBytes(StandardCharsets.UTF_8)).statusCode());
        refused.put("not JSON", given().contentType("text/plain").header(WebhookSignature.HEADER, signature)
                .body(body).post("/cad/v1/events").statusCode());
        refused.put("too large", CadWebhook.post(with(fresh,
                e -> ((ObjectNode) e.at("/incident/clinical")).put("notes", "x".repeat(300_000)))).statusCode());
        refused.put("broken rule", CadWebhook.post(with(fresh,
                e -> ((ObjectNode) e.get("incident")).put("category", "C9"))).statusCode());
        refused.put("bad NHS number", CadWebhook.post(with(fresh,
                e -> ((ObjectNode) e.at("/incident/patient")).put("nhsNumber", "9434765918"))).statusCode());
        refused.put("cancel of an unknown incident", CadWebhook.post(with(fresh,
                e -> e.put("eventType", "incident.cancelled"))).statusCode());
        refused.put("eventId reused for another body", CadWebhook.post(with(accepted,
                e -> ((ObjectNode) e.get("incident")).put("category", "C1"))).statusCode());

        Map<String, Integer> expected = new LinkedHashMap<>();
        List.of("unsigned", "wrong secret", "stale signature", "another CAD's cadSystem").forEach(k -> expected.put(k, 401));
        expected.put("malformed JSON", 400);
        expected.put("not JSON", 415);
        expected.put("too large", 413);
        List.of("broken rule", "bad NHS number", "cancel of an unknown incident").forEach(k -> expected.put(k, 422));
        expected.put("eventId reused for another body", 409);
        assertEquals(expected, refused);
        assertEquals(eventsBefore, TestDatabase.rows("cad_event"), "no refused request stored an event");
        assertEquals(referralsBefore, TestDatabase.rows("referral"), "no refused request stored a referral");
        assertEquals(1, TestDatabase.count(
                "SELECT count(*) FROM referral r WHERE cad_system = ? AND incident_id = ? AND category = 'C3' AND version = 1 + "
                        + ROUTING_STEPS,
                CadWebhook.CAD_SYSTEM, accepted.at("/incident/incidentId").asText()),
                "the 409 changed nothing");
    }

    private List<Answer> postConcurrently(List<byte[]> bodies, int threads) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Callable<Answer>> posts = new ArrayList<>();
            for (byte[] body : bodies) {
                posts.add(() -> {
                    HttpResponse<String> response = http.send(CadWebhook.request(events.toURI(), body),
                            HttpResponse.BodyHandlers.ofString());
                    return new Answer(response.statusCode(), response.body());
                });
            }
            List<Answer> answers = new ArrayList<>();
            for (Future<Answer> answer : pool.invokeAll(posts)) {
                answers.add(answer.get());
            }
            return answers;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Each stored eventId of the run with the referral it is stored against; only referrals that exist count. */
    private static Map<String, String> storedReferralByEvent(String run) {
        Map<String, String> stored = new HashMap<>();
        for (String row : TestDatabase.strings("""
                SELECT e.event_id || ' ' || r.id FROM cad_event e
                JOIN referral r ON r.id = e.referral_id AND r.cad_system = e.cad_system AND r.incident_id = e.incident_id
                WHERE e.event_id LIKE ?
                """, run + "-%")) {
            String[] parts = row.split(" ");
            assertNull(stored.put(parts[0], parts[1]), parts[0] + " is stored twice");
        }
        return stored;
    }

    private static ObjectNode with(ObjectNode event, Consumer<ObjectNode> change) {
        ObjectNode copy = event.deepCopy();
        change.accept(copy);
        return copy;
    }
}
