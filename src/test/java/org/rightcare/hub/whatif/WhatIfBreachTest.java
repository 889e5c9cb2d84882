package org.rightcare.hub.whatif;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.rightcare.hub.cascade.TimeFromTheCallTestAccess;
import org.rightcare.hub.directory.OpeningHours;
import org.rightcare.hub.directory.ServiceType;
import org.rightcare.hub.incidents.ReplayableIncident;
import org.rightcare.hub.referral.SendBackReason;
import org.rightcare.hub.routing.Router;
import org.rightcare.hub.routing.RoutingPolicy;

/**
 * The what-if simulator applies the live hub's breach rule (issue 15 item 2): it shares the pure decision core
 * ({@code SendBackRules}) with the send-back loop, and a case whose breach would pass before the service offered it
 * must answer goes back as {@code breach-passed} in the simulation exactly as it does live, unless the policy exempts
 * the service's type.
 */
class WhatIfBreachTest {

    private static final Instant CALLED = Instant.parse("2026-11-23T10:00:00Z");
    private static final ProviderAnswers ACCEPT_AFTER_A_MINUTE = (offer, service, incident) -> new ProviderAnswers.Accept(
            Duration.ofMinutes(1));

    private static WhatIfSimulator.ReferralOutcome run(RoutingPolicy policy, int c3BreachMinutes) {
        WhatIfSimulator simulator = new WhatIfSimulator(new Router(),
                new BreachTargets(Map.of("C3", c3BreachMinutes)));
        return simulator.run(policy, List.of(TimeFromTheCallTestAccess.ucr(OpeningHours.twentyFourSeven())), Map.of(),
                List.of(new ReplayableIncident(TimeFromTheCallTestAccess.fallCalledAt(CALLED), 1)),
                ACCEPT_AFTER_A_MINUTE).referrals().get(0);
    }

    @Test
    void theSimulatorSendsBackACaseThatWouldBreachBeforeItsServiceAnswersAsTheLiveHubDoes() {
        RoutingPolicy policy = TimeFromTheCallTestAccess.defaultPolicy();
        // The UCR team answers within 15 minutes: a breach 10 minutes after the call would pass first.
        WhatIfSimulator.ReferralOutcome late = run(policy, 10);
        assertFalse(late.accepted());
        assertEquals(SendBackReason.BREACH_PASSED, late.sendBackReason());
        assertEquals(List.of(), late.offers(), "no service was offered anything");
        assertEquals(CALLED, late.concludedAt(), "back at once");

        WhatIfSimulator.ReferralOutcome inTime = run(policy, 120);
        assertTrue(inTime.accepted(), "a breach two hours away leaves the team time to answer");
        assertEquals(1, inTime.offers().size());

        RoutingPolicy exemptsUcr = new RoutingPolicy("ucr may", false, policy.timeBudgets(), policy.rules(),
                Set.of(ServiceType.UCR));
        assertTrue(run(exemptsUcr, 10).accepted(), "the policy's exception for the type applies in the simulation too");
    }

    @Test
    void theShippedBreachTargetsAreTheHubsOwn() {
        BreachTargets shipped = BreachTargets.shipped();
        assertEquals(120, shipped.minutes().get("C3"));
        assertEquals(CALLED.plus(Duration.ofMinutes(120)),
                shipped.breachAt(TimeFromTheCallTestAccess.fallCalledAt(CALLED)));
    }
}
