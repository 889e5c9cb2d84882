package org.rightcare.hub.cascade;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.rightcare.hub.directory.ServiceType;
import org.rightcare.hub.testing.Referrals;
import org.rightcare.hub.testing.TestDatabase;
import org.rightcare.hub.testing.TestServices;

import io.quarkus.test.junit.QuarkusTest;

/**
 * Two replicas against one database, as far as the send-back loop can tell: several sweepers, each with its own
 * connections and transactions, race over the same due deadlines. Each deadline must be acted on once.
 */
@QuarkusTest
class ConcurrentSweepersTest {

    static final int REFERRALS = 60;

    @Inject
    DueReferralSweeper sweeper;

    @Test
    void eachDeadlineIsHandledOnceWhenSeveralReplicasSweepTogether() throws Exception {
        String district = TestServices.freshDistrict();
        String key = district.toLowerCase();
        TestServices.install(
                TestServices.service("race-falls-" + key, ServiceType.FALLS_RESPONSE, "RF" + district, district,
                        Duration.ofMinutes(10)),
                TestServices.service("race-ucr-" + key, ServiceType.UCR, "RU" + district, district, Duration.ofMinutes(15)));
        List<UUID> referrals = new ArrayList<>();
        for (int i = 0; i < REFERRALS; i++) {
            referrals.add(Referrals.post(Referrals.fallIn(district, "C3")));
        }
        referrals.forEach(id -> Referrals.awaitOffer(id, 1));

        // Every first offer's window has closed: four "replicas" sweep at once.
        Instant later = Instant.now().plus(Duration.ofMinutes(11));
        ExecutorService replicas = Executors.newFixedThreadPool(4);
        try {
            List<Callable<Integer>> sweeps = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                sweeps.add(() -> sweeper.sweep(later).await().atMost(Duration.ofSeconds(60)));
            }
            int advanced = 0;
            for (Future<Integer> done : replicas.invokeAll(sweeps)) {
                advanced += done.get();
            }
            // Other tests' referrals may be due at that time too; these sixty at least were all advanced.
            assertTrue(advanced >= REFERRALS, "the replicas advanced " + advanced + " referrals");
        } finally {
            replicas.shutdownNow();
        }

        for (UUID referral : referrals) {
            assertEquals(List.of("failed", "requested"), Referrals.offers(referral).stream()
                    .map(o -> o.get("status")).toList(), "referral " + referral);
            assertEquals(2, TestDatabase.count(
                    """
                            SELECT count(*) FROM delivery_outbox WHERE referral_id = ? AND payload::json->>'eventType' = 'referral.offered'""",
                    referral), "one callback per offer for " + referral);
        }
    }
}
