package org.rightcare.hub.cascade;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rightcare.hub.testing.Referrals.answer;
import static org.rightcare.hub.testing.Referrals.awaitOffer;
import static org.rightcare.hub.testing.Referrals.fallIn;
import static org.rightcare.hub.testing.Referrals.lastCallback;
import static org.rightcare.hub.testing.Referrals.offers;
import static org.rightcare.hub.testing.Referrals.post;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.inject.Inject;

import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.MessageHeader;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.junit.jupiter.api.Test;
import org.rightcare.hub.audit.Actor;
import org.rightcare.hub.bars.BarsMessaging;
import org.rightcare.hub.directory.Capacity;
import org.rightcare.hub.directory.CommunityService;
import org.rightcare.hub.directory.DeliveryEndpoint;
import org.rightcare.hub.directory.DirectoryAdminService;
import org.rightcare.hub.directory.Eligibility;
import org.rightcare.hub.directory.InMemoryServiceDirectory;
import org.rightcare.hub.directory.OpeningHours;
import org.rightcare.hub.directory.ServiceType;
import org.rightcare.hub.referral.ArpCategory;
import org.rightcare.hub.routing.RoutingPolicies;
import org.rightcare.hub.routing.RoutingPolicy;
import org.rightcare.hub.routing.RoutingRule;
import org.rightcare.hub.support.WallClock;
import org.rightcare.hub.testing.FhirProviderServer;
import org.rightcare.hub.testing.TestDatabase;
import org.rightcare.hub.testing.TestServices;
import org.rightcare.hub.testing.Tokens;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.test.junit.QuarkusTest;

/**
 * Issue 15 item 1, the changes that do not come from the CAD: a service's directory entry (removed, no longer
 * eligible, hours) or its capacity changing re-checks the offers open with it by the router's own rules, and what no
 * longer holds is withdrawn at once (the provider's Task cancelled with the reason), the case going to the next
 * service or back to the ambulance service with the reason. A reload of the routing policy re-checks every open offer
 * the same way. An acceptance is not undone by the directory, the
 * service's capacity or the breach time passing: the service has taken clinical responsibility for the patient.
 */
@QuarkusTest
class ServiceChangesTest {

    private static final Actor ADMIN = Actor.hub("test");

    @Inject
    DirectoryAdminService admin;
    @Inject
    InMemoryServiceDirectory directory;
    @Inject
    DueReferralSweeper sweeper;
    @Inject
    RoutingPolicies policies;

    @Test
    void aServiceRemovedFromTheDirectoryLosesItsOpenOfferToTheNextService() {
        SendBackLoopTest.Area area = SendBackLoopTest.fallsAndUcr();
        UUID referral = post(fallIn(area.district(), "C3"));
        UUID offer = awaitOffer(referral, 1);
        assertEquals(area.falls(), offers(referral).get(0).get("service_id"));

        admin.delete(area.falls(), ADMIN).await().atMost(Duration.ofSeconds(10));

        awaitOffer(referral, 2);
        assertEquals("cancelled", offers(referral).get(0).get("status"));
        assertEquals("service-changed", offers(referral).get(0).get("status_reason_code"));
        assertEquals(area.ucr(), offers(referral).get(1).get("service_id"));
        assertEquals("requested", offers(referral).get(1).get("status"));
        assertEquals(List.of("referral.offered", "referral.offered"), SendBackLoopTest.callbacks(referral));
        answer(offer, area.fallsOds(), "accepted", null, null).then().statusCode(409);
    }

    @Test
    void aServiceThatReportsNoCapacityLosesItsOpenOfferAndTheCaseGoesBackWhenNoneIsLeft() {
        CommunityService falls = onlyAFallsService("cap");
        UUID referral = post(fallIn(falls.catchment().postcodeDistricts().get(0), "C3"));
        UUID offer = awaitOffer(referral, 1);

        TestServices.capacity(falls.id(), Capacity.Rag.RED, null);

        TestDatabase.await("the offer is withdrawn", () -> "sent-back".equals(SendBackLoopTest.status(referral)));
        assertEquals("cancelled", offers(referral).get(0).get("status"));
        assertEquals("no-capacity", offers(referral).get(0).get("status_reason_code"));
        assertEquals("no-capacity", SendBackLoopTest.sendBackReason(referral));
        assertEquals(List.of("referral.offered", "referral.sent-back"), SendBackLoopTest.callbacks(referral));
        assertEquals("no-capacity", lastCallback(referral).at("/reason/code").asText());
        // The provider sees its Task cancelled, with the hub's reason.
        given().auth().oauth2(Tokens.provider(falls.odsCode())).get("/fhir/Task/" + offer).then().statusCode(200)
                .body("status", org.hamcrest.Matchers.equalTo("cancelled"))
                .body("statusReason.coding[0].code", org.hamcrest.Matchers.equalTo("no-capacity"));
    }

