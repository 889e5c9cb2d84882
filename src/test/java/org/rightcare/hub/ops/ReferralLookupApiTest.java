package org.rightcare.hub.ops;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.Test;
import org.rightcare.hub.directory.ServiceType;
import org.rightcare.hub.intake.NhsNumber;
import org.rightcare.hub.testing.CallbackReceiver;
import org.rightcare.hub.testing.Referrals;
import org.rightcare.hub.testing.TestDatabase;
import org.rightcare.hub.testing.TestServices;
import org.rightcare.hub.testing.Tokens;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * Operators finding a referral by NHS number, CAD incident id or referral id, and reading its timeline: every step
 * from the CAD event to the callbacks, no patient details, every look audited; bad searches refused, changing nothing.
 */
@QuarkusTest
class ReferralLookupApiTest {

    private static final String DOS = "https://fhir.nhs.uk/CodeSystem/dos-rejected-reasons-bars";

    static String operatorToken() {
        return Tokens.issue("ops-bob", null, List.of("hub-admin"));
    }

    /** A valid NHS number no other test uses, so a search finds this test's referral alone. */
    static String freshNhsNumber() {
        while (true) {
            String candidate = String.valueOf(ThreadLocalRandom.current().nextLong(1_000_000_000L, 9_999_999_999L));
            if (NhsNumber.isValid(candidate)) {
                return candidate;
            }
        }
    }

    @Test
    void findsAReferralByNhsNumberWithItsWholeJourneyAndAuditsTheLook() {
        String district = TestServices.freshDistrict();
        String key = district.toLowerCase();
        TestServices.install(
                TestServices.service("falls-l-" + key, ServiceType.FALLS_RESPONSE, "FL" + district, district,
                        Duration.ofMinutes(10)),
                TestServices.service("ucr-l-" + key, ServiceType.UCR, "UL" + district, district, Duration.ofMinutes(15)));
        String nhsNumber = freshNhsNumber();
        try (CallbackReceiver cad = new CallbackReceiver()) {
            ObjectNode created = Referrals.fallIn(district, "C3");
            created.put("callbackUrl", cad.url());
            ((ObjectNode) created.at("/incident/patient")).put("nhsNumber", nhsNumber);
            String incidentId = created.at("/incident/incidentId").asText();
            UUID referralId = Referrals.post(created);
            Referrals.answer(Referrals.awaitOffer(referralId, 1), "FL" + district, "rejected", DOS, "22").then()
                    .statusCode(200);
            Referrals.answer(Referrals.awaitOffer(referralId, 2), "UL" + district, "accepted", null, null).then()
                    .statusCode(200);
            TestDatabase.await("every callback delivered", () -> TestDatabase.count("""
                    SELECT count(*) FROM delivery_outbox WHERE referral_id = ? AND state = 'delivered'""", referralId) >= 3
                    && TestDatabase.count("SELECT count(*) FROM delivery_outbox WHERE referral_id = ? AND state <> 'delivered'",
                            referralId) == 0);
            long auditedBefore = audits(referralId);

            String body = given().auth().oauth2(operatorToken()).contentType("application/json")
                    .body("{\"nhsNumber\": \"" + nhsNumber.substring(0, 3) + " " + nhsNumber.substring(3, 6) + " "
                            + nhsNumber.substring(6) + "\"}")
                    .post("/admin/referrals/search")
                    .then().statusCode(200).extract().asString();

            JsonPath found = JsonPath.from(body);
            assertEquals(1, found.getList("matches").size());
            assertEquals(referralId.toString(), found.getString("matches[0].referral.id"));
            assertEquals(incidentId, found.getString("matches[0].referral.incidentId"));
            assertEquals("accepted", found.getString("matches[0].referral.status"));
            List<String> kinds = found.getList("matches[0].timeline.kind");
            assertEquals("cad-event", kinds.get(0), kinds.toString());
            assertTrue(kinds.indexOf("routing-decision") < kinds.indexOf("offer"), kinds.toString());
            assertEquals(2, kinds.stream().filter("offer"::equals).count(), kinds.toString());
            assertEquals(2, kinds.stream().filter("offer-answer"::equals).count(), kinds.toString());
            List<Map<String, Object>> timeline = found.getList("matches[0].timeline");
            Map<String, Object> decision = timeline.stream().filter(e -> e.get("kind").equals("routing-decision"))
                    .findFirst().orElseThrow();
            assertFalse(((List<?>) ((Map<?, ?>) decision.get("detail")).get("candidates")).isEmpty(), decision.toString());
            assertTrue(timeline.stream().anyMatch(e -> e.get("kind").equals("offer-answer")
                    && ((Map<?, ?>) e.get("detail")).get("status").equals("rejected")
                    && ((Map<?, ?>) e.get("detail")).get("reasonCode").equals("22")), timeline.toString());
            List<Map<String, Object>> callbacks = timeline.stream().filter(e -> e.get("kind").equals("cad-callback"))
                    .toList();
            assertTrue(callbacks.stream().allMatch(e -> ((Map<?, ?>) e.get("detail")).get("state").equals("delivered")),
                    callbacks.toString());
            assertTrue(callbacks.stream().anyMatch(e -> "accepted".equals(((Map<?, ?>) e.get("detail")).get("callbackStatus"))),
                    callbacks.toString());
            for (String patientDetail : List.of(nhsNumber, "Edith", "Marsh", "1938-04-02", "Station Road")) {
                assertFalse(body.contains(patientDetail), "the timeline shows " + patientDetail);
            }
            assertEquals(auditedBefore + 1, audits(referralId), "the operator's look is audited");
            assertEquals("nhs-number", TestDatabase.text("""
                    SELECT detail ->> 'by' FROM audit_event WHERE entity_id = ? AND action = 'referral.timeline.read'
                    ORDER BY at DESC LIMIT 1""", referralId.toString()));
            assertEquals("ops-bob", TestDatabase.text("""
                    SELECT actor FROM audit_event WHERE entity_id = ? AND action = 'referral.timeline.read'
                    ORDER BY at DESC LIMIT 1""", referralId.toString()));

            given().auth().oauth2(operatorToken()).contentType("application/json")
                    .body("{\"incidentId\": \"" + incidentId + "\", \"cadSystem\": \"TEST-CAD\"}")
                    .post("/admin/referrals/search")
                    .then().statusCode(200).body("matches[0].referral.id", equalTo(referralId.toString()));
            given().auth().oauth2(operatorToken()).contentType("application/json")
                    .body("{\"referralId\": \"" + referralId + "\"}")
                    .post("/admin/referrals/search")
                    .then().statusCode(200).body("matches[0].referral.incidentId", equalTo(incidentId));
            given().auth().oauth2(operatorToken()).get("/admin/referrals/" + referralId)
                    .then().statusCode(200).body("referral.incidentId", equalTo(incidentId));
            assertEquals(auditedBefore + 4, audits(referralId));
        }
    }

