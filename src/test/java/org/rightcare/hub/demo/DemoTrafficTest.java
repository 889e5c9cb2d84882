package org.rightcare.hub.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.rightcare.hub.testing.TestDatabase;

import io.quarkus.test.junit.QuarkusTest;

/**
 * The demo's live traffic goes through the real intake: each tick stores a generated incident as a CAD event and a
 * referral, as a CAD's post would. In tests the schedule is off; the test ticks by hand.
 */
@QuarkusTest
class DemoTrafficTest {

    @Inject
    DemoTraffic traffic;

    static long demoReferrals() {
        return TestDatabase.count("SELECT count(*) FROM referral WHERE incident_id LIKE 'DEMO-%'");
    }

    @Test
    void eachTickStoresAGeneratedIncidentThroughIntake() {
        long before = demoReferrals();

        traffic.postOne().await().atMost(Duration.ofSeconds(10));
        traffic.postOne().await().atMost(Duration.ofSeconds(10));

        assertEquals(before + 2, demoReferrals());
        assertEquals(before + 2, TestDatabase.count("""
                SELECT count(*) FROM cad_event e JOIN referral r ON r.id = e.referral_id
                WHERE r.incident_id LIKE 'DEMO-%'"""));
    }

    @Test
    void theDemoCadEndOfCallbacksDoesNotExistOutsideTheDemo() {
        io.restassured.RestAssured.given().contentType("application/json").body("{}").post("/demo/cad-callbacks")
                .then().statusCode(404);
    }
}