    /** A provider reached over BaRS hears the withdrawal as BaRS says: a cancellation, its request revoked. */
    @Test
    void aBarsProviderHearsItsOfferRevokedWhenItsServiceReportsNoCapacity() throws Exception {
        try (FhirProviderServer receiver = new FhirProviderServer()) {
            String district = TestServices.freshDistrict();
            CommunityService falls = TestServices.withEndpoint(TestServices.service("bars-falls-"
                    + district.toLowerCase(), ServiceType.FALLS_RESPONSE, "B" + district, district,
                    Duration.ofMinutes(10)), new DeliveryEndpoint(DeliveryEndpoint.Kind.BARS, receiver.base()));
            TestServices.install(falls);
            UUID referral = post(fallIn(district, "C3"));
            awaitOffer(referral, 1);
            TestDatabase.await("the offer is delivered", () -> receiver.messages().size() == 1);

            TestServices.capacity(falls.id(), Capacity.Rag.RED, null);

            TestDatabase.await("the cancellation arrives", () -> receiver.messages().size() == 2);
            Bundle cancellation = receiver.messages().get(1);
            MessageHeader header = (MessageHeader) cancellation.getEntryFirstRep().getResource();
            assertEquals(BarsMessaging.CANCELLATION_DEFINITION, header.getDefinition());
            ServiceRequest request = cancellation.getEntry().stream().map(e -> e.getResource())
                    .filter(ServiceRequest.class::isInstance).map(ServiceRequest.class::cast).findFirst().orElseThrow();
            assertEquals(ServiceRequest.ServiceRequestStatus.REVOKED, request.getStatus());
            assertTrue(request.getReasonCodeFirstRep().getText().contains("no-capacity"),
                    request.getReasonCodeFirstRep().getText());
            assertEquals("no-capacity", lastCallback(referral).at("/reason/code").asText());
        }
    }

    @Test
    void aServiceNoLongerEligibleOrClosedNowLosesItsOpenOffer() {
        String district = TestServices.freshDistrict();
        String key = district.toLowerCase();
        CommunityService falls = TestServices.service("elig-falls-" + key, ServiceType.FALLS_RESPONSE, "E" + district,
                district, Duration.ofMinutes(10));
        CommunityService ucr = TestServices.service("hours-ucr-" + key, ServiceType.UCR, "H" + district, district,
                Duration.ofMinutes(15));
        TestServices.install(falls, ucr);
        UUID referral = post(fallIn(district, "C3"));
        awaitOffer(referral, 1);

        // The falls service now takes only patients of 100 and over: the patient (born 1938) is not one.
        Eligibility e = falls.eligibility();
        replace(new CommunityService(falls.id(), falls.name(), falls.type(), falls.odsCode(), falls.organisationName(),
                falls.dosServiceId(), falls.catchment(), falls.openingHours(),
                new Eligibility(e.categories(), e.dispatchPhases(), e.conditions(), 100, e.maximumAge(),
                        e.news2Ceiling(), e.minimumFrailty(), e.maximumFrailty(), e.excludedConditions()),
                falls.acceptanceWindow(), falls.endpoint(), falls.active()));
        awaitOffer(referral, 2);
        assertEquals("service-changed", offers(referral).get(0).get("status_reason_code"));
        assertEquals(ucr.id(), offers(referral).get(1).get("service_id"));

        // The UCR team's hours change so that it is closed now: its offer goes, and no service is left.
        replace(new CommunityService(ucr.id(), ucr.name(), ucr.type(), ucr.odsCode(), ucr.organisationName(),
                ucr.dosServiceId(), ucr.catchment(), closedToday(), ucr.eligibility(), ucr.acceptanceWindow(),
                ucr.endpoint(), ucr.active()));
        TestDatabase.await("the second offer is withdrawn", () -> "sent-back".equals(SendBackLoopTest.status(referral)));
        assertEquals("cancelled", offers(referral).get(1).get("status"));
        assertEquals("service-closed", offers(referral).get(1).get("status_reason_code"));
        assertEquals("service-closed", SendBackLoopTest.sendBackReason(referral));
        assertEquals(List.of("referral.offered", "referral.offered", "referral.sent-back"),
                SendBackLoopTest.callbacks(referral));
    }

