package org.rightcare.hub.referral;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.rightcare.hub.referral.ReferralLifecycle.CaseEvent;
import org.rightcare.hub.referral.ReferralLifecycle.Transition;

/** The state machine of a referral: every status x event pair, the legal ones and the refused ones. */
class ReferralLifecycleTest {

    /** Every legal pair and where it goes; every pair not listed here must be refused. */
    static final Map<ReferralStatus, Map<CaseEvent, ReferralStatus>> EXPECTED = Map.of(
            ReferralStatus.ROUTING, Map.of(
                    CaseEvent.OFFER_MADE, ReferralStatus.OFFERED,
                    CaseEvent.NO_SERVICE_LEFT, ReferralStatus.SENT_BACK,
                    CaseEvent.CLAIMED, ReferralStatus.ACCEPTED,
                    CaseEvent.CLINICIAN_SENT_BACK, ReferralStatus.SENT_BACK,
                    CaseEvent.CAD_CANCELLED, ReferralStatus.CANCELLED,
                    CaseEvent.CAD_CLOSED, ReferralStatus.CANCELLED,
                    CaseEvent.STEP_FAILED_TOO_OFTEN, ReferralStatus.SENT_BACK,
                    CaseEvent.OFFER_NO_LONGER_HOLDS, ReferralStatus.SENT_BACK),
            ReferralStatus.OFFERED, Map.ofEntries(
                    Map.entry(CaseEvent.OFFER_MADE, ReferralStatus.OFFERED),
                    Map.entry(CaseEvent.NO_SERVICE_LEFT, ReferralStatus.SENT_BACK),
                    Map.entry(CaseEvent.CLAIMED, ReferralStatus.ACCEPTED),
                    Map.entry(CaseEvent.CLINICIAN_SENT_BACK, ReferralStatus.SENT_BACK),
                    Map.entry(CaseEvent.CAD_CANCELLED, ReferralStatus.CANCELLED),
                    Map.entry(CaseEvent.CAD_CLOSED, ReferralStatus.CANCELLED),
                    Map.entry(CaseEvent.STEP_FAILED_TOO_OFTEN, ReferralStatus.SENT_BACK),
                    Map.entry(CaseEvent.DECLINED, ReferralStatus.ROUTING),
                    Map.entry(CaseEvent.DEADLINE_PASSED, ReferralStatus.ROUTING),
                    Map.entry(CaseEvent.UNDELIVERABLE, ReferralStatus.ROUTING),
                    Map.entry(CaseEvent.ACCEPTED, ReferralStatus.ACCEPTED),
                    Map.entry(CaseEvent.PICTURE_CHANGED, ReferralStatus.OFFERED),
                    Map.entry(CaseEvent.OFFER_NO_LONGER_HOLDS, ReferralStatus.ROUTING),
                    Map.entry(CaseEvent.SERVICE_NO_LONGER_TAKES_IT, ReferralStatus.ROUTING),
                    Map.entry(CaseEvent.FINAL_ANSWER_ASKS_FOR_AMBULANCE, ReferralStatus.SENT_BACK)),
            ReferralStatus.ACCEPTED, Map.of(
                    CaseEvent.PICTURE_CHANGED, ReferralStatus.ACCEPTED,
                    CaseEvent.ACCEPTANCE_NO_LONGER_HOLDS, ReferralStatus.SENT_BACK,
                    CaseEvent.COMPLETED, ReferralStatus.COMPLETED,
                    CaseEvent.FINAL_ANSWER_ASKS_FOR_AMBULANCE, ReferralStatus.SENT_BACK,
                    CaseEvent.CAD_CANCELLED, ReferralStatus.CANCELLED,
                    CaseEvent.CAD_CLOSED, ReferralStatus.ACCEPTED),
            ReferralStatus.SENT_BACK, Map.of(),
            ReferralStatus.CANCELLED, Map.of(),
            ReferralStatus.COMPLETED, Map.of());

    @Test
    void everyStatusAndEventPairIsEitherTheExpectedMoveOrRefused() {
        for (ReferralStatus from : ReferralStatus.values()) {
            for (CaseEvent event : CaseEvent.values()) {
                ReferralStatus expected = EXPECTED.get(from).get(event);
                Optional<Transition> actual = ReferralLifecycle.transition(from, event);
                if (expected == null) {
                    assertTrue(actual.isEmpty(), from + " x " + event + " must be refused, not " + actual);
                    assertFalse(ReferralLifecycle.allows(from, event), from + " x " + event);
                } else {
                    assertEquals(expected, actual.orElseThrow(() -> new AssertionError(from + " x " + event
                            + " must be legal")).to(), from + " x " + event);
                }
            }
        }
    }

    @Test
    void aTerminalCaseTakesNoEventAtAll() {
        for (ReferralStatus terminal : Set.of(ReferralStatus.SENT_BACK, ReferralStatus.CANCELLED,
                ReferralStatus.COMPLETED)) {
            for (CaseEvent event : CaseEvent.values()) {
                assertFalse(ReferralLifecycle.allows(terminal, event), terminal + " x " + event);
            }
        }
    }

    @Test
    void everyMoveBackToTheAmbulanceServiceTellsTheCadAndEveryRecallTellsTheProvider() {
        for (ReferralStatus from : ReferralStatus.values()) {
            for (CaseEvent event : CaseEvent.values()) {
                ReferralLifecycle.transition(from, event).ifPresent(t -> {
                    if (t.to() == ReferralStatus.SENT_BACK || t.to() == ReferralStatus.CANCELLED
                            || t.to() == ReferralStatus.ACCEPTED && from != ReferralStatus.ACCEPTED) {
                        assertTrue(t.cad(), "the CAD hears every change of holder: " + from + " x " + event);
                    }
                });
            }
        }
        assertTrue(ReferralLifecycle.transition(ReferralStatus.ACCEPTED, CaseEvent.ACCEPTANCE_NO_LONGER_HOLDS)
                .orElseThrow().provider());
        assertTrue(ReferralLifecycle.transition(ReferralStatus.ACCEPTED, CaseEvent.PICTURE_CHANGED).orElseThrow()
                .provider());
    }

    @Test
    void theReadmeShowsTheStateTableOfTheCode() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        assertTrue(readme.contains(ReferralLifecycle.markdownTable()),
                "README.md's referral state table differs from the code; it should read:\n"
                        + ReferralLifecycle.markdownTable());
    }
}
