package org.rightcare.hub.support;

import java.util.Optional;

/**
 * Settings read before Quarkus has started (and so before its configuration exists): a system property, or the
 * environment variable Quarkus would map it from ({@code quarkus.datasource.reactive.url} ->
 * {@code QUARKUS_DATASOURCE_REACTIVE_URL}).
 */
public final class LaunchSettings {

    private LaunchSettings() {
    }

    public static Optional<String> get(String property) {
        String value = System.getProperty(property, System.getenv(environmentName(property)));
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value);
    }

    public static String environmentName(String property) {
        return property.toUpperCase().replaceAll("[^A-Z0-9]", "_");
    }
}
