package org.rightcare.hub.cascade;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.rightcare.hub.testing.TestDatabase;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * The second half of the restart proof: a new instance of the hub, started after the one that made the offers had
 * stopped, finds their deadlines in the database and acts on each exactly once. Nothing is lost and nothing doubled.
 */
@QuarkusTest
@TestProfile(RestartPart2DeadlinesFireAfterRestartTest.AfterRestart.class)
@Order(Integer.MAX_VALUE) // after part 1 even when only the two run: equal orders fall back on the class name
class RestartPart2DeadlinesFireAfterRestartTest {

    /** Same configuration; a profile of its own makes Quarkus stop the previous instance and start a new one. */
    public static class AfterRestart implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of();
        }
    }

    @Inject
    DueReferralSweeper sweeper;

    @Test
    void deadlinesSetBeforeTheRestartStillFireOnce() {
        List<String> referrals = TestDatabase.strings(
                "SELECT id::text FROM referral WHERE incident_id LIKE ?", RestartPart1OpenOffersTest.INCIDENT_PREFIX + "%");
        assertEquals(RestartPart1OpenOffersTest.REFERRALS, referrals.size(),
                "RestartPart1OpenOffersTest runs first and leaves referrals with open offers");
        for (String referral : referrals) {
            assertEquals(List.of("requested"), statuses(referral), "the previous instance left an open offer");
        }

        // Other tests' referrals may be due then too, and a sweep advances at most a batch: sweep until quiet, as the
        // replicas' schedules would.
        Instant afterTheirDeadlines = Instant.now().plus(Duration.ofMinutes(11));
        while (sweeper.sweep(afterTheirDeadlines).await().atMost(Duration.ofSeconds(60)) > 0) {
            // next batch
        }

        for (String referral : referrals) {
            assertEquals(List.of("failed", "requested"), statuses(referral), "timed out once, offered on once");
            assertEquals("offered", TestDatabase.text("SELECT status FROM referral WHERE id = ?::uuid", referral));
            assertEquals(List.of("referral.offered", "referral.offered"), TestDatabase.strings("""
                    SELECT payload::json->>'eventType' FROM delivery_outbox WHERE referral_id = ?::uuid ORDER BY sequence""",
                    referral));
        }
        assertTrue(TestDatabase.count("SELECT count(*) FROM cad_event e JOIN referral r ON r.id = e.referral_id "
                + "WHERE r.incident_id LIKE 'RESTART-%'") == RestartPart1OpenOffersTest.REFERRALS,
                "every acknowledged event survived the restart");
    }

    private static List<String> statuses(String referral) {
        return TestDatabase.query("SELECT status FROM offer WHERE referral_id = ?::uuid ORDER BY sequence", referral)
                .stream().map(row -> (String) row.get("status")).toList();
    }
}
