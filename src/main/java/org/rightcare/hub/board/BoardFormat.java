package org.rightcare.hub.board;

import java.time.Duration;

/** How the board writes times for people who glance at it: "1 h 05 min", "12 min". */
final class BoardFormat {

    private BoardFormat() {
    }

    static String duration(Duration duration) {
        long minutes = Math.max(0, duration.toMinutes());
        return minutes >= 60 ? "%d h %02d min".formatted(minutes / 60, minutes % 60) : minutes + " min";
    }
}