    @Test
    void anOfferThatStillHoldsAfterAChangeStaysAndNobodyIsTold() {
        CommunityService falls = onlyAFallsService("amber");
        UUID referral = post(fallIn(falls.catchment().postcodeDistricts().get(0), "C3"));
        awaitOffer(referral, 1);

        TestServices.capacity(falls.id(), Capacity.Rag.AMBER, 2);
        // The re-check ran (the referral was made due, and is due again only at the offer's deadline).
        TestDatabase.await("the re-check has run", () -> TestDatabase.count(
                "SELECT count(*) FROM referral WHERE id = ? AND next_action_at > now() + interval '5 minutes'",
                referral) == 1);

        assertEquals("requested", offers(referral).get(0).get("status"));
        assertEquals("offered", SendBackLoopTest.status(referral));
        assertEquals(List.of("referral.offered"), SendBackLoopTest.callbacks(referral));
    }

    /**
     * A service that closes withdraws its open offer at its closing time, not at the end of its acceptance window:
     * the offer is due then, and the case moves on (here, back to the ambulance service: no other service is left).
     */
    @Test
    void aServiceThatClosesWithdrawsItsOpenOfferAtItsClosingTime() {
        String district = TestServices.freshDistrict();
        LocalDateTime closes = LocalDateTime.now(WallClock.ZONE).plusMinutes(3).truncatedTo(ChronoUnit.MINUTES);
        OpeningHours closingSoon = new OpeningHours(
                List.of(OpeningHours.AvailableTime.allDay(EnumSet.allOf(DayOfWeek.class))),
                List.of(new OpeningHours.NotAvailable("Closed for this test", closes, closes.plusDays(1))));
        TestServices.install(TestServices.service("closing-falls-" + district.toLowerCase(), ServiceType.FALLS_RESPONSE,
                "Z" + district, district, Duration.ofMinutes(10), closingSoon));
        UUID referral = post(fallIn(district, "C3"));
        awaitOffer(referral, 1);
        Instant closing = closes.atZone(WallClock.ZONE).toInstant();
        assertEquals(closing.getEpochSecond(), TestDatabase.count(
                "SELECT extract(epoch FROM deadline_at)::bigint FROM offer WHERE referral_id = ?", referral),
                "due when the service closes, not at the end of its 10 minutes");

        sweepUntilQuiet(closing.plusSeconds(1));

        assertEquals("failed", offers(referral).get(0).get("status"));
        assertEquals("service-closed", offers(referral).get(0).get("status_reason_code"));
        assertEquals("service-closed", SendBackLoopTest.sendBackReason(referral));
        assertEquals(List.of("referral.offered", "referral.sent-back"), SendBackLoopTest.callbacks(referral));
    }

    /**
     * The contract's 2026-12 additions recall an acceptance only when the service can no longer safely hold the
     * patient (an upgrade, deterioration, conveying, the service withdrawing): the breach time passing, the service
     * reporting no capacity or leaving the directory is none of these, so the acceptance stands and nobody is told.
     */
    @Test
    void anAcceptanceStandsWhenTheBreachTimePassesAndTheServiceChanges() {
        SendBackLoopTest.Area area = SendBackLoopTest.fallsAndUcr();
        ObjectNode created = fallIn(area.district(), "C3");
        UUID referral = post(created);
        answer(awaitOffer(referral, 1), area.fallsOds(), "accepted", null, null).then().statusCode(200);

        TestServices.capacity(area.falls(), Capacity.Rag.RED, 0);
        admin.delete(area.falls(), ADMIN).await().atMost(Duration.ofSeconds(10));
        Instant breach = Instant.ofEpochSecond(TestDatabase.count(
                "SELECT extract(epoch FROM breach_at)::bigint FROM referral WHERE id = ?", referral));
        Instant afterBreach = breach.plus(Duration.ofMinutes(1));
        sweepUntilQuiet(afterBreach);

        assertEquals("accepted", SendBackLoopTest.status(referral));
        assertEquals("accepted", offers(referral).get(0).get("status"));
        assertEquals(List.of("referral.offered", "referral.accepted"), SendBackLoopTest.callbacks(referral));
    }

