package org.rightcare.hub.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.rightcare.hub.testing.CallbackReceiver;
import org.rightcare.hub.testing.CallbackReceiver.Answer;
import org.rightcare.hub.testing.TestDatabase;

import io.quarkus.test.junit.QuarkusTest;

/**
 * A replica that stops with a delivery in flight loses nothing: it lets the attempt finish within its grace period,
 * or hands the claim back so another replica sends it at once, long before the claim's lease would have run out.
 * The replicas here are dispatchers built from the hub's beans, serving a channel of their own that the hub's
 * dispatcher does not, so the test decides who claims what.
 */
@QuarkusTest
class ShutdownHandBackTest {

    private static final String CHANNEL = "shutdown-test";
    private static final Duration WITHIN = Duration.ofSeconds(15);

    @Inject
    TestReplicas replicas;
    @Inject
    DeliveryConfig config;

    @Test
    void aStoppingReplicaHandsBackADeliveryStillInFlightAndAnotherSendsItAtOnce() {
        try (CallbackReceiver receiver = new CallbackReceiver()) {
            String marker = "shutdown-" + UUID.randomUUID();
            // The first attempt hangs longer than the grace period; the next is answered at once.
            receiver.script(marker, Answer.after(Duration.ofSeconds(30), 200), Answer.status(200));
            UUID id = queue(marker, receiver.url());
            OutboxDispatcher stopping = replica();
            stopping.wake();
            receiver.awaitCount(marker, 1, WITHIN);

            stopping.drain(Duration.ofMillis(200));

            Map<String, Object> row = row(id);
            assertEquals("pending", row.get("state"));
            assertNull(row.get("lease_token"), "the claim is handed back");
            assertTrue(((Timestamp) row.get("next_attempt_at")).toInstant().isBefore(Instant.now().plusSeconds(1)),
                    "due at once, not when the lease would run out: " + row.get("next_attempt_at"));

            replica().wake();
            TestDatabase.await("the other replica delivers it", () -> "delivered".equals(row(id).get("state")));
            // Well before the stopping replica's lease (request timeout + 30 s) would have let anyone retry it.
            assertTrue(Duration.between(((Timestamp) row(id).get("created_at")).toInstant(),
                    ((Timestamp) row(id).get("delivered_at")).toInstant()).compareTo(leaseOf(config)) < 0);
            assertEquals(2, receiver.received(marker).size());
        }
    }

    @Test
    void aStoppingReplicaLetsADeliveryInFlightFinishWithinItsGrace() {
        try (CallbackReceiver receiver = new CallbackReceiver()) {
            String marker = "shutdown-" + UUID.randomUUID();
            receiver.script(marker, Answer.after(Duration.ofMillis(500), 200));
            UUID id = queue(marker, receiver.url());
            OutboxDispatcher stopping = replica();
            stopping.wake();
            receiver.awaitCount(marker, 1, WITHIN);

            stopping.drain(WITHIN);

            assertEquals("delivered", row(id).get("state"), "recorded before the replica let go");
            assertEquals(1, receiver.received(marker).size());
        }
    }

    @Test
    void aStoppedReplicaClaimsNothingMore() {
        try (CallbackReceiver receiver = new CallbackReceiver()) {
            String marker = "shutdown-" + UUID.randomUUID();
            OutboxDispatcher stopped = replica();
            stopped.drain(Duration.ZERO);
            UUID id = queue(marker, receiver.url());

            stopped.wake();

            Map<String, Object> row = row(id);
            assertEquals(0, row.get("attempts"));
            assertNull(row.get("lease_token"));
            TestDatabase.execute("DELETE FROM delivery_outbox WHERE id = ?", id);
        }
    }

    private static UUID queue(String marker, String url) {
        return TestReplicas.queue(CHANNEL, marker, marker, url);
    }

    private static Map<String, Object> row(UUID id) {
        return TestDatabase.query("SELECT * FROM delivery_outbox WHERE id = ?", id).get(0);
    }

    private static Duration leaseOf(DeliveryConfig config) {
        return config.requestTimeout().plusSeconds(30);
    }

    /** Another replica's dispatcher, serving the test channel only. */
    private OutboxDispatcher replica() {
        return replicas.replica(CHANNEL);
    }
}
