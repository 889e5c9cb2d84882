package org.rightcare.hub.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.rightcare.hub.testing.CallbackReceiver;
import org.rightcare.hub.testing.CallbackReceiver.Received;
import org.rightcare.hub.testing.TestDatabase;

import io.quarkus.test.junit.QuarkusTest;

/**
 * Claims on one replica start at least {@code claim-interval} apart: the wake-ups that come sooner (a commit that
 * wrote to the outbox, an attempt that finished) wait for the interval to end and fold into one claim, which records
 * the finished attempts and hands out the new rows together. An idle dispatcher claims at once. The replica here is
 * a dispatcher built from the hub's beans with a long interval, serving a channel of its own that the hub's
 * dispatcher does not.
 */
@QuarkusTest
class ClaimIntervalTest {

    private static final String CHANNEL = "claim-interval-test";
    private static final Duration INTERVAL = Duration.ofSeconds(3);
    private static final Duration WITHIN = Duration.ofSeconds(15);

    @Inject
    TestReplicas replicas;

    @Test
    void anIdleDispatcherClaimsAtOnceAndWakeUpsWithinTheIntervalWaitForItsEnd() {
        try (CallbackReceiver receiver = new CallbackReceiver()) {
            String marker = "interval-" + UUID.randomUUID();
            OutboxDispatcher dispatcher = replica();
            try {
                long start = System.nanoTime();
                UUID first = queue(marker, "first", receiver.url());
                dispatcher.wake();
                Received firstReceived = receiver.awaitCount(marker, 1, WITHIN).get(0);
                assertTrue(firstReceived.receivedNanos() - start < INTERVAL.toNanos(),
                        "an idle dispatcher claims on the first wake-up, without waiting for the interval");

                List<UUID> next = List.of(queue(marker, "a", receiver.url()), queue(marker, "b", receiver.url()),
                        queue(marker, "c", receiver.url()));
                next.forEach(id -> dispatcher.wake());

                List<Received> all = receiver.awaitCount(marker, 4, WITHIN);
                for (Received later : all.subList(1, 4)) {
                    assertTrue(later.receivedNanos() - start >= INTERVAL.toNanos(),
                            "a delivery woken within the interval went out " + Duration.ofNanos(later.receivedNanos() - start)
                                    + " after the first claim could start");
                }
                for (UUID id : next) {
                    TestDatabase.await("each folded delivery is recorded", () -> "delivered".equals(state(id)));
                    assertEquals(1, TestDatabase.count("SELECT attempts FROM delivery_outbox WHERE id = ?", id),
                            "sent once");
                }
                assertEquals("delivered", state(first));
            } finally {
                dispatcher.drain(WITHIN);
            }
        }
    }

    /** A delivery on the test channel, due now, in an ordering key of its own. */
    private static UUID queue(String marker, String key, String url) {
        return TestReplicas.queue(CHANNEL, marker, marker + "/" + key, url);
    }

    private static String state(UUID id) {
        return TestDatabase.text("SELECT state FROM delivery_outbox WHERE id = ?", id);
    }

    /** Another replica's dispatcher, serving the test channel only, with claims at least {@link #INTERVAL} apart. */
    private OutboxDispatcher replica() {
        return replicas.replica(CHANNEL, INTERVAL);
    }
}
