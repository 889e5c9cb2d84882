package org.rightcare.hub.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * Renders the overlays under {@code k8s/overlays} with the real kustomize, as {@code kubectl apply -k} would, so the
 * tests look at exactly what a cluster would be sent.
 *
 * <p>
 * kustomize comes from {@code kubectl kustomize} (kustomize v5 is built into kubectl 1.27 and later; the project's
 * build machines have it). Without it the manifest tests are skipped on a developer's machine, so {@code ./mvnw verify}
 * still needs nothing but a JDK, and fail in CI ({@code CI} set), where a skipped check would pass unseen.
 */
final class Kustomize {

    static final Path K8S = Path.of("k8s");
    static final List<String> OVERLAYS = List.of("demo", "prod");

    private static final Pattern KUSTOMIZE_VERSION = Pattern.compile("Kustomize Version: v(\\d+)\\.");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Map<String, List<JsonNode>> RENDERED = new ConcurrentHashMap<>();

    private Kustomize() {
    }

    /** The objects an overlay renders to, in kustomize's order. */
    static List<JsonNode> render(String overlay) {
        return RENDERED.computeIfAbsent(overlay, o -> renderDirectory(K8S.resolve("overlays").resolve(o)));
    }

    /** Skips (on a developer's machine) or fails (in CI) when no kubectl with kustomize v5 or later is on the PATH. */
    static void requireKubectl() {
        Optional<String> kubectl = kubectl();
        Optional<String> problem = kubectl.isEmpty() ? Optional.of("kubectl is not on the PATH")
                : versionProblem(kubectl.get());
        if (problem.isEmpty()) {
            return;
        }
        String message = problem.get() + ": the k8s/ manifest checks need kubectl 1.27+ (kustomize v5)";
        if (System.getenv("CI") != null) {
            fail(message + ", and CI must run them");
        }
        Assumptions.abort(message + "; skipped on this machine");
    }

    private static List<JsonNode> renderDirectory(Path directory) {
        Result result = run(kubectl().orElseThrow(), "kustomize", directory.toString());
        assertEquals(0, result.exitCode(), () -> "kubectl kustomize " + directory + " failed:\n" + result.stderr());
        // kustomize warns about deprecated fields on stderr; keep the manifests on its current syntax.
        assertTrue(result.stderr().isBlank(), () -> "kubectl kustomize " + directory + " warned:\n" + result.stderr());
        try (MappingIterator<JsonNode> documents = YAML.readerFor(JsonNode.class).readValues(result.stdout())) {
            List<JsonNode> objects = new ArrayList<>();
            documents.forEachRemaining(document -> {
                if (document != null && !document.isNull() && !document.isEmpty()) {
                    objects.add(document);
                }
            });
            return List.copyOf(objects);
        } catch (IOException e) {
            throw new AssertionError("kustomize output for " + directory + " is not YAML", e);
        }
    }

    private static Optional<String> kubectl() {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .filter(dir -> !dir.isBlank())
                .map(dir -> Path.of(dir, "kubectl"))
                .filter(Files::isExecutable)
                .map(Path::toString)
                .findFirst();
    }

    private static Optional<String> versionProblem(String kubectl) {
        Result version = run(kubectl, "version", "--client");
        Matcher matcher = KUSTOMIZE_VERSION.matcher(version.stdout());
        if (version.exitCode() != 0 || !matcher.find()) {
            return Optional.of(kubectl + " does not report a kustomize version");
        }
        int major = Integer.parseInt(matcher.group(1));
        return major >= 5 ? Optional.empty() : Optional.of(kubectl + " has kustomize v" + major);
    }

    private record Result(int exitCode, String stdout, String stderr) {
    }

    private static Result run(String... command) {
        try {
            Path stdout = Files.createTempFile("kubectl", ".out");
            Path stderr = Files.createTempFile("kubectl", ".err");
            try {
                Process process = new ProcessBuilder(command).redirectOutput(stdout.toFile())
                        .redirectError(stderr.toFile()).start();
                if (!process.waitFor(2, TimeUnit.MINUTES)) {
                    process.destroyForcibly();
                    throw new AssertionError(String.join(" ", command) + " did not finish within 2 minutes");
                }
                return new Result(process.exitValue(), Files.readString(stdout, StandardCharsets.UTF_8),
                        Files.readString(stderr, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(stdout);
                Files.deleteIfExists(stderr);
            }
        } catch (IOException e) {
            throw new AssertionError("could not run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted running " + String.join(" ", command), e);
        }
    }
}
