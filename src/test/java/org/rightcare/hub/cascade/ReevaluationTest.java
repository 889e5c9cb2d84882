package org.rightcare.hub.cascade;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rightcare.hub.testing.Referrals.answer;
import static org.rightcare.hub.testing.Referrals.awaitOffer;
import static org.rightcare.hub.testing.Referrals.fallIn;
import static org.rightcare.hub.testing.Referrals.lastCallback;
import static org.rightcare.hub.testing.Referrals.offers;
import static org.rightcare.hub.testing.Referrals.post;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.MessageHeader;
import org.junit.jupiter.api.Test;
import org.rightcare.hub.bars.BarsMessaging;
import org.rightcare.hub.directory.CommunityService;
import org.rightcare.hub.directory.DeliveryEndpoint;
import org.rightcare.hub.directory.ServiceType;
import org.rightcare.hub.testing.CadWebhook;
import org.rightcare.hub.testing.FhirProviderServer;
import org.rightcare.hub.testing.TestDatabase;
import org.rightcare.hub.testing.TestServices;

import com.fasterxml.jackson.databind.node.ObjectNode;

import ca.uhn.fhir.context.FhirContext;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Issue 15 item 1 end to end through the real webhook: every change the CAD sends re-checks the open offer and the
 * acceptance against the router's rules; what no longer holds is withdrawn at once, and the provider and the CAD are
 * told why; what still holds gets the new picture. (The test services take C3-C5 adults with NEWS2 up to 6.)
 */
@QuarkusTest
class ReevaluationTest {

    /** The CAD's update of the incident, {@code change} applied to a copy of its picture. */
    static ObjectNode update(ObjectNode created, java.util.function.Consumer<ObjectNode> change) {
        ObjectNode update = CadWebhook.follow(created, "incident.updated", Instant.now());
        change.accept((ObjectNode) update.get("incident"));
        return update;
    }

    static void news2(ObjectNode incident, int news2) {
        ((ObjectNode) incident.get("clinical")).put("news2", news2);
    }

    @Test
    void deteriorationPastTheCeilingWhileOfferedWithdrawsTheOfferAndSendsTheCaseBackAsDeteriorated() throws Exception {
        SendBackLoopTest.Area area = SendBackLoopTest.fallsAndUcr();
        ObjectNode created = fallIn(area.district(), "C3");
        UUID referral = post(created);
        UUID offer = awaitOffer(referral, 1);

        CadWebhook.post(update(created, i -> news2(i, 9))).then().statusCode(202).body("status", equalTo("sent-back"));

        assertEquals("cancelled", offers(referral).get(0).get("status"));
        assertEquals("deteriorated", offers(referral).get(0).get("status_reason_code"));
        assertEquals(1, offers(referral).size(), "no other service takes NEWS2 9");
        assertEquals("deteriorated", SendBackLoopTest.sendBackReason(referral));
        assertEquals("deteriorated", lastCallback(referral).at("/reason/code").asText());
        answer(offer, area.fallsOds(), "accepted", null, null).then().statusCode(409);
    }

    @Test
    void aCrewConveyingWhileOfferedSendsTheCaseBackAsConveying() {
        SendBackLoopTest.Area area = SendBackLoopTest.fallsAndUcr();
        ObjectNode created = fallIn(area.district(), "C3");
        UUID referral = post(created);
        awaitOffer(referral, 1);

        CadWebhook.post(update(created, i -> i.put("dispatchState", "conveying"))).then().statusCode(202);

        assertEquals("cancelled", offers(referral).get(0).get("status"));
        assertEquals("conveying", SendBackLoopTest.sendBackReason(referral));
    }

