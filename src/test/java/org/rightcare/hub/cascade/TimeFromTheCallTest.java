package org.rightcare.hub.cascade;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.math.BigDecimal;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.EnumSet;
import java.util.List;

import org.junit.jupiter.api.Test;
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
import org.rightcare.hub.referral.SendBackReason;
import org.rightcare.hub.routing.Router;
import org.rightcare.hub.routing.RoutingDecision;
import org.rightcare.hub.routing.RoutingPolicy;
import org.rightcare.hub.routing.RoutingPolicyLoader;

/**
 * Time counts from the 999 call (issue 15 item 2, hazards H-30 and H-31): the budget runs from {@code receivedAt},
 * a case that would breach before its service answers goes back at once as {@code breach-passed}, and an offer is
 * never due after the service closes. The send-back loop's pure rules, without a database.
 */
class TimeFromTheCallTest {

    /** Monday 23 November 2026, 19:59 in London (GMT). */
    static final Instant NOW = Instant.parse("2026-11-23T19:59:00Z");
    static final RoutingPolicy POLICY = defaultPolicy();

    static RoutingPolicy defaultPolicy() {
        try (var in = TimeFromTheCallTest.class.getResourceAsStream("/routing/default-policy.yaml")) {
            return RoutingPolicyLoader.load("default-policy.yaml", new String(in.readAllBytes(),
                    java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static CommunityService ucr(OpeningHours hours) {
        return new CommunityService("ucr", "UCR team", ServiceType.UCR, "RUC", "Test Trust", "1001",
                new Catchment(List.of("ME14"), List.of()), hours,
                new Eligibility(EnumSet.of(ArpCategory.C3, ArpCategory.C4, ArpCategory.C5),
                        EnumSet.allOf(DispatchPhase.class), List.of(), 18, null, 6, null, null),
                Duration.ofMinutes(15), DeliveryEndpoint.pull(), true);
    }

    static OpeningHours eightToEight() {
        return new OpeningHours(List.of(new OpeningHours.AvailableTime(EnumSet.allOf(DayOfWeek.class), false,
                LocalTime.of(8, 0), LocalTime.of(20, 0))), List.of());
    }

    static Incident fallCalledAt(Instant receivedAt) {
        return new Incident("INC-1", receivedAt, ArpCategory.C3, DispatchState.CLINICAL_QUEUE, "999", null,
                new Incident.Coding("http://snomed.info/sct", "1912002", "Fall"),
                new Incident.Patient("9434765919", "Edith", "Marsh", LocalDate.of(1938, 4, 2), null, "female", null,
                        null),
                new Incident.IncidentLocation("ME14 1AB", (BigDecimal) null, null, null),
                new Incident.Clinical(2, 6, List.of(), true, null), null);
    }

    @Test
    void theBudgetCountsFromTheCallNotFromTheHubsArrival() {
        Instant called = NOW.minus(Duration.ofMinutes(50));
        assertEquals(called.plus(Duration.ofMinutes(60)),
                SendBackRules.budgetEnds(POLICY, fallCalledAt(called), NOW, null), "C3's 60 minutes from the call");
        // Once fixed, the budget stays.
        assertEquals(NOW, SendBackRules.budgetEnds(POLICY, fallCalledAt(called), NOW, NOW));
    }

    @Test
    void anOfferIsNeverDueAfterTheServiceClosesNorAfterTheBudget() {
        Instant farBudget = NOW.plus(Duration.ofHours(2));
        assertEquals(Instant.parse("2026-11-23T20:00:00Z"),
                SendBackRules.offerDeadline(ucr(eightToEight()), NOW, farBudget), "closes at 20:00, not 20:14");
        assertEquals(NOW.plus(Duration.ofMinutes(15)),
                SendBackRules.offerDeadline(ucr(OpeningHours.twentyFourSeven()), NOW, farBudget));
        assertEquals(NOW.plus(Duration.ofMinutes(5)),
                SendBackRules.offerDeadline(ucr(OpeningHours.twentyFourSeven()), NOW, NOW.plus(Duration.ofMinutes(5))));
    }

    @Test
    void aCaseThatWouldBreachBeforeItsServiceAnswersGoesBackAtOnce() {
        SendBackRules.NextStep offer = SendBackRules.next(new Router(), POLICY, fallCalledAt(NOW), NOW.plusSeconds(7200),
                NOW, List.of(ucr(OpeningHours.twentyFourSeven())), java.util.Map.of(), List.of());
        SendBackRules.OfferTo to = assertInstanceOf(SendBackRules.OfferTo.class, offer);

        // The breach has passed: back at once, with the router's decision kept for the record.
        SendBackRules.SendBack passed = assertInstanceOf(SendBackRules.SendBack.class,
                SendBackRules.unlessBreachPassed(POLICY, NOW.minusSeconds(1), offer, NOW));
        assertEquals(SendBackReason.BREACH_PASSED, passed.reason());
        assertEquals("fall-without-serious-injury", passed.decision().ruleId());
        // It would pass before the service must answer (15 minutes): back at once too.
        assertEquals(SendBackReason.BREACH_PASSED, ((SendBackRules.SendBack) SendBackRules.unlessBreachPassed(POLICY,
                to.deadline().minusSeconds(1), offer, NOW)).reason());
        // Due in time: offered.
        assertEquals(offer, SendBackRules.unlessBreachPassed(POLICY, to.deadline(), offer, NOW));
        assertEquals(offer, SendBackRules.unlessBreachPassed(POLICY, null, offer, NOW));
        // A send-back keeps its own reason.
        SendBackRules.SendBack noService = new SendBackRules.SendBack(SendBackReason.NO_CAPACITY,
                new RoutingDecision(NOW, null, List.of(), List.of()));
        assertEquals(noService, SendBackRules.unlessBreachPassed(POLICY, NOW.minusSeconds(60), noService, NOW));
    }

    /**
     * The policy's per-type exception (issue 15 item 2): a service type it lists in {@code offerPastBreach} is still
     * offered a case past its breach, and only that type.
     */
    @Test
    void aServiceTypeThePolicyExemptsIsStillOfferedACasePastItsBreach() {
        RoutingPolicy exemptsUcr = new RoutingPolicy("ucr may", false, POLICY.timeBudgets(), POLICY.rules(),
                java.util.Set.of(ServiceType.UCR));
        RoutingPolicy exemptsWards = new RoutingPolicy("wards may", false, POLICY.timeBudgets(), POLICY.rules(),
                java.util.Set.of(ServiceType.VIRTUAL_WARD_FRAILTY));
        SendBackRules.NextStep offer = SendBackRules.next(new Router(), exemptsUcr, fallCalledAt(NOW),
                NOW.plusSeconds(7200), NOW, List.of(ucr(OpeningHours.twentyFourSeven())), java.util.Map.of(), List.of());
        assertInstanceOf(SendBackRules.OfferTo.class, offer);

        assertEquals(offer, SendBackRules.unlessBreachPassed(exemptsUcr, NOW.minusSeconds(3600), offer, NOW),
                "past its breach, and still offered to the type the policy exempts");
        assertEquals(offer, SendBackRules.unlessBreachPassed(exemptsUcr, NOW.plusSeconds(60), offer, NOW),
                "about to breach, and still offered");
        assertEquals(SendBackReason.BREACH_PASSED, ((SendBackRules.SendBack) SendBackRules.unlessBreachPassed(
                exemptsWards, NOW.minusSeconds(3600), offer, NOW)).reason(), "another type's exception is not UCR's");
    }
}
