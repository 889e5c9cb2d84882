package org.rightcare.hub.safety;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import javax.xml.parsers.DocumentBuilderFactory;

import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * Writes {@code target/safety-report.md} at the end of {@code ./mvnw verify}: each hazard of the hazard log, each of
 * its controls, and the result in this build of every test the control names, read from the Surefire and Failsafe
 * XML reports. A test skipped because something it needs is missing on the machine (a browser, a tool, the reference
 * folder) is shown as skipped with its reason; a test the build did not run is shown as not run. The report states
 * what happened and never fails the build itself: failing tests already fail it, and {@code HazardLogTest} fails it
 * when the log names a test that does not exist.
 *
 * <p>
 * Run by the exec-maven-plugin in the verify phase with the test classes on its class path:
 * {@code SafetyReport <hazard-log.md> <build directory>}.
 */
public final class SafetyReport {

    /** What a test did in this build. */
    enum Result {
        PASSED("passed"),
        FAILED("FAILED"),
        SKIPPED("skipped"),
        NOT_RUN("not run");

        final String label;

        Result(String label) {
            this.label = label;
        }
    }

    /** A test's result, with the reason a skipped or failed test gave. */
    record Outcome(Result result, String reason) {
    }

    private SafetyReport() {
    }

    public static void main(String[] args) throws Exception {
        Path log = Path.of(args.length > 0 ? args[0] : "docs/safety/hazard-log.md");
        Path build = Path.of(args.length > 1 ? args[1] : "target");
        Path report = build.resolve("safety-report.md");
        Files.createDirectories(build);
        Files.writeString(report, render(HazardLog.read(log), readResults(build), Instant.now()));
        System.out.println("[safety] " + report);
    }

    /** The results of every test case in the build's Surefire and Failsafe reports, by {@code Class#method}. */
    static Map<String, List<Outcome>> readResults(Path build) throws Exception {
        Map<String, List<Outcome>> results = new HashMap<>();
        for (String folder : List.of("surefire-reports", "failsafe-reports")) {
            Path dir = build.resolve(folder);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            List<Path> files;
            try (Stream<Path> listed = Files.list(dir)) {
                files = listed.filter(file -> file.getFileName().toString().startsWith("TEST-")
                        && file.getFileName().toString().endsWith(".xml")).sorted().toList();
            }
            for (Path file : files) {
                read(file, results);
            }
        }
        return results;
    }

    private static void read(Path file, Map<String, List<Outcome>> results) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        NodeList cases = factory.newDocumentBuilder().parse(file.toFile()).getElementsByTagName("testcase");
        for (int i = 0; i < cases.getLength(); i++) {
            Element testCase = (Element) cases.item(i);
            String className = testCase.getAttribute("classname");
            String simpleName = className.substring(className.lastIndexOf('.') + 1);
            String key = simpleName + "#" + methodName(testCase.getAttribute("name"));
            results.computeIfAbsent(key, k -> new ArrayList<>()).add(outcome(testCase));
        }
    }

    /** A parameterised or repeated case is reported as {@code method(args)[n]} or {@code method{args}[n]}. */
    private static String methodName(String name) {
        int end = 0;
        while (end < name.length() && Character.isJavaIdentifierPart(name.charAt(end))) {
            end++;
        }
        return name.substring(0, end);
    }

    private static Outcome outcome(Element testCase) {
        for (Node child = testCase.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child instanceof Element element) {
                switch (element.getTagName()) {
                    case "failure", "error":
                        return new Outcome(Result.FAILED, firstLine(element.getAttribute("message")));
                    case "skipped":
                        return new Outcome(Result.SKIPPED, firstLine(element.getAttribute("message")));
                    default:
                        break;
                }
            }
        }
        return new Outcome(Result.PASSED, "");
    }

    /** One result for a test named in the log: any failure fails it, any pass passes it, else skipped. */
    static Outcome combined(List<Outcome> outcomes) {
        if (outcomes == null || outcomes.isEmpty()) {
            return new Outcome(Result.NOT_RUN, "");
        }
        for (Result result : List.of(Result.FAILED, Result.PASSED, Result.SKIPPED)) {
            for (Outcome outcome : outcomes) {
                if (outcome.result() == result) {
                    return outcome;
                }
            }
        }
        return outcomes.get(0);
    }

    static String render(HazardLog log, Map<String, List<Outcome>> results, Instant at) {
        Map<Result, Integer> counts = new EnumMap<>(Result.class);
        StringBuilder body = new StringBuilder();
        int controls = 0;
        for (HazardLog.Hazard hazard : log.hazards()) {
            body.append("\n## ").append(hazard.id()).append(": ").append(hazard.name()).append("\n\n");
            HazardLog.Rating after = hazard.after();
            if (after != null) {
                body.append("Residual rating ").append(after.matrix()).append(" (").append(after.severity())
                        .append(" x ").append(after.likelihood()).append(").\n\n");
            }
            body.append("| control | test | result |\n|---|---|---|\n");
            for (HazardLog.Control control : hazard.controls()) {
                controls++;
                for (HazardLog.TestRef test : control.tests()) {
                    Outcome outcome = combined(results.get(test.toString()));
                    counts.merge(outcome.result(), 1, Integer::sum);
                    body.append("| ").append(cell(withoutProof(control.text()))).append(" | `").append(test).append("` | ")
                            .append(outcome.result().label)
                            .append(outcome.reason().isEmpty() ? "" : ": " + cell(outcome.reason()))
                            .append(" |\n");
                }
            }
        }
        StringBuilder report = new StringBuilder("# Safety report\n\n");
        report.append("Each control of `docs/safety/hazard-log.md` with the result of its tests in this build (")
                .append(at.truncatedTo(ChronoUnit.SECONDS)).append("), from the Surefire and Failsafe reports. ")
                .append("`skipped` means the test did not run on this machine (its reason says why); `not run` ")
                .append("means this build did not run it (a `-Dtest` selection, or a skipped phase).\n\n");
        report.append(log.hazards().size()).append(" hazards, ").append(controls).append(" controls: ");
        List<String> parts = new ArrayList<>();
        for (Result result : Result.values()) {
            parts.add(counts.getOrDefault(result, 0) + " " + result.label);
        }
        report.append(String.join(", ", parts)).append(" test results.\n");
        if (!log.problems().isEmpty()) {
            report.append("\n**The hazard log itself has problems** (HazardLogTest fails on them):\n\n");
            log.problems().forEach(problem -> report.append("- ").append(problem).append('\n'));
        }
        return report.append(body).toString();
    }

    /** The control as the log words it, without its "Proven by ..." (the next column names the test). */
    private static String withoutProof(String text) {
        int proof = text.indexOf(" Proven by ");
        return proof < 0 ? text : text.substring(0, proof);
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }

    private static String firstLine(String text) {
        String line = text == null ? "" : text.strip();
        int newline = line.indexOf('\n');
        line = newline < 0 ? line : line.substring(0, newline);
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }
}
