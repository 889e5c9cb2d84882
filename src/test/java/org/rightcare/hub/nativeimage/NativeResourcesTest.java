package org.rightcare.hub.nativeimage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * A native image carries only the classpath files {@code quarkus.native.resources.includes} lists. A file the hub's
 * configuration names as {@code classpath:...} but that list misses is "no such classpath resource" in the executable
 * only (the what-if scenario was, issue 18), found minutes into a native build. Checked here in milliseconds instead,
 * for every profile a production image runs: the default one and prod (the demo and test profiles run on the JVM).
 */
class NativeResourcesTest {

    private static final Pattern CLASSPATH_FILE = Pattern.compile("classpath:([\\w./-]+)");

    @Test
    void everyClasspathFileTheConfigurationNamesIsCarriedByTheNativeImage() {
        Properties configuration = applicationProperties();
        List<PathMatcher> carried = Arrays.stream(configuration.getProperty("quarkus.native.resources.includes")
                .split(",")).map(String::strip).map(glob -> FileSystems.getDefault().getPathMatcher("glob:" + glob))
                .toList();

        List<String> configured = configuration.stringPropertyNames().stream()
                .filter(key -> !key.startsWith("%") || key.startsWith("%prod."))
                .map(configuration::getProperty).filter(value -> value.startsWith("classpath:"))
                .map(value -> value.substring("classpath:".length())).toList();
        // A file may name others in turn (the what-if scenario names its directory, policy and incident shapes).
        List<String> named = Stream.concat(configured.stream(), configured.stream().flatMap(NativeResourcesTest::namedIn))
                .distinct().sorted().toList();
        List<String> missing = named.stream()
                .filter(file -> carried.stream().noneMatch(glob -> glob.matches(Path.of(file)))).toList();

        assertTrue(named.containsAll(List.of("whatif/wealdshire-scenario.yaml", "incidents/wealdshire-incidents.yaml")),
                "the what-if scenario and the incident shapes it names: " + named);
        assertEquals(List.of(), missing, "classpath files the native image would not carry");
    }

    /** The {@code classpath:} files a classpath file names. */
    private static Stream<String> namedIn(String file) {
        try (InputStream in = NativeResourcesTest.class.getResourceAsStream("/" + file)) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return CLASSPATH_FILE.matcher(text).results().map(match -> match.group(1)).toList().stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
