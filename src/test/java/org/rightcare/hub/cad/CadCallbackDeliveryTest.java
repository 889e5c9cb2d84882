package org.rightcare.hub.cad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rightcare.hub.testing.CadCallbacks.OTHER_CAD;
import static org.rightcare.hub.testing.CadCallbacks.OTHER_SECRET;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.rightcare.hub.referral.Referral;
import org.rightcare.hub.referral.ReferralStatus;
import org.rightcare.hub.testing.CadCallbackSchema;
import org.rightcare.hub.testing.CadCallbacks;
import org.rightcare.hub.testing.CadWebhook;
import org.rightcare.hub.testing.CallbackReceiver;
import org.rightcare.hub.testing.CallbackReceiver.Answer;
import org.rightcare.hub.testing.CallbackReceiver.Happening;
import org.rightcare.hub.testing.CallbackReceiver.Received;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;

/**
 * CAD callbacks from the outbox to a real HTTP receiver, as contract v1's "Outbound: hub -> CAD" says. Each test
 * marks its callbacks (a service id) and looks only at those; every callback the receiver gets, anyone's, must
 * conform to the published callback schema.
 */
@QuarkusTest
class CadCallbackDeliveryTest {

    private static final Duration WITHIN = Duration.ofSeconds(10);
    private static CallbackReceiver cad;

    @Inject
    CadCallbackOutbox outbox;

    @BeforeAll
    static void startReceiver() {
        cad = new CallbackReceiver();
    }

    /** How many of the receiver's callbacks have been checked against the schema. */
    private static int checked;

    @AfterAll
    static void stopReceiver() {
        try {
            everyCallbackReceivedConformsToTheSchema();
        } finally {
            cad.close();
        }
    }

    @AfterEach
    void everyCallbackSoFarConformsToTheSchema() {
        everyCallbackReceivedConformsToTheSchema();
    }

    private static void everyCallbackReceivedConformsToTheSchema() {
        List<Received> all = cad.all();
        for (Received callback : all.subList(checked, all.size())) {
            assertEquals(List.of(), CadCallbackSchema.problems(callback.text()), callback.text());
        }
        checked = all.size();
    }

    @Test
    void deliversASignedCallbackWithTheContractBodyAsSoonAsTheTransactionCommits() {
        String marker = CadCallbacks.marker();
        Referral referral = CadCallbacks.referral(cad.url());
        Instant rejectedAt = Instant.parse("2026-11-22T14:20:00Z");

        long committed = System.nanoTime();
        CadCallbacks.enqueueCommitted(outbox, referral, CadCallbacks.sentBack(marker, rejectedAt));
        Received callback = cad.awaitCount(marker, 1, WITHIN).get(0);

        // The poll interval in tests is 5 s: only the commit's own wake-up gets it there this fast.
        assertTrue(Duration.ofNanos(callback.receivedNanos() - committed).compareTo(Duration.ofMillis(1500)) < 0,
                "the callback went out on commit, not on a poll tick");
        assertEquals("application/json", callback.contentType());
        WebhookSignature.Parsed signature = WebhookSignature.parse(callback.signature()).orElseThrow();
        assertTrue(WebhookSignature.matches(signature, CadWebhook.SECRET, callback.body()),
                "signed with TEST-CAD's secret over the bytes sent");
        assertTrue(WebhookSignature.isFresh(signature, Instant.now()));

        JsonNode body = callback.json();
        List<String> fields = new ArrayList<>();
        body.fieldNames().forEachRemaining(fields::add);
        assertEquals(List.of("eventId", "eventType", "occurredAt", "cadSystem", "incidentId", "referralId",
                "serviceRequest", "status", "service", "reason", "attempts"), fields);
        UUID eventId = UUID.fromString(body.get("eventId").asText());
        assertEquals("referral.sent-back", body.get("eventType").asText());
        Instant occurredAt = Instant.parse(body.get("occurredAt").asText());
        assertTrue(Duration.between(occurredAt, Instant.now()).abs().compareTo(Duration.ofMinutes(1)) < 0);
        assertEquals("TEST-CAD", body.get("cadSystem").asText());
        assertEquals(referral.incidentId(), body.get("incidentId").asText());
        assertEquals(referral.id().toString(), body.get("referralId").asText());
        assertEquals("http://localhost:8080/fhir/ServiceRequest/" + referral.id(), body.get("serviceRequest").asText());
        assertEquals("sent-back", body.get("status").asText());
        assertTrue(body.get("service").isNull());
        assertEquals("no-capacity", body.at("/reason/code").asText());
        assertEquals("No capacity available within timescale", body.at("/reason/display").asText());
        assertEquals(1, body.get("attempts").size());
        assertEquals(marker, body.at("/attempts/0/service").asText());
        assertEquals("rejected", body.at("/attempts/0/outcome").asText());
        assertEquals("no-capacity", body.at("/attempts/0/reason").asText());
        assertEquals(rejectedAt, Instant.parse(body.at("/attempts/0/at").asText()));

        assertEquals(1, CadCallbacks.awaitAllInState(marker, "delivered", WITHIN));
        Map<String, Object> row = CadCallbacks.outboxRows(marker).get(0);
        assertEquals(eventId, row.get("id"), "the eventId is the outbox row's id, so operators can find it");
        assertEquals(1, row.get("attempts"));
    }

