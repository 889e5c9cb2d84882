package org.rightcare.hub.board;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.rightcare.hub.offers.OfferStatusReason;
import org.rightcare.hub.referral.ArpCategory;
import org.rightcare.hub.referral.Incident;
import org.rightcare.hub.referral.SendBackReason;
import org.rightcare.hub.routing.RoutingDecision;

/**
 * Words, not codes, and one way of writing time: what the board shows for categories, triage codes, reasons and
 * moments, and the order of its queue. Pure logic, no Quarkus.
 */
class BoardWordsTest {

    @Test
    void codesReadWithTheirWordsFromTheNhsCodeSystems() {
        assertEquals("C3 Urgent", BoardWords.category(ArpCategory.C3));
        assertEquals("HCP1 Life Threatening", BoardWords.category(ArpCategory.HCP1));
        assertEquals("Emergency Ambulance Response (Category 3) (Pathways disposition Dx0122)",
                BoardWords.code(new Incident.Coding(Incident.PATHWAYS_DX, "Dx0122", null)));
        assertEquals("Fall (SNOMED CT 1912002)",
                BoardWords.code(new Incident.Coding("http://snomed.info/sct", "1912002", null)));
        assertEquals("Pathways symptom group SG1035",
                BoardWords.code(new Incident.Coding(Incident.PATHWAYS_SG, "SG1035", null)),
                "a code the hub holds no words for is named, never guessed");
        assertEquals("Closed now", BoardWords.exclusion(RoutingDecision.ExclusionReason.CLOSED_NOW));
        assertEquals("Not clinically appropriate for the services available",
                BoardWords.sendBackReason(SendBackReason.CLINICALLY_INAPPROPRIATE));
    }

    @Test
    void aDeclineReadsAsItsReasonAndTheTeamsOwnWords() {
        assertEquals("No answer within the acceptance window", BoardWords.offerReason(OfferStatusReason.TIMED_OUT));
        String declined = BoardWords.offerReason(new OfferStatusReason(OfferStatusReason.DOS_SYSTEM, "22",
                "Both crews out"));
        assertEquals(true, declined.endsWith(": \u201cBoth crews out\u201d"), declined);
    }

    @Test
    void timesAreWrittenOnTheUkWallClockSummerAndWinter() {
        assertEquals("6 Dec 14:03", BoardFormat.time(Instant.parse("2026-12-06T14:03:59Z")));
        assertEquals("1 Jul 15:03", BoardFormat.time(Instant.parse("2026-07-01T14:03:00Z")));
        assertEquals("1 h 05 min", BoardFormat.duration(Duration.ofMinutes(65)));
        Instant now = Instant.parse("2026-12-06T14:00:00Z");
        assertEquals("in 12 min", BoardFormat.until(now, now.plusSeconds(12 * 60 + 30)));
        assertEquals("3 min ago", BoardFormat.until(now, now.minusSeconds(3 * 60)));
    }

    @Test
    void theQueuePutsTheSoonestBreachFirstThenTheHigherCategory() {
        Instant now = Instant.parse("2026-12-06T14:00:00Z");
        BoardStack.Row laterC3 = row(ArpCategory.C3, now.plusSeconds(3600));
        BoardStack.Row soonC4 = row(ArpCategory.C4, now.plusSeconds(600));
        BoardStack.Row soonC3 = row(ArpCategory.C3, now.plusSeconds(600));
        BoardStack.Row breached = row(ArpCategory.C4, now.minusSeconds(60));
        List<BoardStack.Row> rows = new ArrayList<>(List.of(laterC3, soonC4, soonC3, breached));
        rows.sort(BoardStack.URGENCY);
        assertEquals(List.of(breached, soonC3, soonC4, laterC3), rows);
    }

    private static BoardStack.Row row(ArpCategory category, Instant breachAt) {
        return new BoardStack.Row(UUID.randomUUID(), category, "80-89", "Fall", "IV1", "5 min", breachAt, "", false,
                "Offered", true, Set.of(), null, "", false);
    }
}