    @Test
    void refusesBadSearchesAndUnknownReferralsWithoutAuditingAnything() {
        long before = TestDatabase.count("SELECT count(*) FROM audit_event WHERE action = 'referral.timeline.read'");
        search("{not json").then().statusCode(400).body("type", equalTo("https://rightcare-hub.org/problems/malformed-json"));
        search("").then().statusCode(400);
        search("{}").then().statusCode(422);
        search("[]").then().statusCode(422);
        search("{\"incidentId\": \"A\", \"nhsNumber\": \"9434765919\"}").then().statusCode(422);
        search("{\"nhsNumber\": \"9434765918\"}").then().statusCode(422).body("errors[0].pointer", equalTo("/nhsNumber"));
        search("{\"referralId\": \"not-a-uuid\"}").then().statusCode(422);
        search("{\"referralId\": 12}").then().statusCode(422);
        search("{\"patientName\": \"Marsh\"}").then().statusCode(422);
        search("{\"cadSystem\": \"TEST-CAD\"}").then().statusCode(422);
        search("{\"referralId\": \"" + UUID.randomUUID() + "\"}").then().statusCode(404);
        search("{\"nhsNumber\": \"" + freshNhsNumber() + "\"}").then().statusCode(404);
        search("{\"incidentId\": \"no-such-incident\"}").then().statusCode(404);
        given().auth().oauth2(operatorToken()).get("/admin/referrals/" + UUID.randomUUID()).then().statusCode(404);
        given().auth().oauth2(operatorToken()).get("/admin/referrals/nope").then().statusCode(404);
        assertEquals(before, TestDatabase.count("SELECT count(*) FROM audit_event WHERE action = 'referral.timeline.read'"));
    }

    @Test
    void onlyOperatorsMaySearch() {
        given().auth().oauth2(Tokens.provider("RYY")).contentType("application/json")
                .body("{\"nhsNumber\": \"9434765919\"}").post("/admin/referrals/search").then().statusCode(403);
        given().contentType("application/json").body("{\"nhsNumber\": \"9434765919\"}")
                .post("/admin/referrals/search").then().statusCode(401);
        given().auth().oauth2(Tokens.provider("RYY")).get("/admin/referrals/" + UUID.randomUUID()).then().statusCode(403);
    }

    private static io.restassured.response.Response search(String body) {
        return given().auth().oauth2(operatorToken()).contentType("application/json").body(body)
                .post("/admin/referrals/search");
    }

    private static long audits(UUID referralId) {
        return TestDatabase.count("SELECT count(*) FROM audit_event WHERE entity_id = ? AND action = 'referral.timeline.read'",
                referralId.toString());
    }
}
