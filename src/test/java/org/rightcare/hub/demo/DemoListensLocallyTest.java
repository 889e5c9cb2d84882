package org.rightcare.hub.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URL;
import java.util.Optional;

import org.junit.jupiter.api.Test;

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
    void saysAtStartWhoCanReachIt() {
        String local = DemoEnvironment.listeningNotice(Optional.empty());
        assertTrue(local.contains("127.0.0.1 only"), local);
        assertTrue(local.contains("QUARKUS_HTTP_HOST=0.0.0.0"), local);
        String open = DemoEnvironment.listeningNotice(Optional.of("0.0.0.0"));
        assertTrue(open.contains("0.0.0.0") && open.contains("any role"), open);
    }
}
