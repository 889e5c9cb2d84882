package org.rightcare.hub.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * The alert rules do what their names say, on series shaped as the hub exports them: Prometheus's own
 * {@code promtool test rules} runs the unit tests in {@code k8s/tests/*.test.yaml} against the rules of
 * {@code k8s/base/prometheusrule.yaml} (a realistic CAD mix does not page, a real problem does). promtool comes from
 * Debian's {@code prometheus} package, which {@code .ci/run} installs; where it is missing the test is skipped and says
 * so (and fails in CI, where a skipped check would pass unseen).
 */
class AlertRulesTest {

    private static final Path RULES = Path.of("k8s", "base", "prometheusrule.yaml");
    private static final Path TESTS = Path.of("k8s", "tests");
    private static final Path WORK = Path.of("target", "promtool");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static String promtool;

    @BeforeAll
    static void needsPromtool() {
        Optional<String> found = Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .filter(dir -> !dir.isBlank()).map(dir -> Path.of(dir, "promtool")).filter(Files::isExecutable)
                .map(Path::toString).findFirst();
        if (found.isEmpty()) {
            String message = "promtool is not on the PATH (apt-get install prometheus): the alert rule tests";
            if (System.getenv("CI") != null) {
                throw new AssertionError(message + " must run in CI");
            }
            Assumptions.abort(message + " are skipped on this machine");
        }
        promtool = found.get();
    }

    @Test
    void theRulesAreValidPrometheusRulesWithTheirAnnotations() throws IOException {
        Path rules = writeRules(true);
        Result check = run(promtool, "check", "rules", rules.toString());
        assertEquals(0, check.exitCode(), check.output());
    }

    @Test
    void theAlertUnitTestsPass() throws IOException {
        // The unit tests state labels only: ManifestRulesTest holds each alert's summary, description and runbook.
        writeRules(false);
        List<String> command = new ArrayList<>(List.of(promtool, "test", "rules"));
        try (Stream<Path> files = Files.list(TESTS)) {
            for (Path test : files.filter(f -> f.toString().endsWith(".test.yaml")).sorted().toList()) {
                Path copy = WORK.resolve(test.getFileName());
                Files.copy(test, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                command.add(copy.getFileName().toString());
            }
        }
        assertFalse(command.size() == 3, "k8s/tests has promtool unit tests");
        Result result = runIn(WORK, command.toArray(String[]::new));
        assertEquals(0, result.exitCode(), result.output());
    }

    /** The PrometheusRule's groups as a plain Prometheus rule file, {@code target/promtool/rules.yaml}. */
    private static Path writeRules(boolean withAnnotations) throws IOException {
        Files.createDirectories(WORK);
        JsonNode groups = YAML.readTree(RULES.toFile()).path("spec").path("groups").deepCopy();
        if (!withAnnotations) {
            for (JsonNode group : groups) {
                for (JsonNode rule : group.path("rules")) {
                    ((ObjectNode) rule).remove("annotations");
                }
            }
        }
        ObjectNode file = YAML.createObjectNode();
        file.set("groups", groups);
        Path rules = WORK.resolve("rules.yaml");
        YAML.writeValue(rules.toFile(), file);
        return rules;
    }

    private record Result(int exitCode, String output) {
    }

    private static Result run(String... command) {
        return runIn(Path.of("."), command);
    }

    private static Result runIn(Path directory, String... command) {
        try {
            Path output = Files.createTempFile("promtool", ".out");
            try {
                Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true)
                        .redirectOutput(output.toFile()).start();
                if (!process.waitFor(2, TimeUnit.MINUTES)) {
                    process.destroyForcibly();
                    throw new AssertionError(String.join(" ", command) + " did not finish within 2 minutes");
                }
                return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(output);
            }
        } catch (IOException e) {
            throw new AssertionError("could not run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted running " + String.join(" ", command), e);
        }
    }
}
