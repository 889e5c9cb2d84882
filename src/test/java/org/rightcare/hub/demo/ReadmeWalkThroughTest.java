package org.rightcare.hub.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * The README's quick start cannot drift: its "Walk-through with curl" commands run with bash, exactly as written
 * (only {@code localhost:8080} becomes the test hub's address), against a hub started with the demo profile's
 * settings (its CAD system and token endpoint) over the test profile's database and directory.
 */
@QuarkusTest
@TestProfile(ReadmeWalkThroughTest.DemoSettings.class)
class ReadmeWalkThroughTest {

    public static class DemoSettings implements QuarkusTestProfile {
        @Override
        public String getConfigProfile() {
            // The last profile wins where both set a key: test's database, directory and addresses, demo's CAD system
            // and token endpoint.
            return "demo,test";
        }
    }

    private static final Pattern BASH_BLOCK = Pattern.compile("```bash\\n(.*?)```", Pattern.DOTALL);

    @TestHTTPResource("/")
    URL base;

    @Test
    void theQuickStartCommandsWorkAsWritten() throws IOException, InterruptedException {
        String readme = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);
        int start = readme.indexOf("## Walk-through with curl");
        String section = readme.substring(start, readme.indexOf("\n## ", start + 1));
        List<String> blocks = new ArrayList<>();
        Matcher block = BASH_BLOCK.matcher(section);
        while (block.find()) {
            blocks.add(block.group(1));
        }
        assertEquals(3, blocks.size(), "the walk-through's three bash blocks");
        String hub = "localhost:" + base.getPort();
        String script = String.join("\n", blocks).replace("localhost:8080", hub);

        ProcessBuilder bash = new ProcessBuilder("bash", "-e", "-o", "pipefail", "-c", script)
                .redirectErrorStream(true);
        bash.environment().put("HUB_URL", "http://" + hub);
        Process process = bash.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(2, TimeUnit.MINUTES), "the walk-through finishes");
        assertEquals(0, process.exitValue(), output);

        assertEquals(3, count(output, "HTTP 202"), "the post, its replay and a fresh incident: " + output);
        assertTrue(Pattern.compile("\"resourceType\" ?: ?\"ServiceRequest\"").matcher(output).find(),
                "the ServiceRequest read back: " + output);
        assertTrue(output.contains("<Patient"), "the Patient as XML: " + output);
        assertTrue(Pattern.compile("\"resourceType\" ?: ?\"CapabilityStatement\"").matcher(output).find(), output);
        assertTrue(output.contains("invalid-event") && output.contains("HTTP 422"), "the broken event: " + output);
    }

    private static int count(String text, String part) {
        int count = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            count++;
        }
        return count;
    }
}
