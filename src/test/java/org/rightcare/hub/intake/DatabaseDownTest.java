package org.rightcare.hub.intake;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.awaitility.Awaitility;
import org.hamcrest.Matchers;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.rightcare.hub.testing.CadWebhook;
import org.rightcare.hub.testing.HubTestResources;
import org.rightcare.hub.testing.LogCapture;
import org.rightcare.hub.testing.TestDatabase;
import org.rightcare.hub.testing.Tokens;

import com.fasterxml.jackson.databind.node.ObjectNode;

import ca.uhn.fhir.context.FhirContext;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * The database goes away and comes back. The suite's own embedded PostgreSQL is stopped and started again on its
 * port with its data, so the hub meets a real outage: dropped connections, then refused ones. While it lasts, the
 * hub acknowledges nothing (503 with Retry-After, the CAD retries) and says it is not ready; afterwards the retried
 * events are stored once each.
 */
@QuarkusTest
class DatabaseDownTest {

    private static final String FALL = "incident-created.json";

    @TestHTTPResource("/cad/v1/events")
    URL events;

    @AfterEach
    void bringTheDatabaseBack() {
        HubTestResources.startDatabase();
        awaitReadiness();
    }

    @Test
    void refusesAnEventWith503WhileTheDatabaseIsDownAndStoresItOnceWhenRetried() {
        ObjectNode event = CadWebhook.event(FALL);
        byte[] body = CadWebhook.bytes(event);

        HubTestResources.stopDatabase();
        for (int attempt = 0; attempt < 3; attempt++) {
            CadWebhook.post(body).then().statusCode(503)
                    .contentType("application/problem+json")
                    .header("Retry-After", notNullValue())
                    .body("status", equalTo(503));
        }
        HubTestResources.startDatabase();
        awaitReadiness();

        CadWebhook.post(body).then().statusCode(202);
        CadWebhook.post(body).then().statusCode(202);
        assertEquals(1, TestDatabase.count("SELECT count(*) FROM cad_event WHERE cad_system = ? AND event_id = ?",
                CadWebhook.CAD_SYSTEM, event.get("eventId").asText()));
        assertEquals(1, TestDatabase.count("SELECT count(*) FROM referral WHERE cad_system = ? AND incident_id = ?",
                CadWebhook.CAD_SYSTEM, event.at("/incident/incidentId").asText()));
    }

    /**
     * New incidents posted together wait in one group commit: when its statement meets the outage, every one of them is
     * answered 503, none 202, and each is stored once when the CAD retries it.
     */
    @Test
    void answers503ToEveryNewIncidentOfABatchThatMeetsTheOutage() throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        Map<String, byte[]> bodies = new LinkedHashMap<>();
        for (int i = 0; i < 6; i++) {
            ObjectNode event = CadWebhook.event(FALL);
            bodies.put(event.get("eventId").asText(), CadWebhook.bytes(event));
        }

        HubTestResources.stopDatabase();
        List<CompletableFuture<HttpResponse<Void>>> answers = new ArrayList<>();
        for (byte[] body : bodies.values()) {
            answers.add(http.sendAsync(CadWebhook.request(events.toURI(), body), HttpResponse.BodyHandlers.discarding()));
        }
        for (CompletableFuture<HttpResponse<Void>> answer : answers) {
            assertEquals(503, answer.get(60, TimeUnit.SECONDS).statusCode());
        }
        HubTestResources.startDatabase();
        awaitReadiness();

