package org.rightcare.hub.safety;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/**
 * The hazard log cannot rot: every hazard has every DCB0129 field, its ratings are the matrix's, every control names a
 * test, and every named test exists in {@code src/test/java}, is a JUnit test and is not disabled. The first test
 * reads the real log; the others prove the checks catch what they should on small logs.
 */
class HazardLogTest {

    private static final Path LOG = Path.of("docs/safety/hazard-log.md");

    @Test
    void everyControlNamesATestThatExistsAndRuns() throws Exception {
        HazardLog log = HazardLog.read(LOG);
        TestCatalogue catalogue = TestCatalogue.scan(Path.of("src/test/java"));
        List<String> problems = new ArrayList<>();
        log.problems().forEach(problem -> problems.add(problem.toString()));
        for (HazardLog.Hazard hazard : log.hazards()) {
            for (HazardLog.Control control : hazard.controls()) {
                for (HazardLog.TestRef test : control.tests()) {
                    catalogue.problem(test).ifPresent(
                            problem -> problems.add("hazard-log.md:" + control.line() + ": " + hazard.id() + ": "
                                    + problem));
                }
            }
        }
        assertEquals(List.of(), problems, "the hazard log's problems");
    }

    @Test
    void theDesignsSafetyInvariantsAreAllInTheLog() throws Exception {
        List<String> ids = HazardLog.read(LOG).hazards().stream().map(HazardLog.Hazard::id).toList();
        List<String> missing = IntStream.rangeClosed(1, 9).mapToObj("H-%02d"::formatted)
                .filter(id -> !ids.contains(id)).toList();
        assertEquals(List.of(), missing, "DESIGN.md's safety invariants without a hazard entry");
    }

    @Test
    void aHazardLackingAFieldOrAControlWithoutATestIsAProblem() {
        HazardLog log = HazardLog.parse(List.of(
                "## Section",
                "<!-- H-01 .. H-09 -->",
                "### H-01: something",
                "- **Hazard:** a hazard.",
                "- **Cause:** a cause.",
                "- **Before controls:** Major x Medium = 3.",
                "- **Controls:**",
                "  - a control without its proof.",
                "- **After controls:** Major x Low = 3.",
                "- **Residual risk:** small."));
        List<String> problems = log.problems().stream().map(HazardLog.Problem::toString).toList();
        assertEquals(List.of(
                "hazard-log.md:3: H-01 lacks its 'Effect'",
                "hazard-log.md:8: H-01: a control names no test (`Class#method`)"), problems);
    }

    @Test
    void aRatingIsTheDcb0129MatrixsAndNeverRisesWithControls() {
        HazardLog log = HazardLog.parse(hazard("H-02", "Catastrophic x Low = 3.", "Catastrophic x High = 5."));
        List<String> problems = log.problems().stream().map(HazardLog.Problem::toString).toList();
        assertEquals(List.of(
                "hazard-log.md:8: H-02: Catastrophic x Low is 4 in the DCB0129 matrix, not 3",
                "hazard-log.md:11: H-02: the rating after controls is higher than before them"), problems);
        HazardLog.Rating before = HazardLog.parse(hazard("H-02", "Minor x Very low = 1.", "Minor x Very low = 1."))
                .hazards().get(0).before();
        assertEquals(1, before.matrix());
    }

    @Test
    void aHazardOutsideItsSectionsNumbersOrTwiceIsAProblem() {
        List<String> lines = new ArrayList<>(hazard("H-12", "Major x Low = 3.", "Major x Very low = 2."));
        lines.addAll(hazard("H-12", "Major x Low = 3.", "Major x Very low = 2.").subList(2, 12));
        List<String> problems = HazardLog.parse(lines).problems().stream().map(HazardLog.Problem::toString)
                .toList();
        assertEquals(List.of(
                "hazard-log.md:3: H-12 is outside its section's numbers H-01..H-09",
                "hazard-log.md:13: H-12 is also at line 3",
                "hazard-log.md:13: H-12 is outside its section's numbers H-01..H-09"), problems);
    }

