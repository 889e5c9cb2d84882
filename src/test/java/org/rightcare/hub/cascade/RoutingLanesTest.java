package org.rightcare.hub.cascade;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.rightcare.hub.directory.ServiceType;
import org.rightcare.hub.testing.Referrals;
import org.rightcare.hub.testing.TestDatabase;
import org.rightcare.hub.testing.TestServices;

import io.quarkus.scheduler.Scheduler;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A backlog of due referrals (more than the routing lanes, as a burst at a few hundred a second leaves) is worked
 * through by the lanes themselves, each going on with what is due once its own referral is routed, not left for the
 * once-a-second sweep to take one at a time. The scheduled sweep is paused here, so only the lanes can move them.
 */
@QuarkusTest
class RoutingLanesTest {

    static final int BACKLOG = 30;

    @Inject
    Scheduler scheduler;

    @Test
    void aLaneThatHasRoutedItsReferralGoesOnWithTheBacklog() {
        String district = TestServices.freshDistrict();
        String key = district.toLowerCase();
        TestServices.install(
                TestServices.service("lanes-falls-" + key, ServiceType.FALLS_RESPONSE, "LF" + district, district,
                        Duration.ofMinutes(10)),
                TestServices.service("lanes-ucr-" + key, ServiceType.UCR, "LU" + district, district,
                        Duration.ofMinutes(15)));
        List<UUID> backlog = new ArrayList<>();
        for (int i = 0; i < BACKLOG; i++) {
            backlog.add(Referrals.post(Referrals.fallIn(district, "C3")));
        }
        backlog.forEach(id -> Referrals.awaitOffer(id, 1));

        scheduler.pause(DueReferralSweeper.SWEEP);
        try {
            // Every first offer's window closes at once: thirty referrals are due, and no sweep will come.
            String ids = backlog.stream().map(id -> "'" + id + "'").collect(Collectors.joining(","));
            TestDatabase.execute("UPDATE offer SET deadline_at = now() - interval '1 second' WHERE referral_id IN ("
                    + ids + ")");
            TestDatabase.execute("UPDATE referral SET next_action_at = now() - interval '1 second' WHERE id IN ("
                    + ids + ")");

            // One new incident: its lane routes it, then takes the backlog.
            UUID kicked = Referrals.post(Referrals.fallIn(district, "C3"));
            Referrals.awaitOffer(kicked, 1);
            backlog.forEach(id -> Referrals.awaitOffer(id, 2));

            for (UUID referral : backlog) {
                assertEquals(List.of("failed", "requested"), Referrals.offers(referral).stream()
                        .map(o -> o.get("status")).toList(), "referral " + referral);
            }
        } finally {
            scheduler.resume(DueReferralSweeper.SWEEP);
        }
    }
}
