package org.rightcare.hub.directory;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.time.zone.ZoneOffsetTransition;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import org.rightcare.hub.support.WallClock;

/**
 * When a service takes referrals, with FHIR HealthcareService semantics: {@code availableTime} entries give the
 * weekly hours on the wall clock of Europe/London, and {@code notAvailable} entries close the service for a period
 * whatever the weekly hours say (a bank holiday, a staffing gap).
 *
 * <p>
 * An entry whose end is not after its start runs past midnight: 20:00 to 08:00 on Friday means Friday 20:00 until
 * Saturday 08:00. An end of 00:00 means midnight. Times are wall-clock times, so a service open 08:00 to 20:00 opens
 * at 08:00 local time on the days the clocks change too.
 */
public record OpeningHours(List<AvailableTime> availableTimes, List<NotAvailable> notAvailable) {

    /** Every time in the directory is local to England. */

    /** How far past the last closure the search for the next change looks: a weekly pattern repeats within it. */
    private static final int SEARCH_DAYS_AFTER = 8;

    public OpeningHours {
        availableTimes = List.copyOf(availableTimes);
        notAvailable = List.copyOf(notAvailable);
    }

    /**
     * Weekly hours. With {@code allDay}, start and end are null. Otherwise the span starts on each of the days at
     * {@code start} and ends at {@code end} the same day, or the next day when {@code end} is not after {@code start}.
     */
    public record AvailableTime(Set<DayOfWeek> daysOfWeek, boolean allDay, LocalTime start, LocalTime end) {

        public AvailableTime {
            daysOfWeek = Set.copyOf(daysOfWeek);
        }

        public static AvailableTime allDay(Set<DayOfWeek> days) {
            return new AvailableTime(days, true, null, null);
        }

        public boolean crossesMidnight() {
            return !allDay && !end.isAfter(start);
        }

        /**
         * Whether wall-clock {@code time} on {@code date} is in a span that starts that day or, past midnight, the day
         * before.
         */
        boolean covers(LocalDate date, LocalTime time) {
            if (allDay) {
                return daysOfWeek.contains(date.getDayOfWeek());
            }
            if (!crossesMidnight()) {
                return daysOfWeek.contains(date.getDayOfWeek()) && !time.isBefore(start) && time.isBefore(end);
            }
            return daysOfWeek.contains(date.getDayOfWeek()) && !time.isBefore(start)
                    || daysOfWeek.contains(date.minusDays(1).getDayOfWeek()) && time.isBefore(end);
        }
    }

    /**
     * A closure from {@code start} (inclusive) to {@code end} (exclusive), both local date-times in Europe/London.
     * A local time that the clocks skip or repeat means the first instant it names.
     */
    public record NotAvailable(String description, LocalDateTime start, LocalDateTime end) {

        public Instant startInstant() {
            return start.atZone(WallClock.ZONE).toInstant();
        }

        public Instant endInstant() {
            return end.atZone(WallClock.ZONE).toInstant();
        }

        boolean contains(Instant at) {
            return !at.isBefore(startInstant()) && at.isBefore(endInstant());
        }
    }

    /** Open every hour of every day, with no closures. */
    public static OpeningHours twentyFourSeven() {
        return new OpeningHours(List.of(AvailableTime.allDay(Set.of(DayOfWeek.values()))), List.of());
    }

    public boolean isOpenAt(Instant at) {
        if (notAvailable.stream().anyMatch(closure -> closure.contains(at))) {
            return false;
        }
        LocalDateTime local = LocalDateTime.ofInstant(at, WallClock.ZONE);
        return availableTimes.stream().anyMatch(t -> t.covers(local.toLocalDate(), local.toLocalTime()));
    }

    /**
     * The first instant after {@code at} when the service opens (if closed at {@code at}) or closes (if open); empty
     * when that never happens, as for a 24/7 service with no closures ahead.
     */
    public Optional<Instant> nextChangeAfter(Instant at) {
        boolean openNow = isOpenAt(at);
        // Candidates are every instant where the answer could change; each is checked, in time order, as soon as
        // every candidate before it is known. Closures are known at once; weekly boundaries are added day by day.
        TreeSet<Instant> candidates = new TreeSet<>();
        LocalDate lastClosureDay = LocalDate.ofInstant(at, WallClock.ZONE);
        for (NotAvailable closure : notAvailable) {
            candidates.add(closure.startInstant());
            candidates.add(closure.endInstant());
            if (closure.end().toLocalDate().isAfter(lastClosureDay)) {
                lastClosureDay = closure.end().toLocalDate();
            }
        }
        LocalDate lastDay = lastClosureDay.plusDays(SEARCH_DAYS_AFTER);
        for (LocalDate day = LocalDate.ofInstant(at, WallClock.ZONE).minusDays(1); !day.isAfter(lastDay); day = day
                .plusDays(1)) {
            addBoundaries(day, candidates);
            Instant nextDayStarts = day.plusDays(1).atStartOfDay(WallClock.ZONE).toInstant();
            while (!candidates.isEmpty() && candidates.first().isBefore(nextDayStarts)) {
                Instant candidate = candidates.pollFirst();
                if (candidate.isAfter(at) && isOpenAt(candidate) != openNow) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    /** Where the weekly hours that start on {@code day} begin and end, and any clock change during the day. */
    private void addBoundaries(LocalDate day, TreeSet<Instant> candidates) {
        for (AvailableTime time : availableTimes) {
            if (!time.daysOfWeek().contains(day.getDayOfWeek())) {
                continue;
            }
            if (time.allDay()) {
                addLocal(day.atStartOfDay(), candidates);
                addLocal(day.plusDays(1).atStartOfDay(), candidates);
            } else {
                addLocal(day.atTime(time.start()), candidates);
                addLocal((time.crossesMidnight() ? day.plusDays(1) : day).atTime(time.end()), candidates);
            }
        }
        Instant dayStarts = day.atStartOfDay(WallClock.ZONE).toInstant();
        ZoneOffsetTransition transition = WallClock.ZONE.getRules().nextTransition(dayStarts.minusNanos(1));
        if (transition != null && transition.getInstant().isBefore(day.plusDays(1).atStartOfDay(WallClock.ZONE).toInstant())) {
            candidates.add(transition.getInstant());
        }
    }

    /** A wall-clock time that happens twice (when the clocks go back) is a boundary both times. */
    private static void addLocal(LocalDateTime local, TreeSet<Instant> candidates) {
        ZonedDateTime zoned = local.atZone(WallClock.ZONE);
        candidates.add(zoned.withEarlierOffsetAtOverlap().toInstant());
        candidates.add(zoned.withLaterOffsetAtOverlap().toInstant());
    }
}
