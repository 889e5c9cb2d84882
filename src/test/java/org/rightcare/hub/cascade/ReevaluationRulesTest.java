package org.rightcare.hub.cascade;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.rightcare.hub.directory.Capacity;
import org.rightcare.hub.directory.Catchment;
import org.rightcare.hub.directory.CommunityService;
import org.rightcare.hub.directory.OpeningHours;
import org.rightcare.hub.directory.ServiceType;
import org.rightcare.hub.referral.ArpCategory;
import org.rightcare.hub.referral.CareOutcome;
import org.rightcare.hub.referral.DispatchState;
import org.rightcare.hub.referral.Incident;
import org.rightcare.hub.referral.SendBackReason;
import org.rightcare.hub.routing.Router;
import org.rightcare.hub.routing.RoutingPolicy;
import org.rightcare.hub.routing.RoutingPolicyLoader;
import org.rightcare.hub.testing.TestServices;

/**
 * The one re-evaluation of a commitment (issue 15 item 1) and the reading of final answers (item 4), as pure rules:
 * the same eligibility the router applies, re-checked against the incident as it now stands.
 */
class ReevaluationRulesTest {

    static final RoutingPolicy POLICY = defaultPolicy();
    static final Instant NOW = Instant.parse("2026-11-22T14:10:00Z");
    /** A 24/7 UCR team for C3-C5 adults with NEWS2 up to 6, covering ME14. */
    static final CommunityService UCR = TestServices.service("ucr-me14", ServiceType.UCR, "RXY", "ME14",
            Duration.ofMinutes(15));