        for (Map.Entry<String, byte[]> event : bodies.entrySet()) {
            CadWebhook.post(event.getValue()).then().statusCode(202);
            assertEquals(1, TestDatabase.count("SELECT count(*) FROM cad_event WHERE cad_system = ? AND event_id = ?",
                    CadWebhook.CAD_SYSTEM, event.getKey()));
        }
    }

    /**
     * An outage is an event of the environment, handled: a WARN when it starts and an INFO when it ends, with counts,
     * and no ERROR or stack trace from the sweeps, the dispatcher, the connection pool or the requests that met it
     * meanwhile. (Connections that died with the old server may open and close one more short outage as they fail.)
     */
    @Test
    void logsAnOutageInAFewLinesWithoutErrors() {
        byte[] body = CadWebhook.bytes(CadWebhook.event(FALL));
        try (LogCapture logs = new LogCapture()) {
            HubTestResources.stopDatabase();
            for (int attempt = 0; attempt < 5; attempt++) {
                CadWebhook.post(body).then().statusCode(503);
            }
            // The sweeps (every second or faster in tests) meet the outage several times.
            Awaitility.await().pollDelay(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(10)).until(() -> true);
            HubTestResources.startDatabase();
            awaitReadiness();
            CadWebhook.post(body).then().statusCode(202);
            Awaitility.await("the outage's end logged").atMost(Duration.ofSeconds(30))
                    .until(() -> outageLines(logs).stream().anyMatch(line -> line.level().intValue() == INFO));
            // Whatever else the restart brings has time to show.
            Awaitility.await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> true);

            List<LogCapture.Line> lines = logs.lines();
            assertEquals(List.of(), lines.stream().filter(line -> line.level().intValue() >= ERROR)
                    .map(LogCapture.Line::text).toList(), "no ERROR for an outage");
            List<LogCapture.Line> outage = outageLines(logs);
            assertTrue(outage.size() <= 4, outage.toString());
            assertEquals(INFO, outage.get(outage.size() - 1).level().intValue(), "it ends with the database back");
            List<String> otherDatabaseWarnings = lines.stream()
                    .filter(line -> line.level().intValue() == WARN && !line.logger().endsWith("DatabaseOutage"))
                    .map(LogCapture.Line::text)
                    // Deliveries to the tests' unreachable CAD (port 9) fail whatever the database does.
                    .filter(text -> (text.contains("onnection") || text.contains("Pool") || text.contains("atabase"))
                            && !text.contains("127.0.0.1:9"))
                    .toList();
            assertTrue(otherDatabaseWarnings.size() <= 2, otherDatabaseWarnings.toString());
        }
    }

    private static final int INFO = java.util.logging.Level.INFO.intValue();
    private static final int WARN = java.util.logging.Level.WARNING.intValue();
    private static final int ERROR = java.util.logging.Level.SEVERE.intValue();

    private static List<LogCapture.Line> outageLines(LogCapture logs) {
        return logs.lines().stream().filter(line -> line.logger().endsWith("DatabaseOutage")).toList();
    }

    @Test
    void isNotReadyWhileTheDatabaseIsDownButStaysAlive() {
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));

        HubTestResources.stopDatabase();

        given().get("/q/health/ready").then().statusCode(503).body("status", equalTo("DOWN"));
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void answersFhirReadsWith503OperationOutcomeWhileTheDatabaseIsDown() {
        String referralId = CadWebhook.post(CadWebhook.event(FALL)).then().statusCode(202).extract()
                .path("referralId");
        String token = Tokens.provider("RXY");

        HubTestResources.stopDatabase();
        Response read = given().auth().oauth2(token).get("/fhir/ServiceRequest/" + referralId);

        read.then().statusCode(503).contentType(startsWith("application/fhir+json"))
                .header("Retry-After", notNullValue());
        OperationOutcome outcome = FhirContext.forR4Cached().newJsonParser()
                .parseResource(OperationOutcome.class, read.asString());
        assertEquals(OperationOutcome.IssueType.TRANSIENT, outcome.getIssueFirstRep().getCode());
    }

    /**
     * CADs keep posting while the database stops under them. Every event the hub acknowledged is stored with its
     * referral; every other one was answered 503 (never another status), and its retry is stored exactly once.
     */
    @Test
    void losesNoAcknowledgedEventWhenTheDatabaseStopsMidStream() throws Exception {
        String run = "outage-" + UUID.randomUUID();
        Map<String, byte[]> sent = new ConcurrentHashMap<>();
        Map<String, Integer> answers = new ConcurrentHashMap<>();
        AtomicInteger acknowledged = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        AtomicInteger sequence = new AtomicInteger();
        AtomicBoolean posting = new AtomicBoolean(true);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

        ExecutorService cads = Executors.newFixedThreadPool(8);
        for (int i = 0; i < 8; i++) {
            cads.submit(() -> {
                while (posting.get()) {
                    ObjectNode event = CadWebhook.event(FALL);
                    String eventId = run + "-" + sequence.incrementAndGet();
                    event.put("eventId", eventId);
                    byte[] body = CadWebhook.bytes(event);
                    sent.put(eventId, body);
                    int status = http.send(CadWebhook.request(events.toURI(), body), HttpResponse.BodyHandlers.discarding())
                            .statusCode();
                    answers.put(eventId, status);
                    (status == 202 ? acknowledged : refused).incrementAndGet();
                }
                return null;
            });
        }
        awaitCount(acknowledged, 50);
        HubTestResources.stopDatabase();
        int refusedBefore = refused.get();
        awaitCount(refused, refusedBefore + 20);
        posting.set(false);
        cads.shutdown();
        assertTrue(cads.awaitTermination(60, TimeUnit.SECONDS));
        HubTestResources.startDatabase();
        awaitReadiness();

        Set<String> statuses = new HashSet<>();
        answers.values().forEach(s -> statuses.add(String.valueOf(s)));
        assertEquals(Set.of("202", "503"), statuses, "every answer is 202 or 503");
        List<String> acknowledgedIds = answers.entrySet().stream().filter(e -> e.getValue() == 202)
                .map(Map.Entry::getKey).toList();
        assertTrue(storedWithReferral(run).containsAll(acknowledgedIds), "an acknowledged event was lost");

        // The CAD retries what was refused, with the same bytes.
        List<String> retried = new ArrayList<>();
        for (Map.Entry<String, Integer> answer : answers.entrySet()) {
            if (answer.getValue() != 202) {
                CadWebhook.post(sent.get(answer.getKey())).then().statusCode(202);
                retried.add(answer.getKey());
            }
        }
        assertEquals(answers.size(), acknowledgedIds.size() + retried.size());
        List<String> stored = storedWithReferral(run);
        assertEquals(answers.size(), stored.size(), "each event stored exactly once");
        assertEquals(answers.keySet(), new HashSet<>(stored));
    }

    /** The eventIds of the run that are stored, each joined to the referral of its incident. */
    private static List<String> storedWithReferral(String run) {
        return TestDatabase.strings("""
                SELECT e.event_id FROM cad_event e
                JOIN referral r ON r.id = e.referral_id AND r.cad_system = e.cad_system AND r.incident_id = e.incident_id
                WHERE e.cad_system = ? AND e.event_id LIKE ?
                """, CadWebhook.CAD_SYSTEM, run + "-%");
    }

    private static void awaitCount(AtomicInteger counter, int target) {
        Awaitility.await(target + " answers").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(5))
                .untilAtomic(counter, Matchers.greaterThanOrEqualTo(target));
    }

    private static void awaitReadiness() {
        Awaitility.await("the hub ready after the database came back").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100)).until(() -> given().get("/q/health/ready").statusCode() == 200);
    }
}
