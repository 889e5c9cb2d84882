package org.rightcare.hub.cascade;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.rightcare.hub.directory.ServiceType;
import org.rightcare.hub.metrics.HubMetrics;
import org.rightcare.hub.referral.ReferralRepository;
import org.rightcare.hub.routing.RoutingConfig;
import org.rightcare.hub.testing.Referrals;
import org.rightcare.hub.testing.Slow;
import org.rightcare.hub.testing.TestDatabase;
import org.rightcare.hub.testing.TestServices;

import io.quarkus.scheduler.Scheduler;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * A hub restart loses no deadline and doubles none: offers made by one instance time out, once each, under the next.
 *
 * <p>
 * What "restart" means here, as in the outbox's own restart test: everything the hub needs to carry on is in
 * PostgreSQL, so what a restart destroys is memory, and for the cascade that is the due-referral sweeper (its
 * schedule and its routing lanes). The test restarts exactly that, by itself: this instance's sweeper makes the
 * offers and is then stopped (its schedule paused, as a stopped replica's is gone); a new sweeper, built on the same
 * database as a new instance's would be and knowing nothing of the offers, sweeps past their deadlines. The test needs
 * no other test class before or after it.
 */
@Slow
@QuarkusTest
class RestartTest {

    static final int REFERRALS = 10;

    @Inject
    Scheduler scheduler;
    @Inject
    Pool pool;
    @Inject
    ReferralRepository referrals;
    @Inject
    ReferralCascade cascade;
    @Inject
    RoutingConfig config;
    @Inject
    HubMetrics metrics;
    @Inject
    Clock clock;

    @Test
    void deadlinesSetBeforeARestartFireOnceAfterIt() {
        String district = TestServices.freshDistrict();
        String key = district.toLowerCase();
        TestServices.install(
                TestServices.service("restart-falls-" + key, ServiceType.FALLS_RESPONSE, "XF" + district, district,
                        Duration.ofMinutes(10)),
                TestServices.service("restart-ucr-" + key, ServiceType.UCR, "XU" + district, district,
                        Duration.ofMinutes(15)));
        scheduler.pause(DueReferralSweeper.SWEEP);
        try {
            List<UUID> offered = new ArrayList<>();
            for (int i = 0; i < REFERRALS; i++) {
                UUID referral = Referrals.post(Referrals.fallIn(district, "C3"));
                Referrals.awaitOffer(referral, 1);
                offered.add(referral);
            }
            for (UUID referral : offered) {
                assertEquals(List.of("requested"), statuses(referral), "the first instance left an open offer");
            }

            DueReferralSweeper afterRestart = new DueReferralSweeper(pool, referrals, cascade, config, metrics, clock);
            // Other tests' referrals may be due then too, and a sweep advances at most a batch: sweep until quiet, as
            // the new instance's schedule would.
            Instant afterTheirDeadlines = Instant.now().plus(Duration.ofMinutes(11));
            while (afterRestart.sweep(afterTheirDeadlines).await().atMost(Duration.ofSeconds(60)) > 0) {
                // next batch
            }

            for (UUID referral : offered) {
                assertEquals(List.of("failed", "requested"), statuses(referral), "timed out once, offered on once");
                assertEquals("offered", TestDatabase.text("SELECT status FROM referral WHERE id = ?", referral));
                assertEquals(List.of("referral.offered", "referral.offered"), TestDatabase.strings("""
                        SELECT payload::json->>'eventType' FROM delivery_outbox WHERE referral_id = ? ORDER BY sequence""",
                        referral));
            }
        } finally {
            scheduler.resume(DueReferralSweeper.SWEEP);
        }
    }

    private static List<String> statuses(UUID referral) {
        return Referrals.offers(referral).stream().map(o -> (String) o.get("status")).toList();
    }
}
