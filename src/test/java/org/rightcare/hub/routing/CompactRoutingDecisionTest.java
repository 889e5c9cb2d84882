package org.rightcare.hub.routing;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rightcare.hub.testing.Referrals.awaitOffer;
import static org.rightcare.hub.testing.Referrals.fallIn;
import static org.rightcare.hub.testing.Referrals.post;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.rightcare.hub.cad.WebhookSignature;
import org.rightcare.hub.directory.CommunityService;
import org.rightcare.hub.directory.ServiceType;
import org.rightcare.hub.testing.CadWebhook;
import org.rightcare.hub.testing.TestDatabase;
import org.rightcare.hub.testing.TestServices;
import org.rightcare.hub.testing.Tokens;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;

/**
 * A routing decision in a large directory is stored without the services that could never have taken the case, and
 * the CAD and the clinicians still see every one of them with its reason, rebuilt from the same directory; once the
 * directory has changed they see how many were left out and why, never a list that is not the one decided on.
 */
@QuarkusTest
class CompactRoutingDecisionTest {

    @Test
    void storesOnlyWhatCouldHaveTakenTheCaseAndStillExplainsEveryExclusion() {
        String district = TestServices.freshDistrict();
        String elsewhere = TestServices.freshDistrict();
        String key = district.toLowerCase();
        TestServices.install(TestServices.service("falls-" + key, ServiceType.FALLS_RESPONSE, "F" + district, district,
                Duration.ofMinutes(10)));
        CommunityService[] far = IntStream.range(0, CompactDecisions.LIST_EVERY_EXCLUSION_UP_TO + 5)
                .mapToObj(i -> TestServices.service("ucr-" + key + "-far-" + i, ServiceType.UCR, "U" + district + i,
                        elsewhere, Duration.ofMinutes(15)))
                .toArray(CommunityService[]::new);
        TestServices.install(far);
        ObjectNode created = fallIn(district, "C3");
        UUID referral = post(created);
        awaitOffer(referral, 1);

        Map<String, Object> row = TestDatabase.query("""
                SELECT decision::text AS decision, directory_version FROM routing_decision WHERE referral_id = ?""",
                referral).get(0);
        String stored = (String) row.get("decision");
        assertFalse(stored.contains(far[0].id()), "an out-of-area service is counted, not stored: " + stored);
        assertTrue(stored.contains("\"OUT_OF_AREA\""), stored);
        assertTrue(row.get("directory_version") != null);

        String farService = far[3].id();
        status(created).body("routing.candidates[0].serviceId", equalTo("falls-" + key))
                .body("routing.unlistedExclusions", equalTo(0))
                .body("routing.excludedCounts.OUT_OF_AREA", greaterThanOrEqualTo(far.length))
                .body("routing.exclusions.find { it.serviceId == '" + farService + "' }.reason",
                        equalTo("OUT_OF_AREA"))
                .body("routing.exclusions.find { it.serviceId == '" + farService + "' }.detail",
                        equalTo("the patient's location is outside its catchment"));
        given().auth().oauth2(Tokens.hubClinician()).get("/fhir/ServiceRequest/" + referral).then().statusCode(200)
                .body("note.text.find { it.startsWith('Routing decision') }", containsString(farService
                        + " (out of area: the patient's location is outside its catchment)"));

        // Any change to the directory: the list can no longer be rebuilt as it was decided, so the reader is told.
        TestServices.install(TestServices.service("gp-" + key, ServiceType.GP_IN_HOURS, "G" + district,
                TestServices.freshDistrict(), Duration.ofMinutes(15)));
        int unlisted = status(created).body("routing.unlistedExclusions", greaterThanOrEqualTo(far.length))
                .body("routing.exclusions.serviceId", not(hasItem(farService)))
                .extract().path("routing.unlistedExclusions");
        given().auth().oauth2(Tokens.hubClinician()).get("/fhir/ServiceRequest/" + referral).then().statusCode(200)
                .body("note.text.find { it.startsWith('Routing decision') }",
                        containsString(unlisted + " more excluded, not listed (out of area: "))
                .body("note.text.find { it.startsWith('Routing decision') }",
                        containsString("; the directory has changed since)"));
    }

    private static ValidatableResponse status(ObjectNode created) {
        String path = "/cad/v1/incidents/" + CadWebhook.CAD_SYSTEM + "/" + created.at("/incident/incidentId").asText();
        return given().header(WebhookSignature.HEADER, WebhookSignature.sign(CadWebhook.SECRET, Instant.now(),
                path.getBytes(StandardCharsets.UTF_8))).get(path).then().statusCode(200);
    }
}
