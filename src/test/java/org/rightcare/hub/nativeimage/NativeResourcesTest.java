package org.rightcare.hub.nativeimage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

import org.junit.jupiter.api.Test;

/**
 * A native image carries only the classpath files {@code quarkus.native.resources.includes} lists. A file the hub's
 * configuration names as {@code classpath:...} but that list misses is "no such classpath resource" in the executable
 * only (the what-if scenario was, issue 18), found minutes into a native build. Checked here in milliseconds instead,
 * for every profile a production image runs: the default one and prod (the demo and test profiles run on the JVM).
 */
class NativeResourcesTest {

    @Test
    void everyClasspathFileTheConfigurationNamesIsCarriedByTheNativeImage() {
        Properties configuration = applicationProperties();
        List<PathMatcher> carried = Arrays.stream(configuration.getProperty("quarkus.native.resources.includes")
                .split(",")).map(String::strip).map(glob -> FileSystems.getDefault().getPathMatcher("glob:" + glob))
                .toList();

        List<String> named = configuration.stringPropertyNames().stream()
                .filter(key -> !key.startsWith("%") || key.startsWith("%prod."))
                .map(configuration::getProperty).filter(value -> value.startsWith("classpath:"))
                .map(value -> value.substring("classpath:".length())).sorted().toList();
        List<String> missing = named.stream()
                .filter(file -> carried.stream().noneMatch(glob -> glob.matches(Path.of(file)))).toList();

        assertTrue(named.contains("whatif/wealdshire-scenario.yaml"), "the what-if scenario is named: " + named);
        assertEquals(List.of(), missing, "classpath files the native image would not carry");
    }

    private static Properties applicationProperties() {
        try (InputStream in = NativeResourcesTest.class.getResourceAsStream("/application.properties")) {
            Properties properties = new Properties();
            properties.load(in);
            return properties;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
