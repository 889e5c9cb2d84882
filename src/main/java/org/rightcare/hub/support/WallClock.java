package org.rightcare.hub.support;

import java.time.ZoneId;

/**
 * The hub's wall clock: Europe/London, in which services keep their opening hours, ages and dates are reckoned, the
 * board and the what-if reports show times, and CAD exports without an offset are read. Instants stay UTC.
 */
public final class WallClock {

    public static final ZoneId ZONE = ZoneId.of("Europe/London");

    private WallClock() {
    }
}
