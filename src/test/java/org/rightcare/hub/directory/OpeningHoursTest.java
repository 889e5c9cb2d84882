package org.rightcare.hub.directory;

import static java.time.DayOfWeek.FRIDAY;
import static java.time.DayOfWeek.MONDAY;
import static java.time.DayOfWeek.SATURDAY;
import static java.time.DayOfWeek.SUNDAY;
import static java.time.DayOfWeek.THURSDAY;
import static java.time.DayOfWeek.TUESDAY;
import static java.time.DayOfWeek.WEDNESDAY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

/**
 * Opening hours on the Europe/London wall clock: spans past midnight, both clock changes (last Sunday of March and of
 * October) and closures. Instants are written in UTC, so each test says what the wall clock showed.
 */
class OpeningHoursTest {

    private static final Set<DayOfWeek> EVERY_DAY = EnumSet.allOf(DayOfWeek.class);

    private static OpeningHours.AvailableTime span(Set<DayOfWeek> days, String start, String end) {
        return new OpeningHours.AvailableTime(days, false, LocalTime.parse(start), LocalTime.parse(end));
    }

    private static OpeningHours hours(OpeningHours.AvailableTime... times) {
        return new OpeningHours(List.of(times), List.of());
    }

    /** The demo directory's GP out of hours: weeknights 18:30 to 08:00, and the whole weekend. */
    private static final OpeningHours OUT_OF_HOURS = hours(
            span(EnumSet.of(MONDAY, TUESDAY, WEDNESDAY, THURSDAY), "18:30", "08:00"),
            span(EnumSet.of(FRIDAY), "18:30", "00:00"),
            OpeningHours.AvailableTime.allDay(EnumSet.of(SATURDAY, SUNDAY)),
            span(EnumSet.of(MONDAY), "00:00", "08:00"));

    private static final OpeningHours OVERNIGHT = hours(span(EVERY_DAY, "20:00", "08:00"));
    private static final OpeningHours DAYTIME = hours(span(EVERY_DAY, "08:00", "20:00"));

    private static Instant at(String utc) {
        return Instant.parse(utc);
    }

    @Test
    void opensAndClosesAtTheWallClockTimesOfAnOrdinaryWinterDay() {
        // Tuesday 24 November 2026, GMT: the wall clock is UTC.
        assertFalse(DAYTIME.isOpenAt(at("2026-11-24T07:59:59Z")));
        assertTrue(DAYTIME.isOpenAt(at("2026-11-24T08:00:00Z")));
        assertTrue(DAYTIME.isOpenAt(at("2026-11-24T19:59:59Z")));
        assertFalse(DAYTIME.isOpenAt(at("2026-11-24T20:00:00Z")));
        assertEquals(Optional.of(at("2026-11-24T20:00:00Z")), DAYTIME.nextChangeAfter(at("2026-11-24T12:00:00Z")));
        assertEquals(Optional.of(at("2026-11-25T08:00:00Z")), DAYTIME.nextChangeAfter(at("2026-11-24T20:00:00Z")));
    }

    @Test
    void aSpanWhoseEndIsBeforeItsStartRunsUntilTheEndTimeTheNextDay() {
        // Monday 23 November 2026 18:30 until Tuesday 08:00.
        assertFalse(OUT_OF_HOURS.isOpenAt(at("2026-11-23T18:29:00Z")));
        assertTrue(OUT_OF_HOURS.isOpenAt(at("2026-11-23T18:30:00Z")));
        assertTrue(OUT_OF_HOURS.isOpenAt(at("2026-11-24T02:00:00Z")));
        assertTrue(OUT_OF_HOURS.isOpenAt(at("2026-11-24T07:59:59Z")));
        assertFalse(OUT_OF_HOURS.isOpenAt(at("2026-11-24T08:00:00Z")));
        assertFalse(OUT_OF_HOURS.isOpenAt(at("2026-11-24T12:00:00Z")));
        assertEquals(Optional.of(at("2026-11-24T08:00:00Z")), OUT_OF_HOURS.nextChangeAfter(at("2026-11-23T22:00:00Z")));
    }

