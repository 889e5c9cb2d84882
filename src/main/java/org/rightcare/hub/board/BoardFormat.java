package org.rightcare.hub.board;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

import org.rightcare.hub.support.WallClock;

/**
 * How the board writes times for people who glance at it, one way everywhere: durations as "1 h 05 min" or "12 min",
 * moments as "6 Dec 14:03" on the UK wall clock (Europe/London, summer time included). The page's script writes the
 * same shapes as it counts down ({@code board.js}).
 */
final class BoardFormat {

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("d MMM HH:mm", Locale.UK)
            .withZone(WallClock.ZONE);
    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("HH:00").withZone(WallClock.ZONE);

    private BoardFormat() {
    }

    static String duration(Duration duration) {
        long minutes = Math.max(0, duration.toMinutes());
        return minutes >= 60 ? "%d h %02d min".formatted(minutes / 60, minutes % 60) : minutes + " min";
    }

    /** "in 12 min" or "12 min ago": what is left until {@code at}, or how long it has passed. */
    static String until(Instant now, Instant at) {
        Duration left = Duration.between(now, at);
        return left.isNegative() ? duration(left.negated()) + " ago" : "in " + duration(left);
    }

    static String hour(Instant instant) {
        return HOUR.format(instant);
    }

    static String time(Instant instant) {
        return instant == null ? "" : CLOCK.format(instant);
    }
}
