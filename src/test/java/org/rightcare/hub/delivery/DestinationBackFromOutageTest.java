package org.rightcare.hub.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.rightcare.hub.cad.CadCallbackOutbox;
import org.rightcare.hub.referral.Referral;
import org.rightcare.hub.testing.CadCallbacks;
import org.rightcare.hub.testing.CallbackReceiver;
import org.rightcare.hub.testing.CallbackReceiver.Answer;
import org.rightcare.hub.testing.CallbackReceiver.Received;
import org.rightcare.hub.testing.LogCapture;
import org.rightcare.hub.testing.TestDatabase;

import io.quarkus.test.junit.QuarkusTest;

/**
 * A receiver back from an outage gets everything still pending for it within seconds of its return, whatever backoff
 * each delivery had reached (minutes, after a long outage), and still in order per incident: the dispatcher probes a
 * failing destination and its first success brings the rest forward. The log says so once each way.
 */
@QuarkusTest
class DestinationBackFromOutageTest {

    /** The promise: every still-open message within 10 s of the receiver's return. */
    private static final Duration WITHIN = Duration.ofSeconds(10);

    @Inject
    CadCallbackOutbox outbox;

    @Test
    void aReceiverBackFromAnOutageGetsItsWholeBacklogWithinTenSecondsInOrder() {
        try (CallbackReceiver cad = new CallbackReceiver(); LogCapture logs = new LogCapture()) {
            String marker = CadCallbacks.marker();
            cad.otherwise(marker, Answer.status(503));
            List<Referral> referrals = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                referrals.add(CadCallbacks.referral(CadCallbacks.OTHER_CAD, CadCallbacks.OTHER_SECRET, cad.url()));
            }
            for (Referral referral : referrals) {
                CadCallbacks.enqueueCommitted(outbox, referral, CadCallbacks.offered(marker),
                        CadCallbacks.accepted(marker));
            }
            cad.awaitCount(marker, 3, WITHIN);
            // After minutes of outage each delivery's backoff is minutes long.
            TestDatabase.execute("""
                    UPDATE delivery_outbox SET next_attempt_at = now() + interval '10 minutes', pending_since = now()
                    WHERE strpos(payload, ?) > 0 AND state = 'pending' AND lease_token IS NULL
                    """, marker);

            cad.otherwise(marker, Answer.status(200));

            Awaitility.await("every pending callback delivered").atMost(WITHIN).pollInterval(Duration.ofMillis(50))
                    .until(() -> CadCallbacks.states(marker), states -> states.size() == 6
                            && states.stream().allMatch("delivered"::equals));
            List<Received> received = cad.received(marker);
            for (Referral referral : referrals) {
                List<String> types = received.stream()
                        .filter(r -> r.json().path("incidentId").asText().equals(referral.incidentId()))
                        .map(r -> r.json().path("eventType").asText()).toList();
                assertEquals("referral.accepted", types.get(types.size() - 1), types.toString());
                assertEquals(1, types.stream().filter("referral.accepted"::equals).count(),
                        "the acceptance went out once, after its offer was delivered: " + types);
            }
            long warnings = logs.lines().stream().filter(line -> line.level().intValue() == Level.WARNING.intValue()
                    && line.logger().endsWith("DestinationHealth") && line.text().contains(CadCallbacks.OTHER_CAD))
                    .count();
            long recoveries = logs.lines().stream().filter(line -> line.level().intValue() == Level.INFO.intValue()
                    && line.logger().endsWith("DestinationHealth") && line.text().contains(CadCallbacks.OTHER_CAD))
                    .count();
            assertTrue(warnings <= 1, "at most one WARN for the outage");
            assertEquals(warnings, recoveries, "each WARN is ended by one INFO");
        }
    }
}
