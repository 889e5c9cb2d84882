package org.rightcare.hub.cascade;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rightcare.hub.testing.Referrals.answer;
import static org.rightcare.hub.testing.Referrals.awaitOffer;
import static org.rightcare.hub.testing.Referrals.fallIn;
import static org.rightcare.hub.testing.Referrals.offers;
import static org.rightcare.hub.testing.Referrals.post;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.rightcare.hub.cad.ReferralCallbacks;
import org.rightcare.hub.directory.Capacity;
import org.rightcare.hub.directory.OpeningHours;
import org.rightcare.hub.directory.ServiceType;
import org.rightcare.hub.subscriptions.SubscriptionNotifications;
import org.rightcare.hub.support.WallClock;
import org.rightcare.hub.testing.CadWebhook;
import org.rightcare.hub.testing.TestDatabase;
import org.rightcare.hub.testing.TestServices;
import org.rightcare.hub.testing.Tokens;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.arc.All;
import io.quarkus.arc.ClientProxy;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The send-back loop end to end through the real webhook, router, Task API and database: every referral is
 * offered to the right service in turn, or handed back to the ambulance service with the reason.
 */
@QuarkusTest
class SendBackLoopTest {

    static final String DOS_CAPACITY = "https://fhir.nhs.uk/CodeSystem/dos-rejected-reasons-bars";

    @Inject
    DueReferralSweeper sweeper;

    @Inject
    @All
    List<ReferralListener> listeners;

    /** A falls service and a UCR team, both 24/7, in a district of the test's own. */
    record Area(String district, String falls, String fallsOds, String ucr, String ucrOds) {
    }

    static Area fallsAndUcr() {
        String district = TestServices.freshDistrict();
        String key = district.toLowerCase();
        Area area = new Area(district, "falls-" + key, "F" + district, "ucr-" + key, "U" + district);
        TestServices.install(
                TestServices.service(area.falls(), ServiceType.FALLS_RESPONSE, area.fallsOds(), district,
                        Duration.ofMinutes(10)),
                TestServices.service(area.ucr(), ServiceType.UCR, area.ucrOds(), district, Duration.ofMinutes(15)));
        return area;
    }

    static String status(UUID referralId) {
        return (String) TestDatabase.query("SELECT status FROM referral WHERE id = ?", referralId).get(0).get("status");
    }

    static String sendBackReason(UUID referralId) {
        return (String) TestDatabase.query("SELECT send_back_reason FROM referral WHERE id = ?", referralId).get(0)
                .get("send_back_reason");
    }

    static List<String> callbacks(UUID referralId) {
        return TestDatabase.query("""
                SELECT payload::json->>'eventType' AS type FROM delivery_outbox
                WHERE referral_id = ? ORDER BY sequence""", referralId)
                .stream().map(row -> (String) row.get("type")).toList();
    }

    /** The documented order in which the cascade tells each step: the subscribers, then the CAD. */
    @Test
    void everyStepIsToldToTheSubscribersThenToTheCad() {
        assertEquals(2, listeners.size(), listeners.toString());
        assertTrue(ClientProxy.unwrap(listeners.get(0)) instanceof SubscriptionNotifications, listeners.toString());
        assertTrue(ClientProxy.unwrap(listeners.get(1)) instanceof ReferralCallbacks, listeners.toString());
    }

    @Test
    void offersANewFallToTheFallsServiceAndTellsTheCad() {
        Area area = fallsAndUcr();
        UUID referral = post(fallIn(area.district(), "C3"));

        UUID offer = awaitOffer(referral, 1);

        assertEquals(area.falls(), offers(referral).get(0).get("service_id"));
        assertEquals("offered", status(referral));
        given().auth().oauth2(Tokens.provider(area.fallsOds())).get("/fhir/Task/" + offer).then().statusCode(200)
                .body("status", equalTo("requested"))
                .body("focus.reference", equalTo("ServiceRequest/" + referral))
                .body("owner.identifier.value", equalTo(area.fallsOds()));
        assertEquals(List.of("referral.offered"), callbacks(referral));
    }

