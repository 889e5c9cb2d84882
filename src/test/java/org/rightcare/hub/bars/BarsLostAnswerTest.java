package org.rightcare.hub.bars;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.rightcare.hub.bars.BarsDeliveryTest.area;
import static org.rightcare.hub.bars.BarsDeliveryTest.deliveryState;
import static org.rightcare.hub.testing.Referrals.awaitOffer;
import static org.rightcare.hub.testing.Referrals.fallIn;
import static org.rightcare.hub.testing.Referrals.offers;
import static org.rightcare.hub.testing.Referrals.post;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.rightcare.hub.bars.BarsDeliveryTest.Area;
import org.rightcare.hub.testing.FhirProviderServer;
import org.rightcare.hub.testing.TestDatabase;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * A BaRS receiver that processes a message but loses its answer has it once: the hub sends the same Bundle again, and
 * the receiver's "duplicate" answer counts as delivery. Under its own profile because the retry must not race the
 * test profile's give-up of seconds: on a loaded machine the first attempt alone has taken longer than that, and the
 * delivery was then dead-lettered without the retry this test is about.
 */
@QuarkusTest
@TestProfile(BarsLostAnswerTest.PatientGiveUp.class)
class BarsLostAnswerTest {

    /** The test profile with a give-up no first attempt outlasts; retries stay as quick. */
    public static class PatientGiveUp implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("hub.delivery.give-up", "PT2M");
        }
    }

    @Test
    void aReceiverThatLosesItsAnswerHasTheMessageOnce() throws Exception {
        try (FhirProviderServer receiver = new FhirProviderServer()) {
            // The first copy is processed but its answer is lost; the second is the same Bundle, which the receiver
            // answers as a duplicate, and that is as good as an acknowledgement.
            receiver.failNext(1);
            Area area = area(receiver.base());
            UUID referral = post(fallIn(area.district(), "C3"));
            UUID offer = awaitOffer(referral, 1);
            TestDatabase.await("the offer is delivered", () -> "delivered".equals(deliveryState(offer)));

            assertEquals(2, receiver.arrivals());
            assertEquals(1, receiver.messages().size());
            List<Map<String, String>> attempts = receiver.messageHeaders();
            assertNotEquals(attempts.get(0).get("x-request-id"), attempts.get(1).get("x-request-id"),
                    "each HTTP request has its own X-Request-Id");
            assertEquals(attempts.get(0).get("x-correlation-id"), attempts.get(1).get("x-correlation-id"));
            assertEquals(1, offers(referral).size());
            assertEquals("requested", offers(referral).get(0).get("status"));
        }
    }
}
