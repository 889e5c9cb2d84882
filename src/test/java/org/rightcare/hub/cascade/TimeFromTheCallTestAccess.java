package org.rightcare.hub.cascade;

import java.time.Instant;

import org.rightcare.hub.directory.CommunityService;
import org.rightcare.hub.directory.OpeningHours;
import org.rightcare.hub.referral.Incident;
import org.rightcare.hub.routing.RoutingPolicy;

/** {@link TimeFromTheCallTest}'s fixtures for tests in other packages (the what-if simulator's). */
public final class TimeFromTheCallTestAccess {

    private TimeFromTheCallTestAccess() {
    }

    public static RoutingPolicy defaultPolicy() {
        return TimeFromTheCallTest.defaultPolicy();
    }

    /** A UCR team in ME14 that answers within 15 minutes. */
    public static CommunityService ucr(OpeningHours hours) {
        return TimeFromTheCallTest.ucr(hours);
    }

    /** A stable C3 fall in ME14, called at {@code receivedAt}. */
    public static Incident fallCalledAt(Instant receivedAt) {
        return TimeFromTheCallTest.fallCalledAt(receivedAt);
    }
}
