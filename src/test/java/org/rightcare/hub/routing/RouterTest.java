package org.rightcare.hub.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.rightcare.hub.directory.Capacity;
import org.rightcare.hub.directory.Catchment;
import org.rightcare.hub.directory.CommunityService;
import org.rightcare.hub.directory.DeliveryEndpoint;
import org.rightcare.hub.directory.DispatchPhase;
import org.rightcare.hub.directory.Eligibility;
import org.rightcare.hub.directory.OpeningHours;
import org.rightcare.hub.directory.ServiceType;
import org.rightcare.hub.referral.ArpCategory;
import org.rightcare.hub.referral.DispatchState;
import org.rightcare.hub.referral.Incident;
import org.rightcare.hub.routing.RoutingDecision.ExclusionReason;

/** The router as a pure function: the same inputs always give the same decision, with a reason for everything. */
class RouterTest {

    /** Monday 23 November 2026, 10:00 in London (GMT). */
    static final Instant MONDAY_10AM = Instant.parse("2026-11-23T10:00:00Z");
    static final Instant MONDAY_11PM = Instant.parse("2026-11-23T23:00:00Z");

    static final RoutingPolicy POLICY = RoutingPolicies.read("classpath:routing/default-policy.yaml");

    final Router router = new Router();

    static CommunityService service(String id, ServiceType type, String district, OpeningHours hours) {
        return new CommunityService(id, id + " team", type, "R" + id.hashCode() % 100, "Test Trust", "100" + id.length(),
                new Catchment(List.of(district), List.of()), hours,
                new Eligibility(EnumSet.of(ArpCategory.C3, ArpCategory.C4, ArpCategory.C5),
                        EnumSet.allOf(DispatchPhase.class), List.of(), 18, null, 6, null, null),
                Duration.ofMinutes(15), DeliveryEndpoint.pull(), true);
    }

    static OpeningHours daytime() {
        return new OpeningHours(List.of(new OpeningHours.AvailableTime(EnumSet.allOf(DayOfWeek.class), false,
                LocalTime.of(8, 0), LocalTime.of(20, 0))), List.of());
    }

    static Incident fall(ArpCategory category, String postcode, int news2) {
        return new Incident("INC-1", MONDAY_10AM.minusSeconds(300), category, DispatchState.CLINICAL_QUEUE, "999", null,
                new Incident.Coding("http://snomed.info/sct", "1912002", "Fall"),
                new Incident.Patient("9434765919", "Edith", "Marsh", LocalDate.of(1938, 4, 2), null, "female", null, null),
                new Incident.IncidentLocation(postcode, (BigDecimal) null, null, null),
                new Incident.Clinical(news2, 6, List.of(), true, null), null);
    }

    @Test
    void offersAFallToTheFallsServiceBeforeUrgentCommunityResponse() {
        List<CommunityService> services = List.of(
                service("ucr", ServiceType.UCR, "ME14", OpeningHours.twentyFourSeven()),
                service("falls", ServiceType.FALLS_RESPONSE, "ME14", OpeningHours.twentyFourSeven()));

        RoutingDecision decision = router.decide(POLICY, fall(ArpCategory.C3, "ME14 1AB", 2), MONDAY_10AM, services,
                Map.of(), Set.of());

        assertEquals("fall-without-serious-injury", decision.ruleId());
        assertEquals(List.of("falls", "ucr"),
                decision.candidates().stream().map(RoutingDecision.Candidate::serviceId).toList());
    }

    /** An 80-year-old living with frailty (CFS 6), stable observations, presenting with {@code code}. */
    static Incident frailPatientWith(String code, String display) {
        Incident fall = fall(ArpCategory.C3, "ME14 1AB", 2);
        return new Incident(fall.incidentId(), fall.receivedAt(), fall.category(), fall.dispatchState(), fall.origin(),
                fall.triage(), new Incident.Coding("http://snomed.info/sct", code, display), fall.patient(),
                fall.location(), fall.clinical(), fall.crew());
    }

    @Test
    void theDefaultPolicyKeepsRedFlagsAwayFromTheRulesThatCatchByAgeOrFrailty() {
        List<CommunityService> services = List.of(
                service("ucr", ServiceType.UCR, "ME14", OpeningHours.twentyFourSeven()),
                service("vw", ServiceType.VIRTUAL_WARD_FRAILTY, "ME14", OpeningHours.twentyFourSeven()),
                service("mh", ServiceType.MENTAL_HEALTH_HOME_TREATMENT, "ME14", OpeningHours.twentyFourSeven()));
        // Without a red flag, frailty alone takes an unlisted complaint to the UCR team.
        assertEquals("frail-older-adult", router.decide(POLICY, frailPatientWith("271807003", "Rash"), MONDAY_10AM,
                services, Map.of(), Set.of()).ruleId());
        for (String redFlag : List.of("29857009", "230690007", "266257000", "267036007", "230145002", "91302008",
                "39579001", "82313006", "55680006")) {
            RoutingDecision decision = router.decide(POLICY, frailPatientWith(redFlag, "red flag"), MONDAY_10AM,
                    services, Map.of(), Set.of());
            assertEquals(null, decision.ruleId(), redFlag + " must match no community rule");
            assertEquals(List.of(), decision.candidates(), redFlag);
        }
        // Suicidal thoughts are the mental health team's, never the frailty rule's.
        assertEquals("mental-health-crisis", router.decide(POLICY, frailPatientWith("6471006", "Suicidal thoughts"),
                MONDAY_10AM, services, Map.of(), Set.of()).ruleId());
    }