    @Test
    void aPolicyReloadWithdrawsAnOfferWhoseRuleItRemovedAndKeepsOneThatHolds() {
        SendBackLoopTest.Area area = SendBackLoopTest.fallsAndUcr();
        String gp = "gp-" + area.district().toLowerCase();
        TestServices.install(TestServices.service(gp, ServiceType.GP_OUT_OF_HOURS, "G" + area.district(),
                area.district(), Duration.ofMinutes(10)));
        RoutingPolicy fromFile = policies.current();
        // The running policy has one rule more than the file: C4 falls go to the GP out of hours.
        policies.use(withFirstRule(fromFile, new RoutingRule("c4-falls-to-gp", "test rule the reload removes",
                new RoutingRule.Conditions(Set.of(ArpCategory.C4), Set.of(), null, null, null, null, null, Set.of()),
                List.of(ServiceType.GP_OUT_OF_HOURS))));
        try {
            UUID underRemovedRule = post(fallIn(area.district(), "C4"));
            UUID toGp = awaitOffer(underRemovedRule, 1);
            assertEquals(gp, offers(underRemovedRule).get(0).get("service_id"));
            UUID stillHolds = post(fallIn(area.district(), "C3"));
            awaitOffer(stillHolds, 1);
            assertEquals(area.falls(), offers(stillHolds).get(0).get("service_id"));

            given().auth().oauth2(Tokens.issue("ops-dave", null, List.of("hub-admin")))
                    .post("/admin/routing-policy/reload").then().statusCode(200);

            awaitOffer(underRemovedRule, 2);
            assertEquals("cancelled", offers(underRemovedRule).get(0).get("status"));
            assertEquals("service-changed", offers(underRemovedRule).get(0).get("status_reason_code"));
            assertEquals(area.falls(), offers(underRemovedRule).get(1).get("service_id"));
            given().auth().oauth2(Tokens.provider("G" + area.district())).get("/fhir/Task/" + toGp).then()
                    .statusCode(200).body("status", org.hamcrest.Matchers.equalTo("cancelled"));
            // The offer the new policy still makes is kept, the case looked at next at the offer's deadline.
            TestDatabase.await("the holding offer is re-checked", () -> TestDatabase.count(
                    "SELECT count(*) FROM referral r JOIN offer o ON o.referral_id = r.id WHERE r.id = ? "
                            + "AND r.next_action_at = o.deadline_at",
                    stillHolds) == 1);
            assertEquals(1, offers(stillHolds).size());
            assertEquals("requested", offers(stillHolds).get(0).get("status"));
            assertEquals(List.of("referral.offered"), SendBackLoopTest.callbacks(stillHolds));
        } finally {
            policies.use(fromFile);
        }
    }

    private static RoutingPolicy withFirstRule(RoutingPolicy policy, RoutingRule first) {
        List<RoutingRule> rules = new ArrayList<>(List.of(first));
        rules.addAll(policy.rules());
        return new RoutingPolicy("test: " + first.id() + " first", policy.c2Segmentation(), policy.timeBudgets(),
                rules, policy.offerPastBreach());
    }

    /** Sweeps as the schedule would at {@code at}, batch after batch: other tests' referrals may be due then too. */
    private void sweepUntilQuiet(Instant at) {
        while (sweeper.sweep(at).await().atMost(Duration.ofSeconds(60)) > 0) {
            // next batch
        }
    }

    /** A 24/7 falls service, alone in a district of its own. */
    private static CommunityService onlyAFallsService(String name) {
        String district = TestServices.freshDistrict();
        CommunityService falls = TestServices.service(name + "-falls-" + district.toLowerCase(),
                ServiceType.FALLS_RESPONSE, "Q" + district, district, Duration.ofMinutes(10));
        TestServices.install(falls);
        return falls;
    }

    private void replace(CommunityService service) {
        admin.put(service, ADMIN).await().atMost(Duration.ofSeconds(10));
        directory.refresh().await().atMost(Duration.ofSeconds(10));
    }

    /** Hours that have the service closed all of today (open only on another day of the week). */
    private static OpeningHours closedToday() {
        DayOfWeek otherDay = LocalDate.now(WallClock.ZONE).getDayOfWeek().plus(3);
        return new OpeningHours(List.of(new OpeningHours.AvailableTime(EnumSet.of(otherDay), false,
                LocalTime.of(8, 0), LocalTime.of(20, 0))), List.of());
    }
}
