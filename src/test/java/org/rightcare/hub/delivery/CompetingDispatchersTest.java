package org.rightcare.hub.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.rightcare.hub.cad.CadCallback;
import org.rightcare.hub.cad.CadCallbackChannel;
import org.rightcare.hub.cad.CadCallbackOutbox;
import org.rightcare.hub.referral.Referral;
import org.rightcare.hub.testing.CadCallbacks;
import org.rightcare.hub.testing.CallbackReceiver;
import org.rightcare.hub.testing.CallbackReceiver.Answer;
import org.rightcare.hub.testing.CallbackReceiver.Received;

import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;

/**
 * Replicas share the outbox through the database alone: the hub's own dispatcher and two more, built from the same
 * beans as separate replicas would be, drain one backlog together.
 */
@QuarkusTest
class CompetingDispatchersTest {

    private static final Duration WITHIN = Duration.ofSeconds(20);
    private static final String DISPATCHER_HEADER = "X-Test-Dispatcher";
    private static CallbackReceiver cad;

    @Inject
    CadCallbackOutbox callbacks;
    @Inject
    OutboxRepository repository;
    @Inject
    HttpDeliveryClient http;
    @Inject
    CadCallbackChannel cadChannel;
    @Inject
    DeliveryConfig config;
    @Inject
    Clock clock;
    @Inject
    Vertx vertx;
    @Inject
    DeliveryTracing tracing;

    @BeforeAll
    static void startReceiver() {
        cad = new CallbackReceiver();
    }

    @AfterAll
    static void stopReceiver() {
        cad.close();
    }

    @Test
    void threeDispatchersDeliverEveryCallbackExactlyOnceAndEachIncidentsInOrder() throws Exception {
        String marker = CadCallbacks.marker();
        // A little slowness so that the backlog outlasts one claim and the dispatchers really compete.
        cad.otherwise(marker, Answer.after(Duration.ofMillis(20), 200));
        List<Referral> incidents = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            incidents.add(CadCallbacks.referral(cad.url()));
        }
        OutboxDispatcher replicaA = replica("A");
        OutboxDispatcher replicaB = replica("B");

        // One commit of 30 callbacks (3 per incident) wakes the hub's dispatcher; the two others are driven hard.
        CadCallbacks.pool().withTransaction(tx -> {
            Uni<Void> chain = Uni.createFrom().voidItem();
            for (Referral incident : incidents) {
                chain = chain.chain(() -> CadCallbacks.lockAsTheCascadeDoes(tx, incident));
                for (CadCallback callback : List.of(CadCallbacks.offered(marker), CadCallbacks.accepted(marker),
                        CadCallbacks.completed(marker))) {
                    chain = chain.chain(() -> callbacks.enqueue(tx, incident, callback));
                }
            }
            return chain;
        }).await().atMost(WITHIN);
        ExecutorService drivers = Executors.newFixedThreadPool(2);
        try {
            for (OutboxDispatcher replica : List.of(replicaA, replicaB)) {
                drivers.submit(() -> {
                    while (!Thread.currentThread().isInterrupted()) {
                        replica.wake();
                        Thread.sleep(2);
                    }
                    return null;
                });
            }
            assertEquals(30, CadCallbacks.awaitAllInState(marker, "delivered", WITHIN));
        } finally {
            drivers.shutdownNow();
            assertTrue(drivers.awaitTermination(5, TimeUnit.SECONDS));
        }

        List<Map<String, Object>> rows = CadCallbacks.outboxRows(marker);
        List<Received> received = cad.received(marker);
        Map<String, Long> timesReceived = received.stream()
                .collect(Collectors.groupingBy(Received::eventId, Collectors.counting()));
        for (Map<String, Object> row : rows) {
            assertEquals(1L, timesReceived.get(row.get("id").toString()), "delivered exactly once: " + row.get("id"));
            assertEquals(1, row.get("attempts"));
        }
        assertEquals(30, received.size());

        Map<String, List<String>> writtenByIncident = new HashMap<>();
        rows.forEach(row -> writtenByIncident.computeIfAbsent((String) row.get("ordering_key"), k -> new ArrayList<>())
                .add(row.get("id").toString()));
        Map<String, List<String>> receivedByIncident = new HashMap<>();
        received.forEach(r -> receivedByIncident.computeIfAbsent("TEST-CAD/" + r.json().get("incidentId").asText(),
                k -> new ArrayList<>()).add(r.eventId()));
        assertEquals(writtenByIncident, receivedByIncident, "each incident's callbacks arrived in the order written");

        Map<String, Long> byDispatcher = received.stream().collect(Collectors.groupingBy(
                r -> r.headers().getOrDefault(DISPATCHER_HEADER.toLowerCase(), "hub"), Collectors.counting()));
        assertTrue(byDispatcher.getOrDefault("A", 0L) > 0 && byDispatcher.getOrDefault("B", 0L) > 0,
                "both extra dispatchers took part: " + byDispatcher);
    }

    /** A dispatcher as another replica would run it, marking what it sends so the test can tell who sent what. */
    private OutboxDispatcher replica(String name) {
        DeliveryChannel marked = new DeliveryChannel() {
            @Override
            public String name() {
                return cadChannel.name();
            }

            @Override
            public DeliveryRequest requestFor(OutboxEntry entry) throws UndeliverableException {
                DeliveryRequest request = cadChannel.requestFor(entry);
                Map<String, String> headers = new HashMap<>(request.headers());
                headers.put(DISPATCHER_HEADER, name);
                return new DeliveryRequest(request.url(), request.contentType(), request.body(), headers);
            }
        };
        return new OutboxDispatcher(repository, http, List.of(marked), config, clock, vertx, tracing,
                new DestinationHealth(config));
    }
}