    @Test
    void outOfHoursRunsFromFridayEveningToMondayMorningWithoutABreak() {
        Instant fridayEvening = at("2026-11-27T19:00:00Z");
        assertTrue(OUT_OF_HOURS.isOpenAt(fridayEvening));
        assertTrue(OUT_OF_HOURS.isOpenAt(at("2026-11-28T00:00:00Z"))); // Friday's span ends as Saturday's begins
        assertTrue(OUT_OF_HOURS.isOpenAt(at("2026-11-30T00:00:00Z"))); // and Sunday's as Monday morning's
        assertEquals(Optional.of(at("2026-11-30T08:00:00Z")), OUT_OF_HOURS.nextChangeAfter(fridayEvening));
    }

    @Test
    void anOvernightSpanIsAnHourShorterWhenTheClocksGoForward() {
        // Saturday 28 March 2026 20:00 GMT until Sunday 29 March 08:00 BST (07:00 UTC): 11 hours.
        assertTrue(OVERNIGHT.isOpenAt(at("2026-03-28T20:00:00Z")));
        assertTrue(OVERNIGHT.isOpenAt(at("2026-03-29T06:59:59Z")));
        assertFalse(OVERNIGHT.isOpenAt(at("2026-03-29T07:00:00Z")));
        assertEquals(Optional.of(at("2026-03-29T07:00:00Z")), OVERNIGHT.nextChangeAfter(at("2026-03-28T21:00:00Z")));
        // From then on the day service opens at 08:00 BST, 07:00 UTC.
        assertEquals(Optional.of(at("2026-03-29T07:00:00Z")), DAYTIME.nextChangeAfter(at("2026-03-29T00:00:00Z")));
        assertFalse(DAYTIME.isOpenAt(at("2026-03-28T07:30:00Z")));
        assertTrue(DAYTIME.isOpenAt(at("2026-03-29T07:30:00Z")));
    }

    @Test
    void anOvernightSpanIsAnHourLongerWhenTheClocksGoBack() {
        // Saturday 24 October 2026 20:00 BST (19:00 UTC) until Sunday 25 October 08:00 GMT: 13 hours.
        assertFalse(OVERNIGHT.isOpenAt(at("2026-10-24T18:59:59Z")));
        assertTrue(OVERNIGHT.isOpenAt(at("2026-10-24T19:00:00Z")));
        assertTrue(OVERNIGHT.isOpenAt(at("2026-10-25T07:59:59Z")));
        assertFalse(OVERNIGHT.isOpenAt(at("2026-10-25T08:00:00Z")));
        assertEquals(Optional.of(at("2026-10-25T08:00:00Z")), OVERNIGHT.nextChangeAfter(at("2026-10-24T19:30:00Z")));
        assertEquals(Optional.of(at("2026-10-24T19:00:00Z")), OVERNIGHT.nextChangeAfter(at("2026-10-24T12:00:00Z")));
    }

    @Test
    void aSpanInTheRepeatedHourIsOpenBothTimesTheWallClockShowsIt() {
        // 25 October 2026: 01:00-02:00 happens twice, first in BST (00:00-01:00 UTC), then in GMT (01:00-02:00 UTC).
        OpeningHours earlyHours = hours(span(EnumSet.of(SUNDAY), "00:00", "01:30"));
        assertTrue(earlyHours.isOpenAt(at("2026-10-25T00:15:00Z"))); // 01:15 BST
        assertFalse(earlyHours.isOpenAt(at("2026-10-25T00:45:00Z"))); // 01:45 BST
        assertTrue(earlyHours.isOpenAt(at("2026-10-25T01:15:00Z"))); // 01:15 GMT
        assertFalse(earlyHours.isOpenAt(at("2026-10-25T01:30:00Z"))); // 01:30 GMT
        assertEquals(Optional.of(at("2026-10-25T00:30:00Z")), earlyHours.nextChangeAfter(at("2026-10-25T00:15:00Z")));
        assertEquals(Optional.of(at("2026-10-25T01:00:00Z")), earlyHours.nextChangeAfter(at("2026-10-25T00:45:00Z")));
        assertEquals(Optional.of(at("2026-10-25T01:30:00Z")), earlyHours.nextChangeAfter(at("2026-10-25T01:00:00Z")));
    }