    @Test
    void cascadesToTheNextServiceWhenTheFirstDeclines() {
        Area area = fallsAndUcr();
        UUID referral = post(fallIn(area.district(), "C3"));
        UUID first = awaitOffer(referral, 1);

        answer(first, area.fallsOds(), "rejected", DOS_CAPACITY, "22").then().statusCode(200)
                .body("status", equalTo("rejected"));

        UUID second = awaitOffer(referral, 2);
        assertEquals(area.ucr(), offers(referral).get(1).get("service_id"));
        answer(second, area.ucrOds(), "accepted", null, null).then().statusCode(200);
        assertEquals("accepted", status(referral));
        assertEquals(List.of("referral.offered", "referral.offered", "referral.accepted"), callbacks(referral));
    }

    @Test
    void sendsBackWhenEveryServiceDeclinesWithTheLastReason() {
        Area area = fallsAndUcr();
        UUID referral = post(fallIn(area.district(), "C3"));
        answer(awaitOffer(referral, 1), area.fallsOds(), "rejected", DOS_CAPACITY, "22").then().statusCode(200);
        answer(awaitOffer(referral, 2), area.ucrOds(), "rejected", DOS_CAPACITY, "23").then().statusCode(200);

        assertEquals("sent-back", status(referral));
        assertEquals("clinically-inappropriate", sendBackReason(referral));
        assertEquals("referral.sent-back", callbacks(referral).get(2));
        Map<String, Object> sentBack = TestDatabase.query("""
                SELECT payload::json AS body FROM delivery_outbox WHERE referral_id = ? ORDER BY sequence DESC LIMIT 1""",
                referral).get(0);
        String body = sentBack.get("body").toString();
        assertTrue(body.contains("\"code\":\"clinically-inappropriate\"")
                || body.contains("\"code\": \"clinically-inappropriate\""), body);
        assertTrue(body.contains(area.falls()) && body.contains(area.ucr()), "both attempts are listed: " + body);
    }