    @Test
    void sendsTheServiceOfAnOfferAndAFreshEventIdForEachCallback() {
        String marker = CadCallbacks.marker();
        Referral referral = CadCallbacks.referral(cad.url());

        CadCallbacks.enqueueCommitted(outbox, referral, CadCallbacks.offered(marker), CadCallbacks.accepted(marker));
        List<Received> callbacks = cad.awaitCount(marker, 2, WITHIN);

        JsonNode offered = callbacks.get(0).json();
        assertEquals("referral.offered", offered.get("eventType").asText());
        assertEquals("offered", offered.get("status").asText());
        assertEquals(marker, offered.at("/service/id").asText());
        assertEquals("Maidstone UCR", offered.at("/service/name").asText());
        assertEquals("ucr", offered.at("/service/type").asText());
        assertEquals("RXY", offered.at("/service/odsCode").asText());
        assertEquals("2000012345", offered.at("/service/dosServiceId").asText());
        assertTrue(offered.get("reason").isNull());
        assertEquals(0, offered.get("attempts").size());
        JsonNode accepted = callbacks.get(1).json();
        assertEquals("referral.accepted", accepted.get("eventType").asText());
        assertEquals("accepted", accepted.get("status").asText());
        assertNotEquals(offered.get("eventId").asText(), accepted.get("eventId").asText());
    }

    @Test
    void everyCallbackTypeArrivesInTheShapeOfThePublishedSchema() {
        String marker = CadCallbacks.marker();
        Referral referral = CadCallbacks.referral(cad.url());
        Instant at = Instant.parse("2026-11-22T14:20:00Z");
        CadCallback.Outcome outcome = new CadCallback.Outcome(
                new CadCallback.Coding("https://fhir.nhs.uk/CodeSystem/UEC-PathwaysDispositionCode", "Dx012",
                        "Emergency Ambulance Response"),
                "C2", "Chest pain on exertion; ambulance requested");
        CadCallback.Attempt worded = new CadCallback.Attempt(marker, "rejected", "clinically-inappropriate", at,
                "Patient needs a hoist we do not carry");

        CadCallbacks.enqueueCommitted(outbox, referral, CadCallbacks.offered(marker), CadCallbacks.accepted(marker),
                new CadCallback(CadCallbackType.SENT_BACK, ReferralStatus.SENT_BACK, null,
                        new CadCallback.Reason("clinician-requests-ambulance", "A clinician asks for an ambulance",
                                "Needs an ambulance response"),
                        List.of(worded), outcome),
                new CadCallback(CadCallbackType.COMPLETED, ReferralStatus.COMPLETED, CadCallbacks.service(marker), null,
                        List.of(), new CadCallback.Outcome(null, "C5", "Treated at home")),
                new CadCallback(CadCallbackType.CANCELLED, ReferralStatus.CANCELLED, null, null,
                        List.of(new CadCallback.Attempt(marker, "cancelled", null, at))));
        List<Received> callbacks = cad.awaitCount(marker, 5, WITHIN);

        assertEquals(List.of("referral.offered", "referral.accepted", "referral.sent-back", "referral.completed",
                "referral.cancelled"), callbacks.stream().map(c -> c.json().get("eventType").asText()).toList());
        for (Received callback : callbacks) {
            assertEquals(List.of(), CadCallbackSchema.problems(callback.text()), callback.text());
        }
    }

