package org.rightcare.hub.cascade;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rightcare.hub.testing.Referrals.awaitOffer;
import static org.rightcare.hub.testing.Referrals.fallIn;
import static org.rightcare.hub.testing.Referrals.lastCallback;
import static org.rightcare.hub.testing.Referrals.offers;
import static org.rightcare.hub.testing.Referrals.post;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.rightcare.hub.testing.TestDatabase;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.test.junit.QuarkusTest;

/**
 * Issue 15 item 2 end to end through the real signed webhook: an incident whose 999 call was received long ago (the
 * CAD held it in a validation queue, or was down) reaches the hub already past its breach time. It goes back to the
 * ambulance service at once as {@code breach-passed}, and no service is offered anything, though the same fall
 * called a minute ago is offered in the same district.
 */
@QuarkusTest
class LateArrivalTest {

    @Test
    void aCaseThatArrivesPastItsBreachGoesBackAsBreachPassedAndNoServiceIsOfferedAnything() {
        SendBackLoopTest.Area area = SendBackLoopTest.fallsAndUcr();
        UUID fresh = post(fallIn(area.district(), "C3"));
        assertEquals(area.falls(), offers(fresh).isEmpty() ? offerOf(fresh) : offers(fresh).get(0).get("service_id"),
                "a fall called a minute ago is offered here");

        ObjectNode late = fallIn(area.district(), "C3");
        Instant called = Instant.now().minus(Duration.ofHours(3)).truncatedTo(ChronoUnit.SECONDS);
        ((ObjectNode) late.get("incident")).put("receivedAt", called.toString());
        UUID referral = post(late);

        TestDatabase.await("the late case is concluded", () -> "sent-back".equals(SendBackLoopTest.status(referral)));
        assertEquals("breach-passed", SendBackLoopTest.sendBackReason(referral));
        // C3's breach is two hours after the call: it had passed an hour before the CAD sent the incident.
        assertEquals(called.plus(Duration.ofMinutes(120)).getEpochSecond(), TestDatabase.count(
                "SELECT extract(epoch FROM breach_at)::bigint FROM referral WHERE id = ?", referral));

        // What the CAD receives: one signed callback, the send-back with the contract's reason, nobody holding it.
        assertEquals(List.of("referral.sent-back"), SendBackLoopTest.callbacks(referral));
        JsonNode callback = lastCallback(referral);
        assertEquals("sent-back", callback.get("status").asText());
        assertEquals("breach-passed", callback.at("/reason/code").asText());
        assertTrue(callback.path("service").isNull() || callback.path("service").isMissingNode(), callback.toString());
        assertEquals(0, callback.path("attempts").size(), "no service was asked");

        // What the providers receive: nothing at all.
        assertEquals(List.of(), offers(referral));
        assertEquals(0, TestDatabase.count(
                "SELECT count(*) FROM delivery_outbox WHERE referral_id = ? AND channel <> 'cad-callback'", referral));
    }

    private static Object offerOf(UUID referral) {
        awaitOffer(referral, 1);
        return offers(referral).get(0).get("service_id");
    }
}
