package org.rightcare.hub.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URL;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.rightcare.hub.incidents.IncidentGenerator;
import org.rightcare.hub.incidents.IncidentShape;

import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/**
 * The packaged demo mints tokens of any role, so it listens on this machine only unless told otherwise, and says
 * which at start.
 */
class DemoListensLocallyTest {

    private static SmallRyeConfig demoConfig() throws IOException {
        URL properties = DemoListensLocallyTest.class.getClassLoader().getResource("application.properties");
        return new SmallRyeConfigBuilder().withProfile("demo").withSources(new PropertiesConfigSource(properties, 250))
                .build();
    }

    @Test
    void theDemoProfileBindsTheLoopbackAddress() throws IOException {
        assertEquals("127.0.0.1", demoConfig().getValue("quarkus.http.host", String.class));
    }

    @Test
    void anExplicitHostOpensIt() throws IOException {
        URL properties = DemoListensLocallyTest.class.getClassLoader().getResource("application.properties");
        SmallRyeConfig config = new SmallRyeConfigBuilder().withProfile("demo")
                .withSources(new PropertiesConfigSource(properties, 250))
                .withSources(new EnvConfigSource(Map.of("QUARKUS_HTTP_HOST", "0.0.0.0"), 300)).build();
        assertEquals("0.0.0.0", config.getValue("quarkus.http.host", String.class));
    }

    @Test
    void theDemoDeliversToItsStandInsOnItsOwnPort() {
        String directory = DemoEnvironment.standInDirectory("http://localhost:9191");
        assertFalse(directory.contains("url: http://localhost:8080/"), "no stand-in left on port 8080");
        assertTrue(directory.contains("url: http://localhost:9191/demo/providers/XWC/fhir"), directory);
    }

    @Test
    void theDemoCadSendsMostlyTheClinicalQueue() {
        IncidentGenerator generator = new IncidentGenerator(
                IncidentShape.load("classpath:incidents/demo-traffic-incidents.yaml"));
        SplittableRandom random = new SplittableRandom(1);
        Map<String, Integer> categories = new TreeMap<>();
        for (int i = 0; i < 1000; i++) {
            String category = generator.incident("MIX-" + i, Instant.parse("2026-12-07T10:00:00Z"), random).incident()
                    .category().code();
            categories.merge(category, 1, Integer::sum);
        }
        int clinicalQueue = categories.getOrDefault("C3", 0) + categories.getOrDefault("C4", 0)
                + categories.getOrDefault("C4T", 0) + categories.getOrDefault("C5", 0);
        assertTrue(clinicalQueue >= 800, categories.toString());
        assertTrue(categories.getOrDefault("C2", 0) >= 50, "some C2, which the policy returns: " + categories);
        assertEquals(0, categories.getOrDefault("C1", 0), categories.toString());
    }

    @Test
    void saysAtStartWhoCanReachIt() {
        String local = DemoEnvironment.listeningNotice(Optional.empty());
        assertTrue(local.contains("127.0.0.1 only"), local);
        assertTrue(local.contains("QUARKUS_HTTP_HOST=0.0.0.0"), local);
        String open = DemoEnvironment.listeningNotice(Optional.of("0.0.0.0"));
        assertTrue(open.contains("0.0.0.0") && open.contains("any role"), open);
    }
}
