package org.rightcare.hub.ops;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.rightcare.hub.cad.CadCallbackOutbox;
import org.rightcare.hub.metrics.DatabaseGauges;
import org.rightcare.hub.referral.Referral;
import org.rightcare.hub.testing.CadCallbacks;
import org.rightcare.hub.testing.CallbackReceiver;
import org.rightcare.hub.testing.TestDatabase;
import org.rightcare.hub.testing.Tokens;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * Pausing delivery to a destination: its deliveries wait in order (still counted in the queue gauges, flagged as
 * paused) and go out when it is resumed; each change recorded; bad requests refused, changing nothing.
 */
@QuarkusTest
class DestinationPauseApiTest {

    /** The second CAD system of the test profile: few other tests deliver to it. */
    private static final String DESTINATION = CadCallbacks.OTHER_CAD;

    @Inject
    CadCallbackOutbox outbox;

    @Inject
    DatabaseGauges gauges;

    @Test
    void aPausedDestinationsCallbacksWaitAndGoOutWhenItIsResumed() {
        try (CallbackReceiver cad = new CallbackReceiver()) {
            Referral referral = CadCallbacks.referral(DESTINATION, CadCallbacks.OTHER_SECRET, cad.url());
            long actionsBefore = actions();
            pause("{\"reason\": \"receiver maintenance until 03:00\"}").then().statusCode(200)
                    .body("destination", equalTo(DESTINATION)).body("pausedBy", equalTo("ops-carol"))
                    .body("reason", equalTo("receiver maintenance until 03:00"));
            // Pausing again changes nothing and records nothing: the pause in force is returned.
            pause("{\"reason\": \"another reason\"}").then().statusCode(200)
                    .body("reason", equalTo("receiver maintenance until 03:00"));
            assertEquals(actionsBefore + 1, actions());

            String marker = CadCallbacks.marker();
            CadCallbacks.enqueueCommitted(outbox, referral, CadCallbacks.offered(marker), CadCallbacks.accepted(marker));
            // The commit wakes this replica's dispatcher at once; give it and the poll time to (wrongly) send.
            Awaitility.await("nothing sent to a paused destination").during(Duration.ofMillis(1500))
                    .atMost(Duration.ofSeconds(3)).until(() -> cad.received(marker).isEmpty());
            assertEquals(List.of("pending", "pending"), CadCallbacks.states(marker));

            gauges.collect().await().atMost(Duration.ofSeconds(10));
            String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
            assertTrue(metrics.contains("rightcare_delivery_endpoint_paused{destination=\"" + DESTINATION + "\"} 1.0"),
                    metrics.lines().filter(line -> line.contains("paused")).toList().toString());
            double depth = metrics.lines()
                    .filter(line -> line.startsWith("rightcare_delivery_queue_depth{destination=\"" + DESTINATION + "\"}"))
                    .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                    .findFirst().orElse(0);
            assertTrue(depth >= 2, "the paused backlog is counted: " + depth);

            JsonPath listed = given().auth().oauth2(operatorToken()).get("/admin/destinations")
                    .then().statusCode(200).extract().jsonPath();
            Map<String, Object> state = listed.getList("", Map.class).stream()
                    .map(entry -> (Map<String, Object>) entry)
                    .filter(entry -> DESTINATION.equals(entry.get("destination"))).findFirst().orElseThrow();
            assertTrue(((Number) state.get("pending")).longValue() >= 2, state.toString());
            assertEquals("ops-carol", ((Map<?, ?>) state.get("pause")).get("pausedBy"));

            given().auth().oauth2(operatorToken()).delete("/admin/destinations/" + DESTINATION + "/pause")
                    .then().statusCode(200).body("reason", equalTo("receiver maintenance until 03:00"));
            List<CallbackReceiver.Received> sent = cad.awaitCount(marker, 2, Duration.ofSeconds(15));
            assertEquals(List.of("offered", "accepted"), sent.stream().map(r -> r.json().path("status").asText()).toList(),
                    "in the order they were queued");
            assertEquals(actionsBefore + 2, actions());
            assertEquals("receiver maintenance until 03:00", TestDatabase.text("""
                    SELECT detail ->> 'reason' FROM audit_event
                    WHERE entity_id = ? AND action = 'destination.resume' ORDER BY at DESC LIMIT 1""", DESTINATION));
            gauges.collect().await().atMost(Duration.ofSeconds(10));
            assertTrue(given().get("/q/metrics").then().extract().asString()
                    .contains("rightcare_delivery_endpoint_paused{destination=\"" + DESTINATION + "\"} 0.0"));
        } finally {
            TestDatabase.execute("DELETE FROM paused_destination WHERE destination = ?", DESTINATION);
        }
    }

    @Test
    void refusesUnknownDestinationsAndBadBodiesChangingNothing() {
        long actionsBefore = TestDatabase
                .count("SELECT count(*) FROM audit_event WHERE entity_type IN ('destination', 'delivery')");
        long pausedBefore = TestDatabase.rows("paused_destination");
        given().auth().oauth2(operatorToken()).contentType("application/json").body("{\"reason\": \"x\"}")
                .put("/admin/destinations/NO-SUCH-CAD/pause").then().statusCode(404);
        pause("{not json").then().statusCode(400);
        pause("").then().statusCode(400);
        pause("{}").then().statusCode(422);
        pause("{\"reason\": \"  \"}").then().statusCode(422);
        pause("{\"reason\": 5}").then().statusCode(422);
        pause("{\"reason\": \"" + "x".repeat(501) + "\"}").then().statusCode(422);
        pause("{\"reason\": \"ok\", \"until\": \"tomorrow\"}").then().statusCode(422);
        given().auth().oauth2(operatorToken()).delete("/admin/destinations/" + DESTINATION + "/pause")
                .then().statusCode(409);
        given().auth().oauth2(operatorToken()).delete("/admin/destinations/NO-SUCH-CAD/pause")
                .then().statusCode(404);
        assertEquals(actionsBefore,
                TestDatabase.count("SELECT count(*) FROM audit_event WHERE entity_type IN ('destination', 'delivery')"));
        assertEquals(pausedBefore, TestDatabase.rows("paused_destination"));
    }

    @Test
    void onlyOperatorsMayPauseOrResume() {
        given().auth().oauth2(Tokens.provider("RYY")).contentType("application/json").body("{\"reason\": \"x\"}")
                .put("/admin/destinations/" + DESTINATION + "/pause").then().statusCode(403);
        given().auth().oauth2(Tokens.provider("RYY")).delete("/admin/destinations/" + DESTINATION + "/pause")
                .then().statusCode(403);
        given().auth().oauth2(Tokens.provider("RYY")).get("/admin/destinations").then().statusCode(403);
        assertEquals(0, TestDatabase.rows("paused_destination"));
    }

    private static io.restassured.response.Response pause(String body) {
        return given().auth().oauth2(operatorToken()).contentType("application/json").body(body)
                .put("/admin/destinations/" + DESTINATION + "/pause");
    }

    private static String operatorToken() {
        return Tokens.issue("ops-carol", null, List.of("hub-admin"));
    }

    private static long actions() {
        return TestDatabase.count("SELECT count(*) FROM audit_event WHERE entity_type = 'destination' AND entity_id = ?",
                DESTINATION);
    }
}
