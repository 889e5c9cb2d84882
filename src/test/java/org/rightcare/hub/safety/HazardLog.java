package org.rightcare.hub.safety;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The hazard log ({@code docs/safety/hazard-log.md}) read as data: its sections with the hazard numbers each may hold,
 * its hazards with their fields and ratings, and each control with the tests ({@code Class#method}) it names. It only
 * reads the file and records what is missing or malformed, with the line; {@code HazardLogTest} decides that those
 * problems fail the build, and {@code SafetyReport} lists each control with its test's result.
 *
 * <p>
 * It lives beside the tests, not in the hub: it is part of how the hub is built and proven, and ships in no jar.
 */
public final class HazardLog {

    /** The DCB0129 consequence scale, least first. */
    public static final List<String> SEVERITIES = List.of("Minor", "Significant", "Considerable", "Major",
            "Catastrophic");

    /** The DCB0129 likelihood scale, least first. */
    public static final List<String> LIKELIHOODS = List.of("Very low", "Low", "Medium", "High", "Very high");

    /**
     * The DCB0129 risk matrix: {@code MATRIX[likelihood][severity]}, from 1 (acceptable) to 5 (unacceptable), as the
     * standard's implementation guidance draws it.
     */
    private static final int[][] MATRIX = {
            { 1, 1, 2, 2, 3 }, // Very low
            { 1, 2, 2, 3, 4 }, // Low
            { 2, 2, 3, 3, 4 }, // Medium
            { 2, 3, 3, 4, 5 }, // High
            { 3, 4, 4, 5, 5 }, // Very high
    };

    /** The fields every hazard has, in the order the skeleton shows them. */
    public static final List<String> FIELDS = List.of("Hazard", "Cause", "Effect", "Before controls", "Controls",
            "After controls", "Residual risk");

    private static final Pattern SECTION = Pattern.compile("^## (.+)$");
    private static final Pattern RANGE = Pattern.compile("<!--\\s*H-(\\d+)\\s*\\.\\.\\s*H-(\\d+)\\s*-->");
    private static final Pattern HAZARD = Pattern.compile("^### (H-(\\d+)): (.+)$");
    private static final Pattern FIELD = Pattern.compile("^- \\*\\*([^*]+):\\*\\*\\s*(.*)$");
    private static final Pattern CONTROL = Pattern.compile("^\\s{2,}- (.+)$");
    private static final Pattern CONTINUATION = Pattern.compile("^\\s{2,}\\S.*$");
    private static final Pattern TEST = Pattern.compile("`([A-Z][A-Za-z0-9_]*)#([a-z][A-Za-z0-9_]*)`");
    private static final Pattern RATING = Pattern.compile(
            "^(" + String.join("|", SEVERITIES) + ") x (" + String.join("|", LIKELIHOODS) + ") = (\\d)\\.?$");

    /** A test a control names. */
    public record TestRef(String className, String method) {

        @Override
        public String toString() {
            return className + "#" + method;
        }
    }

    /** One control of a hazard, with the tests that prove it. */
    public record Control(String text, List<TestRef> tests, int line) {
    }

    /** A severity x likelihood rating as written, with the rating the matrix gives. */
    public record Rating(String severity, String likelihood, int written) {

        /** What the DCB0129 matrix gives for this severity and likelihood. */
        public int matrix() {
            return MATRIX[LIKELIHOODS.indexOf(likelihood)][SEVERITIES.indexOf(severity)];
        }
    }

    /** One hazard: its number, name, fields as written, and controls. */
    public record Hazard(String id, int number, String name, String section, int line, Map<String, String> fields,
            List<Control> controls) {

        public Rating before() {
            return rating(fields.get("Before controls"));
        }

        public Rating after() {
            return rating(fields.get("After controls"));
        }
    }

    /** Something wrong with the file itself, at a line. */
    public record Problem(int line, String message) {

        @Override
        public String toString() {
            return "hazard-log.md:" + line + ": " + message;
        }
    }

    private final List<Hazard> hazards;
    private final List<Problem> problems;

    private HazardLog(List<Hazard> hazards, List<Problem> problems) {
        this.hazards = List.copyOf(hazards);
        this.problems = List.copyOf(problems);
    }

    public List<Hazard> hazards() {
        return hazards;
    }

    /** What is malformed in the file: missing fields, bad ratings, wrong arithmetic, controls naming no test. */
    public List<Problem> problems() {
        return problems;
    }

    public static HazardLog read(Path file) throws IOException {
        return parse(Files.readAllLines(file));
    }

    public static HazardLog parse(List<String> lines) {
        List<Hazard> hazards = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        Map<String, Integer> seen = new LinkedHashMap<>();
        String section = null;
        int[] range = null;
        HazardBuilder current = null;
        boolean inCodeBlock = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int number = i + 1;
            if (line.startsWith("```")) {
                inCodeBlock = !inCodeBlock;
                continue;
            }
            if (inCodeBlock) {
                continue;
            }
            Matcher m;
            if ((m = SECTION.matcher(line)).matches()) {
                current = finish(current, hazards, problems);
                section = m.group(1).trim();
                range = null;
                continue;
            }
            if ((m = RANGE.matcher(line)).find() && current == null) {
                range = new int[] { Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)) };
                continue;
            }
            if ((m = HAZARD.matcher(line)).matches()) {
                current = finish(current, hazards, problems);
                String id = m.group(1);
                int hazardNumber = Integer.parseInt(m.group(2));
                Integer earlier = seen.put(id, number);
                if (earlier != null) {
                    problems.add(new Problem(number, id + " is also at line " + earlier));
                }
                if (range != null && (hazardNumber < range[0] || hazardNumber > range[1])) {
                    problems.add(new Problem(number, id + " is outside its section's numbers H-%02d..H-%02d"
                            .formatted(range[0], range[1])));
                }
                current = new HazardBuilder(id, hazardNumber, m.group(3).trim(), section, number);
                continue;
            }
            if (current != null) {
                current.accept(line, number, problems);
            }
        }
        finish(current, hazards, problems);
        return new HazardLog(hazards, problems);
    }

    private static HazardBuilder finish(HazardBuilder builder, List<Hazard> hazards, List<Problem> problems) {
        if (builder != null) {
            hazards.add(builder.build(problems));
        }
        return null;
    }

    private static Rating rating(String text) {
        if (text == null) {
            return null;
        }
        Matcher m = RATING.matcher(text.trim());
        return m.matches() ? new Rating(m.group(1), m.group(2), Integer.parseInt(m.group(3))) : null;
    }

    /** Gathers one hazard's lines: fields, their continuation lines, and the controls' list. */
    private static final class HazardBuilder {
        private final String id;
        private final int number;
        private final String name;
        private final String section;
        private final int line;
        private final Map<String, String> fields = new LinkedHashMap<>();
        private final Map<String, Integer> fieldLines = new LinkedHashMap<>();
        private final List<StringBuilder> controls = new ArrayList<>();
        private final List<Integer> controlLines = new ArrayList<>();
        private String lastField;

        HazardBuilder(String id, int number, String name, String section, int line) {
            this.id = id;
            this.number = number;
            this.name = name;
            this.section = section;
            this.line = line;
        }

        void accept(String text, int at, List<Problem> problems) {
            Matcher m;
            if ((m = FIELD.matcher(text)).matches()) {
                lastField = m.group(1).trim();
                if (!FIELDS.contains(lastField)) {
                    problems.add(new Problem(at, id + " has an unknown field '" + lastField + "'"));
                }
                fields.put(lastField, m.group(2).trim());
                fieldLines.put(lastField, at);
            } else if ("Controls".equals(lastField) && (m = CONTROL.matcher(text)).matches()) {
                controls.add(new StringBuilder(m.group(1).trim()));
                controlLines.add(at);
            } else if (lastField != null && CONTINUATION.matcher(text).matches()) {
                if ("Controls".equals(lastField) && !controls.isEmpty()) {
                    controls.get(controls.size() - 1).append(' ').append(text.trim());
                } else {
                    fields.merge(lastField, text.trim(), (a, b) -> a + " " + b);
                }
            } else if (!text.isBlank() && !text.startsWith("<!--")) {
                problems.add(new Problem(at, id + ": a line outside the hazard's shape: " + text.trim()));
            }
        }

        Hazard build(List<Problem> problems) {
            for (String field : FIELDS) {
                String value = fields.get(field);
                boolean empty = value == null || (value.isBlank() && !"Controls".equals(field));
                if (empty) {
                    problems.add(new Problem(line, id + " lacks its '" + field + "'"));
                }
            }
            List<Control> parsed = new ArrayList<>();
            for (int i = 0; i < controls.size(); i++) {
                String text = controls.get(i).toString();
                List<TestRef> tests = new ArrayList<>();
                Matcher m = TEST.matcher(text);
                while (m.find()) {
                    tests.add(new TestRef(m.group(1), m.group(2)));
                }
                if (tests.isEmpty()) {
                    problems.add(new Problem(controlLines.get(i), id + ": a control names no test (`Class#method`)"));
                }
                parsed.add(new Control(text, List.copyOf(tests), controlLines.get(i)));
            }
            if (fields.containsKey("Controls") && parsed.isEmpty()) {
                problems.add(new Problem(fieldLines.get("Controls"), id + " lists no control"));
            }
            checkRatings(problems);
            return new Hazard(id, number, name, section, line, Map.copyOf(fields), List.copyOf(parsed));
        }

        private void checkRatings(List<Problem> problems) {
            Rating before = null;
            Rating after = null;
            for (String field : List.of("Before controls", "After controls")) {
                String value = fields.get(field);
                if (value == null) {
                    continue;
                }
                Rating rating = rating(value);
                int at = fieldLines.get(field);
                if (rating == null) {
                    problems.add(new Problem(at, id + ": '" + field + "' is not 'Severity x Likelihood = rating' with "
                            + "the DCB0129 scales " + SEVERITIES + " and " + LIKELIHOODS));
                    continue;
                }
                if (rating.written() != rating.matrix()) {
                    problems.add(new Problem(at, id + ": " + rating.severity() + " x " + rating.likelihood()
                            + " is " + rating.matrix() + " in the DCB0129 matrix, not " + rating.written()));
                }
                if (field.startsWith("Before")) {
                    before = rating;
                } else {
                    after = rating;
                }
            }
            if (before != null && after != null && after.matrix() > before.matrix()) {
                problems.add(new Problem(fieldLines.get("After controls"),
                        id + ": the rating after controls is higher than before them"));
            }
        }
    }
}