    @Test
    void explainsTheRouteToTheCadAndOnTheServiceRequest() {
        Area area = fallsAndUcr();
        ObjectNode created = fallIn(area.district(), "C3");
        UUID referral = post(created);
        answer(awaitOffer(referral, 1), area.fallsOds(), "rejected", DOS_CAPACITY, "22").then().statusCode(200);
        awaitOffer(referral, 2);

        String path = "/cad/v1/incidents/" + CadWebhook.CAD_SYSTEM + "/" + created.at("/incident/incidentId").asText();
        given().header(org.rightcare.hub.cad.WebhookSignature.HEADER, org.rightcare.hub.cad.WebhookSignature.sign(
                CadWebhook.SECRET, Instant.now(), path.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .get(path).then().statusCode(200)
                .body("status", equalTo("offered"))
                .body("routing.ruleId", equalTo("fall-without-serious-injury"))
                .body("routing.candidates[0].serviceId", equalTo(area.ucr()))
                .body("routing.exclusions.find { it.serviceId == '" + area.falls() + "' }.reason",
                        equalTo("ALREADY_DECLINED"))
                .body("offers[0].service", equalTo(area.falls()))
                .body("offers[0].status", equalTo("rejected"))
                .body("offers[0].reason.code", equalTo("22"))
                .body("offers[0].task", org.hamcrest.Matchers.endsWith("/fhir/Task/" + offers(referral).get(0).get("id")))
                .body("offers[1].status", equalTo("requested"));

        given().auth().oauth2(Tokens.hubClinician()).get("/fhir/ServiceRequest/" + referral).then()
                .statusCode(200)
                .body("performer[0].reference", equalTo("HealthcareService/" + area.ucr()))
                .body("note.text.find { it.startsWith('Routing decision') }",
                        org.hamcrest.Matchers.containsString("rule fall-without-serious-injury"))
                .body("note.text.find { it.startsWith('Offer 1') }",
                        org.hamcrest.Matchers.containsString("rejected (Rejected for capacity reasons"));
        // The service holding the case sees it, with its own offer only: not who else was asked, nor why.
        given().auth().oauth2(Tokens.provider(area.ucrOds())).get("/fhir/ServiceRequest/" + referral).then()
                .statusCode(200)
                .body("performer[0].reference", equalTo("HealthcareService/" + area.ucr()))
                .body("note.text.findAll { it.startsWith('Routing decision') }", org.hamcrest.Matchers.empty())
                .body("note.text.findAll { it.startsWith('Offer') }", org.hamcrest.Matchers.hasSize(1))
                .body("note.text.find { it.startsWith('Offer') }",
                        org.hamcrest.Matchers.containsString(area.ucr()));
    }

    @Test
    void movesOnWhenAServiceDoesNotAnswerWithinItsWindow() {
        Area area = fallsAndUcr();
        UUID referral = post(fallIn(area.district(), "C3"));
        awaitOffer(referral, 1);

        sweepEverythingDueAt(Instant.now().plus(Duration.ofMinutes(11)));

        List<Map<String, Object>> offers = offers(referral);
        assertEquals("failed", offers.get(0).get("status"));
        assertEquals("timed-out", offers.get(0).get("status_reason_code"));
        assertEquals(area.ucr(), offers.get(1).get("service_id"));
        assertEquals("requested", offers.get(1).get("status"));
    }

    @Test
    void sendsBackWhenTheTimeBudgetRunsOut() {
        Area area = fallsAndUcr();
        UUID referral = post(fallIn(area.district(), "C3"));
        awaitOffer(referral, 1);

        // The default policy gives C3 60 minutes; both windows (10 + 15 min) pass unanswered, then the budget.
        sweepEverythingDueAt(Instant.now().plus(Duration.ofMinutes(11)));
        sweepEverythingDueAt(Instant.now().plus(Duration.ofMinutes(61)));

        assertEquals("sent-back", status(referral));
        assertEquals("timed-out", sendBackReason(referral));
        assertEquals(List.of("failed", "failed"), offers(referral).stream().map(o -> o.get("status")).toList());
    }

    @Test
    void sendsBackAtOnceWhenEverySuitableServiceIsClosed() {
        String district = TestServices.freshDistrict();
        java.time.LocalDateTime today = java.time.LocalDateTime.now(WallClock.ZONE);
        OpeningHours never = new OpeningHours(
                List.of(OpeningHours.AvailableTime.allDay(java.util.EnumSet.allOf(java.time.DayOfWeek.class))),
                List.of(new OpeningHours.NotAvailable("Closed for this test", today.minusDays(1), today.plusDays(1))));
        TestServices.install(TestServices.service("shut-" + district.toLowerCase(), ServiceType.FALLS_RESPONSE, "S" + district,
                district, Duration.ofMinutes(10), never));

        UUID referral = post(fallIn(district, "C3"));

        TestDatabase.await("the referral is sent back", () -> "sent-back".equals(status(referral)));
        assertEquals("service-closed", sendBackReason(referral));
        assertTrue(offers(referral).isEmpty());
    }

    @Test
    void sendsBackWithNoCapacityWhenTheOnlyServiceIsFull() {
        String district = TestServices.freshDistrict();
        String id = "full-" + district.toLowerCase();
        TestServices.install(TestServices.service(id, ServiceType.UCR, "Q" + district, district, Duration.ofMinutes(10)));
        TestServices.capacity(id, Capacity.Rag.RED, 0);

        UUID referral = post(fallIn(district, "C3"));

        TestDatabase.await("the referral is sent back", () -> "sent-back".equals(status(referral)));
        assertEquals("no-capacity", sendBackReason(referral));
    }

    @Test
    void neverOffersAnAmbulanceOnlyCategory() {
        Area area = fallsAndUcr();
        for (String category : List.of("C1", "C2", "HCP2", "IFT3")) {
            UUID referral = post(fallIn(area.district(), category));
            TestDatabase.await(category + " is sent back", () -> "sent-back".equals(status(referral)));
            assertEquals("not-eligible-category", sendBackReason(referral));
            assertTrue(offers(referral).isEmpty(), category + " was offered");
        }
    }

    @Test
    void anUpgradeToC1WithdrawsTheOpenOfferAtOnce() {
        Area area = fallsAndUcr();
        ObjectNode created = fallIn(area.district(), "C3");
        UUID referral = post(created);
        UUID offer = awaitOffer(referral, 1);

        ObjectNode upgrade = CadWebhook.follow(created, "incident.updated", Instant.now());
        ((ObjectNode) upgrade.get("incident")).put("category", "C1");
        CadWebhook.post(upgrade).then().statusCode(202).body("status", equalTo("sent-back"));

        assertEquals("cancelled", offers(referral).get(0).get("status"));
        assertEquals("not-eligible-category", sendBackReason(referral));
        answer(offer, area.fallsOds(), "accepted", null, null).then().statusCode(409);
    }

    @Test
    void aCadCancelWithdrawsEvenAnAcceptedReferral() {
        Area area = fallsAndUcr();
        ObjectNode created = fallIn(area.district(), "C4");
        UUID referral = post(created);
        answer(awaitOffer(referral, 1), area.fallsOds(), "accepted", null, null).then().statusCode(200);

        ObjectNode cancel = CadWebhook.follow(created, "incident.cancelled", Instant.now());
        CadWebhook.post(cancel).then().statusCode(202).body("status", equalTo("cancelled"));

        assertEquals("cancelled", offers(referral).get(0).get("status"));
        assertEquals("referral.cancelled", callbacks(referral).get(callbacks(referral).size() - 1));
    }

    @Test
    void acceptingAnOfferUsesOneOfTheServicesPlaces() {
        String district = TestServices.freshDistrict();
        String id = "places-" + district.toLowerCase();
        TestServices.install(
                TestServices.service(id, ServiceType.FALLS_RESPONSE, "P" + district, district, Duration.ofMinutes(10)));
        TestServices.capacity(id, Capacity.Rag.GREEN, 2);
        UUID referral = post(fallIn(district, "C3"));

        answer(awaitOffer(referral, 1), "P" + district, "accepted", null, null).then().statusCode(200);

        assertEquals(1, TestDatabase.count("SELECT places FROM service_capacity WHERE service_id = ?", id));
    }

    @Test
    void onlyTheOfferedOrganisationMayAnswerAndOnlyLegally() {
        Area area = fallsAndUcr();
        UUID referral = post(fallIn(area.district(), "C3"));
        UUID offer = awaitOffer(referral, 1);

        answer(offer, area.ucrOds(), "accepted", null, null).then().statusCode(404);
        given().auth().oauth2(Tokens.provider(area.ucrOds())).get("/fhir/Task/" + offer).then().statusCode(404);
        answer(offer, area.fallsOds(), "rejected", null, null).then().statusCode(422);
        answer(offer, area.fallsOds(), "completed", null, null).then().statusCode(409);
        given().auth().oauth2(Tokens.provider(area.fallsOds())).contentType("application/fhir+json")
                .header("If-Match", "W/\"7\"")
                .body("{\"resourceType\":\"Task\",\"id\":\"" + offer + "\",\"status\":\"accepted\",\"intent\":\"order\"}")
                .put("/fhir/Task/" + offer).then().statusCode(412);
        assertEquals("requested", offers(referral).get(0).get("status"));

        given().auth().oauth2(Tokens.provider(area.fallsOds())).contentType("application/fhir+json")
                .header("If-Match", "W/\"1\"")
                .body("{\"resourceType\":\"Task\",\"id\":\"" + offer + "\",\"status\":\"accepted\",\"intent\":\"order\"}")
                .put("/fhir/Task/" + offer).then().statusCode(200).header("ETag", "W/\"2\"");
        answer(offer, area.fallsOds(), "completed", null, null).then().statusCode(200);
        assertEquals("completed", status(referral));
        assertEquals("referral.completed", callbacks(referral).get(callbacks(referral).size() - 1));
    }

    /**
     * Sweeps until nothing is due at {@code at}. One sweep advances at most hub.routing.sweep-batch referrals, oldest
     * due first, and the suite's database holds every other test's referrals too, so a single sweep at a future time
     * may stop before it reaches this test's one.
     */
    void sweepEverythingDueAt(Instant at) {
        int advanced;
        do {
            advanced = sweeper.sweep(at).await().atMost(Duration.ofSeconds(60));
        } while (advanced > 0);
    }
}
