package org.rightcare.hub.fhirrest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.rightcare.hub.fhirrest.FhirRestDeliveryTest.area;
import static org.rightcare.hub.fhirrest.FhirRestDeliveryTest.deliveryState;
import static org.rightcare.hub.fhirrest.FhirRestDeliveryTest.hubId;
import static org.rightcare.hub.fhirrest.OfferLifecycleTest.taskEntry;
import static org.rightcare.hub.fhirrest.OfferLifecycleTest.taskKey;
import static org.rightcare.hub.testing.Referrals.awaitOffer;
import static org.rightcare.hub.testing.Referrals.fallIn;
import static org.rightcare.hub.testing.Referrals.post;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.Test;
import org.rightcare.hub.delivery.OutboxDispatcher;
import org.rightcare.hub.fhirrest.FhirRestDeliveryTest.Area;
import org.rightcare.hub.testing.CadWebhook;
import org.rightcare.hub.testing.FhirProviderServer;
import org.rightcare.hub.testing.Slow;
import org.rightcare.hub.testing.TestDatabase;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.test.junit.QuarkusTest;

/**
 * A hub restart with offers waiting for a provider loses nothing and doubles nothing in effect.
 *
 * <p>
 * What "restart" means here: everything the hub needs to carry on is in PostgreSQL, so what a crash destroys is
 * the dispatcher's memory (its claims, its retry timers), and what it leaves is rows as they were: some never
 * attempted, some claimed by the dead process with an attempt that may or may not have reached the provider, and
 * whose outcome was never recorded. The test builds exactly that state, with the provider's queue paused (an
 * operator pause, which every dispatcher honours) so that no dispatcher touches it meanwhile: rows claimed by a
 * "crashed" replica (attempt counted, lease token set, the lease running out in two seconds, as if the crash were a
 * lease ago), one of whose attempts did reach the provider. Lifting the pause and waking the hub's dispatcher, which
 * never knew those claims, is the restart: it must send what was never sent at once, take over the dead claims when
 * their leases run out, and keep what the hub queued behind a dead claim (a revocation) behind it. Orderly stops are
 * {@code ShutdownHandBackTest}'s.
 */
@Slow
@QuarkusTest
class DeliveriesAcrossRestartTest {

    @Inject
    OutboxDispatcher dispatcher;

    @Test
    void offersPendingAcrossARestartEachArriveOnceAndInOrder() throws Exception {
        try (FhirProviderServer provider = new FhirProviderServer()) {
            Area area = area(provider.base(), null);
            String queue = area.falls().id();
            TestDatabase.execute("""
                    INSERT INTO paused_destination (destination, paused_by, paused_at, reason)
                    VALUES (?, 'test', now(), 'the hub is down')""", queue);
            // A: claimed by the crashed replica, whose attempt reached the provider; B: claimed, its attempt lost,
            // and then cancelled by the CAD while the dead claim still held it; C: never attempted.
            UUID a = awaitOffer(post(fallIn(area.district(), "C3")), 1);
            ObjectNode createdB = fallIn(area.district(), "C3");
            UUID referralB = post(createdB);
            UUID b = awaitOffer(referralB, 1);
            UUID c = awaitOffer(post(fallIn(area.district(), "C3")), 1);
            OffsetDateTime leaseEnds = OffsetDateTime.now(ZoneOffset.UTC).plusSeconds(2);
            TestDatabase.execute("""
                    UPDATE delivery_outbox SET attempts = 1, lease_token = ?, next_attempt_at = ?
                    WHERE id IN (?, ?) AND state = 'pending'""", UUID.randomUUID(), leaseEnds, a, b);
            sendAsTheCrashedReplicaDid(provider, a);
            CadWebhook.post(CadWebhook.follow(createdB, "incident.cancelled", Instant.now())).then().statusCode(202);
            assertEquals("withdrawn", deliveryState(b));
            UUID revocationB = (UUID) TestDatabase.query("""
                    SELECT id FROM delivery_outbox WHERE referral_id = ? AND channel = 'fhir-rest' AND id <> ?""",
                    referralB, b).get(0).get("id");

            TestDatabase.execute("DELETE FROM paused_destination WHERE destination = ?", queue);
            dispatcher.wake();

            TestDatabase.await("every offer and the revocation are delivered", () -> "delivered".equals(deliveryState(a))
                    && "delivered".equals(deliveryState(c)) && "delivered".equals(deliveryState(revocationB)));
            assertEquals("withdrawn", deliveryState(b), "the cancelled offer is never sent again");
            assertEquals(1, row(c).get("attempts"));
            assertEquals(2, row(a).get("attempts"), "the dead claim's attempt, then one after its lease");
            assertFalse(deliveredAt(a).isBefore(leaseEnds.toInstant()), "the dead claim is taken over after its lease");
            assertFalse(deliveredAt(revocationB).isBefore(leaseEnds.toInstant()),
                    "the revocation waits behind the dead claim on its offer");

            List<Bundle> received = provider.transactions();
            assertEquals(4, received.size(), "A twice (the crashed attempt, the retry), C, B's revocation");
            assertEquals(2, received.stream().filter(t -> hubId(taskEntry(t).getResource()).equals("Task/" + a)).count());
            Map<String, ?> stored = provider.stored();
            int perReferral = received.get(0).getEntry().size();
            assertEquals(3 * perReferral, stored.size(), "every resource of the three cases stored once");
            assertEquals(Task.TaskStatus.REQUESTED, ((Task) stored.get(taskKey(a))).getStatus());
            assertEquals(Task.TaskStatus.REQUESTED, ((Task) stored.get(taskKey(c))).getStatus());
            assertEquals(Task.TaskStatus.CANCELLED, ((Task) stored.get(taskKey(b))).getStatus());
        }
    }

    /** The crashed replica's attempt, sent before it died: the stored transaction, as the dispatcher sends it. */
    private static void sendAsTheCrashedReplicaDid(FhirProviderServer provider, UUID delivery) throws Exception {
        HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(provider.base())
                .header("Content-Type", FhirRestTransaction.CONTENT_TYPE)
                .POST(HttpRequest.BodyPublishers.ofString((String) row(delivery).get("payload"))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, answer.statusCode(), answer.body());
    }

    private static Map<String, Object> row(UUID delivery) {
        return TestDatabase.query("SELECT * FROM delivery_outbox WHERE id = ?", delivery).get(0);
    }

    private static Instant deliveredAt(UUID delivery) {
        return ((Timestamp) row(delivery).get("delivered_at")).toInstant();
    }
}