    @Test
    void aNamedTestThatIsMissingDisabledOrNotATestIsCaught() {
        TestCatalogue catalogue = new TestCatalogue(Map.of(
                "Fixture", Fixture.class.getName(),
                "DisabledFixture", DisabledFixture.class.getName()));
        assertEquals(Optional.empty(), catalogue.problem(new HazardLog.TestRef("Fixture", "runs")));
        assertEquals(Optional.of("Fixture#skipped is @Disabled"),
                catalogue.problem(new HazardLog.TestRef("Fixture", "skipped")));
        assertEquals(Optional.of("Fixture#helper is not a test (no @Test or other JUnit test annotation)"),
                catalogue.problem(new HazardLog.TestRef("Fixture", "helper")));
        assertEquals(Optional.of("Fixture has no method gone"),
                catalogue.problem(new HazardLog.TestRef("Fixture", "gone")));
        assertEquals(Optional.of("no test class Nowhere in src/test/java"),
                catalogue.problem(new HazardLog.TestRef("Nowhere", "runs")));
        assertEquals(Optional.of("DisabledFixture is @Disabled"),
                catalogue.problem(new HazardLog.TestRef("DisabledFixture", "runs")));
    }

    @Test
    void theReportShowsEachControlsResultAndSkipsWithTheirReason() {
        List<String> lines = new ArrayList<>(hazard("H-03", "Major x Medium = 3.", "Major x Very low = 2."));
        lines.set(9, "  - controlled. Proven by `ATest#passes`, `ATest#fails`, `BTest#needsATool` and `CTest#absent`.");
        String report = SafetyReport.render(HazardLog.parse(lines), Map.of(
                "ATest#passes", List.of(new SafetyReport.Outcome(SafetyReport.Result.PASSED, "")),
                "ATest#fails", List.of(new SafetyReport.Outcome(SafetyReport.Result.PASSED, ""),
                        new SafetyReport.Outcome(SafetyReport.Result.FAILED, "expected 1 but was 2")),
                "BTest#needsATool", List.of(new SafetyReport.Outcome(SafetyReport.Result.SKIPPED,
                        "No Chromium at /usr/bin/chromium"))),
                Instant.parse("2026-12-06T18:00:00Z"));
        assertTrue(report.contains("1 hazards, 1 controls: 1 passed, 1 FAILED, 1 skipped, 1 not run test results."),
                report);
        assertTrue(report.contains("| `ATest#passes` | passed |"), report);
        assertTrue(report.contains("| `ATest#fails` | FAILED: expected 1 but was 2 |"), report);
        assertTrue(report.contains("| `BTest#needsATool` | skipped: No Chromium at /usr/bin/chromium |"), report);
        assertTrue(report.contains("| `CTest#absent` | not run |"), report);
    }

    private static List<String> hazard(String id, String before, String after) {
        return List.of(
                "## Section",
                "<!-- H-01 .. H-09 -->",
                "### " + id + ": something",
                "- **Hazard:** a hazard.",
                "- **Cause:** a cause,",
                "  over two lines.",
                "- **Effect:** an effect.",
                "- **Before controls:** " + before,
                "- **Controls:**",
                "  - a control. Proven by `HazardLogTest#everyControlNamesATestThatExistsAndRuns`.",
                "- **After controls:** " + after,
                "- **Residual risk:** small.");
    }

    /** Stands for a test class the log might name; not run itself (a nested class of a test is not discovered). */
    static class Fixture {

        @Test
        void runs() {
        }

        @Disabled("to prove the check")
        @Test
        void skipped() {
        }

        void helper() {
        }
    }

    @Disabled("to prove the check")
    static class DisabledFixture {

        @Test
        void runs() {
        }
    }
}
