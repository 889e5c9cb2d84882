package org.rightcare.hub.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.rightcare.hub.metrics.HubMetrics;
import org.rightcare.hub.testing.CadWebhook;
import org.rightcare.hub.testing.TestDatabase;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * Intake's group commit, with a window long enough (3 s) that the events each test posts together share one batch:
 * each is answered with its own outcome, only after the commit that holds it; an incident's events keep their order;
 * a replay or a conflicting event in the batch gets the answer it would get alone without failing its neighbours; a
 * stopping hub stores the waiting batch at once. (An outage under a batch is in {@link DatabaseDownTest}, which alone
 * may stop the database.)
 */
@QuarkusTest
@TestProfile(GroupCommitTest.LongWindow.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GroupCommitTest {

    public static class LongWindow implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("hub.intake.group-commit.window", "3s", "hub.intake.group-commit.max-events", "1000");
        }
    }

    private static final String FALL = "incident-created.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource("/cad/v1/events")
    URL events;

    @Inject
    MeterRegistry registry;

    @Inject
    GroupCommit groupCommit;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    @Order(1)
    void storesNewIncidentsThatArriveTogetherInOneCommitAndAnswersEachWithItsOwnReferral() throws Exception {
        double eventsBefore = batches().totalAmount();
        long batchesBefore = batches().count();
        List<ObjectNode> sent = new ArrayList<>();
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ObjectNode event = CadWebhook.event(FALL);
            sent.add(event);
            answers.add(send(event));
        }

        HashSet<String> referralIds = new HashSet<>();
        for (int i = 0; i < sent.size(); i++) {
            HttpResponse<String> answer = answers.get(i).get(30, TimeUnit.SECONDS);
            assertEquals(202, answer.statusCode(), answer.body());
            String referralId = JSON.readTree(answer.body()).get("referralId").asText();
            referralIds.add(referralId);
            assertEquals(1, TestDatabase.count("""
                    SELECT count(*) FROM cad_event e JOIN referral r ON r.id = e.referral_id
                    WHERE e.event_id = ? AND r.id = ?::uuid AND r.incident_id = ?
                    """, sent.get(i).get("eventId").asText(), referralId, sent.get(i).at("/incident/incidentId").asText()),
                    "each answer names the referral stored with its own event");
        }
        assertEquals(10, referralIds.size());
        assertEquals(10, batches().totalAmount() - eventsBefore, 0.0);
        assertTrue(batches().count() - batchesBefore <= 2, "posted within one window, stored by one or two commits");
    }

    @Test
    @Order(2)
    void aSecondDeliveryOfAnEventInTheSameBatchGetsTheSameAnswerAndDoesNoNewWork() throws Exception {
        ObjectNode event = CadWebhook.event(FALL);
        byte[] body = CadWebhook.bytes(event);
        CompletableFuture<HttpResponse<String>> first = send(body);
        CompletableFuture<HttpResponse<String>> second = send(body);
        List<CompletableFuture<HttpResponse<String>>> neighbours = List.of(send(CadWebhook.event(FALL)),
                send(CadWebhook.event(FALL)));

        JsonNode firstAnswer = accepted(first);
        assertEquals(firstAnswer, accepted(second));
        for (CompletableFuture<HttpResponse<String>> neighbour : neighbours) {
            accepted(neighbour);
        }
        String incidentId = event.at("/incident/incidentId").asText();
        assertEquals(1, TestDatabase.count("SELECT count(*) FROM cad_event WHERE event_id = ?",
                event.get("eventId").asText()));
        assertEquals(1, TestDatabase.count("""
                SELECT count(*) FROM referral r WHERE incident_id = ? AND version = 1 + %s
                """.formatted(IntakeDurabilityTest.ROUTING_STEPS), incidentId), "the replay changed nothing");
    }

    @Test
    @Order(3)
    void storesAnIncidentsEventsInTheOrderTheyArrivedWithinOneBatch() throws Exception {
        ObjectNode created = CadWebhook.event(FALL);
        ObjectNode updated = CadWebhook.follow(created, "incident.updated", Instant.now().plusSeconds(1));
        ((ObjectNode) updated.get("incident")).put("category", "C4");
        ObjectNode cancelled = CadWebhook.follow(created, "incident.cancelled", Instant.now().plusSeconds(2));
        cancelled.set("incident", cancelled.objectNode().put("incidentId", created.at("/incident/incidentId").asText()));

        CompletableFuture<HttpResponse<String>> createdAnswer = send(created);
        Thread.sleep(100);
        CompletableFuture<HttpResponse<String>> updatedAnswer = send(updated);
        Thread.sleep(100);
        CompletableFuture<HttpResponse<String>> cancelledAnswer = send(cancelled);

        String referralId = accepted(createdAnswer).get("referralId").asText();
        assertEquals(referralId, accepted(updatedAnswer).get("referralId").asText());
        JsonNode cancel = accepted(cancelledAnswer);
        assertEquals(referralId, cancel.get("referralId").asText(), "the cancel found the referral its incident made");
        assertEquals("cancelled", cancel.get("status").asText());
        assertEquals("C4", TestDatabase.text("SELECT category FROM referral WHERE id = ?::uuid", referralId));
        assertEquals(3, TestDatabase.count("SELECT count(*) FROM cad_event WHERE referral_id = ?::uuid", referralId));
    }

    @Test
    @Order(4)
    void anEventIdUsedBeforeIsRefusedWithoutFailingTheRestOfItsBatch() throws Exception {
        ObjectNode stored = CadWebhook.event(FALL);
        accepted(send(stored));
        ObjectNode reused = CadWebhook.event(FALL);
        reused.put("eventId", stored.get("eventId").asText());
        List<ObjectNode> fresh = List.of(CadWebhook.event(FALL), CadWebhook.event(FALL), CadWebhook.event(FALL));

        List<CompletableFuture<HttpResponse<String>>> freshAnswers = new ArrayList<>();
        freshAnswers.add(send(fresh.get(0)));
        CompletableFuture<HttpResponse<String>> reusedAnswer = send(reused);
        freshAnswers.add(send(fresh.get(1)));
        freshAnswers.add(send(fresh.get(2)));

        assertEquals(409, reusedAnswer.get(30, TimeUnit.SECONDS).statusCode());
        for (int i = 0; i < fresh.size(); i++) {
            accepted(freshAnswers.get(i));
            assertEquals(1, TestDatabase.count("SELECT count(*) FROM cad_event WHERE event_id = ?",
                    fresh.get(i).get("eventId").asText()));
        }
        assertEquals(0, TestDatabase.count("SELECT count(*) FROM referral WHERE incident_id = ?",
                reused.at("/incident/incidentId").asText()), "the refused event left no referral");
    }

    /** Last: a stopped group commit gathers no more (it stores each new incident at once). */
    @Test
    @Order(5)
    void storesTheWaitingBatchAtOnceWhenTheHubStops() throws Exception {
        ObjectNode event = CadWebhook.event(FALL);
        CompletableFuture<HttpResponse<String>> answer = send(event);
        Thread.sleep(300);
        assertFalse(answer.isDone(), "the event waits in its batch");

        groupCommit.stop(null);

        // Well before the 3 s window would have ended.
        assertEquals(202, answer.get(1, TimeUnit.SECONDS).statusCode());
        assertEquals(1, TestDatabase.count("SELECT count(*) FROM cad_event WHERE event_id = ?",
                event.get("eventId").asText()));
    }

    private DistributionSummary batches() {
        DistributionSummary summary = registry.find(HubMetrics.GROUP_COMMIT_EVENTS).summary();
        return summary != null ? summary
                : DistributionSummary.builder(HubMetrics.GROUP_COMMIT_EVENTS).register(registry);
    }

    private static JsonNode accepted(CompletableFuture<HttpResponse<String>> answer) throws Exception {
        HttpResponse<String> response = answer.get(30, TimeUnit.SECONDS);
        assertEquals(202, response.statusCode(), response.body());
        return JSON.readTree(response.body());
    }

    private CompletableFuture<HttpResponse<String>> send(ObjectNode event) {
        return send(CadWebhook.bytes(event));
    }

    private CompletableFuture<HttpResponse<String>> send(byte[] body) {
        try {
            return http.sendAsync(CadWebhook.request(events.toURI(), body), HttpResponse.BodyHandlers.ofString());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