    @Test
    void holdsAnIncidentsLaterCallbacksUntilTheEarlierOneIsDeliveredEvenAcrossRetries() {
        String first = CadCallbacks.marker();
        String second = CadCallbacks.marker();
        // The first callback fails once, slowly; a dispatcher that did not keep order would send the others meanwhile.
        cad.script(first, Answer.after(Duration.ofMillis(300), 500)).otherwise(first, Answer.after(Duration.ofMillis(50), 200));
        cad.otherwise(second, Answer.status(200));
        Referral incident = CadCallbacks.referral(cad.url());
        Referral otherIncident = CadCallbacks.referral(cad.url());

        // Separate transactions, as the routing loop commits outcomes one by one.
        CadCallbacks.enqueueCommitted(outbox, incident, CadCallbacks.offered(first));
        CadCallbacks.enqueueCommitted(outbox, incident, CadCallbacks.accepted(first));
        CadCallbacks.enqueueCommitted(outbox, incident, CadCallbacks.completed(first));
        CadCallbacks.enqueueCommitted(outbox, otherIncident, CadCallbacks.offered(second));

        CadCallbacks.awaitAllInState(first, "delivered", WITHIN);
        CadCallbacks.awaitAllInState(second, "delivered", WITHIN);
        List<String> ids = CadCallbacks.outboxRows(first).stream().map(row -> row.get("id").toString()).toList();
        assertEquals(List.of(
                "received " + ids.get(0), "answered " + ids.get(0) + " 500",
                "received " + ids.get(0), "answered " + ids.get(0) + " 200",
                "received " + ids.get(1), "answered " + ids.get(1) + " 200",
                "received " + ids.get(2), "answered " + ids.get(2) + " 200"),
                cad.happenings(first).stream()
                        .map(h -> h.kind() + " " + h.eventId() + (h.status() == 0 ? "" : " " + h.status())).toList());

        // Order is per incident: the other incident's callback did not wait for this one's retry.
        long otherIncidentsCallback = cad.received(second).get(0).receivedNanos();
        long secondOfFirstIncident = cad.received(first).get(2).receivedNanos();
        assertTrue(otherIncidentsCallback < secondOfFirstIncident,
                "the other incident went ahead while the first incident's callback was being retried");
    }

    @Test
    void retriesAfterServerErrorsAndADroppedConnectionThenDeliversOnce() {
        String marker = CadCallbacks.marker();
        cad.script(marker, Answer.status(500), Answer.status(503), Answer.drop());
        Referral referral = CadCallbacks.referral(cad.url());

        CadCallbacks.enqueueCommitted(outbox, referral, CadCallbacks.offered(marker));

        CadCallbacks.awaitAllInState(marker, "delivered", WITHIN);
        List<Received> attempts = cad.received(marker);
        assertEquals(4, attempts.size(), "500, 503, a dropped connection, then 200; nothing after the 200");
        for (Received attempt : attempts) {
            assertArrayEquals(attempts.get(0).body(), attempt.body(), "every attempt sends the same event, same eventId");
            assertTrue(WebhookSignature.matches(WebhookSignature.parse(attempt.signature()).orElseThrow(),
                    CadWebhook.SECRET, attempt.body()));
        }
        Map<String, Object> row = CadCallbacks.outboxRows(marker).get(0);
        assertEquals(4, row.get("attempts"));
        assertTrue(String.valueOf(row.get("last_error")).contains("closed"),
                "the last failure is kept for operators: " + row.get("last_error"));
    }

    @Test
    void deadLettersACallbackTheCadRejectsOutrightWithoutRetrying() {
        String marker = CadCallbacks.marker();
        cad.otherwise(marker, Answer.status(410));
        Referral referral = CadCallbacks.referral(cad.url());

        CadCallbacks.enqueueCommitted(outbox, referral, CadCallbacks.offered(marker));

        CadCallbacks.awaitAllInState(marker, "dead", WITHIN);
        Map<String, Object> row = CadCallbacks.outboxRows(marker).get(0);
        assertEquals(1, row.get("attempts"));
        assertEquals("HTTP 410 Gone", row.get("last_error"));
        assertEquals(1, cad.received(marker).size());
    }