    @Test
    void aRulesExclusionMatchesAnyCodeOfTheIncidentExactlyOrByPrefix() {
        RoutingRule.Conditions any = new RoutingRule.Conditions(Set.of(), Set.of(), null, null, null, null, null,
                Set.of());
        RoutingRule rule = new RoutingRule("any", "", any, List.of(ServiceType.UCR), List.of(
                new Eligibility.Condition("http://snomed.info/sct", "29857009", null),
                new Eligibility.Condition(Incident.PATHWAYS_SD, "SD40*", null)));
        Incident fall = fall(ArpCategory.C3, "ME14 1AB", 2);
        assertTrue(rule.appliesTo(fall, 88));
        Incident discriminated = new Incident(fall.incidentId(), fall.receivedAt(), fall.category(),
                fall.dispatchState(), fall.origin(), new Incident.Triage("pathways", null, null, "SD4052", null),
                fall.presentingComplaint(), fall.patient(), fall.location(), fall.clinical(), fall.crew());
        assertEquals("SD40*", rule.excludedBy(discriminated).orElseThrow().code());
        assertTrue(!rule.appliesTo(discriminated, 88));
        assertTrue(!rule.appliesTo(frailPatientWith("29857009", "Chest pain"), 88));
        assertTrue(rule.appliesTo(frailPatientWith("2985700", "not chest pain"), 88), "exact codes match exactly");
    }

    @Test
    void neverRoutesAnAmbulanceOnlyCategoryWithoutSegmentation() {
        List<CommunityService> services = List.of(service("ucr", ServiceType.UCR, "ME14", OpeningHours.twentyFourSeven()));
        for (ArpCategory category : List.of(ArpCategory.C1, ArpCategory.C2, ArpCategory.HCP1, ArpCategory.IFT2)) {
            RoutingDecision decision = router.decide(POLICY, fall(category, "ME14 1AB", 2), MONDAY_10AM, services,
                    Map.of(), Set.of());
            assertTrue(decision.candidates().isEmpty(), category + " must never be offered");
        }
    }

    @Test
    void explainsEveryExclusion() {
        List<CommunityService> services = List.of(
                service("far", ServiceType.FALLS_RESPONSE, "CT1", OpeningHours.twentyFourSeven()),
                service("shut", ServiceType.FALLS_RESPONSE, "ME14", daytime()),
                service("full", ServiceType.UCR, "ME14", OpeningHours.twentyFourSeven()),
                service("tried", ServiceType.UCR, "ME14", OpeningHours.twentyFourSeven()));

        RoutingDecision decision = router.decide(POLICY, fall(ArpCategory.C3, "ME14 1AB", 2), MONDAY_11PM, services,
                Map.of("full", new Capacity(Capacity.Rag.RED, 0, MONDAY_11PM)), Set.of("tried"));

        assertTrue(decision.candidates().isEmpty());
        Map<String, ExclusionReason> reasons = new java.util.HashMap<>();
        decision.exclusions().forEach(e -> reasons.put(e.serviceId(), e.reason()));
        assertEquals(Map.of("far", ExclusionReason.OUT_OF_AREA, "shut", ExclusionReason.CLOSED_NOW,
                "full", ExclusionReason.NO_CAPACITY, "tried", ExclusionReason.ALREADY_DECLINED), reasons);
    }

    @Test
    void excludesAPatientTheServiceIsNotEligibleFor() {
        List<CommunityService> services = List.of(service("ucr", ServiceType.UCR, "ME14", OpeningHours.twentyFourSeven()));
        // NEWS2 5 is above the falls rule's ceiling of 4 and no other rule fits a fall: nothing is considered.
        RoutingDecision unstable = router.decide(POLICY, fall(ArpCategory.C3, "ME14 1AB", 5), MONDAY_10AM, services,
                Map.of(), Set.of());
        assertEquals(null, unstable.ruleId());
        assertTrue(unstable.candidates().isEmpty());

        Incident child = withAge(fall(ArpCategory.C3, "ME14 1AB", 2), 10);
        RoutingDecision decision = router.decide(POLICY, child, MONDAY_10AM, services, Map.of(), Set.of());
        assertEquals(ExclusionReason.NOT_ELIGIBLE, decision.exclusions().get(0).reason());
        assertTrue(decision.exclusions().get(0).detail().contains("10"), decision.exclusions().get(0).detail());
    }

    @Test
    void prefersGreenOverAmberAndMorePlacesWithinAType() {
        List<CommunityService> services = List.of(
                service("amber", ServiceType.UCR, "ME14", OpeningHours.twentyFourSeven()),
                service("green-1", ServiceType.UCR, "ME14", OpeningHours.twentyFourSeven()),
                service("green-5", ServiceType.UCR, "ME14", OpeningHours.twentyFourSeven()));
        Map<String, Capacity> capacity = Map.of(
                "amber", new Capacity(Capacity.Rag.AMBER, 9, MONDAY_10AM),
                "green-1", new Capacity(Capacity.Rag.GREEN, 1, MONDAY_10AM),
                "green-5", new Capacity(Capacity.Rag.GREEN, 5, MONDAY_10AM));

        RoutingDecision decision = router.decide(POLICY, fall(ArpCategory.C4, "ME14 1AB", 1), MONDAY_10AM, services,
                capacity, Set.of());

        assertEquals(List.of("green-5", "green-1", "amber"),
                decision.candidates().stream().map(RoutingDecision.Candidate::serviceId).toList());
    }

    static Incident withAge(Incident i, int age) {
        return new Incident(i.incidentId(), i.receivedAt(), i.category(), i.dispatchState(), i.origin(), i.triage(),
                i.presentingComplaint(), new Incident.Patient(null, "Sam", "Child", null, age, "male", null, null),
                i.location(), i.clinical(), i.crew());
    }
}
