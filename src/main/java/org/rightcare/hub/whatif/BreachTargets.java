package org.rightcare.hub.whatif;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

import org.rightcare.hub.referral.Incident;

/**
 * The ambulance response breach time of each category, as the live hub sets it on a referral
 * ({@code hub.intake.breach-minutes}: minutes from the call), so that the simulator sends back a case past its breach
 * exactly as the hub does.
 *
 * @param minutes by ARP category code
 */
public record BreachTargets(Map<String, Integer> minutes) {

    private static final String PREFIX = "hub.intake.breach-minutes.";

    public BreachTargets {
        minutes = Map.copyOf(minutes);
    }

    /** The incident's breach time: its call plus its category's target; null for a category without one. */
    public Instant breachAt(Incident incident) {
        Integer target = minutes.get(incident.category().code());
        return target == null || incident.receivedAt() == null ? null
                : incident.receivedAt().plus(Duration.ofMinutes(target));
    }

    /** The targets the hub ships with, read from its {@code application.properties} (for the command line run). */
    public static BreachTargets shipped() {
        Properties properties = new Properties();
        try (InputStream in = BreachTargets.class.getResourceAsStream("/application.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, Integer> minutes = new TreeMap<>();
        properties.stringPropertyNames().stream().filter(key -> key.startsWith(PREFIX))
                .forEach(key -> minutes.put(key.substring(PREFIX.length()),
                        Integer.valueOf(properties.getProperty(key).trim())));
        return new BreachTargets(minutes);
    }
}