    @Test
    void aSlowCadNeitherDelaysAnotherCadNorIntake() {
        String slow = CadCallbacks.marker();
        String fast = CadCallbacks.marker();
        cad.otherwise(slow, Answer.after(Duration.ofSeconds(2), 200));
        // More slow incidents than the per-destination limit (4), so the slow CAD has a backlog of its own.
        List<Referral> slowIncidents = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            slowIncidents.add(CadCallbacks.referral(OTHER_CAD, OTHER_SECRET, cad.url()));
        }
        Referral fastIncident = CadCallbacks.referral(cad.url());

        for (Referral slowIncident : slowIncidents) {
            CadCallbacks.enqueueCommitted(outbox, slowIncident, CadCallbacks.offered(slow));
        }
        cad.awaitCount(slow, 4, WITHIN);
        CadCallbacks.enqueueCommitted(outbox, fastIncident, CadCallbacks.offered(fast));
        long fastArrived = cad.awaitCount(fast, 1, WITHIN).get(0).receivedNanos();
        CadCallbacks.referral(null);
        long intakeAnswered = System.nanoTime();

        assertTrue(slowCallbacksInFlightAt(slow, fastArrived) > 0, "TEST-CAD's callback did not wait for OTHER-CAD's");
        assertTrue(slowCallbacksInFlightAt(slow, intakeAnswered) > 0, "intake answered while OTHER-CAD was still busy");
        assertEquals(5, CadCallbacks.awaitAllInState(slow, "delivered", WITHIN));
        assertEquals(5, cad.received(slow).size());
    }

    private static long slowCallbacksInFlightAt(String marker, long nanos) {
        List<Happening> before = cad.happenings(marker).stream().filter(h -> h.nanos() <= nanos).toList();
        return before.stream().filter(h -> h.kind().equals("received")).count()
                - before.stream().filter(h -> h.kind().equals("answered")).count();
    }

    @Test
    void neverSendsACallbackWhoseTransactionRolledBack() {
        String rolledBackMarker = CadCallbacks.marker();
        String committedMarker = CadCallbacks.marker();
        Referral rolledBack = CadCallbacks.referral(cad.url());
        Referral committed = CadCallbacks.referral(cad.url());

        assertThrows(IllegalStateException.class, () -> CadCallbacks.pool()
                .withTransaction(tx -> CadCallbacks.lockAsTheCascadeDoes(tx, rolledBack)
                        .chain(() -> outbox.enqueue(tx, rolledBack, CadCallbacks.accepted(rolledBackMarker)))
                        .chain(() -> Uni.createFrom().failure(new IllegalStateException("the routing step failed"))))
                .await().atMost(WITHIN));
        CadCallbacks.enqueueCommitted(outbox, committed, CadCallbacks.accepted(committedMarker));

        // The committed callback, written after the rolled-back one, has been delivered: had the rolled-back one
        // existed, it would have been sent by now too.
        CadCallbacks.awaitAllInState(committedMarker, "delivered", WITHIN);
        assertEquals(1, cad.received(committedMarker).size());
        assertTrue(cad.received(rolledBackMarker).isEmpty());
        assertTrue(CadCallbacks.outboxRows(rolledBackMarker).isEmpty());
    }

    @Test
    void keepsACallbackWithNowhereToGoAsADeadLetter() {
        String marker = CadCallbacks.marker();
        // OTHER-CAD has no callback-url configured, and this incident names none.
        Referral referral = CadCallbacks.referral(OTHER_CAD, OTHER_SECRET, null);

        CadCallbacks.enqueueCommitted(outbox, referral, CadCallbacks.sentBack(marker, Instant.parse("2026-11-22T14:20:00Z")));

        Map<String, Object> row = CadCallbacks.outboxRows(marker).get(0);
        assertEquals("dead", row.get("state"));
        assertNull(row.get("url"));
        assertEquals(0, row.get("attempts"));
        assertTrue(String.valueOf(row.get("last_error")).contains("hub.cad.systems.\"OTHER-CAD\".callback-url"),
                String.valueOf(row.get("last_error")));
    }

    @Test
    void refusesAReasonCodeTheContractDoesNotKnow() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> new CadCallback(CadCallbackType.SENT_BACK, ReferralStatus.SENT_BACK, null,
                        new CadCallback.Reason("busy", "Busy"), null));
        assertTrue(refused.getMessage().contains("busy"));
    }
}
