package org.rightcare.hub.board;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;

import org.rightcare.hub.support.WallClock;

/** How the board writes times for people who glance at it: "1 h 05 min", "12 min", "14:03:12" (UK time). */
final class BoardFormat {

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("d MMM HH:mm:ss")
            .withZone(WallClock.ZONE);
    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("HH:00").withZone(WallClock.ZONE);

    private BoardFormat() {
    }

    static String duration(Duration duration) {
        long minutes = Math.max(0, duration.toMinutes());
        return minutes >= 60 ? "%d h %02d min".formatted(minutes / 60, minutes % 60) : minutes + " min";
    }

    static String hour(Instant instant) {
        return HOUR.format(instant);
    }

    static String time(Instant instant) {
        return instant == null ? "" : CLOCK.format(instant);
    }
}
