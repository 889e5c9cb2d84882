package org.rightcare.hub.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** Which destinations are failing, and when a success means "it is back": send its backlog. */
class DestinationHealthTest {

    private static final Instant T0 = Instant.parse("2026-12-06T10:00:00Z");

    private static DeliveryConfig config() {
        return (DeliveryConfig) java.lang.reflect.Proxy.newProxyInstance(DeliveryConfig.class.getClassLoader(),
                new Class<?>[] { DeliveryConfig.class }, (proxy, method, args) -> switch (method.getName()) {
                    case "failureLogInterval" -> Duration.ofMinutes(5);
                    case "probeInterval" -> Duration.ofSeconds(5);
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void aSuccessAfterFailuresIsARecoveryAndEndsTheProbing() {
        DestinationHealth health = new DestinationHealth(config());
        assertEquals(Optional.empty(), health.delivered("a", T0), "a success of a healthy destination changes nothing");

        health.failed("a", "Connection refused", T0);
        health.failed("a", "HTTP 503", T0.plusSeconds(2));
        health.failed("b", "HTTP 502", T0.plusSeconds(2));
        assertEquals(Set.of("a", "b"), health.failing());

        assertEquals(Optional.of(T0.plusSeconds(30)), health.delivered("a", T0.plusSeconds(30)), "its backlog goes now");
        assertEquals(Set.of("b"), health.failing());
        assertEquals(Optional.empty(), health.delivered("a", T0.plusSeconds(31)));
    }

    @Test
    void aFlappingDestinationHasItsBacklogPulledAtMostOncePerProbeIntervalAndNoRecoveryIsDropped() {
        DestinationHealth health = new DestinationHealth(config());
        health.failed("a", "HTTP 503", T0);
        assertEquals(Optional.of(T0.plusSeconds(1)), health.delivered("a", T0.plusSeconds(1)));
        health.failed("a", "HTTP 503", T0.plusSeconds(2));
        assertEquals(Optional.of(T0.plusSeconds(6)), health.delivered("a", T0.plusSeconds(3)),
                "pulled 2 s ago: this recovery's pull waits for the interval to end, and is not dropped");
        health.failed("a", "HTTP 503", T0.plusSeconds(4));
        assertEquals(Optional.of(T0.plusSeconds(11)), health.delivered("a", T0.plusSeconds(7)),
                "a pull is due at 6 s: the next one at most a probe interval after it");
        health.failed("a", "HTTP 503", T0.plusSeconds(20));
        assertEquals(Optional.of(T0.plusSeconds(21)), health.delivered("a", T0.plusSeconds(21)));
    }
}
