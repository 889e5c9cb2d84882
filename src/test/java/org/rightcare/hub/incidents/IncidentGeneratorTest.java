package org.rightcare.hub.incidents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.rightcare.hub.intake.CadEventParser;
import org.rightcare.hub.referral.ArpCategory;
import org.rightcare.hub.support.WallClock;

/** Generated incidents are reproducible, valid under the CAD contract, and shaped as the shape file says. */
class IncidentGeneratorTest {

    static final IncidentShape SHAPE = IncidentShape.load(IncidentShape.WEALDSHIRE);
    static final LocalDate MONDAY = LocalDate.of(2026, 11, 16);

    @Test
    void theSameSeedGivesTheSameIncidents() {
        IncidentGenerator generator = new IncidentGenerator(SHAPE);

        assertEquals(generator.days(MONDAY, 2, 99), generator.days(MONDAY, 2, 99));
        assertNotEquals(generator.days(MONDAY, 2, 99), generator.days(MONDAY, 2, 100));
    }

    @Test
    void everyGeneratedIncidentPassesTheCadContract() throws CadEventParser.MalformedJsonException {
        // No callback URL in these events, so the parser needs no CAD system registry.
        CadEventParser parser = new CadEventParser(null);
        List<ReplayableIncident> week = new IncidentGenerator(SHAPE).days(MONDAY, 7, 1);

        for (ReplayableIncident generated : week) {
            CadEventParser.Result result = parser.parse(CadEventJson.bytes(CadEventJson.created("evt-1", "DEMO-CAD",
                    generated.incident().receivedAt(), generated.incident())));
            assertTrue(result.isValid(), generated.incident() + ": " + result.errors());
            assertEquals(generated.incident(), result.event().incident());
        }
    }

    @Test
    void followsTheShapeOfTheDayWeekAndCategories() {
        List<ReplayableIncident> week = new IncidentGenerator(SHAPE).days(MONDAY, 7, 1);
        ZoneId london = WallClock.ZONE;

        int expected = 0;
        for (int d = 0; d < 7; d++) {
            expected += (int) Math.round(SHAPE.incidentsPerDay() * SHAPE.dayOfWeek().get(d));
        }
        assertEquals(expected, week.size());
        long lateMorning = week.stream().filter(r -> r.incident().receivedAt().atZone(london).getHour() == 11).count();
        long beforeDawn = week.stream().filter(r -> r.incident().receivedAt().atZone(london).getHour() == 4).count();
        assertTrue(lateMorning > 2 * beforeDawn, lateMorning + " at 11:00 against " + beforeDawn + " at 04:00");
        double c2 = week.stream().filter(r -> r.incident().category() == ArpCategory.C2).count() / (double) week.size();
        double c2Weight = SHAPE.categories().get("C2")
                / SHAPE.categories().values().stream().mapToDouble(Double::doubleValue).sum();
        assertEquals(c2Weight, c2, 0.03);
    }
}
