package org.rightcare.hub.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
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
        assertFalse(health.delivered("a", T0), "a success of a healthy destination changes nothing");

        health.failed("a", "Connection refused", T0);
        health.failed("a", "HTTP 503", T0.plusSeconds(2));
        health.failed("b", "HTTP 502", T0.plusSeconds(2));
        assertEquals(Set.of("a", "b"), health.failing());

        assertTrue(health.delivered("a", T0.plusSeconds(30)));
        assertEquals(Set.of("b"), health.failing());
        assertFalse(health.delivered("a", T0.plusSeconds(31)));
    }
}
