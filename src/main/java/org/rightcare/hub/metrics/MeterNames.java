package org.rightcare.hub.metrics;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.micrometer.core.instrument.config.MeterFilter;

/**
 * Keeps {@code /q/metrics} to families an operator can read. Vert.x reports its SQL client pool under a name made
 * of a blank prefix and separators, which Prometheus renders as {@code m__...}: those families name no pool and
 * duplicate what the hub's own gauges and the datasource health check already say, so they are not exported.
 */
public class MeterNames {

    @Produces
    @Singleton
    MeterFilter noNamelessVertxFamilies() {
        return MeterFilter.deny(id -> isNameless(id.getName()));
    }

    /**
     * A meter name that Prometheus would render as {@code m__...}: it starts with a separator (a blank prefix, such
     * as {@code .queue.delay}), and the Prometheus convention puts {@code m_} before any name not starting with a
     * letter.
     */
    static boolean isNameless(String name) {
        return name.isEmpty() || !Character.isLetter(name.charAt(0));
    }
}
