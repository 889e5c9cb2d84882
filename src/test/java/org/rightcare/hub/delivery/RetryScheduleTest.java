package org.rightcare.hub.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** Exponential backoff with full jitter, a cap, Retry-After, and the give-up time. */
class RetryScheduleTest {

    private static final Instant WRITTEN = Instant.parse("2026-11-22T14:00:00Z");
    private static final Duration INITIAL = Duration.ofSeconds(2);
    private static final Duration CAP = Duration.ofMinutes(5);
    private static final Duration GIVE_UP = Duration.ofHours(6);

    private static RetrySchedule withRandom(double random) {
        return new RetrySchedule(INITIAL, CAP, GIVE_UP, () -> random);
    }

    @Test
    void theCeilingDoublesWithEachFailureUpToTheCap() {
        RetrySchedule schedule = withRandom(0.5);
        assertEquals(2_000, schedule.ceilingMillis(1));
        assertEquals(4_000, schedule.ceilingMillis(2));
        assertEquals(8_000, schedule.ceilingMillis(3));
        assertEquals(256_000, schedule.ceilingMillis(8));
        assertEquals(300_000, schedule.ceilingMillis(9));
        assertEquals(300_000, schedule.ceilingMillis(10_000), "no overflow however long it has failed");
    }

    @Test
    void drawsEachWaitUniformlyBetweenZeroAndTheCeiling() {
        Instant now = WRITTEN.plusSeconds(60);
        assertEquals(Optional.of(now), withRandom(0.0).nextAttempt(3, WRITTEN, null, now));
        assertEquals(Optional.of(now.plusMillis(2_000)), withRandom(0.25).nextAttempt(3, WRITTEN, null, now));
        assertEquals(Optional.of(now.plusMillis(7_992)), withRandom(0.999).nextAttempt(3, WRITTEN, null, now));
    }

    @Test
    void waitsAtLeastAsLongAsTheReceiversRetryAfterButNoLongerThanTheCap() {
        Instant now = WRITTEN.plusSeconds(60);
        assertEquals(Optional.of(now.plusSeconds(30)),
                withRandom(0.1).nextAttempt(1, WRITTEN, Duration.ofSeconds(30), now));
        assertEquals(Optional.of(now.plus(CAP)), withRandom(0.1).nextAttempt(1, WRITTEN, Duration.ofHours(2), now));
    }

    @Test
    void makesALastAttemptAtTheGiveUpTimeAndThenGivesUp() {
        Instant giveUpAt = WRITTEN.plus(GIVE_UP);
        Instant nearlyThere = giveUpAt.minusSeconds(10);
        assertEquals(Optional.of(giveUpAt), withRandom(0.9).nextAttempt(20, WRITTEN, null, nearlyThere));
        assertTrue(withRandom(0.9).nextAttempt(21, WRITTEN, null, giveUpAt).isEmpty());
        assertTrue(withRandom(0.0).nextAttempt(21, WRITTEN, null, giveUpAt.plusSeconds(1)).isEmpty());
    }
}