    static RoutingPolicy defaultPolicy() {
        try (var in = ReevaluationRulesTest.class.getResourceAsStream("/routing/default-policy.yaml")) {
            return RoutingPolicyLoader.load("default-policy.yaml",
                    new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static Incident fall(ArpCategory category, DispatchState state, Integer news2, String postcode) {
        return new Incident("INC-1", Instant.parse("2026-11-22T13:58:40Z"), category, state, "999",
                new Incident.Triage("pathways", "Dx0122", "SG1044", "SD4052", null),
                new Incident.Coding("http://snomed.info/sct", "1912002", "Fall"),
                new Incident.Patient(null, "Edith", "Marsh", LocalDate.of(1938, 4, 2), null, "female", null, null),
                new Incident.IncidentLocation(postcode, BigDecimal.valueOf(51.2787), BigDecimal.valueOf(0.5217), null),
                new Incident.Clinical(news2, 6, List.of(), true, null), null);
    }

    static Optional<SendBackReason> why(Incident incident, boolean accepted) {
        return SendBackRules.whyNoLongerHeld(POLICY, incident, Optional.of(UCR), NOW, accepted);
    }

    @Test
    void anOfferHoldsWhileTheCaseStaysWithinTheServicesRules() {
        assertEquals(Optional.empty(), why(fall(ArpCategory.C3, DispatchState.CLINICAL_QUEUE, 2, "ME14 1AB"), false));
        assertEquals(Optional.empty(), why(fall(ArpCategory.C4, DispatchState.ON_SCENE, 6, "ME14 1AB"), true));
    }

    @Test
    void deteriorationPastTheNews2CeilingBreaksAnOfferAndAnAcceptance() {
        Incident worse = fall(ArpCategory.C3, DispatchState.CLINICAL_QUEUE, 9, "ME14 1AB");
        assertEquals(Optional.of(SendBackReason.DETERIORATED), why(worse, false));
        assertEquals(Optional.of(SendBackReason.DETERIORATED), why(worse, true));
    }

    @Test
    void anUpgradeToAnAmbulanceOnlyCategoryBreaksEveryCommitmentWhateverTheService() {
        for (ArpCategory category : List.of(ArpCategory.C1, ArpCategory.C2, ArpCategory.HCP2, ArpCategory.IFT1)) {
            Incident upgraded = fall(category, DispatchState.CLINICAL_QUEUE, 2, "ME14 1AB");
            assertEquals(Optional.of(SendBackReason.NOT_ELIGIBLE_CATEGORY), why(upgraded, false), category.code());
            assertEquals(Optional.of(SendBackReason.NOT_ELIGIBLE_CATEGORY), why(upgraded, true), category.code());
            assertEquals(Optional.of(SendBackReason.NOT_ELIGIBLE_CATEGORY),
                    SendBackRules.whyNoLongerHeld(POLICY, upgraded, Optional.empty(), NOW, false), category.code());
        }
    }

    @Test
    void aConveyingCrewBreaksEveryCommitment() {
        Incident conveying = fall(ArpCategory.C3, DispatchState.CONVEYING, 2, "ME14 1AB");
        assertEquals(Optional.of(SendBackReason.CONVEYING), why(conveying, false));
        assertEquals(Optional.of(SendBackReason.CONVEYING), why(conveying, true));
    }

    @Test
    void aPatientMovedOutOfTheCatchmentBreaksTheCommitment() {
        assertEquals(Optional.of(SendBackReason.OUT_OF_AREA),
                why(fall(ArpCategory.C3, DispatchState.CLINICAL_QUEUE, 2, "ZE1 1AB"), false));
    }

    @Test
    void anAcceptanceOfAPreDispatchServiceIsNotUndoneByTheCrewBeingDispatched() {
        CommunityService preDispatchOnly = new CommunityService(UCR.id(), UCR.name(), UCR.type(), UCR.odsCode(),
                UCR.organisationName(), UCR.dosServiceId(), UCR.catchment(), UCR.openingHours(),
                new org.rightcare.hub.directory.Eligibility(UCR.eligibility().categories(),
                        java.util.Set.of(org.rightcare.hub.directory.DispatchPhase.PRE_DISPATCH), List.of(), 18, null,
                        6, null, null),
                UCR.acceptanceWindow(), UCR.endpoint(), true);
        Incident dispatched = fall(ArpCategory.C3, DispatchState.DISPATCHED, 2, "ME14 1AB");
        assertEquals(Optional.empty(),
                SendBackRules.whyNoLongerHeld(POLICY, dispatched, Optional.of(preDispatchOnly), NOW, true));
        assertEquals(Optional.of(SendBackReason.DETERIORATED),
                SendBackRules.whyNoLongerHeld(POLICY, dispatched, Optional.of(preDispatchOnly), NOW, false));
    }

    @Test
    void aFinalAnswerAsksForAnAmbulanceByAnyCategoryButC5OrByAnAmbulanceDisposition() {
        String dx = CareOutcome.PATHWAYS_DX;
        assertTrue(CareOutcome.read(List.<String[]> of(new String[] { "https://fhir.nhs.uk/CodeSystem/arp-priority-codes",
                "C2", "Cat2 Emergency" }), List.of()).asksForAmbulance());
        // BaRS examples spell the ARP system in the singular too.
        assertTrue(CareOutcome.read(List.<String[]> of(new String[] { "https://fhir.nhs.uk/CodeSystem/arp-priority-code",
                "C4", null }), List.of()).asksForAmbulance());
        assertTrue(CareOutcome.read(List.<String[]> of(new String[] { dx, "Dx0116", "Emergency Ambulance Response" }),
                List.of()).asksForAmbulance());
        CareOutcome selfCare = CareOutcome.read(List.of(new String[] { "https://fhir.nhs.uk/CodeSystem/arp-priority-codes",
                "C5", "Non Ambulance" }, new String[] { dx, "Dx75", "Refer to a Community Pharmacist" }),
                List.of("Advice given", "Pharmacy tomorrow"));
        assertFalse(selfCare.asksForAmbulance());
        assertEquals("Dx75", selfCare.dispositionCode());
        assertEquals(ArpCategory.C5, selfCare.arpCategory());
        assertEquals("Advice given; Pharmacy tomorrow", selfCare.summary());
        assertFalse(CareOutcome.read(List.of(), List.of()).asksForAmbulance());
        assertTrue(CareOutcome.read(List.of(), List.of()).isEmpty());
    }

    /**
     * A change of the service, not the patient: the open offer holds while the router itself would still offer that
     * service the case, and each way it would not gives the reason the provider and the CAD hear.
     */
    @Test
    void anOpenOfferHoldsWhileTheRouterWouldStillPickItsService() {
        Router router = new Router();
        Incident fall = fall(ArpCategory.C3, DispatchState.CLINICAL_QUEUE, 2, "ME14 1AB");
        java.util.function.BiFunction<Optional<CommunityService>, Capacity, Optional<SendBackReason>> why = (service,
                capacity) -> SendBackRules.whyOfferNoLongerHolds(router, POLICY, fall, service, capacity, NOW);

        assertEquals(Optional.empty(), why.apply(Optional.of(UCR), Capacity.unknown()));
        assertEquals(Optional.empty(), why.apply(Optional.of(UCR), new Capacity(Capacity.Rag.AMBER, 1, NOW)));
        assertEquals(Optional.of(SendBackReason.NO_CAPACITY),
                why.apply(Optional.of(UCR), new Capacity(Capacity.Rag.RED, null, NOW)));
        assertEquals(Optional.of(SendBackReason.NO_CAPACITY),
                why.apply(Optional.of(UCR), new Capacity(Capacity.Rag.GREEN, 0, NOW)));
        assertEquals(Optional.of(SendBackReason.NO_ELIGIBLE_SERVICE), why.apply(Optional.empty(), Capacity.unknown()),
                "removed from the directory");
        assertEquals(Optional.of(SendBackReason.NO_ELIGIBLE_SERVICE),
                why.apply(Optional.of(changed(UCR, UCR.catchment(), UCR.openingHours(), false)), Capacity.unknown()),
                "made inactive");
        assertEquals(Optional.of(SendBackReason.OUT_OF_AREA), why.apply(Optional.of(changed(UCR,
                new Catchment(List.of("TN1"), List.of()), UCR.openingHours(), true)), Capacity.unknown()));
        assertEquals(Optional.of(SendBackReason.SERVICE_CLOSED), why.apply(Optional.of(changed(UCR, UCR.catchment(),
                new OpeningHours(List.of(), List.of()), true)), Capacity.unknown()));
        assertEquals(Optional.of(SendBackReason.NOT_ELIGIBLE_CATEGORY), SendBackRules.whyOfferNoLongerHolds(router,
                POLICY, fall(ArpCategory.C1, DispatchState.CLINICAL_QUEUE, 2, "ME14 1AB"), Optional.of(UCR),
                Capacity.unknown(), NOW));
    }

    /** An open offer that holds is looked at again at its deadline, or when its service closes if that is sooner. */
    @Test
    void anOpenOfferIsLookedAtAgainWhenItsServiceClosesIfThatComesBeforeItsDeadline() {
        Instant deadline = NOW.plus(Duration.ofMinutes(15));
        org.rightcare.hub.offers.Offer open = new org.rightcare.hub.offers.Offer(java.util.UUID.randomUUID(),
                java.util.UUID.randomUUID(), 1, UCR.id(), UCR.odsCode(), org.rightcare.hub.offers.OfferStatus.REQUESTED,
                null, NOW, deadline, null, NOW, 1);
        // 14:10 in London (GMT): a team open until 14:20 is looked at then, one open until 14:25 at the deadline.
        OpeningHours untilTwenty = new OpeningHours(List.of(new OpeningHours.AvailableTime(
                java.util.EnumSet.allOf(java.time.DayOfWeek.class), false, java.time.LocalTime.of(8, 0),
                java.time.LocalTime.of(14, 20))), List.of());
        OpeningHours untilTwentyFive = new OpeningHours(List.of(new OpeningHours.AvailableTime(
                java.util.EnumSet.allOf(java.time.DayOfWeek.class), false, java.time.LocalTime.of(8, 0),
                java.time.LocalTime.of(14, 25))), List.of());
        assertEquals(Instant.parse("2026-11-22T14:20:00Z"), SendBackRules.nextCheck(open,
                Optional.of(changed(UCR, UCR.catchment(), untilTwenty, true)), NOW));
        assertEquals(deadline, SendBackRules.nextCheck(open,
                Optional.of(changed(UCR, UCR.catchment(), untilTwentyFive, true)), NOW));
        assertEquals(deadline, SendBackRules.nextCheck(open, Optional.of(UCR), NOW), "24/7");
        assertEquals(deadline, SendBackRules.nextCheck(open, Optional.empty(), NOW), "removed");
    }

    private static CommunityService changed(CommunityService s, Catchment catchment, OpeningHours hours,
            boolean active) {
        return new CommunityService(s.id(), s.name(), s.type(), s.odsCode(), s.organisationName(), s.dosServiceId(),
                catchment, hours, s.eligibility(), s.acceptanceWindow(), s.endpoint(), active);
    }
}