    @Test
    void anUpgradeAfterAcceptanceRecallsItAndTheCadGetsTheCaseBack() throws Exception {
        SendBackLoopTest.Area area = SendBackLoopTest.fallsAndUcr();
        ObjectNode created = fallIn(area.district(), "C3");
        UUID referral = post(created);
        answer(awaitOffer(referral, 1), area.fallsOds(), "accepted", null, null).then().statusCode(200);

        CadWebhook.post(update(created, i -> i.put("category", "C1"))).then().statusCode(202)
                .body("status", equalTo("sent-back"));

        assertEquals("cancelled", offers(referral).get(0).get("status"));
        assertEquals("category-upgraded", offers(referral).get(0).get("status_reason_code"));
        assertEquals(List.of("referral.offered", "referral.accepted", "referral.sent-back"),
                SendBackLoopTest.callbacks(referral));
        assertEquals("not-eligible-category", lastCallback(referral).at("/reason/code").asText());
    }

    @Test
    void deteriorationAfterAcceptanceRecallsIt() {
        SendBackLoopTest.Area area = SendBackLoopTest.fallsAndUcr();
        ObjectNode created = fallIn(area.district(), "C4");
        UUID referral = post(created);
        answer(awaitOffer(referral, 1), area.fallsOds(), "accepted", null, null).then().statusCode(200);

        CadWebhook.post(update(created, i -> news2(i, 8))).then().statusCode(202);

        assertEquals("sent-back", SendBackLoopTest.status(referral));
        assertEquals("deteriorated", SendBackLoopTest.sendBackReason(referral));
    }

    @Test
    void aNewPictureThatStillHoldsIsSentToTheHoldingServicesBarsEndpointAndTheCaseStays() throws Exception {
        try (FhirProviderServer receiver = new FhirProviderServer()) {
            String district = TestServices.freshDistrict();
            CommunityService falls = TestServices.withEndpoint(TestServices.service("upd-falls-"
                    + district.toLowerCase(), ServiceType.FALLS_RESPONSE, "W" + district, district,
                    Duration.ofMinutes(10)), new DeliveryEndpoint(DeliveryEndpoint.Kind.BARS, receiver.base()));
            TestServices.install(falls);
            ObjectNode created = fallIn(district, "C3");
            UUID referral = post(created);
            UUID offer = awaitOffer(referral, 1);
            TestDatabase.await("the offer is delivered", () -> receiver.messages().size() == 1);

            CadWebhook.post(update(created, i -> {
                news2(i, 4);
                ((ObjectNode) i.get("clinical")).put("notes", "Now complaining of hip pain on moving");
            })).then().statusCode(202).body("status", equalTo("offered"));

            assertEquals("requested", offers(referral).get(0).get("status"));
            TestDatabase.await("the new picture is delivered", () -> receiver.messages().size() == 2);
            Bundle update = receiver.messages().get(1);
            MessageHeader header = (MessageHeader) update.getEntryFirstRep().getResource();
            assertEquals(BarsMessaging.REASON_UPDATE, header.getReason().getCodingFirstRep().getCode());
            assertNotEquals(offer.toString(), update.getIdElement().getIdPart(), "a message of its own");
            assertTrue(FhirContext.forR4Cached().newJsonParser().encodeResourceToString(update).contains("hip pain"));
        }
    }

    @Test
    void aFarFutureEventTimeDoesNotBlockALaterUpgrade() {
        SendBackLoopTest.Area area = SendBackLoopTest.fallsAndUcr();
        ObjectNode created = fallIn(area.district(), "C3");
        UUID referral = post(created);
        awaitOffer(referral, 1);
        // An event time a year ahead, as one stored before the door refused implausible times would be.
        TestDatabase.execute("UPDATE referral SET last_event_at = now() + interval '365 days' WHERE id = ?", referral);

        CadWebhook.post(update(created, i -> i.put("category", "C2"))).then().statusCode(202)
                .body("status", equalTo("sent-back"));

        assertEquals("not-eligible-category", SendBackLoopTest.sendBackReason(referral));
        given().when().get("/q/health/live").then().statusCode(200);
    }
}