    @Test
    void aSpanThatStartsInTheSkippedHourOpensWhenTheClocksGoForward() {
        // 29 March 2026: the wall clock jumps from 01:00 GMT to 02:00 BST at 01:00 UTC; 01:30 never happens.
        OpeningHours earlyHours = hours(span(EnumSet.of(SUNDAY), "01:30", "03:00"));
        assertFalse(earlyHours.isOpenAt(at("2026-03-29T00:59:59Z")));
        assertTrue(earlyHours.isOpenAt(at("2026-03-29T01:00:00Z"))); // 02:00 BST
        assertFalse(earlyHours.isOpenAt(at("2026-03-29T02:00:00Z"))); // 03:00 BST
        assertEquals(Optional.of(at("2026-03-29T01:00:00Z")), earlyHours.nextChangeAfter(at("2026-03-29T00:00:00Z")));
    }

    @Test
    void aClosureShutsTheServiceWhateverItsWeeklyHoursSay() {
        // The summer bank holiday, Monday 31 August 2026, in BST: closed from 23:00 UTC on the Sunday.
        OpeningHours hours = new OpeningHours(List.of(OpeningHours.AvailableTime.allDay(EVERY_DAY)),
                List.of(new OpeningHours.NotAvailable("Summer bank holiday", LocalDateTime.parse("2026-08-31T00:00"),
                        LocalDateTime.parse("2026-09-01T00:00"))));
        assertTrue(hours.isOpenAt(at("2026-08-30T22:59:59Z")));
        assertFalse(hours.isOpenAt(at("2026-08-30T23:00:00Z")));
        assertFalse(hours.isOpenAt(at("2026-08-31T22:59:59Z")));
        assertTrue(hours.isOpenAt(at("2026-08-31T23:00:00Z")));
        assertEquals(Optional.of(at("2026-08-30T23:00:00Z")), hours.nextChangeAfter(at("2026-08-30T12:00:00Z")));
        assertEquals(Optional.of(at("2026-08-31T23:00:00Z")), hours.nextChangeAfter(at("2026-08-31T12:00:00Z")));
    }

    @Test
    void aClosedServiceReopensAtItsFirstOpeningAfterALongClosure() {
        // A weekday service closed from Monday 7 December 2026 until noon on Monday 28 December.
        OpeningHours hours = new OpeningHours(List.of(span(EnumSet.of(MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY),
                "08:00", "18:30")),
                List.of(new OpeningHours.NotAvailable("Refurbishment", LocalDateTime.parse("2026-12-07T00:00"),
                        LocalDateTime.parse("2026-12-28T12:00"))));
        assertEquals(Optional.of(at("2026-12-28T12:00:00Z")), hours.nextChangeAfter(at("2026-12-08T10:00:00Z")));
        // Closed from Friday evening: the weekend runs into the closure, so the next change is the reopening.
        assertEquals(Optional.of(at("2026-12-28T12:00:00Z")), hours.nextChangeAfter(at("2026-12-04T20:00:00Z")));
    }

    @Test
    void aServiceOpenAroundTheClockNeverChanges() {
        OpeningHours always = OpeningHours.twentyFourSeven();
        assertTrue(always.isOpenAt(at("2026-03-29T01:30:00Z")));
        assertTrue(always.isOpenAt(at("2026-10-25T01:30:00Z")));
        assertEquals(Optional.empty(), always.nextChangeAfter(at("2026-11-22T12:00:00Z")));
    }

    @Test
    void endOfMidnightMeansTheEndOfTheDay() {
        OpeningHours evenings = hours(span(EnumSet.of(FRIDAY), "18:30", "00:00"));
        assertTrue(evenings.isOpenAt(at("2026-11-27T23:59:59Z")));
        assertFalse(evenings.isOpenAt(at("2026-11-28T00:00:00Z")));
    }
}
