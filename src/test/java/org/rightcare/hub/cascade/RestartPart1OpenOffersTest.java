package org.rightcare.hub.cascade;

import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.rightcare.hub.directory.ServiceType;
import org.rightcare.hub.testing.Referrals;
import org.rightcare.hub.testing.TestServices;

import io.quarkus.test.junit.QuarkusTest;

/**
 * The first half of the restart proof: leaves referrals with open offers in the database. Quarkus then stops this
 * instance of the hub and starts another (with {@link RestartPart2DeadlinesFireAfterRestartTest}'s profile), as a
 * rolling restart would. Test classes with a profile of their own run after all the others; {@code @Order} makes this
 * the last of the others, so no other test's sweep into the future acts on its deadlines before the restart.
 */
@QuarkusTest
@Order(Integer.MAX_VALUE)
class RestartPart1OpenOffersTest {

    static final String INCIDENT_PREFIX = "RESTART-";
    static final int REFERRALS = 10;

    @Test
    void leavesReferralsWithOpenOffersForTheNextInstance() {
        String district = TestServices.freshDistrict();
        String key = district.toLowerCase();
        TestServices.install(
                TestServices.service("restart-falls-" + key, ServiceType.FALLS_RESPONSE, "XF" + district, district, Duration.ofMinutes(10)),
                TestServices.service("restart-ucr-" + key, ServiceType.UCR, "XU" + district, district, Duration.ofMinutes(15)));
        for (int i = 0; i < REFERRALS; i++) {
            var event = Referrals.fallIn(district, "C3");
            ((com.fasterxml.jackson.databind.node.ObjectNode) event.get("incident"))
                    .put("incidentId", INCIDENT_PREFIX + UUID.randomUUID());
            Referrals.awaitOffer(Referrals.post(event), 1);
        }
    }
}
